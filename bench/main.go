// Command bench is Sluice's benchmark suite (`make bench`) and its
// comparison with rsyslog (`make bench-peers`). Each stage runs in its own
// process, so its CPU time and peak RSS are its own; results go to
// bench/results/latest.json and a table on stdout.
//
//	go run -tags sqlite_fts5 ./bench                  # the suite
//	go run -tags sqlite_fts5 ./bench -quick           # a smoke run (CI)
//	go run -tags sqlite_fts5 ./bench -peers -rounds 3 # Sluice and rsyslog, A/B/A/B
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/sluicehq/sluice/pkg/profiling"
)

// Result is one stage's figures.
type Result struct {
	Stage        string  `json:"stage"`
	Description  string  `json:"description"`
	Events       int64   `json:"events"`
	Seconds      float64 `json:"seconds"`
	EventsPerSec float64 `json:"events_per_s"`
	MBPerSec     float64 `json:"mb_per_s"`
	// CPUPerMillion is CPU seconds (user + system) per million events.
	CPUPerMillion float64 `json:"cpu_s_per_million"`
	PeakRSSMiB    float64 `json:"peak_rss_mib"`
	LatencyP50ms  float64 `json:"latency_p50_ms,omitempty"`
	LatencyP99ms  float64 `json:"latency_p99_ms,omitempty"`
	LatencyWhat   string  `json:"latency_what,omitempty"`
	Note          string  `json:"note,omitempty"`
	Skipped       string  `json:"skipped,omitempty"`
	// MPE is set by the MPE stages: the engine against naive evaluation.
	MPE *MPEFigures `json:"mpe,omitempty"`
	// Fleet is set by the fleet stage: one entry per number of agents.
	Fleet []FleetFigures `json:"fleet,omitempty"`
	// Archive is set by the archive stage.
	Archive *ArchiveFigures `json:"archive,omitempty"`
	// Wire is set by the wire-compression stage.
	Wire []WireFigures `json:"wire,omitempty"`
	// Fairness is set by the fairness stage.
	Fairness *FairnessFigures `json:"fairness,omitempty"`
	// Search is set by the search stage: its index, then the scaling
	// curve's (-search-scale).
	Search []SearchFigures `json:"search,omitempty"`
}

// Report is what latest.json holds.
type Report struct {
	Time    time.Time `json:"time"`
	Host    string    `json:"host"`
	CPUs    int       `json:"cpus"`
	GoVer   string    `json:"go"`
	Quick   bool      `json:"quick"`
	Results []Result  `json:"results"`
}

var (
	flagQuick   = flag.Bool("quick", false, "small sizes: a smoke run that keeps the suite working")
	flagStage   = flag.String("run-stage", "", "run one stage in this process and print its result (internal)")
	flagStages  = flag.String("stages", "", "comma-separated stages to run (default: all)")
	flagOut     = flag.String("out", "bench/results/latest.json", "where to write the results")
	flagPeers   = flag.Bool("peers", false, "compare with rsyslog instead of running the suite")
	flagRounds  = flag.Int("rounds", 3, "A/B rounds for -peers")
	flagLines   = flag.Int("lines", 0, "lines per run (default: 1,000,000; -quick: 20,000)")
	flagProfile = flag.String("profile", "", "directory for CPU profiles of the sluice processes (SLUICE_CPUPROFILE)")
	flagSystems = flag.String("systems", "", "comma-separated systems for -peers: rsyslog, sluice, rsyslog-da-queue, rsyslog-disk-queue, index (default: all)")
	flagBin     = flag.String("bin", "bin/sluice", "the sluice binary (stages that run real processes)")
	flagRules   = flag.String("rules", "configs/rules", "rule set for the MPE stages")
	flagCorpus  = flag.String("corpus", "../shared/corpus", "the shared corpus (MPE input)")
)

// stage is one benchmark.
type stage struct {
	name, desc string
	run        func(s *stageEnv) Result
}

var stages = []stage{
	{"agent-spool", "agent: file → spool (durable)", stageAgentSpool},
	{"agent-to-mediator", "agent → mediator: spool → gRPC → mediator state (durable), acknowledged", stageAgentToMediator},
	{"mpe-starter", "MPE: lines per core, starter rule set", stageMPEStarter},
	{"mpe-500", "MPE: lines per core, starter set + 500 generated rules", stageMPE500},
	{"index-embedded", "indexer: embedded SQLite with full text", stageIndexEmbedded},
	{"index-elastic", "indexer: Elasticsearch API (ZincSearch test server), bulk create", stageIndexElastic},
	{"end-to-end", "end to end: file → searchable in the embedded index", stageEndToEnd},
	{"archive", "raw archive: end to end with and without it (A/B), compression, replay into an empty index", stageArchive},
	{"wire-compression", "agent → mediator: bytes on the wire per line and CPU per million for none/gzip/zstd/S2 on the corpus", stageWireCompression},
	{"agent-footprint", "agent process at 10,000 lines/s: CPU and RSS (default compression)", stageAgentFootprint},
	{"agent-footprint-none", "agent process at 10,000 lines/s: CPU and RSS, compression = \"none\"", stageAgentFootprintNone},
	{"agent-footprint-zstd", "agent process at 10,000 lines/s: CPU and RSS, compression = \"zstd\"", stageAgentFootprintZstd},
	{"mediator-overload", "mediator process under sustained overload: memory", stageMediatorOverload},
	{"fleet", "fleet: thousands of simulated agents at 1 line/s each against one mediator process", stageFleet},
	{"search", "search: p50/p99 latency of six query kinds, warm and cold, on an embedded index of corpus events over 7 days; its ingest rate and disk per event", stageSearch},
	{"fairness", "fairness: one organization's append → searchable latency alone and beside another's flood, agent and mediator processes; every line once", stageFairness},
}

func main() {
	flag.Parse()
	if *flagLines == 0 {
		*flagLines = 1000000
		if *flagQuick {
			*flagLines = 20000
		}
	}
	if *flagStage != "" {
		for _, st := range stages {
			if st.name == *flagStage {
				env := newStageEnv()
				stop := profiling.Start(st.name, os.Stderr)
				res := st.run(env)
				stop()
				env.cleanup()
				res.Stage, res.Description = st.name, st.desc
				if res.PeakRSSMiB == 0 {
					res.PeakRSSMiB = peakRSS()
				}
				_ = json.NewEncoder(os.Stdout).Encode(res)
				return
			}
		}
		fatalf("unknown stage %q", *flagStage)
	}
	if *flagPeers {
		os.Exit(runPeers())
	}
	os.Exit(runSuite())
}

func runSuite() int {
	want := map[string]bool{}
	for _, s := range strings.Split(*flagStages, ",") {
		if s != "" {
			want[s] = true
		}
	}
	host, _ := os.Hostname()
	rep := Report{Time: time.Now().UTC(), Host: host, CPUs: runtime.NumCPU(), GoVer: runtime.Version(), Quick: *flagQuick}
	failed := 0
	for _, st := range stages {
		if len(want) > 0 && !want[st.name] {
			continue
		}
		fmt.Fprintf(os.Stderr, "bench: %s …\n", st.name)
		res, err := runStage(st.name)
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench: %s failed: %v\n", st.name, err)
			res = Result{Stage: st.name, Description: st.desc, Skipped: "failed: " + err.Error()}
			failed++
		}
		rep.Results = append(rep.Results, res)
	}
	printTable(rep.Results)
	if err := writeJSON(*flagOut, rep); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	fmt.Printf("\nresults written to %s\n", *flagOut)
	if failed > 0 {
		return 1
	}
	return 0
}

// runStage runs one stage in a child process of this binary.
func runStage(name string) (Result, error) {
	args := []string{"-run-stage", name, "-lines", fmt.Sprint(*flagLines), "-bin", *flagBin, "-rules", *flagRules, "-corpus", *flagCorpus,
		"-fleet-agents", *flagFleetAgents, "-fleet-seconds", fmt.Sprint(*flagFleetSeconds), "-profile", *flagProfile,
		"-fairness-seconds", fmt.Sprint(*flagFairSeconds), "-fairness-flood-agents", fmt.Sprint(*flagFairFloodAgents),
		"-search-events", fmt.Sprint(*flagSearchEvents), "-search-orgs", fmt.Sprint(*flagSearchOrgs), "-search-queries", fmt.Sprint(*flagSearchQueries),
		"-search-cold", fmt.Sprint(*flagSearchCold), "-search-scale", *flagSearchScale, "-search-dir", *flagSearchDir}
	if *flagQuick {
		args = append(args, "-quick")
	}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return Result{}, err
	}
	var res Result
	if err := json.Unmarshal(out, &res); err != nil {
		return Result{}, fmt.Errorf("stage output: %w: %s", err, out)
	}
	return res, nil
}

func printTable(results []Result) {
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "stage\tevents/s\tMB/s\tCPU-s/M\tpeak RSS MiB\tp50 ms\tp99 ms\t")
	for _, r := range results {
		if r.Skipped != "" {
			fmt.Fprintf(tw, "%s\t-\t-\t-\t-\t-\t-\t\n", r.Stage)
			continue
		}
		lat50, lat99 := "-", "-"
		if r.LatencyWhat != "" {
			lat50, lat99 = fmt.Sprintf("%.1f", r.LatencyP50ms), fmt.Sprintf("%.1f", r.LatencyP99ms)
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%.1f\t%.2f\t%.0f\t%s\t%s\t\n", r.Stage, r.EventsPerSec, r.MBPerSec, r.CPUPerMillion, r.PeakRSSMiB, lat50, lat99)
	}
	_ = tw.Flush()
	var notes []string
	for _, r := range results {
		switch {
		case r.Skipped != "":
			notes = append(notes, fmt.Sprintf("%s: %s", r.Stage, r.Skipped))
		case r.Note != "" || r.LatencyWhat != "":
			n := r.Note
			if r.LatencyWhat != "" {
				n = strings.TrimPrefix(n+"; latency: "+r.LatencyWhat, "; ")
			}
			notes = append(notes, fmt.Sprintf("%s: %s", r.Stage, n))
		}
	}
	sort.Strings(notes)
	for _, n := range notes {
		fmt.Println("  " + n)
	}
	printMPETable(results)
	printFleet(results)
	printFairness(results)
	printSearch(results)
}

func writeJSON(path string, v any) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// cpuSeconds is this process's user + system CPU time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return tv(ru.Utime) + tv(ru.Stime)
}

func tv(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }

// peakRSS is this process's peak resident set, in MiB.
func peakRSS() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Maxrss) / 1024
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
	os.Exit(2)
}
