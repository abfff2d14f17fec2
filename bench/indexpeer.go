package main

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/indexer/elastic"
	"github.com/sluicehq/sluice/indexer/embedded"
	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/test/zinc"
)

var flagIndexOut = "bench/results/peers-index-latest.json"

// IndexPeerFigures are one system's figures in the index comparison.
type IndexPeerFigures struct {
	System        string  `json:"system"`
	Docs          int     `json:"docs"`
	Seconds       float64 `json:"seconds"`
	DocsPerSec    float64 `json:"docs_per_s"`
	CPUPerMillion float64 `json:"cpu_s_per_million"`
	DiskBytes     int64   `json:"disk_bytes"`
	BytesPerEvent float64 `json:"disk_bytes_per_event"`
	// Queries are warm latencies of the search stage's query kinds, the
	// same requests on both systems.
	Queries []QueryFigures `json:"queries"`
}

// IndexPeerReport is what the index comparison writes to flagIndexOut.
type IndexPeerReport struct {
	Time    time.Time          `json:"time"`
	Load    string             `json:"load_avg"`
	Systems []IndexPeerFigures `json:"systems"`
	// Ratios are sluice/zincsearch: docs/s, disk bytes per event and
	// the geometric mean of the query kinds' p99 ratios.
	DocsPerSecRatio float64 `json:"ratio_docs_per_s"`
	DiskRatio       float64 `json:"ratio_disk_bytes_per_event"`
	QueryP99Ratio   float64 `json:"ratio_query_p99"`
}

// runIndexPeers loads the same n corpus events (the search stage's
// generator: 4 organizations over 7 days) into the embedded index and
// into the Elasticsearch-API test server, times the same queries on
// both, and prints a table and the ratio line.
//
// Embedded: the Write calls, batches of 10,000, until they return (each
// is durable and searchable by then); CPU is this process's (the events
// are made before the clock starts). ZincSearch: from the first bulk
// request until a count of all documents sees them all (it accepts a
// bulk request before it indexes it); CPU is the server process's. Disk
// is the data directory once the last event is searchable, both
// closed or settled.
func runIndexPeers(n int) int {
	if _, err := os.Stat(flagZinc); err != nil {
		fmt.Fprintln(os.Stderr, "bench: "+flagZinc+" not built (make test-server)")
		return 1
	}
	e := newStageEnv()
	defer e.cleanup()
	warm := *flagSearchQueries
	if warm <= 0 {
		warm = 100
		if *flagQuick {
			warm = 10
		}
	}
	end := time.Now().UTC().Truncate(24 * time.Hour)
	span := searchDays * 24 * time.Hour
	g, err := newCorpusGen(n, []string{"org1", "org2", "org3", "org4"}, end.Add(-span), span)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	events, raw := g.batch(0, n)
	fmt.Printf("\nindex: %d corpus events (%d raw bytes/event), 4 organizations over %d days, the same into both; %d warm queries per kind\n",
		n, raw/int64(n), searchDays, warm)
	rep := IndexPeerReport{Time: time.Now().UTC(), Load: loadAvg()}
	rep.Systems = append(rep.Systems, peerEmbedded(e, g, events, warm), peerZinc(e, g, events, warm))
	rep.Load += " → " + loadAvg()
	s, z := rep.Systems[0], rep.Systems[1]

	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "system\tdocs/s\tCPU-s/M\tdisk B/event\t")
	for _, q := range s.Queries {
		fmt.Fprintf(tw, "%s p50/p99 ms\t", q.Kind)
	}
	fmt.Fprintln(tw)
	for _, f := range rep.Systems {
		fmt.Fprintf(tw, "%s\t%.0f\t%.2f\t%.0f\t", f.System, f.DocsPerSec, f.CPUPerMillion, f.BytesPerEvent)
		for _, q := range f.Queries {
			fmt.Fprintf(tw, "%.1f / %.1f\t", q.WarmP50, q.WarmP99)
		}
		fmt.Fprintln(tw)
	}
	_ = tw.Flush()
	logRatio := 0.0
	for k := range s.Queries {
		r := s.Queries[k].WarmP99 / z.Queries[k].WarmP99
		logRatio += math.Log(r)
		fmt.Printf("index: %s mean hits sluice %.0f, zincsearch %.0f; p99 sluice/zincsearch %.2f\n", s.Queries[k].Kind, s.Queries[k].MeanHits, z.Queries[k].MeanHits, r)
	}
	rep.DocsPerSecRatio = s.DocsPerSec / z.DocsPerSec
	rep.DiskRatio = s.BytesPerEvent / z.BytesPerEvent
	rep.QueryP99Ratio = math.Exp(logRatio / float64(len(s.Queries)))
	if err := writeJSON(flagIndexOut, rep); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	fmt.Printf("index: results written to %s; load average %s; query_p99 is the geometric mean of the kinds' p99 ratios\n", flagIndexOut, rep.Load)
	fmt.Printf("ratio sluice/zincsearch index_docs_per_s=%.2f disk_bytes_per_event=%.2f query_p99=%.2f\n", rep.DocsPerSecRatio, rep.DiskRatio, rep.QueryP99Ratio)
	return 0
}

func peerEmbedded(e *stageEnv, g *corpusGen, events []*event.Event, warm int) IndexPeerFigures {
	dir := e.path("embedded")
	idx, err := embedded.Open(embedded.Config{Dir: dir}, quiet())
	if err != nil {
		fatalf("%v", err)
	}
	n := len(events)
	t0, c0 := time.Now(), cpuSeconds()
	for i := 0; i < n; i += 10000 {
		if err := idx.Write(context.Background(), events[i:min(i+10000, n)]); err != nil {
			fatalf("%v", err)
		}
	}
	f := IndexPeerFigures{System: "sluice", Docs: n, Seconds: time.Since(t0).Seconds()}
	f.CPUPerMillion = (cpuSeconds() - c0) / (float64(n) / 1e6)
	f.DocsPerSec = float64(n) / f.Seconds
	f.Queries = make([]QueryFigures, len(queryKinds()))
	timeQueries(idx, g, queryKinds(), warm, f.Queries)
	if err := idx.Close(); err != nil {
		fatalf("%v", err)
	}
	f.DiskBytes = dirSize(dir)
	f.BytesPerEvent = float64(f.DiskBytes) / float64(n)
	fmt.Printf("index: sluice %.0f docs/s, %.2f CPU-s/M, %.0f disk bytes/event\n", f.DocsPerSec, f.CPUPerMillion, f.BytesPerEvent)
	return f
}

func peerZinc(e *stageEnv, g *corpusGen, events []*event.Event, warm int) IndexPeerFigures {
	dir := e.path("zinc")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fatalf("%v", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	for _, kv := range zinc.Env(dir, port) {
		k, v, _ := strings.Cut(kv, "=")
		os.Setenv(k, v)
	}
	zp := startProc(flagZinc, nil, e.path("zinc.out"))
	defer func() { _ = zp.cmd.Process.Kill(); _ = zp.cmd.Wait() }()
	url := fmt.Sprintf("http://127.0.0.1:%d/es", port)
	waitFor(func() bool {
		res, err := http.Get(url + "/")
		if err == nil {
			res.Body.Close()
		}
		return err == nil
	}, 30*time.Second)
	// The index-elastic stage's best bulk size on this machine.
	x, err := elastic.Open(elastic.Config{Addresses: []string{url}, Username: zinc.User, Password: zinc.Password,
		BulkActions: 5000, Workers: 2}, quiet())
	if err != nil {
		fatalf("%v", err)
	}
	defer x.Close()
	if err := x.Check(context.Background()); err != nil {
		fatalf("%v", err)
	}
	n := len(events)
	t0, z0 := time.Now(), zp.cpu()
	for i := 0; i < n; i += 10000 {
		if err := x.Write(context.Background(), events[i:min(i+10000, n)]); err != nil {
			fatalf("zincsearch: %v", err)
		}
	}
	all := indexer.SearchRequest{Query: "*"}
	waitFor(func() bool {
		c, err := x.Count(context.Background(), all)
		if err != nil || c < int64(n) {
			time.Sleep(100 * time.Millisecond)
			return false
		}
		return true
	}, 30*time.Minute)
	f := IndexPeerFigures{System: "zincsearch", Docs: n, Seconds: time.Since(t0).Seconds()}
	f.CPUPerMillion = (zp.cpu() - z0) / (float64(n) / 1e6)
	f.DocsPerSec = float64(n) / f.Seconds
	f.Queries = make([]QueryFigures, len(queryKinds()))
	timeQueries(x, g, queryKinds(), warm, f.Queries)
	// Stopped (SIGTERM), the server has written out what it holds, as
	// the embedded index has once closed.
	zp.stop()
	f.DiskBytes = dirSize(dir)
	f.BytesPerEvent = float64(f.DiskBytes) / float64(n)
	fmt.Printf("index: zincsearch %.0f docs/s, %.2f CPU-s/M (server), %.0f disk bytes/event\n", f.DocsPerSec, f.CPUPerMillion, f.BytesPerEvent)
	return f
}
