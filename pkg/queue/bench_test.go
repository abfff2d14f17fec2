package queue

import (
	"fmt"
	mrand "math/rand/v2"
	"slices"
	"testing"
	"time"
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

// BenchmarkReadTagAmongOthers is the cost of one ReadTag of 64 records of
// 200 bytes and of 8 KiB (one organization's, as the mediator's scheduler
// reads; a batch of a quiet agent and of a busy one) when
// no other record is queued, when 1,000,000 records of another tag are
// queued around them, and when those were then deleted out of order (the
// oldest kept, as in BenchmarkReadAfterDeletes). A tag's read must not
// cost more for the records of other tags.
//
// The queue is reopened before it is read, as a mediator with a backlog
// is: Badger flushes its memtable on Close, so in every case the records
// read are in its tables. Read without a reopen, the 64 records of an
// otherwise empty queue are still in the memtable and each lookup is
// cheaper than one in the tables 1,000,000 other records fill. Even in
// its tables, a lookup among 1,000,000 records costs more than among 64
// (deeper levels, blocks out of its cache): that is Badger's, paid by
// Read of the same records too, not the tag's (the index's share, apart,
// does not change; values in segments are not looked up in Badger).
func BenchmarkReadTagAmongOthers(b *testing.B) {
	for _, tc := range []struct {
		others  int
		deleted bool
		value   int
	}{
		{0, false, 200},
		{1000000, false, 200},
		{1000000, true, 200},
		// Values in segments: read without a Badger lookup.
		{0, false, 8 << 10},
		{1000000, true, 8 << 10},
	} {
		q, from := queueAmongOthers(b, tc.others, tc.deleted, tc.value)
		name := fmt.Sprintf("others=%d", tc.others)
		if tc.others > 0 {
			name += map[bool]string{false: "/queued", true: "/deleted"}[tc.deleted]
		}
		name += fmt.Sprintf("/value=%d", tc.value)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				recs, err := q.ReadTag("org", from, 64, 8<<20)
				if err != nil {
					b.Fatal(err)
				}
				if len(recs) != 64 || recs[0].First != from {
					b.Fatalf("read %d records from %d", len(recs), from)
				}
			}
		})
		// The index's share: finding the records, without Badger's
		// lookups of their values.
		b.Run(name+"/index", func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				if recs := q.idx.readableTag("org", from, 64); len(recs) != 64 {
					b.Fatalf("found %d records from %d", len(recs), from)
				}
			}
		})
		if err := q.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// queueAmongOthers builds a queue holding 64 records of orgValue bytes
// tagged "org", spread among `others` records of 200 bytes tagged "other"
// (one of these first), and with deleted, every "other" record but the
// first deleted out of order. It returns the queue and the first "org"
// sequence.
func queueAmongOthers(b *testing.B, others int, deleted bool, orgValue int) (*Queue, uint64) {
	b.Helper()
	q, err := Open(Options{Dir: b.TempDir(), NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	val := make([]byte, 200)
	// appendOthers appends n one-entry records tagged "other" in one
	// transaction (AppendTagged would take one per record).
	appendOthers := func(n int) []Record {
		recs := make([]Record, n)
		err := q.append(uint64(n), func(first uint64) ([]pendingValue, error) {
			out := make([]pendingValue, n)
			for i := range out {
				out[i] = pendingValue{first: first + uint64(i), last: first + uint64(i), value: val, tag: "other"}
				recs[i] = Record{First: first + uint64(i), Last: first + uint64(i)}
			}
			return out, nil
		}, nil)
		if err != nil {
			b.Fatal(err)
		}
		return recs
	}
	const org = 64
	var from uint64
	appendOrg := func() {
		r, err := q.AppendTagged("org", 1, func(uint64) ([]byte, error) { return make([]byte, orgValue), nil })
		if err != nil {
			b.Fatal(err)
		}
		if from == 0 {
			from = r.First
		}
	}
	if others > 0 {
		appendOthers(1)
	}
	const group = 1000
	groups := make([][]Record, 0, others/group+1)
	ours := 0
	for i := 0; i < others; i += group {
		groups = append(groups, appendOthers(min(group, others-i)))
		if ours < org && len(groups)%max(1, others/group/org) == 0 {
			appendOrg()
			ours++
		}
	}
	for ; ours < org; ours++ {
		appendOrg()
	}
	if deleted {
		rng := mrand.New(mrand.NewPCG(1, 2))
		rng.Shuffle(len(groups), func(i, j int) { groups[i], groups[j] = groups[j], groups[i] })
		for _, g := range groups {
			slices.Reverse(g)
			if err := q.Delete(g); err != nil {
				b.Fatal(err)
			}
		}
	}
	dir := q.Dir()
	if err := q.Close(); err != nil {
		b.Fatal(err)
	}
	if q, err = Open(Options{Dir: dir, NoSync: true}); err != nil {
		b.Fatal(err)
	}
	if s := q.Tags()["org"]; s.Records != org {
		b.Fatalf("tag org holds %d records, want %d", s.Records, org)
	}
	// Let the compactions the reopen starts finish: they would share
	// the CPU with the reads measured.
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		busy := false
		for _, l := range q.db.Levels() {
			busy = busy || l.Adjusted >= 1
		}
		if !busy {
			break
		}
	}
	return q, from
}
