package mediator

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/connlimit"
	"github.com/sluicehq/sluice/pkg/datadir"
)

// The API cannot be exhausted: clients that connect and send nothing fill
// max_http_connections, yet a request gets in (the oldest silent one
// makes room), one address holds no more than its share, and idle
// keep-alives and slow headers are timed out.
func TestHTTPConnectionLimits(t *testing.T) {
	m := testMediator(t, "max_http_connections = 4\n  max_http_connections_per_address = 2")
	hs := m.srv.HTTPServer()
	if hs.ErrorLog == nil || hs.ReadHeaderTimeout != connlimit.DefaultReadHeaderTimeout || hs.IdleTimeout != connlimit.DefaultIdleTimeout || hs.ReadTimeout == 0 || hs.WriteTimeout != 0 || hs.ConnState == nil {
		t.Fatalf("server timeouts: header %s, idle %s, read %s, write %s", hs.ReadHeaderTimeout, hs.IdleTimeout, hs.ReadTimeout, hs.WriteTimeout)
	}
	addr := m.HTTPAddr()
	dial := func(from string) net.Conn {
		t.Helper()
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
		c, err := d.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		_, _ = c.Write([]byte("GET /v1/sta")) // and never more
		return c
	}
	silent := []net.Conn{dial("127.0.0.2"), dial("127.0.0.3"), dial("127.0.0.2"), dial("127.0.0.3")}
	lim := m.srv.HTTPListener()
	testkit.Eventually(t, 5*time.Second, "4 connections", func() bool { return lim.Stats().Open == 4 })

	client := &http.Client{Transport: &http.Transport{}, Timeout: 5 * time.Second}
	resp, err := client.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %s", resp.Status)
	}
	if !peerClosed(silent[0], time.Second) {
		t.Fatal("the oldest silent connection was not reclaimed")
	}
	dial("127.0.0.3") // 127.0.0.3 holds two: its own oldest goes
	testkit.Eventually(t, 5*time.Second, "per-address reclaim", func() bool { return lim.Stats().Reclaimed == 2 })
	if !peerClosed(silent[1], time.Second) || peerClosed(silent[2], 10*time.Millisecond) {
		t.Fatal("the per-address reclaim took the wrong connection")
	}
}

func peerClosed(c net.Conn, wait time.Duration) bool {
	_ = c.SetReadDeadline(time.Now().Add(wait))
	defer func() { _ = c.SetReadDeadline(time.Time{}) }()
	_, err := c.Read(make([]byte, 512))
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return false
	}
	return err != nil
}

func TestHTTPConnectionSettings(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"mediator {\n  max_http_connections = 0\n}\n", "m.hcl:2:3: max_http_connections must be between 1 and 1048576, not 0"},
		{"mediator {\n  max_http_connections_per_address = -1\n}\n", "m.hcl:2:3: max_http_connections_per_address must be between 1 and 1048576"},
	} {
		if _, err := ParseConfig([]byte(tc.src), "m.hcl"); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.src, err, tc.want)
		}
	}
	cfg, err := ParseConfig([]byte("mediator {}\n"), "m.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MaxHTTPConnections != connlimit.DefaultMaxHTTP || cfg.MaxHTTPConnectionsPerAddress != connlimit.DefaultMaxHTTPPerAddress {
		t.Fatalf("defaults %d, %d", cfg.MaxHTTPConnections, cfg.MaxHTTPConnectionsPerAddress)
	}
}

// A mediator refuses an agent's data directory, and warns at start, once,
// about an admin token file others can read.
func TestMediatorStartChecks(t *testing.T) {
	agentDir := t.TempDir()
	if err := datadir.Claim(agentDir, datadir.Agent); err != nil {
		t.Fatal(err)
	}
	cfg, err := ParseConfig([]byte(fmt.Sprintf("mediator {\n  listen = \"127.0.0.1:0\"\n  http = \"127.0.0.1:0\"\n  data_dir = %q\n}\n", agentDir)), "m.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(cfg, Deps{}); err == nil || !strings.Contains(err.Error(), "is an agent's data directory") {
		t.Fatalf("New in an agent's data_dir: %v", err)
	}
	if _, err := os.Stat(filepath.Join(agentDir, "state")); err == nil {
		t.Fatal("state was made in the agent's directory")
	}

	token := filepath.Join(t.TempDir(), "admin.token")
	if err := os.WriteFile(token, []byte("0123456789abcdef0123456789\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	logs := &logBuffer{}
	cfg, err = ParseConfig([]byte(fmt.Sprintf("mediator {\n  listen = \"127.0.0.1:0\"\n  http = \"127.0.0.1:0\"\n  data_dir = %q\n  admin_token_file = %q\n}\n", t.TempDir(), token)), "m.hcl")
	if err != nil {
		t.Fatal(err)
	}
	startWithLogs(t, cfg, logs)
	// Said once: pkg/httpauth warns about the token files it reads, so
	// the start-up check of the config's files leaves them out.
	if n := strings.Count(logs.String(), "readable by group or others"); n != 1 || !strings.Contains(logs.String(), token) {
		t.Fatalf("%d warnings about the token file in\n%s", n, logs.String())
	}
}
