package queue

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// appendTagged appends a record of n entries tagged tag whose value is
// size bytes (at least 8 per entry), starting with its sequences.
func appendTagged(t testing.TB, q *Queue, tag string, n, size int) Record {
	t.Helper()
	rec, err := q.AppendTagged(tag, n, func(first uint64) ([]byte, error) {
		return taggedValue(tag, first, n, size), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// taggedValue is the value appendTagged stores: the sequences, then the
// tag repeated up to size bytes, so a value read back names its record.
func taggedValue(tag string, first uint64, n, size int) []byte {
	v := make([]byte, 8*n, max(size, 8*n))
	for i := range n {
		binary.BigEndian.PutUint64(v[8*i:], first+uint64(i))
	}
	fill := tag + "."
	for len(v) < size {
		v = append(v, fill[len(v)%len(fill)])
	}
	return v
}

// checkRecord fails unless got is want with the value appendTagged stored.
func checkRecord(t testing.TB, got, want Record, size int) {
	t.Helper()
	if got.First != want.First || got.Last != want.Last || got.Tag != want.Tag {
		t.Fatalf("record %d-%d %q, want %d-%d %q", got.First, got.Last, got.Tag, want.First, want.Last, want.Tag)
	}
	if v := taggedValue(want.Tag, want.First, int(want.Entries()), size); !bytes.Equal(got.Value, v) {
		t.Fatalf("record %d-%d %q: value of %d bytes differs from the %d appended", got.First, got.Last, got.Tag, len(got.Value), len(v))
	}
}

// TestTagsSurviveReopen appends records with and without tags, of values
// kept in Badger and in segments (around the threshold, where the tag's
// header decides), and checks Read, ReadTag and Tags before and after a
// reopen.
func TestTagsSurviveReopen(t *testing.T) {
	long := strings.Repeat("t", MaxTagLen)
	for _, tc := range []struct {
		name string
		size int
	}{
		{"small", 100},
		{"pointer-sized", pointerLen},
		{"below threshold untagged", segmentMin - 1},
		{"threshold with the tag", segmentMin - 4},
		{"segment", 3 * segmentMin},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			q := openT(t, dir, 1)
			var want []Record
			for i, tag := range []string{"org-a", "", "org-b", long, "org-a", "", "\x00S"} {
				want = append(want, appendTagged(t, q, tag, 1+i%3, tc.size))
			}
			check := func(q *Queue) {
				t.Helper()
				got, err := q.Read(0, 100, 1<<30)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(want) {
					t.Fatalf("read %d records, want %d", len(got), len(want))
				}
				stats := map[string]TagStats{}
				for i, r := range got {
					checkRecord(t, r, want[i], tc.size)
					s := stats[r.Tag]
					s.Records++
					s.Entries += r.Entries()
					s.Bytes += int64(len(r.Value))
					stats[r.Tag] = s
				}
				if got := q.Tags(); !mapsEqual(got, stats) {
					t.Fatalf("Tags() = %v, want %v", got, stats)
				}
				for tag := range stats {
					got, err := q.ReadTag(tag, 0, 100, 1<<30)
					if err != nil {
						t.Fatal(err)
					}
					var wantTag []Record
					for _, r := range want {
						if r.Tag == tag {
							wantTag = append(wantTag, r)
						}
					}
					if len(got) != len(wantTag) {
						t.Fatalf("ReadTag(%q) read %d records, want %d", tag, len(got), len(wantTag))
					}
					for i, r := range got {
						checkRecord(t, r, wantTag[i], tc.size)
					}
				}
			}
			check(q)
			if err := q.Close(); err != nil {
				t.Fatal(err)
			}
			q = openT(t, dir, 1)
			defer q.Close()
			check(q)
		})
	}
}

// mapsEqual compares stats; a's Last (b is a model that does not know
// it) must be at least the highest last of b's records when b gives one.
func mapsEqual(a, b map[string]TagStats) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || v.Last < w.Last {
			return false
		}
		v.Last, w.Last = 0, 0
		if w != v {
			return false
		}
	}
	return true
}

// TestOldFormatOpens opens a queue as written before records had tags
// (keys and values crafted as that code wrote them: a value in Badger and
// a pointer into a segment, with user meta 0) and finds its records under
// tag "".
func TestOldFormatOpens(t *testing.T) {
	dir := t.TempDir()
	db, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	small := []byte("\x0a\x03old")
	large := bytes.Repeat([]byte("L"), 2*segmentMin)
	if err := os.MkdirAll(filepath.Join(dir, segmentDir), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, segmentDir, segmentName(1)), large, 0o600); err != nil {
		t.Fatal(err)
	}
	ptr := pointer{seg: 1, off: 0, length: uint32(len(large)), crc: crc32.Checksum(large, crcTable)}
	var next [8]byte
	binary.BigEndian.PutUint64(next[:], 8)
	err = db.Update(func(txn *badger.Txn) error {
		return errors.Join(
			txn.Set(recordKey(5, 6), small),
			txn.Set(recordKey(7, 7), ptr.encode()),
			txn.Set(metaKey(metaNext), next[:]),
		)
	})
	if err := errors.Join(err, db.Close()); err != nil {
		t.Fatal(err)
	}

	q := openT(t, dir, 1)
	defer q.Close()
	got, err := q.ReadTag("", 0, 10, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].First != 5 || got[0].Last != 6 || !bytes.Equal(got[0].Value, small) ||
		got[1].First != 7 || !bytes.Equal(got[1].Value, large) || got[0].Tag != "" || got[1].Tag != "" {
		t.Fatalf("old records read as %+v", got)
	}
	want := map[string]TagStats{"": {Records: 2, Entries: 3, Bytes: int64(len(small) + len(large))}}
	if s := q.Tags(); !mapsEqual(s, want) {
		t.Fatalf("Tags() = %v, want %v", s, want)
	}
	// Tagged records follow the old ones.
	r := appendTagged(t, q, "new", 1, 10)
	if r.First != 8 {
		t.Fatalf("appended at %d, want 8", r.First)
	}
	if got, err := q.Read(0, 10, 1<<30); err != nil || len(got) != 3 || got[2].Tag != "new" {
		t.Fatalf("Read = %+v, %v", got, err)
	}
}

// TestDecodeValue covers the record value encodings Open and Read accept
// and those they refuse.
func TestDecodeValue(t *testing.T) {
	p := pointer{seg: 3, off: 99, length: 5000, crc: 7}
	tagged := func(tag string, v []byte) []byte { return append(append([]byte{byte(len(tag))}, tag...), v...) }
	for _, tc := range []struct {
		name   string
		enc    byte
		val    []byte
		tag    string
		v      []byte
		isPtr  bool
		broken bool
	}{
		{name: "plain", enc: encPlain, val: []byte("abc"), v: []byte("abc")},
		{name: "plain pointer", enc: encPlain, val: p.encode(), isPtr: true},
		{name: "tagged", enc: encTagged, val: tagged("org", []byte("abc")), tag: "org", v: []byte("abc")},
		{name: "tagged empty value", enc: encTagged, val: tagged("org", nil), tag: "org", v: []byte{}},
		{name: "tagged pointer-shaped value", enc: encTagged, val: tagged("o", p.encode()), tag: "o", v: p.encode()},
		{name: "tagged pointer", enc: encTaggedPointer, val: tagged("org", p.encode()), tag: "org", isPtr: true},
		{name: "tagged empty", enc: encTagged, val: nil, broken: true},
		{name: "tagged empty tag", enc: encTagged, val: []byte{0, 'x'}, broken: true},
		{name: "tagged cut short", enc: encTagged, val: []byte{5, 'a', 'b'}, broken: true},
		{name: "tagged pointer cut short", enc: encTaggedPointer, val: tagged("org", p.encode()[:21]), broken: true},
		{name: "unknown encoding", enc: 3, val: []byte("abc"), broken: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tag, v, gp, isPtr, err := decodeValue(tc.enc, tc.val)
			if tc.broken {
				if err == nil {
					t.Fatalf("decoded %q %q %v", tag, v, isPtr)
				}
				return
			}
			if err != nil || tag != tc.tag || isPtr != tc.isPtr || !tc.isPtr && !bytes.Equal(v, tc.v) || tc.isPtr && gp != p {
				t.Fatalf("decoded %q %q %v %v %v", tag, v, gp, isPtr, err)
			}
			// What encodeValue writes decodes to what it was given.
			var ptr *pointer
			if tc.isPtr {
				ptr = &p
			}
			val, enc := encodeValue(tc.tag, tc.v, ptr)
			if enc != tc.enc || !bytes.Equal(val, tc.val) {
				t.Fatalf("encodeValue = %q %d, want %q %d", val, enc, tc.val, tc.enc)
			}
		})
	}
}

// FuzzDecodeValue: no record value, in any encoding, makes decoding panic,
// and what encodeValue writes decodes to what it was given.
func FuzzDecodeValue(f *testing.F) {
	p := pointer{seg: 1, off: 2, length: 3, crc: 4}
	f.Add(encPlain, []byte("abc"), "", []byte("abc"))
	f.Add(encPlain, p.encode(), "", []byte{})
	f.Add(encTagged, []byte("\x03orgabc"), "org", []byte("abc"))
	f.Add(encTaggedPointer, append([]byte("\x01o"), p.encode()...), "o", p.encode())
	f.Fuzz(func(t *testing.T, enc byte, val []byte, tag string, v []byte) {
		_, _, _, _, _ = decodeValue(enc, val)
		if len(tag) > MaxTagLen {
			return
		}
		b, e := encodeValue(tag, v, nil)
		gt, gv, _, isPtr, err := decodeValue(e, b)
		if tag == "" {
			// A plain value may look like a pointer: callers store
			// protobuf messages, which never do.
			if _, ptr := decodePointer(v); ptr {
				return
			}
		}
		if err != nil || isPtr || gt != tag || !bytes.Equal(gv, v) {
			t.Fatalf("%q %q encoded as %q (%d) decoded as %q %q %v %v", tag, v, b, e, gt, gv, isPtr, err)
		}
	})
}

// TestReadTagConcurrentAppends runs appenders of several tags and a reader
// per tag that reads on from the last record it got: since ReadTag stops
// at the first pending record of its tag, each reader must end with every
// record of its tag, in order, none skipped.
func TestReadTagConcurrentAppends(t *testing.T) {
	q := openT(t, t.TempDir(), 1)
	defer q.Close()
	tags := []string{"a", "b", "c"}
	const perWriter, writersPerTag = 150, 2
	var mu sync.Mutex
	appended := map[string][]Record{}
	var writers, readers sync.WaitGroup
	done := make(chan struct{})
	for i, tag := range tags {
		for w := range writersPerTag {
			writers.Add(1)
			go func() {
				defer writers.Done()
				for j := range perWriter {
					size := 20
					if (i+w+j)%17 == 0 {
						size = segmentMin + 10
					}
					r, err := q.AppendTagged(tag, 1+j%3, func(first uint64) ([]byte, error) {
						return taggedValue(tag, first, 1+j%3, size), nil
					})
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					appended[tag] = append(appended[tag], r)
					mu.Unlock()
				}
			}()
		}
	}
	got := make([][]Record, len(tags))
	for i, tag := range tags {
		readers.Add(1)
		go func() {
			defer readers.Done()
			var from uint64
			for last := false; ; {
				select {
				case <-done:
					last = true // one more read after every append returned
				default:
				}
				recs, err := q.ReadTag(tag, from, 1+i*7, 1<<20)
				if err != nil {
					t.Error(err)
					return
				}
				for _, r := range recs {
					if r.Tag != tag || r.First < from {
						t.Errorf("tag %s: read %d-%d %q reading from %d", tag, r.First, r.Last, r.Tag, from)
						return
					}
					from = r.Last + 1
				}
				got[i] = append(got[i], recs...)
				if len(recs) == 0 {
					if last {
						return
					}
					time.Sleep(time.Millisecond) // leave the CPU to the appenders
				}
			}
		}()
	}
	writers.Wait()
	close(done)
	readers.Wait()
	for i, tag := range tags {
		want := appended[tag]
		slices.SortFunc(want, func(a, b Record) int { return int(a.First) - int(b.First) })
		if len(got[i]) != len(want) {
			t.Fatalf("tag %s: read %d records, appended %d", tag, len(got[i]), len(want))
		}
		for j, r := range got[i] {
			checkRecord(t, r, want[j], len(want[j].Value))
		}
	}
}

// TestReadTagPending checks at the index that a tag's reader stops at the
// tag's first pending record, and only at the tag's.
func TestReadTagPending(t *testing.T) {
	var x index
	x.add([]idxRec{{first: 1, last: 1, tag: "a"}})
	x.add([]idxRec{{first: 2, last: 2, tag: "b"}})
	x.add([]idxRec{{first: 3, last: 3, tag: "a"}})
	x.settle(2, 3, true)
	if got := x.readableTag("a", 0, 10); len(got) != 0 {
		t.Fatalf("tag a readable before its first commit: %v", got)
	}
	if got := x.readableTag("b", 0, 10); len(got) != 1 || got[0].first != 2 {
		t.Fatalf("tag b held back by a's pending record: %v", got)
	}
	x.settle(1, 1, false)
	if got := x.readableTag("a", 0, 10); len(got) != 1 || got[0].first != 3 {
		t.Fatalf("tag a after a failed commit: %v", got)
	}
	want := map[string]TagStats{"a": {1, 1, 0, 0}, "b": {1, 1, 0, 0}}
	if s := x.tagStats(); !mapsEqual(s, want) {
		t.Fatalf("stats %v, want %v", s, want)
	}
}

// TestTagListsSplit checks the index keeps no tag lists while it holds
// one tag, builds them, pending and deleted records included, when a
// second arrives, and drops them when it is empty.
func TestTagListsSplit(t *testing.T) {
	var x index
	for i := range uint64(10) {
		x.add([]idxRec{{first: i + 1, last: i + 1, tag: "a", size: 10}})
	}
	x.settle(1, 9, true) // 10 stays pending
	x.release(x.claim([]Record{{First: 4, Last: 4}, {First: 2, Last: 2}}), true)
	if x.split || len(x.tags["a"].recs) != 0 {
		t.Fatalf("one tag, yet split %v with %d records listed", x.split, len(x.tags["a"].recs))
	}
	firsts := func(recs []idxRec) (out []uint64) {
		for _, r := range recs {
			out = append(out, r.first)
		}
		return out
	}
	if got := firsts(x.readableTag("a", 3, 100)); !slices.Equal(got, []uint64{3, 5, 6, 7, 8, 9}) {
		t.Fatalf("tag a from 3: %v", got)
	}
	x.add([]idxRec{{first: 11, last: 12, tag: "b", size: 5}})
	if !x.split {
		t.Fatal("two tags, not split")
	}
	x.settle(10, 12, true)
	if got := firsts(x.readableTag("a", 0, 100)); !slices.Equal(got, []uint64{1, 3, 5, 6, 7, 8, 9, 10}) {
		t.Fatalf("tag a after the split: %v", got)
	}
	if got := firsts(x.readableTag("b", 0, 100)); !slices.Equal(got, []uint64{11}) {
		t.Fatalf("tag b after the split: %v", got)
	}
	want := map[string]TagStats{"a": {8, 8, 80, 0}, "b": {1, 2, 5, 0}}
	if s := x.tagStats(); !mapsEqual(s, want) {
		t.Fatalf("stats %v, want %v", s, want)
	}
	// One tag left: still split.
	x.release(x.claim([]Record{{First: 11, Last: 12}}), true)
	if !x.split || len(x.tags) != 1 {
		t.Fatalf("split %v with tags %v", x.split, x.tagStats())
	}
	x.release(x.claimThrough(100), true)
	if x.split || len(x.tags) != 0 || x.len() != 0 {
		t.Fatalf("empty, yet split %v, tags %v, %d records", x.split, x.tagStats(), x.len())
	}
	x.add([]idxRec{{first: 13, last: 13, tag: "c"}})
	x.settle(13, 13, true)
	if got := firsts(x.readableTag("c", 0, 100)); x.split || !slices.Equal(got, []uint64{13}) {
		t.Fatalf("tag c: split %v, records %v", x.split, got)
	}
}

// TestOutOfOrderDeletesAcrossTags deletes records of interleaved tags in
// shuffled order and checks every tag's records and stats, then again
// after a reopen; the tags' lists must shrink with what is left.
func TestOutOfOrderDeletesAcrossTags(t *testing.T) {
	dir := t.TempDir()
	q := openT(t, dir, 1)
	tags := []string{"", "x", "y", "z"}
	var recs []Record
	for i := range 600 {
		recs = append(recs, appendTagged(t, q, tags[i%len(tags)], 1+i%2, 16))
	}
	rest := slices.Clone(recs)
	rng := rand.New(rand.NewPCG(3, 4))
	rng.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	keep := rest[:20]
	for i := 20; i < len(rest); i += 9 {
		if err := q.Delete(rest[i:min(i+9, len(rest))]); err != nil {
			t.Fatal(err)
		}
	}
	check := func(q *Queue) {
		t.Helper()
		checkTags(t, q, keep, 16)
		q.idx.mu.Lock()
		defer q.idx.mu.Unlock()
		for tag, l := range q.idx.tags {
			if n := len(l.recs) - l.start; n > 2*len(keep)+64 {
				t.Fatalf("tag %q lists %d records for %d queued", tag, n, len(keep))
			}
		}
	}
	check(q)
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
	q = openT(t, dir, 1)
	defer q.Close()
	check(q)
	// Deleting every record of one tag takes it out of Tags.
	var ofX []Record
	for _, r := range keep {
		if r.Tag == "x" {
			ofX = append(ofX, r)
		}
	}
	if err := q.Delete(ofX); err != nil {
		t.Fatal(err)
	}
	keep = slices.DeleteFunc(keep, func(r Record) bool { return r.Tag == "x" })
	checkTags(t, q, keep, 16)
	if _, ok := q.Tags()["x"]; ok {
		t.Fatal("tag x with no records left is in Tags")
	}
	if _, err := q.DeleteThrough(recs[len(recs)-1].Last); err != nil {
		t.Fatal(err)
	}
	if s := q.Tags(); len(s) != 0 {
		t.Fatalf("Tags() after deleting everything = %v", s)
	}
}

// checkTags compares Read, ReadTag (whole and in steps from the middle)
// and Tags with want, the records queued in any order; values are as
// appendTagged(size) stored them.
func checkTags(t *testing.T, q *Queue, want []Record, size int) {
	t.Helper()
	want = slices.Clone(want)
	slices.SortFunc(want, func(a, b Record) int { return int(a.First) - int(b.First) })
	got, err := q.Read(0, len(want)+1, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("read %d records, want %d", len(got), len(want))
	}
	byTag := map[string][]Record{}
	stats := map[string]TagStats{}
	for i, r := range got {
		checkRecord(t, r, want[i], size)
		byTag[r.Tag] = append(byTag[r.Tag], r)
		s := stats[r.Tag]
		s.Records++
		s.Entries += r.Entries()
		s.Bytes += int64(len(r.Value))
		stats[r.Tag] = s
	}
	if s := q.Tags(); !mapsEqual(s, stats) {
		t.Fatalf("Tags() = %v, counted %v", s, stats)
	}
	for tag, recs := range byTag {
		got, err := q.ReadTag(tag, 0, len(recs)+1, 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(recs) {
			t.Fatalf("ReadTag(%q) read %d records, want %d", tag, len(got), len(recs))
		}
		for i := range got {
			checkRecord(t, got[i], recs[i], size)
		}
		// From the middle, two at a time: the first record returned
		// holds from.
		mid := recs[len(recs)/2]
		got, err = q.ReadTag(tag, mid.Last, 2, 1<<30)
		if err != nil || len(got) == 0 || got[0].First != mid.First {
			t.Fatalf("ReadTag(%q, %d) = %v, %v", tag, mid.Last, got, err)
		}
	}
	if got, err := q.ReadTag("absent", 0, 10, 1<<30); err != nil || len(got) != 0 {
		t.Fatalf("ReadTag of an absent tag = %v, %v", got, err)
	}
}

// TestTagStatsRandomized runs random appends of several tags and sizes
// (some of them failing), deletes in and out of order, DeleteThrough and
// reopens, with a fixed seed, and checks Tags and ReadTag against a count
// of what Read returns.
func TestTagStatsRandomized(t *testing.T) {
	dir := t.TempDir()
	q := openT(t, dir, 1)
	defer func() { q.Close() }()
	tags := []string{"", "a", "b", "c", strings.Repeat("d", MaxTagLen)}
	sizes := []int{24, pointerLen, segmentMin - 3, segmentMin + 100}
	model := map[uint64]Record{}
	rng := rand.New(rand.NewPCG(11, 12))
	tooLong := KV{Key: strings.Repeat("k", 70000)} // Badger refuses the key: the commit fails
	reopened := false
	for step := range 600 {
		switch op := rng.IntN(20); {
		case op < 9:
			// One tag for a while (the index keeps no tag lists), then
			// several (it splits), and back after a drain.
			tag := tags[rng.IntN(1+step/100%len(tags))]
			n, sz := 1+rng.IntN(3), sizes[rng.IntN(len(sizes))]
			r, err := q.AppendTagged(tag, n, func(first uint64) ([]byte, error) { return taggedValue(tag, first, n, sz), nil })
			if err != nil {
				t.Fatal(err)
			}
			model[r.First] = Record{First: r.First, Last: r.Last, Tag: tag, Value: r.Value}
		case op < 10:
			tag := tags[rng.IntN(len(tags))]
			var err error
			if rng.IntN(2) == 0 {
				_, err = q.AppendTagged(tag, 2, func(uint64) ([]byte, error) { return nil, errors.New("encode failed") })
			} else {
				_, err = q.AppendTagged(tag, 2, func(first uint64) ([]byte, error) {
					return taggedValue(tag, first, 2, sizes[rng.IntN(len(sizes))]), nil
				}, tooLong)
			}
			if err == nil {
				t.Fatal("failing append succeeded")
			}
		case op < 15 && len(model) > 0:
			var pick []Record
			for _, r := range model {
				if len(pick) == 0 || rng.IntN(4) == 0 {
					pick = append(pick, Record{First: r.First, Last: r.Last})
				}
				if len(pick) == 6 {
					break
				}
			}
			if err := q.Delete(pick); err != nil {
				t.Fatal(err)
			}
			for _, r := range pick {
				delete(model, r.First)
			}
		case op < 16 && len(model) > 0:
			var firsts []uint64
			for f := range model {
				firsts = append(firsts, f)
			}
			slices.Sort(firsts)
			through := model[firsts[rng.IntN(min(len(firsts), 5))]].Last
			if rng.IntN(4) == 0 {
				through = model[firsts[len(firsts)-1]].Last // drain
			}
			if _, err := q.DeleteThrough(through); err != nil {
				t.Fatal(err)
			}
			for f, r := range model {
				if r.Last <= through {
					delete(model, f)
				}
			}
		case op < 17:
			if err := q.Close(); err != nil {
				t.Fatal(err)
			}
			q = openT(t, dir, 1)
			reopened = true
		default:
			// Checked below.
		}
		// Stats every step; the records themselves now and then.
		checkModel(t, step, q, model, reopened || step%10 == 0)
		reopened = false
	}
}

// checkModel compares Tags, Len and Bytes with model, and with records,
// ReadTag of every tag too.
func checkModel(t *testing.T, step int, q *Queue, model map[uint64]Record, records bool) {
	t.Helper()
	want := map[string]TagStats{}
	byTag := map[string][]Record{}
	for _, r := range model {
		s := want[r.Tag]
		s.Records++
		s.Entries += r.Entries()
		s.Bytes += int64(len(r.Value))
		s.Last = max(s.Last, r.Last)
		want[r.Tag] = s
		byTag[r.Tag] = append(byTag[r.Tag], r)
	}
	if got := q.Tags(); !mapsEqual(got, want) {
		t.Fatalf("step %d: Tags() = %v, model %v", step, got, want)
	}
	var n, b int64
	for _, s := range want {
		n += s.Entries
		b += s.Bytes
	}
	if q.Len() != n || q.Bytes() != b {
		t.Fatalf("step %d: Len %d Bytes %d, model %d %d", step, q.Len(), q.Bytes(), n, b)
	}
	if !records {
		return
	}
	for tag, recs := range byTag {
		slices.SortFunc(recs, func(a, b Record) int { return int(a.First) - int(b.First) })
		got, err := q.ReadTag(tag, 0, len(recs), 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(recs) {
			t.Fatalf("step %d: ReadTag(%q) read %d records, model %d", step, tag, len(got), len(recs))
		}
		for i, r := range got {
			checkRecord(t, r, recs[i], len(recs[i].Value))
		}
	}
}

// TestAppendTaggedRefusesLongTag: a tag must fit its one-byte length.
func TestAppendTaggedRefusesLongTag(t *testing.T) {
	q := openT(t, t.TempDir(), 1)
	defer q.Close()
	_, err := q.AppendTagged(strings.Repeat("x", MaxTagLen+1), 1, func(uint64) ([]byte, error) { return []byte("v"), nil })
	if !errors.Is(err, ErrTagTooLong) {
		t.Fatalf("err = %v, want ErrTagTooLong", err)
	}
	if q.NextSeq() != 1 || len(q.Tags()) != 0 {
		t.Fatalf("a refused append took sequences (%d) or left stats (%v)", q.NextSeq(), q.Tags())
	}
}
