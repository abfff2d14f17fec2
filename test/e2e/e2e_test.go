// Package e2e runs the agent and the mediator together, in-process, on
// real gRPC over loopback, real Badger and the real embedded index.
package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/agent"
	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/mediator"
)

const rulesDir = "../../configs/rules"

// daemon runs something with Run(ctx) in the background until stopped.
type daemon struct {
	stopRun func() error
}

func start(t testing.TB, run func(context.Context) error) *daemon {
	t.Helper()
	return &daemon{stopRun: testkit.Run(t, run)}
}

func (d *daemon) stop(t testing.TB) {
	t.Helper()
	if err := d.stopRun(); err != nil {
		t.Errorf("daemon stopped with error: %v", err)
	}
}

func logger(name string) hclog.Logger {
	level := hclog.Warn
	if os.Getenv("SLUICE_TEST_LOG") != "" {
		level = hclog.Debug
	}
	return hclog.New(&hclog.LoggerOptions{Name: name, Level: level, Output: os.Stderr})
}

// startMediator starts a mediator on listen ("127.0.0.1:0" for any port;
// a restart passes the first one's Addr to keep the agents' address).
func startMediator(t testing.TB, dataDir, listen string) (*mediator.Mediator, *daemon) {
	t.Helper()
	return startMediatorConfig(t, dataDir, listen, `index_flush = "50ms"`, `indexer "embedded" {}`)
}

// startMediatorConfig starts the e2e mediator with extra lines in its
// mediator block and the given indexer block.
func startMediatorConfig(t testing.TB, dataDir, listen, extra, indexerBlock string) (*mediator.Mediator, *daemon) {
	t.Helper()
	cfg, err := mediator.ParseConfig([]byte(fmt.Sprintf(`
mediator {
  id       = "dp-test"
  listen   = %q
  http     = "127.0.0.1:0"
  data_dir = %q
  rules    = [%q]
  insecure = true
  %s
}
%s
`, listen, dataDir, rulesDir, extra, indexerBlock)), "mediator.hcl")
	if err != nil {
		t.Fatal(err)
	}
	m, err := mediator.New(cfg, mediator.Deps{Logger: logger("mediator"), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return m, start(t, m.Run)
}

func startAgent(t testing.TB, dataDir, mediatorAddr, glob string) *daemon {
	t.Helper()
	return startAgentWith(t, dataDir, mediatorAddr, glob, "")
}

// startAgentWith starts the e2e agent with extra lines in its agent block.
func startAgentWith(t testing.TB, dataDir, mediatorAddr, glob, extra string) *daemon {
	t.Helper()
	cfg := agentConfig(t, dataDir, mediatorAddr, extra, fileSource(glob))
	a, err := agent.New(cfg, agent.Deps{Logger: logger("agent"), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return start(t, a.Run)
}

// agentConfig is the e2e agent's configuration, with extra lines in its
// agent block and its sources (fileSource for the usual one).
func agentConfig(t testing.TB, dataDir, mediatorAddr, extra, sources string) *agent.Config {
	t.Helper()
	cfg, err := agent.ParseConfig([]byte(fmt.Sprintf(`
agent {
  id        = "e2e-agent"
  data_dir  = %q
  mediators = [%q]
  insecure  = true
  heartbeat_interval = "1s"
  %s
}
%s`, dataDir, mediatorAddr, extra, sources)), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// fileSource is the e2e agent's usual source: the auth log at glob.
func fileSource(glob string) string {
	return fmt.Sprintf(`source "file" "auth" {
  paths           = [%q]
  log_source_type = "linux-auth"
  poll_interval   = "20ms"
}
`, glob)
}

// authLine is a line the starter rules parse: user, source ip and port all
// derive from i, so every line is unique and its fields are predictable.
func authLine(i int) string {
	return fmt.Sprintf("Nov 20 08:%02d:%02d host-%d sshd[%d]: Accepted password for user%d from 192.0.2.%d port %d ssh2",
		(i/60)%60, i%60, i%7, 1000+i%5000, i, i%250+1, 1024+i%60000)
}

func appendLines(t testing.TB, path string, from, to int) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 0, 1<<20)
	for i := from; i < to; i++ {
		buf = append(buf, authLine(i)...)
		buf = append(buf, '\n')
		if len(buf) > 1<<19 {
			if _, err := f.Write(buf); err != nil {
				t.Fatal(err)
			}
			buf = buf[:0]
		}
	}
	if _, err := f.Write(buf); err != nil {
		t.Fatal(err)
	}
}

func count(t testing.TB, idx indexer.Searcher, q string) int64 {
	t.Helper()
	n, err := idx.Count(context.Background(), indexer.SearchRequest{Query: q})
	if err != nil {
		t.Fatalf("count %q: %v", q, err)
	}
	return n
}

// waitAtLeast polls until the index holds at least want events.
func waitAtLeast(t testing.TB, idx indexer.Searcher, want int64) int64 {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	var n int64
	for time.Now().Before(deadline) {
		if n = count(t, idx, "*"); n >= want {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	return n
}

// waitCount waits until the index holds exactly want events, and still
// does a moment later.
func waitCount(t testing.TB, idx indexer.Searcher, want int64) {
	t.Helper()
	n := waitAtLeast(t, idx, want)
	if n != want {
		t.Fatalf("index holds %d events, want %d", n, want)
	}
	// Nothing more may arrive: a duplicate would show up late.
	time.Sleep(300 * time.Millisecond)
	if n = count(t, idx, "*"); n != want {
		t.Fatalf("index holds %d events after settling, want %d", n, want)
	}
}

// checkExactlyOnce reads every event back and checks each line is there
// once, with the fields the rules extract.
func checkExactlyOnce(t testing.TB, idx indexer.Searcher, total int, agentID string) {
	t.Helper()
	docs, err := idx.Search(context.Background(), indexer.SearchRequest{Query: "*", Limit: total + 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != total {
		t.Fatalf("search returned %d events, want %d", len(docs), total)
	}
	want := make(map[string]int, total)
	for i := range total {
		want[authLine(i)] = i
	}
	seen := make(map[string]bool, total)
	for _, d := range docs {
		var ev struct {
			Message string `json:"message"`
			Source  struct {
				IP   string `json:"ip"`
				Port int    `json:"port"`
			} `json:"source"`
			User struct {
				Name string `json:"name"`
			} `json:"user"`
			Agent struct {
				ID string `json:"id"`
			} `json:"agent"`
			Sluice struct {
				Classification string `json:"classification"`
			} `json:"sluice"`
		}
		if err := json.Unmarshal(d, &ev); err != nil {
			t.Fatal(err)
		}
		i, ok := want[ev.Message]
		if !ok {
			t.Fatalf("invented line %q", ev.Message)
		}
		if seen[ev.Message] {
			t.Fatalf("duplicate line %q", ev.Message)
		}
		seen[ev.Message] = true
		if ev.User.Name != fmt.Sprintf("user%d", i) || ev.Source.IP != fmt.Sprintf("192.0.2.%d", i%250+1) || ev.Source.Port != 1024+i%60000 {
			t.Fatalf("line %d parsed wrong: %s", i, d)
		}
		if ev.Agent.ID != agentID || ev.Sluice.Classification != "Authentication Success" {
			t.Fatalf("line %d metadata wrong: %s", i, d)
		}
	}
}

func TestEndToEndExactlyOnceAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	logPath := filepath.Join(dir, "auth.log")
	const n1, n2, n3 = 10000, 3000, 2000
	appendLines(t, logPath, 0, n1)

	m, md := startMediator(t, filepath.Join(dir, "mediator"), "127.0.0.1:0")
	addr := m.Addr()
	ad := startAgent(t, filepath.Join(dir, "agent"), addr, logPath)
	waitCount(t, m.Index(), n1)
	checkExactlyOnce(t, m.Index(), n1, "e2e-agent")

	// Stop both, append, restart both: exactly the new lines are added.
	ad.stop(t)
	md.stop(t)
	appendLines(t, logPath, n1, n1+n2)
	m, md = startMediator(t, filepath.Join(dir, "mediator"), addr)
	ad = startAgent(t, filepath.Join(dir, "agent"), addr, logPath)
	waitCount(t, m.Index(), n1+n2)

	// The mediator goes away while the agent keeps reading: the agent
	// spools, and delivers when the mediator is back.
	md.stop(t)
	appendLines(t, logPath, n1+n2, n1+n2+n3)
	time.Sleep(200 * time.Millisecond)
	m, md = startMediator(t, filepath.Join(dir, "mediator"), addr)
	waitCount(t, m.Index(), n1+n2+n3)
	checkExactlyOnce(t, m.Index(), n1+n2+n3, "e2e-agent")
	ad.stop(t)
	md.stop(t)
}
