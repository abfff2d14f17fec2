package archive

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// FuzzRecover feeds arbitrary bytes to crash recovery as the content of an
// open file. Recovery must not fail or panic, must keep exactly the records
// a reader gets from the input before its first error, and must write a
// file whose every chunk passes its CRC (checked here by a parser of its
// own, not the package's reader); the mark is the highest last kept.
func FuzzRecover(f *testing.F) {
	clock := newClock()
	seedDir := f.TempDir()
	a, err := Open(Config{Dir: seedDir, Clock: clock.Now})
	if err != nil {
		f.Fatal(err)
	}
	for seq := uint64(1); seq <= 30; seq++ {
		if _, err := a.Append("acme", seq, seq+1, value("acme", seq)); err != nil {
			f.Fatal(err)
		}
		if seq%4 == 0 {
			if err := a.Sync(); err != nil {
				f.Fatal(err)
			}
		}
	}
	if err := a.Sync(); err != nil {
		f.Fatal(err)
	}
	crash(a)
	opens, _ := filepath.Glob(filepath.Join(seedDir, "acme", "*"+openExt))
	valid, err := os.ReadFile(opens[0])
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid)
	f.Add(valid[:len(valid)/2])
	f.Add(valid[:len(valid)-3])
	f.Add([]byte{})
	f.Add([]byte("not zstd at all"))
	// A valid zstd stream holding a chunk whose CRC is wrong.
	var c chunk
	c.add(5, 6, []byte("x"))
	bad := append(c.header(), c.payload...)
	bad[len(bad)-len(c.payload)-1] ^= 1
	enc, _ := zstd.NewWriter(nil)
	f.Add(enc.EncodeAll(bad, nil))

	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "acme", "2026-12-07T17"+openExt)
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o640); err != nil {
			t.Fatal(err)
		}
		// What the input holds before its first error.
		var want []record
		if _, err := readFile(path, 0, func(first, last uint64, value []byte) error {
			want = append(want, record{first, last, value})
			return nil
		}); err != nil {
			t.Fatal(err)
		}

		a, err := Open(Config{Dir: dir, Clock: clock.Now})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer crash(a)
		got := checkChunks(t, readBytes(t, path))
		if len(got) != len(want) {
			t.Fatalf("recovered %d records, input has %d valid ones", len(got), len(want))
		}
		mark := uint64(0)
		for i := range got {
			if got[i].first != want[i].first || got[i].last != want[i].last || !bytes.Equal(got[i].value, want[i].value) {
				t.Fatalf("record %d differs after recovery", i)
			}
			mark = max(mark, got[i].last)
		}
		if ok, err := a.Append("acme", mark, mark, nil); ok || err != nil {
			t.Fatalf("Append at the mark %d: %v, %v", mark, ok, err)
		}
		if mark < math.MaxUint64 {
			if ok, err := a.Append("acme", mark+1, mark+1, nil); !ok || err != nil {
				t.Fatalf("Append above the mark %d: %v, %v", mark, ok, err)
			}
		}
	})
}

// checkChunks parses a recovered file independently of recordReader:
// every chunk must be whole and pass its CRC.
func checkChunks(t *testing.T, file []byte) []record {
	t.Helper()
	dec, err := zstd.NewReader(bytes.NewReader(file), zstd.WithDecoderConcurrency(1))
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()
	raw, err := io.ReadAll(dec)
	// The frame of an open file has no end yet.
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("recovered file does not decode: %v", err)
	}
	var recs []record
	for len(raw) > 0 {
		if raw[0] != chunkMagic {
			t.Fatalf("chunk magic %#x", raw[0])
		}
		n, k1 := binary.Uvarint(raw[1:])
		size, k2 := binary.Uvarint(raw[1+k1:])
		h := raw[1 : 1+k1+k2]
		rest := raw[1+k1+k2:]
		if k1 <= 0 || k2 <= 0 || uint64(len(rest)) < 4+size {
			t.Fatalf("chunk header cut or wrong")
		}
		payload := rest[4 : 4+size]
		if crc32.Update(crc32.Checksum(h, castagnoli), castagnoli, payload) != binary.LittleEndian.Uint32(rest[:4]) {
			t.Fatal("recovered chunk fails its CRC")
		}
		prev := uint64(0)
		for range n {
			l, k := binary.Uvarint(payload)
			payload = payload[k:]
			d, k := binary.Varint(payload)
			payload = payload[k:]
			span, k := binary.Uvarint(payload)
			payload = payload[k:]
			first := prev + uint64(d)
			recs = append(recs, record{first, first + span, payload[:l]})
			prev = first + span
			payload = payload[l:]
		}
		if len(payload) != 0 {
			t.Fatal("bytes after a chunk's records")
		}
		raw = rest[4+size:]
	}
	return recs
}
