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
			if tc.args == nil {
				code, _, stderr := run(t, "tls", "ca", "-dir", dir)
				if code == 0 || !strings.Contains(stderr, "already exists") {
					t.Fatalf("a second tls ca: exit %d %s", code, stderr)
				}
				intact()
				return
			}
			code, stdout, stderr := run(t, append([]string{"tls", "cert", "-dir", dir}, tc.args...)...)
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

// config validate checks the files a config names, at their positions,
// and prints warnings without failing.
func TestConfigValidateFiles(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := run(t, "tls", "ca", "-dir", dir); code != 0 {
		t.Fatal(stderr)
	}
	if code, _, stderr := run(t, "tls", "cert", "-dir", dir, "-agent", "web-01"); code != 0 {
		t.Fatal(stderr)
	}
	cert, key := filepath.Join(dir, "default", "web-01.pem"), filepath.Join(dir, "default", "web-01-key.pem")
	write := func(name, body string) string {
		t.Helper()
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	agentConf := func(ca, cert, key string) string {
		return "agent {\n  mediators = [\"127.0.0.1:7400\"]\n  tls {\n    ca_file   = \"" + ca + "\"\n    cert_file = \"" + cert + "\"\n    key_file  = \"" + key + "\"\n  }\n}\n"
	}
	missing := filepath.Join(dir, "missing.pem")
	token := write("admin.token", "0123456789abcdef0123456789\n")
	cases := []struct {
		name, file string
		code       int
		want       []string // in stderr
	}{
		{"all there", write("agent.hcl", agentConf(filepath.Join(dir, "ca.pem"), cert, key)), 0, nil},
		{"missing cert", write("agent.hcl", agentConf(filepath.Join(dir, "ca.pem"), missing, key)), 1, []string{":5:5: tls cert_file " + missing + ": no such file or directory"}},
		{"CA is a directory", write("agent.hcl", agentConf(dir, cert, key)), 1, []string{":4:5: tls ca_file " + dir + ": is a directory, not a file"}},
		{"mediator token missing", write("mediator.hcl", "mediator {\n  admin_token_file = \""+missing+"\"\n}\n"), 1, []string{"mediator.hcl:2:3: admin_token_file " + missing + ": no such file or directory"}},
		{"mediator token readable by others", write("mediator.hcl", "mediator {\n  admin_token_file = \""+token+"\"\n}\n"), 0, []string{"warning: ", "mediator.hcl:2:3: admin_token_file " + token + " is readable by group or others (mode 0644)"}},
		{"mediator read_token_file missing", write("mediator.hcl", "mediator {\n  read_token_file = \""+missing+"\"\n}\n"), 1, []string{"mediator.hcl:2:3: read_token_file " + missing + ": no such file or directory"}},
		{"ARM read_token_file missing", write("arm.hcl", "arm {\n  read_token_file = \""+missing+"\"\n}\n"), 1, []string{"arm.hcl:2:3: read_token_file " + missing + ": no such file or directory"}},
		{"mediator revoked_file missing", write("mediator.hcl", "mediator {\n  revoked_file = \""+missing+"\"\n}\n"), 1, []string{"mediator.hcl:2:3: revoked_file " + missing + ": no such file or directory"}},
		{"mediator revoked_file empty", write("mediator.hcl", "mediator {\n  revoked_file = \""+write("revoked", "")+"\"\n}\n"), 0, nil},
		{"ARM http_tls key missing", write("arm.hcl", "arm {\n  http_tls {\n    cert_file = \""+cert+"\"\n    key_file = \""+missing+"\"\n  }\n}\n"), 1, []string{"arm.hcl:4:5: http_tls key_file " + missing}},
		{"udp_buffer deprecated", write("agent.hcl", "agent {\n  mediators = [\"127.0.0.1:7400\"]\n}\nsource \"syslog\" \"s\" {\n  log_source_type = \"syslog\"\n  listen = \"udp://127.0.0.1:0\"\n  udp_buffer = \"1MiB\"\n}\n"), 0, []string{"warning: ", "agent.hcl:7:3: udp_buffer is deprecated: it is now called read_buffer"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := run(t, "config", "validate", tc.file)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.code, stdout, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Fatalf("stderr %q lacks %q", stderr, w)
				}
			}
		})
	}
}
