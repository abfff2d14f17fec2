package mediator

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/internal/testkit/browser"
)

// benchEvents is the size of the search page benchmarks' index
// (SLUICE_BENCH_EVENTS, default 1,000,000).
func benchEvents(b *testing.B) int {
	n := 1_000_000
	if s := os.Getenv("SLUICE_BENCH_EVENTS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 1 {
			b.Fatalf("SLUICE_BENCH_EVENTS=%q", s)
		}
	}
	return n
}

// benchPageMediator runs a mediator whose embedded index holds n events
// of pageEvents over the last 24 hours, and reports the index's size.
func benchPageMediator(b *testing.B, n int) *Mediator {
	b.Helper()
	// SLUICE_BENCH_DIR keeps the mediator's data (the index) between
	// runs: writing 1M events takes minutes.
	dir, keep := os.LookupEnv("SLUICE_BENCH_DIR")
	if !keep {
		dir = b.TempDir()
	}
	_, err := os.Stat(filepath.Join(dir, "index"))
	written := keep && err == nil
	cfg, err := ParseConfig([]byte(fmt.Sprintf("mediator {\n listen = \"127.0.0.1:0\"\n http = \"127.0.0.1:0\"\n data_dir = %q\n}\n", dir)), "m.hcl")
	if err != nil {
		b.Fatal(err)
	}
	m, err := New(cfg, Deps{Logger: hclog.NewNullLogger()})
	if err != nil {
		b.Fatal(err)
	}
	testkit.Run(b, m.Run)
	now := time.Now().UTC()
	step := 24 * time.Hour / time.Duration(n)
	const batch = 5000
	start := time.Now()
	for i := 0; i < n && !written; i += batch {
		k := min(batch, n-i)
		evs := pageEvents("acme", uint64(i/batch), k, now.Add(-time.Duration(i)*step), step)
		if err := m.Index().Write(context.Background(), evs); err != nil {
			b.Fatal(err)
		}
	}
	var size int64
	_ = filepath.WalkDir(filepath.Join(dir, "index"), func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				size += fi.Size()
			}
		}
		return nil
	})
	b.Logf("index: %d events over 24 h, %.0f MB on disk, written in %v", n, float64(size)/1e6, time.Since(start).Round(time.Second))
	b.ReportMetric(float64(size)/1e6, "index-MB")
	return m
}

// pageQueries are the searches the benchmarks time: everything, a
// counted field (its histogram from the per-minute tables), a field
// that is not counted, full text.
var pageQueries = []string{"*", "host.hostname:web-01", "user.name:alice", "failed"}

// BenchmarkSearchPageAPI times what the page asks for its first paint,
// through HTTP as the page does: the newest 100 rows and the 60-bucket
// histogram of the last 24 hours, in parallel, on a 1M-event index.
//
//	go test -run '^$' -bench SearchPageAPI -benchtime 10x ./mediator
func BenchmarkSearchPageAPI(b *testing.B) {
	m := benchPageMediator(b, benchEvents(b))
	c := &http.Client{Timeout: time.Minute}
	get := func(path string, v url.Values) {
		resp, err := c.Get("http://" + m.HTTPAddr() + path + "?" + v.Encode())
		if err != nil {
			b.Error(err)
			return
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
		if resp.StatusCode != http.StatusOK {
			b.Errorf("%s: %d", path, resp.StatusCode)
		}
	}
	for _, q := range pageQueries {
		since := func() string { return time.Now().Add(-24 * time.Hour).UTC().Format(time.RFC3339Nano) }
		search := func() { get("/v1/search", url.Values{"q": {q}, "since": {since()}, "limit": {"100"}}) }
		hist := func() { get("/v1/histogram", url.Values{"q": {q}, "since": {since()}, "buckets": {"60"}}) }
		b.Run("q="+q+"/both", func(b *testing.B) {
			defer reportCPU(b)()
			for b.Loop() {
				var wg sync.WaitGroup
				wg.Go(search)
				wg.Go(hist)
				wg.Wait()
			}
		})
		b.Run("q="+q+"/search", func(b *testing.B) {
			defer reportCPU(b)()
			for b.Loop() {
				search()
			}
		})
		b.Run("q="+q+"/histogram", func(b *testing.B) {
			defer reportCPU(b)()
			for b.Loop() {
				hist()
			}
		})
		b.Run("q="+q+"/count", func(b *testing.B) {
			defer reportCPU(b)()
			for b.Loop() {
				get("/v1/count", url.Values{"q": {q}, "since": {since()}})
			}
		})
	}
}

// reportCPU reports the process's CPU time per operation (the mediator
// runs in it): on a shared machine the steady figure, where wall-clock
// times depend on what else runs.
func reportCPU(b *testing.B) func() {
	start := testkit.CPUTime()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(testkit.CPUTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
		}
	}
}

// BenchmarkSearchPageFirstPaint loads the page in headless Chromium on
// a 1M-event index and times, in the browser, from the navigation's
// start to the 100 rows drawn (ms/rows, the page's data-rows-ms) and to
// the rows and the histogram drawn (ms/paint, data-paint-ms), for each
// query. SLUICE_BENCH_DEBUG=1 logs the page's performance entries (its
// requests, its first paint) of every run.
//
//	go test -run '^$' -bench SearchPageFirstPaint -benchtime 5x ./mediator
func BenchmarkSearchPageFirstPaint(b *testing.B) {
	chromium := browser.Find()
	if chromium == "" {
		b.Skip("no Chromium")
	}
	m := benchPageMediator(b, benchEvents(b))
	for _, q := range pageQueries {
		b.Run("q="+q, func(b *testing.B) {
			bctx := browser.Headless(b, chromium)
			var total, rows float64
			var n int
			for b.Loop() {
				u := "http://" + m.HTTPAddr() + "/?range=24h&q=" + url.QueryEscape(q)
				if err := chromedp.Do(bctx,
					chromedp.Navigate(u),
					chromedp.Poll[chromedp.Void](`document.body.dataset.paintMs && document.querySelectorAll("#rows tr.ev").length === 100 && document.querySelectorAll("#hist .bar").length > 0`,
						chromedp.WithPollingInterval(5*time.Millisecond), chromedp.WithPollingTimeout(time.Minute)),
				); err != nil {
					b.Fatal(err)
				}
				ms, err := chromedp.Run(bctx, chromedp.Evaluate[[]float64](`[+document.body.dataset.paintMs, +document.body.dataset.rowsMs]`))
				if err != nil {
					b.Fatal(err)
				}
				total += ms[0]
				rows += ms[1]
				if os.Getenv("SLUICE_BENCH_DEBUG") == "1" {
					d, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`JSON.stringify(performance.getEntries().map(e => [e.name.slice(0, 60), Math.round(e.startTime), Math.round(e.responseEnd || e.duration)]))`))
					b.Log(d)
				}
				n++
			}
			b.ReportMetric(total/float64(n), "ms/paint")
			b.ReportMetric(rows/float64(n), "ms/rows")
		})
	}
}
