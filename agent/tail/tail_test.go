package tail_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/agent/spool"
	"github.com/sluicehq/sluice/agent/tail"
	"github.com/sluicehq/sluice/internal/testkit"
)

type harness struct {
	t     *testing.T
	dir   string
	sp    *spool.Spool
	src   *tail.Source
	glob  []string
	spDir string
	// opts changes the source's configuration (nil: as below).
	opts func(*tail.Config)
}

func newHarness(t *testing.T, globs ...string) *harness {
	t.Helper()
	h := &harness{t: t, dir: t.TempDir(), spDir: filepath.Join(t.TempDir(), "spool")}
	for _, g := range globs {
		h.glob = append(h.glob, filepath.Join(h.dir, g))
	}
	h.open()
	return h
}

func (h *harness) open() {
	h.t.Helper()
	sp, err := spool.Open(spool.Options{Dir: h.spDir})
	if err != nil {
		h.t.Fatal(err)
	}
	h.sp = sp
	logger := testkit.Logger(h.t, "tail")
	if os.Getenv("STRESS_SEED") != "" { // one seed, traced
		logger.SetLevel(hclog.Debug)
	}
	cfg := tail.Config{SourceID: "s", LogSourceType: "t", Paths: h.glob, MaxLineBytes: 64, BatchLines: 7}
	if h.opts != nil {
		h.opts(&cfg)
	}
	src, err := tail.New(cfg, sp, logger)
	if err != nil {
		h.t.Fatal(err)
	}
	h.src = src
	h.loadCheckpoints()
}

// loadCheckpoints runs the part of Run that loads checkpoints, by running
// Run on a cancelled context (it loads, polls once, and returns).
func (h *harness) loadCheckpoints() {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := h.src.Run(ctx); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) restart() {
	h.t.Helper()
	if err := h.sp.Close(); err != nil {
		h.t.Fatal(err)
	}
	h.open()
}

func (h *harness) poll() {
	h.t.Helper()
	if err := h.src.Poll(context.Background()); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) write(name, s string) {
	h.t.Helper()
	f, err := os.OpenFile(filepath.Join(h.dir, name), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := f.WriteString(s); err != nil {
		h.t.Fatal(err)
	}
	_ = f.Close()
}

// drain returns every spooled line (in order) and acknowledges them.
func (h *harness) drain() []string {
	h.t.Helper()
	var out []string
	entries, err := h.sp.Read(0, 1<<20, 1<<30)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, e := range entries {
		out = append(out, string(e.GetRaw()))
	}
	if len(entries) > 0 {
		if err := h.sp.Ack(entries[len(entries)-1].GetSeq()); err != nil {
			h.t.Fatal(err)
		}
	}
	return out
}

func lines(prefix string, from, to int) string {
	var b strings.Builder
	for i := from; i < to; i++ {
		fmt.Fprintf(&b, "%s line %d\n", prefix, i)
	}
	return b.String()
}

func expect(t *testing.T, got []string, want string) {
	t.Helper()
	w := strings.Split(strings.TrimSuffix(want, "\n"), "\n")
	if want == "" {
		w = nil
	}
	if strings.Join(got, "\n") != strings.Join(w, "\n") {
		t.Fatalf("got %d lines:\n%s\nwant %d lines:\n%s", len(got), strings.Join(got, "\n"), len(w), strings.Join(w, "\n"))
	}
}

func TestFollowAppendsAndNewFiles(t *testing.T) {
	h := newHarness(t, "app*.log")
	defer h.sp.Close()
	h.write("app.log", lines("a", 0, 20))
	h.poll()
	expect(t, h.drain(), lines("a", 0, 20))
	h.write("app.log", lines("a", 20, 25)+"partial")
	h.poll()
	expect(t, h.drain(), lines("a", 20, 25))
	h.write("app.log", " done\n")
	h.write("app2.log", lines("b", 0, 3))
	h.poll()
	got := h.drain()
	sort.Strings(got)
	expect(t, got, "b line 0\nb line 1\nb line 2\npartial done\n")
}

func TestRestartNeitherRepeatsNorSkips(t *testing.T) {
	h := newHarness(t, "app.log")
	h.write("app.log", lines("a", 0, 10))
	h.poll()
	expect(t, h.drain(), lines("a", 0, 10))
	h.write("app.log", lines("a", 10, 15))
	h.restart()
	defer h.sp.Close()
	h.poll()
	expect(t, h.drain(), lines("a", 10, 15))
}

// Lines spooled but not acknowledged survive a restart exactly once.
func TestRestartKeepsUnacknowledged(t *testing.T) {
	h := newHarness(t, "app.log")
	h.write("app.log", lines("a", 0, 10))
	h.poll()
	h.restart()
	defer h.sp.Close()
	h.poll()
	expect(t, h.drain(), lines("a", 0, 10))
}

func TestRenameRotation(t *testing.T) {
	h := newHarness(t, "app.log")
	defer h.sp.Close()
	h.write("app.log", lines("a", 0, 5))
	h.poll()
	expect(t, h.drain(), lines("a", 0, 5))
	// Lines written just before the rename must still be read from the
	// renamed file, then the new file from its start.
	h.write("app.log", lines("a", 5, 8))
	if err := os.Rename(filepath.Join(h.dir, "app.log"), filepath.Join(h.dir, "app.log.1")); err != nil {
		t.Fatal(err)
	}
	h.write("app.log", lines("b", 0, 4))
	h.poll()
	got := h.drain()
	sort.Strings(got)
	expect(t, got, lines("a", 5, 8)+lines("b", 0, 4))
	for range 3 {
		h.poll()
	}
	expect(t, h.drain(), "")
}

func TestCopyTruncate(t *testing.T) {
	h := newHarness(t, "app.log*")
	defer h.sp.Close()
	h.write("app.log", lines("a", 0, 30))
	h.poll()
	expect(t, h.drain(), lines("a", 0, 30))
	h.write("app.log", lines("a", 30, 33))
	// copytruncate: copy, then truncate in place.
	data, err := os.ReadFile(filepath.Join(h.dir, "app.log"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(h.dir, "app.log.1"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(filepath.Join(h.dir, "app.log"), 0); err != nil {
		t.Fatal(err)
	}
	h.write("app.log", lines("c", 0, 2))
	h.poll()
	h.poll()
	got := h.drain()
	sort.Strings(got)
	// The copy's already-read part is skipped; its unread tail and the new
	// content are read once.
	expect(t, got, lines("a", 30, 33)+lines("c", 0, 2))
}

func TestTruncationWhileFollowing(t *testing.T) {
	h := newHarness(t, "app.log")
	defer h.sp.Close()
	h.write("app.log", lines("a", 0, 10))
	h.poll()
	h.drain()
	if err := os.Truncate(filepath.Join(h.dir, "app.log"), 0); err != nil {
		t.Fatal(err)
	}
	h.write("app.log", lines("n", 0, 2))
	h.poll()
	expect(t, h.drain(), lines("n", 0, 2))
}

func TestLongLineTruncatedAndFlagged(t *testing.T) {
	h := newHarness(t, "app.log")
	defer h.sp.Close()
	h.write("app.log", strings.Repeat("x", 200)+"\nshort\n")
	h.poll()
	entries, err := h.sp.Read(0, 10, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || !entries[0].GetTruncated() || len(entries[0].GetRaw()) != 64 || entries[0].GetOriginalLength() != 200 {
		t.Fatalf("got %v", entries)
	}
	if entries[1].GetTruncated() || string(entries[1].GetRaw()) != "short" {
		t.Fatalf("second entry %v", entries[1])
	}
}

func TestDeletedFileReadToEndThenClosed(t *testing.T) {
	h := newHarness(t, "app.log")
	defer h.sp.Close()
	h.write("app.log", lines("a", 0, 3))
	h.poll()
	h.drain()
	h.write("app.log", lines("a", 3, 5))
	if err := os.Remove(filepath.Join(h.dir, "app.log")); err != nil {
		t.Fatal(err)
	}
	h.poll()
	expect(t, h.drain(), lines("a", 3, 5))
}

// The agent is down while the file is renamed away (the glob names only
// app.log): the lines written before the rename are still read, once.
func TestRenameRotationWhileDown(t *testing.T) {
	h := newHarness(t, "app.log")
	h.write("app.log", lines("a", 0, 10))
	h.poll()
	expect(t, h.drain(), lines("a", 0, 10))
	_ = h.sp.Close()
	h.write("app.log", lines("a", 10, 15))
	if err := os.Rename(filepath.Join(h.dir, "app.log"), filepath.Join(h.dir, "app.log.1")); err != nil {
		t.Fatal(err)
	}
	h.write("app.log", lines("b", 0, 3))
	h.open()
	defer h.sp.Close()
	h.poll()
	h.poll()
	got := h.drain()
	sort.Strings(got)
	expect(t, got, lines("a", 10, 15)+lines("b", 0, 3))
	for range 3 {
		h.poll()
	}
	expect(t, h.drain(), "")
}

// copytruncate while the agent is down, the copy outside the glob: the
// copy's unread tail and the truncated file's new lines are read once.
func TestCopyTruncateWhileDown(t *testing.T) {
	h := newHarness(t, "app.log")
	h.write("app.log", lines("a", 0, 30))
	h.poll()
	expect(t, h.drain(), lines("a", 0, 30))
	_ = h.sp.Close()
	h.write("app.log", lines("a", 30, 33))
	data, err := os.ReadFile(filepath.Join(h.dir, "app.log"))
	if err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile(filepath.Join(h.dir, "app.log.1"), data, 0o644)
	_ = os.Truncate(filepath.Join(h.dir, "app.log"), 0)
	h.write("app.log", lines("c", 0, 2))
	h.open()
	defer h.sp.Close()
	h.poll()
	h.poll()
	got := h.drain()
	sort.Strings(got)
	expect(t, got, lines("a", 30, 33)+lines("c", 0, 2))
}

// The file at the known inode now holds other content, longer than the
// old offset (inode reuse, or a rewrite while down): read from its start.
func TestInodeReuseReadsNewContentFromStart(t *testing.T) {
	h := newHarness(t, "app.log")
	h.write("app.log", lines("a", 0, 10))
	h.poll()
	h.drain()
	_ = h.sp.Close()
	if err := os.WriteFile(filepath.Join(h.dir, "app.log"), []byte(lines("z", 0, 20)), 0o644); err != nil {
		t.Fatal(err)
	}
	h.open()
	defer h.sp.Close()
	h.poll()
	expect(t, h.drain(), lines("z", 0, 20))
}

// A last line without newline is held, then emitted once after the file
// stayed still for the partial-line timeout.
func TestPartialLineFlushedAfterTimeout(t *testing.T) {
	dir := t.TempDir()
	sp, err := spool.Open(spool.Options{Dir: filepath.Join(dir, "spool")})
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	path := filepath.Join(dir, "app.log")
	src, err := tail.New(tail.Config{
		SourceID: "s", LogSourceType: "t", Paths: []string{path},
		PartialLineTimeout: 5 * time.Second,
		Now:                func() time.Time { return now },
	}, sp, hclog.NewNullLogger())
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, dir: dir, sp: sp, src: src}
	h.write("app.log", "done\nhalf a li")
	h.poll()
	expect(t, h.drain(), "done\n")
	now = now.Add(3 * time.Second)
	h.poll()
	expect(t, h.drain(), "")
	now = now.Add(3 * time.Second)
	h.poll()
	expect(t, h.drain(), "half a li\n")
	h.poll()
	expect(t, h.drain(), "")
	h.write("app.log", "ne\nnext\n")
	h.poll()
	expect(t, h.drain(), "ne\nnext\n")
}

// The poll that finds the copy can come before the truncation: the
// unread lines are then in both files, and must be read once.
func TestCopyFoundBeforeTruncateNoDuplicates(t *testing.T) {
	h := newHarness(t, "app.log*")
	defer h.sp.Close()
	h.write("app.log", lines("a", 0, 30))
	h.poll()
	expect(t, h.drain(), lines("a", 0, 30))
	h.write("app.log", lines("a", 30, 33))
	data, err := os.ReadFile(filepath.Join(h.dir, "app.log"))
	if err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile(filepath.Join(h.dir, "app.log.1"), data, 0o644)
	h.poll() // copy found, original not truncated yet
	got := h.drain()
	_ = os.Truncate(filepath.Join(h.dir, "app.log"), 0)
	h.write("app.log", lines("c", 0, 2))
	h.poll()
	h.poll()
	got = append(got, h.drain()...)
	sort.Strings(got)
	expect(t, got, lines("a", 30, 33)+lines("c", 0, 2))
}

// The same race across a restart: the agent died after the copy was made
// but before the truncation.
func TestCopyBeforeTruncateWhileDown(t *testing.T) {
	h := newHarness(t, "app.log*")
	h.write("app.log", lines("a", 0, 30))
	h.poll()
	expect(t, h.drain(), lines("a", 0, 30))
	_ = h.sp.Close()
	h.write("app.log", lines("a", 30, 33))
	data, err := os.ReadFile(filepath.Join(h.dir, "app.log"))
	if err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile(filepath.Join(h.dir, "app.log.1"), data, 0o644)
	h.open()
	defer h.sp.Close()
	h.poll()
	got := h.drain()
	_ = os.Truncate(filepath.Join(h.dir, "app.log"), 0)
	h.write("app.log", lines("c", 0, 2))
	h.poll()
	got = append(got, h.drain()...)
	sort.Strings(got)
	expect(t, got, lines("a", 30, 33)+lines("c", 0, 2))
}

// The agent can see the copy while copytruncate is still writing it: what
// was read of the original is skipped once the copy reaches that far.
func TestCopyStillBeingWritten(t *testing.T) {
	h := newHarness(t, "app.log*")
	defer h.sp.Close()
	h.write("app.log", lines("a", 0, 40))
	h.poll()
	expect(t, h.drain(), lines("a", 0, 40))
	h.write("app.log", lines("a", 40, 44))
	data, err := os.ReadFile(filepath.Join(h.dir, "app.log"))
	if err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(h.dir, "app.log.1")
	_ = os.WriteFile(copyPath, data[:len(data)/3], 0o644) // the copy so far
	h.poll()
	got := h.drain()
	_ = os.WriteFile(copyPath, data, 0o644) // the copy completes
	_ = os.Truncate(filepath.Join(h.dir, "app.log"), 0)
	h.write("app.log", lines("c", 0, 2))
	h.poll()
	h.poll()
	got = append(got, h.drain()...)
	sort.Strings(got)
	expect(t, got, lines("a", 40, 44)+lines("c", 0, 2))
}
