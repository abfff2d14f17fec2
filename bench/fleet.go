package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/agent/uplink"
	"github.com/sluicehq/sluice/agent/uplink/uplinktest"
	"github.com/sluicehq/sluice/pkg/queue"
)

var (
	flagFleetAgents  = flag.String("fleet-agents", "", "fleet stage: comma-separated agent counts (default 1000,5000,10000; -quick: 50,200)")
	flagFleetSeconds = flag.Int("fleet-seconds", 0, "fleet stage: seconds measured per agent count once all are connected (default 120; -quick: 5)")
)

// FleetFigures are the fleet stage's figures for one number of agents.
type FleetFigures struct {
	Agents int `json:"agents"`
	// ConnectS is how long it took from starting every agent at once
	// until the mediator had all of them connected.
	ConnectS          float64 `json:"connect_s"`
	HandshakeTimeouts int64   `json:"handshake_timeouts"`
	SessionsLost      int64   `json:"sessions_lost"`
	Seconds           float64 `json:"seconds"`
	OfferedPerS       float64 `json:"offered_per_s"`
	AckedPerS         float64 `json:"acked_per_s"`
	// AckedShare is the share of the lines offered during the run that
	// were acknowledged by its end (plus a 10 s grace).
	AckedShare float64 `json:"acked_share"`
	AckP50ms   float64 `json:"ack_p50_ms"`
	AckP99ms   float64 `json:"ack_p99_ms"`
	// The mediator process.
	CPUPct         float64 `json:"mediator_cpu_pct"`
	CPUFirstMinPct float64 `json:"mediator_cpu_first_min_pct"`
	CPULastMinPct  float64 `json:"mediator_cpu_last_min_pct"`
	RSSMiB         float64 `json:"mediator_rss_mib"`
	PeakRSSMiB     float64 `json:"mediator_peak_rss_mib"`
	OpenFiles      int     `json:"mediator_open_files"`
	Batches        uint64  `json:"batches"`
	CPUPerBatchUs  float64 `json:"cpu_us_per_batch"`
	CPUPerLineUs   float64 `json:"cpu_us_per_line"`
	// ClientCPUPct is the load generator's own CPU (the simulated agents).
	ClientCPUPct float64 `json:"client_cpu_pct"`
}

// line is the figures as the stage prints them.
func (f FleetFigures) line() string {
	return fmt.Sprintf("fleet agents=%d connect_s=%.1f offered_per_s=%.0f acked_per_s=%.0f ack_p99_ms=%.0f rss_mib=%.0f"+
		" ack_p50_ms=%.0f acked_share=%.4f handshake_timeouts=%d sessions_lost=%d mediator_cpu_pct=%.0f cpu_first_min_pct=%.0f cpu_last_min_pct=%.0f"+
		" peak_rss_mib=%.0f open_files=%d batches=%d cpu_us_per_batch=%.0f cpu_us_per_line=%.0f client_cpu_pct=%.0f",
		f.Agents, f.ConnectS, f.OfferedPerS, f.AckedPerS, f.AckP99ms, f.RSSMiB,
		f.AckP50ms, f.AckedShare, f.HandshakeTimeouts, f.SessionsLost, f.CPUPct, f.CPUFirstMinPct, f.CPULastMinPct,
		f.PeakRSSMiB, f.OpenFiles, f.Batches, f.CPUPerBatchUs, f.CPUPerLineUs, f.ClientCPUPct)
}

// stageFleet runs, for each fleet size, that many simulated agents in
// this process — the agent's own uplink code over real gRPC, each with an
// in-memory spool — against a real mediator process, at one line a second
// per agent plus heartbeats.
func stageFleet(e *stageEnv) Result {
	if !haveBinary() {
		return Result{Skipped: *flagBin + " not built (make build)"}
	}
	sizes, secs := []int{1000, 5000, 10000}, 120
	if *flagQuick {
		sizes, secs = []int{50, 200}, 5
	}
	if *flagFleetAgents != "" {
		sizes = nil
		for _, s := range strings.Split(*flagFleetAgents, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || n <= 0 {
				fatalf("-fleet-agents: %q is not a number of agents", s)
			}
			sizes = append(sizes, n)
		}
	}
	if *flagFleetSeconds > 0 {
		secs = *flagFleetSeconds
	}
	var r Result
	var acked float64
	for _, n := range sizes {
		f := runFleet(&stageEnv{dir: e.path(fmt.Sprintf("fleet-%d", n))}, n, time.Duration(secs)*time.Second)
		fmt.Fprintln(os.Stderr, f.line())
		r.Fleet = append(r.Fleet, f)
		acked += f.AckedPerS * f.Seconds
		r.Seconds += f.Seconds
	}
	last := r.Fleet[len(r.Fleet)-1]
	r.Events = int64(acked)
	r.EventsPerSec = last.AckedPerS
	r.CPUPerMillion = last.CPUPerLineUs // µs per line = CPU-s per million
	r.PeakRSSMiB = last.PeakRSSMiB
	r.LatencyP50ms, r.LatencyP99ms = last.AckP50ms, last.AckP99ms
	r.LatencyWhat = "spooled → acknowledged by the mediator, at the largest fleet"
	r.Note = fmt.Sprintf("simulated agents (uplink code, in-memory spools) in the bench process, 1 line/s each, against a mediator process (MPE and embedded index on); figures of the largest fleet (%d agents); CPU and RSS are the mediator's", last.Agents)
	return r
}

// histogram counts latencies in 1 ms buckets up to a minute.
type histogram struct {
	buckets [60001]atomic.Int64
}

func (h *histogram) add(d time.Duration) {
	ms := min(max(d.Milliseconds(), 0), int64(len(h.buckets)-1))
	h.buckets[ms].Add(1)
}

func (h *histogram) percentile(p float64) float64 {
	var total int64
	for i := range h.buckets {
		total += h.buckets[i].Load()
	}
	if total == 0 {
		return 0
	}
	want := int64(float64(total) * p / 100)
	var seen int64
	for i := range h.buckets {
		if seen += h.buckets[i].Load(); seen > want {
			return float64(i)
		}
	}
	return float64(len(h.buckets) - 1)
}

// lineCounter counts log lines that contain a substring (the simulated
// agents' warnings).
type lineCounter struct {
	handshake, lost atomic.Int64
}

func (c *lineCounter) Write(p []byte) (int, error) {
	s := string(p)
	if strings.Contains(s, "handshake") {
		c.handshake.Add(1)
	}
	if strings.Contains(s, "session ended") {
		c.lost.Add(1)
	}
	return len(p), nil
}

func runFleet(e *stageEnv, n int, d time.Duration) FleetFigures {
	if err := os.MkdirAll(e.dir, 0o755); err != nil {
		fatalf("%v", err)
	}
	m, addr, httpAddr := mediatorProc(e, fmt.Sprintf("max_agents = %d", n+n/10+10))
	defer m.stop()
	var hist histogram
	var ackedInRun, ackedTotal atomic.Int64
	var measuring atomic.Bool
	counter := &lineCounter{}
	logger := hclog.New(&hclog.LoggerOptions{Level: hclog.Warn, Output: counter})
	spools := make([]*uplinktest.MemSpool, n)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	f := FleetFigures{Agents: n}
	t0 := time.Now()
	for i := range spools {
		sp := uplinktest.NewMemSpool()
		sp.OnAck = func(r queue.Record, added time.Time) {
			hist.add(time.Since(added))
			ackedTotal.Add(r.Entries())
			if measuring.Load() {
				ackedInRun.Add(r.Entries())
			}
		}
		spools[i] = sp
		id := fmt.Sprintf("fleet-%05d", i)
		// The agent's defaults (agent/config.go) for what a host runs.
		up, err := uplink.New(uplink.Config{
			AgentID:           id,
			Hostname:          id,
			Mediators:         []string{addr},
			HeartbeatInterval: 30 * time.Second,
			BatchLinger:       200 * time.Millisecond,
			ReconnectJitter:   2 * time.Second,
		}, sp, logger)
		if err != nil {
			fatalf("%v", err)
		}
		wg.Add(1)
		go func() { defer wg.Done(); _ = up.Run(ctx) }()
	}
	defer func() { cancel(); wg.Wait() }()
	deadline := time.Now().Add(5 * time.Minute)
	for {
		st, err := getStatus(httpAddr)
		if err == nil && st.Agents >= n {
			break
		}
		if time.Now().After(deadline) {
			fatalf("fleet of %d: only %d agents connected after 5 minutes (handshake timeouts %d)", n, st.Agents, counter.handshake.Load())
		}
		time.Sleep(100 * time.Millisecond)
	}
	f.ConnectS = time.Since(t0).Seconds()
	f.HandshakeTimeouts = counter.handshake.Load()

	// One line a second per agent, spread evenly over the second.
	st0, _ := getStatus(httpAddr)
	c0, cc0 := m.cpu(), cpuSeconds()
	lost0 := counter.lost.Load()
	if *flagProfile != "" {
		// The simulated agents' own profile, beside the mediator's.
		stop := startCPUProfile(filepath.Join(*flagProfile, fmt.Sprintf("fleet-%d-agents.pprof", n)))
		defer stop()
	}
	measuring.Store(true)
	start := time.Now()
	var offered int64
	const ticks = 100
	tick := time.NewTicker(time.Second / ticks)
	cpuAt := []float64{c0} // the mediator's CPU every 10 s
	nextSample := start.Add(10 * time.Second)
	for k := 0; time.Since(start) < d; k++ {
		<-tick.C
		for i := (k % ticks) * n / ticks; i < (k%ticks+1)*n/ticks; i++ {
			spools[i].Add(1)
			offered++
		}
		if time.Now().After(nextSample) {
			cpuAt = append(cpuAt, m.cpu())
			nextSample = nextSample.Add(10 * time.Second)
		}
	}
	tick.Stop()
	measuring.Store(false)
	f.Seconds = time.Since(start).Seconds()
	cpu, clientCPU := m.cpu()-c0, cpuSeconds()-cc0
	st1, _ := getStatus(httpAddr)
	f.RSSMiB, f.PeakRSSMiB = m.rss()
	f.OpenFiles = m.openFiles()
	grace := time.Now().Add(10 * time.Second)
	for ackedTotal.Load() < offered && time.Now().Before(grace) {
		time.Sleep(50 * time.Millisecond)
	}
	f.SessionsLost = counter.lost.Load() - lost0
	f.OfferedPerS = float64(offered) / f.Seconds
	f.AckedPerS = float64(ackedInRun.Load()) / f.Seconds
	f.AckedShare = float64(ackedTotal.Load()) / float64(max(offered, 1))
	f.AckP50ms, f.AckP99ms = hist.percentile(50), hist.percentile(99)
	f.CPUPct = 100 * cpu / f.Seconds
	f.ClientCPUPct = 100 * clientCPU / f.Seconds
	// The first and the last minute (the halves of a shorter run), from
	// the 10 s samples.
	if k := len(cpuAt) - 1; k >= 2 {
		w := min(6, k/2)
		f.CPUFirstMinPct = 100 * (cpuAt[w] - cpuAt[0]) / float64(w*10)
		f.CPULastMinPct = 100 * (cpuAt[k] - cpuAt[k-w]) / float64(w*10)
	}
	f.Batches = st1.ReceivedBatches - st0.ReceivedBatches
	if f.Batches > 0 {
		f.CPUPerBatchUs = 1e6 * cpu / float64(f.Batches)
	}
	if lines := st1.Received - st0.Received; lines > 0 {
		f.CPUPerLineUs = 1e6 * cpu / float64(lines)
	}
	return f
}

// openFiles is how many file descriptors the process has open.
func (p *proc) openFiles() int {
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	return len(ents)
}

// printFleet prints the fleet stage's lines, one per fleet size.
func printFleet(results []Result) {
	for _, r := range results {
		for _, f := range r.Fleet {
			fmt.Println(f.line())
		}
	}
}

// startCPUProfile profiles this process into path until the returned
// function is called.
func startCPUProfile(path string) func() {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		fatalf("%v", err)
	}
	f, err := os.Create(path)
	if err != nil {
		fatalf("%v", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fatalf("cpu profile: %v", err)
	}
	return func() { pprof.StopCPUProfile(); _ = f.Close() }
}
