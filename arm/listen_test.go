package arm

import (
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

// The dashboard cannot be exhausted: with every slot held by clients that
// send nothing, a request still gets in, and one address holds no more
// than its share.
func TestHTTPConnectionLimits(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.MaxHTTPConnections, cfg.MaxHTTPConnectionsPerAddress = 4, 2
	a := newARM(t, cfg, newFakeClock(time.Now()))
	testkit.Run(t, a.Run)
	hs := a.srv.HTTPServer()
	if hs.ErrorLog == nil || hs.ReadHeaderTimeout != connlimit.DefaultReadHeaderTimeout || hs.IdleTimeout != connlimit.DefaultIdleTimeout || hs.ReadTimeout == 0 || hs.WriteTimeout == 0 || hs.ConnState == nil {
		t.Fatalf("server timeouts: header %s, idle %s, read %s, write %s", hs.ReadHeaderTimeout, hs.IdleTimeout, hs.ReadTimeout, hs.WriteTimeout)
	}
	addr := a.HTTPAddr()
	for _, from := range []string{"127.0.0.2", "127.0.0.3", "127.0.0.2", "127.0.0.3", "127.0.0.2"} {
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
		c, err := d.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		_, _ = c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n")) // never finished
	}
	lim := a.srv.HTTPListener()
	// The fifth, a third from 127.0.0.2, took the place of that address's
	// oldest.
	for deadline := time.Now().Add(5 * time.Second); lim.Stats().Reclaimed != 1; {
		if time.Now().After(deadline) {
			t.Fatalf("stats %+v", lim.Stats())
		}
		time.Sleep(5 * time.Millisecond)
	}
	client := &http.Client{Transport: &http.Transport{}, Timeout: 5 * time.Second}
	resp, err := client.Get("http://" + addr + "/v1/status")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status: %s", resp.Status)
	}
	if st := lim.Stats(); st.Reclaimed != 2 || st.Refused != 0 {
		t.Fatalf("stats %+v", st)
	}
}

func TestHTTPConnectionSettings(t *testing.T) {
	cfg, err := ParseConfig([]byte("arm {\n  max_http_connections = 10\n  max_http_connections_per_address = 3\n}\n"), "arm.hcl")
	if err != nil || cfg.MaxHTTPConnections != 10 || cfg.MaxHTTPConnectionsPerAddress != 3 {
		t.Fatalf("cfg %+v, %v", cfg, err)
	}
	if _, err := ParseConfig([]byte("arm {\n  max_http_connections = 0\n}\n"), "arm.hcl"); err == nil || !strings.Contains(err.Error(), "arm.hcl:2:3: max_http_connections must be between 1 and") {
		t.Fatalf("error %v", err)
	}
	if cfg, _ := ParseConfig([]byte("arm {}\n"), "arm.hcl"); cfg.MaxHTTPConnections != connlimit.DefaultMaxHTTP || cfg.MaxHTTPConnectionsPerAddress != connlimit.DefaultMaxHTTPPerAddress {
		t.Fatalf("defaults %+v", cfg)
	}
}

// ARM refuses a mediator's data directory (its state/ would be read as
// ARM's).
func TestARMRefusesMediatorDataDir(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"state", "deadletter"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := New(testConfig(t, dir), Deps{}); err == nil || !strings.Contains(err.Error(), "is a mediator's data directory") {
		t.Fatalf("New: %v", err)
	}
	if err := datadir.Claim(dir, datadir.Mediator); err == nil {
		if owner, _, _ := datadir.Owner(dir); owner != datadir.Mediator {
			t.Fatalf("owner %q", owner)
		}
	}
}
