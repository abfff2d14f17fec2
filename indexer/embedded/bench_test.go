package embedded

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/indexer/query"
	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/event"
)

const (
	benchEvents = 300_000
	benchBatch  = 10_000
)

// benchStart puts the 300k events (one every 20 ms, 100 minutes) inside
// one UTC day, as a day's traffic of a small site would be.
var benchStart = time.Date(2026, 1, 10, 8, 0, 0, 0, time.UTC)

// BenchmarkWrite measures ingest: 300,000 events in batches of 10,000 into
// a fresh index, full-text index included, Close (final checkpoint)
// included.
func BenchmarkWrite(b *testing.B) {
	benchWrite(b, genEvents("acme", 1, benchEvents, benchStart, 20*time.Millisecond))
}

// BenchmarkWriteVaried is BenchmarkWrite with 200 hosts, 2,000 user names
// and 20,000 source addresses: many more rows in minute_counts (about one
// per 3 events instead of one per 75).
func BenchmarkWriteVaried(b *testing.B) {
	benchWrite(b, variedBenchEvents())
}

func variedBenchEvents() []*event.Event {
	return varyEvents(genEvents("acme", 1, benchEvents, benchStart, 20*time.Millisecond), 200, 2000, 20000)
}

func benchWrite(b *testing.B, events []*event.Event) {
	ctx := context.Background()
	b.ResetTimer()
	cpu0 := testkit.CPUTime()
	var n int
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		b.StartTimer()
		x, err := Open(Config{Dir: dir}, hclog.NewNullLogger())
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < len(events); i += benchBatch {
			if err := x.Write(ctx, events[i:min(i+benchBatch, len(events))]); err != nil {
				b.Fatal(err)
			}
		}
		if err := x.Close(); err != nil {
			b.Fatal(err)
		}
		n += len(events)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
	// The machine may be shared: CPU time per event is the steadier
	// figure.
	if cpu := testkit.CPUTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/float64(n), "cpu-µs/event")
	}
	var size int
	for _, e := range events[:1000] {
		size += len(e.AppendJSON(nil))
	}
	b.ReportMetric(float64(size)/1000, "B/doc")
}

// benchIndex is an index holding events, shared by the query benchmarks.
func benchIndex(b *testing.B, events []*event.Event) *Index {
	b.Helper()
	x, err := Open(Config{Dir: b.TempDir()}, hclog.NewNullLogger())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = x.Close() })
	for i := 0; i < len(events); i += benchBatch {
		if err := x.Write(context.Background(), events[i:min(i+benchBatch, len(events))]); err != nil {
			b.Fatal(err)
		}
	}
	return x
}

// BenchmarkQuery measures Count and Search (limit 100) on 300k events.
// The count/… benchmarks whose filter reads only counted columns (host,
// outcome, classification, the last hour, …) are answered from
// minute_counts.
func BenchmarkQuery(b *testing.B) {
	benchQueries(b, genEvents("acme", 1, benchEvents, benchStart, 20*time.Millisecond))
}

// BenchmarkQueryVaried is BenchmarkQuery on BenchmarkWriteVaried's events.
func BenchmarkQueryVaried(b *testing.B) {
	benchQueries(b, variedBenchEvents())
}

func benchQueries(b *testing.B, events []*event.Event) {
	x := benchIndex(b, events)
	last := events[len(events)-1].Timestamp
	hourAgo := last.Add(-time.Hour).Format(time.RFC3339)
	tenMinAgo := last.Add(-10 * time.Minute).Format(time.RFC3339)
	hostV, _ := events[len(events)/2].Get(event.FieldHostname)
	host := hostV.(string)
	userV, _ := events[1].Get("user.name")
	user := userV.(string)
	queries := []struct{ name, q string }{
		{"all", "*"},
		{"field", `user.name:` + user},
		{"field-ip", `source.ip:10.0.0.5`},
		{"field-host", `host.hostname:` + host},
		{"field-outcome", `event.outcome:failure`},
		{"field-class", `sluice.classification:"Authentication Failure"`},
		{"and2", `event.outcome:failure AND host.hostname:` + host},
		{"and2-user", `event.outcome:failure AND user.name:` + user},
		{"or-not", `(sluice.common_event:"User Logon" OR sluice.common_event:"User Logon Failure") AND NOT host.hostname:` + host},
		{"fts-word", `password`},
		{"fts-rare", `shadow`},
		{"fts-phrase", `"invalid user admin"`},
		{"json-field", `url.path:"/wp-login.php"`},
		{"wildcard", `user.name:adm*`},
		{"range-port", `source.port:[1024 TO 2048]`},
		{"last-hour", `@timestamp:>=` + hourAgo},
		{"last-10min", `@timestamp:>=` + tenMinAgo},
		{"last-hour-host", `@timestamp:>=` + hourAgo + ` AND host.hostname:` + host},
		{"last-hour-outcome", `@timestamp:>=` + hourAgo + ` AND event.outcome:failure`},
		{"last-hour-and-fts", `@timestamp:>=` + hourAgo + ` AND sudo`},
	}
	ctx := context.Background()
	for _, q := range queries {
		b.Run("count/"+q.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := x.Count(ctx, indexer.SearchRequest{Query: q.q}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("search/"+q.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := x.Search(ctx, indexer.SearchRequest{Query: q.q, Limit: 100}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestDocSize(t *testing.T) {
	events := genEvents("acme", 1, 1000, benchStart, 20*time.Millisecond)
	var size, msg int
	for _, e := range events {
		size += len(e.AppendJSON(nil))
		msg += len(e.Message)
	}
	t.Logf("doc %d B, message %d B", size/1000, msg/1000)
	t.Logf("%s", events[0].AppendJSON(nil))
}

// BenchmarkLongPhrase measures the costliest full-text query the default
// limits let through: a phrase of query.DefaultMaxTerms words that every
// message holds (but never that many in a row), and the same phrase at
// 64 words, on 100,000 events. It reports CPU time per query and how much
// the process's anonymous memory (SQLite's included, which Go does not
// see) grew over the runs.
func BenchmarkLongPhrase(b *testing.B) {
	x := benchIndex(b, genEvents("acme", 1, 100_000, benchStart, 20*time.Millisecond))
	for _, words := range []int{64, query.DefaultMaxTerms} {
		q := `"` + strings.TrimSpace(strings.Repeat("jan ", words)) + `"`
		b.Run(fmt.Sprintf("words=%d", words), func(b *testing.B) {
			// Return the index build's garbage to the OS first, or
			// its release during the runs reads as negative growth.
			debug.FreeOSMemory()
			anon0 := rssAnonKiB()
			cpu0 := testkit.CPUTime()
			for b.Loop() {
				if _, err := x.Search(context.Background(), indexer.SearchRequest{Query: q}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((testkit.CPUTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
			if anon0 > 0 {
				b.ReportMetric(float64(rssAnonKiB()-anon0)/1024, "anon-MiB-growth")
			}
		})
	}
}

// rssAnonKiB is the process's anonymous resident memory (Linux), 0 when
// unknown.
func rssAnonKiB() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "RssAnon:" {
			n, _ := strconv.ParseInt(f[1], 10, 64)
			return n
		}
	}
	return 0
}
