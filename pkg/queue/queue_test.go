package queue

import (
	"encoding/binary"
	"fmt"
	"sync"
	"testing"
)

func openT(t *testing.T, dir string, first uint64) *Queue {
	t.Helper()
	q, err := Open(Options{Dir: dir, FirstSeq: first})
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func vals(n int, prefix string) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = []byte(fmt.Sprintf("%s-%d", prefix, i))
	}
	return out
}

// appendRun appends a record of n entries whose value lists their
// sequences.
func appendRun(t *testing.T, q *Queue, n int, meta ...KV) Record {
	t.Helper()
	rec, err := q.AppendRecord(n, func(first uint64) ([]byte, error) {
		v := make([]byte, 8*n)
		for i := range n {
			binary.BigEndian.PutUint64(v[8*i:], first+uint64(i))
		}
		return v, nil
	}, meta...)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestRecordsAppendReadDeleteReopen(t *testing.T) {
	dir := t.TempDir()
	q := openT(t, dir, 100)
	r1 := appendRun(t, q, 10, KV{Key: "cp", Value: []byte("x")})
	r2 := appendRun(t, q, 5)
	if r1.First != 100 || r1.Last != 109 || r2.First != 110 || r2.Last != 114 {
		t.Fatalf("records %v %v", r1, r2)
	}
	if binary.BigEndian.Uint64(r2.Value) != 110 {
		t.Fatal("encode did not see the record's first sequence")
	}
	if q.Len() != 15 {
		t.Fatalf("len %d", q.Len())
	}
	// A read from the middle of a record returns that record.
	recs, err := q.Read(105, 10, 1<<20)
	if err != nil || len(recs) != 2 || recs[0].First != 100 {
		t.Fatalf("read %v %v", recs, err)
	}
	// Deleting through the middle of a record keeps it.
	if n, err := q.DeleteThrough(105); err != nil || n != 0 {
		t.Fatalf("deleted %d %v", n, err)
	}
	if n, err := q.DeleteThrough(109); err != nil || n != 10 {
		t.Fatalf("deleted %d %v", n, err)
	}
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
	q = openT(t, dir, 1)
	defer q.Close()
	if q.Len() != 5 || q.NextSeq() != 115 {
		t.Fatalf("after reopen len %d next %d", q.Len(), q.NextSeq())
	}
	if v, _ := q.Meta("cp"); string(v) != "x" {
		t.Fatalf("meta %q", v)
	}
	recs, _ = q.Read(0, 100, 1<<20)
	if len(recs) != 1 || recs[0].First != 110 {
		t.Fatalf("records %v", recs)
	}
	if err := q.Delete(recs); err != nil {
		t.Fatal(err)
	}
	if q.Len() != 0 {
		t.Fatalf("len %d", q.Len())
	}
}

func TestAppendOneRecordPerValue(t *testing.T) {
	q := openT(t, t.TempDir(), 1)
	defer q.Close()
	first, err := q.Append(vals(3, "a"))
	if err != nil || first != 1 {
		t.Fatal(first, err)
	}
	recs, _ := q.Read(0, 10, 1<<20)
	if len(recs) != 3 || recs[2].First != 3 || recs[2].Last != 3 || string(recs[2].Value) != "a-2" {
		t.Fatalf("records %v", recs)
	}
	// Out-of-order deletes (the mediator's pipeline does that).
	if err := q.Delete(recs[1:2]); err != nil {
		t.Fatal(err)
	}
	if err := q.Delete(recs[0:1]); err != nil {
		t.Fatal(err)
	}
	recs, _ = q.Read(0, 10, 1<<20)
	if len(recs) != 1 || recs[0].First != 3 {
		t.Fatalf("after deletes %v", recs)
	}
}

// Sequences never repeat, even when the queue is emptied and reopened.
func TestSequenceNeverReused(t *testing.T) {
	dir := t.TempDir()
	q := openT(t, dir, 1)
	appendRun(t, q, 3)
	_, _ = q.DeleteThrough(3)
	_ = q.Close()
	q = openT(t, dir, 1)
	defer q.Close()
	if r := appendRun(t, q, 1); r.First != 4 {
		t.Fatalf("first %d", r.First)
	}
}

// Concurrent appenders commit together, and a reader that sees a record
// sees every record before it.
func TestConcurrentAppendsKeepOrder(t *testing.T) {
	q := openT(t, t.TempDir(), 1)
	defer q.Close()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if _, err := q.AppendRecord(10, func(uint64) ([]byte, error) { return []byte("v"), nil }); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	var cursor uint64
	seen := int64(0)
	for seen < 8*50*10 {
		recs, err := q.Read(cursor, 1000, 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			if cursor != 0 && r.First != cursor {
				t.Fatalf("gap: got record at %d, expected %d", r.First, cursor)
			}
			cursor = r.Last + 1
			seen += r.Entries()
		}
	}
	wg.Wait()
}

func TestMetaPrefix(t *testing.T) {
	q := openT(t, t.TempDir(), 1)
	defer q.Close()
	_ = q.SetMeta(KV{Key: "cp/a/1", Value: []byte("1")}, KV{Key: "cp/a/2", Value: []byte("2")}, KV{Key: "cp/b/1", Value: []byte("3")})
	_ = q.SetMeta(KV{Key: "cp/a/2"}) // delete
	var keys []string
	_ = q.MetaPrefix("cp/a/", func(k string, _ []byte) error { keys = append(keys, k); return nil })
	if fmt.Sprint(keys) != "[cp/a/1]" {
		t.Fatalf("keys %v", keys)
	}
}

func TestOpenForeignDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := writeFile(dir+"/MANIFEST", "this is not badger"); err != nil {
		t.Fatal(err)
	}
	_, err := Open(Options{Dir: dir})
	if err == nil {
		t.Fatal("opening a foreign directory should fail")
	}
	t.Log(err)
}
