package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/agent"
	"github.com/sluicehq/sluice/agent/uplink"
	"github.com/sluicehq/sluice/pkg/logging"
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

// startFaultAgent starts the e2e agent like startAgentWith, but returns
// the agent (so the test can watch its uplink sessions) and copies the
// agent's log into logs.
func startFaultAgent(t *testing.T, dataDir, mediatorAddr, glob, extra string, logs *logging.Buffer) *agent.Agent {
	t.Helper()
	cfg := agentConfig(t, dataDir, mediatorAddr, extra, fileSource(glob))
	level := hclog.Warn
	if os.Getenv("SLUICE_TEST_LOG") != "" {
		level = hclog.Debug
	}
	lg := hclog.New(&hclog.LoggerOptions{Name: "agent", Level: level, Output: io.MultiWriter(os.Stderr, logs)})
	a, err := agent.New(cfg, agent.Deps{Logger: lg, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	start(t, a.Run)
	return a
}

// TestNetworkFaults streams through a real toxiproxy between agent and
// mediator while it adds latency, throttles bandwidth, resets connections
// mid-batch and blackholes them (half-open): the agent notices dead
// streams, reconnects, and the index ends with every line exactly once.
//
// Lines are written during each phase (not all up front), so every fault
// hits a session with lines still to deliver however fast or slow the
// machine is, and each phase ends only when everything written so far is
// indexed.
func TestNetworkFaults(t *testing.T) {
	tp := startToxiproxy(t)
	dir := t.TempDir()
	logPath := filepath.Join(dir, "auth.log")
	m, _ := startMediator(t, filepath.Join(dir, "mediator"), "127.0.0.1:0")
	via := tp.proxy("mediator", m.Addr())
	var logs logging.Buffer
	a := startFaultAgent(t, filepath.Join(dir, "agent"), via, logPath, `
  ack_timeout       = "3s"
  handshake_timeout = "2s"
  reconnect_jitter  = "100ms"
  batch_entries     = 300`, &logs)
	up := a.Uplink()
	began := time.Now()

	// feed appends the next chunk of lines; about 2,000 lines a second
	// while a phase runs.
	const chunk = 100
	written := 0
	feed := func() {
		appendLines(t, logPath, written, written+chunk)
		written += chunk
	}
	// feedUntil keeps feeding every 50ms until done() or the deadline.
	feedUntil := func(what string, limit time.Duration, done func() bool) {
		t.Helper()
		for deadline := time.Now().Add(limit); !done(); {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not within %s (written %d, indexed %d, agent connected to %q)", what, limit, written, count(t, m.Index(), "*"), up.Status().Current)
			}
			feed()
			time.Sleep(50 * time.Millisecond)
		}
	}
	feedFor := func(d time.Duration) {
		for end := time.Now().Add(d); time.Now().Before(end); {
			feed()
			time.Sleep(50 * time.Millisecond)
		}
	}
	type phaseSpec struct {
		name  string
		apply func()
		// during runs while the fault is on, feeding lines; the fault
		// is removed when it returns.
		during func()
		undo   func()
		// reconnects: the fault breaks the session, so the agent must
		// end on a new one.
		reconnects bool
	}
	phase := func(p phaseSpec) {
		t.Helper()
		base := written
		// Start each fault on a live, streaming session: lines of this
		// phase are arriving in the index.
		feedUntil("streaming before "+p.name, 30*time.Second, func() bool {
			return up.Status().Current != "" && count(t, m.Index(), "*") >= int64(base)+300
		})
		feed()
		session := up.Status().Connected
		before := count(t, m.Index(), "*")
		pending := int64(written) - before
		if pending <= 0 {
			t.Fatalf("%s: nothing left to deliver when the fault starts (written %d, indexed %d)", p.name, written, before)
		}
		applied := time.Now()
		p.apply()
		p.during()
		p.undo()
		faulty := time.Since(applied)
		during := count(t, m.Index(), "*")
		// Everything written so far must arrive once the fault is gone.
		feedDone := written
		for deadline := time.Now().Add(45 * time.Second); count(t, m.Index(), "*") < int64(feedDone); {
			if time.Now().After(deadline) {
				t.Fatalf("%s: index holds %d of %d lines 45s after the fault was removed (agent connected to %q)", p.name, count(t, m.Index(), "*"), feedDone, up.Status().Current)
			}
			time.Sleep(20 * time.Millisecond)
		}
		st := up.Status()
		newSession := st.Connected.After(session)
		t.Logf("%s for %s: %d lines pending at start, indexed %d → %d at removal → %d (all) %s later; new session: %v",
			p.name, faulty.Round(time.Millisecond), pending, before, during, feedDone, time.Since(applied.Add(faulty)).Round(time.Millisecond), newSession)
		if p.reconnects && !newSession {
			t.Fatalf("%s: the agent is still on the session it had before the fault (connected %s)", p.name, session.Format(time.StampMilli))
		}
	}

	phase(phaseSpec{
		name: "latency 150ms each way",
		apply: func() {
			tp.toxic("mediator", "lat-up", "latency", "upstream", map[string]any{"latency": 150, "jitter": 50})
			tp.toxic("mediator", "lat-down", "latency", "downstream", map[string]any{"latency": 150, "jitter": 50})
		},
		during: func() { feedFor(2 * time.Second) },
		undo:   func() { tp.remove("mediator", "lat-up"); tp.remove("mediator", "lat-down") },
	})
	phase(phaseSpec{
		name:   "bandwidth 64 KB/s",
		apply:  func() { tp.toxic("mediator", "bw", "bandwidth", "upstream", map[string]any{"rate": 64}) },
		during: func() { feedFor(2 * time.Second) },
		undo:   func() { tp.remove("mediator", "bw") },
	})
	// A blackhole never closes the connection: only the agent's own
	// timeouts (ack timeout, silence limit) can tell the stream is dead.
	// Removing the toxic lets the old TCP connection carry data again, so
	// without the checks below a resumed old stream would pass as well.
	var detected string
	phase(phaseSpec{
		name: "blackhole (half-open)",
		apply: func() {
			tp.toxic("mediator", "hole-up", "timeout", "upstream", map[string]any{"timeout": 0})
			tp.toxic("mediator", "hole-down", "timeout", "downstream", map[string]any{"timeout": 0})
		},
		during: func() {
			logStart := len(logs.String())
			// ack_timeout is 3s, checked every 750ms: the agent must give
			// up on the stream well within 15s, with the fault still on.
			feedUntil("agent detects the blackholed stream", 15*time.Second, func() bool {
				return up.Status().Current == ""
			})
			// Keep the hole open a little longer: reconnecting into it
			// must fail (handshake timeout), not hang.
			feedFor(2500 * time.Millisecond)
			if up.Status().Current != "" {
				t.Errorf("agent reports a session through a blackholed proxy")
			}
			detected = logs.String()[logStart:]
		},
		undo:       func() { tp.remove("mediator", "hole-up"); tp.remove("mediator", "hole-down") },
		reconnects: true,
	})
	if !strings.Contains(detected, "mediator session ended") || !strings.Contains(detected, uplink.ErrAckTimeout.Error()) {
		t.Errorf("the agent left the blackholed session without reporting the ack/silence timeout; its log:\n%s", detected)
	}
	phase(phaseSpec{
		name:       "reset after 300ms (mid-batch)",
		apply:      func() { tp.toxic("mediator", "reset", "reset_peer", "upstream", map[string]any{"timeout": 300}) },
		during:     func() { feedFor(2 * time.Second) },
		undo:       func() { tp.remove("mediator", "reset") },
		reconnects: true,
	})
	phase(phaseSpec{
		name:  "cut after 40 KB (mid-batch)",
		apply: func() { tp.toxic("mediator", "cut", "limit_data", "upstream", map[string]any{"bytes": 40000}) },
		during: func() {
			// Keep the limit on until it cut the session (it needs 40 KB
			// sent), and a moment longer so new sessions hit it too.
			session := up.Status().Connected
			feedUntil("the 40 KB limit cuts the session", 20*time.Second, func() bool {
				st := up.Status()
				return st.Current == "" || st.Connected.After(session)
			})
			feedFor(time.Second)
		},
		undo:       func() { tp.remove("mediator", "cut") },
		reconnects: true,
	})
	waitCount(t, m.Index(), int64(written))
	checkExactlyOnce(t, m.Index(), written, "e2e-agent")
	t.Logf("%d lines, every one indexed once, in %s", written, time.Since(began).Round(time.Millisecond))
}
