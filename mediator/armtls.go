package mediator

import (
	"fmt"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc"

	"github.com/sluicehq/sluice/mediator/armlink"
	"github.com/sluicehq/sluice/pkg/hclconf"
)

// ARMDialOptions are the dial options for reporting to cfg.ARM, for
// Deps.ARMDialOptions. A mediator with a tls block dials ARM over mutual
// TLS with that same identity: its certificate (server for agents, client
// of ARM) and its CA, which must also have signed ARM's certificate.
// Without tls it reports in plaintext, which is refused for an ARM that is
// not on this machine unless insecure = true (then with a loud warning).
// The file and SLUICE_MEDIATOR_ARM are checked with positions at load;
// this also covers configurations built in code.
func ARMDialOptions(cfg *Config, logger hclog.Logger) ([]grpc.DialOption, error) {
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	if cfg.ARM == "" {
		return nil, nil
	}
	if cfg.TLS != nil {
		opts, err := armlink.TLSDialOptions(*cfg.TLS, logger)
		if err != nil {
			return nil, fmt.Errorf("mediator tls (for ARM): %w", err)
		}
		logger.Info("reporting to ARM over mutual TLS with the mediator's certificate", "arm", cfg.ARM, "cert", cfg.TLS.Cert)
		return opts, nil
	}
	if hclconf.AddrIsLoopback(cfg.ARM) {
		return nil, nil
	}
	if !cfg.Insecure {
		return nil, fmt.Errorf("%s", errPlaintextARM(cfg.ARM))
	}
	logger.Warn("INSECURE: heartbeats go to ARM over plaintext across the network, unauthenticated (insecure = true); configure a tls block", "arm", cfg.ARM)
	return nil, nil
}

// errPlaintextARM refuses plaintext reports to an ARM on the network.
func errPlaintextARM(addr string) string {
	return fmt.Sprintf("arm %q is not a loopback address: configure a tls { ca_file, cert_file, key_file } block (the mediator reports to ARM over mutual TLS with it), or set insecure = true to report in plaintext", addr)
}
