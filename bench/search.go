package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/indexer/embedded"
	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/gctune"
)

var (
	flagSearchEvents  = flag.Int("search-events", 0, "search stage: events in the index (default 10,000,000; -quick: 30,000)")
	flagSearchOrgs    = flag.Int("search-orgs", 4, "search stage: organizations the events are spread over")
	flagSearchQueries = flag.Int("search-queries", 0, "search stage: warm queries timed per kind (default 200; -quick: 20)")
	flagSearchCold    = flag.Int("search-cold", 0, "search stage: cold queries timed per kind (default 20; -quick: 3)")
	flagSearchDir     = flag.String("search-dir", "", "search stage: build the index in this directory and keep it, for inspection (default: a temporary one, removed)")
	flagSearchScale   = flag.String("search-scale", "", "search stage: comma-separated event counts of a scaling curve in one organization (e.g. 1000000,10000000,50000000); none by default")
)

// searchDays is how many days of @timestamp the search stage's events
// span, ending at the start of today (UTC): whole day files, none in the
// future.
const searchDays = 7

// queryKind is one kind of search the search stage times. make returns a
// request with values drawn from the corpus (a word of a random line, a
// user name of a random authentication line), so that repeated queries
// do not repeat one lookup; count selects Count instead of Search.
type queryKind struct {
	name     string
	count    bool
	targetMS float64 // the target for the warm p99; 0: none
	make     func(g *corpusGen, rng *rand.Rand) indexer.SearchRequest
}

// queryKinds are the searches of issue 22, in the order printed.
func queryKinds() []queryKind {
	org := func(g *corpusGen, rng *rand.Rand) string { return g.orgs[rng.IntN(len(g.orgs))] }
	hasUser := func(ev *event.Event) bool { return ev.GetString("user.name") != "" }
	hasWord := func(ev *event.Event) bool { ws, _ := words(ev.Message); return len(ws) > 0 }
	hasPhrase := func(ev *event.Event) bool {
		_, next := words(ev.Message)
		for _, ok := range next {
			if ok {
				return true
			}
		}
		return false
	}
	hasTwo := func(ev *event.Event) bool { ws, _ := words(ev.Message); return len(ws) > 1 }
	return []queryKind{
		{name: "field-term", targetMS: 50, make: func(g *corpusGen, rng *rand.Rand) indexer.SearchRequest {
			ev := g.pick(rng, hasUser)
			return indexer.SearchRequest{Query: "user.name:" + strconv.Quote(ev.GetString("user.name")), Organization: org(g, rng), Limit: 100}
		}},
		{name: "word", targetMS: 200, make: func(g *corpusGen, rng *rand.Rand) indexer.SearchRequest {
			ws, _ := words(g.pick(rng, hasWord).Message)
			return indexer.SearchRequest{Query: ws[rng.IntN(len(ws))], Organization: org(g, rng), Limit: 100}
		}},
		{name: "phrase", targetMS: 200, make: func(g *corpusGen, rng *rand.Rand) indexer.SearchRequest {
			ws, next := words(g.pick(rng, hasPhrase).Message)
			var starts []int
			for i, ok := range next {
				if ok {
					starts = append(starts, i)
				}
			}
			i := starts[rng.IntN(len(starts))]
			return indexer.SearchRequest{Query: strconv.Quote(ws[i] + " " + ws[i+1]), Organization: org(g, rng), Limit: 100}
		}},
		{name: "bool-6h", make: func(g *corpusGen, rng *rand.Rand) indexer.SearchRequest {
			// A field, two words and a negation over six hours.
			ev := g.pick(rng, hasTwo)
			ws, _ := words(ev.Message)
			a, b := ws[rng.IntN(len(ws))], ws[rng.IntN(len(ws))]
			since := g.start.Add(time.Duration(rng.Int64N(int64(g.span - 6*time.Hour))))
			q := fmt.Sprintf("%s:%q AND (%s OR %s) AND NOT %s:error", event.FieldLogSourceType, ev.GetString(event.FieldLogSourceType), a, b, event.FieldOutcome)
			return indexer.SearchRequest{Query: q, Organization: org(g, rng), Since: since, Until: since.Add(6 * time.Hour), Limit: 100}
		}},
		{name: "count-24h", count: true, targetMS: 10, make: func(g *corpusGen, rng *rand.Rand) indexer.SearchRequest {
			since := g.start.Add(time.Duration(rng.Int64N(int64(g.span - 24*time.Hour))))
			return indexer.SearchRequest{Query: "*", Organization: org(g, rng), Since: since, Until: since.Add(24 * time.Hour)}
		}},
		{name: "newest-100", targetMS: 50, make: func(g *corpusGen, rng *rand.Rand) indexer.SearchRequest {
			return indexer.SearchRequest{Query: "*", Organization: org(g, rng), Limit: 100}
		}},
	}
}

// QueryFigures are one query kind's latencies, in milliseconds.
type QueryFigures struct {
	Kind    string  `json:"kind"`
	Example string  `json:"example"`
	WarmP50 float64 `json:"warm_p50_ms"`
	WarmP99 float64 `json:"warm_p99_ms"`
	WarmN   int     `json:"warm_n"`
	// CPUP50 and CPUP99 are the warm queries' CPU time (see runQuery).
	CPUP50  float64 `json:"warm_cpu_p50_ms"`
	CPUP99  float64 `json:"warm_cpu_p99_ms"`
	ColdP50 float64 `json:"cold_p50_ms,omitempty"`
	ColdP99 float64 `json:"cold_p99_ms,omitempty"`
	ColdN   int     `json:"cold_n,omitempty"`
	// MeanHits is the mean number of events returned (Search) or
	// counted (Count): that the queries find something.
	MeanHits float64 `json:"mean_hits"`
	TargetMS float64 `json:"target_p99_ms,omitempty"`
}

// SearchFigures are what one index of the search stage measured.
type SearchFigures struct {
	Events int `json:"events"`
	Orgs   int `json:"orgs"`
	Days   int `json:"days"`
	// IngestPerSec and IngestCPUPerMillion time the Write calls only
	// (not making the events); the process's CPU, the index's background
	// work included.
	IngestPerSec        float64 `json:"ingest_events_per_s"`
	IngestCPUPerMillion float64 `json:"ingest_cpu_s_per_million"`
	// IngestTenths is the rate of each tenth of the events, in order:
	// whether ingest slows as the index grows.
	IngestTenths    []float64      `json:"ingest_events_per_s_by_tenth"`
	DiskBytes       int64          `json:"disk_bytes"`
	RawBytes        int64          `json:"raw_bytes"`
	BytesPerEvent   float64        `json:"disk_bytes_per_event"`
	BytesPerRawByte float64        `json:"disk_bytes_per_raw_byte"`
	Queries         []QueryFigures `json:"queries"`
}

func stageSearch(e *stageEnv) Result {
	gctune.Tune()
	n := *flagSearchEvents
	if n <= 0 {
		n = 10_000_000
		if *flagQuick {
			n = 30_000
		}
	}
	warm, cold := *flagSearchQueries, *flagSearchCold
	if warm <= 0 {
		warm = 200
		if *flagQuick {
			warm = 20
		}
	}
	if cold <= 0 {
		cold = 20
		if *flagQuick {
			cold = 3
		}
	}
	var orgs []string
	for i := range max(*flagSearchOrgs, 1) {
		orgs = append(orgs, fmt.Sprintf("org%d", i+1))
	}
	dir := e.path("index")
	if *flagSearchDir != "" {
		dir = *flagSearchDir
	}
	f := searchRun(dir, n, orgs, warm, cold)
	r := Result{Events: int64(f.Events), EventsPerSec: f.IngestPerSec, CPUPerMillion: f.IngestCPUPerMillion, Search: []SearchFigures{f}}
	r.Note = fmt.Sprintf("%d corpus events (starter rules), %d organizations, %d days; %.0f disk bytes/event, %.2f× the raw line; events/s and CPU-s/M: Write calls of batches of 10,000",
		n, len(orgs), searchDays, f.BytesPerEvent, f.BytesPerRawByte)
	if *flagSearchDir == "" {
		_ = os.RemoveAll(dir)
	}
	for _, s := range strings.Split(*flagSearchScale, ",") {
		if s == "" {
			continue
		}
		m, err := strconv.Atoi(s)
		if err != nil {
			fatalf("-search-scale: %v", err)
		}
		dir := e.path(fmt.Sprintf("scale-%d", m))
		r.Search = append(r.Search, searchRun(dir, m, []string{"org1"}, warm, 0))
		_ = os.RemoveAll(dir)
	}
	return r
}

// searchRun builds an index of n corpus events in dir and times the
// queries on it: warm queries on the index that wrote it (its readers
// open, the files in the page cache), then cold ones (see coldQuery).
func searchRun(dir string, n int, orgs []string, warm, cold int) SearchFigures {
	end := time.Now().UTC().Truncate(24 * time.Hour)
	span := searchDays * 24 * time.Hour
	g, err := newCorpusGen(n, orgs, end.Add(-span), span)
	if err != nil {
		fatalf("%v", err)
	}
	f := SearchFigures{Events: n, Orgs: len(orgs), Days: searchDays}
	fmt.Fprintf(os.Stderr, "bench: search: writing %d events (%d organizations) to %s\n", n, len(orgs), dir)
	idx, err := embedded.Open(embedded.Config{Dir: dir}, quiet())
	if err != nil {
		fatalf("%v", err)
	}
	var wall, cpu float64
	tenth := (n + 9) / 10
	var tenthWall float64
	var tenthN int
	for i := 0; i < n; i += 10000 {
		events, raw := g.batch(i, min(i+10000, n))
		f.RawBytes += raw
		t0, c0 := time.Now(), cpuSeconds()
		if err := idx.Write(context.Background(), events); err != nil {
			fatalf("%v", err)
		}
		dw := time.Since(t0).Seconds()
		wall += dw
		cpu += cpuSeconds() - c0
		tenthWall += dw
		tenthN += len(events)
		if tenthN >= tenth || i+10000 >= n {
			f.IngestTenths = append(f.IngestTenths, float64(tenthN)/tenthWall)
			fmt.Fprintf(os.Stderr, "bench: search: %d events, %.0f/s\n", i+len(events), float64(tenthN)/tenthWall)
			tenthWall, tenthN = 0, 0
		}
	}
	f.IngestPerSec = float64(n) / wall
	f.IngestCPUPerMillion = cpu / (float64(n) / 1e6)

	kinds := queryKinds()
	f.Queries = make([]QueryFigures, len(kinds))
	timeQueries(idx, g, kinds, warm, f.Queries)
	if err := idx.Close(); err != nil {
		fatalf("%v", err)
	}
	f.DiskBytes = dirSize(dir)
	f.BytesPerEvent = float64(f.DiskBytes) / float64(n)
	f.BytesPerRawByte = float64(f.DiskBytes) / float64(f.RawBytes)
	if cold > 0 {
		coldQueries(dir, g, kinds, cold, f.Queries)
	}
	return f
}

// timeQueries runs warm queries of every kind on s, interleaved (one of
// each kind in turn, so that what else the machine does falls on all
// kinds alike), after untimed rounds (a tenth as many, at least five):
// warm means the day files' read connections are open and have run
// queries (the first query on a connection parses the schema), as on a
// server that has been answering searches.
func timeQueries(s indexer.Searcher, g *corpusGen, kinds []queryKind, n int, out []QueryFigures) {
	rng := rand.New(rand.NewPCG(22, 1))
	lat := make([][]time.Duration, len(kinds))
	cpu := make([][]time.Duration, len(kinds))
	hits := make([]int64, len(kinds))
	for round := -max(5, n/10); round < n; round++ {
		for k, kind := range kinds {
			req := kind.make(g, rng)
			d, c, h := runQuery(s, kind, req)
			if round < 0 {
				out[k].Kind, out[k].Example, out[k].TargetMS = kind.name, describeRequest(req), kind.targetMS
				continue
			}
			lat[k] = append(lat[k], d)
			cpu[k] = append(cpu[k], c)
			hits[k] += h
		}
	}
	for k := range kinds {
		out[k].WarmP50, out[k].WarmP99, out[k].WarmN = percentile(lat[k], 50), percentile(lat[k], 99), n
		out[k].CPUP50, out[k].CPUP99 = percentile(cpu[k], 50), percentile(cpu[k], 99)
		out[k].MeanHits = float64(hits[k]) / float64(n)
	}
}

// coldQueries times queries on a cold index: before each query the
// index files' pages are dropped from the page cache
// (posix_fadvise(DONTNEED), which needs no root: the files were synced
// and are closed, so every page is clean) and the index is opened anew,
// so the query pays for opening the day files, SQLite's empty page
// cache and reading its pages from the disk. What the disk's own cache
// and the hypervisor keep is out of reach.
func coldQueries(dir string, g *corpusGen, kinds []queryKind, n int, out []QueryFigures) {
	rng := rand.New(rand.NewPCG(22, 2))
	lat := make([][]time.Duration, len(kinds))
	for range n {
		for k, kind := range kinds {
			req := kind.make(g, rng)
			if err := dropPageCache(dir); err != nil {
				fatalf("%v", err)
			}
			idx, err := embedded.Open(embedded.Config{Dir: dir}, quiet())
			if err != nil {
				fatalf("%v", err)
			}
			d, _, _ := runQuery(idx, kind, req)
			lat[k] = append(lat[k], d)
			if err := idx.Close(); err != nil {
				fatalf("%v", err)
			}
		}
	}
	for k := range kinds {
		out[k].ColdP50, out[k].ColdP99, out[k].ColdN = percentile(lat[k], 50), percentile(lat[k], 99), n
	}
}

// dropPageCache syncs every file under dir and asks the kernel to drop
// its cached pages.
func dropPageCache(dir string) error {
	return filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := f.Sync(); err != nil {
			return fmt.Errorf("sync %s: %w", path, err)
		}
		if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
			return fmt.Errorf("fadvise %s: %w", path, err)
		}
		return nil
	})
}

// runQuery runs req as kind says and returns how long it took, the CPU
// time of the thread that ran it, and how many events it returned or
// counted.
//
// The thread's CPU time is what the query cost, whatever else the machine
// ran meanwhile: on this shared 2-core machine a millisecond query that
// waits 30 ms for a core shows in the wall-clock p99, not in the CPU
// time. The goroutine is locked to its thread, on which the embedded
// index's SQLite calls (cgo) run; for the Elasticsearch API the thread
// only waits, so the CPU time means nothing there.
func runQuery(s indexer.Searcher, kind queryKind, req indexer.SearchRequest) (wall, cpu time.Duration, hits int64) {
	ctx := context.Background()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	t0, c0 := time.Now(), threadCPU()
	if kind.count {
		n, err := s.Count(ctx, req)
		if err != nil {
			fatalf("%s %q: %v", kind.name, req.Query, err)
		}
		return time.Since(t0), threadCPU() - c0, n
	}
	docs, err := s.Search(ctx, req)
	if err != nil {
		fatalf("%s %q: %v", kind.name, req.Query, err)
	}
	return time.Since(t0), threadCPU() - c0, int64(len(docs))
}

// threadCPU is the calling thread's CPU time, to the nanosecond
// (getrusage counts in scheduler ticks, 4 ms here).
func threadCPU() time.Duration {
	var ts unix.Timespec
	_ = unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts)
	return time.Duration(ts.Nano())
}

func describeRequest(req indexer.SearchRequest) string {
	s := req.Query
	if !req.Since.IsZero() {
		s += fmt.Sprintf(" [%s, %s)", req.Since.Format(time.RFC3339), req.Until.Format(time.RFC3339))
	}
	if req.Limit > 0 {
		s += fmt.Sprintf(" limit %d", req.Limit)
	}
	return s
}

// printSearch prints the search stage's figures, a line per query kind.
func printSearch(results []Result) {
	for _, r := range results {
		for i, f := range r.Search {
			what := "search"
			if i > 0 {
				what = "search-scale"
			}
			fmt.Printf("\n%s: %d events, %d organizations, %d days: ingest %.0f events/s, %.2f CPU-s/M (by tenth: %s); disk %.0f bytes/event, %.2f× raw (%.0f raw bytes/event)\n",
				what, f.Events, f.Orgs, f.Days, f.IngestPerSec, f.IngestCPUPerMillion, tenths(f.IngestTenths),
				f.BytesPerEvent, f.BytesPerRawByte, float64(f.RawBytes)/float64(f.Events))
			for _, q := range f.Queries {
				verdict := ""
				if q.TargetMS > 0 {
					verdict = fmt.Sprintf(" target_p99_ms=%g %s", q.TargetMS, map[bool]string{true: "met", false: "MISSED"}[q.WarmP99 <= q.TargetMS])
				}
				cold := ""
				if q.ColdN > 0 {
					cold = fmt.Sprintf(" cold_p50_ms=%.1f cold_p99_ms=%.1f", q.ColdP50, q.ColdP99)
				}
				fmt.Printf("%s events=%d kind=%s p50_ms=%.1f p99_ms=%.1f cpu_p50_ms=%.1f cpu_p99_ms=%.1f%s hits=%.0f%s  (e.g. %s)\n",
					what, f.Events, q.Kind, q.WarmP50, q.WarmP99, q.CPUP50, q.CPUP99, cold, q.MeanHits, verdict, q.Example)
			}
		}
	}
}

func tenths(v []float64) string {
	var s []string
	for _, x := range v {
		if math.IsInf(x, 0) || math.IsNaN(x) {
			x = 0
		}
		s = append(s, fmt.Sprintf("%.0fk", x/1000))
	}
	return strings.Join(s, " ")
}
