package tail

import (
	"bytes"
	"strings"
	"testing"
)

func TestSplitter(t *testing.T) {
	tests := []struct {
		name   string
		max    int
		chunks []string
		want   []string // lines; "!" prefix = truncated
		held   int
		end    int64
	}{
		{"simple", 100, []string{"a\nb\n"}, []string{"a", "b"}, 0, 4},
		{"split across chunks", 100, []string{"hel", "lo\nwor", "ld\n"}, []string{"hello", "world"}, 0, 12},
		{"partial held", 100, []string{"one\ntw"}, []string{"one"}, 2, 4},
		{"crlf", 100, []string{"a\r\nb\r\n"}, []string{"a", "b"}, 0, 6},
		{"blank lines skipped but consumed", 100, []string{"\n\na\n\n"}, []string{"a"}, 0, 5},
		{"truncated", 4, []string{"abcdefgh\nxy\n"}, []string{"!abcd", "xy"}, 0, 12},
		{"truncated across chunks", 4, []string{"abc", "defg", "hij\nk\n"}, []string{"!abcd", "k"}, 0, 13},
		{"exactly max", 4, []string{"abcd\n"}, []string{"abcd"}, 0, 5},
		{"long partial held only up to max", 4, []string{"abcdefgh"}, nil, 8, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Splitter{Max: tt.max}
			var got []string
			for _, c := range tt.chunks {
				s.Feed([]byte(c), func(l Line) {
					p := ""
					if l.Truncated {
						p = "!"
					}
					got = append(got, p+string(l.Raw))
				})
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Fatalf("lines %q, want %q", got, tt.want)
			}
			if s.Pending() != tt.held || s.Consumed() != tt.end {
				t.Fatalf("pending %d consumed %d, want %d %d", s.Pending(), s.Consumed(), tt.held, tt.end)
			}
		})
	}
}

func TestSplitterTruncatedLength(t *testing.T) {
	s := Splitter{Max: 3}
	var l Line
	s.Feed([]byte("0123456789\n"), func(x Line) { l = x })
	if !l.Truncated || l.Length != 10 || string(l.Raw) != "012" || l.End != 11 {
		t.Fatalf("got %+v", l)
	}
}

func TestSplitterFlush(t *testing.T) {
	s := Splitter{Max: 100}
	var got []string
	emit := func(l Line) { got = append(got, string(l.Raw)) }
	s.Feed([]byte("a\nlast"), emit)
	s.Flush(emit)
	if strings.Join(got, "|") != "a|last" || s.Consumed() != 6 || s.Pending() != 0 {
		t.Fatalf("got %q consumed %d", got, s.Consumed())
	}
}

// FuzzSplitter checks, for any input cut into any chunks: no panic, every
// line is at most Max bytes, Consumed lands just after a newline, and
// joining the lines gives back the input's non-blank lines.
func FuzzSplitter(f *testing.F) {
	f.Add([]byte("a\nb\r\n\nccc"), uint8(3), uint8(2))
	f.Add([]byte(strings.Repeat("x", 300)+"\n"), uint8(7), uint8(100))
	f.Fuzz(func(t *testing.T, data []byte, max uint8, chunk uint8) {
		m := int(max) + 1
		c := int(chunk) + 1
		s := Splitter{Max: m}
		var lines []Line
		for i := 0; i < len(data); i += c {
			s.Feed(data[i:min(i+c, len(data))], func(l Line) { lines = append(lines, l) })
		}
		var want [][]byte
		full := data
		if i := bytes.LastIndexByte(data, '\n'); i >= 0 {
			full = data[:i+1]
		} else {
			full = nil
		}
		for _, l := range bytes.Split(full, []byte("\n")) {
			l = bytes.TrimSuffix(l, []byte("\r"))
			if len(l) > 0 {
				want = append(want, l)
			}
		}
		if s.Consumed() != int64(len(full)) {
			t.Fatalf("consumed %d, want %d", s.Consumed(), len(full))
		}
		if len(lines) != len(want) {
			t.Fatalf("%d lines, want %d", len(lines), len(want))
		}
		for i, l := range lines {
			if len(l.Raw) > m {
				t.Fatalf("line longer than max: %d > %d", len(l.Raw), m)
			}
			w := want[i]
			if len(w) > m {
				if !l.Truncated || !bytes.Equal(l.Raw, w[:m]) {
					t.Fatalf("line %d: %q, want truncated %q", i, l.Raw, w[:m])
				}
			} else if !bytes.Equal(l.Raw, w) && !(l.Truncated && bytes.HasPrefix(w, l.Raw)) {
				t.Fatalf("line %d: %q, want %q", i, l.Raw, w)
			}
		}
	})
}
