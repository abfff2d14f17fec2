package chaos

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

var flagEvents = flag.Int("events", 3000, "multi-line events written by TestChaosMultiline")

// mlEvent is event i of the multi-line run: a log line starting with a
// date, and for two events in three a Java stack trace of 3 to 14 lines.
// Every event is unique and ends without a newline (the writer adds it).
func mlEvent(i int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "2024-05-01 12:%02d:%02d.%03d ERROR [worker-%d] com.example.Service - request %d failed", (i/60)%60, i%60, i%1000, i%8, i)
	if i%3 != 0 {
		fmt.Fprintf(&b, "\njava.lang.IllegalStateException: request %d", i)
		for k := range 1 + i%10 {
			fmt.Fprintf(&b, "\n\tat com.example.layer%d.Handler.process(Handler.java:%d)", k, 10+i%97)
		}
		if i%2 == 0 {
			fmt.Fprintf(&b, "\nCaused by: java.io.IOException: reset %d\n\t... %d more", i, 1+i%10)
		}
	}
	return b.String()
}

// TestChaosMultiline runs the real agent and mediator on a Java log whose
// events span several lines, joined by multiline { pattern, negate,
// match = "after" }, while:
//   - the writer writes each event in pieces cut at random bytes (in the
//     middle of lines too), pausing between them, so the agent often
//     reads and holds half an event;
//   - both processes are kill -9'd and restarted at random moments (in
//     the middle of events, since most of the time one is half written);
//   - app.log is rename-rotated in the middle of an event, the writer
//     finishing that event through its old descriptor, as a logger does
//     until it reopens;
//   - the last event ends the file without a newline and with no event
//     after it: it is emitted only after partial_line_timeout and
//     flush_timeout.
//
// Each event must be in the index exactly once and whole.
func TestChaosMultiline(t *testing.T) {
	bin := sluiceBin(t)
	dir := t.TempDir()
	mlDir := filepath.Join(dir, "ml")
	if err := os.MkdirAll(mlDir, 0o755); err != nil {
		t.Fatal(err)
	}
	r := newRun(t, bin, scenario{name: "multiline"}, runOpts{agentSources: fmt.Sprintf(`
source "file" "java" {
  paths                = [%q]
  log_source_type      = "java-app"
  poll_interval        = "50ms"
  partial_line_timeout = "1s"
  multiline {
    pattern       = "^\\d{4}-\\d{2}-\\d{2} "
    negate        = true
    match         = "after"
    flush_timeout = "1s"
  }
}
`, filepath.Join(mlDir, "app.log*"))})
	total, kills := *flagEvents, *flagKills
	events := make([]string, total)
	for i := range events {
		events[i] = mlEvent(i)
	}
	start := time.Now()
	r.mediator.start(t, r.bin)
	r.agent.start(t, r.bin)

	var rotations atomic.Int64
	writeDone := make(chan error, 1)
	go func() { writeDone <- writeMultiline(mlDir, events, kills, &rotations) }()
	r.killLoop(kills)
	if err := <-writeDone; err != nil {
		t.Fatalf("writer: %v", err)
	}
	n := r.waitIndexed(int64(total), 3*time.Minute)
	r.agent.stop()
	r.mediator.stop()
	indexed, lost, dups, invented := r.verifyLines(events)
	msg := fmt.Sprintf("scenario=multiline events_written=%d events_indexed=%d lost=%d duplicated=%d invented_or_partial=%d rotations_mid_event=%d agent_kills=%d mediator_kills=%d wall=%s",
		total, indexed, lost, dups, invented, rotations.Load(), r.agent.kills, r.mediator.kills, time.Since(start).Round(time.Millisecond))
	t.Log(msg)
	fmt.Println("chaos:", msg)
	if n != int64(total) || lost != 0 || dups != 0 || invented != 0 {
		t.Fatalf("index count %d, lost %d, duplicated %d, invented or partial %d of %d events", n, lost, dups, invented, total)
	}
}

// writeMultiline writes the events to dir/app.log in random pieces, paced
// to last about as long as the kills, and rename-rotates about every
// 256 KiB in the middle of an event. The last event gets no newline.
func writeMultiline(dir string, events []string, kills int, rotations *atomic.Int64) error {
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 19))
	cur := filepath.Join(dir, "app.log")
	open := func() (*os.File, error) {
		return os.OpenFile(cur, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	}
	f, err := open()
	if err != nil {
		return err
	}
	// Pauses add up to about 0.75 s per kill round, as the line chaos does.
	pause := time.Duration(kills) * 750 * time.Millisecond / time.Duration(len(events)+1)
	size := 0
	for i, ev := range events {
		if i < len(events)-1 {
			ev += "\n"
		}
		// One to three pieces, cut anywhere.
		cuts := []int{0}
		for range rng.IntN(3) {
			cuts = append(cuts, rng.IntN(len(ev)))
		}
		cuts = append(cuts, len(ev))
		slices.Sort(cuts)
		rotateAt := -1
		if size > 256<<10 && len(cuts) > 2 {
			rotateAt = 1 // after the first piece
		}
		for k := 1; k < len(cuts); k++ {
			if _, err := f.WriteString(ev[cuts[k-1]:cuts[k]]); err != nil {
				return err
			}
			if k == rotateAt {
				rotations.Add(1)
				if err := os.Rename(cur, filepath.Join(dir, fmt.Sprintf("app.log.%d", rotations.Load()))); err != nil {
					return err
				}
				size = 0
			}
			if k < len(cuts)-1 {
				time.Sleep(time.Duration(rng.Int64N(int64(pause) + 1)))
			}
		}
		size += len(ev)
		if rotateAt > 0 {
			// The event is finished in the rotated file; the logger
			// reopens for the next one.
			if err := f.Close(); err != nil {
				return err
			}
			if f, err = open(); err != nil {
				return err
			}
		}
		time.Sleep(time.Duration(rng.Int64N(int64(pause) + 1)))
	}
	return f.Close()
}
