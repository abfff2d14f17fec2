package pki

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func mustCA(t *testing.T, dir string) {
	t.Helper()
	if err := NewCA(dir, "", time.Now()); err != nil {
		t.Fatal(err)
	}
}

func mustIssue(t *testing.T, dir string, opts IssueOptions) Files {
	t.Helper()
	if err := Issue(dir, opts); err != nil {
		t.Fatal(err)
	}
	cert, key := PathsFor(dir, opts.Identity)
	return Files{CA: filepath.Join(dir, "ca.pem"), Cert: cert, Key: key}
}

func TestIssueAndIdentity(t *testing.T) {
	dir := t.TempDir()
	mustCA(t, dir)
	if err := NewCA(dir, "", time.Now()); err == nil {
		t.Fatal("a second NewCA must refuse to overwrite")
	}
	f := mustIssue(t, dir, IssueOptions{Identity: Identity{Kind: KindAgent, ID: "web-01", Organization: "acme"}})
	b, _ := os.ReadFile(f.Cert)
	blk, _ := pem.Decode(b)
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	id, err := IdentityOf(cert)
	if err != nil || id != (Identity{Kind: KindAgent, ID: "web-01", Organization: "acme"}) {
		t.Fatalf("identity %+v %v", id, err)
	}
	if fi, _ := os.Stat(f.Key); fi.Mode().Perm() != 0o600 {
		t.Fatalf("key mode %v", fi.Mode())
	}
	if err := Issue(dir, IssueOptions{Identity: Identity{Kind: KindAgent, ID: "../evil", Organization: "x"}}); err == nil {
		t.Fatal("a path in an id must be refused")
	}
}

// handshake runs a TLS handshake between server and client configs over
// loopback and returns the server's and the client's errors.
func handshake(t *testing.T, server, client *tls.Config) (error, error) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	srvErr := make(chan error, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			srvErr <- err
			return
		}
		defer c.Close()
		tc := tls.Server(c, server)
		err = tc.Handshake()
		if err == nil {
			// TLS 1.3 client certificates are checked after the client's
			// handshake returns: read to see the outcome.
			_, err = tc.Read(make([]byte, 1))
		}
		srvErr <- err
	}()
	c, err := tls.Dial("tcp", l.Addr().String(), client)
	var cliErr error
	if err != nil {
		cliErr = err
	} else {
		_, cliErr = c.Write([]byte("x"))
		if cliErr == nil {
			_, cliErr = c.Read(make([]byte, 1))
		}
		c.Close()
	}
	return <-srvErr, cliErr
}

func TestMutualTLS(t *testing.T) {
	dir, other := t.TempDir(), t.TempDir()
	mustCA(t, dir)
	mustCA(t, other)
	srvFiles := mustIssue(t, dir, IssueOptions{Identity: Identity{Kind: KindMediator, ID: "dp-01"}, Hosts: []string{"127.0.0.1", "localhost"}})
	good := mustIssue(t, dir, IssueOptions{Identity: Identity{Kind: KindAgent, ID: "web-01", Organization: "acme"}})
	foreign := mustIssue(t, other, IssueOptions{Identity: Identity{Kind: KindAgent, ID: "web-02", Organization: "acme"}})
	foreign.CA = good.CA // trusts our CA, presents the other's certificate
	expired := mustIssue(t, dir, IssueOptions{Identity: Identity{Kind: KindAgent, ID: "old-01", Organization: "acme"}, Now: time.Now().Add(-2 * CertLifetime)})
	revoked := mustIssue(t, dir, IssueOptions{Identity: Identity{Kind: KindAgent, ID: "bad-01", Organization: "acme"}})

	var seen []Identity
	server, err := ServerConfig(srvFiles, ServerOptions{Check: func(id Identity) error {
		seen = append(seen, id)
		if id.ID == "bad-01" {
			return errors.New("revoked")
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	client := func(f Files) *tls.Config {
		c, err := ClientConfig(f, nil)
		if err != nil {
			t.Fatal(err)
		}
		c.ServerName = "127.0.0.1"
		return c
	}

	if se, ce := handshake(t, server, client(good)); se != nil && !strings.Contains(se.Error(), "EOF") || ce != nil && !strings.Contains(ce.Error(), "EOF") {
		t.Fatalf("good agent: server %v, client %v", se, ce)
	}
	for name, f := range map[string]Files{"foreign CA": foreign, "expired": expired, "revoked": revoked} {
		se, _ := handshake(t, server, client(f))
		if se == nil || strings.Contains(se.Error(), "EOF") {
			t.Fatalf("%s: server accepted (%v)", name, se)
		}
	}
	noCert := &tls.Config{MinVersion: tls.VersionTLS13, RootCAs: x509.NewCertPool(), InsecureSkipVerify: true}
	if se, _ := handshake(t, server, noCert); se == nil {
		t.Fatal("no client certificate: accepted")
	}
	// The client refuses a server whose name does not match.
	wrong := client(good)
	wrong.ServerName = "elsewhere.example"
	if _, ce := handshake(t, server, wrong); ce == nil || !strings.Contains(ce.Error(), "certificate") {
		t.Fatalf("wrong server name: %v", ce)
	}
	if len(seen) == 0 || seen[0].ID != "web-01" {
		t.Fatalf("identities seen %v", seen)
	}
}

func TestReloadOnChange(t *testing.T) {
	dir := t.TempDir()
	mustCA(t, dir)
	f := mustIssue(t, dir, IssueOptions{Identity: Identity{Kind: KindAgent, ID: "web-01", Organization: "acme"}})
	k, err := newKeyring(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := k.current()
	time.Sleep(10 * time.Millisecond)
	mustIssue(t, dir, IssueOptions{Identity: Identity{Kind: KindAgent, ID: "web-01", Organization: "acme"}})
	k.checked = time.Time{} // skip the once-a-second throttle
	second, _ := k.current()
	if string(first.Certificate[0]) == string(second.Certificate[0]) {
		t.Fatal("certificate not reloaded after the file changed")
	}
	// A broken file keeps the previous certificate.
	_ = os.WriteFile(f.Cert, []byte("garbage"), 0o644)
	k.checked = time.Time{}
	third, _ := k.current()
	if string(third.Certificate[0]) != string(second.Certificate[0]) {
		t.Fatal("a broken file replaced the certificate")
	}
}

// TestARMAndMediatorKeyUsages: a mediator certificate is both a server
// (for agents) and a client (of ARM); an ARM certificate only serves, so
// it cannot be presented as a client anywhere.
func TestARMAndMediatorKeyUsages(t *testing.T) {
	dir := t.TempDir()
	mustCA(t, dir)
	armFiles := mustIssue(t, dir, IssueOptions{Identity: Identity{Kind: KindARM, ID: "arm-01"}, Hosts: []string{"127.0.0.1"}})
	med := mustIssue(t, dir, IssueOptions{Identity: Identity{Kind: KindMediator, ID: "dp-01"}, Hosts: []string{"127.0.0.1"}})

	b, _ := os.ReadFile(armFiles.Cert)
	blk, _ := pem.Decode(b)
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if id, err := IdentityOf(cert); err != nil || id != (Identity{Kind: KindARM, ID: "arm-01"}) {
		t.Fatalf("ARM identity %+v %v", id, err)
	}
	if len(cert.ExtKeyUsage) != 1 || cert.ExtKeyUsage[0] != x509.ExtKeyUsageServerAuth {
		t.Fatalf("ARM key usages %v", cert.ExtKeyUsage)
	}

	var seen []Identity
	server, err := ServerConfig(armFiles, ServerOptions{Check: func(id Identity) error { seen = append(seen, id); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	client := func(f Files) *tls.Config {
		c, err := ClientConfig(f, nil)
		if err != nil {
			t.Fatal(err)
		}
		c.ServerName = "127.0.0.1"
		return c
	}
	if se, ce := handshake(t, server, client(med)); se != nil && !strings.Contains(se.Error(), "EOF") || ce != nil && !strings.Contains(ce.Error(), "EOF") {
		t.Fatalf("mediator as ARM's client: server %v, client %v", se, ce)
	}
	if len(seen) != 1 || seen[0] != (Identity{Kind: KindMediator, ID: "dp-01"}) {
		t.Fatalf("identities seen %v", seen)
	}
	// An ARM certificate presented as a client certificate is refused.
	otherARM := mustIssue(t, dir, IssueOptions{Identity: Identity{Kind: KindARM, ID: "arm-02"}})
	if se, _ := handshake(t, server, client(otherARM)); se == nil || !strings.Contains(se.Error(), "usage") {
		t.Fatalf("ARM certificate as a client: %v", se)
	}
}

// Issue never writes over the CA, nor over another identity's files
// unless forced; the same identity is replaced (renewal); an agent's
// files are named by its organization too.
func TestIssueRefusesToOverwrite(t *testing.T) {
	agent := func(org, id string) Identity { return Identity{Kind: KindAgent, ID: id, Organization: org} }
	med := func(id string) Identity { return Identity{Kind: KindMediator, ID: id} }
	arm := func(id string) Identity { return Identity{Kind: KindARM, ID: id} }
	cases := []struct {
		name   string
		before []Identity // issued first
		// junk writes these files (relative to the dir) with non-PEM bytes
		junk  []string
		issue IssueOptions
		want  string // "" = success
	}{
		{name: "agent ca", issue: IssueOptions{Identity: agent("default", "ca")}, want: `id "ca" is reserved`},
		{name: "mediator ca-key", issue: IssueOptions{Identity: med("ca-key")}, want: `id "ca-key" is reserved`},
		{name: "arm ca, forced", issue: IssueOptions{Identity: arm("ca"), Force: true}, want: `id "ca" is reserved`},
		{name: "mediator CA (case-insensitive file systems)", issue: IssueOptions{Identity: med("CA")}, want: `id "CA" is reserved`},
		{name: "renewal", before: []Identity{med("dp-01")}, issue: IssueOptions{Identity: med("dp-01")}},
		{name: "same agent id in two organizations", before: []Identity{agent("acme", "web-01")}, issue: IssueOptions{Identity: agent("globex", "web-01")}},
		{name: "ARM over a mediator of the same id", before: []Identity{med("x-01")}, issue: IssueOptions{Identity: arm("x-01")}, want: "holds the certificate of mediator x-01, not arm x-01: refusing to overwrite it (-force replaces it)"},
		{name: "ARM over a mediator, forced", before: []Identity{med("x-01")}, issue: IssueOptions{Identity: arm("x-01"), Force: true}},
		{name: "a certificate over another's key", before: []Identity{med("foo")}, issue: IssueOptions{Identity: med("foo-key")}, want: "foo-key.pem exists and is not a certificate"},
		{name: "a key over another's certificate", before: []Identity{med("foo-key")}, issue: IssueOptions{Identity: med("foo")}, want: "foo-key.pem exists and is not a private key"},
		{name: "over a file that is not a certificate", junk: []string{"dp-02.pem"}, issue: IssueOptions{Identity: med("dp-02")}, want: "dp-02.pem exists and is not a certificate"},
		{name: "over a key without its certificate", junk: []string{"dp-02-key.pem"}, issue: IssueOptions{Identity: med("dp-02")}, want: "dp-02-key.pem exists and is not a private key"},
		{name: "over junk, forced", junk: []string{"dp-02.pem", "dp-02-key.pem"}, issue: IssueOptions{Identity: med("dp-02"), Force: true}},
		{name: "negative lifetime", issue: IssueOptions{Identity: med("dp-03"), Lifetime: -time.Hour}, want: "negative"},
		{name: "outliving the CA", issue: IssueOptions{Identity: med("dp-03"), Lifetime: CALifetime + 24*time.Hour}, want: "would outlive its CA"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			mustCA(t, dir)
			caCert, caKey := caPaths(dir)
			caBytes := [2][]byte{mustRead(t, caCert), mustRead(t, caKey)}
			for _, id := range tc.before {
				mustIssue(t, dir, IssueOptions{Identity: id})
			}
			for _, j := range tc.junk {
				if err := os.WriteFile(filepath.Join(dir, j), []byte("not PEM"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			snapshot := files(t, dir)
			err := Issue(dir, tc.issue)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Issue: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("Issue: %v, want an error with %q", err, tc.want)
			}
			if !bytes.Equal(mustRead(t, caCert), caBytes[0]) || !bytes.Equal(mustRead(t, caKey), caBytes[1]) {
				t.Fatal("the CA's files changed")
			}
			if tc.want != "" {
				if after := files(t, dir); !maps.Equal(after, snapshot) {
					t.Fatal("a refused Issue changed files")
				}
				return
			}
			// What was issued is a working pair of the identity asked for.
			cert, key := PathsFor(dir, tc.issue.Identity)
			pair, err := tls.LoadX509KeyPair(cert, key)
			if err != nil {
				t.Fatal(err)
			}
			id, err := IdentityOf(pair.Leaf)
			if err != nil || id != tc.issue.Identity {
				t.Fatalf("issued %+v (%v), want %+v", id, err, tc.issue.Identity)
			}
			// Earlier identities not replaced are intact.
			for _, b := range tc.before {
				if c, _ := PathsFor(dir, b); c != cert {
					if _, err := tls.LoadX509KeyPair(PathsFor(dir, b)); err != nil {
						t.Fatalf("%+v damaged: %v", b, err)
					}
				}
			}
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// files maps every file under dir to its contents.
func files(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		out[p] = string(mustRead(t, p))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestValidity(t *testing.T) {
	dir := t.TempDir()
	mustCA(t, dir)
	now := time.Now()
	cases := []struct {
		name string
		opts IssueOptions
		want string
	}{
		{"valid", IssueOptions{Lifetime: 24 * time.Hour}, ""},
		{"expired", IssueOptions{Now: now.Add(-48 * time.Hour), Lifetime: 24 * time.Hour}, "expired on"},
		{"not valid yet", IssueOptions{Now: now.Add(72 * time.Hour), Lifetime: 24 * time.Hour}, "is not valid until"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Identity = Identity{Kind: KindAgent, ID: fmt.Sprintf("a%d", i), Organization: "o"}
			f := mustIssue(t, dir, tc.opts)
			err := Validity(f.Cert, now)
			if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("Validity: %v, want %q", err, tc.want)
			}
		})
	}
	if err := Validity(filepath.Join(dir, "missing.pem"), now); err == nil {
		t.Fatal("a missing file is valid")
	}
}
