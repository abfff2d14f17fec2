package mediator

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzTailCursor: a cursor comes from the caller. parseCursor never
// panics, bounds what it keeps, and what it accepts encodes back to a
// cursor it reads the same.
func FuzzTailCursor(f *testing.F) {
	for _, s := range []string{"", "0", "1765148400000000000", "1765148400000000000~a.ff", "12~" + strings.Repeat("a.", 255) + "a", "-1", "1~", "1~.", "1~ffffffffffffffff", "1~10000000000000000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCursor(s)
		if err != nil {
			return
		}
		if len(c.seen) > maxCursorSeen || c.ts < 0 {
			t.Fatalf("%q: %+v", s, c)
		}
		back, err := parseCursor(c.String())
		if err != nil || back.ts != c.ts || len(back.seen) != len(c.seen) {
			t.Fatalf("%q → %q → %+v, %v", s, c.String(), back, err)
		}
		for i := range c.seen {
			if back.seen[i] != c.seen[i] {
				t.Fatalf("%q: hash %d", s, i)
			}
		}
	})
}

// FuzzFieldValues: facet values are read from stored documents with a
// caller's field name; neither panics.
func FuzzFieldValues(f *testing.F) {
	f.Add(`{"host":{"hostname":"a"}}`, "host.hostname")
	f.Add(`{"a.b":{"c":[1,"x",null,[2]]}}`, "a.b.c")
	f.Add(`[1,2]`, "a")
	f.Fuzz(func(t *testing.T, doc, field string) {
		vals := fieldValues(json.RawMessage(doc), field)
		if len(vals) > len(doc) {
			t.Fatalf("%d values from %d bytes", len(vals), len(doc))
		}
	})
}
