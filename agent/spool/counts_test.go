package spool_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/sluicehq/sluice/agent/source"
	"github.com/sluicehq/sluice/agent/spool"
)

// Counts are what each source committed: lines, bytes as read (before
// truncation) and truncations, once per successful commit; OnAcked times
// each acknowledged batch once, from its append.
func TestCountsAndAckTiming(t *testing.T) {
	var mu sync.Mutex
	var ages []time.Duration
	sp, err := spool.Open(spool.Options{Dir: t.TempDir(), NoSync: true, OnAcked: func(d time.Duration) {
		mu.Lock()
		ages = append(ages, d)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	commit := func(id string, lines ...source.Line) {
		t.Helper()
		if err := sp.Commit(context.Background(), source.Batch{SourceID: id, LogSourceType: "t", Lines: lines, Collected: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	commit("a", source.Line{Raw: []byte("one"), Length: 3}, source.Line{Raw: []byte("tw"), Length: 5, Truncated: true})
	commit("b", source.Line{Raw: []byte("three"), Length: 5})
	commit("a", source.Line{Raw: []byte("four"), Length: 4})
	commit("a") // nothing: no count
	got := sp.Counts()
	if want := (spool.SourceCount{Lines: 3, Bytes: 12, Truncated: 1}); got["a"] != want {
		t.Errorf("a: %+v, want %+v", got["a"], want)
	}
	if want := (spool.SourceCount{Lines: 1, Bytes: 5}); got["b"] != want {
		t.Errorf("b: %+v, want %+v", got["b"], want)
	}
	if len(got) != 2 {
		t.Errorf("counts %+v", got)
	}

	// The first two batches (entries 1–3) acknowledged, then all.
	first := sp.NextSeq() - 4
	if err := sp.Ack(first + 2); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if len(ages) != 2 {
		t.Errorf("%d batches timed after the first ack, want 2", len(ages))
	}
	mu.Unlock()
	if err := sp.Ack(first + 3); err != nil {
		t.Fatal(err)
	}
	if err := sp.Ack(first + 3); err != nil { // again: nothing more
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(ages) != 3 {
		t.Fatalf("%d batches timed, want 3", len(ages))
	}
	for _, d := range ages {
		if d < 0 || d > time.Minute {
			t.Errorf("age %v", d)
		}
	}
}

// A commit the spool refuses is not counted.
func TestCountsSkipRefusedCommits(t *testing.T) {
	sp, err := spool.Open(spool.Options{Dir: t.TempDir(), NoSync: true, MaxBytes: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	line := source.Line{Raw: []byte("x"), Length: 1}
	if err := sp.Commit(context.Background(), source.Batch{SourceID: "a", Lines: []source.Line{line}}); err != nil {
		t.Fatal(err) // an empty spool takes any batch
	}
	if err := sp.Commit(context.Background(), source.Batch{SourceID: "a", Lines: []source.Line{line}}); !errors.Is(err, spool.ErrFull) {
		t.Fatalf("second commit: %v, want ErrFull", err)
	}
	if err := sp.Accepting(); !errors.Is(err, spool.ErrFull) {
		t.Fatalf("Accepting = %v, want ErrFull", err)
	}
	if c := sp.Counts()["a"]; c.Lines != 1 {
		t.Fatalf("counts %+v, want 1 line", c)
	}
}
