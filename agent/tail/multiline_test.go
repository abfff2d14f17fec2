package tail_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sluicehq/sluice/agent/tail"
	"github.com/sluicehq/sluice/pkg/multiline"
)

// fakeClock is a clock the test moves.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newMultiline is a harness whose source joins events that start with a
// date (pattern, negate, after: the acceptance check's setting).
func newMultiline(t *testing.T, clock *fakeClock, globs ...string) *harness {
	t.Helper()
	h := &harness{t: t, dir: t.TempDir(), spDir: filepath.Join(t.TempDir(), "spool")}
	for _, g := range globs {
		h.glob = append(h.glob, filepath.Join(h.dir, g))
	}
	h.opts = func(c *tail.Config) {
		c.MaxLineBytes = 1024
		c.Multiline = &multiline.Config{Pattern: `^\d{4}-\d{2}-\d{2}`, Negate: true, Match: "after", FlushTimeout: 5 * time.Second}
		c.Now = clock.Now
	}
	h.open()
	return h
}

// javaEvent is event i: a log line and, for odd i, a stack trace.
func javaEvent(i int) string {
	s := fmt.Sprintf("2024-05-01 12:00:00 ERROR event %d\n", i)
	if i%2 == 1 {
		s += fmt.Sprintf("java.lang.IllegalStateException: boom %d\n\tat a.B.c(B.java:%d)\n\t... 3 more\n", i, i)
	}
	return s
}

func TestMultilineJoinsAndHoldsTheCheckpoint(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1e9, 0)}
	h := newMultiline(t, clock, "app.log")
	h.write("app.log", javaEvent(0)+javaEvent(1))
	h.poll()
	// Event 1 is held: a continuation may still come.
	if got := h.drain(); len(got) != 1 || got[0] != strings.TrimSuffix(javaEvent(0), "\n") {
		t.Fatalf("first poll: %q", got)
	}
	// Half of event 3 is written, then the agent restarts: the
	// checkpoint is where event 1 starts, so events 1 and 3 come whole.
	h.write("app.log", javaEvent(2)+"2024-05-01 12:00:00 ERROR event 3\njava.lang.IllegalStateException: boom 3\n")
	h.poll()
	if got := h.drain(); len(got) != 2 || got[1] != strings.TrimSuffix(javaEvent(2), "\n") {
		t.Fatalf("second poll: %q", got)
	}
	h.restart()
	h.write("app.log", "\tat a.B.c(B.java:3)\n\t... 3 more\n")
	h.poll()
	if got := h.drain(); len(got) != 0 {
		t.Fatalf("after restart, before the timeout: %q", got)
	}
	// Nothing more comes: event 3 is flushed after flush_timeout.
	clock.Add(4 * time.Second)
	h.poll()
	if got := h.drain(); len(got) != 0 {
		t.Fatalf("flushed before the timeout: %q", got)
	}
	clock.Add(time.Second)
	h.poll()
	if got := h.drain(); len(got) != 1 || got[0] != strings.TrimSuffix(javaEvent(3), "\n") {
		t.Fatalf("after the timeout: %q", got)
	}
	// And a restart now reads nothing again.
	h.restart()
	h.poll()
	if got := h.drain(); len(got) != 0 {
		t.Fatalf("after a restart past the flushed event: %q", got)
	}
}

func TestMultilineBatchesCutAtEvents(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1e9, 0)}
	h := newMultiline(t, clock, "app.log")
	var all strings.Builder
	for i := range 40 {
		all.WriteString(javaEvent(i))
	}
	h.write("app.log", all.String())
	h.poll() // batches of 7 events
	clock.Add(5 * time.Second)
	h.poll()
	got := h.drain()
	if len(got) != 40 {
		t.Fatalf("%d events, want 40", len(got))
	}
	for i, g := range got {
		if g != strings.TrimSuffix(javaEvent(i), "\n") {
			t.Fatalf("event %d: %q", i, g)
		}
	}
}

func TestMultilineRotationMidEvent(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1e9, 0)}
	h := newMultiline(t, clock, "app.log")
	// The writer keeps its descriptor across the rename, as a logger
	// does until it reopens.
	w, err := os.OpenFile(filepath.Join(h.dir, "app.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	_, _ = w.WriteString(javaEvent(0) + "2024-05-01 12:00:00 ERROR event 1\n")
	h.poll()
	if err := os.Rename(filepath.Join(h.dir, "app.log"), filepath.Join(h.dir, "app.log.1")); err != nil {
		t.Fatal(err)
	}
	_, _ = w.WriteString("java.lang.IllegalStateException: boom 1\n\tat a.B.c(B.java:1)\n\t... 3 more\n")
	h.write("app.log", javaEvent(2))
	for range 4 { // the rotated file is read to its end and let go
		h.poll()
	}
	clock.Add(5 * time.Second)
	h.poll()
	got := h.drain()
	want := []string{javaEvent(0), javaEvent(1), javaEvent(2)}
	if len(got) != len(want) {
		t.Fatalf("got %q", got)
	}
	for i := range want {
		if got[i] != strings.TrimSuffix(want[i], "\n") {
			t.Fatalf("event %d: %q", i, got[i])
		}
	}
}

func TestMultilineMaxLinesCutsAndKeeps(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1e9, 0)}
	h := newMultiline(t, clock, "app.log")
	h.opts = func(c *tail.Config) {
		c.MaxLineBytes = 1024
		c.Multiline = &multiline.Config{Mode: multiline.ModeIndent, MaxLines: 3}
		c.Now = clock.Now
	}
	h.restart()
	h.write("app.log", "a\n 1\n 2\n 3\n 4\nb\n")
	h.poll()
	clock.Add(multiline.DefaultFlushTimeout)
	h.poll()
	got := h.drain()
	want := []string{"a\n 1\n 2", " 3\n 4", "b"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	if st := h.sp.Counts()["s"]; st.Truncated != 2 {
		t.Fatalf("truncated %d, want 2 (both parts of the cut event)", st.Truncated)
	}
}

// copytruncate with an event held: the copy is read from the event's
// start (the checkpoint), the original drops what it held when it finds
// itself truncated, so the event comes once and whole. Both orders: the
// truncation before the agent sees the copy, and the copy seen (and
// settled) before the truncation.
func TestMultilineCopyTruncateMidEvent(t *testing.T) {
	for _, seenFirst := range []bool{false, true} {
		t.Run(fmt.Sprintf("copy seen first %v", seenFirst), func(t *testing.T) {
			clock := &fakeClock{now: time.Unix(1e9, 0)}
			h := newMultiline(t, clock, "app.log*")
			h.write("app.log", javaEvent(0)+javaEvent(1))
			h.poll()
			data, err := os.ReadFile(filepath.Join(h.dir, "app.log"))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(h.dir, "app.log.1"), data, 0o644); err != nil {
				t.Fatal(err)
			}
			if seenFirst {
				h.poll() // the copy is seen, and waits to settle
				h.poll()
			}
			if err := os.Truncate(filepath.Join(h.dir, "app.log"), 0); err != nil {
				t.Fatal(err)
			}
			h.write("app.log", javaEvent(2)+javaEvent(3))
			for range 4 {
				h.poll()
			}
			clock.Add(5 * time.Second)
			h.poll()
			got := h.drain()
			sort.Strings(got)
			want := []string{javaEvent(0), javaEvent(1), javaEvent(2), javaEvent(3)}
			for i := range want {
				want[i] = strings.TrimSuffix(want[i], "\n")
			}
			sort.Strings(want)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("got %q\nwant %q", got, want)
			}
		})
	}
}
