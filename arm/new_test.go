package arm

import (
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/pki"
)

// New fails at each step it can fail at from outside, and then every
// resource it opened is released: its addresses can be bound, its data
// directory opened again (Badger's lock released), and no goroutine is
// left.
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
	missing := filepath.Join(t.TempDir(), "missing")
	open := func(cfg *Config) *ARM {
		t.Helper()
		a, err := New(cfg, Deps{Logger: testkit.Logger(t, "arm")})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	// One ARM opened and closed first, so that what a first use starts
	// for good (a library's background goroutine) is not counted.
	closeARM(t, open(testConfig(t, t.TempDir())))

	for _, tc := range []struct {
		name, want string
		set        func(*Config)
	}{
		{"bad tls files", "ARM tls", func(c *Config) { c.TLS = &pki.Files{CA: garbage, Cert: garbage, Key: garbage} }},
		{"bad http_tls files", "ARM http_tls", func(c *Config) { c.HTTPTLS = &pki.Files{Cert: garbage, Key: garbage} }},
		{"admin_token_file missing", "admin_token_file", func(c *Config) { c.AdminTokenFile = missing }},
		{"data dir unusable", "", func(c *Config) { c.DataDir = garbage }},
		{"gRPC address taken", "listen for mediators on " + taken.Addr().String(), func(c *Config) { c.Listen = taken.Addr().String() }},
		{"HTTP address taken", "listen for HTTP on " + taken.Addr().String(), func(c *Config) { c.HTTP = taken.Addr().String() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(t, t.TempDir())
			cfg.Listen, cfg.HTTP = testkit.FreeAddr(t), testkit.FreeAddr(t)
			tc.set(cfg)
			before := runtime.NumGoroutine()
			if _, err := New(cfg, Deps{Logger: testkit.Logger(t, "arm")}); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New = %v, want an error with %q", err, tc.want)
			}
			testkit.WaitGoroutines(t, before)
			for _, addr := range []string{cfg.Listen, cfg.HTTP} {
				if addr != taken.Addr().String() && !testkit.CanBind(addr) {
					t.Errorf("%s is still bound", addr)
				}
			}
			if cfg.DataDir != garbage {
				closeARM(t, open(testConfig(t, cfg.DataDir)))
			}
		})
	}

	// A data directory another ARM holds: New fails on its lock, and the
	// first ARM's lock is its own again once it closes.
	t.Run("data dir locked", func(t *testing.T) {
		dir := t.TempDir()
		first := open(testConfig(t, dir))
		before := runtime.NumGoroutine()
		second := testConfig(t, dir)
		second.Listen = testkit.FreeAddr(t)
		if _, err := New(second, Deps{Logger: testkit.Logger(t, "arm")}); err == nil {
			t.Fatal("a second ARM opened a data directory in use")
		}
		testkit.WaitGoroutines(t, before)
		if !testkit.CanBind(second.Listen) {
			t.Errorf("%s is still bound", second.Listen)
		}
		closeARM(t, first)
		closeARM(t, open(testConfig(t, dir)))
	})
}
