package armlink

import (
	"fmt"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	"github.com/sluicehq/sluice/pkg/pki"
)

// TLSDialOptions are the dial options for reporting to ARM over mutual
// TLS 1.3: the reporter presents the mediator's certificate (a `sluice tls
// cert -mediator ID` certificate is a client certificate too) and checks
// ARM's certificate against the CA and the address dialed. The files are
// re-read when they change.
func TLSDialOptions(f pki.Files, logger hclog.Logger) ([]grpc.DialOption, error) {
	tc, err := pki.ClientConfig(f, logger)
	if err != nil {
		return nil, fmt.Errorf("TLS to ARM: %w", err)
	}
	return []grpc.DialOption{grpc.WithTransportCredentials(credentials.NewTLS(tc))}, nil
}
