package pki

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
)

// Files names the PEM files of a component's TLS identity: the CA it
// trusts, its certificate and its key.
type Files struct {
	CA, Cert, Key string
}

// reloadEvery bounds how often the files' modification times are checked.
const reloadEvery = time.Second

// keyring holds a component's certificate and trusted CAs, and re-reads
// them from disk when the files change, so certificates are rotated
// without a restart. A change that does not load (a half-written file) is
// logged and the previous material stays in use.
type keyring struct {
	files  Files
	logger hclog.Logger

	mu      sync.Mutex
	cert    *tls.Certificate
	pool    *x509.CertPool
	mtimes  [3]time.Time
	checked time.Time
}

func newKeyring(f Files, logger hclog.Logger) (*keyring, error) {
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	k := &keyring{files: f, logger: logger}
	if err := k.load(); err != nil {
		return nil, err
	}
	return k, nil
}

func (k *keyring) load() error {
	cert, err := tls.LoadX509KeyPair(k.files.Cert, k.files.Key)
	if err != nil {
		return fmt.Errorf("load certificate %s / %s: %w", k.files.Cert, k.files.Key, err)
	}
	pool := x509.NewCertPool()
	if k.files.CA != "" {
		caPEM, err := os.ReadFile(k.files.CA)
		if err != nil {
			return fmt.Errorf("read CA %s: %w", k.files.CA, err)
		}
		if !pool.AppendCertsFromPEM(caPEM) {
			return fmt.Errorf("%s holds no PEM certificate", k.files.CA)
		}
	}
	k.cert, k.pool = &cert, pool
	k.mtimes = k.stat()
	return nil
}

func (k *keyring) stat() [3]time.Time {
	var m [3]time.Time
	for i, p := range []string{k.files.CA, k.files.Cert, k.files.Key} {
		if fi, err := os.Stat(p); err == nil {
			m[i] = fi.ModTime()
		}
	}
	return m
}

// current returns the certificate and CA pool, reloading changed files.
func (k *keyring) current() (*tls.Certificate, *x509.CertPool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if time.Since(k.checked) >= reloadEvery {
		k.checked = time.Now()
		if k.stat() != k.mtimes {
			if err := k.load(); err != nil {
				k.mtimes = k.stat() // do not retry a broken file every handshake
				k.logger.Error("TLS files changed but do not load; keeping the previous ones", "error", err)
			} else {
				k.logger.Info("TLS certificate or CA reloaded", "cert", k.files.Cert)
			}
		}
	}
	return k.cert, k.pool
}

// ServerOptions tune ServerConfig.
type ServerOptions struct {
	// Check is called with the verified client identity; an error refuses
	// the connection (revoked certificates). It may be nil.
	Check  func(Identity) error
	Logger hclog.Logger
}

// ServerConfig is mutual TLS 1.3 for a server: clients must present a
// certificate of the CA that carries a Sluice identity. Certificates and
// the CA are re-read when their files change.
func ServerConfig(f Files, opts ServerOptions) (*tls.Config, error) {
	logger := opts.Logger
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	k, err := newKeyring(f, logger)
	if err != nil {
		return nil, err
	}
	// Per-handshake callbacks, not GetConfigForClient: gRPC and net/http
	// clone this config and add their ALPN protocols to it.
	return &tls.Config{
		MinVersion: tls.VersionTLS13,
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
			cert, _ := k.current()
			return cert, nil
		},
		// Requested, then required and verified in VerifyConnection
		// against the current CA pool, so every refusal (a missing
		// certificate too) is logged with its reason.
		ClientAuth: tls.RequestClientCert,
		VerifyConnection: func(cs tls.ConnectionState) error {
			_, pool := k.current()
			id, err := verifyPeer(cs, pool, x509.ExtKeyUsageClientAuth, "")
			if err == nil && opts.Check != nil {
				err = opts.Check(id)
			}
			if err != nil {
				subject := ""
				if len(cs.PeerCertificates) > 0 {
					subject = cs.PeerCertificates[0].Subject.String()
				}
				logger.Warn("TLS client refused", "subject", subject, "reason", err)
			}
			return err
		},
	}, nil
}

// ClientConfig is TLS 1.3 for a client: it presents its certificate and
// verifies the server's against the CA (and its name against the address
// dialed). Certificates and the CA are re-read when their files change.
func ClientConfig(f Files, logger hclog.Logger) (*tls.Config, error) {
	k, err := newKeyring(f, logger)
	if err != nil {
		return nil, err
	}
	return &tls.Config{
		MinVersion: tls.VersionTLS13,
		GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			cert, _ := k.current()
			return cert, nil
		},
		// Verification is done in VerifyConnection against the current
		// CA pool, which a static RootCAs could not follow.
		InsecureSkipVerify: true, //nolint:gosec // verified below
		VerifyConnection: func(cs tls.ConnectionState) error {
			_, pool := k.current()
			_, err := verifyPeer(cs, pool, x509.ExtKeyUsageServerAuth, cs.ServerName)
			return err
		},
	}, nil
}

// ErrUntrusted wraps certificate verification failures.
var ErrUntrusted = errors.New("certificate not trusted")

// verifyPeer checks the peer's chain against pool (and its name, for a
// server) and returns its identity.
func verifyPeer(cs tls.ConnectionState, pool *x509.CertPool, usage x509.ExtKeyUsage, name string) (Identity, error) {
	if len(cs.PeerCertificates) == 0 {
		return Identity{}, fmt.Errorf("%w: no certificate presented", ErrUntrusted)
	}
	leaf := cs.PeerCertificates[0]
	inter := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, Intermediates: inter, DNSName: name, KeyUsages: []x509.ExtKeyUsage{usage}}); err != nil {
		return Identity{}, fmt.Errorf("%w: %v", ErrUntrusted, err)
	}
	id, err := IdentityOf(leaf)
	if err != nil && usage == x509.ExtKeyUsageClientAuth {
		return Identity{}, err
	}
	return id, nil
}

// ServerOnlyConfig is TLS 1.2+ for an HTTPS API (no client certificates),
// with the certificate re-read when its files change.
func ServerOnlyConfig(certFile, keyFile string, logger hclog.Logger) (*tls.Config, error) {
	k, err := newKeyring(Files{Cert: certFile, Key: keyFile}, logger)
	if err != nil {
		return nil, err
	}
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
			cert, _ := k.current()
			return cert, nil
		},
	}, nil
}

// ListenerConfig is ServerOnlyConfig for a source that third parties send
// to (syslog over TLS, the HTTP intake): with f.CA set, clients must
// present a certificate that CA signed, whatever identity it carries —
// syslog daemons and webhook senders have no Sluice identity. The CA file
// is read once.
func ListenerConfig(f Files, logger hclog.Logger) (*tls.Config, error) {
	if f.Cert == "" || f.Key == "" {
		return nil, errors.New("cert and key files required")
	}
	tc, err := ServerOnlyConfig(f.Cert, f.Key, logger)
	if err != nil {
		return nil, err
	}
	if f.CA == "" {
		return tc, nil
	}
	caPEM, err := os.ReadFile(f.CA)
	if err != nil {
		return nil, fmt.Errorf("read CA %s: %w", f.CA, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("%s holds no PEM certificate", f.CA)
	}
	tc.ClientCAs = pool
	tc.ClientAuth = tls.RequireAndVerifyClientCert
	return tc, nil
}
