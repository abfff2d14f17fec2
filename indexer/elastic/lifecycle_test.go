package elastic

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/test/zinc"
)

// cat answers GET /_cat/indices/<prefix>* as Elasticsearch does with
// format=json&bytes=b: every index's store size as a string of bytes
// (here 1000 per document, 0 for the extra ones).
func (f *fakeES) cat(w http.ResponseWriter, r *http.Request) {
	pattern := strings.TrimPrefix(r.URL.Path, "/_cat/indices/")
	prefix, ok := strings.CutSuffix(pattern, "*")
	if !ok || r.URL.Query().Get("format") != "json" || r.URL.Query().Get("bytes") != "b" {
		f.t.Errorf("unexpected listing %s", r.URL)
	}
	rows := []map[string]any{}
	for name, n := range f.indices {
		if strings.HasPrefix(name, prefix) {
			rows = append(rows, map[string]any{"index": name, "store.size": fmt.Sprint(n * 1000)})
		}
	}
	for name := range f.extra {
		if strings.HasPrefix(name, prefix) {
			rows = append(rows, map[string]any{"index": name, "store.size": nil}) // closed
		}
	}
	_ = json.NewEncoder(w).Encode(rows)
}

// dayEvents makes n events a day for org on each day from first, at noon
// UTC, with ids unique per org and day.
func dayEvents(org string, first time.Time, days, n int) []*event.Event {
	var out []*event.Event
	for d := range days {
		for i := range n {
			ts := first.Add(time.Duration(d)*24*time.Hour + 12*time.Hour + time.Duration(i)*time.Second)
			out = append(out, &event.Event{ID: event.DocID(org+"-host", uint64(d*1000+i)), Organization: org, Timestamp: ts, Message: fmt.Sprintf("day %d line %d", d, i)})
		}
	}
	return out
}

func prunedNames(days []indexer.PrunedDay) []string {
	var out []string
	for _, d := range days {
		out = append(out, d.Name)
	}
	sort.Strings(out)
	return out
}

func TestParseIndexName(t *testing.T) {
	x := openTest(t, "http://127.0.0.1:1", nil)
	day := time.Date(2026, 11, 18, 0, 0, 0, 0, time.UTC)
	for name, want := range map[string]*dayIndex{
		"sluice-acme-2026.11.18":         {org: "acme", day: day},
		"sluice-acme_corp-2026.11.18":    {org: "acme_corp", day: day},
		"sluice-prod-acme-2026.11.18":    {org: "prod-acme", day: day}, // see Prune: overlapping prefixes
		"sluice-a.b+c-2026.11.18":        {org: "a.b+c", day: day},
		"sluice-acme-notes":              nil,
		"sluice-acme-2026.13.01":         nil,
		"sluice-acme-2026.1.18":          nil,
		"sluice-acme-2026.11.18-000001":  nil,
		"sluice--2026.11.18":             nil,
		"sluice-2026.11.18":              nil,
		"sluicex-acme-2026.11.18":        nil,
		"other-acme-2026.11.18":          nil,
		"sluice-Acme-2026.11.18":         nil, // not a name Write makes
		"sluice-acme-2026.11.18.archive": nil,
	} {
		got, ok := x.parseIndexName(name)
		switch {
		case want == nil && ok:
			t.Errorf("%s parsed as %+v; want no daily index", name, got)
		case want != nil && (!ok || got.org != want.org || !got.day.Equal(want.day) || got.name != name):
			t.Errorf("%s parsed as %+v, %v; want %+v", name, got, ok, want)
		}
	}
}

// The Elasticsearch side of Prune (GET /_cat/indices, DELETE /<index>)
// against the fake: ZincSearch answers neither (see lifecycle.go), so the
// real server below exercises its own API instead.
func TestPruneElasticsearchAPI(t *testing.T) {
	f, srv := newFakeES(t)
	x := openTest(t, srv.URL, func(c *Config) {
		c.Retention = 48 * time.Hour
		c.OrgRetention = map[string]time.Duration{"Globex Inc": 24 * time.Hour}
	})
	first := time.Date(2026, 11, 18, 0, 0, 0, 0, time.UTC)
	evs := append(dayEvents("acme", first, 4, 3), dayEvents("Globex Inc", first, 4, 2)...)
	if err := x.Write(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.extra["sluice-acme-notes"] = true
	f.extra["sluicex-acme-2026.11.18"] = true
	f.mu.Unlock()

	ctx := context.Background()
	orgs, err := x.Organizations(ctx)
	if err != nil || !slices.Equal(orgs, []string{"acme", "globex_inc"}) {
		t.Fatalf("Organizations = %v, %v", orgs, err)
	}
	before := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	dry, err := x.Prune(ctx, "acme", before, true)
	want := []string{"sluice-acme-2026.11.18", "sluice-acme-2026.11.19"}
	if err != nil || !slices.Equal(prunedNames(dry), want) {
		t.Fatalf("dry run = %+v, %v; want %v", dry, err, want)
	}
	if dry[0].Bytes != 3000 || dry[0].Organization != "acme" || dry[0].Day != "2026-11-18" {
		t.Errorf("dry run day %+v: want acme, 2026-11-18, 3000 bytes from the listing", dry[0])
	}
	if len(f.deleted) != 0 {
		t.Fatalf("dry run deleted %v", f.deleted)
	}
	// Expire at 2026-11-22 01:00: acme keeps 48 h (days ending by
	// 11-20 01:00 go: the 18th and 19th), Globex 24 h (up to the 20th).
	gone, err := x.Expire(ctx, time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC), false)
	want = []string{"sluice-acme-2026.11.18", "sluice-acme-2026.11.19", "sluice-globex_inc-2026.11.18", "sluice-globex_inc-2026.11.19", "sluice-globex_inc-2026.11.20"}
	if err != nil || !slices.Equal(prunedNames(gone), want) {
		t.Fatalf("Expire = %v, %v; want %v", prunedNames(gone), err, want)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if got := slices.Sorted(slices.Values(f.deleted)); !slices.Equal(got, want) {
		t.Errorf("deleted %v, want %v", got, want)
	}
	if !f.extra["sluice-acme-notes"] || !f.extra["sluicex-acme-2026.11.18"] {
		t.Errorf("an index not of the daily pattern was deleted: %v", f.deleted)
	}
}

// ILM feature detection. The server is a fake of Elasticsearch's ILM API
// (GET /_ilm/status, PUT /_ilm/policy/<name>): ILM cannot run here, so the
// test checks what Sluice sends, not that a cluster deletes on time. The
// ZincSearch test below covers a real server without ILM.
func TestLifecycleDetection(t *testing.T) {
	type lifecycle struct {
		Name  string `json:"index.lifecycle.name"`
		Parse bool   `json:"index.lifecycle.parse_origination_date"`
	}
	templateLifecycle := func(t *testing.T, f *fakeES) lifecycle {
		t.Helper()
		var tmpl struct {
			Template struct {
				Settings lifecycle `json:"settings"`
			} `json:"template"`
		}
		if err := json.Unmarshal(f.template, &tmpl); err != nil {
			t.Fatalf("template %s: %v", f.template, err)
		}
		return tmpl.Template.Settings
	}
	check := func(t *testing.T, f *fakeES, url string, cfg func(*Config)) *Index {
		t.Helper()
		x := openTest(t, url, cfg)
		if err := x.Check(context.Background()); err != nil {
			t.Fatal(err)
		}
		return x
	}
	t.Run("ilm", func(t *testing.T) {
		f, srv := newFakeES(t)
		f.ilm = true
		x := check(t, f, srv.URL, func(c *Config) {
			c.Retention = 30 * 24 * time.Hour
			c.OrgRetention = map[string]time.Duration{"acme": 90 * 24 * time.Hour, "globex": 7 * 24 * time.Hour}
		})
		if got := x.Lifecycle(); got != LifecycleILM {
			t.Errorf("Lifecycle = %q, want ilm", got)
		}
		var pol struct {
			Policy struct {
				Phases map[string]struct {
					MinAge  string         `json:"min_age"`
					Actions map[string]any `json:"actions"`
				} `json:"phases"`
			} `json:"policy"`
		}
		if err := json.Unmarshal(f.policy, &pol); err != nil {
			t.Fatalf("policy %s: %v", f.policy, err)
		}
		del, ok := pol.Policy.Phases["delete"]
		// The longest retention (acme's 90 days) plus the day itself.
		if !ok || len(pol.Policy.Phases) != 1 || del.MinAge != fmt.Sprintf("%ds", 91*24*3600) || del.Actions["delete"] == nil {
			t.Errorf("policy %s: want one delete phase at min_age 91 days", f.policy)
		}
		if got := templateLifecycle(t, f); got != (lifecycle{"sluice-retention", true}) {
			t.Errorf("template lifecycle settings %+v", got)
		}
	})
	t.Run("no ilm", func(t *testing.T) {
		f, srv := newFakeES(t) // answers /_ilm/status 404
		x := check(t, f, srv.URL, func(c *Config) { c.Retention = 24 * time.Hour })
		if got := x.Lifecycle(); got != LifecyclePrune {
			t.Errorf("Lifecycle = %q, want prune", got)
		}
		if got := templateLifecycle(t, f); got != (lifecycle{}) || f.policy != nil {
			t.Errorf("template lifecycle settings %+v, policy %s: want none", got, f.policy)
		}
	})
	t.Run("policy refused", func(t *testing.T) {
		f, srv := newFakeES(t)
		f.ilm, f.policyStatus = true, http.StatusForbidden
		x := check(t, f, srv.URL, func(c *Config) { c.Retention = 24 * time.Hour })
		if got := x.Lifecycle(); got != LifecyclePrune || templateLifecycle(t, f) != (lifecycle{}) {
			t.Errorf("Lifecycle = %q, template %s: want prune and no policy named", got, f.template)
		}
	})
	t.Run("retention turned off", func(t *testing.T) {
		// A policy from an earlier start with a retention: its indices
		// still name it, so it is replaced by one that deletes nothing.
		f, srv := newFakeES(t)
		f.ilm = true
		f.policy = []byte(`{"policy":{"phases":{"delete":{"min_age":"1d","actions":{"delete":{}}}}}}`)
		x := check(t, f, srv.URL, nil)
		if got := x.Lifecycle(); got != LifecyclePrune || templateLifecycle(t, f) != (lifecycle{}) {
			t.Errorf("Lifecycle = %q, template %s: want prune and no policy named", got, f.template)
		}
		if bytes.Contains(f.policy, []byte("delete")) || !bytes.Contains(f.policy, []byte(`"hot"`)) {
			t.Errorf("policy after retention was turned off: %s; want a hot phase only", f.policy)
		}
	})
	for name, cfg := range map[string]func(*Config){
		"no retention":       nil,
		"an org kept always": func(c *Config) { c.Retention = time.Hour; c.OrgRetention = map[string]time.Duration{"acme": 0} },
	} {
		t.Run(name, func(t *testing.T) {
			f, srv := newFakeES(t)
			f.ilm = true
			x := check(t, f, srv.URL, cfg)
			if got := x.Lifecycle(); got != LifecyclePrune || f.policy != nil || templateLifecycle(t, f) != (lifecycle{}) {
				t.Errorf("Lifecycle = %q, policy %s: want prune, no policy (nothing may delete every organization's days)", got, f.policy)
			}
		})
	}
}

// Write sends create (a stored id is kept), Replace sends index (it is
// overwritten), through the same bulk path.
func TestReplaceOverwrites(t *testing.T) {
	f, srv := newFakeES(t)
	x := openTest(t, srv.URL, nil)
	ctx := context.Background()
	evs := testEvents(3, "acme")
	if err := x.Write(ctx, evs); err != nil {
		t.Fatal(err)
	}
	evs[1].Message = "fixed by the new rules"
	if err := x.Write(ctx, evs); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	kept := f.stored[evs[1].ID]
	f.mu.Unlock()
	if strings.Contains(kept, "fixed") {
		t.Fatalf("Write overwrote a stored event: %s", kept)
	}
	if err := x.Replace(ctx, evs[1:2]); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !strings.Contains(f.stored[evs[1].ID], "fixed by the new rules") {
		t.Errorf("Replace did not overwrite: %s", f.stored[evs[1].ID])
	}
	if f.actions["create"] != 6 || f.actions["index"] != 1 {
		t.Errorf("bulk actions %v, want 6 create (two Writes) and 1 index (Replace)", f.actions)
	}
	if len(f.stored) != 3 {
		t.Errorf("%d documents stored, want 3", len(f.stored))
	}
}

// Prune and Organizations against a real server. ZincSearch has neither
// ILM nor the Elasticsearch API's index listing and deletion; Sluice uses
// its own API there (lifecycle.go).
func TestZincSearchLifecycle(t *testing.T) {
	srv := zinc.Start(t)
	ctx := context.Background()
	open := func(prefix string) *Index {
		x, err := Open(Config{Addresses: []string{srv.URL}, Username: zinc.User, Password: zinc.Password, IndexPrefix: prefix, Retention: 24 * time.Hour}, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { x.Close() })
		if err := x.Check(ctx); err != nil {
			t.Fatalf("Check: %v", err)
		}
		return x
	}
	x, other := open("sluice"), open("other")
	if got := x.Lifecycle(); got != LifecyclePrune {
		t.Errorf("Lifecycle on ZincSearch = %q, want prune (it has no ILM)", got)
	}
	first := time.Date(2026, 11, 18, 0, 0, 0, 0, time.UTC)
	evs := append(dayEvents("acme", first, 4, 5), dayEvents("Globex Inc", first, 4, 5)...)
	if err := x.Write(ctx, evs); err != nil {
		t.Fatal(err)
	}
	if err := other.Write(ctx, dayEvents("acme", first, 1, 5)); err != nil {
		t.Fatal(err)
	}
	// An index under the prefix that is not a day of Sluice's.
	if code, body, err := srv.Do(http.MethodPut, "/sluice-acme-notes", map[string]any{}); err != nil || code != http.StatusOK {
		t.Fatalf("create sluice-acme-notes: %d %s %v", code, body, err)
	}
	if n := srv.WaitTotal(t, "sluice-*", nil, 40, 30*time.Second); n != 40 {
		t.Fatalf("server holds %d documents, want 40", n)
	}

	orgs, err := x.Organizations(ctx)
	if err != nil || !slices.Equal(orgs, []string{"acme", "globex_inc"}) {
		t.Fatalf("Organizations = %v, %v; want acme and globex_inc (the names as index names hold them)", orgs, err)
	}
	before := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC) // the 18th and 19th end by then
	dry, err := x.Prune(ctx, "", before, true)
	want := []string{"sluice-acme-2026.11.18", "sluice-acme-2026.11.19", "sluice-globex_inc-2026.11.18", "sluice-globex_inc-2026.11.19"}
	if err != nil || !slices.Equal(prunedNames(dry), want) {
		t.Fatalf("dry run = %v, %v; want %v", prunedNames(dry), err, want)
	}
	for _, d := range dry {
		t.Logf("ZincSearch lists %s at %d bytes", d.Name, d.Bytes)
	}
	if n, _ := srv.Total("sluice-*", nil); n != 40 {
		t.Fatalf("after a dry run the server holds %d documents, want 40", n)
	}

	gone, err := x.Prune(ctx, "acme", before, false)
	if err != nil || !slices.Equal(prunedNames(gone), want[:2]) {
		t.Fatalf("Prune(acme) = %v, %v; want %v", prunedNames(gone), err, want[:2])
	}
	// The organization as written (not as the index spells it) works too.
	gone, err = x.Prune(ctx, "Globex Inc", before, false)
	if err != nil || !slices.Equal(prunedNames(gone), want[2:]) {
		t.Fatalf("Prune(Globex Inc) = %v, %v; want %v", prunedNames(gone), err, want[2:])
	}
	if again, err := x.Prune(ctx, "", before, false); err != nil || len(again) != 0 {
		t.Errorf("a second Prune = %v, %v; want nothing left to prune", again, err)
	}
	if n := srv.WaitTotal(t, "sluice-*", nil, 20, 30*time.Second); n != 20 {
		t.Errorf("after Prune the server holds %d documents, want 20 (two days of two organizations)", n)
	}
	for _, idx := range []string{"sluice-acme-2026.11.20", "sluice-globex_inc-2026.11.21"} {
		if n, err := srv.Total(idx, nil); err != nil || n != 5 {
			t.Errorf("%s: %d documents, %v; want 5 (kept)", idx, n, err)
		}
	}
	// What is not a daily index of this prefix survives.
	all, _, err := x.listIndices(ctx)
	if err != nil || !slices.ContainsFunc(all, func(ix namedIndex) bool { return ix.name == "sluice-acme-notes" }) {
		t.Errorf("sluice-acme-notes gone after Prune: %v, %v", all, err)
	}
	if n, err := srv.Total("other-acme-2026.11.18", nil); err != nil || n != 5 {
		t.Errorf("another prefix's index: %d documents, %v; want 5 (kept)", n, err)
	}
	if orgs, err := other.Organizations(ctx); err != nil || !slices.Equal(orgs, []string{"acme"}) {
		t.Errorf("the other prefix's Organizations = %v, %v", orgs, err)
	}
	// Retention 24 h at 2026-11-22 12:00: the 20th ended more than a day
	// ago, the 21st not yet.
	exp, err := x.Expire(ctx, time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC), true)
	want = []string{"sluice-acme-2026.11.20", "sluice-globex_inc-2026.11.20"}
	if err != nil || !slices.Equal(prunedNames(exp), want) {
		t.Errorf("Expire dry run = %v, %v; want %v", prunedNames(exp), err, want)
	}
}

// Replace overwrites a stored document on a real server: a search finds
// the new value. (ZincSearch's bulk create overwrites too, unlike
// Elasticsearch's; that Write keeps a stored id is
// TestReplaceOverwrites' on the fake, which answers create as
// Elasticsearch does.)
func TestZincSearchReplace(t *testing.T) {
	srv := zinc.Start(t)
	x, err := Open(Config{Addresses: []string{srv.URL}, Username: zinc.User, Password: zinc.Password}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	ctx := context.Background()
	evs := dayEvents("acme", time.Date(2026, 11, 18, 0, 0, 0, 0, time.UTC), 1, 3)
	for _, ev := range evs {
		ev.Set("user.name", "old")
	}
	if err := x.Write(ctx, evs); err != nil {
		t.Fatal(err)
	}
	if n := srv.WaitTotal(t, "sluice-*", map[string]any{"term": map[string]any{"user.name": "old"}}, 3, 30*time.Second); n != 3 {
		t.Fatalf("%d documents with the old value, want 3", n)
	}
	evs[1].Set("user.name", "new")
	if err := x.Replace(ctx, evs[1:2]); err != nil {
		t.Fatal(err)
	}
	if n := srv.WaitTotal(t, "sluice-*", map[string]any{"term": map[string]any{"user.name": "new"}}, 1, 30*time.Second); n != 1 {
		t.Fatalf("after Replace %d documents with the new value, want 1", n)
	}
	if n, err := x.Count(ctx, indexer.SearchRequest{Query: "user.name:old"}); err != nil || n != 2 {
		t.Errorf("after Replace %d documents with the old value, %v; want 2", n, err)
	}
	if n, err := x.Count(ctx, indexer.SearchRequest{}); err != nil || n != 3 {
		t.Errorf("after Replace %d documents, %v; want 3 (overwritten, not added)", n, err)
	}
}
