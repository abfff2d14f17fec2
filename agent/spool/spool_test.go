package spool_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/agent/spool"
	"github.com/sluicehq/sluice/agent/tail"
	"github.com/sluicehq/sluice/pkg/event"
)

func writeLines(t *testing.T, path string, from, to int) {
	t.Helper()
	var b strings.Builder
	for i := from; i < to; i++ {
		fmt.Fprintf(&b, "line %05d %s\n", i, strings.Repeat("x", 80))
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(b.String()); err != nil {
		t.Fatal(err)
	}
}

// drainAll reads what is spooled, acknowledges it, and returns the lines.
func drainAll(t *testing.T, sp *spool.Spool) []string {
	t.Helper()
	entries, err := sp.Read(0, 1<<20, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, string(e.GetRaw()))
	}
	if len(entries) > 0 {
		if err := sp.Ack(entries[len(entries)-1].GetSeq()); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func checkAllOnce(t *testing.T, got []string, n int) {
	t.Helper()
	if len(got) != n {
		t.Fatalf("%d lines, want %d", len(got), n)
	}
	for i, l := range got {
		if !strings.HasPrefix(l, fmt.Sprintf("line %05d ", i)) {
			t.Fatalf("line %d is %q", i, l)
		}
	}
}

// A full spool pauses reading; acknowledgements make room and reading goes
// on where it stopped: every line once, in order.
func TestFullSpoolPausesSourceWithoutLoss(t *testing.T) {
	dir := t.TempDir()
	sp, err := spool.Open(spool.Options{Dir: filepath.Join(dir, "spool"), MaxBytes: 8 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	logPath := filepath.Join(dir, "app.log")
	writeLines(t, logPath, 0, 500)
	src, err := tail.New(tail.Config{SourceID: "s", LogSourceType: "t", Paths: []string{logPath}, BatchLines: 20}, sp, hclog.NewNullLogger())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	pauses := 0
	for range 200 {
		err := src.Poll(context.Background())
		if err != nil {
			if !errors.Is(err, tail.ErrBackpressure) {
				t.Fatal(err)
			}
			pauses++
		}
		if sp.Bytes() > 8<<10 {
			t.Fatalf("spool holds %d bytes over its cap", sp.Bytes())
		}
		got = append(got, drainAll(t, sp)...)
		if len(got) == 500 {
			break
		}
	}
	if pauses == 0 {
		t.Fatal("the spool never pushed back")
	}
	checkAllOnce(t, got, 500)
}

func TestDiskFloorPausesSource(t *testing.T) {
	dir := t.TempDir()
	var free atomic.Int64
	free.Store(100 << 20)
	sp, err := spool.Open(spool.Options{
		Dir:       filepath.Join(dir, "spool"),
		MinFree:   200 << 20,
		FreeBytes: func(string) (int64, error) { return free.Load(), nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	logPath := filepath.Join(dir, "app.log")
	writeLines(t, logPath, 0, 100)
	src, err := tail.New(tail.Config{SourceID: "s", LogSourceType: "t", Paths: []string{logPath}}, sp, hclog.NewNullLogger())
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Poll(context.Background()); !errors.Is(err, tail.ErrBackpressure) {
		t.Fatalf("poll with the disk under its floor: %v", err)
	}
	if sp.Depth() != 0 {
		t.Fatalf("spooled %d entries under the floor", sp.Depth())
	}
	free.Store(1 << 30) // space freed
	var err2 error
	for range 20 { // the free-space reading is cached for 250ms
		if err2 = src.Poll(context.Background()); err2 == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err2 != nil {
		t.Fatal(err2)
	}
	checkAllOnce(t, drainAll(t, sp), 100)
}

// A spool has an incarnation from the start, kept across reopening, and
// no two spools share one.
func TestSpoolIncarnation(t *testing.T) {
	open := func(t *testing.T, dir string) *spool.Spool {
		t.Helper()
		sp, err := spool.Open(spool.Options{Dir: dir, NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		return sp
	}
	dir := t.TempDir()
	sp := open(t, dir)
	inc := sp.Incarnation()
	if !event.ValidIncarnation(inc) {
		t.Fatalf("new spool: incarnation %q", inc)
	}
	_ = sp.Close()
	sp = open(t, dir)
	defer sp.Close()
	if again := sp.Incarnation(); again != inc {
		t.Fatalf("reopened: incarnation %q, want %q", again, inc)
	}
	other := open(t, t.TempDir())
	defer other.Close()
	if o := other.Incarnation(); o == inc {
		t.Fatalf("two spools share incarnation %q", inc)
	}
}
