package queue

import (
	"sort"
	"sync"
)

// index is the queue's live records in sequence order, kept in memory so
// that reads and deletes go straight to the records they want. Badger
// keeps a deleted key as a tombstone until compaction drops it, and an
// iterator walks every tombstone between its seek key and the next live
// key: when indexing finishes batches out of order the oldest record stays
// while hundreds of thousands behind it are deleted, and every read walked
// their tombstones (448 ms per read after 1,000,000 deletes, against
// 0.16 ms on a fresh queue: BenchmarkReadAfterDeletes). Badger is read
// here only by key, and iterated only at Open.
//
// Records enter the index in sequence order (appends hand their
// transactions to Badger in that order) as pending, and become visible to
// readers once their transaction committed; a reader stops at the first
// pending record, so it never sees a later record before an earlier one.
type index struct {
	mu sync.Mutex
	// recs[start:] are the records in sequence order, deleted ones
	// included until the next compaction; recs[:start] are deleted.
	recs  []idxRec
	start int
	// dead counts deleted records in recs[start:].
	dead int
}

// Record states in the index.
const (
	recPending  uint8 = iota // its transaction is not committed yet
	recLive                  // readable
	recDeleting              // a delete of it is being written
	recDeleted               // gone
)

// idxRec is what the index knows of one record: where its value is (a
// segment pointer, or Badger under its key) and how big it is.
type idxRec struct {
	first, last uint64
	ptr         pointer
	inSeg       bool
	size        int64
	state       uint8
}

// find returns the position of the first record in recs[start:] whose
// last sequence is >= seq (len(recs) if none). Records never overlap, so
// last sequences are sorted too.
func (x *index) find(seq uint64) int {
	return x.start + sort.Search(len(x.recs)-x.start, func(i int) bool { return x.recs[x.start+i].last >= seq })
}

// add appends pending records; they must follow every record already in
// the index.
func (x *index) add(recs []idxRec) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, r := range recs {
		r.state = recPending
		x.recs = append(x.recs, r)
	}
}

// settle marks records added by add as committed (live), or, when their
// transaction failed, as gone.
func (x *index) settle(first, last uint64, ok bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for i := x.find(first); i < len(x.recs) && x.recs[i].first <= last; i++ {
		r := &x.recs[i]
		if r.state != recPending {
			continue
		}
		if ok {
			r.state = recLive
		} else {
			r.state = recDeleted
			x.dead++
		}
	}
	x.tidy()
}

// readable returns copies of up to max live records holding entries with
// seq >= from, in order, stopping at the first pending one.
func (x *index) readable(from uint64, max int) []idxRec {
	x.mu.Lock()
	defer x.mu.Unlock()
	var out []idxRec
	for i := x.find(from); i < len(x.recs) && len(out) < max; i++ {
		switch x.recs[i].state {
		case recPending:
			return out
		case recLive:
			out = append(out, x.recs[i])
		}
	}
	return out
}

// first returns the lowest live record.
func (x *index) first() (idxRec, bool) {
	recs := x.readable(0, 1)
	if len(recs) == 0 {
		return idxRec{}, false
	}
	return recs[0], true
}

// claimThrough marks every live record whose entries all have seq <=
// through as being deleted, and returns them.
func (x *index) claimThrough(through uint64) []idxRec {
	x.mu.Lock()
	defer x.mu.Unlock()
	var out []idxRec
	for i := x.start; i < len(x.recs) && x.recs[i].last <= through; i++ {
		if r := &x.recs[i]; r.state == recLive {
			r.state = recDeleting
			out = append(out, *r)
		}
	}
	return out
}

// claim marks the given records, those of them that are live, as being
// deleted, and returns them.
func (x *index) claim(recs []Record) []idxRec {
	x.mu.Lock()
	defer x.mu.Unlock()
	var out []idxRec
	for _, want := range recs {
		i := x.find(want.First)
		if i == len(x.recs) {
			continue
		}
		if r := &x.recs[i]; r.first == want.First && r.last == want.Last && r.state == recLive {
			r.state = recDeleting
			out = append(out, *r)
		}
	}
	return out
}

// release ends a delete begun by claim or claimThrough: the records are
// gone when it was written (done), live again when it failed.
func (x *index) release(recs []idxRec, done bool) {
	if len(recs) == 0 {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, c := range recs {
		i := x.find(c.first)
		if i == len(x.recs) || x.recs[i].first != c.first || x.recs[i].state != recDeleting {
			continue
		}
		if done {
			x.recs[i].state = recDeleted
			x.dead++
		} else {
			x.recs[i].state = recLive
		}
	}
	x.tidy()
}

// tidy drops deleted records from the front and compacts the slice when
// deleted records make up most of it, so the work of a search or a scan
// stays proportional to the records still queued. The caller holds mu.
func (x *index) tidy() {
	for x.start < len(x.recs) && x.recs[x.start].state == recDeleted {
		x.recs[x.start] = idxRec{}
		x.start++
		x.dead--
	}
	if x.start == len(x.recs) {
		x.recs, x.start, x.dead = x.recs[:0], 0, 0
		return
	}
	n := len(x.recs) - x.start
	if x.dead > 64 && x.dead*2 > n || x.start > 1024 && x.start*2 > len(x.recs) {
		keep := make([]idxRec, 0, n-x.dead)
		for _, r := range x.recs[x.start:] {
			if r.state != recDeleted {
				keep = append(keep, r)
			}
		}
		x.recs, x.start, x.dead = keep, 0, 0
	}
}

// len is the number of records in the index, deleted ones not yet
// compacted away included (tests).
func (x *index) len() int {
	x.mu.Lock()
	defer x.mu.Unlock()
	return len(x.recs) - x.start
}
