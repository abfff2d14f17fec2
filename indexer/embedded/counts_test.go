package embedded

import (
	"context"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/indexer/query"
	"github.com/sluicehq/sluice/pkg/event"
)

// countsEvents is a mix for comparing counts from the rollup tables with
// counts from events: genEvents' traffic over two days (one batch crosses
// midnight), many more hosts in part of it, a second organization, values
// of odd types in the counted columns, missing fields, and events before
// 1970.
func countsEvents() [][]*event.Event {
	day1 := time.Date(2026, 1, 10, 22, 59, 31, 250_000_000, time.UTC)
	a := genEvents("acme", 1, 12_000, benchStart.Add(17*time.Second+123*time.Millisecond), 370*time.Millisecond)
	b := varyEvents(genEvents("acme", 100_001, 8_000, day1, 700*time.Millisecond), 30, 50, 100)
	c := genEvents("globex", 200_001, 3_000, benchStart, 2*time.Second)
	mk := func(seq int, ts time.Time, fields ...any) *event.Event {
		e := &event.Event{ID: event.DocID("odd", uint64(seq)), Organization: "acme", Timestamp: ts, Message: "odd event"}
		for i := 0; i < len(fields); i += 2 {
			e.Set(fields[i].(string), fields[i+1])
		}
		return e
	}
	at := func(s string) time.Time {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			panic(err)
		}
		return t
	}
	odd := []*event.Event{
		mk(1, at("2026-01-10T08:30:00Z"), event.FieldRisk, "high", event.FieldHostname, "web1"),
		mk(2, at("2026-01-10T08:30:00.5Z"), event.FieldRisk, "5", event.FieldHostname, "web1"),
		mk(3, at("2026-01-10T08:30:59.999999999Z"), event.FieldRisk, 2.5),
		mk(4, at("2026-01-10T08:31:00Z"), event.FieldRisk, int64(5), event.FieldOutcome, "failure"),
		mk(5, at("2026-01-10T08:31:00Z"), event.FieldHostname, int64(42), event.FieldOutcome, true),
		mk(6, at("2026-01-10T09:00:00Z"), event.FieldHostname, "web1", event.FieldRisk, math.NaN()),
		mk(7, at("1969-12-31T23:59:30.25Z"), event.FieldHostname, "web1", event.FieldRisk, int64(5)),
		mk(8, at("1969-12-31T23:58:59.999Z"), event.FieldHostname, "web1", event.FieldOutcome, "failure"),
		mk(9, at("1969-12-31T00:00:00Z"), event.FieldHostname, "db1"),
		mk(10, at("2026-01-11T00:00:00Z"), event.FieldHostname, "web1"),
		mk(11, at("2026-01-10T23:59:59.999999999Z"), event.FieldHostname, "web1"),
	}
	var batches [][]*event.Event
	for _, all := range [][]*event.Event{a, b, c} {
		for i := 0; i < len(all); i += 2_500 {
			batches = append(batches, all[i:min(i+2_500, len(all))])
		}
	}
	// Again, and partly again (old and new events in one chunk): none of
	// it may be counted twice.
	batches = append(batches, odd, odd[:5], a[:3000],
		slices.Concat(a[11_700:], genEvents("acme", 500_001, 500, benchStart.Add(time.Hour), time.Second), a[:10]))
	return batches
}

// countsQueries are queries over counted columns and others, with a time
// bound in the query or none.
var countsQueries = []string{
	"*",
	"host.hostname:web1",
	"host.hostname:host-0003",
	"host.hostname:42",
	"event.outcome:failure",
	"event.outcome:true",
	"host.hostname:web1 AND event.outcome:failure",
	"host.hostname:(web1 OR db1)",
	"NOT host.hostname:web1",
	"-host.hostname:web1 -event.outcome:success",
	"host.hostname:web* AND NOT sluice.rule:sshd-*",
	"host.hostname:*",
	"NOT host.hostname:*",
	"sluice.risk:5",
	"sluice.risk:>=5",
	"sluice.risk:high",
	"sluice.risk:[2 TO 3]",
	"sluice.risk:2.5",
	`sluice.classification:"Authentication Failure"`,
	`sluice.common_event:User*`,
	"process.name:sshd AND agent.id:agent-web1",
	"sluice.log_source_type:apache-access AND NOT event.outcome:failure",
	"event.outcome:failure AND @timestamp:>=2026-01-10T08:17:13.370Z",
	"@timestamp:>=2026-01-10T08:17:13.370Z",
	"@timestamp:[2026-01-10T08:17:00Z TO 2026-01-10T09:03:00Z]",
	"@timestamp:{2026-01-10T08:17:00Z TO 2026-01-10T09:03:00Z}",
	"@timestamp:[1969-12-31T23:59:00Z TO 2026-01-10T08:30:00.5Z]",
	"host.hostname:web1 AND @timestamp:<2026-01-11T00:00:00.5Z",
	// Not answerable from the rollup tables.
	"event.outcome:failure OR @timestamp:>=2026-01-10T08:17:13.370Z",
	"NOT @timestamp:>=2026-01-10T08:17:13.370Z",
	"user.name:mallory",
	"password",
	"host.hostname:web1 AND password",
	"url.path:/login",
	"_id:" + event.DocID("odd", 4),
}

// countsRanges are the request's time bounds.
var countsRanges = []struct{ since, until string }{
	{"", ""},
	{"2026-01-10T08:17:13.37Z", ""},
	{"", "2026-01-10T09:02:00Z"},
	{"2026-01-10T08:17:00Z", "2026-01-10T09:02:00Z"},
	{"2026-01-10T08:30:00.2Z", "2026-01-10T08:30:59.9Z"},
	{"2026-01-10T08:30:00Z", "2026-01-10T08:31:00Z"},
	{"2026-01-10T23:30:10Z", "2026-01-11T00:20:00.001Z"},
	{"2026-01-10T00:00:00Z", "2026-01-11T00:00:00Z"},
	{"1969-12-31T23:59:00Z", "2026-01-10T08:45:00Z"},
	{"1969-12-31T23:59:30.25Z", "1970-01-01T00:00:00Z"},
	{"2026-01-10T08:40:00Z", "2026-01-10T08:40:00Z"},
}

// TestMinuteCounts checks that counts answered from the rollup tables
// equal counts of the events, for every query and range.
func TestMinuteCounts(t *testing.T) {
	x := openTest(t, Config{})
	batches := countsEvents()
	for i, b := range batches {
		if i == 3 {
			// A failed transaction leaves nothing behind in the counts.
			ctx := &failingCtx{Context: context.Background()}
			ctx.n.Store(2)
			if err := x.Write(ctx, b); err == nil {
				t.Fatal("Write with a failing context succeeded")
			}
		}
		write(t, x, b)
	}
	checkCounts(t, x, countsQueries)
}

// checkCounts compares Count with and without the rollup tables.
func checkCounts(t *testing.T, x *Index, queries []string) {
	t.Helper()
	at := func(s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	nonZero := 0
	for _, q := range queries {
		for _, r := range countsRanges {
			req := indexer.SearchRequest{Query: q, Since: at(r.since), Until: at(r.until)}
			got := count(t, x, req)
			x.noCounts = true
			want := count(t, x, req)
			x.noCounts = false
			if got != want {
				t.Errorf("Count(%q, since %q, until %q) = %d, want %d", q, r.since, r.until, got, want)
			}
			if want > 0 {
				nonZero++
			}
		}
	}
	if nonZero < len(queries)*len(countsRanges)/3 {
		t.Errorf("only %d of %d counts are not zero: the data does not exercise the queries", nonZero, len(queries)*len(countsRanges))
	}
}

func TestTranslateCounts(t *testing.T) {
	for _, q := range countsQueries {
		ast, err := query.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		w, err := translateCounts(ast)
		if err != nil {
			t.Fatal(err)
		}
		counted := true
		for _, m := range []string{"user.name:", "password", "url.path:", "_id:", "OR @timestamp", "NOT @timestamp"} {
			if strings.Contains(q, m) {
				counted = false
			}
		}
		if (w != nil) != counted {
			t.Errorf("translateCounts(%q) = %v, want counted %v", q, w, counted)
		}
		if w != nil && strings.Contains(w.sql, "ts") {
			t.Errorf("translateCounts(%q) reads ts: %s", q, w.sql)
		}
	}
	// Each count reads the smallest table that has its columns.
	for q, table := range map[string]string{
		"*":                      "minute_totals",
		"@timestamp:>2026-01-10": "minute_totals",
		"event.outcome:failure AND NOT sluice.rule:sshd-*": "minute_counts_nohost",
		"host.hostname:web1":                  "minute_counts",
		"agent.id:a OR event.outcome:failure": "minute_counts",
	} {
		ast, err := query.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		p := &plan{ast: ast, from: math.MinInt64, to: math.MaxInt64}
		if p.w, err = translate(ast, false); err != nil {
			t.Fatal(err)
		}
		if p.wCounts, err = translateCounts(ast); err != nil || p.wCounts == nil {
			t.Fatalf("translateCounts(%q): %v, %v", q, p.wCounts, err)
		}
		sql, _, ok := p.countSQL(partition{day: dayOf(benchStart.UnixNano())})
		if !ok || !strings.Contains(sql, " FROM "+table+" WHERE ") {
			t.Errorf("count of %q: %s", q, sql)
		}
	}
}

// TestMinuteCountsCollisions makes every key collide: the combinations of
// a minute take the keys after it, and a combination met again finds its
// row.
func TestMinuteCountsCollisions(t *testing.T) {
	countHash = func(*countKey, int) int64 { return 7 }
	defer func() { countHash = (*countKey).hash }()
	dir := t.TempDir()
	x := openTest(t, Config{Dir: dir})
	events := genEvents("acme", 1, 4000, benchStart, 700*time.Millisecond)
	for i := 0; i < len(events); i += 500 {
		write(t, x, events[i:i+500])
	}
	write(t, x, events[1000:2500])
	write(t, x, slices.Concat(events[3900:], genEvents("acme", 10_000, 300, benchStart.Add(40*time.Minute), time.Second)))
	checkCounts(t, x, countsQueries[:12])

	cfg := Config{}
	cfg.setDefaults()
	c, err := openConn(filepath.Join(dir, "acme", "2026-01-10.db"), &cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.c.Close()
	for _, r := range rollups[1:] {
		cols := strings.Join(r.names(), ", ")
		var rows, want int64
		if err := c.queryInt("SELECT count(*) FROM "+r.table, &rows); err != nil {
			t.Fatal(err)
		}
		if err := c.queryInt("SELECT count(*) FROM (SELECT DISTINCT "+minuteSQL+", "+cols+" FROM events)", &want); err != nil {
			t.Fatal(err)
		}
		if rows != want {
			t.Errorf("%s has %d rows, want one per minute and combination: %d", r.table, rows, want)
		}
	}
}

// TestMinuteCountsCollisionsInBatches makes every key collide with
// batches of one combination per minute: whole upsert statements run,
// and some of their rows find another combination at their key.
func TestMinuteCountsCollisionsInBatches(t *testing.T) {
	countHash = func(*countKey, int) int64 { return 7 }
	defer func() { countHash = (*countKey).hash }()
	dir := t.TempDir()
	x := openTest(t, Config{Dir: dir})
	batch := func(seq uint64, host string) []*event.Event {
		events := genEvents("acme", seq, 100, benchStart, 30*time.Second) // 50 minutes
		for _, e := range events {
			for _, i := range countedCols {
				e.Set(columns[i].field, "same")
			}
			e.Set(event.FieldHostname, host)
		}
		return events
	}
	write(t, x, batch(1, "a"))
	write(t, x, batch(1_000, "b")) // at the keys of a
	write(t, x, batch(2_000, "a"))
	write(t, x, batch(3_000, "b"))
	write(t, x, slices.Concat(batch(4_000, "c"), batch(5_000, "b")))
	for host, want := range map[string]int64{"a": 200, "b": 300, "c": 100} {
		if n := count(t, x, indexer.SearchRequest{Query: "host.hostname:" + host}); n != want {
			t.Errorf("host %s: %d events, want %d", host, n, want)
		}
	}
	checkCounts(t, x, []string{"*", "host.hostname:a", "host.hostname:b", "NOT host.hostname:a", "sluice.rule:same"})

	cfg := Config{}
	cfg.setDefaults()
	c, err := openConn(filepath.Join(dir, "acme", "2026-01-10.db"), &cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.c.Close()
	var rows int64
	if err := c.queryInt("SELECT count(*) FROM minute_counts", &rows); err != nil {
		t.Fatal(err)
	}
	if rows != 3*50 {
		t.Errorf("minute_counts has %d rows, want 150", rows)
	}
}
