// Package pki makes and checks the certificates Sluice's components
// authenticate each other with: a private CA, mediator certificates (server
// for agents, client of ARM), ARM server certificates, and agent client
// certificates that carry the agent's id and organization,
// so a mediator knows who is on the other end of a stream without trusting
// what the agent says about itself.
package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
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

// IdentityOfFile reads the identity from the first certificate of a PEM
// file.
func IdentityOfFile(path string) (Identity, error) {
	c, err := readCert(path)
	if err != nil {
		return Identity{}, err
	}
	return IdentityOf(c)
}

// Paths of the files a CA directory holds.
func caPaths(dir string) (cert, key string) {
	return filepath.Join(dir, "ca.pem"), filepath.Join(dir, "ca-key.pem")
}

// CertPaths are the certificate and key files named name in dir: where
// Issue writes a mediator's or ARM's (PathsFor says where for any kind).
func CertPaths(dir, name string) (cert, key string) {
	return filepath.Join(dir, name+".pem"), filepath.Join(dir, name+"-key.pem")
}

// PathsFor are where Issue writes id's certificate and key in dir: an
// agent's in a folder of its organization (<dir>/<org>/<id>.pem), so the
// same agent id in two organizations never shares a file; a mediator's
// and ARM's as <dir>/<id>.pem.
func PathsFor(dir string, id Identity) (cert, key string) {
	if id.Kind == KindAgent {
		return CertPaths(filepath.Join(dir, id.Organization), id.ID)
	}
	return CertPaths(dir, id.ID)
}

// reservedIDs would name the CA's own files (ca.pem, ca-key.pem): a
// certificate issued under them would overwrite the CA.
var reservedIDs = map[string]bool{"ca": true, "ca-key": true}

// NewCA creates a CA in dir (ca.pem, ca-key.pem). It refuses to overwrite
// an existing CA: that would orphan every certificate it issued.
func NewCA(dir, name string, now time.Time) error {
	certPath, keyPath := caPaths(dir)
	for _, p := range []string{keyPath, certPath} {
		if _, err := os.Lstat(p); err == nil {
			return fmt.Errorf("%s already exists: refusing to replace a CA (move it aside first)", p)
		}
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
	// Lifetime defaults to CertLifetime; it may not be negative, nor
	// outlast the CA.
	Lifetime time.Duration
	// Now is the issue time (tests make expired certificates with it).
	Now time.Time
	// Force replaces files that hold another identity's certificate (or
	// key, or anything else). Without it Issue refuses to write over
	// them; a certificate of the same identity is replaced either way
	// (renewal). The CA's files are never replaced.
	Force bool
}

// Issue signs a certificate for opts.Identity with the CA in dir and
// writes it where PathsFor says. It refuses ids that would name the CA's
// files, and files that hold another identity's certificate or key
// unless opts.Force; each file is written whole (a temporary file
// renamed into place).
func Issue(dir string, opts IssueOptions) error {
	id := opts.Identity
	if !validName.MatchString(id.ID) {
		return fmt.Errorf("invalid id %q (letters, digits, . _ @ -; at most 128)", id.ID)
	}
	// Folded: on a case-insensitive file system (macOS, Windows) CA.pem
	// is ca.pem.
	if reservedIDs[strings.ToLower(id.ID)] {
		return fmt.Errorf("id %q is reserved: its files would be the CA's (%s.pem, %s-key.pem)", id.ID, "ca", "ca")
	}
	if id.Kind == KindAgent && !validName.MatchString(id.Organization) {
		return fmt.Errorf("invalid organization %q", id.Organization)
	}
	if opts.Lifetime < 0 {
		return fmt.Errorf("lifetime %s is negative", opts.Lifetime)
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
	if end := opts.Now.Add(opts.Lifetime); end.After(caCert.NotAfter) {
		return fmt.Errorf("the certificate would outlive its CA, which expires on %s (%d days from now): issue it for fewer days, or make a new CA",
			caCert.NotAfter.Format(time.DateOnly), int(caCert.NotAfter.Sub(opts.Now).Hours()/24))
	}
	certPath, keyPath := PathsFor(dir, id)
	if err := checkTargets(certPath, keyPath, id, caCert, opts.Force); err != nil {
		return err
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
	if err := os.MkdirAll(filepath.Dir(certPath), 0o700); err != nil {
		return err
	}
	return writePair(certPath, keyPath, der, key)
}

// checkTargets refuses to write id's certificate and key over files that
// are not id's own pair: the CA's (always), and without force another
// identity's certificate, a key that is not the existing certificate's,
// or anything else.
func checkTargets(certPath, keyPath string, id Identity, ca *x509.Certificate, force bool) error {
	cert, certErr := readCert(certPath)
	if certErr != nil && !errors.Is(certErr, fs.ErrNotExist) {
		if !force {
			return fmt.Errorf("%s exists and is not a certificate (%v): refusing to overwrite it (-force replaces it)", certPath, certErr)
		}
	}
	if cert != nil && cert.IsCA {
		return fmt.Errorf("%s holds a CA certificate: refusing to overwrite it", certPath)
	}
	if key, err := readKey(keyPath); err == nil && publicKeyEqual(key, ca.PublicKey) {
		return fmt.Errorf("%s holds the CA's private key: refusing to overwrite it", keyPath)
	}
	if force {
		return nil
	}
	if cert != nil {
		had, err := IdentityOf(cert)
		if err != nil || had != id {
			return fmt.Errorf("%s holds the certificate of %s, not %s: refusing to overwrite it (-force replaces it)", certPath, describe(had, err), describe(id, nil))
		}
	}
	key, keyErr := readKey(keyPath)
	switch {
	case errors.Is(keyErr, fs.ErrNotExist):
	case keyErr != nil:
		return fmt.Errorf("%s exists and is not a private key (%v): refusing to overwrite it (-force replaces it)", keyPath, keyErr)
	case cert == nil || !publicKeyEqual(key, cert.PublicKey):
		return fmt.Errorf("%s holds a private key that is not the key of %s: refusing to overwrite it (-force replaces it)", keyPath, certPath)
	}
	return nil
}

// describe names an identity for messages: "agent acme/web-01".
func describe(id Identity, err error) string {
	switch {
	case err != nil:
		return "no Sluice identity"
	case id.Kind == KindAgent:
		return "agent " + id.Organization + "/" + id.ID
	}
	return id.Kind + " " + id.ID
}

// readCert reads the first certificate of a PEM file.
func readCert(path string) (*x509.Certificate, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "CERTIFICATE" {
		return nil, errors.New("no PEM certificate")
	}
	return x509.ParseCertificate(blk.Bytes)
}

// readKey reads a PEM private key (the EC keys Sluice writes, or PKCS #8).
func readKey(path string) (crypto.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, errors.New("no PEM block")
	}
	if k, err := x509.ParseECPrivateKey(blk.Bytes); err == nil {
		return k.Public(), nil
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, errors.New("no private key")
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, errors.New("no private key")
	}
	return signer.Public(), nil
}

func publicKeyEqual(a, b crypto.PublicKey) bool {
	x, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && x.Equal(b)
}

// Validity reports a certificate file that cannot be used at now: expired
// or not valid yet (a clock far behind, or a certificate issued ahead).
// A component says so at start, since its peers will refuse it.
func Validity(certFile string, now time.Time) error {
	cert, err := readCert(certFile)
	if err != nil {
		return fmt.Errorf("read certificate %s: %w", certFile, err)
	}
	switch {
	case now.After(cert.NotAfter):
		return fmt.Errorf("certificate %s expired on %s (%s ago)", certFile, cert.NotAfter.UTC().Format(time.RFC3339), now.Sub(cert.NotAfter).Round(time.Minute))
	case now.Before(cert.NotBefore):
		return fmt.Errorf("certificate %s is not valid until %s (in %s: is this machine's clock right?)", certFile, cert.NotBefore.UTC().Format(time.RFC3339), cert.NotBefore.Sub(now).Round(time.Minute))
	}
	return nil
}

// ExpiresIn is how long a certificate file stays valid from now (negative
// once expired).
func ExpiresIn(certFile string, now time.Time) (time.Duration, error) {
	cert, err := readCert(certFile)
	if err != nil {
		return 0, err
	}
	return cert.NotAfter.Sub(now), nil
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

// writePair writes the key (0600) and the certificate, each to a
// temporary file renamed into place: a file is never half written, and
// a running component that re-reads them sees the old file or the new.
func writePair(certPath, keyPath string, der []byte, key *ecdsa.PrivateKey) error {
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	if err := writeFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		return fmt.Errorf("write key: %w", err)
	}
	if err := writeFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		return fmt.Errorf("write certificate: %w", err)
	}
	return nil
}

func writeFile(path string, data []byte, mode os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a successful rename: nothing there
	if err := f.Chmod(mode); err != nil {
		_ = f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	return n
}
