package embedded

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/pkg/event"
)

func openTest(t *testing.T, cfg Config) *Index {
	t.Helper()
	if cfg.Dir == "" {
		cfg.Dir = t.TempDir()
	}
	x, err := Open(cfg, hclog.NewNullLogger())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := x.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return x
}

func write(t *testing.T, x *Index, events []*event.Event) {
	t.Helper()
	if err := x.Write(context.Background(), events); err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, x *Index, req indexer.SearchRequest) int64 {
	t.Helper()
	n, err := x.Count(context.Background(), req)
	if err != nil {
		t.Fatalf("Count(%q): %v", req.Query, err)
	}
	return n
}

// ids returns the ids of the events Search returns, via sluice.seq.
func searchSeqs(t *testing.T, x *Index, req indexer.SearchRequest) []int64 {
	t.Helper()
	docs, err := x.Search(context.Background(), req)
	if err != nil {
		t.Fatalf("Search(%q): %v", req.Query, err)
	}
	var out []int64
	for _, d := range docs {
		var v struct {
			Sluice struct {
				Seq int64 `json:"seq"`
			} `json:"sluice"`
		}
		if err := json.Unmarshal(d, &v); err != nil {
			t.Fatalf("stored document %s: %v", d, err)
		}
		out = append(out, v.Sluice.Seq)
	}
	return out
}

var day0 = time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)

// fixture is a small, hand-made set of events; seq identifies each one.
func fixture() []*event.Event {
	mk := func(seq int64, ts time.Time, msg string, fields ...any) *event.Event {
		e := &event.Event{ID: event.DocID("agent-a", uint64(seq)), Organization: "acme", Timestamp: ts, Message: msg}
		e.Set(event.FieldSeq, seq)
		for i := 0; i < len(fields); i += 2 {
			e.Set(fields[i].(string), fields[i+1])
		}
		return e
	}
	h := func(n int) time.Time { return day0.Add(time.Duration(n) * time.Hour) }
	return []*event.Event{
		mk(1, h(1), "Jan 10 01:00:00 web1 sshd[100]: Accepted password for bob from 10.0.0.5 port 51234 ssh2",
			"host.hostname", "web1", "user.name", "bob", "source.ip", "10.0.0.5", "source.port", int64(51234),
			"event.outcome", "success", "sluice.common_event", "User Logon", "sluice.risk", int64(3), "process.name", "sshd", "process.pid", int64(100)),
		mk(2, h(2), "Jan 10 02:00:00 web1 sshd[101]: Failed password for invalid user admin from 203.0.113.7 port 40022 ssh2",
			"host.hostname", "web1", "user.name", "admin", "source.ip", "203.0.113.7", "source.port", int64(40022),
			"event.outcome", "failure", "sluice.common_event", "User Logon Failure", "sluice.risk", int64(5)),
		mk(3, h(3), "Jan 10 03:00:00 web2 sshd[102]: Failed password for invalid user administrator from 203.0.113.7 port 1500 ssh2",
			"host.hostname", "web2", "user.name", "administrator", "source.ip", "203.0.113.7", "source.port", int64(1500),
			"event.outcome", "failure", "sluice.common_event", "User Logon Failure", "sluice.risk", int64(5)),
		mk(4, h(4), "Jan 10 04:00:00 web2 sudo: alice : TTY=pts/0 ; USER=root ; COMMAND=/bin/cat /etc/shadow",
			"host.hostname", "web2", "user.name", "alice", "sluice.common_event", "Sudo Command", "sluice.risk", int64(8),
			"process.command_line", "/bin/cat /etc/shadow", "sluice.flags", []string{event.FlagTruncated}),
		mk(5, h(5), `10.1.2.3 - - [10/Jan/2026:05:00:00 +0000] "GET /wp-login.php HTTP/1.1" 404 512 "-" "curl/8.5"`,
			"source.ip", "10.1.2.3", "url.path", "/wp-login.php", "http.response.status_code", int64(404), "sluice.risk", int64(1),
			"tls.established", false, "destination.port", "https"),
		mk(6, h(6), "Jan 10 06:00:00 db1 postgres[7]: Résumé of the night: naïve -> café => ok ---",
			"host.hostname", "db1", "user.name", "x' OR 1=1 --", "event.outcome", "unknown", "sluice.collected", h(6).Add(time.Second)),
	}
}

func TestQueries(t *testing.T) {
	x := openTest(t, Config{})
	write(t, x, fixture())
	tests := []struct {
		q    string
		want []int64 // seqs, newest first
	}{
		{"", []int64{6, 5, 4, 3, 2, 1}},
		{"*", []int64{6, 5, 4, 3, 2, 1}},
		// full text
		{"password", []int64{3, 2, 1}},
		{"PASSWORD", []int64{3, 2, 1}},
		{`"failed password"`, []int64{3, 2}},
		{`"password failed"`, nil},
		{`message:"invalid user"`, []int64{3, 2}},
		{"admin*", []int64{3, 2}},
		{"adm?n", []int64{3, 2}},
		{"*dmin", []int64{3, 2}},
		{"dmin*", nil},
		{"*ministr*", []int64{3}},
		{"cafe", []int64{6}},
		{"resume", []int64{6}},
		{`"->"`, []int64{6}},
		{`"---"`, []int64{6}},
		{`"=>"`, []int64{6}},
		{`""`, nil},
		{"shadow sudo", []int64{4}},
		{"shadow OR bob", []int64{4, 1}},
		{`admin* OR cafe OR "failed password"`, []int64{6, 3, 2}},
		{`(admin* OR cafe) AND NOT user.name:admin`, []int64{6, 3}},
		{`web1 AND (invalid OR accepted)`, []int64{2, 1}},
		{`(invalid OR accepted) AND (web2 OR bob)`, []int64{3, 1}},
		{`NOT (password OR sudo)`, []int64{6, 5}},
		{`"->" OR cafe`, []int64{6}},
		{`cafe OR user.name:bob`, []int64{6, 1}},
		// typed columns
		{"user.name:bob", []int64{1}},
		{"user.name:Bob", nil},
		{`user.name:"admin"`, []int64{2}},
		{"user.name:adm*", []int64{3, 2}},
		{"user.name:*", []int64{6, 4, 3, 2, 1}},
		{"user.name:a?min", []int64{2}},
		{"host.hostname:web1 AND event.outcome:failure", []int64{2}},
		{"host.hostname:web1 OR host.hostname:db1", []int64{6, 2, 1}},
		{"host.hostname:(web1 OR db1)", []int64{6, 2, 1}},
		{"NOT host.hostname:web1", []int64{6, 5, 4, 3}},
		{"-host.hostname:web1 -host.hostname:web2", []int64{6, 5}},
		{"source.ip:203.0.113.7", []int64{3, 2}},
		{"source.port:51234", []int64{1}},
		{"source.port:[1024 TO 50000]", []int64{3, 2}},
		{"source.port:[1024 TO 40000]", []int64{3}},
		{"source.port:{1500 TO 40022]", []int64{2}},
		{"source.port:[1500 TO 40022}", []int64{3}},
		{"source.port:>=40022", []int64{2, 1}},
		{"source.port:>40022", []int64{1}},
		{"source.port:<1501", []int64{3}},
		{"source.port:<=1500", []int64{3}},
		{"sluice.risk:>=5", []int64{4, 3, 2}},
		{"sluice.risk:5", []int64{3, 2}},
		{"destination.port:https", []int64{5}},
		{"destination.port:>0", nil},
		{`sluice.common_event:"User Logon"`, []int64{1}},
		{`sluice.common_event:User*`, []int64{3, 2, 1}},
		// fields inside the document
		{`url.path:"/wp-login.php"`, []int64{5}},
		{`url.path:/wp*`, []int64{5}},
		{`http.response.status_code:404`, []int64{5}},
		{`http.response.status_code:[400 TO 499]`, []int64{5}},
		{`http.response.status_code:*`, []int64{5}},
		{`tls.established:false`, []int64{5}},
		{`sluice.flags:truncated`, []int64{4}},
		{`process.command_line:"/bin/cat /etc/shadow"`, []int64{4}},
		{`no.such.field:x`, nil},
		{`NOT no.such.field:x`, []int64{6, 5, 4, 3, 2, 1}},
		{`sluice.collected:>=2026-01-10T06:00:01Z`, []int64{6}},
		{`sluice.collected:>2026-01-10T06:00:01Z`, nil},
		{`_id:` + event.DocID("agent-a", 4), []int64{4}},
		// time
		{"@timestamp:>=2026-01-10T05:00:00Z", []int64{6, 5}},
		{"@timestamp:>2026-01-10T05:00:00Z", []int64{6}},
		{"@timestamp:[2026-01-10T02:00:00Z TO 2026-01-10T03:00:00Z]", []int64{3, 2}},
		{"@timestamp:{2026-01-10T02:00:00Z TO 2026-01-10T03:00:00Z}", nil},
		{"@timestamp:2026-01-10", []int64{6, 5, 4, 3, 2, 1}},
		{"@timestamp:<=2026-01-09", nil},
		{"@timestamp:>2026-01-09 AND password", []int64{3, 2, 1}},
		// mixed
		{`(password OR sudo) AND NOT user.name:bob AND sluice.risk:>=5`, []int64{4, 3, 2}},
		{`"invalid user" -administrator`, []int64{2}},
		// injection attempts are values like any other
		{`user.name:"x' OR 1=1 --"`, []int64{6}},
		{`user.name:"' OR 1=1 --"`, nil},
		{`"'); DROP TABLE events; --"`, nil},
		{`url.path:"') OR 1=1 --"`, nil},
		{`"\" OR 1=1 OR \""`, nil},
		{`"NEAR(a b)" OR "x" * "y"`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			got := searchSeqs(t, x, indexer.SearchRequest{Query: tt.q})
			if !slices.Equal(got, tt.want) {
				t.Errorf("Search(%q) = %v, want %v", tt.q, got, tt.want)
			}
			if n := count(t, x, indexer.SearchRequest{Query: tt.q}); n != int64(len(tt.want)) {
				t.Errorf("Count(%q) = %d, want %d", tt.q, n, len(tt.want))
			}
		})
	}
	// The table survived the attempts above.
	if n := count(t, x, indexer.SearchRequest{}); n != 6 {
		t.Fatalf("after injection attempts: %d events", n)
	}
}

func TestBadQueries(t *testing.T) {
	x := openTest(t, Config{})
	write(t, x, fixture())
	for _, q := range []string{
		`a);DROP:x`,
		`a;DROP:x`,
		`user.name:(`,
		`user.name:[a TO b]`,
		`user.name:[1 TO 2]`,
		`source.port:[2026-01-01 TO 2026-01-02]`,
		`message:[1 TO 2]`,
		`@timestamp:>=yesterday`,
		`"unterminated`,
	} {
		t.Run(q, func(t *testing.T) {
			_, err := x.Search(context.Background(), indexer.SearchRequest{Query: q})
			if !errors.Is(err, indexer.ErrBadQuery) {
				t.Errorf("Search(%q) error %v, want ErrBadQuery", q, err)
			}
			_, err = x.Count(context.Background(), indexer.SearchRequest{Query: q})
			if !errors.Is(err, indexer.ErrBadQuery) {
				t.Errorf("Count(%q) error %v, want ErrBadQuery", q, err)
			}
		})
	}
}

func TestSearchLimitAndDocs(t *testing.T) {
	x := openTest(t, Config{})
	events := fixture()
	write(t, x, events)
	got := searchSeqs(t, x, indexer.SearchRequest{Query: "*", Limit: 2})
	if !slices.Equal(got, []int64{6, 5}) {
		t.Fatalf("limit 2: %v", got)
	}
	docs, err := x.Search(context.Background(), indexer.SearchRequest{Query: "user.name:bob"})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 || string(docs[0]) != string(events[0].AppendJSON(nil)) {
		t.Fatalf("stored document differs:\n%s\n%s", docs, events[0].AppendJSON(nil))
	}
}

func TestIdempotentWrite(t *testing.T) {
	x := openTest(t, Config{})
	events := genEvents("acme", 1, 10_000, benchStart, 10*time.Millisecond)
	write(t, x, events)
	want := count(t, x, indexer.SearchRequest{Query: "password"})
	write(t, x, events)
	// A batch that partly overlaps: the new half is added, the rest not.
	more := genEvents("acme", 5_001, 10_000, benchStart.Add(50*time.Second), 10*time.Millisecond)
	write(t, x, more[:5_000])
	if n := count(t, x, indexer.SearchRequest{}); n != 10_000 {
		t.Fatalf("after writing the same events again: %d events, want 10000", n)
	}
	if n := count(t, x, indexer.SearchRequest{Query: "password"}); n != want {
		t.Fatalf("full-text matches %d, want %d", n, want)
	}
	write(t, x, more)
	if n := count(t, x, indexer.SearchRequest{}); n != 15_000 {
		t.Fatalf("after a half-new batch: %d events, want 15000", n)
	}
	// The full-text entries of new rows of a partly new batch point at the
	// right rows: every "password" match is an sshd line.
	total := count(t, x, indexer.SearchRequest{Query: "password"})
	if n := count(t, x, indexer.SearchRequest{Query: "password AND process.name:sshd"}); n != total || n == 0 {
		t.Fatalf("full-text and column disagree: %d of %d", n, total)
	}
	// Duplicates inside one batch are stored once.
	dup := genEvents("acme", 100_000, 10, benchStart, time.Second)
	write(t, x, append(dup, dup...))
	if n := count(t, x, indexer.SearchRequest{}); n != 15_010 {
		t.Fatalf("after a batch with duplicates: %d events, want 15010", n)
	}
}

func TestDaysAndOrganizations(t *testing.T) {
	dir := t.TempDir()
	x := openTest(t, Config{Dir: dir})
	var events []*event.Event
	// 2 organizations × 2 days: 200 events each, one a second from
	// 23:58:20 on the 10th, globex half a second after acme.
	for i, org := range []string{"acme", "globex"} {
		start := day0.Add(23*time.Hour + 58*time.Minute + 20*time.Second + time.Duration(i)*500*time.Millisecond)
		events = append(events, genEvents(org, uint64(i*1_000_000+1), 200, start, time.Second)...)
	}
	slices.SortFunc(events, func(a, b *event.Event) int { return a.Timestamp.Compare(b.Timestamp) })
	write(t, x, events)

	for _, f := range []string{"acme/2026-01-10.db", "acme/2026-01-11.db", "globex/2026-01-10.db", "globex/2026-01-11.db", "acme/2026-01-11.fts.db"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("expected file %s: %v", f, err)
		}
	}
	day1 := day0.Add(24 * time.Hour)
	tests := []struct {
		name string
		req  indexer.SearchRequest
		want int64
	}{
		{"all", indexer.SearchRequest{}, 400},
		{"org", indexer.SearchRequest{Organization: "globex"}, 200},
		{"unknown org", indexer.SearchRequest{Organization: "initech"}, 0},
		{"since", indexer.SearchRequest{Since: day1}, 200},
		{"until", indexer.SearchRequest{Until: day1}, 200},
		{"since and until", indexer.SearchRequest{Since: day1.Add(-30 * time.Second), Until: day1.Add(30 * time.Second)}, 120},
		{"query range", indexer.SearchRequest{Query: "@timestamp:>=2026-01-11"}, 200},
		{"query day", indexer.SearchRequest{Query: "@timestamp:2026-01-10", Organization: "acme"}, 100},
		{"empty window", indexer.SearchRequest{Since: day1, Until: day1}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if n := count(t, x, tt.req); n != tt.want {
				t.Errorf("Count = %d, want %d", n, tt.want)
			}
			req := tt.req
			req.Limit = 1000
			docs, err := x.Search(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if int64(len(docs)) != tt.want {
				t.Errorf("Search returned %d, want %d", len(docs), tt.want)
			}
			// Newest first, across files.
			var prev string
			for _, d := range docs {
				var v struct {
					TS string `json:"@timestamp"`
				}
				_ = json.Unmarshal(d, &v)
				if prev != "" && v.TS > prev {
					t.Fatalf("not newest first: %s after %s", v.TS, prev)
				}
				prev = v.TS
			}
		})
	}
	// The limit takes the newest events of both organizations.
	docs, err := x.Search(context.Background(), indexer.SearchRequest{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	orgs := map[string]int{}
	for _, d := range docs {
		var v struct {
			Sluice struct {
				Seq int64 `json:"seq"`
			} `json:"sluice"`
		}
		_ = json.Unmarshal(d, &v)
		orgs[strconv.FormatInt(v.Sluice.Seq/1_000_000, 10)]++
	}
	if len(docs) != 10 || orgs["0"] != 5 || orgs["1"] != 5 {
		t.Fatalf("limit 10 over two organizations: %d docs, %v", len(docs), orgs)
	}

	// Retention is deleting a day's files, which Prune does after
	// closing them.
	pruned, err := x.Prune(context.Background(), "", day1.Add(time.Hour), false)
	if err != nil || len(pruned) != 2 {
		t.Fatalf("Prune = %v, %v; want the 2 days of the 10th", pruned, err)
	}
	if n := count(t, x, indexer.SearchRequest{}); n != 200 {
		t.Fatalf("after Prune: %d, want 200", n)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*", "2026-01-10*"))
	if len(left) != 0 {
		t.Fatalf("files left: %v", left)
	}
	if pruned, err := x.Prune(context.Background(), "", day1.Add(24*time.Hour), false); err != nil || len(pruned) != 2 {
		t.Fatalf("Prune = %v, %v; want 2", pruned, err)
	}
	if n := count(t, x, indexer.SearchRequest{}); n != 0 {
		t.Fatalf("after deleting everything: %d", n)
	}
	write(t, x, events[:10])
	if n := count(t, x, indexer.SearchRequest{}); n != 10 {
		t.Fatalf("writing after retention: %d", n)
	}
}

func TestOrganizationNames(t *testing.T) {
	dir := t.TempDir()
	x := openTest(t, Config{Dir: dir})
	for _, org := range []string{"../etc", "a/b", "", ".hidden", "Acme Corp", "100%"} {
		events := genEvents(org, 1, 3, day0, time.Second)
		write(t, x, events)
		lookup := org
		if org == "" {
			lookup = event.DefaultOrganization
		}
		if n := count(t, x, indexer.SearchRequest{Organization: lookup}); n != 3 {
			t.Errorf("organization %q: %d events, want 3", org, n)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() || strings.ContainsAny(e.Name(), "/ ") || strings.HasPrefix(e.Name(), ".") {
			t.Errorf("unsafe directory name %q", e.Name())
		}
	}
	if _, err := os.Stat(filepath.Join(dir, event.DefaultOrganization)); err != nil {
		t.Errorf("the empty organization should be %q: %v", event.DefaultOrganization, err)
	}
	if n := count(t, x, indexer.SearchRequest{}); n != 3*6 {
		t.Errorf("all organizations: %d", n)
	}
}

// TestConcurrentReaders searches while a writer writes: every search
// succeeds and counts never go down.
func TestConcurrentReaders(t *testing.T) {
	x := openTest(t, Config{})
	events := genEvents("acme", 1, 20_000, benchStart, 10*time.Millisecond)
	ctx := context.Background()
	done := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for r := range 3 {
		wg.Go(func() {
			var last int64
			q := []string{"*", "password", "user.name:root"}[r]
			for polls := 0; ; polls++ {
				select {
				case <-done:
					if polls == 0 {
						errs <- errors.New("reader never ran")
					}
					return
				default:
				}
				n, err := x.Count(ctx, indexer.SearchRequest{Query: q})
				if err != nil {
					errs <- err
					return
				}
				if n < last {
					errs <- fmt.Errorf("%s: count went from %d to %d", q, last, n)
					return
				}
				last = n
				if _, err := x.Search(ctx, indexer.SearchRequest{Query: q, Limit: 10}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for i := 0; i < len(events); i += 1000 {
		write(t, x, events[i:i+1000])
	}
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := count(t, x, indexer.SearchRequest{}); n != 20_000 {
		t.Fatalf("count %d", n)
	}
}

// TestConcurrentWriters checks the documented contract: Write may be
// called from several goroutines.
func TestConcurrentWriters(t *testing.T) {
	x := openTest(t, Config{})
	var wg sync.WaitGroup
	for w := range 4 {
		events := genEvents("acme", uint64(w*10_000+1), 2_000, benchStart.Add(time.Duration(w)*time.Minute), time.Millisecond)
		wg.Go(func() {
			for i := 0; i < len(events); i += 500 {
				if err := x.Write(context.Background(), events[i:i+500]); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if n := count(t, x, indexer.SearchRequest{}); n != 8_000 {
		t.Fatalf("count %d", n)
	}
	if n, m := count(t, x, indexer.SearchRequest{Query: "password"}), count(t, x, indexer.SearchRequest{Query: `process.name:sshd AND NOT "Accepted"`}); n != m {
		t.Fatalf("full text %d, columns %d", n, m)
	}
}

// TestIdleClose lets the janitor close idle files; writing and searching
// reopen them, and a file whose writer is closed is still readable.
func TestIdleClose(t *testing.T) {
	x := openTest(t, Config{IdleTimeout: 100 * time.Millisecond, MaxOpenWriters: 1})
	write(t, x, genEvents("acme", 1, 100, day0, time.Second))
	write(t, x, genEvents("acme", 1001, 100, day0.Add(24*time.Hour), time.Second)) // evicts day 0
	if n := count(t, x, indexer.SearchRequest{}); n != 200 {
		t.Fatalf("count %d", n)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		x.mu.Lock()
		w := len(x.writers)
		x.mu.Unlock()
		x.rmu.Lock()
		r := len(x.readers)
		x.rmu.Unlock()
		if w == 0 && r == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("idle files still open: %d writers, %d readers", w, r)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := count(t, x, indexer.SearchRequest{Query: "password"}); n == 0 {
		t.Fatal("closed files not searchable")
	}
	write(t, x, genEvents("acme", 1, 100, day0, time.Second))
	if n := count(t, x, indexer.SearchRequest{}); n != 200 {
		t.Fatalf("count %d after reopening", n)
	}
}

// TestFullTextCatchUp simulates a crash between the events commit and the
// full-text commit, and a full-text file ahead of its events file.
func TestFullTextCatchUp(t *testing.T) {
	dir := t.TempDir()
	events := genEvents("acme", 1, 3000, benchStart, time.Second)
	x, err := Open(Config{Dir: dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	write(t, x, events[:2000])
	want := count(t, x, indexer.SearchRequest{Query: "password"})
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "acme", "2026-01-10.db")
	ftsExec := func(q string) {
		t.Helper()
		c, err := openConn(ftsPathOf(path), &Config{PageSize: DefaultPageSize, CacheSizeKiB: 1024, WALAutocheckpoint: 1000, JournalSizeLimit: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		defer c.c.Close()
		if err := c.exec(q); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct{ name, sql string }{
		{"behind", "INSERT INTO fts(fts) VALUES('delete-all'); UPDATE fts_state SET through = 0"},
		{"partly behind", "INSERT INTO fts(fts) VALUES('delete-all'); INSERT INTO fts(rowid, message) VALUES (1, '" + events[0].Message + "'); UPDATE fts_state SET through = 1"},
		{"ahead", "INSERT INTO fts(rowid, message) VALUES (5000, 'ghost password'); UPDATE fts_state SET through = 5000"},
		{"deleted", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.sql == "" {
				for _, suffix := range []string{"", "-wal", "-shm"} {
					if err := os.Remove(ftsPathOf(path) + suffix); err != nil && !os.IsNotExist(err) {
						t.Fatal(err)
					}
				}
			} else {
				ftsExec(tc.sql)
			}
			x, err := Open(Config{Dir: dir}, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			// Writing opens the file and repairs the full-text index.
			write(t, x, events[:10])
			if n := count(t, x, indexer.SearchRequest{Query: "password"}); n != want {
				t.Fatalf("after catch-up: %d matches, want %d", n, want)
			}
		})
	}
	x, err = Open(Config{Dir: dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	write(t, x, events)
	if n, m := count(t, x, indexer.SearchRequest{Query: "password"}), count(t, x, indexer.SearchRequest{Query: `process.name:sshd AND NOT Accepted`}); n != m {
		t.Fatalf("full text %d, columns %d", n, m)
	}
}

// TestCloseLeavesNoGoroutines checks that Close stops the janitor and the
// connection pools.
func TestCloseLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	x, err := Open(Config{Dir: t.TempDir()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	write(t, x, genEvents("acme", 1, 5000, day0, time.Second))
	for range 5 {
		count(t, x, indexer.SearchRequest{Query: "password"})
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if err := x.Write(context.Background(), genEvents("acme", 1, 1, day0, time.Second)); err == nil {
		t.Error("Write after Close succeeded")
	}
	if _, err := x.Count(context.Background(), indexer.SearchRequest{}); err == nil {
		t.Error("Count after Close succeeded")
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines before, %d after Close:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestCancelledContext(t *testing.T) {
	x := openTest(t, Config{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := x.Write(ctx, genEvents("acme", 1, 5000, day0, time.Second)); !errors.Is(err, context.Canceled) {
		t.Fatalf("Write: %v", err)
	}
	write(t, x, genEvents("acme", 1, 10, day0, time.Second))
	if _, err := x.Search(ctx, indexer.SearchRequest{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Search: %v", err)
	}
	if n := count(t, x, indexer.SearchRequest{}); n != 10 {
		t.Fatalf("count %d", n)
	}
}

// failingCtx is a context whose Err turns to Canceled after n calls: it
// cancels a Write in the middle of its transaction.
type failingCtx struct {
	context.Context
	n atomic.Int32
}

func (c *failingCtx) Err() error {
	if c.n.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

func TestWriteFailsMidway(t *testing.T) {
	x := openTest(t, Config{})
	events := genEvents("acme", 1, 5*rowsPerChunk, benchStart, time.Second)
	ctx := &failingCtx{Context: context.Background()}
	ctx.n.Store(3)
	if err := x.Write(ctx, events); !errors.Is(err, context.Canceled) {
		t.Fatalf("Write: %v", err)
	}
	// Nothing of the failed transaction is visible, in either file.
	if n := count(t, x, indexer.SearchRequest{}); n != 0 {
		t.Fatalf("%d events after a failed write", n)
	}
	if n := count(t, x, indexer.SearchRequest{Query: "password"}); n != 0 {
		t.Fatalf("%d full-text matches after a failed write", n)
	}
	// The retry stores everything once.
	write(t, x, events)
	if n, m := count(t, x, indexer.SearchRequest{Query: "password"}), count(t, x, indexer.SearchRequest{Query: "sluice.rule:sshd-failed"}); n != m || n == 0 {
		t.Fatalf("full text %d, columns %d", n, m)
	}
	if n := count(t, x, indexer.SearchRequest{}); n != int64(len(events)) {
		t.Fatalf("count %d", n)
	}
}

// TestSecondProcess reads the index from other processes while this one
// writes: another Sluice (this test binary) and, when installed, the
// sqlite3 shell.
func TestSecondProcess(t *testing.T) {
	if dir := os.Getenv("SLUICE_EMBEDDED_READER_DIR"); dir != "" {
		// The child: count what is there and print it.
		x, err := Open(Config{Dir: dir}, nil)
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		all, err1 := x.Count(context.Background(), indexer.SearchRequest{})
		fts, err2 := x.Count(context.Background(), indexer.SearchRequest{Query: "password"})
		if err := errors.Join(err1, err2, x.Close()); err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Printf("count %d %d\n", all, fts)
		os.Exit(0)
	}
	dir := t.TempDir()
	x := openTest(t, Config{Dir: dir})
	events := genEvents("acme", 1, 6000, benchStart, time.Second)
	sqlite3, _ := exec.LookPath("sqlite3")
	for i := 0; i < len(events); i += 2000 {
		write(t, x, events[i:i+2000])
		cmd := exec.Command(os.Args[0], "-test.run=^TestSecondProcess$")
		cmd.Env = append(os.Environ(), "SLUICE_EMBEDDED_READER_DIR="+dir)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("reader process: %v\n%s", err, out)
		}
		var all, fts int64
		if _, err := fmt.Sscanf(string(out), "count %d %d", &all, &fts); err != nil {
			t.Fatalf("reader process said %q", out)
		}
		if all != int64(i+2000) || fts == 0 {
			t.Fatalf("reader process saw %d events (%d full-text), want %d", all, fts, i+2000)
		}
		if sqlite3 != "" {
			path := filepath.Join(dir, "acme", "2026-01-10.db")
			out, err := exec.Command(sqlite3, "-readonly", path, "SELECT count(*) FROM events;").CombinedOutput()
			if err != nil || strings.TrimSpace(string(out)) != strconv.Itoa(i+2000) {
				t.Fatalf("sqlite3 shell: %v: %s", err, out)
			}
		}
	}
}

// TestSearchManyMatches covers both plans of a full-text search: driven by
// the matching rows (few hits) and by the time index (many hits). Both
// must give the same answer as the equivalent query on columns.
func TestSearchManyMatches(t *testing.T) {
	x := openTest(t, Config{})
	write(t, x, genEvents("acme", 1, 20_000, benchStart, 10*time.Millisecond))
	since := benchStart.Add(150 * time.Second)
	for _, tc := range []struct{ fts, cols string }{
		{"password", "sluice.rule:sshd-failed"},                   // about 30% of events
		{"shadow", `process.command_line:"/bin/cat /etc/shadow"`}, // about 2%
		{"password @timestamp:>=" + since.Format(time.RFC3339), "sluice.rule:sshd-failed @timestamp:>=" + since.Format(time.RFC3339)},
	} {
		for _, limit := range []int{1, 50, 10_000} {
			a, err := x.Search(context.Background(), indexer.SearchRequest{Query: tc.fts, Limit: limit})
			if err != nil {
				t.Fatal(err)
			}
			b, err := x.Search(context.Background(), indexer.SearchRequest{Query: tc.cols, Limit: limit})
			if err != nil {
				t.Fatal(err)
			}
			if len(a) == 0 || len(a) != len(b) {
				t.Fatalf("%s limit %d: %d results, %s: %d", tc.fts, limit, len(a), tc.cols, len(b))
			}
			for i := range a {
				if string(a[i]) != string(b[i]) {
					t.Fatalf("%s limit %d: result %d differs:\n%s\n%s", tc.fts, limit, i, a[i], b[i])
				}
			}
		}
		if n, m := count(t, x, indexer.SearchRequest{Query: tc.fts}), count(t, x, indexer.SearchRequest{Query: tc.cols}); n != m {
			t.Fatalf("count %s = %d, %s = %d", tc.fts, n, tc.cols, m)
		}
	}
}

// FuzzSearch runs arbitrary queries against a small index: whatever
// parses must translate to SQL that runs, and nothing may fail with
// anything but ErrBadQuery.
func FuzzSearch(f *testing.F) {
	for _, s := range []string{
		`user.name:"x' OR 1=1 --"`, `a);DROP:x`, `"'); DROP TABLE events; --"`, `url.path:/wp*`,
		`source.port:[1 TO 2}`, `@timestamp:>=2026-01-10`, `NOT (a OR -b:c)`, `adm?n*`, `"NEAR(a b)"`,
		`sluice.collected:<2026-01-10T06:00:01Z`, `f:(a OR "b c")`, `_id:x*`, `"->" OR "*"`,
	} {
		f.Add(s)
	}
	x, err := Open(Config{Dir: f.TempDir()}, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = x.Close() })
	if err := x.Write(context.Background(), fixture()); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		req := indexer.SearchRequest{Query: q, Limit: 3}
		if _, err := x.Search(context.Background(), req); err != nil && !errors.Is(err, indexer.ErrBadQuery) {
			t.Fatalf("Search(%q): %v", q, err)
		}
		if _, err := x.Count(context.Background(), req); err != nil && !errors.Is(err, indexer.ErrBadQuery) {
			t.Fatalf("Count(%q): %v", q, err)
		}
	})
}

// TestUnusableFile checks that a day file that cannot be opened fails the
// Write cleanly, and does not disturb other days.
func TestUnusableFile(t *testing.T) {
	dir := t.TempDir()
	x := openTest(t, Config{Dir: dir})
	if err := os.MkdirAll(filepath.Join(dir, "acme"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "acme", "2026-01-10.db"), []byte(strings.Repeat("not a database ", 500)), 0o600); err != nil {
		t.Fatal(err)
	}
	newer := filepath.Join(dir, "acme", "2026-01-12.db")
	if out, err := exec.Command("sqlite3", newer, "PRAGMA user_version = 99;").CombinedOutput(); err != nil {
		t.Skipf("sqlite3 shell: %v %s", err, out)
	}
	for _, day := range []time.Time{day0, day0.Add(48 * time.Hour)} {
		if err := x.Write(context.Background(), genEvents("acme", 1, 10, day, time.Second)); err == nil {
			t.Errorf("Write to an unusable file of %s succeeded", day.Format(time.DateOnly))
		}
	}
	write(t, x, genEvents("acme", 1, 10, day0.Add(24*time.Hour), time.Second))
	if n := count(t, x, indexer.SearchRequest{Since: day0.Add(24 * time.Hour), Until: day0.Add(48 * time.Hour)}); n != 10 {
		t.Fatalf("count %d", n)
	}
}

// TestClosedFilesLeaveNoWAL checks that a day file closed for writing
// while searches hold it open (a writer evicted, Close) leaves no WAL
// behind: only the last connection to close would delete it, and the
// read-only ones cannot, so it stayed on disk, up to WALAutocheckpoint
// pages per file, for good.
func TestClosedFilesLeaveNoWAL(t *testing.T) {
	dir := t.TempDir()
	x := openTest(t, Config{Dir: dir, MaxOpenWriters: 1})
	write(t, x, genEvents("acme", 1, 500, day0, time.Second))
	if n := count(t, x, indexer.SearchRequest{Query: "password"}); n == 0 { // opens day 0's readers
		t.Fatal("no match")
	}
	write(t, x, genEvents("acme", 1001, 500, day0.Add(24*time.Hour), time.Second)) // evicts day 0's writer
	walSizes := func() map[string]int64 {
		t.Helper()
		out := map[string]int64{}
		paths, err := filepath.Glob(filepath.Join(dir, "*", "*-wal"))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Size() > 0 {
				out[filepath.Base(p)] = fi.Size()
			}
		}
		return out
	}
	for name, size := range walSizes() {
		if strings.HasPrefix(name, dayName(dayOf(day0.UnixNano()))) {
			t.Errorf("evicted writer left %s of %d bytes", name, size)
		}
	}
	if n := count(t, x, indexer.SearchRequest{}); n != 1000 {
		t.Fatalf("count %d, want 1000", n)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if w := walSizes(); len(w) > 0 {
		t.Errorf("Close left WAL files: %v", w)
	}
	y := openTest(t, Config{Dir: dir})
	if n := count(t, y, indexer.SearchRequest{Query: "password"}); n == 0 {
		t.Fatal("no match after reopening")
	}
	if n := count(t, y, indexer.SearchRequest{}); n != 1000 {
		t.Fatalf("count %d after reopening, want 1000", n)
	}
}
