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
//
// Each record is also in the list of its tag (AppendTagged), so that a
// reader of one tag (the mediator scheduling one organization's records)
// goes straight to that tag's records, however many records of other tags
// are queued or were deleted around them; the list also keeps the tag's
// backlog (Tags). Both copies of a record change state together, under mu.
//
// The tags' lists are kept only once records of a second tag are in the
// index (split): until then every record has the same tag, its list would
// be a copy of all, and a queue that has no tags (the agent's spool) would
// hold each record twice. They are dropped again when the index is empty,
// not as soon as one tag is left: a record of another organization now
// and then would otherwise copy a large backlog each time.
type index struct {
	mu    sync.Mutex
	all   recList
	tags  map[string]*tagList
	split bool
}

// recList is records in sequence order, deleted ones included until the
// next compaction.
type recList struct {
	// recs[start:] are the records in sequence order, deleted ones
	// included until the next compaction; recs[:start] are deleted.
	recs  []idxRec
	start int
	// dead counts deleted records in recs[start:].
	dead int
}

// tagList is the records of one tag and what they hold.
type tagList struct {
	// recList is the tag's records while the index is split.
	recList
	// name is the tag; every idxRec of the tag shares this string rather
	// than holding a copy of its own (Open makes one per record read).
	name string
	// stats counts the tag's records that are live or being deleted:
	// those Len and Bytes count too.
	stats TagStats
	// held counts the tag's records in the index, deleted ones left out:
	// the tag is dropped when none is left.
	held int
	// last is the highest sequence of its records put in the index.
	last uint64
}

// Record states in the index.
const (
	recPending  uint8 = iota // its transaction is not committed yet
	recLive                  // readable
	recDeleting              // a delete of it is being written
	recDeleted               // gone
)

// counted reports whether a record in state s counts in Len, Bytes and
// its tag's stats: from its commit until its delete is written.
func counted(s uint8) bool { return s == recLive || s == recDeleting }

// idxRec is what the index knows of one record: where its value is (a
// segment pointer, or Badger under its key), how big it is and its tag.
type idxRec struct {
	first, last uint64
	ptr         pointer
	tag         string
	size        int64
	inSeg       bool
	state       uint8
}

// find returns the position of the first record in recs[start:] whose
// last sequence is >= seq (len(recs) if none). Records never overlap, so
// last sequences are sorted too.
func (l *recList) find(seq uint64) int {
	return l.start + sort.Search(len(l.recs)-l.start, func(i int) bool { return l.recs[l.start+i].last >= seq })
}

// at returns the record that starts at first, or nil. Records are most
// often looked up soon after they were appended, so the newest is tried
// before searching.
func (l *recList) at(first uint64) *idxRec {
	if n := len(l.recs); n > l.start && l.recs[n-1].first == first {
		return &l.recs[n-1]
	}
	i := l.find(first)
	if i == len(l.recs) || l.recs[i].first != first {
		return nil
	}
	return &l.recs[i]
}

// readable returns copies of up to max live records holding entries with
// seq >= from, in order, stopping at the first pending one.
func (l *recList) readable(from uint64, max int) []idxRec {
	i := l.find(from)
	if i == len(l.recs) {
		return nil
	}
	out := make([]idxRec, 0, min(max, len(l.recs)-i))
	for ; i < len(l.recs) && len(out) < max; i++ {
		switch l.recs[i].state {
		case recPending:
			return out
		case recLive:
			out = append(out, l.recs[i])
		}
	}
	return out
}

// tidy drops deleted records from the front and compacts the slice when
// deleted records make up most of it, so the work of a search or a scan
// stays proportional to the records still listed.
func (l *recList) tidy() {
	for l.start < len(l.recs) && l.recs[l.start].state == recDeleted {
		l.recs[l.start] = idxRec{}
		l.start++
		l.dead--
	}
	if l.start == len(l.recs) {
		l.recs, l.start, l.dead = l.recs[:0], 0, 0
		return
	}
	n := len(l.recs) - l.start
	if l.dead > 64 && l.dead*2 > n || l.start > 1024 && l.start*2 > len(l.recs) {
		keep := make([]idxRec, 0, n-l.dead)
		for _, r := range l.recs[l.start:] {
			if r.state != recDeleted {
				keep = append(keep, r)
			}
		}
		l.recs, l.start, l.dead = keep, 0, 0
	}
}

// empty reports whether the list holds no record, deleted or not.
func (l *recList) empty() bool { return l.start == len(l.recs) }

// tagOf returns the list of tag, created if missing. The caller holds mu.
func (x *index) tagOf(tag string) *tagList {
	t := x.tags[tag]
	if t == nil {
		if x.tags == nil {
			x.tags = map[string]*tagList{}
		}
		t = &tagList{name: tag}
		x.tags[tag] = t
	}
	return t
}

// put appends r, in state r.state (pending or live), to the index and to
// its tag's list; it must follow every record already there. The caller
// holds mu.
func (x *index) put(r idxRec) {
	t := x.tagOf(r.tag)
	r.tag = t.name
	if !x.split && len(x.tags) > 1 {
		x.splitTags()
	}
	x.all.recs = append(x.all.recs, r)
	if x.split {
		t.recs = append(t.recs, r)
	}
	t.held++
	t.last = max(t.last, r.last)
	if counted(r.state) {
		t.stats.add(r, 1)
	}
}

// splitTags fills the tags' lists from all, when records of a second tag
// arrive. The caller holds mu.
func (x *index) splitTags() {
	for _, r := range x.all.recs[x.all.start:] {
		if r.state != recDeleted {
			t := x.tags[r.tag]
			t.recs = append(t.recs, r)
		}
	}
	x.split = true
}

// tidy tidies all, and drops the tags' lists when it is empty. The caller
// holds mu.
func (x *index) tidy() {
	x.all.tidy()
	if x.all.empty() && x.split {
		// No record is held, so no tag is left either.
		x.split = false
		clear(x.tags)
	}
}

// load adds a committed record read at Open.
func (x *index) load(r idxRec) {
	x.mu.Lock()
	defer x.mu.Unlock()
	r.state = recLive
	x.put(r)
}

// add appends pending records; they must follow every record already in
// the index.
func (x *index) add(recs []idxRec) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, r := range recs {
		r.state = recPending
		x.put(r)
	}
}

// move sets the state of r, a record of x.all, and of its copy in its
// tag's list, keeping the counts of both lists and the tag's stats. The
// caller holds mu, and tidies x.all when it is done with it (r points
// into it); the tag's list is tidied here.
func (x *index) move(r *idxRec, to uint8) {
	t := x.tags[r.tag]
	if x.split {
		// A record not deleted is in its tag's list.
		t.at(r.first).state = to
	}
	from := r.state
	r.state = to
	switch {
	case counted(from) && !counted(to):
		t.stats.add(*r, -1)
	case !counted(from) && counted(to):
		t.stats.add(*r, 1)
	}
	if to == recDeleted {
		x.all.dead++
		t.held--
		if x.split {
			t.dead++
			t.tidy()
		}
		if t.held == 0 {
			delete(x.tags, t.name)
		}
	}
}

// settle marks records added by add as committed (live), or, when their
// transaction failed, as gone.
func (x *index) settle(first, last uint64, ok bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	to := uint8(recDeleted)
	if ok {
		to = recLive
	}
	for i := x.all.find(first); i < len(x.all.recs) && x.all.recs[i].first <= last; i++ {
		if r := &x.all.recs[i]; r.state == recPending {
			x.move(r, to)
		}
	}
	x.tidy()
}

// readable returns copies of up to max live records holding entries with
// seq >= from, in order, stopping at the first pending one.
func (x *index) readable(from uint64, max int) []idxRec {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.all.readable(from, max)
}

// readableTag is readable for the records of one tag: it stops at the
// first pending record of that tag, and its work depends on the tag's
// records only.
func (x *index) readableTag(tag string, from uint64, max int) []idxRec {
	x.mu.Lock()
	defer x.mu.Unlock()
	t := x.tags[tag]
	switch {
	case t == nil:
		return nil
	case !x.split:
		return x.all.readable(from, max) // every record has this tag
	}
	return t.readable(from, max)
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
	for i := x.all.start; i < len(x.all.recs) && x.all.recs[i].last <= through; i++ {
		if r := &x.all.recs[i]; r.state == recLive {
			x.move(r, recDeleting)
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
		if r := x.all.at(want.First); r != nil && r.last == want.Last && r.state == recLive {
			x.move(r, recDeleting)
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
	to := uint8(recLive)
	if done {
		to = recDeleted
	}
	for _, c := range recs {
		if r := x.all.at(c.first); r != nil && r.state == recDeleting {
			x.move(r, to)
		}
	}
	x.tidy()
}

// tagStats returns the stats of every tag with records live or being
// deleted.
func (x *index) tagStats() map[string]TagStats {
	x.mu.Lock()
	defer x.mu.Unlock()
	out := make(map[string]TagStats, len(x.tags))
	for name := range x.tags {
		if st, ok := x.tagStatLocked(name); ok {
			out[name] = st
		}
	}
	return out
}

// tagStat is tagStats for one tag.
func (x *index) tagStat(tag string) (TagStats, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.tagStatLocked(tag)
}

// tagStatLocked is tagStat; the caller holds mu.
func (x *index) tagStatLocked(tag string) (TagStats, bool) {
	t := x.tags[tag]
	if t == nil || t.stats.Records == 0 {
		return TagStats{}, false
	}
	st := t.stats
	st.Last = t.last
	return st, true
}

// len is the number of records in the index, deleted ones not yet
// compacted away included (tests).
func (x *index) len() int {
	x.mu.Lock()
	defer x.mu.Unlock()
	return len(x.all.recs) - x.all.start
}

// TagStats is what the live records of one tag hold.
type TagStats struct {
	// Records is how many records.
	Records int
	// Entries is how many entries they hold.
	Entries int64
	// Bytes is the size of their values, as Bytes counts it.
	Bytes int64
	// Last is the highest sequence of the tag's records put in the
	// queue since it last had none, pending ones included: a reader of
	// the tag whose next read starts past it has nothing to read.
	Last uint64
}

// add counts r into s (sign 1) or out of it (sign -1).
func (s *TagStats) add(r idxRec, sign int) {
	s.Records += sign
	s.Entries += int64(sign) * int64(r.last-r.first+1)
	s.Bytes += int64(sign) * r.size
}
