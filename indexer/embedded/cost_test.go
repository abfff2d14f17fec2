package embedded

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/indexer/query"
)

// TestSearchMaxBytes checks the byte budget against the search without
// one (the code it bounds): the same events, newest first, cut after the
// document that reaches the budget. Several organizations on the same
// days make the per-day merge cut its list back while it reads.
func TestSearchMaxBytes(t *testing.T) {
	x := openTest(t, Config{})
	rng := rand.New(rand.NewPCG(1, 2))
	for i, org := range []string{"acme", "globex", "initech", "umbrella"} {
		events := genEvents(org, uint64(1+i*1000), 300, day0.Add(time.Duration(i)*time.Minute), 7*time.Minute)
		for _, e := range events {
			// Documents of very different sizes.
			e.Message += " " + strings.Repeat("pad ", rng.IntN(200))
		}
		write(t, x, events)
	}
	docs := func(req indexer.SearchRequest) []json.RawMessage {
		t.Helper()
		out, err := x.Search(context.Background(), req)
		if err != nil {
			t.Fatalf("Search(%+v): %v", req, err)
		}
		return out
	}
	for _, q := range []string{"*", "failed", "sluice.risk:>=3", `"accepted publickey" OR sudo`} {
		all := docs(indexer.SearchRequest{Query: q, Limit: 10000})
		if len(all) < 100 {
			t.Fatalf("%s: only %d events", q, len(all))
		}
		for range 40 {
			limit := 1 + rng.IntN(len(all)+10)
			budget := int64(1 + rng.IntN(200_000))
			var want []json.RawMessage
			var size int64
			for _, d := range all[:min(limit, len(all))] {
				if size >= budget {
					break
				}
				want = append(want, d)
				size += int64(len(d))
			}
			got := docs(indexer.SearchRequest{Query: q, Limit: limit, MaxBytes: budget})
			if !slices.EqualFunc(got, want, func(a, b json.RawMessage) bool { return string(a) == string(b) }) {
				t.Fatalf("%s limit %d budget %d: %d events, want %d", q, limit, budget, len(got), len(want))
			}
		}
	}
}

// TestSearchHeldBytes checks what one day's merge holds: never much more
// than twice the budget, however many organizations the day has.
func TestSearchHeldBytes(t *testing.T) {
	h := hits{want: 1000, budget: 10_000}
	rng := rand.New(rand.NewPCG(3, 4))
	most := int64(0)
	for file := range 50 {
		ts := int64(1e12)
		var read int64
		for range 100 {
			if read >= h.budget {
				break
			}
			ts -= int64(rng.IntN(1000))
			d := json.RawMessage(strings.Repeat("x", 50+rng.IntN(500)))
			read += int64(len(d))
			h.add(hit{ts: ts + int64(file), doc: d})
			most = max(most, h.bytes)
		}
		h.trim(false)
	}
	if most > 2*h.budget+2*550 {
		t.Fatalf("the merge held %d bytes for a budget of %d", most, h.budget)
	}
	h.trim(true)
	if h.bytes < h.budget || h.bytes-int64(len(h.list[len(h.list)-1].doc)) >= h.budget {
		t.Fatalf("final list of %d bytes for a budget of %d", h.bytes, h.budget)
	}
	if !slices.IsSortedFunc(h.list, func(a, b hit) int { return int(b.ts - a.ts) }) {
		t.Fatal("not newest first")
	}
}

// TestQueryLimits checks that the index refuses a query over its limits
// before any work, and honors limits raised in the request.
func TestQueryLimits(t *testing.T) {
	x := openTest(t, Config{})
	write(t, x, fixture())
	huge := `"` + strings.TrimSpace(strings.Repeat("failed ", 100_000)) + `"`
	long := `"` + strings.TrimSpace(strings.Repeat("failed ", 300)) + `"`
	for _, tc := range []struct {
		q     string
		lim   indexer.QueryLimits
		limit string
	}{
		{huge, indexer.QueryLimits{}, query.LimitBytes},
		{huge, indexer.QueryLimits{MaxBytes: query.MaxBytesCeiling, MaxTerms: query.MaxTermsCeiling}, query.LimitTerms},
		{long, indexer.QueryLimits{}, query.LimitTerms},
		{long, indexer.QueryLimits{MaxTerms: 300}, ""},
	} {
		for name, run := range map[string]func(indexer.SearchRequest) error{
			"Search": func(r indexer.SearchRequest) error { _, err := x.Search(context.Background(), r); return err },
			"Count":  func(r indexer.SearchRequest) error { _, err := x.Count(context.Background(), r); return err },
		} {
			err := run(indexer.SearchRequest{Query: tc.q, Limits: tc.lim})
			var le *query.LimitError
			switch {
			case tc.limit == "" && err != nil:
				t.Errorf("%s of %d bytes within %+v: %v", name, len(tc.q), tc.lim, err)
			case tc.limit != "" && (!errors.As(err, &le) || le.Limit != tc.limit || !errors.Is(err, indexer.ErrBadQuery)):
				t.Errorf("%s of %d bytes within %+v: %v, want a LimitError on %s", name, len(tc.q), tc.lim, err, tc.limit)
			}
		}
	}
}

// TestSearchDeadline checks that a deadline stops SQLite in the middle of
// an expensive query (a long phrase of a word every message has), rather
// than the caller giving up while the query runs on: the search returns
// context.DeadlineExceeded in a fraction of the query's full time.
func TestSearchDeadline(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 30,000 events")
	}
	x := openTest(t, Config{})
	events := genEvents("acme", 1, 30_000, day0, 2*time.Second)
	for i := 0; i < len(events); i += 10_000 {
		write(t, x, events[i:i+10_000])
	}
	// Every message has "jan" (syslog and Apache dates); no message has
	// it 200 times in a row.
	q := `"` + strings.TrimSpace(strings.Repeat("jan ", 200)) + `"`
	for name, run := range map[string]func(context.Context, indexer.SearchRequest) error{
		"Search": func(ctx context.Context, r indexer.SearchRequest) error { _, err := x.Search(ctx, r); return err },
		"Count":  func(ctx context.Context, r indexer.SearchRequest) error { _, err := x.Count(ctx, r); return err },
	} {
		req := indexer.SearchRequest{Query: q}
		start := time.Now()
		if err := run(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		full := time.Since(start)
		ctx, cancel := context.WithTimeout(context.Background(), full/20)
		start = time.Now()
		err := run(ctx, req)
		took := time.Since(start)
		cancel()
		t.Logf("%s: %v to the end, %v with a deadline of %v", name, full, took, full/20)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%s with a deadline of %v: %v, want context.DeadlineExceeded", name, full/20, err)
		}
		if took > full/2 {
			t.Fatalf("%s with a deadline of %v took %v of the query's %v: SQLite was not interrupted", name, full/20, took, full)
		}
	}
}
