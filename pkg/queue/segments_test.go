package queue

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func bigValue(seed byte, n int) []byte {
	v := make([]byte, n)
	for i := range v {
		v[i] = seed + byte(i%251)
	}
	return v
}

// TestSegmentsSurviveReopen stores values large enough for segments next
// to small ones kept in Badger, reopens, and reads both back; deleting
// every record and reopening leaves no segment behind.
func TestSegmentsSurviveReopen(t *testing.T) {
	dir := t.TempDir()
	q := openT(t, dir, 1)
	sizes := []int{100, segmentMin, 300 << 10, 10, 2 << 20}
	for i, n := range sizes {
		if _, err := q.AppendRecord(1, func(uint64) ([]byte, error) { return bigValue(byte(i), n), nil }); err != nil {
			t.Fatal(err)
		}
	}
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
	q = openT(t, dir, 1)
	recs, err := q.Read(0, 100, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(sizes) {
		t.Fatalf("read %d records after reopen, want %d", len(recs), len(sizes))
	}
	var want int64
	for i, r := range recs {
		if !bytes.Equal(r.Value, bigValue(byte(i), sizes[i])) {
			t.Fatalf("record %d: %d bytes differ from the %d written", i, len(r.Value), sizes[i])
		}
		want += int64(sizes[i])
	}
	if q.Bytes() != want {
		t.Errorf("Bytes() = %d after reopen, want %d", q.Bytes(), want)
	}
	if _, err := q.DeleteThrough(recs[len(recs)-1].Last); err != nil {
		t.Fatal(err)
	}
	if q.Bytes() != 0 || q.Len() != 0 {
		t.Errorf("after deleting all: Len %d Bytes %d, want 0 0", q.Len(), q.Bytes())
	}
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
	q = openT(t, dir, 1)
	defer q.Close()
	segs, _ := filepath.Glob(filepath.Join(dir, segmentDir, "*"+segmentExt))
	if len(segs) != 1 { // the fresh one appends go to
		t.Errorf("segments after draining and reopening: %v, want only the new current one", segs)
	}
}

// TestSegmentDamage: a missing segment or damaged bytes give an error that
// names the directory, never a silent loss.
func TestSegmentDamage(t *testing.T) {
	setup := func(t *testing.T) (string, string) {
		dir := t.TempDir()
		q := openT(t, dir, 1)
		if _, err := q.AppendRecord(1, func(uint64) ([]byte, error) { return bigValue(1, 64<<10), nil }); err != nil {
			t.Fatal(err)
		}
		if err := q.Close(); err != nil {
			t.Fatal(err)
		}
		segs, _ := filepath.Glob(filepath.Join(dir, segmentDir, "*"+segmentExt))
		for _, s := range segs {
			if fi, _ := os.Stat(s); fi.Size() > 0 {
				return dir, s
			}
		}
		t.Fatal("no segment holds the record")
		return "", ""
	}
	t.Run("missing", func(t *testing.T) {
		dir, seg := setup(t)
		if err := os.Remove(seg); err != nil {
			t.Fatal(err)
		}
		_, err := Open(Options{Dir: dir})
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "missing") {
			t.Fatalf("open with a segment missing: %v; want ErrCorrupt naming %s and the missing file", err, dir)
		}
	})
	t.Run("damaged", func(t *testing.T) {
		dir, seg := setup(t)
		f, err := os.OpenFile(seg, os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteAt([]byte("XXXX"), 100); err != nil {
			t.Fatal(err)
		}
		_ = f.Close()
		q := openT(t, dir, 1)
		defer q.Close()
		_, err = q.Read(0, 10, 1<<30)
		if err == nil || !strings.Contains(err.Error(), "checksum") {
			t.Fatalf("read of a damaged record: %v; want a checksum error", err)
		}
	})
}

// TestSegmentRotation fills several segments and checks that emptied
// ones are removed while the queue runs.
func TestSegmentRotation(t *testing.T) {
	dir := t.TempDir()
	q, err := Open(Options{Dir: dir, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	v := bigValue(7, 4<<20)
	var last uint64
	for range 3 * segmentMax / len(v) {
		rec, err := q.AppendRecord(1, func(uint64) ([]byte, error) { return v, nil })
		if err != nil {
			t.Fatal(err)
		}
		last = rec.Last
	}
	segs, _ := filepath.Glob(filepath.Join(dir, segmentDir, "*"+segmentExt))
	if len(segs) < 3 {
		t.Fatalf("%d segments for %d MiB, want ≥ 3", len(segs), 3*segmentMax>>20)
	}
	if _, err := q.DeleteThrough(last); err != nil {
		t.Fatal(err)
	}
	segs, _ = filepath.Glob(filepath.Join(dir, segmentDir, "*"+segmentExt))
	if len(segs) != 1 {
		t.Fatalf("after deleting everything %d segments remain, want 1 (the current)", len(segs))
	}
}
