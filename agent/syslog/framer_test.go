package syslog

import (
	"bytes"
	"fmt"
	"reflect"
	"testing"

	"github.com/sluicehq/sluice/agent/source"
)

// frame runs data through a new framer in chunks of the given sizes (the
// rest in one piece), then flushes it.
func frame(mode Framing, limit int, data []byte, chunks ...int) []source.Line {
	var out []source.Line
	emit := func(l source.Line) { out = append(out, l) }
	f := NewFramer(mode, limit)
	for _, n := range chunks {
		n = min(n, len(data))
		f.Feed(data[:n], emit)
		data = data[n:]
	}
	f.Feed(data, emit)
	f.Flush(emit)
	return out
}

type want struct {
	raw    string
	trunc  bool
	length int
}

func TestFramer(t *testing.T) {
	tests := []struct {
		name string
		mode Framing
		max  int
		in   string
		want []want
	}{
		{"lf", FramingLF, 100, "<13>a\n<13>b\n", []want{{"<13>a", false, 5}, {"<13>b", false, 5}}},
		{"crlf and nul", FramingLF, 100, "a\r\nb\x00c", []want{{"a", false, 1}, {"b", false, 1}, {"c", false, 1}}},
		{"blank lines skipped", FramingLF, 100, "\n\na\n\r\n", []want{{"a", false, 1}}},
		{"lf truncated keeps the first bytes", FramingLF, 4, "abcdefgh\nxy\n", []want{{"abcd", true, 8}, {"xy", false, 2}}},
		{"lf mode ignores counts", FramingLF, 100, "5 hello\n", []want{{"5 hello", false, 7}}},
		{"octet-counted", FramingOctetCounted, 100, "5 hello3 abc", []want{{"hello", false, 5}, {"abc", false, 3}}},
		{"octet-counted keeps LF inside", FramingOctetCounted, 100, "6 a\nb\nc\n", []want{{"a\nb\nc", false, 5}}},
		{"octet-counted trailing LF between frames", FramingOctetCounted, 100, "2 ab\n2 cd\n", []want{{"ab", false, 2}, {"cd", false, 2}}},
		{"octet count over max", FramingOctetCounted, 4, "10 0123456789" + "2 ok", []want{{"0123", true, 10}, {"ok", false, 2}}},
		{"huge count cut by end of stream", FramingOctetCounted, 4, "999999999 abcdef", []want{{"abcd", true, 999999999}}},
		{"too many digits is no count", FramingOctetCounted, 100, "1234567890 x\n", []want{{"1234567890 x", false, 12}}},
		{"garbage resyncs at LF", FramingOctetCounted, 100, "<13>junk\n3 abc", []want{{"<13>junk", false, 8}, {"abc", false, 3}}},
		{"leading zero is no count", FramingOctetCounted, 100, "05 hello\n", []want{{"05 hello", false, 8}}},
		{"auto picks octet-counted", FramingAuto, 100, "5 hello5 world", []want{{"hello", false, 5}, {"world", false, 5}}},
		{"auto picks lf", FramingAuto, 100, "<13>a\n5 b\n", []want{{"<13>a", false, 5}, {"5 b", false, 3}}},
		{"auto lf with leading digits", FramingAuto, 100, "2024-01-01 x\n", []want{{"2024-01-01 x", false, 12}}},
		{"unterminated last line kept", FramingAuto, 100, "<13>a\n<13>b", []want{{"<13>a", false, 5}, {"<13>b", false, 5}}},
		{"digits only at end of stream", FramingAuto, 100, "123", []want{{"123", false, 3}}},
		{"count without message", FramingOctetCounted, 100, "5 ", nil},
		{"counted message cut short", FramingOctetCounted, 100, "5 he", []want{{"he", true, 5}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := []byte(tt.in)
			whole := frame(tt.mode, tt.max, in)
			var got []want
			for _, l := range whole {
				got = append(got, want{string(l.Raw), l.Truncated, l.Length})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v\nwant %+v", got, tt.want)
			}
			// Byte by byte gives the same.
			ones := make([]int, len(in))
			for i := range ones {
				ones[i] = 1
			}
			if bytewise := frame(tt.mode, tt.max, in, ones...); !reflect.DeepEqual(bytewise, whole) {
				t.Fatalf("byte by byte %+v, whole %+v", bytewise, whole)
			}
		})
	}
}

// The framer holds at most max bytes of a message plus a count, however
// long the messages a sender streams.
func TestFramerBoundedMemory(t *testing.T) {
	f := NewFramer(FramingAuto, 256)
	chunk := bytes.Repeat([]byte("x"), 4096)
	n := 0
	for i := 0; i < 1000; i++ {
		f.Feed(chunk, func(source.Line) { n++ })
		if f.Pending() > 256 || cap(f.buf) > 512 {
			t.Fatalf("holds %d bytes (cap %d)", f.Pending(), cap(f.buf))
		}
	}
	f.Feed([]byte("\n"), func(l source.Line) {
		n++
		if !l.Truncated || l.Length != 4096*1000 || len(l.Raw) != 256 {
			t.Fatalf("line %+v", l)
		}
	})
	if n != 1 {
		t.Fatalf("%d lines", n)
	}
}

// FuzzFramer: for any stream and any way of cutting it into reads, the
// framer never panics, never emits a line longer than max, flags exactly
// the lines it cut, and emits the same lines as for the stream in one
// piece.
func FuzzFramer(f *testing.F) {
	f.Add([]byte("<13>a\n<13>b\r\n"), uint8(0), uint16(64), []byte{1, 2, 3})
	f.Add([]byte("5 hello3 abc"), uint8(2), uint16(64), []byte{1})
	f.Add([]byte("10 0123456789"), uint8(0), uint16(4), []byte{3, 3})
	f.Add([]byte("999999999 abc\n\x00\x00"), uint8(2), uint16(2), []byte{0, 1, 9})
	f.Add([]byte("1234567890123 x\n5 y"), uint8(0), uint16(8), []byte{5})
	f.Add([]byte("2 ab\n2 cd\nzz\n0 q\n"), uint8(2), uint16(1), []byte{2, 2, 2})
	f.Add([]byte(fmt.Sprintf("%d %s", 300, bytes.Repeat([]byte("y"), 300))), uint8(1), uint16(100), []byte{7, 200})
	f.Fuzz(func(t *testing.T, data []byte, mode uint8, max uint16, cuts []byte) {
		m := Framing(mode % 3)
		limit := int(max%1024) + 1
		chunks := make([]int, len(cuts))
		for i, c := range cuts {
			chunks[i] = int(c)
		}
		whole := frame(m, limit, data)
		split := frame(m, limit, data, chunks...)
		if !reflect.DeepEqual(whole, split) {
			t.Fatalf("split into %v: %+v\nwhole: %+v", chunks, split, whole)
		}
		total := 0
		for _, l := range whole {
			if len(l.Raw) > limit {
				t.Fatalf("line of %d bytes, max %d", len(l.Raw), limit)
			}
			if l.Truncated != (l.Length > len(l.Raw)) || l.Length < len(l.Raw) {
				t.Fatalf("line %q: truncated %v, length %d", l.Raw, l.Truncated, l.Length)
			}
			if len(l.Raw) == 0 && !l.Truncated {
				t.Fatal("empty line emitted")
			}
			total += len(l.Raw)
		}
		if total > len(data) {
			t.Fatalf("%d bytes emitted from %d", total, len(data))
		}
	})
}
