package elastic

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/indexer/query"
	"github.com/sluicehq/sluice/pkg/backoff"
	"github.com/sluicehq/sluice/pkg/event"
)

// fakeES speaks the Elasticsearch responses the error paths need: the
// product header, per-item statuses, whole-request 429/413/5xx. A real
// server (ZincSearch) covers the happy path in zinc_test.go; it cannot
// produce these answers.
type fakeES struct {
	t *testing.T
	// item decides the status of one create action (by document id and
	// how many times that id was sent before); 0 means 201.
	item func(id string, attempt int) int
	// request decides a whole-request status for a bulk with n actions
	// (0: answer per item).
	request   func(n, call int) int
	noProduct bool
	// ilm answers GET /_ilm/status 200 (Elasticsearch with ILM);
	// policyStatus, when set, answers the policy's PUT.
	ilm          bool
	policyStatus int

	mu       sync.Mutex
	actions  map[string]int // bulk action -> times seen
	policy   []byte
	extra    map[string]bool // indices made without bulk (not Sluice's)
	deleted  []string
	sent     map[string]int // id -> times sent
	stored   map[string]string
	indices  map[string]int
	bulks    []int // actions per bulk request
	template []byte
	auth     string
}

func newFakeES(t *testing.T) (*fakeES, *httptest.Server) {
	f := &fakeES{t: t, sent: map[string]int{}, stored: map[string]string{}, indices: map[string]int{}, actions: map[string]int{}, extra: map[string]bool{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeES) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !f.noProduct {
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
	}
	w.Header().Set("Content-Type", "application/json")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.auth = r.Header.Get("Authorization")
	body, _ := io.ReadAll(r.Body)
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/":
		fmt.Fprint(w, `{"name":"fake","version":{"number":"8.19.0"},"tagline":"You Know, for Search"}`)
	case r.Method == http.MethodPut && strings.HasPrefix(r.URL.Path, "/_index_template/"):
		f.template = body
		fmt.Fprint(w, `{"acknowledged":true}`)
	case r.Method == http.MethodPost && r.URL.Path == "/_bulk":
		f.bulk(w, body)
	case r.Method == http.MethodGet && r.URL.Path == "/_ilm/status" && f.ilm:
		fmt.Fprint(w, `{"operation_mode":"RUNNING"}`)
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/_ilm/policy/") && f.ilm && f.policy != nil:
		fmt.Fprintf(w, `{%q:{"policy":%s}}`, strings.TrimPrefix(r.URL.Path, "/_ilm/policy/"), f.policy)
	case r.Method == http.MethodPut && strings.HasPrefix(r.URL.Path, "/_ilm/policy/") && f.ilm:
		if f.policyStatus >= 300 {
			w.WriteHeader(f.policyStatus)
			fmt.Fprintf(w, `{"error":{"type":"security_exception","reason":"action [cluster:admin/ilm/put] is unauthorized"},"status":%d}`, f.policyStatus)
			return
		}
		f.policy = body
		fmt.Fprint(w, `{"acknowledged":true}`)
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/_cat/indices/"):
		f.cat(w, r)
	case r.Method == http.MethodDelete && !strings.Contains(r.URL.Path[1:], "/"):
		name := r.URL.Path[1:]
		if _, ok := f.indices[name]; !ok && !f.extra[name] {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprintf(w, `{"error":{"type":"index_not_found_exception","reason":"no such index [%s]"},"status":404}`, name)
			return
		}
		delete(f.indices, name)
		delete(f.extra, name)
		f.deleted = append(f.deleted, name)
		fmt.Fprint(w, `{"acknowledged":true}`)
	default:
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, `{"error":{"type":"not_found","reason":"%s %s"}}`, r.Method, r.URL.Path)
	}
}

func (f *fakeES) bulk(w http.ResponseWriter, body []byte) {
	type target struct {
		Index string `json:"_index"`
		ID    string `json:"_id"`
	}
	type action struct {
		name   string
		Create target
	}
	var acts []action
	var docs []string
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var line map[string]target
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil || len(line) != 1 {
			f.t.Errorf("bad action line %q", sc.Text())
		}
		var a action
		for name, tg := range line {
			a = action{name, tg}
		}
		if (a.name != "create" && a.name != "index") || a.Create.ID == "" {
			f.t.Errorf("bad action line %q", sc.Text())
		}
		f.actions[a.name]++
		if !sc.Scan() {
			f.t.Errorf("action without document")
			break
		}
		acts = append(acts, a)
		docs = append(docs, sc.Text())
	}
	f.bulks = append(f.bulks, len(acts))
	if f.request != nil {
		if code := f.request(len(acts), len(f.bulks)); code != 0 {
			w.WriteHeader(code)
			fmt.Fprintf(w, `{"error":{"type":"test","reason":"status %d"},"status":%d}`, code, code)
			return
		}
	}
	var items []string
	errs := false
	for i, a := range acts {
		id := a.Create.ID
		code := 0
		if f.item != nil {
			code = f.item(id, f.sent[id])
		}
		f.sent[id]++
		_, dup := f.stored[id]
		if code == 0 {
			code = http.StatusCreated
			switch {
			case dup && a.name == "create":
				code = http.StatusConflict
			case dup:
				code = http.StatusOK // index: overwritten
			}
		}
		if code == http.StatusCreated || code == http.StatusOK {
			f.stored[id] = docs[i]
			if !dup {
				f.indices[a.Create.Index]++
			}
		}
		if code >= 300 {
			errs = true
			items = append(items, fmt.Sprintf(`{%q:{"_index":%q,"_id":%q,"status":%d,"error":{"type":"mapper_parsing_exception","reason":"failed to parse field [source.ip] of type [ip]"}}}`, a.name, a.Create.Index, id, code))
		} else {
			items = append(items, fmt.Sprintf(`{%q:{"_index":%q,"_id":%q,"status":%d,"result":"created"}}`, a.name, a.Create.Index, id, code))
		}
	}
	fmt.Fprintf(w, `{"took":1,"errors":%v,"items":[%s]}`, errs, strings.Join(items, ","))
}

func testEvents(n int, org string) []*event.Event {
	out := make([]*event.Event, n)
	ts := time.Date(2026, 12, 1, 23, 59, 59, 0, time.UTC)
	for i := range out {
		ev := &event.Event{ID: event.DocID(org+"-web-01", uint64(i)), Organization: org, Timestamp: ts.Add(time.Duration(i) * time.Millisecond), Message: fmt.Sprintf("line %d", i)}
		ev.Set("source.ip", "10.0.0.5")
		ev.Set("user.name", "bob")
		out[i] = ev
	}
	return out
}

func openTest(t *testing.T, url string, mod func(*Config)) *Index {
	t.Helper()
	cfg := Config{
		Addresses: []string{url},
		Username:  "elastic", Password: "secret",
		Backoff:  backoff.Policy{Base: time.Millisecond, Max: 5 * time.Millisecond},
		RetryFor: 2 * time.Second,
	}
	if mod != nil {
		mod(&cfg)
	}
	x, err := Open(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

func TestWriteOutcomes(t *testing.T) {
	poison := event.DocID("acme-web-01", 3)
	flaky := event.DocID("acme-web-01", 5)
	tests := []struct {
		name     string
		item     func(id string, attempt int) int
		request  func(n, call int) int
		bulk     int
		wantErr  bool
		rejected []int // positions
		stored   int
		minBulks int
		// for wantErr: the status the error names, the most requests
		maxBulks   int
		wantStatus string
	}{
		{name: "all created", stored: 10, minBulks: 1},
		{name: "409 counts as stored", item: func(id string, _ int) int {
			if id == poison {
				return http.StatusConflict
			}
			return 0
		}, stored: 9},
		{name: "400 mapping error is rejected, the rest stored", item: func(id string, _ int) int {
			if id == poison {
				return http.StatusBadRequest
			}
			return 0
		}, rejected: []int{3}, stored: 9},
		{name: "item 429 and 503 retried", item: func(id string, attempt int) int {
			if id == flaky && attempt < 2 {
				return []int{http.StatusTooManyRequests, http.StatusServiceUnavailable}[attempt]
			}
			return 0
		}, stored: 10},
		{name: "whole request 429 then ok", request: func(_, call int) int {
			if call < 3 {
				return http.StatusTooManyRequests
			}
			return 0
		}, stored: 10},
		{name: "whole request 502 returns at once", request: func(_, _ int) int { return http.StatusBadGateway }, wantErr: true, wantStatus: "502", maxBulks: 1},
		{name: "413 splits the batch", request: func(n, _ int) int {
			if n > 3 {
				return http.StatusRequestEntityTooLarge
			}
			return 0
		}, stored: 10, minBulks: 5},
		{name: "bulk_actions splits requests", bulk: 3, stored: 10, minBulks: 4},
		{name: "429 outlasting retry_for is an error", request: func(_, _ int) int { return http.StatusTooManyRequests }, wantErr: true, wantStatus: "429"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, srv := newFakeES(t)
			f.item, f.request = tt.item, tt.request
			x := openTest(t, srv.URL, func(c *Config) {
				if tt.bulk > 0 {
					c.BulkActions = tt.bulk
				}
				if tt.wantErr {
					c.RetryFor = 50 * time.Millisecond
				}
				c.Backoff = backoff.Policy{Base: time.Millisecond, Max: 5 * time.Millisecond}
			})
			if tt.name == "409 counts as stored" {
				// The poison id is "already there": stored by an
				// earlier attempt the mediator did not see confirmed.
				f.stored[poison] = "{}"
			}
			err := x.Write(context.Background(), testEvents(10, "acme"))
			var rej *indexer.RejectedError
			switch {
			case tt.wantErr:
				if err == nil || errors.As(err, &rej) {
					t.Fatalf("want a retryable error, got %v", err)
				}
				if !strings.Contains(err.Error(), tt.wantStatus) || !strings.Contains(err.Error(), `"acme"`) {
					t.Errorf("error should name the status %s and the organization: %v", tt.wantStatus, err)
				}
				f.mu.Lock()
				defer f.mu.Unlock()
				if tt.maxBulks > 0 && len(f.bulks) > tt.maxBulks {
					t.Errorf("%d bulk requests; a cluster failure should return after %d", len(f.bulks), tt.maxBulks)
				}
				return
			case len(tt.rejected) > 0:
				if !errors.As(err, &rej) {
					t.Fatalf("want *RejectedError, got %v", err)
				}
				if len(rej.Reasons) != len(tt.rejected) {
					t.Fatalf("rejected %v, want positions %v", rej.Reasons, tt.rejected)
				}
				for _, p := range tt.rejected {
					if !strings.Contains(rej.Reasons[p], "mapper_parsing_exception") {
						t.Errorf("reason for %d = %q, want the cluster's reason", p, rej.Reasons[p])
					}
				}
			case err != nil:
				t.Fatalf("Write: %v", err)
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			created := 0
			for id := range f.stored {
				if id != poison || tt.name != "409 counts as stored" {
					created++
				}
			}
			if created != tt.stored {
				t.Errorf("stored %d documents, want %d", created, tt.stored)
			}
			if len(f.bulks) < tt.minBulks {
				t.Errorf("%d bulk requests, want at least %d (%v)", len(f.bulks), tt.minBulks, f.bulks)
			}
			if tt.bulk > 0 {
				for _, n := range f.bulks {
					if n > tt.bulk {
						t.Errorf("a bulk request held %d actions, more than bulk_actions = %d", n, tt.bulk)
					}
				}
			}
		})
	}
}

func TestWriteIndexPerOrganizationAndDay(t *testing.T) {
	f, srv := newFakeES(t)
	x := openTest(t, srv.URL, func(c *Config) { c.IndexPrefix = "logs" })
	evs := append(testEvents(2000, "Acme Corp"), testEvents(3, "default")...)
	// Resending everything (a lost acknowledgement) adds nothing.
	for range 2 {
		if err := x.Write(context.Background(), evs); err != nil {
			t.Fatal(err)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	want := map[string]int{
		"logs-acme_corp-2026.12.01": 1000, // 23:59:59.000 + up to 999 ms
		"logs-acme_corp-2026.12.02": 1000,
		"logs-default-2026.12.01":   3,
	}
	for idx, n := range want {
		if f.indices[idx] != n {
			t.Errorf("index %s holds %d documents, want %d (all: %v)", idx, f.indices[idx], n, f.indices)
		}
	}
	if len(f.stored) != 2003 {
		t.Errorf("stored %d distinct ids, want 2003", len(f.stored))
	}
	if !strings.HasPrefix(f.auth, "Basic ") {
		t.Errorf("no basic auth sent: %q", f.auth)
	}
	var tmpl map[string]any
	if err := json.Unmarshal(f.template, &tmpl); err != nil {
		t.Fatalf("template: %v", err)
	}
	if p := tmpl["index_patterns"].([]any)[0]; p != "logs-*-*.*.*" {
		t.Errorf("template pattern %v", p)
	}
	if !bytes.Contains(f.template, []byte(`"ip":{"type":"ip"}`)) {
		t.Errorf("template lacks the ECS ip type: %s", f.template)
	}
}

func TestCheckErrors(t *testing.T) {
	t.Run("not elasticsearch", func(t *testing.T) {
		f, srv := newFakeES(t)
		f.noProduct = true
		x := openTest(t, srv.URL, nil)
		err := x.Check(context.Background())
		if err == nil || !errors.Is(err, ErrNotReady) || !strings.Contains(err.Error(), "not Elasticsearch") || !strings.Contains(err.Error(), srv.URL) {
			t.Fatalf("Check = %v; want ErrNotReady naming the address and the missing product header", err)
		}
		// Write keeps failing (the mediator keeps entries in state).
		if err := x.Write(context.Background(), testEvents(1, "a")); !errors.Is(err, ErrNotReady) {
			t.Fatalf("Write = %v, want ErrNotReady", err)
		}
	})
	t.Run("wrong credentials", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Elastic-Product", "Elasticsearch")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":{"type":"security_exception","reason":"unable to authenticate user [elastic]"},"status":401}`)
		}))
		defer srv.Close()
		err := openTest(t, srv.URL, nil).Check(context.Background())
		if err == nil || !strings.Contains(err.Error(), "credentials refused") || !strings.Contains(err.Error(), "unable to authenticate") {
			t.Fatalf("Check = %v", err)
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL
		srv.Close()
		err := openTest(t, url, nil).Check(context.Background())
		if err == nil || !strings.Contains(err.Error(), "cannot reach") || !strings.Contains(err.Error(), url) {
			t.Fatalf("Check = %v", err)
		}
	})
	t.Run("recovers when the cluster comes back", func(t *testing.T) {
		f, srv := newFakeES(t)
		f.noProduct = true
		x := openTest(t, srv.URL, nil)
		if x.Check(context.Background()) == nil {
			t.Fatal("Check passed without the product header")
		}
		f.mu.Lock()
		f.noProduct = false
		f.mu.Unlock()
		if err := x.Write(context.Background(), testEvents(5, "a")); err != nil {
			t.Fatalf("Write after the cluster came back: %v", err)
		}
	})
}

func TestQueryTranslation(t *testing.T) {
	tests := []struct {
		q    string
		want string
	}{
		{`*`, `{"match_all":{}}`},
		{`user.name:root`, `{"term":{"user.name":{"value":"root"}}}`},
		{`"Failed password"`, `{"match_phrase":{"message":"Failed password"}}`},
		{`user.name:root AND NOT source.ip:10.0.0.5`, `{"bool":{"must":[{"term":{"user.name":{"value":"root"}}},{"bool":{"must_not":[{"term":{"source.ip":{"value":"10.0.0.5"}}}]}}]}}`},
		{`a OR b`, `{"bool":{"minimum_should_match":1,"should":[{"match_phrase":{"message":"a"}},{"match_phrase":{"message":"b"}}]}}`},
		{`source.port:[1024 TO 2048}`, `{"range":{"source.port":{"gte":1024,"lt":2048}}}`},
		{`user.name:ro*`, `{"wildcard":{"user.name":{"value":"ro*"}}}`},
		{`user.name:*`, `{"exists":{"field":"user.name"}}`},
		{`@timestamp:2026-01-10`, `{"range":{"@timestamp":{"gte":"2026-01-10T00:00:00Z","lt":"2026-01-11T00:00:00Z"}}}`},
	}
	for _, tt := range tests {
		q, err := Query(indexer.SearchRequest{Query: tt.q})
		if err != nil {
			t.Errorf("%q: %v", tt.q, err)
			continue
		}
		got, _ := json.Marshal(q)
		if string(got) != tt.want {
			t.Errorf("%q\n got %s\nwant %s", tt.q, got, tt.want)
		}
	}
	if _, err := Query(indexer.SearchRequest{Query: `user.name:(`}); !errors.Is(err, indexer.ErrBadQuery) {
		t.Errorf("bad query: %v, want ErrBadQuery", err)
	}
	since := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	q, _ := Query(indexer.SearchRequest{Query: "*", Since: since})
	got, _ := json.Marshal(q)
	if want := `{"bool":{"filter":[{"range":{"@timestamp":{"gte":"2026-01-01T00:00:00Z"}}}],"must":[{"match_all":{}}]}}`; string(got) != want {
		t.Errorf("since:\n got %s\nwant %s", got, want)
	}
}

func TestIndexNames(t *testing.T) {
	x, err := Open(Config{Addresses: []string{"http://127.0.0.1:1"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := time.Date(2026, 3, 4, 23, 30, 0, 0, time.FixedZone("x", -3600))
	for org, want := range map[string]string{
		"default":   "sluice-default-2026.03.05",
		"ACME/Prod": "sluice-acme_prod-2026.03.05",
		"":          "sluice-default-2026.03.05",
		"a b,c*d?e": "sluice-a_b_c_d_e-2026.03.05",
	} {
		if got := x.indexName(org, ts); got != want {
			t.Errorf("indexName(%q) = %q, want %q", org, got, want)
		}
	}
	for _, bad := range []string{"Sluice", "_x", "-x", "a*"} {
		if _, err := Open(Config{Addresses: []string{"http://x"}, IndexPrefix: bad}, nil); err == nil {
			t.Errorf("prefix %q accepted", bad)
		}
	}
}

// searchServer answers _search with body (after wait), recording the
// timeout parameter of each request.
func searchServer(t *testing.T, wait time.Duration, body string) (*httptest.Server, *[]string) {
	t.Helper()
	var mu sync.Mutex
	var timeouts []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/":
			fmt.Fprint(w, `{"version":{"number":"8.19.0"}}`)
		case strings.HasPrefix(r.URL.Path, "/_index_template/"):
			fmt.Fprint(w, `{"acknowledged":true}`)
		case strings.HasSuffix(r.URL.Path, "/_search"):
			// Read the body, so that the server notices a client
			// that gives up.
			_, _ = io.Copy(io.Discard, r.Body)
			mu.Lock()
			timeouts = append(timeouts, r.URL.Query().Get("timeout"))
			mu.Unlock()
			select {
			case <-time.After(wait):
			case <-r.Context().Done():
				return
			}
			fmt.Fprint(w, body)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &timeouts
}

// TestSearchCost checks the bounds of one search on Elasticsearch: the
// caller's deadline is sent as the cluster's search timeout, a search
// the cluster stopped at it (timed_out) or that outlives it ends with
// context.DeadlineExceeded, the documents returned stop at MaxBytes, and
// a query over its limits is refused before anything is sent.
func TestSearchCost(t *testing.T) {
	hits := `{"timed_out":false,"hits":{"total":{"value":3},"hits":[{"_source":{"n":"1111111111"}},{"_source":{"n":"2222222222"}},{"_source":{"n":"3333333333"}}]}}`
	t.Run("deadline becomes the search timeout", func(t *testing.T) {
		srv, timeouts := searchServer(t, 0, hits)
		x := openTest(t, srv.URL, nil)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		docs, err := x.Search(ctx, indexer.SearchRequest{Query: "*"})
		if err != nil || len(docs) != 3 {
			t.Fatalf("Search = %d documents, %v", len(docs), err)
		}
		if _, err := x.Search(context.Background(), indexer.SearchRequest{Query: "*"}); err != nil {
			t.Fatal(err)
		}
		ms, err := strconv.Atoi(strings.TrimSuffix((*timeouts)[0], "ms"))
		if err != nil || ms <= 9000 || ms > 10000 || (*timeouts)[1] != "" {
			t.Fatalf("timeout parameters %q, want about 10000ms, then none without a deadline", *timeouts)
		}
	})
	t.Run("timed out on the cluster", func(t *testing.T) {
		srv, _ := searchServer(t, 0, `{"timed_out":true,"hits":{"total":{"value":1},"hits":[{"_source":{}}]}}`)
		x := openTest(t, srv.URL, nil)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := x.Search(ctx, indexer.SearchRequest{Query: "*"}); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Search = %v, want context.DeadlineExceeded", err)
		}
		if _, err := x.Count(ctx, indexer.SearchRequest{Query: "*"}); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Count = %v, want context.DeadlineExceeded", err)
		}
	})
	t.Run("cluster slower than the deadline", func(t *testing.T) {
		srv, _ := searchServer(t, 30*time.Second, hits)
		x := openTest(t, srv.URL, nil)
		if err := x.Check(context.Background()); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := x.Search(ctx, indexer.SearchRequest{Query: "*"})
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 10*time.Second {
			t.Fatalf("Search = %v after %v, want context.DeadlineExceeded at the deadline", err, time.Since(start))
		}
	})
	t.Run("byte budget", func(t *testing.T) {
		srv, _ := searchServer(t, 0, hits)
		x := openTest(t, srv.URL, nil)
		for budget, want := range map[int64]int{0: 3, 1: 1, 18: 1, 19: 2, 36: 2, 37: 3} {
			docs, err := x.Search(context.Background(), indexer.SearchRequest{Query: "*", MaxBytes: budget})
			if err != nil || len(docs) != want {
				t.Errorf("MaxBytes %d: %d documents (%v), want %d", budget, len(docs), err, want)
			}
		}
	})
	t.Run("query limits", func(t *testing.T) {
		srv, timeouts := searchServer(t, 0, hits)
		x := openTest(t, srv.URL, nil)
		huge := `"` + strings.TrimSpace(strings.Repeat("failed ", 100_000)) + `"`
		var le *query.LimitError
		if _, err := x.Search(context.Background(), indexer.SearchRequest{Query: huge}); !errors.As(err, &le) || !errors.Is(err, indexer.ErrBadQuery) {
			t.Fatalf("Search of a 100,000-word phrase = %v, want a LimitError", err)
		}
		if len(*timeouts) != 0 {
			t.Fatal("the query was sent")
		}
	})
}
