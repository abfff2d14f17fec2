package queue

import (
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

func TestAppendReadDeleteReopen(t *testing.T) {
	dir := t.TempDir()
	q := openT(t, dir, 100)
	first, err := q.Append(vals(10, "a"), KV{Key: "cp", Value: []byte("x")})
	if err != nil {
		t.Fatal(err)
	}
	if first != 100 {
		t.Fatalf("first seq %d, want 100", first)
	}
	items, err := q.Read(0, 4, 1<<20)
	if err != nil || len(items) != 4 || items[0].Seq != 100 || string(items[3].Value) != "a-3" {
		t.Fatalf("read %v %v", items, err)
	}
	n, err := q.DeleteThrough(104)
	if err != nil || n != 5 {
		t.Fatalf("deleted %d %v", n, err)
	}
	if q.Len() != 5 {
		t.Fatalf("len %d", q.Len())
	}
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}

	q = openT(t, dir, 1)
	defer q.Close()
	if q.Len() != 5 || q.NextSeq() != 110 {
		t.Fatalf("after reopen len %d next %d", q.Len(), q.NextSeq())
	}
	if v, _ := q.Meta("cp"); string(v) != "x" {
		t.Fatalf("meta %q", v)
	}
	items, _ = q.Read(0, 100, 1<<20)
	if len(items) != 5 || items[0].Seq != 105 {
		t.Fatalf("items %v", items)
	}
	if err := q.Delete(items[1:3]); err != nil {
		t.Fatal(err)
	}
	items, _ = q.Read(0, 100, 1<<20)
	if len(items) != 3 || items[1].Seq != 108 {
		t.Fatalf("after delete %v", items)
	}
}

// Sequences never repeat, even when the queue is emptied and reopened.
func TestSequenceNeverReused(t *testing.T) {
	dir := t.TempDir()
	q := openT(t, dir, 1)
	_, _ = q.Append(vals(3, "a"))
	_, _ = q.DeleteThrough(3)
	_ = q.Close()
	q = openT(t, dir, 1)
	defer q.Close()
	first, err := q.Append(vals(1, "b"))
	if err != nil || first != 4 {
		t.Fatalf("first %d %v", first, err)
	}
}

// Concurrent appenders commit together, and a reader that sees an entry
// sees every entry before it.
func TestConcurrentAppendsKeepOrder(t *testing.T) {
	q := openT(t, t.TempDir(), 1)
	defer q.Close()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				if _, err := q.Append(vals(10, fmt.Sprintf("g%d-%d", g, i))); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	var cursor uint64
	seen := 0
	for seen < 8*50*10 {
		items, err := q.Read(cursor, 1000, 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if cursor != 0 && it.Seq != cursor {
				t.Fatalf("gap: got seq %d, expected %d", it.Seq, cursor)
			}
			cursor = it.Seq + 1
			seen++
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
