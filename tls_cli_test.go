package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sluice tls cert cannot destroy the CA or another identity's files, and
// names agents' files by organization.
func TestTLSCertCLI(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := run(t, "tls", "ca", "-dir", dir); code != 0 {
		t.Fatalf("tls ca: exit %d %s", code, stderr)
	}
	ca, caKey := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "ca-key.pem")
	caBytes, _ := os.ReadFile(ca)
	caKeyBytes, _ := os.ReadFile(caKey)
	intact := func() {
		t.Helper()
		a, _ := os.ReadFile(ca)
		b, _ := os.ReadFile(caKey)
		if !bytes.Equal(a, caBytes) || !bytes.Equal(b, caKeyBytes) {
			t.Fatal("the CA's files changed")
		}
	}
	cases := []struct {
		name   string
		args   []string
		code   int
		output string // in stdout when code is 0, else in stderr
	}{
		{"agent ca", []string{"-agent", "ca"}, 1, `id "ca" is reserved`},
		{"mediator ca-key", []string{"-mediator", "ca-key"}, 1, `id "ca-key" is reserved`},
		{"arm ca forced", []string{"-arm", "ca", "-force"}, 1, `id "ca" is reserved`},
		{"a second CA", nil, 0, ""},
		{"days 0", []string{"-agent", "web-01", "-days", "0"}, 2, "-days must be at least 1"},
		{"days negative", []string{"-agent", "web-01", "-days", "-30"}, 2, "-days must be at least 1"},
		{"agent in acme", []string{"-agent", "web-01", "-org", "acme"}, 0, "wrote " + filepath.Join(dir, "acme", "web-01.pem")},
		{"same id in globex", []string{"-agent", "web-01", "-org", "globex"}, 0, "wrote " + filepath.Join(dir, "globex", "web-01.pem")},
		{"renewal", []string{"-agent", "web-01", "-org", "acme", "-days", "30"}, 0, "replaced " + filepath.Join(dir, "acme", "web-01.pem")},
		{"mediator", []string{"-mediator", "dp-01", "-host", "127.0.0.1"}, 0, "wrote " + filepath.Join(dir, "dp-01.pem")},
		{"ARM with the mediator's id", []string{"-arm", "dp-01"}, 1, "holds the certificate of mediator dp-01, not arm dp-01"},
		{"ARM with the mediator's id, forced", []string{"-arm", "dp-01", "-force"}, 0, "replaced " + filepath.Join(dir, "dp-01.pem")},
		{"a stray argument", []string{"-agent", "x", "extra"}, 2, `unexpected argument "extra"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var code int
			var stdout, stderr string
			if tc.args == nil {
				code, stdout, stderr = run(t, "tls", "ca", "-dir", dir)
				if code == 0 || !strings.Contains(stderr, "already exists") {
					t.Fatalf("a second tls ca: exit %d %s", code, stderr)
				}
				intact()
				return
			}
			code, stdout, stderr = run(t, append([]string{"tls", "cert", "-dir", dir}, tc.args...)...)
			out := stderr
			if tc.code == 0 {
				out = stdout
			}
			if code != tc.code || !strings.Contains(out, tc.output) {
				t.Fatalf("exit %d, want %d\nstdout %s\nstderr %s\nwant %q", code, tc.code, stdout, stderr, tc.output)
			}
			intact()
		})
	}
	for _, p := range []string{"acme/web-01.pem", "acme/web-01-key.pem", "globex/web-01.pem", "globex/web-01-key.pem"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}
