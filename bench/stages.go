package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/agent"
	"github.com/sluicehq/sluice/agent/spool"
	"github.com/sluicehq/sluice/agent/tail"
	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/indexer/embedded"
	"github.com/sluicehq/sluice/mediator"
	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/gctune"
)

// stageEnv is a stage's scratch space.
type stageEnv struct {
	dir string
}

func newStageEnv() *stageEnv {
	dir, err := os.MkdirTemp("", "sluice-bench-")
	if err != nil {
		fatalf("%v", err)
	}
	return &stageEnv{dir: dir}
}

func (e *stageEnv) cleanup() { _ = os.RemoveAll(e.dir) }

func (e *stageEnv) path(name string) string { return filepath.Join(e.dir, name) }

// benchLine is line i of the generated log: syslog-style, about 175
// bytes, parsed by the starter rules (linux-auth).
func benchLine(i int) string {
	return fmt.Sprintf("Nov 22 10:%02d:%02d bench-host-%02d sshd[%d]: Failed password for invalid user user%07d from 198.51.100.%d port %d ssh2 [session %08x]",
		(i/60)%60, i%60, i%50, 10000+i%50000, i, i%250+1, 1024+i%60000, uint32(i)*2654435761)
}

// genFile writes n lines and returns the path and the size in bytes.
func (e *stageEnv) genFile(name string, n int) (string, int64) {
	p := e.path(name)
	f, err := os.Create(p)
	if err != nil {
		fatalf("%v", err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var size int64
	for i := range n {
		l := benchLine(i)
		size += int64(len(l) + 1)
		_, _ = w.WriteString(l)
		_ = w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		fatalf("%v", err)
	}
	_ = f.Close()
	return p, size
}

// measure fills the rate figures of r from a run of n events and size
// bytes between (t0, c0) and now.
func measure(r *Result, n, size int64, t0 time.Time, c0 float64) {
	r.Events = n
	r.Seconds = time.Since(t0).Seconds()
	r.EventsPerSec = float64(n) / r.Seconds
	r.MBPerSec = float64(size) / 1e6 / r.Seconds
	r.CPUPerMillion = (cpuSeconds() - c0) / (float64(n) / 1e6)
}

// quiet is the daemons' logger: silent, unless BENCH_LOG is set.
func quiet() hclog.Logger {
	if os.Getenv("BENCH_LOG") != "" {
		return hclog.New(&hclog.LoggerOptions{Level: hclog.Info, Output: os.Stderr})
	}
	return hclog.NewNullLogger()
}

func stageAgentSpool(e *stageEnv) Result {
	n := *flagLines
	path, size := e.genFile("gen.log", n)
	sp, err := spool.Open(spool.Options{Dir: e.path("spool")})
	if err != nil {
		fatalf("%v", err)
	}
	defer sp.Close()
	src, err := tail.New(tail.Config{SourceID: "gen", LogSourceType: "linux-auth", Paths: []string{path}}, sp, quiet())
	if err != nil {
		fatalf("%v", err)
	}
	t0, c0 := time.Now(), cpuSeconds()
	for sp.Depth() < int64(n) {
		if err := src.Poll(context.Background()); err != nil {
			fatalf("poll: %v", err)
		}
	}
	var r Result
	measure(&r, int64(n), size, t0, c0)
	r.Note = "one source, batches of 2,000 lines, fsync per batch"
	return r
}

// startMediator runs an in-process mediator on loopback.
func startMediator(e *stageEnv, extra string, deps mediator.Deps, blocks ...string) (*mediator.Mediator, func()) {
	gctune.Tune() // as `sluice mediator` runs
	cfg, err := mediator.ParseConfig([]byte(fmt.Sprintf(`
mediator {
  id       = "dp-bench"
  listen   = "127.0.0.1:0"
  http     = "127.0.0.1:0"
  data_dir = %q
  rules    = [%q]
  suspense_min_free = "0"
  rate_limit {
    entries_per_second = 0
    bytes_per_second   = "0"
  }
  %s
}
%s`, e.path("mediator"), *flagRules, extra, strings.Join(blocks, "\n"))), "bench-mediator.hcl")
	if err != nil {
		fatalf("%v", err)
	}
	if deps.Logger == nil {
		deps.Logger = quiet()
	}
	m, err := mediator.New(cfg, deps)
	if err != nil {
		fatalf("%v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = m.Run(ctx); close(done) }()
	return m, func() { cancel(); <-done }
}

// startAgent runs an in-process agent tailing glob.
func startAgent(e *stageEnv, addr, glob string) func() {
	cfg, err := agent.ParseConfig([]byte(fmt.Sprintf(`
agent {
  id        = "bench-agent"
  data_dir  = %q
  mediators = [%q]
}
source "file" "gen" {
  paths           = [%q]
  log_source_type = "linux-auth"
}`, e.path("agent"), addr, glob)), "bench-agent.hcl")
	if err != nil {
		fatalf("%v", err)
	}
	a, err := agent.New(cfg, agent.Deps{Logger: quiet()})
	if err != nil {
		fatalf("%v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = a.Run(ctx); close(done) }()
	return func() { cancel(); <-done }
}

func stageAgentToMediator(e *stageEnv) Result {
	n := *flagLines
	_, size := e.genFile("gen.log", n)
	// workers = 0: the mediator stores and acknowledges, and does not parse
	// or index (measured in their own stages).
	m, stopM := startMediator(e, "workers = 0", mediator.Deps{})
	defer stopM()
	t0, c0 := time.Now(), cpuSeconds()
	stopA := startAgent(e, m.Addr(), filepath.Join(e.dir, "*.log"))
	defer stopA()
	waitFor(func() bool { return m.Status().Received >= uint64(n) }, 10*time.Minute)
	var r Result
	measure(&r, int64(n), size, t0, c0)

	// Latency at a steady 20,000 lines/s: from the append to the file to
	// the mediator holding the line durably (it acknowledges right after).
	held := m.HighWater("default", "bench-agent")
	lat := steadyLatency(e, n, 20000, phaseLength(), func() uint64 { return m.HighWater("default", "bench-agent") - held })
	r.LatencyP50ms, r.LatencyP99ms = percentile(lat, 50), percentile(lat, 99)
	r.LatencyWhat = "append → held by the mediator (acknowledged), at 20,000 lines/s"
	r.Note = "agent and mediator in one process; mediator stores only (workers = 0); default agent settings (250 ms file poll)"
	return r
}

func phaseLength() time.Duration {
	if *flagQuick {
		return time.Second
	}
	return 5 * time.Second
}

// steadyLatency appends lines (numbered from offset, so the file does not
// start like the first one, which would make it a copy of it) to lat.log
// at rate per second for d, and returns, per line, the time from its
// append to done() reaching its index (1-based).
func steadyLatency(e *stageEnv, offset, rate int, d time.Duration, done func() uint64) []time.Duration {
	f, err := os.OpenFile(e.path("lat.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		fatalf("%v", err)
	}
	defer f.Close()
	total := int(float64(rate) * d.Seconds())
	appended := make([]time.Time, total)
	var mu sync.Mutex
	var out []time.Duration
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		seen := 0
		for {
			hw := int(done())
			now := time.Now()
			mu.Lock()
			for seen < hw && seen < total && !appended[seen].IsZero() {
				out = append(out, now.Sub(appended[seen]))
				seen++
			}
			mu.Unlock()
			if seen >= total {
				return
			}
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	start := time.Now()
	const tick = 10 * time.Millisecond
	for i := 0; i < total; {
		next := min(total, int(float64(rate)*time.Since(start).Seconds())+1)
		var b strings.Builder
		mu.Lock()
		now := time.Now()
		for ; i < next; i++ {
			b.WriteString(benchLine(offset + i))
			b.WriteByte('\n')
			appended[i] = now
		}
		mu.Unlock()
		if _, err := f.WriteString(b.String()); err != nil {
			fatalf("%v", err)
		}
		time.Sleep(tick)
	}
	waitDone := make(chan struct{})
	go func() { wg.Wait(); close(waitDone) }()
	select {
	case <-waitDone:
	case <-time.After(60 * time.Second):
		close(stop)
		wg.Wait()
	}
	return out
}

func percentile(ds []time.Duration, p int) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return float64(s[min(len(s)-1, len(s)*p/100)]) / float64(time.Millisecond)
}

func waitFor(cond func() bool, timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			// What every goroutine waits on is what a stall needs.
			dumpGoroutines(fmt.Sprintf("timed out after %v", timeout))
			fatalf("timed out after %v", timeout)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// exitStalled is the exit status of a stage whose count stopped moving:
// bench/soak tells a stall (a dump was written) from a failure by it.
const exitStalled = 3

// The in-process stall watchdog's settings, from the environment so that
// bench/soak can set them without a flag every stage would carry.
const (
	// envStallDump names the file a stalled stage writes its goroutine
	// dump to (stderr when unset).
	envStallDump = "SLUICE_STALL_DUMP"
	// envStallAfter is how long the count may stand still before it is a
	// stall (a Go duration, default 60s; "0" turns the watchdog off).
	envStallAfter = "SLUICE_STALL_AFTER"
)

// progressEvery is how often waitProgress reports the count on stderr:
// the soak driver's sign of life from the stage.
const progressEvery = 5 * time.Second

// stallAfter is the watchdog's limit from envStallAfter.
func stallAfter() time.Duration {
	v := os.Getenv(envStallAfter)
	if v == "" {
		return 60 * time.Second
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		fatalf("%s=%q: %v", envStallAfter, v, err)
	}
	return d
}

// waitProgress waits until count() reaches target, printing the count to
// stderr every progressEvery. A count that does not move for stallAfter()
// is a stall, which nothing else reports (the daemons log to a null
// logger here, and the stage's 15-minute timeout left nothing to read on
// 2026-12-02): the stage writes describe() and every goroutine's stack to
// $SLUICE_STALL_DUMP and exits with exitStalled. timeout still bounds a
// count that moves too slowly.
func waitProgress(what string, count func() int64, target int64, timeout time.Duration, describe func() string) {
	limit := stallAfter()
	start := time.Now()
	deadline := start.Add(timeout)
	last, lastMoved, lastReport := count(), start, start
	for last < target {
		time.Sleep(2 * time.Millisecond)
		now := time.Now()
		if c := count(); c != last {
			last, lastMoved = c, now
			continue
		}
		stuck := now.Sub(lastMoved)
		if now.Sub(lastReport) >= progressEvery {
			lastReport = now
			why := ""
			if stuck >= progressEvery && describe != nil {
				// A count standing still says why at once (an index
				// write failing, a full disk), not only in the dump.
				why = "; " + describe()
			}
			fmt.Fprintf(os.Stderr, "bench: progress %s %d of %d (%.0fs)%s\n", what, last, target, now.Sub(start).Seconds(), why)
		}
		if limit > 0 && stuck >= limit || now.After(deadline) {
			why := fmt.Sprintf("%s stuck at %d of %d for %v (%v since the wait began)", what, last, target, stuck.Round(time.Second), now.Sub(start).Round(time.Second))
			if describe != nil {
				why += "\n" + describe()
			}
			path := dumpGoroutines(why)
			if !now.After(deadline) {
				fmt.Fprintf(os.Stderr, "bench: stalled: %s; goroutines in %s\n", why, path)
				os.Exit(exitStalled)
			}
			fatalf("timed out after %v: %s", timeout, why)
		}
	}
	fmt.Fprintf(os.Stderr, "bench: progress %s %d of %d (%.0fs) done\n", what, last, target, time.Since(start).Seconds())
}

// dumpGoroutines writes why and every goroutine's stack, with how long
// each has waited (debug=2), to $SLUICE_STALL_DUMP, or to stderr when that
// is unset or cannot be written, and returns where they went.
func dumpGoroutines(why string) string {
	path := os.Getenv(envStallDump)
	if path != "" {
		f, err := os.Create(path)
		if err == nil {
			fmt.Fprintf(f, "%s: %s\n\n", time.Now().Format(time.RFC3339), why)
			werr := pprof.Lookup("goroutine").WriteTo(f, 2)
			if cerr := f.Close(); werr == nil && cerr == nil {
				return path
			}
		}
		fmt.Fprintf(os.Stderr, "bench: cannot write the goroutine dump to %s: %v\n", path, err)
	}
	fmt.Fprintf(os.Stderr, "bench: %s\n", why)
	_ = pprof.Lookup("goroutine").WriteTo(os.Stderr, 2)
	return "stderr"
}

func stageIndexEmbedded(e *stageEnv) Result {
	n := 300000
	if *flagQuick {
		n = 20000
	}
	idx, err := embedded.Open(embedded.Config{Dir: e.path("index")}, quiet())
	if err != nil {
		fatalf("%v", err)
	}
	events, size := benchEvents(n)
	t0, c0 := time.Now(), cpuSeconds()
	for i := 0; i < n; i += 10000 {
		if err := idx.Write(context.Background(), events[i:min(i+10000, n)]); err != nil {
			fatalf("%v", err)
		}
	}
	if err := idx.Close(); err != nil {
		fatalf("%v", err)
	}
	var r Result
	measure(&r, int64(n), size, t0, c0)
	r.Note = fmt.Sprintf("%d ECS events of ~%d B JSON, batches of 10,000, FTS5 on the message", n, size/int64(n))
	return r
}

// benchEvents makes n parsed ECS events like the MPE's output for sshd
// lines, and returns their total JSON size.
func benchEvents(n int) ([]*event.Event, int64) {
	rng := rand.New(rand.NewPCG(1, 2))
	events := make([]*event.Event, n)
	base := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	var size int64
	for i := range events {
		ev := &event.Event{ID: event.DocID("bench-agent", uint64(i+1)), Organization: "default", Timestamp: base.Add(time.Duration(i) * time.Millisecond), Message: benchLine(i)}
		ev.Grow(16)
		ev.Set(event.FieldHostname, fmt.Sprintf("bench-host-%02d", i%50))
		ev.Set("source.ip", fmt.Sprintf("198.51.100.%d", rng.IntN(250)+1))
		ev.Set("source.port", int64(1024+i%60000))
		ev.Set("user.name", fmt.Sprintf("user%07d", i))
		ev.Set("process.name", "sshd")
		ev.Set("process.pid", int64(10000+i%50000))
		ev.Set(event.FieldOutcome, "failure")
		ev.Set(event.FieldClassification, "Authentication Failure")
		ev.Set(event.FieldCommonEvent, "User Logon Failure: Invalid Account")
		ev.Set(event.FieldRisk, int64(4))
		ev.Set(event.FieldRule, "sshd-failed-invalid-user")
		ev.Set(event.FieldLogSourceType, "linux-auth")
		ev.Set(event.FieldAgent, "bench-agent")
		size += int64(len(ev.AppendJSON(nil)))
		events[i] = ev
	}
	return events, size
}

func stageEndToEnd(e *stageEnv) Result {
	n := *flagLines
	_, size := e.genFile("gen.log", n)
	var mu sync.Mutex
	var lat []time.Duration
	var indexed atomic.Int64
	observer := func(events []*event.Event) {
		now := time.Now()
		indexed.Add(int64(len(events)))
		mu.Lock()
		defer mu.Unlock()
		for _, ev := range events {
			if ns, ok := latStamp(ev.Message); ok {
				lat = append(lat, now.Sub(time.Unix(0, ns)))
			}
		}
	}
	m, stopM := startMediator(e, "", mediator.Deps{Observers: []mediator.Observer{observer}})
	defer stopM()
	t0, c0 := time.Now(), cpuSeconds()
	stopA := startAgent(e, m.Addr(), filepath.Join(e.dir, "*.log"))
	defer stopA()
	// What a stall dump needs besides the stacks: where the entries are
	// (received, in state, indexed) and whether the index is failing.
	// The scratch directory (state, spool, index) is left in place after
	// a stall, for inspection: its path says what to delete.
	describe := func() string {
		b, _ := json.Marshal(m.Status())
		return "scratch " + e.dir + "; mediator status: " + string(b)
	}
	// The observer hears of every committed write: polling Count
	// instead cost 3% of the stage's CPU. The index is checked once.
	waitProgress("indexed", indexed.Load, int64(n), 15*time.Minute, describe)
	var r Result
	measure(&r, int64(n), size, t0, c0)
	if got := count(m.Index()); got < int64(n) {
		fatalf("the index holds %d events, want %d", got, n)
	}

	// Latency at a steady 20,000 lines/s: append → indexed (searchable).
	f, err := os.OpenFile(e.path("lat.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		fatalf("%v", err)
	}
	const rate = 20000
	total := int(rate * phaseLength().Seconds())
	start := time.Now()
	for i := 0; i < total; {
		next := min(total, int(rate*time.Since(start).Seconds())+1)
		var b strings.Builder
		now := time.Now().UnixNano()
		for ; i < next; i++ {
			appendLatLine(&b, benchLine(n+i), now)
		}
		_, _ = f.WriteString(b.String())
		time.Sleep(10 * time.Millisecond)
	}
	_ = f.Close()
	latSeen := func() int64 { mu.Lock(); defer mu.Unlock(); return int64(len(lat)) }
	waitProgress("latency-lines", latSeen, int64(total), 2*time.Minute, describe)
	mu.Lock()
	r.LatencyP50ms, r.LatencyP99ms = percentile(lat, 50), percentile(lat, 99)
	mu.Unlock()
	r.LatencyWhat = "append → searchable (committed to the index), at 20,000 lines/s"
	r.Note = "agent, mediator (MPE, starter rules) and embedded index in one process"
	return r
}

// latMarker precedes the append time (Unix nanoseconds) in the lines
// whose append → searchable latency a stage measures.
const latMarker = "lat-"

// appendLatLine writes line, marked as appended at ns, and a newline.
func appendLatLine(b *strings.Builder, line string, ns int64) {
	fmt.Fprintf(b, "%s %s%d x\n", line, latMarker, ns)
}

// latStamp is the append time (Unix nanoseconds) of a line written by
// appendLatLine, found in the event's message.
func latStamp(msg string) (int64, bool) {
	i := strings.Index(msg, latMarker)
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(msg[i+len(latMarker):])
	if len(f) == 0 {
		return 0, false
	}
	ns, err := strconv.ParseInt(f[0], 10, 64)
	return ns, err == nil
}

func count(idx indexer.Searcher) int64 {
	n, err := idx.Count(context.Background(), indexer.SearchRequest{Query: "*"})
	if err != nil {
		return 0
	}
	return n
}
