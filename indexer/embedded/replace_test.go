package embedded

import (
	"context"
	"fmt"
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
