package e2e

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sluicehq/sluice/agent"
	"github.com/sluicehq/sluice/agent/uplink"
	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/indexer/embedded"
	"github.com/sluicehq/sluice/mediator"
)

// cluster is three mediators on fixed loopback ports sharing one index, as
// several mediators share one Elasticsearch cluster.
type cluster struct {
	t     testing.TB
	dir   string
	index indexer.Index
	addrs []string
	meds  []*mediator.Mediator
	runs  []*daemon
}

func newCluster(t testing.TB, n int) *cluster {
	t.Helper()
	c := &cluster{t: t, dir: t.TempDir(), meds: make([]*mediator.Mediator, n), runs: make([]*daemon, n), addrs: make([]string, n)}
	idx, err := embedded.Open(embedded.Config{Dir: filepath.Join(c.dir, "index"), MaxLimit: 200000}, logger("index"))
	if err != nil {
		t.Fatal(err)
	}
	c.index = idx
	t.Cleanup(func() { _ = idx.Close() })
	for i := range n {
		c.addrs[i] = "127.0.0.1:0"
		c.start(i, "")
		c.addrs[i] = c.meds[i].Addr()
	}
	return c
}

// start (re)starts mediator i with extra config lines.
func (c *cluster) start(i int, extra string) {
	c.t.Helper()
	cfg, err := mediator.ParseConfig([]byte(fmt.Sprintf(`
mediator {
  id          = "dp-%d"
  listen      = %q
  http        = "127.0.0.1:0"
  data_dir    = %q
  rules       = [%q]
  insecure    = true
  index_flush = "50ms"
  %s
}
`, i, c.addrs[i], filepath.Join(c.dir, fmt.Sprintf("m%d", i)), rulesDir, extra)), "mediator.hcl")
	if err != nil {
		c.t.Fatal(err)
	}
	m, err := mediator.New(cfg, mediator.Deps{Logger: logger(fmt.Sprintf("dp-%d", i)), Index: c.index})
	if err != nil {
		c.t.Fatal(err)
	}
	c.meds[i] = m
	c.runs[i] = start(c.t, m.Run)
}

func (c *cluster) stop(i int)  { c.runs[i].stop(c.t) }
func (c *cluster) abort(i int) { c.meds[i].Abort(); c.runs[i].stop(c.t) }

func (c *cluster) restart(i int, extra string) {
	c.stop(i)
	c.start(i, extra)
}

// cfgJitter is the reconnect jitter fastAgent configures.
var cfgJitter = "100ms"

func fastAgent(t testing.TB, dataDir string, mediators []string, glob string) *agent.Agent {
	t.Helper()
	list := ""
	for i, m := range mediators {
		if i > 0 {
			list += ", "
		}
		list += fmt.Sprintf("%q", m)
	}
	cfg, err := agent.ParseConfig([]byte(fmt.Sprintf(`
agent {
  id        = "fo-agent"
  data_dir  = %q
  mediators = [%s]
  insecure  = true
  heartbeat_interval = "1s"
  handshake_timeout  = "2s"
  reconnect_jitter   = %q
  batch_entries      = 500
}
source "file" "auth" {
  paths           = [%q]
  log_source_type = "linux-auth"
  poll_interval   = "20ms"
}
`, dataDir, list, cfgJitter, glob)), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	// The story's timers, scaled down: failback after 300ms instead of an
	// hour (config validation keeps operators to whole minutes).
	cfg.FailbackDelay = 300 * time.Millisecond
	cfg.LoadBalanceDelay = 0
	a, err := agent.New(cfg, agent.Deps{Logger: logger("agent"), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestFailoverNothingLostNothingTwice streams 100,000 lines while the three
// mediators are stopped, crashed, restarted, refuse with max_agents = 0,
// and go into suspense in turn.
func TestFailoverNothingLostNothingTwice(t *testing.T) {
	const total = 100000
	c := newCluster(t, 3)
	logPath := filepath.Join(c.dir, "auth.log")
	a := fastAgent(t, filepath.Join(c.dir, "agent"), c.addrs, logPath)
	ad := start(t, a.Run)

	// A writer appends lines steadily while the faults happen.
	var written atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < total; i += 1000 {
			appendLines(t, logPath, i, i+1000)
			written.Store(int64(i + 1000))
			time.Sleep(15 * time.Millisecond)
		}
	}()
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s (agent on %q, indexed %d, written %d)", what, a.Uplink().Status().Current, count(t, c.index, "*"), written.Load())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	on := func(i int) func() bool { return func() bool { return a.Uplink().Status().Current == c.addrs[i] } }
	progress := func() func() bool {
		base := count(t, c.index, "*")
		return func() bool { return count(t, c.index, "*") > base+2000 || written.Load() == total }
	}

	waitFor("the primary", on(0))
	waitFor("progress on the primary", progress())

	c.stop(0) // graceful: Shutdown sends the agent on at once
	waitFor("failover to the secondary", on(1))
	waitFor("progress on the secondary", progress())

	c.start(0, "max_agents = 0") // back, but full: failback is refused
	time.Sleep(time.Second)      // several failback probes
	if !on(1)() {
		t.Fatalf("agent left the secondary for %q although the primary refuses", a.Uplink().Status().Current)
	}

	c.restart(1, `suspense_min_free = "1000000GiB"`) // in suspense from the start
	waitFor("failover to the tertiary", on(2))
	waitFor("progress on the tertiary", progress())

	c.restart(0, "") // the primary has room again: failback
	waitFor("failback to the primary", on(0))
	waitFor("progress after failback", progress())

	c.abort(0) // a crash: no Shutdown, the agent notices the broken stream
	c.restart(1, "")
	waitFor("failover after the crash", func() bool { return on(1)() || on(2)() })
	c.start(0, "")

	wg.Wait()
	waitCount(t, c.index, total)
	checkExactlyOnce(t, c.index, total, "fo-agent")
	ad.stop(t)
}

// TestReconnectStormIsSpread: 200 agents whose mediator dies do not all
// reconnect to the next one in the same instant.
func TestReconnectStormIsSpread(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 200 agents")
	}
	const agents = 200
	c := newCluster(t, 2)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	for i := range agents {
		up := newMemAgent(t, fmt.Sprintf("storm-%03d", i), c.addrs, 2*time.Second)
		wg.Add(1)
		go func() { defer wg.Done(); _ = up.Run(ctx) }()
	}
	deadline := time.Now().Add(30 * time.Second)
	for c.meds[0].Status().Agents < agents {
		if time.Now().After(deadline) {
			t.Fatalf("only %d agents connected", c.meds[0].Status().Agents)
		}
		time.Sleep(20 * time.Millisecond)
	}
	killed := time.Now()
	c.abort(0)
	for c.meds[1].Status().Agents < agents {
		if time.Since(killed) > 30*time.Second {
			t.Fatalf("only %d agents reconnected", c.meds[1].Status().Agents)
		}
		time.Sleep(20 * time.Millisecond)
	}
	var times []time.Duration
	for _, ai := range c.meds[1].Agents() {
		times = append(times, ai.Connected.Sub(killed))
	}
	buckets := map[int]int{}
	var first, last time.Duration = time.Hour, 0
	for _, d := range times {
		buckets[int(d/(200*time.Millisecond))]++
		first, last = min(first, d), max(last, d)
	}
	worst := 0
	for _, n := range buckets {
		worst = max(worst, n)
	}
	t.Logf("reconnects spread over %v..%v; busiest 200ms bucket: %d of %d", first.Round(time.Millisecond), last.Round(time.Millisecond), worst, agents)
	if last-first < time.Second {
		t.Fatalf("reconnects within %v: not spread over the 2s jitter window", last-first)
	}
	if worst > agents/4 {
		t.Fatalf("%d of %d agents reconnected within one 200ms window", worst, agents)
	}
	cancel()
	wg.Wait()
	_ = os.Remove(c.dir)
}

// TestSilentMediatorAbandoned: a mediator that accepts TCP connections but
// never answers the handshake is given up after the handshake timeout.
func TestSilentMediatorAbandoned(t *testing.T) {
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close() // hold it open, say nothing
		}
	}()
	c := newCluster(t, 1)
	up, err := uplink.New(uplink.Config{
		AgentID:          "patient",
		Mediators:        []string{silent.Addr().String(), c.addrs[0]},
		HandshakeTimeout: 300 * time.Millisecond,
	}, &emptySpool{notify: make(chan struct{})}, logger("uplink"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = up.Run(ctx) }()
	start := time.Now()
	for up.Status().Current != c.addrs[0] {
		if time.Since(start) > 10*time.Second {
			t.Fatal("agent never left the silent mediator")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Fatalf("moved on after %v: it should have waited for the handshake timeout", d)
	}
	cancel()
	<-done
}
