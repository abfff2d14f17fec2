package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

var (
	flagFairSeconds     = flag.Int("fairness-seconds", 0, "fairness stage: seconds measured per phase, idle and flooded (default 30; -quick: 2)")
	flagFairFloodAgents = flag.Int("fairness-flood-agents", 1, "fairness stage: agents of the flooding organization")
)

// The fairness stage's organizations: one floods the mediator, the other
// sends a steady 1,000 lines/s.
const (
	floodOrg  = "flood"
	quietOrg  = "quiet"
	quietRate = 1000
	// fairPoll is how often the bench searches for the quiet lines: the
	// latencies are at most this much late.
	fairPoll = 50 * time.Millisecond
	// fairIDMarker precedes a line's id in the fairness stage's lines.
	fairIDMarker = "fairid-"
)

// FairnessFigures are the fairness stage's: the quiet organization's
// append → searchable latency alone and beside the flood, and whether
// every line of both arrived exactly once.
type FairnessFigures struct {
	PhaseSeconds float64 `json:"phase_s"`
	FloodAgents  int     `json:"flood_agents"`
	QuietPerS    int     `json:"quiet_lines_per_s"`
	PollMs       float64 `json:"poll_ms"`
	// Quiet's latencies, lines appended during each phase's window.
	QuietP50IdleMs    float64 `json:"quiet_org_p50_ms_idle"`
	QuietP99IdleMs    float64 `json:"quiet_org_p99_ms_idle"`
	QuietP50FloodedMs float64 `json:"quiet_org_p50_ms_flooded"`
	QuietP99FloodedMs float64 `json:"quiet_org_p99_ms_flooded"`
	QuietMaxFloodedMs float64 `json:"quiet_org_max_ms_flooded"`
	// CalibratedPerS is the mediator's index rate on the flood's lines
	// alone, before the phases; the flood's backlog is sized from it.
	CalibratedPerS float64 `json:"calibrated_index_per_s"`
	// FloodWrittenPerS is how fast the bench wrote the flood's backlog;
	// FloodOfferedPerS the most flood lines the mediator received in one
	// second of the flood (what its agents delivered when not held back).
	FloodWrittenPerS float64 `json:"flood_written_per_s"`
	FloodOfferedPerS float64 `json:"flood_offered_per_s"`
	// FloodOfferedX is FloodOfferedPerS over IndexedPerSFlooded: how many
	// times what the mediator indexed the flood offered.
	FloodOfferedX float64 `json:"flood_offered_x"`
	// SaturateS is how long the flood took to put a second of work in
	// state; Saturated says it did.
	SaturateS float64 `json:"saturate_s"`
	Saturated bool    `json:"saturated"`
	// During the flooded window: all organizations' indexed events/s,
	// the flood's share of them, state depth at its end and at its peak,
	// and the flood's lines not yet indexed at its end (> 0: the flood
	// lasted the whole window).
	IndexedPerSFlooded float64 `json:"indexed_per_s_flooded"`
	FloodSharePct      float64 `json:"flood_share_pct"`
	StateDepthAtEnd    int64   `json:"state_depth_at_window_end"`
	PeakStateDepth     int64   `json:"peak_state_depth"`
	FloodLeftAtEnd     int64   `json:"flood_left_at_window_end"`
	SuspenseEngaged    bool    `json:"suspense_engaged"`
	// DrainS is from the end of the flooded window until every line of
	// both organizations was searchable.
	DrainS            float64 `json:"drain_s"`
	FloodLinesWritten int64   `json:"flood_lines_written"`
	FloodLinesIndexed int64   `json:"flood_lines_indexed"`
	FloodDuplicates   int64   `json:"flood_duplicates"`
	QuietLinesWritten int64   `json:"quiet_lines_written"`
	QuietLinesIndexed int64   `json:"quiet_lines_indexed"`
	QuietDuplicates   int64   `json:"quiet_duplicates"`
	VerifyS           float64 `json:"verify_s"`
	// Load is /proc/loadavg's first three fields at the start and the end.
	LoadStart string `json:"load_start"`
	LoadEnd   string `json:"load_end"`
}

// lines are the figures as the stage prints them: the interface line and
// the details.
func (f FairnessFigures) lines() (string, string) {
	return fmt.Sprintf("fairness quiet_org_p99_ms_idle=%.0f quiet_org_p99_ms_flooded=%.0f", f.QuietP99IdleMs, f.QuietP99FloodedMs),
		fmt.Sprintf("fairness-details phase_s=%.0f quiet_p50_ms_idle=%.0f quiet_p50_ms_flooded=%.0f quiet_max_ms_flooded=%.0f calibrated_index_per_s=%.0f flood_written_per_s=%.0f flood_offered_per_s=%.0f flood_offered_x=%.1f"+
			" indexed_per_s_flooded=%.0f flood_share_pct=%.1f saturated=%v saturate_s=%.1f state_depth_at_window_end=%d peak_state_depth=%d flood_left_at_window_end=%d suspense=%v drain_s=%.1f"+
			" flood_lines_written=%d flood_lines_indexed=%d flood_duplicates=%d quiet_lines_written=%d quiet_lines_indexed=%d quiet_duplicates=%d load=%q,%q",
			f.PhaseSeconds, f.QuietP50IdleMs, f.QuietP50FloodedMs, f.QuietMaxFloodedMs, f.CalibratedPerS, f.FloodWrittenPerS, f.FloodOfferedPerS, f.FloodOfferedX,
			f.IndexedPerSFlooded, f.FloodSharePct, f.Saturated, f.SaturateS, f.StateDepthAtEnd, f.PeakStateDepth, f.FloodLeftAtEnd, f.SuspenseEngaged, f.DrainS,
			f.FloodLinesWritten, f.FloodLinesIndexed, f.FloodDuplicates, f.QuietLinesWritten, f.QuietLinesIndexed, f.QuietDuplicates, f.LoadStart, f.LoadEnd)
}

// printFairness prints the fairness stage's two lines.
func printFairness(results []Result) {
	for _, r := range results {
		if r.Fairness != nil {
			a, b := r.Fairness.lines()
			fmt.Println(a)
			fmt.Println(b)
		}
	}
}

// fairLine writes line id of org, stamped (in its syslog header and its
// latency marker) with ts.
func fairLine(b *strings.Builder, org string, id int, ts time.Time) {
	appendLatLine(b, fmt.Sprintf("%s fair-%s sshd[%d]: Failed password for invalid user user%07d from 198.51.100.%d port %d ssh2 %s%d",
		ts.UTC().Format(time.RFC3339Nano), org, 10000+id%50000, id%10000000, id%250+1, 1024+id%60000, fairIDMarker, id), ts.UnixNano())
}

// fairID is the id of a line written by fairLine.
func fairID(msg string) (int, bool) {
	i := strings.Index(msg, fairIDMarker)
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(msg[i+len(fairIDMarker):])
	if len(f) == 0 {
		return 0, false
	}
	id, err := strconv.Atoi(f[0])
	return id, err == nil
}

// searchMessages returns the messages of org's events with @timestamp in
// [since, until), at most limit, newest first, through the mediator's
// search API.
func searchMessages(httpAddr, org string, since, until int64, limit int) ([]string, error) {
	v := url.Values{}
	v.Set("org", org)
	v.Set("since", time.Unix(0, since).UTC().Format(time.RFC3339Nano))
	v.Set("until", time.Unix(0, until).UTC().Format(time.RFC3339Nano))
	v.Set("limit", strconv.Itoa(limit))
	resp, err := http.Get("http://" + httpAddr + "/v1/search?" + v.Encode())
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("search: %s", resp.Status)
	}
	var body struct {
		Events []struct {
			Message string `json:"message"`
		} `json:"events"`
		Truncated bool `json:"truncated"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, err
	}
	if body.Truncated {
		return nil, fmt.Errorf("search of %d events truncated at max_result_bytes", limit)
	}
	out := make([]string, len(body.Events))
	for i, ev := range body.Events {
		out[i] = ev.Message
	}
	return out, nil
}

// countOrg is the number of org's events matching q (all when ""),
// through the mediator's count API.
func countOrg(httpAddr, org, q string) (int64, error) {
	v := url.Values{}
	v.Set("org", org)
	if q != "" {
		v.Set("q", q)
	}
	resp, err := http.Get("http://" + httpAddr + "/v1/count?" + v.Encode())
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("count: %s", resp.Status)
	}
	var c struct {
		Count int64 `json:"count"`
	}
	return c.Count, json.NewDecoder(resp.Body).Decode(&c)
}

// quietTracker writes the quiet organization's lines at quietRate and
// finds each in the index by searching, from the oldest line not seen yet
// to the newest written, every fairPoll.
type quietTracker struct {
	httpAddr string
	f        *os.File

	mu       sync.Mutex
	appended []int64         // append time (Unix ns) of line id
	lat      []time.Duration // append → searchable of line id, 0 until seen
	lo       int             // the lowest id not seen
	seen     int
	err      error
}

// write appends lines until stop is closed.
func (q *quietTracker) write(stop <-chan struct{}) {
	start := time.Now()
	written := 0
	for {
		select {
		case <-stop:
			return
		default:
		}
		next := int(quietRate*time.Since(start).Seconds()) + 1
		if next > written {
			var b strings.Builder
			now := time.Now()
			q.mu.Lock()
			base := len(q.appended)
			for i := 0; i < next-written; i++ {
				fairLine(&b, quietOrg, base+i, now)
				q.appended = append(q.appended, now.UnixNano())
				q.lat = append(q.lat, 0)
			}
			q.mu.Unlock()
			if _, err := q.f.WriteString(b.String()); err != nil {
				fatalf("%v", err)
			}
			written = next
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// poll searches for the lines not seen yet until stop is closed.
func (q *quietTracker) poll(stop <-chan struct{}) {
	const limit = 5000
	for {
		select {
		case <-stop:
			return
		case <-time.After(fairPoll):
		}
		q.mu.Lock()
		lo, n := q.lo, len(q.appended)
		var since, until int64
		if lo < n {
			since, until = q.appended[lo], q.appended[n-1]+1
		}
		q.mu.Unlock()
		for since < until {
			msgs, err := searchMessages(q.httpAddr, quietOrg, since, until, limit)
			now := time.Now()
			if err != nil {
				q.mu.Lock()
				q.err = err
				q.mu.Unlock()
				break
			}
			oldest := until
			q.mu.Lock()
			for _, m := range msgs {
				id, ok := fairID(m)
				ns, ok2 := latStamp(m)
				if !ok || !ok2 || id >= len(q.lat) {
					continue
				}
				oldest = min(oldest, ns)
				if q.lat[id] == 0 {
					q.lat[id] = max(now.Sub(time.Unix(0, q.appended[id])), time.Nanosecond)
					q.seen++
				}
			}
			for q.lo < len(q.lat) && q.lat[q.lo] != 0 {
				q.lo++
			}
			q.mu.Unlock()
			if len(msgs) < limit {
				break
			}
			// Newest first: what is older than the oldest returned is
			// still to be read.
			until = oldest
		}
	}
}

// progress is how many lines were written and seen.
func (q *quietTracker) progress() (written, seen int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.appended), q.seen
}

// window is the latencies of the lines appended in [from, to).
func (q *quietTracker) window(from, to time.Time) []time.Duration {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []time.Duration
	for id, ns := range q.appended {
		if ns >= from.UnixNano() && ns < to.UnixNano() && q.lat[id] != 0 {
			out = append(out, q.lat[id])
		}
	}
	return out
}

// floodWriter writes the flooding organization's lines to its agents'
// files: line id goes to file id % len(files), stamped base + id µs (so
// that a time range of the index is a range of ids).
type floodWriter struct {
	files []*bufio.Writer
	base  time.Time
	next  int
}

func (w *floodWriter) ts(id int) time.Time { return w.base.Add(time.Duration(id) * time.Microsecond) }

// write appends n lines and flushes them.
func (w *floodWriter) write(n int) {
	var b strings.Builder
	for end := w.next + n; w.next < end; w.next++ {
		b.Reset()
		fairLine(&b, floodOrg, w.next, w.ts(w.next))
		_, _ = w.files[w.next%len(w.files)].WriteString(b.String())
	}
	for _, f := range w.files {
		if err := f.Flush(); err != nil {
			fatalf("%v", err)
		}
	}
}

func loadAvg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// stageFairness measures whether one organization's flood raises
// another's latency: a mediator process (embedded index, starter rules),
// an agent process of organization "quiet" tailing a file the bench
// appends 1,000 lines/s to, and agent processes of organization "flood"
// tailing files the bench fills with a backlog far beyond what the
// mediator indexes in the phase. Quiet's append → searchable latency
// alone, then beside the flood; then every line of both must be in the
// index exactly once.
func stageFairness(e *stageEnv) Result {
	if !haveBinary() {
		return Result{Skipped: *flagBin + " not built (make build)"}
	}
	phase, calib := 30*time.Second, 100000
	if *flagQuick {
		phase, calib = 2*time.Second, 10000
	}
	if *flagFairSeconds > 0 {
		phase = time.Duration(*flagFairSeconds) * time.Second
	}
	agents := max(*flagFairFloodAgents, 1)
	f := &FairnessFigures{PhaseSeconds: phase.Seconds(), FloodAgents: agents, QuietPerS: quietRate, PollMs: float64(fairPoll.Milliseconds()), LoadStart: loadAvg()}
	stageStart := time.Now()

	m, addr, httpAddr := mediatorProc(e, "",
		fmt.Sprintf("organization %q {\n  weight = 1\n  max_backlog_bytes = \"64MiB\"\n}", floodOrg),
		fmt.Sprintf("organization %q {\n  weight = 1\n}", quietOrg))
	defer m.stop()
	stat := func() status {
		st, err := getStatus(httpAddr)
		if err != nil {
			fatalf("mediator status: %v", err)
		}
		return st
	}
	countFlood := func(q string) int64 {
		n, err := countOrg(httpAddr, floodOrg, q)
		if err != nil {
			fatalf("count: %v", err)
		}
		return n
	}

	qe := e.sub(quietOrg)
	qf, err := os.Create(qe.path("quiet.log"))
	if err != nil {
		fatalf("%v", err)
	}
	defer qf.Close()
	qa := agentProcAs(qe, "fair-quiet", addr, qe.path("quiet.log"), fmt.Sprintf("organization = %q", quietOrg))
	defer qa.stop()
	fw := &floodWriter{base: time.Now().Add(-time.Minute)}
	for k := range agents {
		fe := e.sub(fmt.Sprintf("%s-%d", floodOrg, k))
		ff, err := os.Create(fe.path("flood.log"))
		if err != nil {
			fatalf("%v", err)
		}
		defer ff.Close()
		fw.files = append(fw.files, bufio.NewWriterSize(ff, 1<<20))
		a := agentProcAs(fe, fmt.Sprintf("fair-flood-%d", k), addr, fe.path("flood.log"), fmt.Sprintf("organization = %q", floodOrg))
		defer a.stop()
	}

	// Calibration: the flood's first lines alone, for the index rate:
	// from the first indexed to the last.
	i0 := stat().Indexed
	tw := time.Now()
	fw.write(calib)
	var t1 time.Time
	var n1 uint64
	for deadline := time.Now().Add(5 * time.Minute); ; time.Sleep(20 * time.Millisecond) {
		got := stat().Indexed - i0
		if t1.IsZero() && got > 0 {
			t1, n1 = time.Now(), got
		}
		if got >= uint64(calib) {
			if n1 < uint64(calib)/2 && time.Since(t1) > 100*time.Millisecond {
				f.CalibratedPerS = float64(uint64(calib)-n1) / time.Since(t1).Seconds()
			} else {
				// Indexed in one or two writes: the whole wait.
				f.CalibratedPerS = float64(calib) / time.Since(tw).Seconds()
			}
			break
		}
		if time.Now().After(deadline) {
			fatalf("fairness: calibration: %d of %d lines indexed in 5 minutes", got, calib)
		}
	}
	fmt.Fprintf(os.Stderr, "bench: fairness: calibrated %.0f events/s indexed\n", f.CalibratedPerS)

	// Phase 1: quiet alone.
	q := &quietTracker{httpAddr: httpAddr, f: qf}
	stopWrite, stopPoll := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	idleFrom := time.Now()
	go func() { defer wg.Done(); q.write(stopWrite) }()
	go func() { defer wg.Done(); q.poll(stopPoll) }()
	defer func() {
		select {
		case <-stopPoll:
		default:
			close(stopPoll)
		}
		select {
		case <-stopWrite:
		default:
			close(stopWrite)
		}
		wg.Wait()
	}()
	time.Sleep(phase)
	idleTo := time.Now()
	fmt.Fprintf(os.Stderr, "bench: fairness: idle phase done\n")

	// Phase 2: the flood. Its backlog is twice what the mediator indexed
	// per second in calibration over the phase and 10 s to saturate: the
	// agents offer it as fast as they read and send, and it outlasts the
	// window.
	backlog := min(int(2*f.CalibratedPerS*(phase+10*time.Second).Seconds()), 10000000)
	floodFrom := time.Now()
	written := make(chan struct{})
	go func() {
		fw.write(backlog)
		f.FloodWrittenPerS = float64(backlog) / time.Since(floodFrom).Seconds()
		close(written)
	}()
	var peak int64
	var suspended bool
	sample := func(st status) {
		peak = max(peak, st.StateDepth)
		suspended = suspended || st.Suspense != ""
	}
	// The mediator's receive rate, per second, over the flood.
	var offered float64
	stopRate := make(chan struct{})
	rateDone := make(chan struct{})
	go func() {
		defer close(rateDone)
		last := stat().Received
		for {
			select {
			case <-stopRate:
				return
			case <-time.After(time.Second):
			}
			st := stat()
			offered = max(offered, float64(st.Received-last)-quietRate)
			last = st.Received
		}
	}()
	deadline := floodFrom.Add(30 * time.Second)
	for {
		st := stat()
		sample(st)
		if float64(st.StateDepth) >= f.CalibratedPerS || st.Suspense != "" {
			f.Saturated = true
			break
		}
		if time.Now().After(deadline) {
			fmt.Fprintf(os.Stderr, "bench: fairness: the flood did not put a second of work in state in 30 s (state depth %d)\n", st.StateDepth)
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	f.SaturateS = time.Since(floodFrom).Seconds()
	st0, flood0 := stat(), countFlood("")
	_, quiet0 := q.progress()
	windowFrom := time.Now()
	for time.Since(windowFrom) < phase {
		sample(stat())
		time.Sleep(200 * time.Millisecond)
	}
	windowTo := time.Now()
	st1, flood1 := stat(), countFlood("")
	_, quiet1 := q.progress()
	sample(st1)
	close(stopWrite)
	close(stopRate)
	<-rateDone
	<-written
	f.FloodOfferedPerS = offered
	f.IndexedPerSFlooded = float64(st1.Indexed-st0.Indexed) / windowTo.Sub(windowFrom).Seconds()
	if f.IndexedPerSFlooded > 0 {
		f.FloodOfferedX = f.FloodOfferedPerS / f.IndexedPerSFlooded
	}
	if d := float64(flood1-flood0) + float64(quiet1-quiet0); d > 0 {
		f.FloodSharePct = 100 * float64(flood1-flood0) / d
	}
	f.StateDepthAtEnd = st1.StateDepth
	f.FloodLinesWritten = int64(fw.next)
	f.FloodLeftAtEnd = f.FloodLinesWritten - flood1
	if f.FloodLeftAtEnd <= 0 {
		fmt.Fprintln(os.Stderr, "bench: fairness: warning: the flood's backlog was indexed before the window ended")
	}
	fmt.Fprintf(os.Stderr, "bench: fairness: flooded phase done (%.0f events/s indexed, flood's share %.1f%%)\n", f.IndexedPerSFlooded, f.FloodSharePct)

	// Phase 3: drain, then exactly once.
	quietWritten, _ := q.progress()
	waitProgress("fairness-drained", func() int64 {
		_, seen := q.progress()
		n := int64(seen)
		if c, err := countOrg(httpAddr, floodOrg, ""); err == nil {
			n += min(c, f.FloodLinesWritten)
		}
		sample(stat())
		time.Sleep(200 * time.Millisecond)
		return n
	}, int64(quietWritten)+f.FloodLinesWritten, 10*time.Minute, func() string {
		b, _ := json.Marshal(stat())
		return "mediator status: " + string(b)
	})
	close(stopPoll)
	wg.Wait()
	if q.err != nil {
		fmt.Fprintf(os.Stderr, "bench: fairness: a search failed (retried): %v\n", q.err)
	}
	f.DrainS = time.Since(windowTo).Seconds()
	f.PeakStateDepth, f.SuspenseEngaged = peak, suspended

	v0 := time.Now()
	idle, flooded := q.window(idleFrom, idleTo), q.window(windowFrom, windowTo)
	f.QuietP50IdleMs, f.QuietP99IdleMs = percentile(idle, 50), percentile(idle, 99)
	f.QuietP50FloodedMs, f.QuietP99FloodedMs, f.QuietMaxFloodedMs = percentile(flooded, 50), percentile(flooded, 99), percentile(flooded, 100)
	f.QuietLinesWritten = int64(quietWritten)
	_, seen := q.progress()
	f.QuietLinesIndexed = int64(seen)
	// Seen are distinct ids; the index's count of quiet's lines beyond
	// them is duplicates.
	quietCount, err := countOrg(httpAddr, quietOrg, "fairid")
	if err != nil {
		fatalf("count: %v", err)
	}
	f.QuietDuplicates = quietCount - int64(seen)
	f.FloodLinesIndexed, f.FloodDuplicates = verifyFlood(httpAddr, fw)
	f.VerifyS = time.Since(v0).Seconds()
	f.LoadEnd = loadAvg()

	a, b := f.lines()
	fmt.Fprintln(os.Stderr, a)
	fmt.Fprintln(os.Stderr, b)
	if f.FloodLinesIndexed != f.FloodLinesWritten || f.FloodDuplicates != 0 || f.QuietLinesIndexed != f.QuietLinesWritten || f.QuietDuplicates != 0 {
		fatalf("fairness: lines lost or duplicated: flood %d written, %d indexed, %d duplicates; quiet %d written, %d indexed, %d duplicates",
			f.FloodLinesWritten, f.FloodLinesIndexed, f.FloodDuplicates, f.QuietLinesWritten, f.QuietLinesIndexed, f.QuietDuplicates)
	}
	r := Result{
		Events:       f.FloodLinesWritten + f.QuietLinesWritten,
		Seconds:      time.Since(stageStart).Seconds(),
		EventsPerSec: f.IndexedPerSFlooded,
		LatencyP50ms: f.QuietP50FloodedMs,
		LatencyP99ms: f.QuietP99FloodedMs,
		LatencyWhat:  fmt.Sprintf("quiet organization (%d lines/s) append → searchable beside the flood; alone: p50 %.0f ms, p99 %.0f ms", quietRate, f.QuietP50IdleMs, f.QuietP99IdleMs),
		Fairness:     f,
	}
	r.Note = fmt.Sprintf("mediator and agents as processes; events/s is the mediator's index rate during the flood (flood's share %.1f%%); flood of %d lines offered at up to %.0f/s (%.1f× the index rate beside it; %.0f/s calibrated alone); drain %.0f s; every line once",
		f.FloodSharePct, f.FloodLinesWritten, f.FloodOfferedPerS, f.FloodOfferedX, f.CalibratedPerS, f.DrainS)
	return r
}

// verifyFlood reads back every flood line from the index, a range of ids
// (a range of timestamps) at a time, and returns how many distinct ids it
// found and how many events repeated one.
func verifyFlood(httpAddr string, fw *floodWriter) (distinct, dups int64) {
	const step = 5000
	seen := make([]bool, fw.next)
	for from := 0; from < fw.next; from += step {
		to := min(from+step, fw.next)
		// Twice the range's lines and one: more than that many events is
		// duplicates, which the count below shows.
		msgs, err := searchMessages(httpAddr, floodOrg, fw.ts(from).UnixNano(), fw.ts(to).UnixNano(), 2*(to-from)+1)
		if err != nil {
			fatalf("fairness: reading back the flood's lines %d–%d: %v", from, to, err)
		}
		for _, m := range msgs {
			id, ok := fairID(m)
			if !ok {
				continue
			}
			if id < from || id >= to {
				fatalf("fairness: line %d found among %d–%d (timestamp not kept?)", id, from, to)
			}
			if seen[id] {
				dups++
				continue
			}
			seen[id] = true
			distinct++
		}
	}
	return distinct, dups
}
