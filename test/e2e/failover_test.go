package e2e

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

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

// agentOpts tune fastAgent.
type agentOpts struct {
	// jitter is reconnect_jitter ("100ms" when empty).
	jitter string
	// failback is the failback delay (300ms when zero; < 0 disables it).
	failback time.Duration
	// loadBalance is the load-balancing delay (0 disables it).
	loadBalance time.Duration
	// failbackJitter and lbJitter bound the random extra waits before a
	// probe (LogRhythm's 1–30 s and 1–30 min when zero).
	failbackJitter, lbJitter [2]time.Duration
	// log, when set, records what the agent logs at Info and above.
	log *logRecorder
}

func fastAgent(t testing.TB, dataDir string, mediators []string, glob string, o agentOpts) *agent.Agent {
	t.Helper()
	list := ""
	for i, m := range mediators {
		if i > 0 {
			list += ", "
		}
		list += fmt.Sprintf("%q", m)
	}
	if o.jitter == "" {
		o.jitter = "100ms"
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
`, dataDir, list, o.jitter, glob)), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	// The story's timers, scaled down: failback after 300ms instead of an
	// hour (config validation keeps operators to whole minutes).
	switch {
	case o.failback == 0:
		cfg.FailbackDelay = 300 * time.Millisecond
	case o.failback < 0:
		cfg.FailbackDelay = 0
	default:
		cfg.FailbackDelay = o.failback
	}
	cfg.LoadBalanceDelay = o.loadBalance
	log := logger("agent")
	if o.log != nil {
		log = o.log.logger("agent")
	}
	a, err := agent.New(cfg, agent.Deps{Logger: log, Version: "test", FailbackJitter: o.failbackJitter, LoadBalanceJitter: o.lbJitter})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// logEntry is one line a daemon logged.
type logEntry struct {
	msg  string
	args map[string]string
}

// logRecorder keeps what a daemon logs (an hclog sink), so a test can
// check what it did, e.g. which mediators its probes tried and in what
// order.
type logRecorder struct {
	mu      sync.Mutex
	entries []logEntry
}

// logger logs like logger(name) and also records every line at Info and
// above into r.
func (r *logRecorder) logger(name string) hclog.Logger {
	level := hclog.Warn
	if os.Getenv("SLUICE_TEST_LOG") != "" {
		level = hclog.Debug
	}
	l := hclog.NewInterceptLogger(&hclog.LoggerOptions{Name: name, Level: level, Output: os.Stderr})
	l.RegisterSink(r)
	return l
}

// Accept implements hclog.SinkAdapter.
func (r *logRecorder) Accept(_ string, level hclog.Level, msg string, args ...any) {
	if level < hclog.Info {
		return
	}
	e := logEntry{msg: msg, args: map[string]string{}}
	for i := 0; i+1 < len(args); i += 2 {
		e.args[fmt.Sprint(args[i])] = fmt.Sprint(args[i+1])
	}
	r.mu.Lock()
	r.entries = append(r.entries, e)
	r.mu.Unlock()
}

// since returns the entries from position mark on (mark is a len()).
func (r *logRecorder) since(mark int) []logEntry {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.entries[mark:])
}

func (r *logRecorder) len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.entries)
}

// probeTries are the mediators a probe of this kind tried and that did
// not take the agent, in order, among entries.
func probeTries(entries []logEntry, kind string) []string {
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.msg, "probe:") && e.args["kind"] == kind {
			out = append(out, e.args["mediator"])
		}
	}
	return out
}

// switches are the probe switches among entries, as "reason from→to".
func switches(entries []logEntry) []string {
	var out []string
	for _, e := range entries {
		if e.msg == "switched mediator" {
			out = append(out, e.args["reason"]+" "+e.args["from"]+"→"+e.args["to"])
		}
	}
	return out
}

// TestFailoverNothingLostNothingTwice streams 100,000 lines while the three
// mediators are stopped, crashed, restarted, refuse with max_agents = 0,
// and go into suspense in turn.
func TestFailoverNothingLostNothingTwice(t *testing.T) {
	const total = 100000
	c := newCluster(t, 3)
	logPath := filepath.Join(c.dir, "auth.log")
	// Failback after 300ms plus 50–100ms (an hour plus 1–30 s in
	// production), so probes happen within the test's phases.
	rec := &logRecorder{}
	a := fastAgent(t, filepath.Join(c.dir, "agent"), c.addrs, logPath, agentOpts{
		failbackJitter: [2]time.Duration{50 * time.Millisecond, 100 * time.Millisecond},
		log:            rec,
	})
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

	// The primary is back, but full: failback probes are refused, and
	// the agent stays on the secondary, in the same session.
	onSecondary := a.Uplink().Status()
	mark := rec.len()
	c.start(0, "max_agents = 0")
	refusedFull := func() int {
		n := 0
		for _, e := range rec.since(mark) {
			if strings.HasPrefix(e.msg, "probe:") && e.args["kind"] == "failback" && e.args["mediator"] == c.addrs[0] && strings.Contains(e.args["reason"], "max agents") {
				n++
			}
		}
		return n
	}
	waitFor("three failback probes refused by the full primary", func() bool { return refusedFull() >= 3 })
	if st := a.Uplink().Status(); st.Current != c.addrs[1] || !st.Connected.Equal(onSecondary.Connected) {
		t.Fatalf("agent left its session on the secondary (now on %q, connected %v, was %v) although the primary refuses", st.Current, st.Connected, onSecondary.Connected)
	}
	if sw := switches(rec.since(mark)); len(sw) > 0 {
		t.Fatalf("agent switched although the primary refuses: %v", sw)
	}
	if tries := probeTries(rec.since(mark), "failback"); slices.ContainsFunc(tries, func(m string) bool { return m != c.addrs[0] }) {
		t.Fatalf("failback probes tried %v: only the primary is a failback candidate", tries)
	}
	t.Logf("%d failback probes refused by the full primary; the agent kept its session on the secondary", refusedFull())

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

// TestLoadBalanceTriesInOrder: the primary and the secondary refuse with
// max_agents, so the agent lands on the tertiary, which arms load
// balancing (scaled down to 300ms plus 50–100ms from three days plus 1–30
// min). Each time it fires the agent tries the primary, then the
// secondary, and stays on the tertiary while both are full; when the
// secondary has room it moves there, after the primary refused; and when
// the primary has room it moves to the primary. Lines keep flowing, once
// each.
func TestLoadBalanceTriesInOrder(t *testing.T) {
	const total = 20000
	c := newCluster(t, 3)
	c.restart(0, "max_agents = 0")
	c.restart(1, "max_agents = 0")
	logPath := filepath.Join(c.dir, "auth.log")
	rec := &logRecorder{}
	a := fastAgent(t, filepath.Join(c.dir, "agent"), c.addrs, logPath, agentOpts{
		failback:    -1, // only load balancing probes
		loadBalance: 300 * time.Millisecond,
		lbJitter:    [2]time.Duration{50 * time.Millisecond, 100 * time.Millisecond},
		log:         rec,
	})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < total; i += 500 {
			appendLines(t, logPath, i, i+500)
			time.Sleep(20 * time.Millisecond)
		}
	}()
	ad := start(t, a.Run)
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s (agent on %q; load-balance tries %v)", what, a.Uplink().Status().Current, probeTries(rec.since(0), "load_balance"))
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	on := func(i int) func() bool { return func() bool { return a.Uplink().Status().Current == c.addrs[i] } }
	name := map[string]string{c.addrs[0]: "primary", c.addrs[1]: "secondary", c.addrs[2]: "tertiary"}
	names := func(addrs []string) []string {
		out := make([]string, len(addrs))
		for i, a := range addrs {
			out[i] = name[a]
		}
		return out
	}

	waitFor("the tertiary", on(2))
	var refused []string
	for _, e := range rec.since(0) {
		if strings.HasPrefix(e.msg, "mediator did not accept us") {
			refused = append(refused, name[e.args["mediator"]])
		}
	}
	if !slices.Equal(refused, []string{"primary", "secondary"}) {
		t.Fatalf("before the tertiary the agent was refused by %v, want the primary then the secondary", refused)
	}

	// Both full: every load-balancing round tries the primary, then the
	// secondary, and the agent keeps its session on the tertiary.
	onTertiary := a.Uplink().Status()
	waitFor("three load-balancing rounds", func() bool { return len(probeTries(rec.since(0), "load_balance")) >= 6 })
	tries := probeTries(rec.since(0), "load_balance")
	for i, m := range names(tries) {
		if want := []string{"primary", "secondary"}[i%2]; m != want {
			t.Fatalf("load-balancing tries %v: want primary, secondary, primary, secondary, ...", names(tries))
		}
	}
	if st := a.Uplink().Status(); st.Current != c.addrs[2] || !st.Connected.Equal(onTertiary.Connected) {
		t.Fatalf("agent left its session on the tertiary (now %q) while the others are full", st.Current)
	}
	t.Logf("on the tertiary, load balancing tried %v", names(tries))

	// The secondary has room: the next round moves the agent there,
	// after the primary refused.
	c.restart(1, "")
	mark := rec.len()
	waitFor("load balancing to the secondary", on(1))
	after := rec.since(mark)
	if sw := switches(after); len(sw) != 1 || sw[0] != "load_balance "+c.addrs[2]+"→"+c.addrs[1] {
		t.Fatalf("switches %v, want one load_balance from the tertiary to the secondary", sw)
	}
	// The round that moved it: the tries after the last "secondary" one
	// before the switch end with the primary.
	var lastRound []string
	for _, e := range after {
		if e.msg == "switched mediator" {
			break
		}
		if strings.HasPrefix(e.msg, "probe:") && e.args["kind"] == "load_balance" {
			if name[e.args["mediator"]] == "primary" {
				lastRound = nil
			}
			lastRound = append(lastRound, name[e.args["mediator"]])
		}
	}
	if !slices.Equal(lastRound, []string{"primary"}) {
		t.Fatalf("the round that moved the agent tried %v before the secondary took it, want the primary", lastRound)
	}

	// It got there after the primary refused max agents: load balancing
	// stays armed, and now tries the primary only.
	mark = rec.len()
	waitFor("a load-balancing round from the secondary", func() bool { return len(probeTries(rec.since(mark), "load_balance")) >= 2 })
	if tries := names(probeTries(rec.since(mark), "load_balance")); slices.ContainsFunc(tries, func(m string) bool { return m != "primary" }) {
		t.Fatalf("from the secondary load balancing tried %v, want the primary only", tries)
	}
	if !on(1)() {
		t.Fatalf("agent left the secondary for %q", a.Uplink().Status().Current)
	}

	// The primary has room: load balancing moves the agent there.
	c.restart(0, "")
	waitFor("load balancing to the primary", on(0))
	if sw := switches(rec.since(mark)); len(sw) != 1 || sw[0] != "load_balance "+c.addrs[1]+"→"+c.addrs[0] {
		t.Fatalf("switches %v, want one load_balance from the secondary to the primary", sw)
	}
	t.Logf("load balancing moved the agent tertiary → secondary → primary")

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
	// Spread evenly, a 200ms window holds about a tenth of them; a herd
	// (no jitter) puts nearly all in one. A saturated machine bunches the
	// handshakes it gets to late (57-63 seen at load 14 on 2 cores), so
	// the bound is half: far from a tenth, and a herd still fails it.
	if worst > agents/2 {
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
