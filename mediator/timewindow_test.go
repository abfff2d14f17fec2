package mediator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/pkg/event"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

func TestTimeWindowClamp(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	collected := now.Add(-3 * time.Second)
	day := 24 * time.Hour
	w := timeWindow{past: 30 * day, future: time.Hour}
	tests := []struct {
		name      string
		w         timeWindow
		ts        time.Time
		collected time.Time
		// filed is the @timestamp wanted; clamped whether it moved.
		filed   time.Time
		clamped bool
	}{
		{name: "now", w: w, ts: now, collected: collected, filed: now},
		{name: "a little late", w: w, ts: now.Add(-5 * time.Minute), collected: collected, filed: now.Add(-5 * time.Minute)},
		{name: "at the horizon", w: w, ts: now.Add(-30 * day), collected: collected, filed: now.Add(-30 * day)},
		{name: "past the horizon", w: w, ts: now.Add(-30*day - time.Nanosecond), collected: collected, filed: collected, clamped: true},
		{name: "last year", w: w, ts: now.AddDate(-1, 0, 0), collected: collected, filed: collected, clamped: true},
		{name: "year 1", w: w, ts: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), collected: collected, filed: collected, clamped: true},
		{name: "1970", w: w, ts: time.Unix(0, 0), collected: collected, filed: collected, clamped: true},
		{name: "clock a little ahead", w: w, ts: now.Add(59 * time.Minute), collected: collected, filed: now.Add(59 * time.Minute)},
		{name: "at the skew", w: w, ts: now.Add(time.Hour), collected: collected, filed: now.Add(time.Hour)},
		{name: "past the skew", w: w, ts: now.Add(time.Hour + time.Nanosecond), collected: collected, filed: collected, clamped: true},
		{name: "year 2261", w: w, ts: time.Date(2261, 12, 31, 0, 0, 0, 0, time.UTC), collected: collected, filed: collected, clamped: true},
		{name: "year 9999", w: w, ts: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), collected: collected, filed: collected, clamped: true},
		// The collection time is the agent's clock: when that is out of
		// the window too, the mediator's is used.
		{name: "no collection time", w: w, ts: now.AddDate(3, 0, 0), filed: now, clamped: true},
		{name: "collected in 1970", w: w, ts: now.AddDate(3, 0, 0), collected: time.Unix(0, 0), filed: now, clamped: true},
		{name: "collected in the future", w: w, ts: now.AddDate(-3, 0, 0), collected: now.Add(2 * time.Hour), filed: now, clamped: true},
		{name: "agent clock a little ahead", w: w, ts: now.AddDate(-3, 0, 0), collected: now.Add(30 * time.Minute), filed: now.Add(30 * time.Minute), clamped: true},
		{name: "spool older than the window", w: w, ts: now.Add(-40 * day), collected: now.Add(-40 * day), filed: now, clamped: true},
		{name: "spool a week old", w: w, ts: now.Add(-7*day - time.Minute), collected: now.Add(-7 * day), filed: now.Add(-7*day - time.Minute)},
		// A zero side is open.
		{name: "past open", w: timeWindow{future: time.Hour}, ts: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), collected: collected, filed: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)},
		{name: "future open", w: timeWindow{past: day}, ts: now.AddDate(100, 0, 0), collected: collected, filed: now.AddDate(100, 0, 0)},
		{name: "future open, past shut", w: timeWindow{past: day}, ts: now.Add(-2 * day), collected: collected, filed: collected, clamped: true},
		{name: "both open", w: timeWindow{}, ts: now.AddDate(-100, 0, 0), collected: collected, filed: now.AddDate(-100, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &event.Event{Timestamp: tt.ts}
			e.AddFlag(event.FlagTruncated)
			got := tt.w.clamp(e, tt.collected, now)
			if got != tt.clamped || !e.Timestamp.Equal(tt.filed) {
				t.Fatalf("clamp = %v, @timestamp %v; want %v, %v", got, e.Timestamp, tt.clamped, tt.filed)
			}
			orig, hasOrig := e.Get(event.FieldOriginalTimestamp)
			flags, _ := e.Get(event.FieldFlags)
			flagged := slices.Contains(flags.([]string), event.FlagTimestampOutOfRange)
			if hasOrig != tt.clamped || flagged != tt.clamped || !slices.Contains(flags.([]string), event.FlagTruncated) {
				t.Fatalf("original %v, flags %v: want both only when clamped, other flags kept", orig, flags)
			}
			if tt.clamped && !orig.(time.Time).Equal(tt.ts) {
				t.Fatalf("original %v, want %v", orig, tt.ts)
			}
			// Filing again (a replay, a restart) changes nothing more.
			if tt.w.clamp(e, tt.collected, now) {
				t.Fatal("a second clamp moved the event again")
			}
		})
	}
}

// sendLines sends lines as entries from..from+len(lines)-1 of agent,
// collected now, and waits for their acknowledgement.
func sendLines(t *testing.T, addr, agent string, from uint64, lines []string) {
	t.Helper()
	var es []*sluicev1.LogEntry
	for i, l := range lines {
		es = append(es, &sluicev1.LogEntry{Seq: from + uint64(i), SourceType: "syslog", Raw: []byte(l), CollectedAt: timestamppb.Now()})
	}
	sendEntries(t, addr, &sluicev1.Hello{AgentId: agent}, es)
}

// dayFiles lists the day files under an embedded index directory.
func dayFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".db") {
			rel, _ := filepath.Rel(dir, path)
			out = append(out, rel)
		}
		return err
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return out
}

// TestDateSprayingSender is issue 15's hostile sender: 303 lines dated
// all over the calendar (which made 606 SQLite files and held normal
// events back 16 s) make no day file of their own and delay no one. They
// are indexed under their collection time, flagged, their own times kept
// and searchable.
func TestDateSprayingSender(t *testing.T) {
	m := testMediator(t, `index_flush = "20ms"`)
	dir := m.cfg.Indexer.Dir
	normal := func(from int) []string {
		var out []string
		for i := range 50 {
			out = append(out, fmt.Sprintf("<34>1 %s web-01 app - - - normal line %d", time.Now().UTC().Format(time.RFC3339Nano), from+i))
		}
		return out
	}
	searchable := func(what string, q string, want int64, since time.Time) time.Duration {
		t.Helper()
		for time.Since(since) < 60*time.Second {
			n, err := m.Index().Count(context.Background(), indexer.SearchRequest{Query: q})
			if err != nil {
				t.Fatal(err)
			}
			if n == want {
				return time.Since(since)
			}
			if n > want {
				t.Fatalf("%s: %d events, want %d", what, n, want)
			}
			time.Sleep(5 * time.Millisecond)
		}
		t.Fatalf("%s: not searchable after 60 s", what)
		return 0
	}

	start := time.Now().UTC()
	sendLines(t, m.Addr(), "web-01", 1, normal(0))
	base := searchable("normal events alone", "agent.id:web-01", 50, time.Now())
	before := dayFiles(t, dir)

	// 303 dates: each of the last 150 years and the next 141, and a
	// dozen days ahead (none in the window, whatever the day the test
	// runs on).
	var spray []string
	for k := 1; k <= 150; k++ {
		spray = append(spray, fmt.Sprintf("<34>1 %s evil app - - - %d years ago", start.AddDate(-k, 0, -3).Format(time.RFC3339), k))
	}
	for k := 1; k <= 141; k++ {
		spray = append(spray, fmt.Sprintf("<34>1 %s evil app - - - %d years ahead", start.AddDate(k, 0, 3).Format(time.RFC3339), k))
	}
	for d := 1; d <= 12; d++ {
		spray = append(spray, fmt.Sprintf("<34>1 %s evil app - - - %d days ahead", start.AddDate(0, 0, d).Format(time.RFC3339), d))
	}
	sprayed, begun := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(sprayed)
		// Three lines per batch: a hundred index writes, each of
		// (without the window) three days.
		for i := 0; i < len(spray); i += 3 {
			sendLines(t, m.Addr(), "sprayer", uint64(i+1), spray[i:i+3])
			if i == 30 {
				close(begun)
			}
		}
	}()
	// Normal events sent while the spraying goes on are as quick.
	<-begun
	sendLines(t, m.Addr(), "web-01", 51, normal(50))
	during := searchable("normal events beside the sprayer", "agent.id:web-01", 100, time.Now())
	t.Logf("normal events searchable %v after their acknowledgement alone, %v beside the sprayer", base, during)
	<-sprayed
	searchable("sprayed events", "agent.id:sprayer", 303, start)
	end := time.Now().UTC()
	if during > base+5*time.Second {
		t.Errorf("normal events took %v beside the sprayer, %v alone", during, base)
	}

	// No day file but those of the days the test ran on.
	after := dayFiles(t, dir)
	for _, f := range after {
		day := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(f), ".db"), ".fts")
		if !slices.Contains(before, f) && day != start.Format(time.DateOnly) && day != end.Format(time.DateOnly) {
			t.Errorf("day file %s appeared (before: %v)", f, before)
		}
	}
	for q, want := range map[string]int64{
		"agent.id:sprayer AND sluice.flags:" + event.FlagTimestampOutOfRange:                              303,
		"agent.id:web-01 AND sluice.flags:" + event.FlagTimestampOutOfRange:                               0,
		"sluice.original_timestamp:[1999-01-01 TO 1999-12-31]":                                            1,
		"sluice.original_timestamp:>" + start.Format(time.DateOnly):                                       141 + 12,
		fmt.Sprintf("agent.id:sprayer AND @timestamp:>=%s", start.Add(-time.Minute).Format(time.RFC3339)): 303,
	} {
		if n, err := m.Index().Count(context.Background(), indexer.SearchRequest{Query: q}); err != nil || n != want {
			t.Errorf("count %s = %d (%v), want %d", q, n, err, want)
		}
	}
	if st := m.Status(); st.OutOfRange != 303 {
		t.Errorf("status timestamps_out_of_range = %d, want 303", st.OutOfRange)
	}
}

// TestEntryWithoutCollectionTime checks an entry whose sender left out
// collected_at: a line with no time of its own is filed under the
// mediator's clock, unflagged (it was 1970, and then out of the window);
// a line dated 1999 is filed under the mediator's clock and flagged.
func TestEntryWithoutCollectionTime(t *testing.T) {
	m := testMediator(t, `index_flush = "20ms"`)
	stream, _, err := dialAgent(t, m.Addr(), "no-clock")
	if err != nil {
		t.Fatal(err)
	}
	before := time.Now().UTC().Add(-time.Second)
	es := []*sluicev1.LogEntry{
		{Seq: 1, SourceType: "x", Raw: []byte("a line with no time")},
		{Seq: 2, SourceType: "syslog", Raw: []byte("<34>1 1999-10-11T22:14:15Z web-01 app - - - a line from 1999")},
	}
	if err := stream.Send(&sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Batch{Batch: &sluicev1.LogBatch{Entries: es}}}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for m.Status().Indexed < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("status %+v", m.Status())
		}
		time.Sleep(10 * time.Millisecond)
	}
	after := time.Now().UTC().Add(time.Second)
	for _, tc := range []struct {
		q       string
		flagged bool
	}{
		{q: `"no time"`},
		{q: `"from 1999"`, flagged: true},
	} {
		docs, err := m.Index().Search(context.Background(), indexer.SearchRequest{Query: tc.q})
		if err != nil || len(docs) != 1 {
			t.Fatalf("%s: %d docs, %v", tc.q, len(docs), err)
		}
		var ev struct {
			Timestamp time.Time `json:"@timestamp"`
			Sluice    struct {
				Flags     []string   `json:"flags"`
				Collected *time.Time `json:"collected"`
			} `json:"sluice"`
		}
		if err := json.Unmarshal(docs[0], &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Timestamp.Before(before) || ev.Timestamp.After(after) {
			t.Errorf("%s: filed at %v, want the mediator's clock (%v to %v)", tc.q, ev.Timestamp, before, after)
		}
		if got := slices.Contains(ev.Sluice.Flags, event.FlagTimestampOutOfRange); got != tc.flagged {
			t.Errorf("%s: flags %v, want %s %v", tc.q, ev.Sluice.Flags, event.FlagTimestampOutOfRange, tc.flagged)
		}
		if ev.Sluice.Collected != nil {
			t.Errorf("%s: sluice.collected %v, but none was sent", tc.q, ev.Sluice.Collected)
		}
	}
}
