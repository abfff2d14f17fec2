package pki

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzIssueKeepsCA issues certificates for any kind, id and organization
// with -force, the strongest request `sluice tls cert` can make, into a
// directory holding a CA: whatever is accepted is written inside the
// directory (an agent's under its organization's folder), never as the
// CA's files, and the CA's files never change.
func FuzzIssueKeepsCA(f *testing.F) {
	for _, seed := range []struct{ kind, id, org string }{
		{KindAgent, "web-01", "acme"},
		{KindAgent, "ca", "default"},
		{KindMediator, "ca-key", ""},
		{KindARM, "CA", ""},
		{KindAgent, "x", "../.."},
		{KindMediator, "../ca", ""},
		{KindAgent, "web-01", "."},
		{KindMediator, "a/b", ""},
	} {
		f.Add(seed.kind, seed.id, seed.org)
	}
	dir := f.TempDir()
	if err := NewCA(dir, "", time.Now()); err != nil {
		f.Fatal(err)
	}
	caCert, caKey := caPaths(dir)
	wantCert, _ := os.ReadFile(caCert)
	wantKey, _ := os.ReadFile(caKey)
	f.Fuzz(func(t *testing.T, kind, id, org string) {
		ident := Identity{Kind: kind, ID: id, Organization: org}
		err := Issue(dir, IssueOptions{Identity: ident, Lifetime: time.Hour, Force: true})
		if b, _ := os.ReadFile(caCert); !bytes.Equal(b, wantCert) {
			t.Fatalf("issuing %+v (err %v) changed ca.pem", ident, err)
		}
		if b, _ := os.ReadFile(caKey); !bytes.Equal(b, wantKey) {
			t.Fatalf("issuing %+v (err %v) changed ca-key.pem", ident, err)
		}
		if err != nil {
			return
		}
		cert, key := PathsFor(dir, ident)
		for _, p := range []string{cert, key} {
			rel, rerr := filepath.Rel(dir, p)
			if rerr != nil || rel == "." || strings.HasPrefix(rel, "..") {
				t.Fatalf("issuing %+v wrote %s, outside %s", ident, p, dir)
			}
			if strings.EqualFold(p, caCert) || strings.EqualFold(p, caKey) {
				t.Fatalf("issuing %+v wrote the CA's file %s", ident, p)
			}
			if _, serr := os.Stat(p); serr != nil {
				t.Fatalf("issuing %+v: %v", ident, serr)
			}
		}
		if kind == KindAgent && filepath.Dir(cert) != filepath.Join(dir, org) {
			t.Fatalf("agent %+v's certificate is %s, not in its organization's folder", ident, cert)
		}
	})
}
