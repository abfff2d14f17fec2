package e2e

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// toxiproxy drives a real toxiproxy server (installed by `make test-deps`)
// through its HTTP API.
type toxiproxy struct {
	t   *testing.T
	api string
}

func startToxiproxy(t *testing.T) *toxiproxy {
	t.Helper()
	bin := os.Getenv("SLUICE_TOXIPROXY")
	if bin == "" {
		bin, _ = filepath.Abs("../../.tools/bin/toxiproxy-server")
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("toxiproxy server not found at %s (`make test-deps` installs it): %v", bin, err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(l.Addr().String())
	_ = l.Close()
	cmd := exec.Command(bin, "-host", "127.0.0.1", "-port", port)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	tp := &toxiproxy{t: t, api: "http://127.0.0.1:" + port}
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(tp.api + "/version")
		if err == nil {
			resp.Body.Close()
			return tp
		}
		if time.Now().After(deadline) {
			t.Fatalf("toxiproxy did not start: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (tp *toxiproxy) call(method, path string, body any) {
	tp.t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, tp.api+path, rd)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tp.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		tp.t.Fatalf("toxiproxy %s %s: %s", method, path, resp.Status)
	}
}

// proxy creates a proxy to upstream and returns its listen address.
func (tp *toxiproxy) proxy(name, upstream string) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tp.t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	tp.call(http.MethodPost, "/proxies", map[string]any{"name": name, "listen": addr, "upstream": upstream, "enabled": true})
	return addr
}

func (tp *toxiproxy) toxic(proxy, name, typ, stream string, attrs map[string]any) {
	tp.call(http.MethodPost, "/proxies/"+proxy+"/toxics", map[string]any{"name": name, "type": typ, "stream": stream, "toxicity": 1.0, "attributes": attrs})
}

func (tp *toxiproxy) remove(proxy, name string) {
	tp.call(http.MethodDelete, "/proxies/"+proxy+"/toxics/"+name, nil)
}

// TestNetworkFaults streams through a real toxiproxy between agent and
// mediator while it adds latency, throttles bandwidth, resets connections
// mid-batch and blackholes them (half-open): the agent notices dead
// streams, reconnects, and the index ends with every line exactly once.
func TestNetworkFaults(t *testing.T) {
	tp := startToxiproxy(t)
	dir := t.TempDir()
	logPath := filepath.Join(dir, "auth.log")
	m, _ := startMediator(t, filepath.Join(dir, "mediator"), "127.0.0.1:0")
	via := tp.proxy("mediator", m.Addr())
	startAgentWith(t, filepath.Join(dir, "agent"), via, logPath, `
  ack_timeout       = "3s"
  handshake_timeout = "2s"
  reconnect_jitter  = "100ms"
  batch_entries     = 300`)

	const total = 40000
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < total; i += 500 {
			appendLines(t, logPath, i, i+500)
			time.Sleep(40 * time.Millisecond)
		}
	}()
	phase := func(name string, d time.Duration, apply, undo func()) {
		// Start each fault on a live, streaming session.
		base := count(t, m.Index(), "*")
		for deadline := time.Now().Add(30 * time.Second); count(t, m.Index(), "*") < base+300; {
			if time.Now().After(deadline) {
				t.Fatalf("no progress before %s", name)
			}
			time.Sleep(20 * time.Millisecond)
		}
		before := count(t, m.Index(), "*")
		apply()
		time.Sleep(d)
		undo()
		t.Logf("%s for %s: indexed %d → %d", name, d, before, count(t, m.Index(), "*"))
	}
	time.Sleep(500 * time.Millisecond)
	phase("latency 150ms each way", 2*time.Second, func() {
		tp.toxic("mediator", "lat-up", "latency", "upstream", map[string]any{"latency": 150, "jitter": 50})
		tp.toxic("mediator", "lat-down", "latency", "downstream", map[string]any{"latency": 150, "jitter": 50})
	}, func() { tp.remove("mediator", "lat-up"); tp.remove("mediator", "lat-down") })
	phase("bandwidth 64 KB/s", 2*time.Second, func() {
		tp.toxic("mediator", "bw", "bandwidth", "upstream", map[string]any{"rate": 64})
	}, func() { tp.remove("mediator", "bw") })
	phase("blackhole (half-open)", 7*time.Second, func() {
		tp.toxic("mediator", "hole-up", "timeout", "upstream", map[string]any{"timeout": 0})
		tp.toxic("mediator", "hole-down", "timeout", "downstream", map[string]any{"timeout": 0})
	}, func() { tp.remove("mediator", "hole-up"); tp.remove("mediator", "hole-down") })
	phase("reset after 300ms (mid-batch)", 2*time.Second, func() {
		tp.toxic("mediator", "reset", "reset_peer", "upstream", map[string]any{"timeout": 300})
	}, func() { tp.remove("mediator", "reset") })
	phase("cut after 40 KB (mid-batch)", 2*time.Second, func() {
		tp.toxic("mediator", "cut", "limit_data", "upstream", map[string]any{"bytes": 40000})
	}, func() { tp.remove("mediator", "cut") })
	wg.Wait()
	waitCount(t, m.Index(), total)
	checkExactlyOnce(t, m.Index(), total, "e2e-agent")
}
