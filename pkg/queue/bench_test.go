package queue

import (
	"fmt"
	mrand "math/rand/v2"
	"slices"
	"testing"
)

// BenchmarkAppend measures what durability costs: appends of batches of
// 200-byte entries with an fsync per commit (SyncWrites, what Sluice runs
// with) and without (the page cache only; what a crash of the machine,
// not of the process, could lose) — stored one key per entry, and one
// record per batch.
func BenchmarkAppend(b *testing.B) {
	for _, sync := range []bool{true, false} {
		for _, batch := range []int{100, 1000, 5000} {
			name := fmt.Sprintf("sync=%v/entries/batch=%d", sync, batch)
			b.Run(name, func(b *testing.B) {
				q, err := Open(Options{Dir: b.TempDir(), NoSync: !sync})
				if err != nil {
					b.Fatal(err)
				}
				defer q.Close()
				vals := make([][]byte, batch)
				for i := range vals {
					vals[i] = make([]byte, 200)
				}
				b.SetBytes(int64(200 * batch))
				b.ResetTimer()
				for range b.N {
					if _, err := q.Append(vals); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "entries/s")
			})
			// The same entries as one record per batch, as the spool and
			// the mediator's state store them.
			name = fmt.Sprintf("sync=%v/record/batch=%d", sync, batch)
			b.Run(name, func(b *testing.B) {
				q, err := Open(Options{Dir: b.TempDir(), NoSync: !sync})
				if err != nil {
					b.Fatal(err)
				}
				defer q.Close()
				val := make([]byte, 200*batch)
				b.SetBytes(int64(len(val)))
				b.ResetTimer()
				for range b.N {
					if _, err := q.AppendRecord(batch, func(uint64) ([]byte, error) { return val, nil }); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "entries/s")
			})
		}
	}
}

// BenchmarkReadAfterDeletes is the cost of one Read (64 records of 200
// bytes, as the mediator's pipeline reads) after 0 and after 1,000,000
// records were deleted out of order: the oldest record stays (a batch still
// being indexed) while every later one is deleted, in shuffled groups, as
// indexing finishes batches. A read's cost must not grow with that history.
func BenchmarkReadAfterDeletes(b *testing.B) {
	for _, deleted := range []int{0, 1000000} {
		q, from := queueAfterDeletes(b, deleted)
		b.Run(fmt.Sprintf("deleted=%d", deleted), func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				recs, err := q.Read(from, 64, 8<<20)
				if err != nil {
					b.Fatal(err)
				}
				if len(recs) != 64 || recs[0].First != from {
					b.Fatalf("read %d records from %d", len(recs), from)
				}
			}
		})
		if err := q.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// queueAfterDeletes builds a queue with one old record, `deleted` records
// appended and deleted after it out of order, and 64 live records at the
// end; it returns the queue and the first live record's sequence.
func queueAfterDeletes(b *testing.B, deleted int) (*Queue, uint64) {
	b.Helper()
	q, err := Open(Options{Dir: b.TempDir(), NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	val := make([]byte, 200)
	one := func(n int) [][]byte {
		out := make([][]byte, n)
		for i := range out {
			out[i] = val
		}
		return out
	}
	if _, err := q.Append(one(1)); err != nil {
		b.Fatal(err)
	}
	const group = 1000
	var groups [][]Record
	for i := 0; i < deleted; i += group {
		n := min(group, deleted-i)
		first, err := q.Append(one(n))
		if err != nil {
			b.Fatal(err)
		}
		recs := make([]Record, n)
		for j := range recs {
			recs[j] = Record{First: first + uint64(j), Last: first + uint64(j)}
		}
		groups = append(groups, recs)
	}
	// Out of order: groups in a fixed shuffle, each group's records
	// from the back.
	rng := mrand.New(mrand.NewPCG(1, 2))
	rng.Shuffle(len(groups), func(i, j int) { groups[i], groups[j] = groups[j], groups[i] })
	for _, g := range groups {
		slices.Reverse(g)
		if err := q.Delete(g); err != nil {
			b.Fatal(err)
		}
	}
	from, err := q.Append(one(64))
	if err != nil {
		b.Fatal(err)
	}
	if want := int64(65); q.Len() != want {
		b.Fatalf("queue holds %d entries, want %d", q.Len(), want)
	}
	return q, from
}
