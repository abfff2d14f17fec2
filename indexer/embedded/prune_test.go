package embedded

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/pkg/event"
)

func TestOrgNameRoundTrip(t *testing.T) {
	for _, org := range []string{"acme", "Acme Corp", "../etc", "a/b", ".hidden", "100%", "x.y", "é", "%41", "a%2"} {
		dir := orgDir(org)
		got, ok := orgName(dir)
		if !ok || got != org {
			t.Errorf("orgName(orgDir(%q) = %q) = %q, %v", org, dir, got, ok)
		}
	}
	if got, ok := orgName(orgDir("")); !ok || got != event.DefaultOrganization {
		t.Errorf("the empty organization: %q, %v; want %q", got, ok, event.DefaultOrganization)
	}
	// Names orgDir never writes are not organizations.
	for _, dir := range []string{"", ".tmp", "a b", "%4", "%zz", "%2e", "%41", "a%2F%"} {
		if got, ok := orgName(dir); ok {
			t.Errorf("orgName(%q) = %q, want not an organization", dir, got)
		}
	}
}

func FuzzOrgName(f *testing.F) {
	for _, s := range []string{"acme", "../etc", ".x", "100%", "%41", "a%2Fb", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if s != "" {
			if got, ok := orgName(orgDir(s)); !ok || got != s {
				t.Fatalf("orgName(orgDir(%q)) = %q, %v", s, got, ok)
			}
		}
		// Any directory name: accepted only as orgDir's spelling.
		if name, ok := orgName(s); ok && orgDir(name) != s {
			t.Fatalf("orgName(%q) = %q, but orgDir gives %q", s, name, orgDir(name))
		}
	})
}

// dayAt is the start of day n after day0.
func dayAt(n int) time.Time { return day0.Add(time.Duration(n) * 24 * time.Hour) }

// tenDays writes 50 events a day over ten days for acme and globex and
// returns the sequence numbers written per organization and day.
func tenDays(t *testing.T, x *Index) map[string]map[int][]int64 {
	seqs := map[string]map[int][]int64{}
	for o, org := range []string{"acme", "globex"} {
		seqs[org] = map[int][]int64{}
		for d := range 10 {
			seq := uint64(o*1_000_000 + d*1000 + 1)
			events := genEvents(org, seq, 50, dayAt(d).Add(time.Duration(d)*time.Hour), time.Minute)
			write(t, x, events)
			for i := range events {
				seqs[org][d] = append(seqs[org][d], int64(seq)+int64(i))
			}
		}
	}
	return seqs
}

func TestPrune(t *testing.T) {
	dir := t.TempDir()
	x := openTest(t, Config{Dir: dir})
	ctx := context.Background()
	seqs := tenDays(t, x)
	if orgs, err := x.Organizations(ctx); err != nil || !slices.Equal(orgs, []string{"acme", "globex"}) {
		t.Fatalf("Organizations = %v, %v", orgs, err)
	}
	before := dayAt(7).Add(3 * time.Hour) // days 0–6 end before it
	dry, err := x.Prune(ctx, "acme", before, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(dry) != 7 {
		t.Fatalf("dry run lists %d days, want 7: %v", len(dry), dry)
	}
	for i, d := range dry {
		want := indexer.PrunedDay{Organization: "acme", Day: dayName(dayOf(dayAt(i).UnixNano())), Name: filepath.Join(dir, "acme", dayName(dayOf(dayAt(i).UnixNano()))+".db")}
		if d.Organization != want.Organization || d.Day != want.Day || d.Name != want.Name || d.Bytes <= 0 {
			t.Errorf("dry run day %d = %+v, want %+v with its size", i, d, want)
		}
		if _, err := os.Stat(d.Name); err != nil {
			t.Errorf("dry run removed %s: %v", d.Name, err)
		}
	}
	if n := count(t, x, indexer.SearchRequest{Organization: "acme"}); n != 500 {
		t.Fatalf("after the dry run acme has %d events, want 500", n)
	}

	// Sizes change as files are opened (a reader makes the
	// shared-memory file): measured after the counts.
	bytesBefore, days, err := x.DiskUsage("acme")
	if err != nil || days != 10 || bytesBefore == 0 {
		t.Fatalf("DiskUsage(acme) = %d, %d, %v; want 10 days", bytesBefore, days, err)
	}
	pruned, err := x.Prune(ctx, "acme", before, false)
	if err != nil {
		t.Fatal(err)
	}
	var prunedBytes int64
	for i := range pruned {
		if pruned[i].Organization != dry[i].Organization || pruned[i].Day != dry[i].Day || pruned[i].Name != dry[i].Name {
			t.Errorf("pruned %+v, the dry run listed %+v", pruned[i], dry[i])
		}
		prunedBytes += pruned[i].Bytes
	}
	if len(pruned) != len(dry) {
		t.Fatalf("pruned %d days, the dry run listed %d", len(pruned), len(dry))
	}
	left, _ := filepath.Glob(filepath.Join(dir, "acme", "*"))
	var wantLeft []string
	for d := 7; d < 10; d++ {
		base := filepath.Join(dir, "acme", dayName(dayOf(dayAt(d).UnixNano())))
		wantLeft = append(wantLeft, base+".db", base+".fts.db")
	}
	for _, f := range left {
		if day, ok := dayOfFile(filepath.Base(f)); !ok || day < dayOf(dayAt(7).UnixNano()) {
			t.Errorf("file left: %s", f)
		}
	}
	for _, f := range wantLeft {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("kept day's file: %v", err)
		}
	}
	bytesAfter, days, err := x.DiskUsage("acme")
	if err != nil || days != 3 || bytesAfter+prunedBytes != bytesBefore {
		t.Errorf("DiskUsage(acme) after = %d, %d, %v; want 3 days and %d-%d bytes", bytesAfter, days, err, bytesBefore, prunedBytes)
	}
	if all, days, err := x.DiskUsage(""); err != nil || days != 13 || all <= bytesAfter {
		t.Errorf("DiskUsage() = %d, %d, %v; want 13 days", all, days, err)
	}

	// The kept range, and globex, are exactly what was written.
	var wantAcme, wantGlobex []int64
	for d := range 10 {
		if d >= 7 {
			wantAcme = append(wantAcme, seqs["acme"][d]...)
		}
		wantGlobex = append(wantGlobex, seqs["globex"][d]...)
	}
	for _, tc := range []struct {
		req  indexer.SearchRequest
		want []int64
	}{
		{indexer.SearchRequest{Organization: "acme"}, wantAcme},
		{indexer.SearchRequest{Organization: "acme", Since: dayAt(5), Until: dayAt(8)}, seqs["acme"][7]},
		{indexer.SearchRequest{Organization: "globex"}, wantGlobex},
		{indexer.SearchRequest{Organization: "acme", Until: dayAt(7)}, nil},
	} {
		tc.req.Limit = 10_000
		got := searchSeqs(t, x, tc.req)
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("Search(%+v): %d events, want %d", tc.req, len(got), len(tc.want))
		}
		if n := count(t, x, tc.req); n != int64(len(tc.want)) {
			t.Errorf("Count(%+v) = %d, want %d", tc.req, n, len(tc.want))
		}
	}
	compareCounts(t, x, []indexer.SearchRequest{
		{Since: dayAt(7).Add(90*time.Minute + 30*time.Second), Until: dayAt(9).Add(10 * time.Hour)},
		{Organization: "acme", Until: dayAt(8).Add(8*time.Hour + 20*time.Second)},
		{},
	})

	// Pruning everything of acme leaves globex the only organization.
	if _, err := x.Prune(ctx, "acme", dayAt(10), false); err != nil {
		t.Fatal(err)
	}
	if orgs, err := x.Organizations(ctx); err != nil || !slices.Equal(orgs, []string{"globex"}) {
		t.Fatalf("Organizations = %v, %v", orgs, err)
	}
	// Nothing of the other organization went, and a day pruned comes
	// back when written again.
	if n := count(t, x, indexer.SearchRequest{}); n != 500 {
		t.Fatalf("count %d, want globex's 500", n)
	}
	write(t, x, genEvents("acme", 1, 10, dayAt(2), time.Second))
	if n := count(t, x, indexer.SearchRequest{Organization: "acme", Query: "*"}); n != 10 {
		t.Fatalf("rewritten day: %d events", n)
	}
}

// TestPruneConcurrent prunes again and again while writers write events
// inside the horizon and past it and searches run: nothing inside the
// horizon is lost, no search fails, and no day file is left half
// removed (full text and columns agree on every day that remains).
func TestPruneConcurrent(t *testing.T) {
	x := openTest(t, Config{MaxOpenWriters: 2, MaxOpenReaders: 4})
	ctx := context.Background()
	horizon := dayAt(5)
	const writers, batches, perDay = 4, 20, 30
	var written atomic.Int64 // events inside the horizon, committed
	var wantSeqs [writers][]int64
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for w := range writers {
		wg.Go(func() {
			org := []string{"acme", "globex"}[w%2]
			for b := range batches {
				seq := uint64(w*1_000_000 + b*1000 + 1)
				offset := time.Duration(w)*time.Hour + time.Duration(b)*time.Minute
				inside := genEvents(org, seq, perDay, dayAt(5+b%5).Add(offset), time.Second)
				past := genEvents(org, seq+500, perDay, dayAt(b%5).Add(offset), time.Second)
				if err := x.Write(ctx, append(past, inside...)); err != nil {
					errs <- fmt.Errorf("write: %w", err)
					return
				}
				for i := range inside {
					wantSeqs[w] = append(wantSeqs[w], int64(seq)+int64(i))
				}
				written.Add(perDay)
			}
		})
	}
	done := make(chan struct{})
	var bg sync.WaitGroup
	prunes, removed := 0, 0
	bg.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			days, err := x.Prune(ctx, "", horizon, false)
			if err != nil {
				errs <- fmt.Errorf("prune: %w", err)
				return
			}
			prunes++
			removed += len(days)
		}
	})
	for q := range 2 {
		bg.Go(func() {
			query := []string{"*", "password"}[q]
			var last int64
			for {
				select {
				case <-done:
					return
				default:
				}
				// Inside the horizon counts only grow, and at least
				// what Write has returned is there.
				min := written.Load()
				n, err := x.Count(ctx, indexer.SearchRequest{Query: query, Since: horizon})
				if err != nil {
					errs <- fmt.Errorf("count: %w", err)
					return
				}
				if n < last || query == "*" && n < min {
					errs <- fmt.Errorf("count %q went from %d to %d (%d written)", query, last, n, min)
					return
				}
				last = n
				// Over pruned days, files vanish under the search.
				if _, err := x.Search(ctx, indexer.SearchRequest{Query: query, Limit: 20}); err != nil {
					errs <- fmt.Errorf("search: %w", err)
					return
				}
				if _, err := x.Count(ctx, indexer.SearchRequest{Query: query, Until: horizon}); err != nil {
					errs <- fmt.Errorf("count before the horizon: %w", err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(done)
	bg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		return
	}
	t.Logf("%d prunes removed %d days", prunes, removed)
	if removed == 0 {
		t.Fatal("no day was pruned while the writers wrote")
	}

	// Every day left, pruned or not, has matching full text.
	for d := range 10 {
		req := indexer.SearchRequest{Since: dayAt(d), Until: dayAt(d + 1)}
		req.Query = "password"
		n := count(t, x, req)
		req.Query = `process.name:sshd AND NOT "Accepted"`
		if m := count(t, x, req); n != m {
			t.Errorf("day %d: full text %d, columns %d", d, n, m)
		}
	}
	var want []int64
	for w := range writers {
		want = append(want, wantSeqs[w]...)
	}
	slices.Sort(want)
	got := searchSeqs(t, x, indexer.SearchRequest{Since: horizon, Limit: 10_000})
	slices.Sort(got)
	if !slices.Equal(got, want) || len(want) != writers*batches*perDay {
		t.Fatalf("inside the horizon: %d events found, %d written", len(got), len(want))
	}
	if n := count(t, x, indexer.SearchRequest{Since: horizon}); n != int64(len(want)) {
		t.Fatalf("Count inside the horizon = %d, want %d", n, len(want))
	}
	compareCounts(t, x, []indexer.SearchRequest{
		{Since: horizon},
		{Since: dayAt(6).Add(90*time.Minute + 30*time.Second), Until: dayAt(9).Add(2 * time.Hour)},
	})
	if _, err := x.Prune(ctx, "", horizon, false); err != nil {
		t.Fatal(err)
	}
	if n := count(t, x, indexer.SearchRequest{Until: horizon}); n != 0 {
		t.Fatalf("%d events left before the horizon", n)
	}
}

// compareCounts compares Count with and without the rollup tables for
// countsQueries in each of reqs (their Query is replaced).
func compareCounts(t *testing.T, x *Index, reqs []indexer.SearchRequest) {
	t.Helper()
	for _, req := range reqs {
		for _, q := range countsQueries {
			req.Query = q
			got := count(t, x, req)
			x.noCounts = true
			want := count(t, x, req)
			x.noCounts = false
			if got != want {
				t.Errorf("Count(%+v) = %d, %d counting the events", req, got, want)
			}
		}
	}
}

// TestPruneAfterCrash: a crash in the middle of a removal leaves a day's
// full-text file without its events file. Prune still finds the day and
// removes the rest, and a day written again meanwhile does not reuse the
// old full text.
func TestPruneAfterCrash(t *testing.T) {
	dir := t.TempDir()
	x := openTest(t, Config{Dir: dir})
	ctx := context.Background()
	write(t, x, genEvents("acme", 1, 500, dayAt(0), time.Second))
	write(t, x, genEvents("acme", 1001, 500, dayAt(1), time.Second))
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	// The crash: the events files are gone (dayFileSuffixes' order),
	// the full-text files not.
	for d := range 2 {
		base := filepath.Join(dir, "acme", dayName(dayOf(dayAt(d).UnixNano())))
		for _, suffix := range dayFileSuffixes[:3] {
			if err := os.Remove(base + suffix); err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
		}
	}
	x = openTest(t, Config{Dir: dir})
	if orgs, err := x.Organizations(ctx); err != nil || !slices.Equal(orgs, []string{"acme"}) {
		t.Fatalf("Organizations = %v, %v", orgs, err)
	}
	// Day 1 is written again before any Prune: its full text restarts.
	events := genEvents("acme", 5001, 100, dayAt(1), time.Second)
	write(t, x, events)
	n := count(t, x, indexer.SearchRequest{Query: "password"})
	if m := count(t, x, indexer.SearchRequest{Query: `process.name:sshd AND NOT "Accepted"`}); n != m || n == 0 {
		t.Fatalf("day written again: full text %d, columns %d", n, m)
	}
	pruned, err := x.Prune(ctx, "acme", dayAt(1), false)
	if err != nil || len(pruned) != 1 || pruned[0].Day != "2026-01-10" || pruned[0].Bytes == 0 {
		t.Fatalf("Prune = %+v, %v; want the full-text leftovers of the 10th", pruned, err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "acme", "2026-01-10*")); len(left) != 0 {
		t.Fatalf("files left: %v", left)
	}
	if n := count(t, x, indexer.SearchRequest{}); n != 100 {
		t.Fatalf("Count = %d, want the 100 events written again", n)
	}
}

func TestDiskUsage(t *testing.T) {
	dir := t.TempDir()
	x := openTest(t, Config{Dir: dir})
	if b, d, err := x.DiskUsage(""); err != nil || b != 0 || d != 0 {
		t.Fatalf("empty index: %d bytes, %d days, %v", b, d, err)
	}
	write(t, x, genEvents("Acme Corp", 1, 100, dayAt(0), time.Minute))
	write(t, x, genEvents("globex", 1, 100, dayAt(0), 30*time.Minute)) // 3 days
	// Not an organization's: not counted.
	if err := os.MkdirAll(filepath.Join(dir, ".trash", "2026-01-10.db"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "globex", "notes.txt"), make([]byte, 1<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	files := func(glob string) (n int64) {
		paths, _ := filepath.Glob(filepath.Join(dir, glob))
		for _, p := range paths {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			n += fi.Size()
		}
		return n
	}
	acme, globex := files("Acme%20Corp/2026-*"), files("globex/2026-*")
	for _, tc := range []struct {
		org   string
		bytes int64
		days  int
	}{{"Acme Corp", acme, 1}, {"globex", globex, 3}, {"", acme + globex, 4}, {"initech", 0, 0}} {
		b, d, err := x.DiskUsage(tc.org)
		if err != nil || b != tc.bytes || d != tc.days || (tc.days > 0 && b == 0) {
			t.Errorf("DiskUsage(%q) = %d bytes, %d days, %v; want %d, %d", tc.org, b, d, err, tc.bytes, tc.days)
		}
	}
}

// TestPruneListsWithoutTheWriteLock holds the write lock, as a long Write
// does: a dry run, Organizations, DiskUsage and searches still answer; a
// real Prune waits only to remove.
func TestPruneListsWithoutTheWriteLock(t *testing.T) {
	x := openTest(t, Config{})
	ctx := context.Background()
	write(t, x, genEvents("acme", 1, 100, dayAt(0), time.Hour)) // 5 days
	x.mu.Lock()
	locked := true
	defer func() {
		if locked {
			x.mu.Unlock()
		}
	}()
	if days, err := x.Prune(ctx, "", dayAt(3), true); err != nil || len(days) != 3 {
		t.Fatalf("dry run = %v, %v; want 3 days", days, err)
	}
	if orgs, err := x.Organizations(ctx); err != nil || len(orgs) != 1 {
		t.Fatalf("Organizations = %v, %v", orgs, err)
	}
	if _, days, err := x.DiskUsage("acme"); err != nil || days != 5 {
		t.Fatalf("DiskUsage: %d days, %v", days, err)
	}
	if n := count(t, x, indexer.SearchRequest{}); n != 100 {
		t.Fatalf("Count = %d", n)
	}
	pruned := make(chan []indexer.PrunedDay, 1)
	go func() {
		days, err := x.Prune(ctx, "", dayAt(3), false)
		if err != nil {
			t.Error(err)
		}
		pruned <- days
	}()
	select {
	case <-pruned:
		t.Fatal("Prune removed files while a Write held the lock")
	case <-time.After(50 * time.Millisecond):
	}
	x.mu.Unlock()
	locked = false
	if days := <-pruned; len(days) != 3 {
		t.Fatalf("pruned %v, want 3 days", days)
	}
	if n := count(t, x, indexer.SearchRequest{}); n != 100-3*24 {
		t.Fatalf("Count = %d after Prune, want %d", n, 100-3*24)
	}
}
