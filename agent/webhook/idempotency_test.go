package webhook

import (
	"errors"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sluicehq/sluice/agent/source"
	"github.com/sluicehq/sluice/agent/spool"
	"github.com/sluicehq/sluice/internal/testkit"
)

// postKey POSTs text lines with an Idempotency-Key header value.
func postKey(t *testing.T, url, key, body string) response {
	t.Helper()
	return do(t, nil, url, request{ct: TypeText, body: strings.NewReader(body), auth: "Bearer " + token,
		header: http.Header{IdempotencyKeyHeader: {key}}})
}

// stateKeys counts the source's key records in the spool.
func stateKeys(t *testing.T, sp *spool.Spool) int {
	t.Helper()
	n := 0
	if err := sp.State("hooks", func(string, []byte) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// clock is a settable clock for the key window.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// TestIdempotentRetry: a retry of a committed request (same key, same
// body) is answered with the first 200, marked replayed, and stores
// nothing; after the source and its spool are closed and reopened (an
// agent restart) too. The same key with another body is refused with 422.
func TestIdempotentRetry(t *testing.T) {
	for _, tc := range []struct{ name, sent, retried string }{
		{"bare key", "8e03978e-40d5-43e8-bc93-6894a57f9324", "8e03978e-40d5-43e8-bc93-6894a57f9324"},
		{"structured field string", `"8e03978e-40d5"`, "8e03978e-40d5"},
		{"escapes", `"a\"b\\c"`, `a"b\c`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			sp, err := spool.Open(spool.Options{Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			srv := startServer(t, Config{}, sp)
			body := "one\ntwo\n" + strings.Repeat("x", 300) + "\n"
			first := postKey(t, srv.url, tc.sent, body)
			if first.status != http.StatusOK || first.header.Get(ReplayedHeader) != "" {
				t.Fatalf("first: %d %s %v", first.status, first.raw, first.header)
			}
			again := postKey(t, srv.url, tc.retried, body)
			if again.status != http.StatusOK || again.raw != first.raw || again.header.Get(ReplayedHeader) != "true" {
				t.Fatalf("retry: %d %s %v, want the first answer %s replayed", again.status, again.raw, again.header, first.raw)
			}
			if r := postKey(t, srv.url, tc.retried, "one\ntwo\nthree\n"); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.raw, IdempotencyKeyHeader) {
				t.Fatalf("same key, another body: %d %s", r.status, r.raw)
			}
			if got := spooledRaw(t, sp); len(got) != 3 {
				t.Fatalf("spooled %d lines, want 3: %q", len(got), got)
			}
			st := srv.src.Stats()
			if st.Accepted != 1 || st.Replayed != 1 || st.KeyMismatch != 1 || st.IdempotencyKeys != 1 || st.Lines != 3 {
				t.Fatalf("stats %+v", st)
			}

			// Restart: the key comes back from the spool.
			if err := srv.stop(); err != nil {
				t.Fatal(err)
			}
			if err := sp.Close(); err != nil {
				t.Fatal(err)
			}
			sp, err = spool.Open(spool.Options{Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = sp.Close() })
			srv = startServer(t, Config{}, sp)
			if st := srv.src.Stats(); st.IdempotencyKeys != 1 {
				t.Fatalf("after restart: %d keys, want 1", st.IdempotencyKeys)
			}
			if r := postKey(t, srv.url, tc.sent, body); r.status != http.StatusOK || r.raw != first.raw || r.header.Get(ReplayedHeader) != "true" {
				t.Fatalf("retry after restart: %d %s %v", r.status, r.raw, r.header)
			}
			if r := postKey(t, srv.url, tc.sent, "other\n"); r.status != http.StatusUnprocessableEntity {
				t.Fatalf("another body after restart: %d %s", r.status, r.raw)
			}
			if got := spooledRaw(t, sp); len(got) != 3 {
				t.Fatalf("after restart spooled %d lines, want 3", len(got))
			}
			// Without a key nothing is remembered: the same body twice is
			// stored twice, as before keys.
			for range 2 {
				if r := post(t, srv.url, TypeText, "keyless\n"); r.status != http.StatusOK || r.header.Get(ReplayedHeader) != "" {
					t.Fatalf("keyless: %d %s", r.status, r.raw)
				}
			}
			if got := spooledRaw(t, sp); len(got) != 5 {
				t.Fatalf("spooled %d lines, want 5", len(got))
			}
		})
	}
}

// TestIdempotencyKeyInvalid: a key that is empty, too long, not
// printable ASCII, badly quoted or sent twice is refused with 400 and
// nothing is stored; 255 bytes are accepted.
func TestIdempotencyKeyInvalid(t *testing.T) {
	sp := openSpool(t, spool.Options{})
	srv := startServer(t, Config{}, sp)
	for _, tc := range []struct {
		name string
		vals []string
		want int
	}{
		{"longest", []string{strings.Repeat("k", MaxIdempotencyKeyBytes)}, http.StatusOK},
		{"too long", []string{strings.Repeat("k", MaxIdempotencyKeyBytes+1)}, http.StatusBadRequest},
		{"quoted too long", []string{`"` + strings.Repeat("k", MaxIdempotencyKeyBytes+1) + `"`}, http.StatusBadRequest},
		{"empty", []string{""}, http.StatusBadRequest},
		{"empty quoted", []string{`""`}, http.StatusBadRequest},
		{"not ascii", []string{"clé"}, http.StatusBadRequest},
		{"control", []string{"a\tb"}, http.StatusBadRequest},
		{"unterminated", []string{`"abc`}, http.StatusBadRequest},
		{"bad escape", []string{`"a\nb"`}, http.StatusBadRequest},
		{"inner quote", []string{`"a"b"`}, http.StatusBadRequest},
		{"twice", []string{"k1", "k2"}, http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, nil, srv.url, request{ct: TypeText, body: strings.NewReader(tc.name + "\n"), auth: "Bearer " + token,
				header: http.Header{IdempotencyKeyHeader: tc.vals}})
			if r.status != tc.want {
				t.Fatalf("status %d, want %d: %s", r.status, tc.want, r.raw)
			}
			if tc.want == http.StatusBadRequest && !strings.Contains(r.raw, IdempotencyKeyHeader) {
				t.Fatalf("error does not name the header: %s", r.raw)
			}
		})
	}
	if got := spooledRaw(t, sp); len(got) != 1 || got[0] != "longest" {
		t.Fatalf("spooled %q", got)
	}
}

// TestIdempotencyKeyInFlight: while a request is being committed, another
// with its key gets 409 and Retry-After; once the first is committed, a
// retry is replayed. A request whose commit failed leaves no key: its
// retry is committed.
func TestIdempotencyKeyInFlight(t *testing.T) {
	store := &fakeStore{block: make(chan struct{}), entered: make(chan struct{}, 1)}
	srv := startServer(t, Config{}, store)
	first := make(chan response, 1)
	go func() {
		r, err := send(nil, srv.url, request{ct: TypeText, body: strings.NewReader("a\n"), auth: "Bearer " + token,
			header: http.Header{IdempotencyKeyHeader: {"k"}}})
		if err != nil {
			t.Error(err)
		}
		first <- r
	}()
	<-store.entered
	if r := postKey(t, srv.url, "k", "a\n"); r.status != http.StatusConflict || r.header.Get("Retry-After") == "" {
		t.Fatalf("concurrent: %d %s %v", r.status, r.raw, r.header)
	}
	store.mu.Lock()
	store.entered = nil
	store.mu.Unlock()
	close(store.block)
	if r := <-first; r.status != http.StatusOK {
		t.Fatalf("first: %d %s", r.status, r.raw)
	}
	if r := postKey(t, srv.url, "k", "a\n"); r.status != http.StatusOK || r.header.Get(ReplayedHeader) != "true" {
		t.Fatalf("retry: %d %s", r.status, r.raw)
	}

	store.setErr(spool.ErrFull)
	if r := postKey(t, srv.url, "k2", "b\n"); r.status != http.StatusServiceUnavailable {
		t.Fatalf("full: %d %s", r.status, r.raw)
	}
	store.setErr(errors.New("disk on fire"))
	if r := postKey(t, srv.url, "k2", "b\n"); r.status != http.StatusInternalServerError {
		t.Fatalf("failed: %d %s", r.status, r.raw)
	}
	store.setErr(nil)
	if r := postKey(t, srv.url, "k2", "b\n"); r.status != http.StatusOK || r.header.Get(ReplayedHeader) != "" {
		t.Fatalf("after failures: %d %s %v", r.status, r.raw, r.header)
	}
	if _, lines := store.committed(); strings.Join(lines, ",") != "a,b" {
		t.Fatalf("committed %q", lines)
	}
	if st := srv.src.Stats(); st.KeyInUse != 1 || st.Replayed != 1 || st.Accepted != 2 || st.IdempotencyKeys != 2 {
		t.Fatalf("stats %+v", st)
	}
}

// TestIdempotencyKeyExpiry: past the window a key is forgotten, in
// memory and in the spool, and the same key then starts a new request.
func TestIdempotencyKeyExpiry(t *testing.T) {
	clk := &clock{now: collected}
	dir := t.TempDir()
	sp, err := spool.Open(spool.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{IdempotencyWindow: time.Hour, Now: clk.Now}
	srv := startServer(t, cfg, sp)
	if r := postKey(t, srv.url, "k", "a\n"); r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	clk.add(59 * time.Minute)
	if r := postKey(t, srv.url, "k", "a\n"); r.header.Get(ReplayedHeader) != "true" {
		t.Fatalf("within the window: %d %s", r.status, r.raw)
	}
	clk.add(time.Minute)
	if r := postKey(t, srv.url, "k", "b\n"); r.status != http.StatusOK || r.header.Get(ReplayedHeader) != "" {
		t.Fatalf("after the window: %d %s", r.status, r.raw)
	}
	if got := spooledRaw(t, sp); strings.Join(got, ",") != "a,b" {
		t.Fatalf("spooled %q", got)
	}
	// The expired record was deleted in the new request's commit.
	if n := stateKeys(t, sp); n != 1 {
		t.Fatalf("%d key records in the spool, want 1", n)
	}
	if st := srv.src.Stats(); st.KeysExpired != 1 || st.IdempotencyKeys != 1 {
		t.Fatalf("stats %+v", st)
	}
	// With no request after it, an expired key leaves the spool at the
	// sweep; and a restart after the window finds nothing.
	clk.add(2 * time.Hour)
	srv.src.dropKeys()
	if n := stateKeys(t, sp); n != 0 {
		t.Fatalf("%d key records after the sweep, want 0", n)
	}
	if err := srv.stop(); err != nil {
		t.Fatal(err)
	}
	if err := sp.Close(); err != nil {
		t.Fatal(err)
	}
	sp, err = spool.Open(spool.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sp.Close() })
	if err := sp.SetState("hooks", (&keyEntry{at: clk.Now().Add(-2 * time.Hour)}).record()); err != nil {
		t.Fatal(err)
	}
	srv = startServer(t, cfg, sp)
	testkit.Eventually(t, 5*time.Second, "expired key records dropped at start", func() bool { return stateKeys(t, sp) == 0 })
	if st := srv.src.Stats(); st.IdempotencyKeys != 0 || st.KeysExpired != 1 {
		t.Fatalf("after restart: %+v", st)
	}
}

// TestIdempotencyKeyCap: past max keys the oldest are evicted (counted),
// so a retry of their request is stored again; the cap holds after a
// restart too, and unreadable records are dropped with a warning.
func TestIdempotencyKeyCap(t *testing.T) {
	clk := &clock{now: collected}
	dir := t.TempDir()
	sp, err := spool.Open(spool.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{MaxIdempotencyKeys: 3, Now: clk.Now}
	srv := startServer(t, cfg, sp)
	keys := []string{"k1", "k2", "k3", "k4", "k5"}
	for _, k := range keys {
		clk.add(time.Second)
		if r := postKey(t, srv.url, k, k+"\n"); r.status != http.StatusOK {
			t.Fatalf("%s: %d %s", k, r.status, r.raw)
		}
	}
	if st := srv.src.Stats(); st.IdempotencyKeys != 3 || st.KeysEvicted != 2 {
		t.Fatalf("stats %+v", st)
	}
	if r := postKey(t, srv.url, "k5", "k5\n"); r.header.Get(ReplayedHeader) != "true" {
		t.Fatalf("k5 retry not replayed: %d %s", r.status, r.raw)
	}
	if r := postKey(t, srv.url, "k1", "k1\n"); r.status != http.StatusOK || r.header.Get(ReplayedHeader) != "" {
		t.Fatalf("evicted k1 retry: %d %s %v", r.status, r.raw, r.header)
	}
	if got := spooledRaw(t, sp); strings.Join(got, ",") != "k1,k2,k3,k4,k5,k1" {
		t.Fatalf("spooled %q", got)
	}
	if err := srv.stop(); err != nil {
		t.Fatal(err)
	}
	// Records whose deletion had not been committed yet, and one that
	// cannot be read, as a crash or another version may leave them.
	if err := sp.SetState("hooks", source.StateRecord{Key: "junk", Value: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	if err := sp.Close(); err != nil {
		t.Fatal(err)
	}
	sp, err = spool.Open(spool.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sp.Close() })
	srv = startServer(t, cfg, sp)
	if st := srv.src.Stats(); st.IdempotencyKeys != 3 {
		t.Fatalf("after restart: %+v", st)
	}
	testkit.Eventually(t, 5*time.Second, "evicted key records dropped at start", func() bool { return stateKeys(t, sp) == 3 })
	if !strings.Contains(srv.logs.String(), "unreadable idempotency key records") {
		t.Fatal("the unreadable record is not logged")
	}
	// The newest three survive: k4, k5 and k1's second commit.
	for _, k := range []string{"k4", "k5", "k1"} {
		if r := postKey(t, srv.url, k, k+"\n"); r.header.Get(ReplayedHeader) != "true" {
			t.Fatalf("%s after restart: %d %s", k, r.status, r.raw)
		}
	}
}

// TestKeyTableMemory measures what a full table of default size holds,
// for the README's sizing (logged; bounded loosely so a regression shows).
func TestKeyTableMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates a full table")
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	kt := newKeyTable(DefaultIdempotencyWindow, DefaultMaxIdempotencyKeys)
	now := collected
	for i := range DefaultMaxIdempotencyKeys + 1000 {
		var e keyEntry
		e.id[0], e.id[1], e.id[2], e.id[3] = byte(i), byte(i>>8), byte(i>>16), byte(i>>24)
		e.at = now.Add(time.Duration(i) * time.Millisecond)
		kt.committed(&e)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	per := float64(after.HeapAlloc-before.HeapAlloc) / DefaultMaxIdempotencyKeys
	st := kt.stats()
	t.Logf("%d keys held, %d evicted: %.0f bytes of heap per key (%.1f MiB)", st.Held, st.Evicted, per, per*DefaultMaxIdempotencyKeys/(1<<20))
	if st.Held != DefaultMaxIdempotencyKeys || st.Evicted != 1000 || len(kt.drops) != 1000 {
		t.Fatalf("stats %+v, %d drops", st, len(kt.drops))
	}
	if per > 400 {
		t.Fatalf("%.0f bytes per key", per)
	}
	runtime.KeepAlive(kt)
}

// TestKeyRecord: a key's spool record reads back as written; damaged
// ones are refused.
func TestKeyRecord(t *testing.T) {
	e := &keyEntry{id: keyID{1, 2, 3}, at: collected, fp: fingerprint{9}, answer: acceptedBody{Accepted: 300, Truncated: 2}}
	rec := e.record()
	got, err := parseKeyRecord(rec.Key, rec.Value)
	if err != nil || got.id != e.id || !got.at.Equal(e.at) || got.fp != e.fp || got.answer != e.answer {
		t.Fatalf("read back %+v, %v; want %+v", got, err, e)
	}
	for _, bad := range []struct{ key, val string }{
		{"x", string(rec.Value)},
		{rec.Key[:10], string(rec.Value)},
		{rec.Key, ""},
		{rec.Key, "\x02" + string(rec.Value[1:])},
		{rec.Key, string(rec.Value) + "\x00"},
		{rec.Key, string(rec.Value[:len(rec.Value)-1])},
	} {
		if _, err := parseKeyRecord(bad.key, []byte(bad.val)); err == nil {
			t.Errorf("record %q %q accepted", bad.key, bad.val)
		}
	}
}

// FuzzParseIdempotencyKey: any header value is refused or gives a key of
// 1 to 255 printable ASCII bytes; a key sent as a Structured Fields
// string comes back whole.
func FuzzParseIdempotencyKey(f *testing.F) {
	for _, s := range []string{"8e03978e-40d5-43e8-bc93-6894a57f9324", `"abc"`, `"a\"b\\c"`, `"`, `""`, " k ", "\"\\", "clé"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		k, err := ParseIdempotencyKey(v)
		if err != nil {
			return
		}
		if len(k) == 0 || len(k) > MaxIdempotencyKeyBytes {
			t.Fatalf("%q: key of %d bytes", v, len(k))
		}
		for i := 0; i < len(k); i++ {
			if k[i] < 0x20 || k[i] > 0x7e {
				t.Fatalf("%q: key %q has byte %#x", v, k, k[i])
			}
		}
		quoted := `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(k) + `"`
		if k2, err := ParseIdempotencyKey(quoted); err != nil || k2 != k {
			t.Fatalf("%q quoted as %q: %q, %v", k, quoted, k2, err)
		}
	})
}

var _ source.StateStore = (*spool.Spool)(nil)

// TestIdempotencyKeyRace: many attempts of one request at once, on a
// real spool: its lines are stored once, every attempt is answered 200
// (committed or replayed) or 409, and a last retry is replayed.
func TestIdempotencyKeyRace(t *testing.T) {
	sp := openSpool(t, spool.Options{})
	srv := startServer(t, Config{}, sp)
	const attempts = 16
	var wg sync.WaitGroup
	statuses := make(chan int, attempts)
	for range attempts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := send(nil, srv.url, request{ct: TypeText, body: strings.NewReader("a\nb\n"), auth: "Bearer " + token,
				header: http.Header{IdempotencyKeyHeader: {"same"}}})
			if err != nil {
				t.Error(err)
				return
			}
			statuses <- r.status
		}()
	}
	wg.Wait()
	close(statuses)
	for st := range statuses {
		if st != http.StatusOK && st != http.StatusConflict {
			t.Fatalf("status %d", st)
		}
	}
	if r := postKey(t, srv.url, "same", "a\nb\n"); r.status != http.StatusOK || r.header.Get(ReplayedHeader) != "true" {
		t.Fatalf("last retry: %d %s", r.status, r.raw)
	}
	if got := spooledRaw(t, sp); strings.Join(got, ",") != "a,b" {
		t.Fatalf("spooled %q", got)
	}
	if st := srv.src.Stats(); st.Accepted != 1 || st.Replayed+st.KeyInUse != attempts {
		t.Fatalf("stats %+v", st)
	}
}
