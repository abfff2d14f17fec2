package mediator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/indexer/embedded"
	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/event"
)

// dayEvents writes n events a day for each organization and each of the
// days before now (day 1 = yesterday … day `days`).
func dayEvents(t *testing.T, idx indexer.Sink, orgs []string, now time.Time, days, n int) {
	t.Helper()
	var evs []*event.Event
	for _, org := range orgs {
		for d := 1; d <= days; d++ {
			for i := range n {
				ts := now.Add(-time.Duration(d) * 24 * time.Hour).Add(time.Duration(i) * time.Minute)
				evs = append(evs, &event.Event{ID: fmt.Sprintf("%s-%d-%d", org, d, i), Organization: org, Timestamp: ts, Message: fmt.Sprintf("line %d of day %d", i, d)})
			}
		}
	}
	if err := idx.Write(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
}

func countOrg(t *testing.T, idx indexer.Searcher, org string, since time.Time) int64 {
	t.Helper()
	n, err := idx.Count(context.Background(), indexer.SearchRequest{Query: "*", Organization: org, Since: since})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// The pruner drops each organization's whole days past its own horizon
// (the default or the organization's override), with an injected clock,
// and counts inside the horizon stay exact.
func TestRetentionPrunesPastTheHorizon(t *testing.T) {
	idx, err := embedded.Open(embedded.Config{Dir: t.TempDir()}, testkit.Logger(t, "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	now := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	dayEvents(t, idx, []string{"acme", "globex"}, now, 10, 5)

	var problems []string
	day := 24 * time.Hour
	r := &retention{index: idx, def: 3 * day, orgs: map[string]time.Duration{"acme": 6 * day}, clock: func() time.Time { return now },
		logger: testkit.Logger(t, "retention"), problem: func(s string) { problems = append(problems, s) }}
	r.once(context.Background())

	// globex keeps the days that end after now-3d: days 1-3 (day 3 is
	// 2026-03-17, which ends after 03-17 12:00); acme days 1-6.
	for org, keep := range map[string]int{"globex": 3, "acme": 6} {
		if got := countOrg(t, idx, org, time.Time{}); got != int64(keep*5) {
			t.Errorf("%s holds %d events, want %d (%d days kept)", org, got, keep*5, keep)
		}
	}
	st := r.status()
	if !st.Enabled || st.DaysRemoved != 7+4 || st.BytesRemoved == 0 || st.Runs != 1 || st.Failures != 0 || !st.LastRun.Equal(now) {
		t.Errorf("status = %+v", st)
	}
	if len(problems) != 1 || problems[0] != "" {
		t.Errorf("problems = %q, want one clear", problems)
	}

	// An organization kept forever (0) keeps everything.
	dayEvents(t, idx, []string{"initech"}, now, 10, 1)
	r.orgs["initech"] = 0
	r.once(context.Background())
	if got := countOrg(t, idx, "initech", time.Time{}); got != 10 {
		t.Errorf("initech (kept forever) holds %d events, want 10", got)
	}

	// A failing run is counted and raised; the next good one clears it.
	_ = idx.Close()
	r.once(context.Background())
	if st := r.status(); st.Failures != 1 || st.LastError == "" {
		t.Errorf("after a failed run: %+v", st)
	}
	if last := problems[len(problems)-1]; !strings.HasPrefix(last, "retention: pruning failed") {
		t.Errorf("last problem = %q", last)
	}
}

// Pruning while the pipeline indexes loses nothing inside the horizon.
func TestRetentionConcurrentWithIndexing(t *testing.T) {
	idx, err := embedded.Open(embedded.Config{Dir: t.TempDir()}, testkit.Logger(t, "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	now := time.Now().UTC()
	r := &retention{index: idx, def: 5 * 24 * time.Hour, clock: time.Now, logger: testkit.Logger(t, "retention")}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			r.once(ctx)
		}
	}()
	// Inside the horizon: today and the two days before; past it: day 9.
	const batches, per = 40, 50
	for b := range batches {
		var evs []*event.Event
		for i := range per {
			for _, d := range []int{0, 1, 2, 9} {
				evs = append(evs, &event.Event{ID: fmt.Sprintf("b%d-%d-d%d", b, i, d), Organization: "acme",
					Timestamp: now.Add(-time.Duration(d)*24*time.Hour - time.Duration(i)*time.Second), Message: "concurrent line"})
			}
		}
		if err := idx.Write(context.Background(), evs); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	wg.Wait()
	r.once(context.Background())
	inside := now.Add(-3 * 24 * time.Hour)
	if got, want := countOrg(t, idx, "acme", inside), int64(batches*per*3); got != want {
		t.Fatalf("inside the horizon: %d events, want %d", got, want)
	}
	if got := countOrg(t, idx, "acme", time.Time{}); got != int64(batches*per*3) {
		t.Fatalf("in all: %d events, want only the %d inside the horizon", got, batches*per*3)
	}
}

// The disk watch raises a warning under disk_warning_free, updates it
// with fresh figures while low, and clears it once.
func TestDiskWatch(t *testing.T) {
	var free int64 = 10 << 30
	var said []string
	w := newDiskWatch("/idx", 2<<30, 512<<20, func(s string) { said = append(said, s) })
	w.free = func(string) (int64, error) { return free, nil }
	w.check()
	free = 1 << 30
	w.check()
	free = 1<<30 - 1<<20
	w.check()
	free = 3 << 30
	w.check()
	w.check()
	want := []string{
		"index disk low: 1GiB free on /idx (disk_warning_free 2GiB); suspense stops intake under 512MiB",
		"index disk low: 1023MiB free on /idx (disk_warning_free 2GiB); suspense stops intake under 512MiB",
		"",
	}
	if fmt.Sprint(said) != fmt.Sprint(want) {
		t.Errorf("said %q, want %q", said, want)
	}
	if w.freeBytes.Load() != 3<<30 {
		t.Errorf("last measure %d", w.freeBytes.Load())
	}
	w.free = func(string) (int64, error) { return 0, errors.New("gone") }
	w.check() // no measure: nothing said
	if len(said) != 3 {
		t.Errorf("a failed measure said something: %q", said)
	}
}

// The admin API prunes a running mediator's index (dry run first), and
// the disk warning reaches /v1/status.
func TestPruneThroughTheAPI(t *testing.T) {
	m := testMediator(t, "")
	now := time.Now().UTC()
	dayEvents(t, m.Index(), []string{"acme"}, now, 5, 3)
	before := now.Add(-2 * 24 * time.Hour).Format(time.DateOnly)
	post := func(q string) (int, PruneResponse) {
		t.Helper()
		resp, err := http.Post("http://"+m.HTTPAddr()+"/v1/index/prune?"+q, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var pr PruneResponse
		_ = json.NewDecoder(resp.Body).Decode(&pr)
		return resp.StatusCode, pr
	}
	if code, _ := post("org=acme"); code != http.StatusBadRequest {
		t.Errorf("without before: %d", code)
	}
	code, dry := post("before=" + before + "&org=acme&dry_run=true")
	if code != http.StatusOK || !dry.DryRun || len(dry.Removed) != 3 || countOrg(t, m.Index(), "acme", time.Time{}) != 15 {
		t.Fatalf("dry run: %d %+v", code, dry)
	}
	code, pr := post("before=" + before + "&org=acme")
	if code != http.StatusOK || len(pr.Removed) != 3 || pr.Bytes == 0 {
		t.Fatalf("prune: %d %+v", code, pr)
	}
	if got := countOrg(t, m.Index(), "acme", time.Time{}); got != 6 {
		t.Errorf("after the prune acme holds %d events, want 6 (2 days)", got)
	}

	m.problemFor(WarningIndexDiskLow)("index disk low: test")
	st := m.Status()
	if len(st.Warnings) != 1 || st.Warnings[0].Kind != WarningIndexDiskLow {
		t.Errorf("warnings = %+v", st.Warnings)
	}
	if st.IndexDiskFree <= 0 || st.Archive != nil || st.Retention.Enabled {
		t.Errorf("status: disk %d, archive %+v, retention %+v", st.IndexDiskFree, st.Archive, st.Retention)
	}
}
