package queue

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
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

// A directory Open must not use gives an error naming it and saying how to
// recover, and Open leaves what is there in place: never a silent reset
// that drops queued entries.
func TestOpenForeignDirectory(t *testing.T) {
	// filled makes a queue holding 5000 entries and closes it.
	filled := func(t *testing.T) string {
		dir := filepath.Join(t.TempDir(), "spool")
		q := openT(t, dir, 1)
		for range 50 {
			appendRun(t, q, 100)
		}
		if err := q.Close(); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	cases := []struct {
		name string
		// setup returns the queue directory; files named in keep must
		// still be there after the refused Open.
		setup func(t *testing.T) (dir string, keep []string)
	}{
		{"bogus MANIFEST", func(t *testing.T) (string, []string) {
			dir := t.TempDir()
			if err := writeFile(filepath.Join(dir, "MANIFEST"), "this is not badger"); err != nil {
				t.Fatal(err)
			}
			return dir, []string{"MANIFEST"}
		}},
		{"empty MANIFEST", func(t *testing.T) (string, []string) {
			dir := filled(t)
			if err := os.Truncate(filepath.Join(dir, "MANIFEST"), 0); err != nil {
				t.Fatal(err)
			}
			return dir, dataFiles(t, dir)
		}},
		{"missing MANIFEST with data", func(t *testing.T) (string, []string) {
			dir := filled(t)
			keep := dataFiles(t, dir)
			if err := os.Remove(filepath.Join(dir, "MANIFEST")); err != nil {
				t.Fatal(err)
			}
			return dir, keep
		}},
		{"stray sst without MANIFEST", func(t *testing.T) (string, []string) {
			dir := t.TempDir()
			b := make([]byte, 4096)
			_, _ = rand.Read(b)
			if err := os.WriteFile(filepath.Join(dir, "000001.sst"), b, 0o600); err != nil {
				t.Fatal(err)
			}
			return dir, []string{"000001.sst"}
		}},
		{"stray vlog without MANIFEST", func(t *testing.T) (string, []string) {
			dir := t.TempDir()
			if err := writeFile(filepath.Join(dir, "000001.vlog"), "x"); err != nil {
				t.Fatal(err)
			}
			return dir, []string{"000001.vlog"}
		}},
		{"corrupt KEYREGISTRY", func(t *testing.T) (string, []string) {
			dir := filled(t)
			if err := os.Truncate(filepath.Join(dir, "KEYREGISTRY"), 0); err != nil {
				t.Fatal(err)
			}
			return dir, dataFiles(t, dir)
		}},
		{"garbage KEYREGISTRY", func(t *testing.T) (string, []string) {
			dir := filled(t)
			if err := writeFile(filepath.Join(dir, "KEYREGISTRY"), "garbage garbage garbage garbage"); err != nil {
				t.Fatal(err)
			}
			return dir, dataFiles(t, dir)
		}},
		{"regular file instead of directory", func(t *testing.T) (string, []string) {
			path := filepath.Join(t.TempDir(), "spool")
			if err := writeFile(path, "not a directory"); err != nil {
				t.Fatal(err)
			}
			return path, nil
		}},
		{"Badger database of another program", func(t *testing.T) (string, []string) {
			dir := t.TempDir()
			db, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil))
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Update(func(txn *badger.Txn) error { return txn.Set([]byte("user/42"), []byte("{}")) }); err != nil {
				t.Fatal(err)
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			return dir, dataFiles(t, dir)
		}},
		{"entry key of another layout", func(t *testing.T) (string, []string) {
			// 'e' and one sequence: the key of a single entry, a layout
			// no released queue has.
			dir := t.TempDir()
			db, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil))
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Update(func(txn *badger.Txn) error {
				return txn.Set([]byte{prefixEntry, 0, 0, 0, 0, 0, 0, 0, 1}, []byte("x"))
			}); err != nil {
				t.Fatal(err)
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			return dir, dataFiles(t, dir)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir, keep := c.setup(t)
			q, err := Open(Options{Dir: dir})
			if err == nil {
				n := q.Len()
				_ = q.Close()
				t.Fatalf("Open succeeded (length %d); it must refuse", n)
			}
			t.Log(err)
			msg := err.Error()
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("error does not wrap ErrCorrupt: %v", err)
			}
			if !strings.Contains(msg, dir) {
				t.Errorf("error does not name the directory %s: %v", dir, err)
			}
			if !strings.Contains(msg, "move it aside") {
				t.Errorf("error does not say to move it aside: %v", err)
			}
			for _, f := range keep {
				if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
					t.Errorf("Open removed %s: %v", f, err)
				}
			}
		})
	}
}

// A refused Open leaves the data alone: put the MANIFEST back and every
// entry is there.
func TestMissingManifestKeepsData(t *testing.T) {
	dir := t.TempDir()
	q := openT(t, dir, 1)
	for range 50 {
		appendRun(t, q, 100)
	}
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
	m := filepath.Join(dir, "MANIFEST")
	saved := filepath.Join(t.TempDir(), "MANIFEST")
	if err := os.Rename(m, saved); err != nil {
		t.Fatal(err)
	}
	for range 2 { // a restart loop must not wear it down either
		if _, err := Open(Options{Dir: dir}); err == nil {
			t.Fatal("Open without MANIFEST succeeded")
		}
	}
	if err := os.Rename(saved, m); err != nil {
		t.Fatal(err)
	}
	q = openT(t, dir, 1)
	defer q.Close()
	if q.Len() != 5000 {
		t.Fatalf("length %d after restoring the MANIFEST, want 5000", q.Len())
	}
}

// Fresh directories work: missing (created), empty, or holding files that
// are not Badger's (a mount point's lost+found, say).
func TestOpenFreshDirectory(t *testing.T) {
	base := t.TempDir()
	other := filepath.Join(base, "other")
	if err := os.MkdirAll(filepath.Join(other, "lost+found"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := writeFile(filepath.Join(other, "README"), "spool lives here"); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(base, "empty")
	if err := os.Mkdir(empty, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{filepath.Join(base, "a", "b", "new"), empty, other} {
		q := openT(t, dir, 7)
		appendRun(t, q, 3)
		if err := q.Close(); err != nil {
			t.Fatal(err)
		}
		q = openT(t, dir, 1)
		if q.Len() != 3 || q.NextSeq() != 10 {
			t.Errorf("%s: length %d next %d after reopen", dir, q.Len(), q.NextSeq())
		}
		_ = q.Close()
	}
}

// A directory another process holds is not called damaged.
func TestOpenLockedDirectory(t *testing.T) {
	dir := t.TempDir()
	q := openT(t, dir, 1)
	defer q.Close()
	_, err := Open(Options{Dir: dir})
	if err == nil {
		t.Fatal("second Open of the same directory succeeded")
	}
	t.Log(err)
	if errors.Is(err, ErrCorrupt) || strings.Contains(err.Error(), "move it aside") {
		t.Errorf("a locked directory is reported as damaged: %v", err)
	}
	if !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "another process") {
		t.Errorf("error does not name the directory and the cause: %v", err)
	}
}

func dataFiles(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if n := e.Name(); strings.HasSuffix(n, ".sst") || strings.HasSuffix(n, ".vlog") {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		t.Fatalf("no data files in %s", dir)
	}
	return out
}

// TestDiskBoundedOnceDrained streams far more than the value log keeps in
// one file through a queue that is drained as it goes: value-log GC must
// give the space back, so a spool or state that keeps up never grows.
func TestDiskBoundedOnceDrained(t *testing.T) {
	q, err := Open(Options{Dir: t.TempDir(), NoSync: true, GCInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = q.Close() })
	val := make([]byte, 256<<10)
	const total = 1 << 30 // 16 value-log files' worth
	var peak int64
	for i := 0; i < total/len(val); i++ {
		rec, err := q.AppendRecord(100, func(uint64) ([]byte, error) { return val, nil })
		if err != nil {
			t.Fatal(err)
		}
		if _, err := q.DeleteThrough(rec.Last); err != nil {
			t.Fatal(err)
		}
		if i%256 == 0 {
			peak = max(peak, dirSize(t, q.Dir()))
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for dirSize(t, q.Dir()) > 256<<20 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("streamed %d MiB, peak on disk %d MiB, now %d MiB", total>>20, peak>>20, dirSize(t, q.Dir())>>20)
	if size := dirSize(t, q.Dir()); size > 256<<20 {
		t.Fatalf("queue holds nothing but takes %d MiB on disk after streaming %d MiB: value-log GC does not reclaim", size>>20, total>>20)
	}
}

// dirSize is what the files in dir take (Badger's own Size is refreshed
// only once a minute).
func dirSize(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err == nil {
			n += fi.Size()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
