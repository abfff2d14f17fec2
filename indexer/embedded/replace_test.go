package embedded

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/pkg/event"
)

// hasWord reports whether message holds word as a token.
func hasWord(message, word string) bool {
	return slices.Contains(strings.FieldsFunc(strings.ToLower(message), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}), word)
}

// replaced returns a copy of e as a fixed rule would make it: another
// message, user, host and rule.
func replaced(e *event.Event, tag string) *event.Event {
	n := &event.Event{ID: e.ID, Organization: e.Organization, Timestamp: e.Timestamp}
	for _, f := range e.Fields() {
		n.Set(f.Key, f.Value)
	}
	n.Message = "zebracorn " + tag + " reparsed line"
	n.Set("user.name", "replaced-user")
	n.Set(event.FieldHostname, "replaced-host")
	n.Set(event.FieldRule, "fixed-rule")
	return n
}

func TestReplace(t *testing.T) {
	dir := t.TempDir()
	x := openTest(t, Config{Dir: dir})
	ctx := context.Background()
	events := genEvents("acme", 1, 3000, benchStart, time.Second)
	// A message with invalid UTF-8 is indexed as its document stores it,
	// so that its entry can be deleted.
	events[3].Message = "bad\xf4\x90\x80\x80bytes \xc3password\xe2\x82"
	write(t, x, events)
	before := count(t, x, indexer.SearchRequest{})

	current := slices.Clone(events)
	var repl []*event.Event
	for i := 0; i < len(events); i += 3 {
		current[i] = replaced(events[i], "one")
		repl = append(repl, current[i])
	}
	// The last of an id wins within a batch.
	repl = append([]*event.Event{replaced(events[0], "first")}, repl...)
	if err := x.Replace(ctx, repl); err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T, x *Index) {
		t.Helper()
		if n := count(t, x, indexer.SearchRequest{}); n != before {
			t.Fatalf("Count after Replace = %d, want %d", n, before)
		}
		var wantNew, wantPassword []int64
		for _, e := range current {
			seq, _ := e.Get(event.FieldSeq)
			if strings.HasPrefix(e.Message, "zebracorn") {
				wantNew = append(wantNew, seq.(int64))
			}
			if hasWord(e.Message, "password") {
				wantPassword = append(wantPassword, seq.(int64))
			}
		}
		for _, tc := range []struct {
			q    string
			want []int64
		}{
			{"zebracorn", wantNew},
			{`"zebracorn one"`, wantNew},
			{"user.name:replaced-user", wantNew},
			{"host.hostname:replaced-host AND sluice.rule:fixed-rule", wantNew},
			{"password", wantPassword},
			{"first", nil},
			{"bad", nil},
			{"bytes", nil},
		} {
			got := searchSeqs(t, x, indexer.SearchRequest{Query: tc.q, Limit: 10_000})
			slices.Sort(got)
			slices.Sort(tc.want)
			if !slices.Equal(got, tc.want) {
				t.Errorf("Search(%q): %d events, want %d", tc.q, len(got), len(tc.want))
			}
			// Over whole days, a full-text count reads the full-text
			// index alone: stale entries would show here.
			if n := count(t, x, indexer.SearchRequest{Query: tc.q}); n != int64(len(tc.want)) {
				t.Errorf("Count(%q) = %d, want %d", tc.q, n, len(tc.want))
			}
		}
		checkCounts(t, x, append(slices.Clone(countsQueries), "host.hostname:replaced-host", "sluice.rule:fixed-rule"))
	}
	check(t, x)

	// Replacing the same events again changes nothing; replacing an
	// event not stored stores it.
	if err := x.Replace(ctx, repl[1:]); err != nil {
		t.Fatal(err)
	}
	check(t, x)
	extra := genEvents("acme", 100_000, 1, benchStart.Add(time.Minute), time.Second)
	if err := x.Replace(ctx, extra); err != nil {
		t.Fatal(err)
	}
	current = append(current, extra...)
	before++
	check(t, x)

	// A reopened day file is consistent as it is: writing to it finds
	// nothing to repair, and Write still skips stored ids.
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	y := openTest(t, Config{Dir: dir})
	write(t, y, events)
	check(t, y)
}

// TestReplaceConcurrentSearch replaces events while searches count them:
// a count never sees an event twice or not at all.
func TestReplaceConcurrentSearch(t *testing.T) {
	x := openTest(t, Config{})
	ctx := context.Background()
	events := genEvents("acme", 1, 2000, benchStart, time.Second)
	write(t, x, events)
	done := make(chan error, 1)
	go func() {
		for round := range 10 {
			var batch []*event.Event
			for _, e := range events[round*100 : round*100+500] {
				batch = append(batch, replaced(e, fmt.Sprint(round)))
			}
			if err := x.Replace(ctx, batch); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for {
		for _, q := range []string{"*", "host.hostname:replaced-host OR NOT host.hostname:replaced-host", "user.name:* OR NOT user.name:*"} {
			if n := count(t, x, indexer.SearchRequest{Query: q}); n != 2000 {
				t.Fatalf("Count(%q) = %d during Replace, want 2000", q, n)
			}
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			return
		default:
		}
	}
}

// TestReplaceCrash simulates a crash between Replace's two commits: the
// full-text file has the replacement, the events file does not. The
// full-text file is then ahead of the events and is rebuilt from them
// when the day is next opened for writing.
func TestReplaceCrash(t *testing.T) {
	dir := t.TempDir()
	events := genEvents("acme", 1, 1000, benchStart, time.Second)
	x := openTest(t, Config{Dir: dir})
	write(t, x, events)
	want := count(t, x, indexer.SearchRequest{Query: "password"})
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	// The events file as it is before the Replace, WAL included (the
	// last connection to close may be a reader, which does not
	// checkpoint).
	path := filepath.Join(dir, "acme", "2026-01-10.db")
	saved := map[string][]byte{}
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(path + suffix)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		saved[suffix] = b
	}
	x = openTest(t, Config{Dir: dir})
	var repl []*event.Event
	for _, e := range events[:500] {
		repl = append(repl, replaced(e, "crash"))
	}
	if err := x.Replace(context.Background(), repl); err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	// The events commit is lost.
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if saved[suffix] != nil {
			if err := os.WriteFile(path+suffix, saved[suffix], 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	x = openTest(t, Config{Dir: dir})
	write(t, x, events[:1]) // opens the day for writing
	if n := count(t, x, indexer.SearchRequest{Query: "password"}); n != want {
		t.Errorf("Count(password) = %d after the repair, want %d", n, want)
	}
	if n := count(t, x, indexer.SearchRequest{Query: "zebracorn"}); n != 0 {
		t.Errorf("Count(zebracorn) = %d after the repair, want 0", n)
	}
	if n := count(t, x, indexer.SearchRequest{}); n != 1000 {
		t.Errorf("Count = %d, want 1000", n)
	}
}
