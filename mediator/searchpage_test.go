package mediator

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/pkg/event"
)

var (
	pageHosts = []string{"web-01", "web-02", "db-01", "bastion"}
	pageUsers = []string{"alice", "bob", "carol", "root", "mallory"}
	pageIPs   = []string{"10.0.0.5", "10.1.2.3", "192.0.2.7", "198.51.100.23"}
)

// pageEvents returns n events of org, one every step back from end (the
// newest first), in a mix of logons, failures and sudo lines, with the
// fields the search page shows.
func pageEvents(org string, seed uint64, n int, end time.Time, step time.Duration) []*event.Event {
	rng := rand.New(rand.NewPCG(seed, 7))
	out := make([]*event.Event, n)
	for i := range out {
		host, user, ip := pageHosts[rng.IntN(len(pageHosts))], pageUsers[rng.IntN(len(pageUsers))], pageIPs[rng.IntN(len(pageIPs))]
		e := &event.Event{ID: event.DocID("agent-"+org, seed<<32+uint64(i)), Organization: org, Timestamp: end.Add(-time.Duration(i) * step)}
		e.Set(event.FieldHostname, host)
		e.Set(event.FieldAgent, "agent-"+host)
		e.Set(event.FieldLogSourceType, "linux-auth")
		e.Set("user.name", user)
		e.Set("source.ip", ip)
		switch rng.IntN(3) {
		case 0:
			e.Message = fmt.Sprintf("sshd[%d]: Accepted publickey for %s from %s", 100+i, user, ip)
			e.Set(event.FieldClassification, "Authentication Success")
			e.Set(event.FieldCommonEvent, "User Logon")
		case 1:
			e.Message = fmt.Sprintf("sshd[%d]: Failed password for %s from %s", 100+i, user, ip)
			e.Set(event.FieldClassification, "Authentication Failure")
			e.Set(event.FieldCommonEvent, "User Logon Failure")
		default:
			e.Message = fmt.Sprintf("sudo: %s : COMMAND=/bin/ls /srv/%d", user, i)
			e.Set(event.FieldClassification, "Other Audit")
			e.Set(event.FieldCommonEvent, "Command Run")
		}
		out[i] = e
	}
	return out
}

// countOnly is an index seen only as an indexer.Index: histograms of it
// are counted bucket by bucket.
type countOnly struct{ indexer.Index }

// TestHistogramAddsUpToCount is the acceptance check of the histogram:
// its buckets add up to /v1/count of the same query and range, for
// queries the per-minute tables answer and queries they do not, with
// ranges that start and end inside minutes; and every bucket holds what
// a count of its own range says (the index's one-pass histogram against
// one count per bucket).
func TestHistogramAddsUpToCount(t *testing.T) {
	m := testMediator(t, "")
	now := time.Now().UTC().Truncate(time.Second)
	// 3,000 events over 5 hours, 6 s apart.
	if err := m.Index().Write(context.Background(), pageEvents("acme", 1, 3000, now.Add(-7*time.Second), 6*time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := m.Index().Write(context.Background(), pageEvents("globex", 2, 500, now.Add(-3*time.Second), 30*time.Second)); err != nil {
		t.Fatal(err)
	}
	rfc := func(t time.Time) string { return t.Format(time.RFC3339Nano) }
	queries := []string{"*", "host.hostname:web-01", "failed", "user.name:alice", "NOT host.hostname:web-02 AND sluice.common_event:\"User Logon\"", "sshd AND host.hostname:db-*"}
	ranges := []struct {
		since, until time.Time
		buckets      int
	}{
		{now.Add(-5*time.Hour - 17*time.Second), now.Add(time.Second), 60},
		{now.Add(-2*time.Hour - 500*time.Millisecond), now.Add(-13 * time.Minute).Add(-1500 * time.Millisecond), 7},
		{now.Add(-5 * time.Hour), now, 1000},
		{now.Add(-90 * time.Second), now.Add(-3 * time.Second), 60},
		{now.Add(-24 * time.Hour), now.Add(time.Hour), 1},
	}
	for _, q := range queries {
		for _, org := range []string{"", "acme"} {
			for _, rg := range ranges {
				params := url.Values{"q": {q}, "since": {rfc(rg.since)}, "until": {rfc(rg.until)}}
				if org != "" {
					params.Set("org", org)
				}
				var cnt CountResponse
				if code, body := apiGet(t, m, "/v1/count", params, &cnt); code != http.StatusOK {
					t.Fatalf("count %v: %d %s", params, code, body)
				}
				params.Set("buckets", fmt.Sprint(rg.buckets))
				var h HistogramResponse
				if code, body := apiGet(t, m, "/v1/histogram", params, &h); code != http.StatusOK {
					t.Fatalf("histogram %v: %d %s", params, code, body)
				}
				var sum int64
				for i, b := range h.Buckets {
					sum += b.Count
					if i > 0 && !b.Start.Equal(h.Buckets[i-1].End) {
						t.Fatalf("%v: bucket %d starts at %v, the one before ends at %v", params, i, b.Start, h.Buckets[i-1].End)
					}
				}
				if sum != cnt.Count || h.Total != cnt.Count || len(h.Buckets) == 0 || len(h.Buckets) > rg.buckets ||
					!h.Buckets[0].Start.Equal(rg.since) || !h.Buckets[len(h.Buckets)-1].End.Equal(rg.until) {
					t.Fatalf("%v: histogram total %d (sum %d, %d buckets from %v to %v), count %d", params, h.Total, sum, len(h.Buckets),
						h.Buckets[0].Start, h.Buckets[len(h.Buckets)-1].End, cnt.Count)
				}
				req := indexer.SearchRequest{Query: q, Organization: org, Since: rg.since, Until: rg.until}
				slow, err := histogram(context.Background(), countOnly{m.Index()}, req, rg.buckets)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(bucketCounts(slow), bucketCounts(h)) {
					t.Fatalf("%v: one pass %v\nbucket by bucket %v", params, bucketCounts(h), bucketCounts(slow))
				}
			}
		}
	}
	for _, tc := range []struct{ params, want string }{
		{"q=*", "since is required"},
		{"q=*&since=1h&buckets=0", "buckets must be"},
		{"q=*&since=1h&buckets=5000", "buckets must be"},
		{"q=*&since=1h&until=2h", "since must be before until"},
		{"q=host.hostname:(&since=1h", "at position"},
	} {
		v, _ := url.ParseQuery(tc.params)
		if code, body := apiGet(t, m, "/v1/histogram", v, nil); code != http.StatusBadRequest || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %s, want 400 %q", tc.params, code, body, tc.want)
		}
	}
}

func bucketCounts(h HistogramResponse) []int64 {
	var out []int64
	for _, b := range h.Buckets {
		out = append(out, b.Count)
	}
	return out
}

func TestBucketLayout(t *testing.T) {
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		span  time.Duration
		n     int
		width time.Duration
	}{
		{15 * time.Minute, 60, 15 * time.Second},
		{time.Hour, 60, time.Minute},
		{24 * time.Hour, 60, 30 * time.Minute},
		{7 * 24 * time.Hour, 60, 3 * time.Hour},
		{90 * 24 * time.Hour, 60, 2 * 24 * time.Hour},
		{time.Second, 60, time.Second},
	} {
		since := at.Add(-tc.span).Add(-1234 * time.Millisecond)
		base, width, count := bucketLayout(since, since.Add(tc.span), tc.n)
		if width != tc.width || base > since.UnixNano() || base%int64(width) != 0 || count < 1 || count > tc.n ||
			base+int64(count)*int64(width) < since.Add(tc.span).UnixNano() && count < tc.n {
			t.Errorf("%v in %d: base %v width %v count %d", tc.span, tc.n, time.Unix(0, base).UTC(), width, count)
		}
	}
}

// TestFacets: the top values of a field among the matches, most frequent
// first, with the matches that lack it.
func TestFacets(t *testing.T) {
	m := testMediator(t, "")
	now := time.Now().UTC()
	evs := pageEvents("acme", 3, 400, now, time.Second)
	evs[0].Delete("user.name")
	if err := m.Index().Write(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for _, e := range evs {
		if e.GetString(event.FieldHostname) != "web-01" {
			continue
		}
		if u := e.GetString("user.name"); u != "" {
			want[u]++
		}
	}
	var f FacetsResponse
	code, body := apiGet(t, m, "/v1/facets", url.Values{"q": {"host.hostname:web-01"}, "since": {"1h"}, "field": {"user.name"}, "limit": {"3"}}, &f)
	if code != http.StatusOK {
		t.Fatalf("%d %s", code, body)
	}
	if len(f.Values) != 3 || f.Field != "user.name" {
		t.Fatalf("facets: %+v", f)
	}
	for i, v := range f.Values {
		if want[v.Value] != v.Count || i > 0 && v.Count > f.Values[i-1].Count {
			t.Fatalf("facets: %+v, want counts %v", f, want)
		}
	}
	var n int
	for _, c := range want {
		n += c
	}
	if f.Sampled != n+f.Missing {
		t.Fatalf("sampled %d, %d with the field, %d without", f.Sampled, n, f.Missing)
	}
	// Fields nest by segment; numbers stay whole.
	for _, tc := range []struct{ doc, field, want string }{
		{`{"host":{"hostname":"a"}}`, "host.hostname", "a"},
		{`{"host.hostname":"b"}`, "host.hostname", "b"},
		{`{"source":{"port":1234567890123}}`, "source.port", "1234567890123"},
		{`{"tags":["x","y"]}`, "tags", "x,y"},
		{`{"host":{"hostname":null}}`, "host.hostname", ""},
		{`{"user":{"name":{"first":"c"}}}`, "user.name", ""},
	} {
		if got := strings.Join(fieldValues(json.RawMessage(tc.doc), tc.field), ","); got != tc.want {
			t.Errorf("%s in %s: %q, want %q", tc.field, tc.doc, got, tc.want)
		}
	}
	for _, p := range []string{"field=", "field=a;b", "field=host.hostname&limit=1000", "field=host.hostname&sample=0"} {
		v, _ := url.ParseQuery(p)
		if code, body := apiGet(t, m, "/v1/facets", v, nil); code != http.StatusBadRequest {
			t.Errorf("%s: %d %s, want 400", p, code, body)
		}
	}
}

// TestTail: a tail without a cursor returns one; with it, the matches
// indexed since, once each, whether their time is after the cursor's or
// the same.
func TestTail(t *testing.T) {
	m := testMediator(t, "")
	now := time.Now().UTC().Truncate(time.Millisecond)
	mk := func(i int, ts time.Time, msg string) *event.Event {
		e := &event.Event{ID: event.DocID("tail", uint64(i)), Organization: "acme", Timestamp: ts, Message: msg}
		e.Set(event.FieldHostname, "web-01")
		return e
	}
	write := func(evs ...*event.Event) {
		t.Helper()
		if err := m.Index().Write(context.Background(), evs); err != nil {
			t.Fatal(err)
		}
	}
	write(mk(0, now.Add(-time.Minute), "old line"), mk(1, now, "line at the cursor"))
	tail := func(cursor string) TailResponse {
		t.Helper()
		var r TailResponse
		if code, body := apiGet(t, m, "/v1/tail", url.Values{"q": {"host.hostname:web-01"}, "cursor": {cursor}}, &r); code != http.StatusOK {
			t.Fatalf("tail %q: %d %s", cursor, code, body)
		}
		return r
	}
	msgs := func(r TailResponse) string {
		var out []string
		for _, e := range r.Events {
			var d struct{ Message string }
			_ = json.Unmarshal(e, &d)
			out = append(out, d.Message)
		}
		return strings.Join(out, "|")
	}
	r := tail("")
	if len(r.Events) != 0 || !strings.HasPrefix(r.Cursor, fmt.Sprint(now.UnixNano())+"~") {
		t.Fatalf("first tail: %+v", r)
	}
	if r2 := tail(r.Cursor); len(r2.Events) != 0 || r2.Cursor != r.Cursor {
		t.Fatalf("nothing new: %+v", r2)
	}
	// One at the cursor's very time, one after, one other host.
	write(mk(2, now, "same time, indexed later"), mk(3, now.Add(time.Second), "a second later"))
	e := mk(4, now.Add(2*time.Second), "another host")
	e.Set(event.FieldHostname, "db-01")
	write(e)
	r2 := tail(r.Cursor)
	if got := msgs(r2); got != "a second later|same time, indexed later" {
		t.Fatalf("new lines: %q", got)
	}
	if r3 := tail(r2.Cursor); len(r3.Events) != 0 {
		t.Fatalf("again: %q", msgs(r3))
	}
	for _, c := range []string{"x", "-1", "12~zz", "12~" + strings.Repeat("a.", 300) + "a", "12~aaaaaaaaaaaaaaaaa"} {
		if code, body := apiGet(t, m, "/v1/tail", url.Values{"cursor": {c}}, nil); code != http.StatusBadRequest {
			t.Errorf("cursor %q: %d %s", c, code, body)
		}
	}
}

// TestSearchPageEndpointsKeepScope: the page's endpoints need a token as
// /v1/search does, and a token for acme never sees globex through them.
func TestSearchPageEndpointsKeepScope(t *testing.T) {
	m, _ := tokenMediator(t, "")
	base := "http://" + m.HTTPAddr()
	for _, c := range []apiCall{
		{name: "page without token", path: "/", code: 200, want: "<!DOCTYPE html>", not: "secret"},
		{name: "histogram without token", path: "/v1/histogram?q=*&since=1h", code: 401},
		{name: "facets without token", path: "/v1/facets?field=message", code: 401},
		{name: "tail without token", path: "/v1/tail", code: 401},
		{name: "organizations without token", path: "/v1/organizations", code: 401},
		{name: "all histogram", path: "/v1/histogram?q=*&since=1h&until=0s", token: apiAllTok, code: 200, want: `"total":3`},
		{name: "acme histogram", path: "/v1/histogram?q=*&since=1h&until=0s", token: apiAcmeTok, code: 200, want: `"total":2`},
		{name: "acme histogram org=globex", path: "/v1/histogram?q=*&since=1h&org=globex", token: apiAcmeTok, code: 403},
		{name: "acme facets", path: "/v1/facets?q=*&field=message", token: apiAcmeTok, code: 200, want: "secret of acme", not: "globex"},
		{name: "acme facets org=globex", path: "/v1/facets?q=*&field=message&org=globex", token: apiAcmeTok, code: 403},
		{name: "acme tail", path: "/v1/tail?cursor=1", token: apiAcmeTok, code: 200, want: "secret of acme", not: "globex"},
		{name: "acme tail org=globex", path: "/v1/tail?org=globex", token: apiAcmeTok, code: 403},
		{name: "two-org tail without org=", path: "/v1/tail", token: apiTwoOrgTok, code: 400, want: "say which with org="},
		{name: "acme organizations", path: "/v1/organizations", token: apiAcmeTok, code: 200, want: `{"organizations":["acme"],"all":false}`},
		{name: "two-org organizations", path: "/v1/organizations", token: apiTwoOrgTok, code: 200, want: `["acme","globex"]`},
		{name: "all organizations", path: "/v1/organizations", token: apiAllTok, code: 200, want: `"all":true`},
	} {
		c.run(t, base)
	}
	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "connect-src 'self'") {
		t.Errorf("page CSP %q", csp)
	}
}
