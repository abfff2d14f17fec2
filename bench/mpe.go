package main

import (
	"bufio"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sluicehq/sluice/internal/corpus"
	"github.com/sluicehq/sluice/mpe"
	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/gctune"
)

func corpusEntries() ([]mpe.Entry, int64) {
	var out []mpe.Entry
	var size int64
	collected := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, s := range corpus.Sources() {
		files, _ := filepath.Glob(filepath.Join(*flagCorpus, s.Glob))
		for _, f := range files {
			fh, err := os.Open(f)
			if err != nil {
				continue
			}
			sc := bufio.NewScanner(fh)
			sc.Buffer(make([]byte, 1<<20), 1<<20)
			for sc.Scan() {
				l := append([]byte(nil), sc.Bytes()...)
				size += int64(len(l))
				out = append(out, mpe.Entry{Raw: l, LogSourceType: s.Type, LogSource: "bench", Agent: "bench", Mediator: "m1", Collected: collected, Seq: uint64(len(out) + 1)})
			}
			_ = fh.Close()
		}
	}
	return out, size
}

func generatedRules(n int) string {
	types := map[string]bool{}
	var quoted []string
	for _, s := range corpus.Sources() {
		if !types[s.Type] {
			types[s.Type] = true
			quoted = append(quoted, fmt.Sprintf("%q", s.Type))
		}
	}
	words := []string{"daemon", "session", "failure", "request", "access", "policy", "backup", "tunnel"}
	var b strings.Builder
	for i := range n {
		w := words[i%len(words)]
		var pattern string
		switch i % 3 {
		case 0:
			pattern = fmt.Sprintf("gen%03d %s (?:opened|closed) for <login> from <sip>(?: port <sport>)?", i, w)
		case 1:
			pattern = fmt.Sprintf("<process>\\[<pid>\\]: %s gen%03d for user <login>", w, i)
		default:
			pattern = fmt.Sprintf("(?:error|warning|notice): %s gen%03d from <sip> port <sport>", w, i)
		}
		fmt.Fprintf(&b, "rule \"generated-%03d\" {\n  log_source_types = [%s]\n  sort_order = %d\n  pattern = <<-RE\n    %s\n  RE\n  classification = \"Information\"\n}\n", i, strings.Join(quoted, ", "), 50+i%200, pattern)
	}
	return b.String()
}

func stageMPEStarter(e *stageEnv) Result { return mpeStage(e, 0) }
func stageMPE500(e *stageEnv) Result     { return mpeStage(e, 500) }

// MPEFigures are what an MPE stage measured: the engine (a literal scan
// selects the candidate rules) against naive sequential evaluation (every
// rule of the policy tried in order, mpe.RuleSet.Sequential), on the same
// rule set and corpus, in the same process.
type MPEFigures struct {
	Rules int `json:"rules"`
	// EngineLinesPerCore and NaiveLinesPerCore are lines per CPU-second
	// of one goroutine: lines/s per core.
	EngineLinesPerCore float64 `json:"engine_lines_per_core"`
	NaiveLinesPerCore  float64 `json:"naive_lines_per_core"`
	// Ratio is EngineLinesPerCore / NaiveLinesPerCore.
	Ratio float64 `json:"engine_vs_naive"`
	// EngineLines and NaiveLines are how many lines each was timed on.
	EngineLines int64 `json:"engine_lines"`
	NaiveLines  int64 `json:"naive_lines"`
	// PerType is the engine's lines/s per core on each log source type's
	// corpus lines; AsSyslog on every text line of the corpus sent as
	// plain syslog, where every rule pack's rules are in play
	// (identification, docs/rules.md).
	PerType  map[string]float64 `json:"per_type_lines_per_core,omitempty"`
	AsSyslog float64            `json:"as_syslog_lines_per_core,omitempty"`
}

// meter accumulates one evaluation's timed chunks.
type meter struct {
	lines, bytes int64
	cpu, wall    float64
}

// chunk runs rs on entries from *next on, every step-th entry (wrapping),
// for about d, checking the clock every check lines, and adds what it did
// to m.
func (m *meter) chunk(rs *mpe.RuleSet, entries []mpe.Entry, next *int, step, check int, d time.Duration, out *[]*event.Event) {
	t0, c0 := time.Now(), cpuSeconds()
	var n, bytes int64
	for time.Since(t0) < d {
		for range check {
			e := &entries[*next]
			*out = rs.Process(e, (*out)[:0])
			bytes += int64(len(e.Raw))
			*next = (*next + step) % len(entries)
		}
		n += int64(check)
	}
	m.cpu += cpuSeconds() - c0
	m.wall += time.Since(t0).Seconds()
	m.lines += n
	m.bytes += bytes
}

func (m *meter) perCore() float64 {
	if m.cpu <= 0 {
		return 0
	}
	return float64(m.lines) / m.cpu
}

// mpeStage parses the corpus on one goroutine with the engine and with
// naive sequential evaluation, alternating chunks of each so that both see
// the same machine (it is shared): lines per CPU-second is lines per core.
// The engine runs over the corpus in order, as log sources deliver it;
// naive evaluation, tens of times slower with many rules, runs over a
// spread of it (every stride-th line) so that the lines it has time for
// are a sample of all the log source types, not the first file's.
func mpeStage(e *stageEnv, extra int) Result {
	paths := []string{*flagRules}
	if extra > 0 {
		f := e.path("generated.hcl")
		if err := os.WriteFile(f, []byte(generatedRules(extra)), 0o644); err != nil {
			fatalf("%v", err)
		}
		paths = append(paths, f)
	}
	rs, err := mpe.Load(paths)
	if err != nil {
		fatalf("load rules: %v", err)
	}
	nv := rs.Sequential()
	gctune.Tune() // as the mediator runs it
	entries, _ := corpusEntries()
	if len(entries) == 0 {
		return Result{Skipped: "corpus not found at " + *flagCorpus}
	}
	total, slice := 3*time.Second, 100*time.Millisecond
	if *flagQuick {
		total, slice = 300*time.Millisecond, 50*time.Millisecond
	}
	stride := spreadStride(len(entries))
	var out []*event.Event
	// Warm up (compiled regexps' caches, the first allocations): the
	// engine on the whole corpus, naive evaluation on a slice of time.
	for i := range entries {
		out = rs.Process(&entries[i], out[:0])
	}
	var warm meter
	i, j := 0, 0
	warm.chunk(nv, entries, &j, stride, 16, slice, &out)

	var eng, naive meter
	for eng.wall < total.Seconds() || naive.wall < total.Seconds() {
		eng.chunk(rs, entries, &i, 1, 256, slice, &out)
		naive.chunk(nv, entries, &j, stride, 16, slice, &out)
	}
	f := &MPEFigures{
		PerType:            perType(rs, entries, slice),
		AsSyslog:           asSyslog(rs, entries, slice),
		Rules:              rs.Len(),
		EngineLinesPerCore: eng.perCore(),
		NaiveLinesPerCore:  naive.perCore(),
		EngineLines:        eng.lines,
		NaiveLines:         naive.lines,
	}
	if f.NaiveLinesPerCore > 0 {
		f.Ratio = f.EngineLinesPerCore / f.NaiveLinesPerCore
	}
	r := Result{
		Events:        eng.lines,
		Seconds:       eng.wall,
		EventsPerSec:  f.EngineLinesPerCore,
		MBPerSec:      float64(eng.bytes) / 1e6 / eng.wall,
		CPUPerMillion: eng.cpu / (float64(eng.lines) / 1e6),
		MPE:           f,
	}
	r.Note = fmt.Sprintf("%d rules, %d corpus lines of %d log source types; events/s is the engine's per core (per CPU-second); naive sequential evaluation %.0f lines/s per core (%d lines), engine/naive %.1f×",
		rs.Len(), len(entries), len(corpus.Sources()), f.NaiveLinesPerCore, f.NaiveLines, f.Ratio)
	return r
}

// perType measures the engine on each log source type's lines alone.
func perType(rs *mpe.RuleSet, entries []mpe.Entry, d time.Duration) map[string]float64 {
	byType := map[string][]mpe.Entry{}
	for _, e := range entries {
		byType[e.LogSourceType] = append(byType[e.LogSourceType], e)
	}
	out := map[string]float64{}
	var evs []*event.Event
	for typ, es := range byType {
		var m meter
		i := 0
		m.chunk(rs, es, &i, 1, 64, 3*d, &evs)
		out[typ] = m.perCore()
	}
	return out
}

// asSyslog measures the engine on the corpus's text lines sent as plain
// syslog: the cost of identifying the device.
func asSyslog(rs *mpe.RuleSet, entries []mpe.Entry, d time.Duration) float64 {
	var es []mpe.Entry
	for _, e := range entries {
		if len(e.Raw) > 0 && e.Raw[0] != '{' {
			e.LogSourceType = "syslog"
			es = append(es, e)
		}
	}
	if len(es) == 0 {
		return 0
	}
	var evs []*event.Event
	var m meter
	i := 0
	for range 5 {
		m.chunk(rs, es, &i, spreadStride(len(es)), 64, d, &evs)
	}
	return m.perCore()
}

// spreadStride is a step through n entries that visits every one (it is
// prime to n) and jumps far between neighbours.
func spreadStride(n int) int {
	s := 7919 // a prime
	for n > 1 && gcd(s%n, n) != 1 {
		s += 2
	}
	return s % max(n, 1)
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// printMPETable prints the MPE stages' engine and naive figures.
func printMPETable(results []Result) {
	var rows []Result
	for _, r := range results {
		if r.MPE != nil && r.Skipped == "" {
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 {
		return
	}
	fmt.Println("\nMPE, lines/s per core: the engine against naive sequential evaluation")
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "stage\trules\tengine\tnaive\tengine/naive\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.0f\t%.1f×\t\n", r.Stage, r.MPE.Rules, r.MPE.EngineLinesPerCore, r.MPE.NaiveLinesPerCore, r.MPE.Ratio)
	}
	_ = tw.Flush()
	for _, r := range rows {
		if len(r.MPE.PerType) == 0 {
			continue
		}
		fmt.Printf("\n%s: engine lines/s per core by log source type (every text line as plain syslog: %.0f)\n", r.Stage, r.MPE.AsSyslog)
		tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
		for _, typ := range slices.Sorted(maps.Keys(r.MPE.PerType)) {
			fmt.Fprintf(tw, "%s\t%.0f\t\n", typ, r.MPE.PerType[typ])
		}
		_ = tw.Flush()
	}
}
