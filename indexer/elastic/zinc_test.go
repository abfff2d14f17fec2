package elastic

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/test/zinc"
)

// The happy path against a real Elasticsearch-API server: template, bulk
// create into daily indices per organization, search, count, aggregate,
// and a resend that adds nothing.
func TestZincSearchRoundTrip(t *testing.T) {
	srv := zinc.Start(t)
	x, err := Open(Config{Addresses: []string{srv.URL}, Username: zinc.User, Password: zinc.Password, BulkActions: 700}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	ctx := context.Background()
	if err := x.Check(ctx); err != nil {
		t.Fatalf("Check: %v", err)
	}
	if code, body, _ := srv.Do(http.MethodGet, "/_index_template/sluice-events", nil); code != http.StatusOK {
		t.Fatalf("index template not installed: %d %s", code, body)
	}
	// Installing again at the next start is harmless.
	if err := x.installTemplate(ctx); err != nil {
		t.Fatalf("second template install: %v", err)
	}

	// In the past: ZincSearch caps open date ranges at its own now.
	base := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	var evs []*event.Event
	for i := range 3000 {
		org := "acme"
		if i%3 == 0 {
			org = "globex"
		}
		user := "bob"
		if i%10 == 0 {
			user = "root"
		}
		ev := &event.Event{
			ID:           event.DocID("web-01", uint64(i)),
			Organization: org,
			Timestamp:    base.Add(time.Duration(i) * time.Minute), // spans three days
			Message:      fmt.Sprintf("sshd[%d]: Accepted password for %s from 10.0.0.%d port %d ssh2", 100+i, user, i%250, 1024+i),
		}
		ev.Set("user.name", user)
		ev.Set("source.ip", fmt.Sprintf("10.0.0.%d", i%250))
		ev.Set("source.port", int64(1024+i))
		ev.Set(event.FieldCommonEvent, "User Logon")
		evs = append(evs, ev)
	}
	if err := x.Write(ctx, evs); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if n := srv.WaitTotal(t, "sluice-*", nil, 3000, 30*time.Second); n != 3000 {
		t.Fatalf("server holds %d documents, want 3000", n)
	}
	// A resend (lost acknowledgement) adds nothing: same ids.
	if err := x.Write(ctx, evs[:500]); err != nil {
		t.Fatalf("resend: %v", err)
	}
	time.Sleep(time.Second)
	if n, _ := srv.Total("sluice-*", nil); n != 3000 {
		t.Fatalf("after a resend the server holds %d documents, want 3000", n)
	}
	for _, idx := range []string{"sluice-acme-2026.11.20", "sluice-globex-2026.11.21", "sluice-acme-2026.11.22"} {
		if n, err := srv.Total(idx, nil); err != nil || n == 0 {
			t.Errorf("daily index %s: %d documents, %v", idx, n, err)
		}
	}

	counts := []struct {
		req  indexer.SearchRequest
		want int64
	}{
		{indexer.SearchRequest{Query: "*"}, 3000},
		{indexer.SearchRequest{Query: ""}, 3000},
		{indexer.SearchRequest{Query: "user.name:root"}, 300},
		{indexer.SearchRequest{Query: "user.name:root", Organization: "globex"}, 100},
		{indexer.SearchRequest{Query: "*", Organization: "nobody"}, 0}, // no index yet
		{indexer.SearchRequest{Query: `"password for root"`}, 300},
		{indexer.SearchRequest{Query: `sluice.common_event:"User Logon" AND source.port:[1024 TO 1123]`}, 100},
		{indexer.SearchRequest{Query: "user.name:bob OR user.name:root"}, 3000},
		{indexer.SearchRequest{Query: "*", Since: base.Add(2999 * time.Minute)}, 1},
		{indexer.SearchRequest{Query: "*", Since: base.Add(2998 * time.Minute)}, 2},
		{indexer.SearchRequest{Query: "*", Since: base.Add(2997*time.Minute + 30*time.Second)}, 2},
		{indexer.SearchRequest{Query: "*", Until: base.Add(10 * time.Minute)}, 10},
		{indexer.SearchRequest{Query: "@timestamp:2026-11-21"}, 1440},
	}
	for _, c := range counts {
		n, err := x.Count(ctx, c.req)
		if err != nil || n != c.want {
			t.Errorf("Count(%+v) = %d, %v; want %d", c.req, n, err, c.want)
		}
	}
	docs, err := x.Search(ctx, indexer.SearchRequest{Query: "user.name:root", Limit: 5})
	if err != nil || len(docs) != 5 {
		t.Fatalf("Search: %d docs, %v", len(docs), err)
	}
	var first struct {
		Timestamp time.Time `json:"@timestamp"`
		User      struct {
			Name string `json:"name"`
		} `json:"user"`
	}
	if err := json.Unmarshal(docs[0], &first); err != nil || first.User.Name != "root" {
		t.Fatalf("first hit %s: %v", docs[0], err)
	}
	if want := base.Add(2990 * time.Minute); !first.Timestamp.Equal(want) {
		t.Errorf("newest first: got %v, want %v", first.Timestamp, want)
	}

	// Keyword fields aggregate (the template's mapping at work).
	code, body, err := srv.Do(http.MethodPost, "/sluice-*/_search", map[string]any{
		"size": 0, "query": map[string]any{"match_all": map[string]any{}},
		"aggs": map[string]any{"users": map[string]any{"terms": map[string]any{"field": "user.name"}}},
	})
	if err != nil || code != http.StatusOK {
		t.Fatalf("aggregation: %d %s %v", code, body, err)
	}
	var agg struct {
		Aggregations struct {
			Users struct {
				Buckets []struct {
					Key   string `json:"key"`
					Count int64  `json:"doc_count"`
				} `json:"buckets"`
			} `json:"users"`
		} `json:"aggregations"`
	}
	if err := json.Unmarshal(body, &agg); err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, b := range agg.Aggregations.Users.Buckets {
		got[b.Key] = b.Count
	}
	if got["bob"] != 2700 || got["root"] != 300 {
		t.Errorf("terms aggregation on user.name = %v, want bob 2700, root 300", got)
	}
}

// BenchmarkZincSearchBulk measures documents/s accepted by the test server
// at several bulk sizes (b.N documents per size).
func BenchmarkZincSearchBulk(b *testing.B) {
	srv := zinc.Start(b)
	for _, size := range []int{500, 2000, 5000} {
		b.Run(fmt.Sprintf("bulk=%d", size), func(b *testing.B) {
			x, err := Open(Config{Addresses: []string{srv.URL}, Username: zinc.User, Password: zinc.Password, BulkActions: size, IndexPrefix: fmt.Sprintf("bench%d", size)}, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer x.Close()
			evs := make([]*event.Event, b.N)
			ts := time.Now().UTC()
			for i := range evs {
				ev := &event.Event{ID: event.DocID(fmt.Sprintf("bench-%d", size), uint64(i)), Organization: "default", Timestamp: ts,
					Message: "Jan 10 10:00:00 web1 sshd[123]: Accepted password for bob from 10.0.0.5 port 51234 ssh2"}
				ev.Set("user.name", "bob")
				ev.Set("source.ip", "10.0.0.5")
				ev.Set("source.port", int64(51234))
				evs[i] = ev
			}
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < len(evs); i += 10000 {
				if err := x.Write(context.Background(), evs[i:min(i+10000, len(evs))]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "docs/s")
		})
	}
}
