package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sluicehq/sluice/indexer/elastic"
	"github.com/sluicehq/sluice/test/zinc"
)

var flagZinc = "bin/zincsearch"

// stageIndexElastic writes events into the Elasticsearch-API test server
// (ZincSearch, make test-server) at several bulk sizes and reports the
// best; every size is in the note. CPU counts this process and the server.
func stageIndexElastic(e *stageEnv) Result {
	if _, err := os.Stat(flagZinc); err != nil {
		return Result{Skipped: flagZinc + " not built (make test-server)"}
	}
	n := 100000
	if *flagQuick {
		n = 5000
	}
	sizes := []int{500, 2000, 5000}
	if *flagQuick {
		sizes = []int{1000}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fatalf("%v", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	for _, kv := range zinc.Env(e.path("zinc"), port) {
		k, v, _ := strings.Cut(kv, "=")
		os.Setenv(k, v)
	}
	zp := startProc(flagZinc, nil, filepath.Join(e.dir, "zinc.out"))
	defer func() { _ = zp.cmd.Process.Kill(); _ = zp.cmd.Wait() }()
	url := fmt.Sprintf("http://127.0.0.1:%d/es", port)
	waitFor(func() bool {
		res, err := http.Get(url + "/")
		if err == nil {
			res.Body.Close()
		}
		return err == nil
	}, 30*time.Second)

	events, size := benchEvents(n)
	var best Result
	var notes []string
	for _, bulk := range sizes {
		x, err := elastic.Open(elastic.Config{Addresses: []string{url}, Username: zinc.User, Password: zinc.Password,
			BulkActions: bulk, IndexPrefix: fmt.Sprintf("bench%d", bulk), Workers: 2}, quiet())
		if err != nil {
			fatalf("%v", err)
		}
		if err := x.Check(context.Background()); err != nil {
			fatalf("%v", err)
		}
		t0, c0, z0 := time.Now(), cpuSeconds(), zp.cpu()
		for i := 0; i < n; i += 10000 {
			if err := x.Write(context.Background(), events[i:min(i+10000, n)]); err != nil {
				fatalf("bulk %d: %v", bulk, err)
			}
		}
		var r Result
		measure(&r, int64(n), size, t0, c0)
		zcpu := zp.cpu() - z0
		r.CPUPerMillion += zcpu / float64(n) * 1e6
		notes = append(notes, fmt.Sprintf("bulk %d: %.0f docs/s", bulk, r.EventsPerSec))
		if r.EventsPerSec > best.EventsPerSec {
			best = r
		}
		x.Close()
	}
	_, best.PeakRSSMiB = zp.rss()
	best.Note = fmt.Sprintf("%d events into ZincSearch v0.4.10 (bulk accepted; it indexes asynchronously), 2 workers; %s; CPU and RSS include the server", n, strings.Join(notes, ", "))
	return best
}
