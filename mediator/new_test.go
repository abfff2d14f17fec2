package mediator

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/pki"
)

// closeUnrun releases a mediator that was never Run, the way Run ends.
func closeUnrun(t *testing.T, m *Mediator) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := m.Run(ctx); err != nil {
		t.Fatalf("closing: %v", err)
	}
}

// New fails at each step it can fail at from outside, and then every
// resource it opened is released: its addresses can be bound, its data
// directory opened again (the state's and dead letters' locks are
// released, the index closed), and no goroutine is left.
func TestNewReleasesOnFailure(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	garbage := filepath.Join(t.TempDir(), "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	badRules := filepath.Join(t.TempDir(), "bad.hcl")
	if err := os.WriteFile(badRules, []byte("rule \"x\" {\n  pattern = \"(\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	notADir := filepath.Join(t.TempDir(), "index-file")
	if err := os.WriteFile(notADir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "missing")

	// One mediator opened and closed first, so that what a first use
	// starts for good (a library's background goroutine) is not counted.
	closeUnrun(t, newOrFatal(t, runConfig(t, "")))

	for _, tc := range []struct {
		name, want string
		set        func(*Config)
	}{
		{"rules that do not load", "", func(c *Config) { c.Rules = []string{badRules} }},
		{"index directory unusable", "open index", func(c *Config) { c.Indexer.Dir = notADir }},
		{"revoked_file missing", "revoked_file", func(c *Config) { c.RevokedFile = missing }},
		{"admin_token_file missing", "admin_token_file", func(c *Config) { c.AdminTokenFile = missing }},
		{"bad tls files", "mediator tls", func(c *Config) { c.TLS = &pki.Files{CA: garbage, Cert: garbage, Key: garbage} }},
		{"bad http_tls files", "mediator http_tls", func(c *Config) { c.HTTPTLS = &pki.Files{Cert: garbage, Key: garbage} }},
		{"gRPC address taken", "listen for agents on " + taken.Addr().String(), func(c *Config) { c.Listen = taken.Addr().String() }},
		{"HTTP address taken", "listen for HTTP on " + taken.Addr().String(), func(c *Config) { c.HTTP = taken.Addr().String() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := runConfig(t, "")
			cfg.Listen, cfg.HTTP = testkit.FreeAddr(t), testkit.FreeAddr(t)
			tc.set(cfg)
			before := runtime.NumGoroutine()
			if _, err := New(cfg, Deps{}); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New = %v, want an error with %q", err, tc.want)
			}
			testkit.WaitGoroutines(t, before)
			for _, addr := range []string{cfg.Listen, cfg.HTTP} {
				if addr != taken.Addr().String() && !testkit.CanBind(addr) {
					t.Errorf("%s is still bound", addr)
				}
			}
			again := runConfig(t, "")
			again.DataDir, again.Indexer.Dir = cfg.DataDir, filepath.Join(cfg.DataDir, "index")
			closeUnrun(t, newOrFatal(t, again))
		})
	}

	// A data directory another mediator holds: New fails on its lock,
	// and the first mediator's lock is its own again once it closes.
	t.Run("data dir locked", func(t *testing.T) {
		cfg := runConfig(t, "")
		first := newOrFatal(t, cfg)
		before := runtime.NumGoroutine()
		second := runConfig(t, "")
		second.DataDir, second.Indexer.Dir = cfg.DataDir, filepath.Join(t.TempDir(), "index")
		second.Listen = testkit.FreeAddr(t)
		if _, err := New(second, Deps{}); err == nil {
			t.Fatal("a second mediator opened a data directory in use")
		}
		testkit.WaitGoroutines(t, before)
		if !testkit.CanBind(second.Listen) {
			t.Errorf("%s is still bound", second.Listen)
		}
		closeUnrun(t, first)
		closeUnrun(t, newOrFatal(t, second))
	})
}

func newOrFatal(t *testing.T, cfg *Config) *Mediator {
	t.Helper()
	m, err := New(cfg, Deps{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}
