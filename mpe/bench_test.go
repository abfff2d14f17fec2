package mpe

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/internal/corpus"
	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/event"
)

// The benchmarks run the corpus (Elastic's and Loghub's text logs, each
// under its log source type) through the starter rule set, alone and with
// 500 generated rules that never match, both with the engine (candidate
// selection) and naively (every rule's regular expression in sort order).
// They report lines/s of one goroutine; compare the figures of one run,
// the machine is shared.
//
//	go test -run XXX -bench 'Engine|Naive' -benchmem ./mpe

// benchEntries reads the corpus into entries, file after file, as log
// sources deliver them.
func benchEntries(b *testing.B) []Entry {
	b.Helper()
	var perSource [][]Entry
	collected := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, s := range corpus.Sources() {
		files, _ := filepath.Glob(filepath.Join(corpusDir, s.Glob))
		var es []Entry
		for _, f := range files {
			for _, l := range corpusLines(b, f) {
				es = append(es, Entry{Raw: l, LogSourceType: s.Type, LogSource: "bench", Agent: "bench", Mediator: "m1", Collected: collected})
			}
		}
		if len(es) > 0 {
			perSource = append(perSource, es)
		}
	}
	if len(perSource) == 0 {
		b.Skip("corpus not available")
	}
	var out []Entry
	for _, es := range perSource {
		out = append(out, es...)
	}
	for i := range out {
		out[i].Seq = uint64(i)
	}
	return out
}

// generatedRules writes n rules that never match the corpus, in the shapes
// real rule sets have: some begin with literal text, some with a tag,
// some with alternatives. Each has its own required literal (genNNN), so
// the engine never tries them, while naive evaluation runs every one.
func generatedRules(n int, types []string) string {
	var b strings.Builder
	quoted := make([]string, len(types))
	for i, t := range types {
		quoted[i] = fmt.Sprintf("%q", t)
	}
	words := []string{"daemon", "session", "failure", "request", "access", "policy", "backup", "tunnel"}
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
		fmt.Fprintf(&b, "rule \"generated-%03d\" {\n", i)
		fmt.Fprintf(&b, "  log_source_types = [%s]\n", strings.Join(quoted, ", "))
		fmt.Fprintf(&b, "  sort_order       = %d\n", 50+i%200)
		fmt.Fprintf(&b, "  pattern          = <<-RE\n    %s\n  RE\n", pattern)
		fmt.Fprintf(&b, "  classification   = \"Information\"\n}\n")
	}
	return b.String()
}

// loadBenchRules loads the starter set, plus n generated rules.
func loadBenchRules(b *testing.B, n int) *RuleSet {
	b.Helper()
	paths := []string{"../configs/rules"}
	if n > 0 {
		var types []string
		seen := map[string]bool{}
		for _, s := range corpus.Sources() {
			if !seen[s.Type] {
				seen[s.Type] = true
				types = append(types, s.Type)
			}
		}
		f := filepath.Join(b.TempDir(), "generated.hcl")
		if err := os.WriteFile(f, []byte(generatedRules(n, types)), 0o600); err != nil {
			b.Fatal(err)
		}
		paths = append(paths, f)
	}
	rs, err := Load(paths)
	if err != nil {
		b.Fatalf("load rules: %v", err)
	}
	return rs
}

// naive returns a copy of rs that tries every rule of a policy, in order:
// no candidate selection.
func naive(rs *RuleSet) *RuleSet { return rs.Sequential() }

func runBench(b *testing.B, rs *RuleSet) {
	entries := benchEntries(b)
	out := make([]*event.Event, 0, 4)
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu := time.Now(), testkit.CPUTime()
	n := 0
	for b.Loop() {
		out = rs.Process(&entries[n%len(entries)], out[:0])
		n++
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "lines/s")
	if used := testkit.CPUTime() - cpu; used > 0 {
		b.ReportMetric(float64(n)/used.Seconds(), "lines/cpu-s")
	}
}

func BenchmarkEngineStarter(b *testing.B)        { runBench(b, loadBenchRules(b, 0)) }
func BenchmarkNaiveStarter(b *testing.B)         { runBench(b, naive(loadBenchRules(b, 0))) }
func BenchmarkEngineStarterPlus500(b *testing.B) { runBench(b, loadBenchRules(b, 500)) }
func BenchmarkNaiveStarterPlus500(b *testing.B)  { runBench(b, naive(loadBenchRules(b, 500))) }

// BenchmarkEngineParallel runs the engine from every CPU at once, as the
// mediator's workers do.
func BenchmarkEngineParallel(b *testing.B) {
	rs := loadBenchRules(b, 500)
	entries := benchEntries(b)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		out := make([]*event.Event, 0, 4)
		i := 0
		for pb.Next() {
			out = rs.Process(&entries[i%len(entries)], out[:0])
			i++
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "lines/s")
}

// TestEngineMatchesNaive checks that candidate selection changes nothing:
// every corpus line gets the same rule and fields with and without it.
func TestEngineMatchesNaive(t *testing.T) {
	rs, err := Load([]string{"../configs/rules"})
	if err != nil {
		t.Fatal(err)
	}
	nv := naive(rs)
	collected := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	total := 0
	for _, s := range corpus.Sources() {
		files, _ := filepath.Glob(filepath.Join(corpusDir, s.Glob))
		for _, f := range files {
			for i, l := range corpusLines(t, f) {
				e := Entry{Raw: l, LogSourceType: s.Type, Agent: "a", Seq: uint64(i), Collected: collected}
				got, want := rs.Parse(&e), nv.Parse(&e)
				if g, w := string(got.AppendJSON(nil)), string(want.AppendJSON(nil)); g != w {
					t.Fatalf("%s line %d: engine and naive differ:\n engine %s\n naive  %s", f, i+1, g, w)
				}
				total++
			}
		}
	}
	if total == 0 {
		t.Skip("corpus not available")
	}
	t.Logf("%d corpus lines: the engine and naive evaluation agree on every one", total)
}

// BenchmarkEngineVsNaive runs the engine and naive evaluation in the same
// benchmark, on the starter set plus 500 generated rules, and reports
// both rates per CPU second and their ratio: on a shared machine, figures
// of one run are the ones to compare.
func BenchmarkEngineVsNaive(b *testing.B) {
	rs := loadBenchRules(b, 500)
	nv := naive(rs)
	entries := benchEntries(b)
	out := make([]*event.Event, 0, 4)
	var engineCPU, naiveCPU time.Duration
	engineLines, naiveLines := 0, 0
	i, j := 0, 0
	b.ReportAllocs()
	for b.Loop() {
		c := testkit.CPUTime()
		for range 64 {
			out = rs.Process(&entries[i%len(entries)], out[:0])
			i++
		}
		engineCPU += testkit.CPUTime() - c
		engineLines += 64
		c = testkit.CPUTime()
		out = nv.Process(&entries[j%len(entries)], out[:0])
		j += 97 // a spread of the corpus, not its first lines
		naiveCPU += testkit.CPUTime() - c
		naiveLines++
	}
	e := float64(engineLines) / engineCPU.Seconds()
	n := float64(naiveLines) / naiveCPU.Seconds()
	b.ReportMetric(e, "engine-lines/cpu-s")
	b.ReportMetric(n, "naive-lines/cpu-s")
	b.ReportMetric(e/n, "ratio")
}

// BenchmarkLoad measures loading the starter set: the mediator does it on
// every reload, beside the set in force.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load([]string{"../configs/rules"}); err != nil {
			b.Fatal(err)
		}
	}
}

// benchOrgRules is an organization's own set for BenchmarkFallback: three
// rules of linux-auth, none of which matches the benchmark's line.
const benchOrgRules = `
log_source_type "linux-auth" {
  header   = "syslog"
  timezone = "UTC"
}

rule "acme-vpn" {
  log_source_types = ["linux-auth"]
  pattern          = "acme-vpn: session <action> for <login> from <sip>"
  classification   = "Authentication Success"
}

rule "acme-badge" {
  log_source_types = ["linux-auth"]
  pattern          = "badge reader <hostname>: <login> (granted|denied)"
  classification   = "Information"
}

rule "acme-console" {
  log_source_types = ["linux-auth"]
  pattern          = "acme-console\\[\\d+\\]: login of <login> on <tty>"
  classification   = "Authentication Success"
}

rule "acme-sudo" {
  log_source_types = ["linux-auth"]
  pattern          = "acme-sudo: <login> ran <command>"
  classification   = "Information"
}
`

// BenchmarkFallback measures what an organization's own rules cost a line
// they do not classify: plain is the global starter set's Process,
// unmatched the same line through ProcessWithFallback with an org set
// whose linux-auth policy misses it (header read, literal scan, then the
// global set), other-type a line of a type the org set has no policy for;
// org-matched a line the org set classifies, against its plain Process.
//
//	go test -run XXX -bench Fallback -benchmem ./mpe
func BenchmarkFallback(b *testing.B) {
	global := loadBenchRules(b, 0)
	org, err := LoadBytes("acme.hcl", []byte(benchOrgRules))
	if err != nil {
		b.Fatal(err)
	}
	collected := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	auth := &Entry{Raw: []byte("Mar  3 08:20:41 bastion1 sshd[4188]: Accepted password for alice from 198.51.100.7 port 40022 ssh2"), LogSourceType: "linux-auth", Organization: "acme", Agent: "a", Collected: collected}
	own := &Entry{Raw: []byte("Mar  3 08:20:41 bastion1 acme-console[77]: login of alice on tty1"), LogSourceType: "linux-auth", Organization: "acme", Agent: "a", Collected: collected}
	other := &Entry{Raw: []byte("Mar  3 08:20:41 web1 kernel: [ 12.345] eth0: link up"), LogSourceType: "syslog", Organization: "acme", Agent: "a", Collected: collected}
	if out := org.ProcessWithFallback(global, auth, nil); out[0].GetString(event.FieldRule) == "" {
		b.Fatal("the global set does not classify the benchmark's line")
	}
	if out := org.ProcessWithFallback(global, own, nil); out[0].GetString(event.FieldRule) != "acme-console" {
		b.Fatalf("the org set does not classify its line: %v", out[0].GetString(event.FieldRule))
	}
	out := make([]*event.Event, 0, 4)
	for _, c := range []struct {
		name string
		run  func() []*event.Event
	}{
		{"plain", func() []*event.Event { return global.Process(auth, out[:0]) }},
		{"unmatched", func() []*event.Event { return org.ProcessWithFallback(global, auth, out[:0]) }},
		{"org-plain", func() []*event.Event { return org.Process(own, out[:0]) }},
		{"org-matched", func() []*event.Event { return org.ProcessWithFallback(global, own, out[:0]) }},
		{"plain-other-type", func() []*event.Event { return global.Process(other, out[:0]) }},
		{"other-type", func() []*event.Event { return org.ProcessWithFallback(global, other, out[:0]) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu := testkit.CPUTime()
			for b.Loop() {
				out = c.run()
			}
			// The machine is shared: the process's CPU time per line is
			// steadier than the wall clock's.
			if used := testkit.CPUTime() - cpu; used > 0 {
				b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
			}
		})
	}
}
