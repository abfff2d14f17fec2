package queue

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestOutOfOrderDeletes deletes every record but the oldest, in shuffled
// order, and checks reads, First, DeleteThrough and a reopen against what
// is left; the index must also shrink to the records still queued.
func TestOutOfOrderDeletes(t *testing.T) {
	dir := t.TempDir()
	q := openT(t, dir, 1)
	var recs []Record
	for i := range 500 {
		recs = append(recs, appendRun(t, q, 1+i%3))
	}
	rest := slices.Clone(recs[1:])
	rng := rand.New(rand.NewPCG(7, 7))
	rng.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	keep := rest[:10]
	for i := 10; i < len(rest); i += 7 {
		if err := q.Delete(rest[i:min(i+7, len(rest))]); err != nil {
			t.Fatal(err)
		}
	}
	want := append([]Record{recs[0]}, keep...)
	slices.SortFunc(want, func(a, b Record) int { return int(a.First) - int(b.First) })
	check := func(q *Queue) {
		t.Helper()
		got, err := q.Read(0, 1000, 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("read %d records, want %d", len(got), len(want))
		}
		var n int64
		for i, r := range got {
			if r.First != want[i].First || r.Last != want[i].Last || len(r.Value) != 8*int(r.Entries()) {
				t.Fatalf("record %d is %d-%d (%d bytes), want %d-%d", i, r.First, r.Last, len(r.Value), want[i].First, want[i].Last)
			}
			n += r.Entries()
		}
		if q.Len() != n {
			t.Fatalf("Len %d, want %d", q.Len(), n)
		}
		// A read from the middle starts at the record holding from.
		mid := want[5]
		got, err = q.Read(mid.Last, 2, 1<<30)
		if err != nil || len(got) != 2 || got[0].First != mid.First || got[1].First != want[6].First {
			t.Fatalf("read from %d: %v %v", mid.Last, got, err)
		}
		if f, ok, err := q.First(); err != nil || !ok || f != recs[0].First {
			t.Fatalf("First = %d %v %v", f, ok, err)
		}
	}
	check(q)
	if n := q.idx.len(); n > 2*len(want)+64 {
		t.Fatalf("the index holds %d records for %d queued", n, len(want))
	}
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
	q = openT(t, dir, 1)
	defer q.Close()
	check(q)
	// DeleteThrough stops at the first record it cannot take whole.
	n, err := q.DeleteThrough(want[3].Last)
	if err != nil {
		t.Fatal(err)
	}
	var wantN int64
	for _, r := range want[:4] {
		wantN += r.Entries()
	}
	if n != wantN {
		t.Fatalf("DeleteThrough removed %d entries, want %d", n, wantN)
	}
	if f, _, _ := q.First(); f != want[4].First {
		t.Fatalf("First after DeleteThrough = %d, want %d", f, want[4].First)
	}
	// Deleting what is gone is a no-op.
	if err := q.Delete(want[:4]); err != nil {
		t.Fatal(err)
	}
	if n, err := q.DeleteThrough(want[3].Last); err != nil || n != 0 {
		t.Fatalf("second DeleteThrough = %d, %v", n, err)
	}
}

// TestIndexAsModel runs random appends, reads and deletes (in and out of
// order) against the queue and against a plain map of the records, and
// checks they agree after every step.
func TestIndexAsModel(t *testing.T) {
	q := openT(t, t.TempDir(), 1)
	defer q.Close()
	model := map[uint64]Record{} // by first
	sorted := func() []Record {
		out := make([]Record, 0, len(model))
		for _, r := range model {
			out = append(out, r)
		}
		slices.SortFunc(out, func(a, b Record) int { return int(a.First) - int(b.First) })
		return out
	}
	rng := rand.New(rand.NewPCG(1, 9))
	for step := range 3000 {
		switch op := rng.IntN(10); {
		case op < 4:
			r := appendRun(t, q, 1+rng.IntN(4))
			model[r.First] = Record{First: r.First, Last: r.Last}
		case op < 7 && len(model) > 0:
			all := sorted()
			var pick []Record
			for range 1 + rng.IntN(5) {
				pick = append(pick, all[rng.IntN(len(all))])
			}
			if err := q.Delete(pick); err != nil {
				t.Fatal(err)
			}
			for _, r := range pick {
				delete(model, r.First)
			}
		case op < 8 && len(model) > 0:
			all := sorted()
			through := all[rng.IntN(len(all))].Last + uint64(rng.IntN(3))
			if _, err := q.DeleteThrough(through); err != nil {
				t.Fatal(err)
			}
			for _, r := range all {
				if r.Last <= through {
					delete(model, r.First)
				}
			}
		default:
			all := sorted()
			from := uint64(0)
			if len(all) > 0 {
				from = all[rng.IntN(len(all))].First + uint64(rng.IntN(3))
			}
			max := 1 + rng.IntN(8)
			got, err := q.Read(from, max, 1<<30)
			if err != nil {
				t.Fatal(err)
			}
			var want []Record
			for _, r := range all {
				if r.Last >= from && len(want) < max {
					want = append(want, r)
				}
			}
			if len(got) != len(want) {
				t.Fatalf("step %d: Read(%d, %d) gave %d records, want %d", step, from, max, len(got), len(want))
			}
			for i := range got {
				if got[i].First != want[i].First || got[i].Last != want[i].Last {
					t.Fatalf("step %d: record %d is %d-%d, want %d-%d", step, i, got[i].First, got[i].Last, want[i].First, want[i].Last)
				}
			}
		}
		var n int64
		for _, r := range model {
			n += r.Entries()
		}
		if q.Len() != n {
			t.Fatalf("step %d: Len %d, model %d", step, q.Len(), n)
		}
	}
}

// TestPendingRecordHidesLaterOnes checks that a reader never sees a
// record before an earlier one whose transaction is still committing, and
// that a failed commit leaves no record behind.
func TestPendingRecordHidesLaterOnes(t *testing.T) {
	var x index
	x.add([]idxRec{{first: 1, last: 2}})
	x.add([]idxRec{{first: 3, last: 3}})
	x.settle(3, 3, true)
	if got := x.readable(0, 10); len(got) != 0 {
		t.Fatalf("readable before the first commit: %v", got)
	}
	x.settle(1, 2, false)
	got := x.readable(0, 10)
	if len(got) != 1 || got[0].first != 3 {
		t.Fatalf("readable after a failed commit: %v", got)
	}
	if x.len() != 1 {
		t.Fatalf("index holds %d records, want 1", x.len())
	}
}
