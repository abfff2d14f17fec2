package acscan_test

// acscan against the Go Aho–Corasick packages it was written instead of,
// on what the MPE hands it: the literal sets candidate selection builds
// from the starter rules (configs/rules), and lines of the shared corpus,
// read where it is (never copied into the repository). Each line is
// scanned for the literals of its own log source type's policy, as the
// engine does ("per-type"), and for every literal of every policy in one
// automaton ("all-types", a set of several hundred). Compare the figures
// of one run (the machine is shared); docs/performance.md has them.
//
//	go test -run '^$' -bench . ./mpe/acscan
//
// BenchmarkBuild measures building each automaton.
// TestSameMatchesAsOtherPackages checks, on the same inputs, that every
// package finds the same literals in a line.

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	bob "github.com/BobuSumisu/aho-corasick"
	cloudflare "github.com/cloudflare/ahocorasick"
	petar "github.com/petar-dambovaliev/aho-corasick"

	"github.com/sluicehq/sluice/internal/corpus"
	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/mpe"
	"github.com/sluicehq/sluice/mpe/acscan"
)

const (
	corpusDir = "../../../shared/corpus"
	rulesDir  = "../../configs/rules"
)

// line is a corpus line as a string (acscan's input) and as bytes (the
// others'), both made before any timing.
type line struct {
	s string
	b []byte
}

// group is lines scanned for one literal set.
type group struct {
	name     string
	literals []string
	lines    []line
}

// workload is a scan of every corpus line, each for its group's literals.
type workload struct {
	name   string
	groups []group
	bytes  int64
}

var (
	loadOnce  sync.Once
	workloads []workload
	loadErr   error
)

// loadWorkloads reads the rules and the corpus once per test binary; it
// skips when the corpus is not there.
func loadWorkloads(tb testing.TB) []workload {
	tb.Helper()
	loadOnce.Do(func() {
		var rs *mpe.RuleSet
		if rs, loadErr = mpe.Load([]string{rulesDir}); loadErr != nil {
			return
		}
		var perType []group
		all := group{name: "all-types"}
		read := 0 // corpus lines read
		seen := map[string]bool{}
		for _, t := range rs.Types() {
			for _, l := range rs.SelectionLiterals(t) {
				if !seen[l] {
					seen[l] = true
					all.literals = append(all.literals, l)
				}
			}
		}
		// The corpus files under their types; those whose type has no
		// literals in the starter set are left out.
		for _, src := range corpus.Sources() {
			files, _ := filepath.Glob(filepath.Join(corpusDir, src.Glob))
			g := group{name: src.Type, literals: rs.SelectionLiterals(src.Type)}
			for _, f := range files {
				data, err := os.ReadFile(f)
				if err != nil {
					loadErr = err
					return
				}
				for l := range bytes.Lines(data) {
					l = bytes.TrimSuffix(l, []byte("\n"))
					if len(bytes.TrimSpace(l)) > 0 {
						g.lines = append(g.lines, line{s: string(l), b: bytes.Clone(l)})
					}
				}
			}
			read += len(g.lines)
			if len(g.lines) > 0 && len(g.literals) > 0 {
				perType = append(perType, g)
				all.lines = append(all.lines, g.lines...)
			}
		}
		if read == 0 {
			return // no corpus: skip
		}
		if len(perType) == 0 {
			loadErr = errors.New("the starter rules gave no literal set for the corpus's types")
			return
		}
		workloads = []workload{{name: "per-type", groups: perType}, {name: "all-types", groups: []group{all}}}
		for i := range workloads {
			for _, g := range workloads[i].groups {
				for _, l := range g.lines {
					workloads[i].bytes += int64(len(l.s))
				}
			}
		}
	})
	if loadErr != nil {
		tb.Fatal(loadErr)
	}
	if workloads == nil {
		tb.Skip("corpus not available")
	}
	return workloads
}

// scanner calls found for the literals it finds in a line (every
// occurrence, or each literal once: the selector needs only which).
type scanner func(l *line, found func(int))

// implementations builds each package's automaton the way candidate
// selection would use it: every literal occurring in the line (standard,
// overlapping semantics), from a matcher shared by concurrent workers.
var implementations = []struct {
	name  string
	build func(literals []string) scanner
}{
	{"acscan", func(p []string) scanner {
		m := acscan.New(p)
		return func(l *line, found func(int)) { m.Scan(l.s, found) }
	}},
	{"bobusumisu", func(p []string) scanner {
		tr := bob.NewTrieBuilder().AddStrings(p).Build()
		return func(l *line, found func(int)) {
			tr.Walk(l.b, func(_, _, p int64) bool { found(int(p)); return true })
		}
	}},
	{"cloudflare", func(p []string) scanner {
		// MatchThreadSafe: Match keeps per-call state in the trie and
		// may not be shared by the mediator's workers.
		m := cloudflare.NewStringMatcher(p)
		return func(l *line, found func(int)) {
			for _, i := range m.MatchThreadSafe(l.b) {
				found(i)
			}
		}
	}},
	{"petar-nfa", petarScanner(false)},
	{"petar-dfa", petarScanner(true)},
}

func petarScanner(dfa bool) func([]string) scanner {
	return func(p []string) scanner {
		b := petar.NewAhoCorasickBuilder(petar.Opts{MatchKind: petar.StandardMatch, DFA: dfa})
		ac := b.Build(p)
		return func(l *line, found func(int)) {
			it := ac.IterOverlappingByte(l.b)
			for m := it.Next(); m != nil; m = it.Next() {
				found(m.Pattern())
			}
		}
	}
}

// BenchmarkScanCorpus reports, per workload and package, the time to scan
// the whole workload once (ns/op), its throughput (MB/s), and the wall
// clock and CPU time per byte scanned (CPU time counts the garbage
// collector's work too, and is the steadier figure on a busy machine).
func BenchmarkScanCorpus(b *testing.B) {
	for _, w := range loadWorkloads(b) {
		for _, impl := range implementations {
			b.Run(w.name+"/"+impl.name, func(b *testing.B) {
				scans := make([]scanner, len(w.groups))
				for i, g := range w.groups {
					scans[i] = impl.build(g.literals)
				}
				hits := 0
				found := func(int) { hits++ }
				b.SetBytes(w.bytes)
				b.ReportAllocs()
				cpu := testkit.CPUTime()
				for b.Loop() {
					for i, g := range w.groups {
						for j := range g.lines {
							scans[i](&g.lines[j], found)
						}
					}
				}
				scanned := float64(int64(b.N) * w.bytes)
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/scanned, "ns/byte")
				b.ReportMetric(float64(testkit.CPUTime()-cpu)/scanned, "cpu-ns/byte")
				if hits == 0 {
					b.Fatal("no literal found in the whole corpus")
				}
			})
		}
	}
}

// BenchmarkBuild reports the time and memory each package takes to
// build the automaton of the largest literal set (all types): what a rule
// reload costs.
func BenchmarkBuild(b *testing.B) {
	ws := loadWorkloads(b)
	all := ws[len(ws)-1].groups[0].literals
	for _, impl := range implementations {
		b.Run(impl.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				impl.build(all)
			}
		})
	}
}

// TestSameMatchesAsOtherPackages checks that every package finds the same
// literals as acscan in the corpus lines, for every literal set of the
// benchmark: acscan is held to what the packages it replaces would do.
func TestSameMatchesAsOtherPackages(t *testing.T) {
	// Every third line, a spread of each file, keeps the test to seconds
	// under the race detector (the other packages' automata take long to
	// build there); -short checks fewer.
	step := 3
	if testing.Short() {
		step = 17
	}
	lines := 0
	for _, w := range loadWorkloads(t) {
		for _, g := range w.groups {
			scans := make([]scanner, len(implementations))
			for i, impl := range implementations {
				scans[i] = impl.build(g.literals)
			}
			for j := 0; j < len(g.lines); j += step {
				l := &g.lines[j]
				want := distinct(scans[0], l)
				for i, scan := range scans[1:] {
					if got := distinct(scan, l); !slices.Equal(got, want) {
						t.Fatalf("%s, literals of %s, line %q:\n%s found %q\nacscan found %q",
							w.name, g.name, l.s, implementations[i+1].name, names(g.literals, got), names(g.literals, want))
					}
				}
				lines++
			}
		}
	}
	t.Logf("%d lines: the %d packages find the same literals in each", lines, len(implementations))
}

// distinct returns the literals scan finds in l, each once, sorted.
func distinct(scan scanner, l *line) []int {
	var out []int
	scan(l, func(p int) { out = append(out, p) })
	slices.Sort(out)
	return slices.Compact(out)
}

func names(literals []string, ids []int) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = literals[id]
	}
	return out
}
