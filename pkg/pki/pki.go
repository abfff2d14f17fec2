// Package pki makes and checks the certificates Sluice's components
// authenticate each other with: a private CA, mediator certificates (server
// for agents, client of ARM), ARM server certificates, and agent client
// certificates that carry the agent's id and organization,
// so a mediator knows who is on the other end of a stream without trusting
// what the agent says about itself.
package pki

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Certificate lifetimes.
const (
	CALifetime   = 10 * 365 * 24 * time.Hour
	CertLifetime = 397 * 24 * time.Hour // what browsers accept; renew yearly
)

// Kinds of identity.
const (
	KindAgent    = "agent"
	KindMediator = "mediator"
	// KindARM is the heartbeat service: a server only (mediators report
	// to it), so its certificate cannot be used to log in anywhere.
	KindARM = "arm"
)

// ErrNoIdentity is returned for a certificate that names no Sluice
// component.
var ErrNoIdentity = errors.New("certificate carries no sluice identity")

// validName is what ids and organizations may be: they become file names
// and document ids.
var validName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$`)

// Identity is who a certificate says its holder is.
type Identity struct {
	Kind         string
	ID           string
	Organization string
}

// URI is the identity as the certificate's URI SAN:
// sluice://agent/<org>/<id>, sluice://mediator/<id> or sluice://arm/<id>.
func (id Identity) URI() *url.URL {
	if id.Kind == KindAgent {
		return &url.URL{Scheme: "sluice", Host: KindAgent, Path: "/" + id.Organization + "/" + id.ID}
	}
	return &url.URL{Scheme: "sluice", Host: id.Kind, Path: "/" + id.ID}
}

// IdentityOf reads the identity from a certificate's sluice:// URI SAN.
func IdentityOf(cert *x509.Certificate) (Identity, error) {
	for _, u := range cert.URIs {
		if u.Scheme != "sluice" {
			continue
		}
		var id Identity
		parts := strings.Split(strings.TrimPrefix(u.Path, "/"), "/")
		switch {
		case u.Host == KindAgent && len(parts) == 2:
			id = Identity{Kind: KindAgent, Organization: parts[0], ID: parts[1]}
		case (u.Host == KindMediator || u.Host == KindARM) && len(parts) == 1:
			id = Identity{Kind: u.Host, ID: parts[0]}
		default:
			continue
		}
		if !validName.MatchString(id.ID) || (id.Kind == KindAgent && !validName.MatchString(id.Organization)) {
			return Identity{}, fmt.Errorf("%w: bad name in %s", ErrNoIdentity, u)
		}
		return id, nil
	}
	return Identity{}, ErrNoIdentity
}

// Paths of the files a CA directory holds.
func caPaths(dir string) (cert, key string) {
	return filepath.Join(dir, "ca.pem"), filepath.Join(dir, "ca-key.pem")
}

// CertPaths are where Issue writes name's certificate and key in dir.
func CertPaths(dir, name string) (cert, key string) {
	return filepath.Join(dir, name+".pem"), filepath.Join(dir, name+"-key.pem")
}

// NewCA creates a CA in dir (ca.pem, ca-key.pem). It refuses to overwrite
// an existing CA: that would orphan every certificate it issued.
func NewCA(dir, name string, now time.Time) error {
	certPath, keyPath := caPaths(dir)
	if _, err := os.Stat(keyPath); err == nil {
		return fmt.Errorf("%s already exists: refusing to replace a CA (move it aside first)", keyPath)
	}
	if name == "" {
		name = "Sluice CA"
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: name, Organization: []string{"Sluice"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(CALifetime),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return fmt.Errorf("create CA certificate: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return writePair(certPath, keyPath, der, key)
}

// IssueOptions describe a certificate to issue.
type IssueOptions struct {
	Identity Identity
	// Hosts are the DNS names and IP addresses a mediator or ARM serves
	// on: clients check the address they dial against them.
	Hosts []string
	// Lifetime defaults to CertLifetime.
	Lifetime time.Duration
	// Now is the issue time (tests make expired certificates with it).
	Now time.Time
}

// Issue signs a certificate for opts.Identity with the CA in dir and writes
// it as <dir>/<id>.pem and <dir>/<id>-key.pem.
func Issue(dir string, opts IssueOptions) error {
	id := opts.Identity
	if !validName.MatchString(id.ID) {
		return fmt.Errorf("invalid id %q (letters, digits, . _ @ -; at most 128)", id.ID)
	}
	if id.Kind == KindAgent && !validName.MatchString(id.Organization) {
		return fmt.Errorf("invalid organization %q", id.Organization)
	}
	caCert, caKey, err := loadCA(dir)
	if err != nil {
		return err
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.Lifetime == 0 {
		opts.Lifetime = CertLifetime
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: id.ID},
		NotBefore:    opts.Now.Add(-time.Hour),
		NotAfter:     opts.Now.Add(opts.Lifetime),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		URIs:         []*url.URL{id.URI()},
	}
	if id.Organization != "" {
		tmpl.Subject.Organization = []string{id.Organization}
	}
	switch id.Kind {
	case KindAgent:
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	case KindMediator, KindARM:
		// Mediators serve agents and are clients of ARM; ARM only serves.
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}
		if id.Kind == KindARM {
			tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		}
		for _, h := range opts.Hosts {
			if ip := net.ParseIP(h); ip != nil {
				tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
			} else if h != "" {
				tmpl.DNSNames = append(tmpl.DNSNames, h)
			}
		}
	default:
		return fmt.Errorf("unknown kind %q", id.Kind)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		return fmt.Errorf("sign certificate: %w", err)
	}
	certPath, keyPath := CertPaths(dir, id.ID)
	return writePair(certPath, keyPath, der, key)
}

func loadCA(dir string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	certPath, keyPath := caPaths(dir)
	certPEM, err := os.ReadFile(certPath)
	if err != nil {
		return nil, nil, fmt.Errorf("read CA (create one with `sluice tls ca -dir %s`): %w", dir, err)
	}
	keyPEM, err := os.ReadFile(keyPath)
	if err != nil {
		return nil, nil, fmt.Errorf("read CA key: %w", err)
	}
	cb, _ := pem.Decode(certPEM)
	kb, _ := pem.Decode(keyPEM)
	if cb == nil || kb == nil {
		return nil, nil, fmt.Errorf("%s or %s is not PEM", certPath, keyPath)
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("parse %s: %w", certPath, err)
	}
	key, err := x509.ParseECPrivateKey(kb.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("parse %s: %w", keyPath, err)
	}
	return cert, key, nil
}

func writePair(certPath, keyPath string, der []byte, key *ecdsa.PrivateKey) error {
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		return fmt.Errorf("write key: %w", err)
	}
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		return fmt.Errorf("write certificate: %w", err)
	}
	return nil
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	return n
}
