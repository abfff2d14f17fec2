package event

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestAppendJSONNests(t *testing.T) {
	e := &Event{ID: "a-1", Timestamp: time.Date(2026, 1, 10, 10, 0, 0, 5e6, time.UTC), Message: "line \"x\"\n\x01"}
	e.Set("source.ip", "10.0.0.5")
	e.Set("source.port", int64(51234))
	e.Set("user.name", "bob")
	e.Set(FieldRisk, int64(3))
	e.Set(FieldClassification, "Authentication Success")
	e.Set("event.outcome", "success")
	e.AddFlag(FlagTruncated)
	e.AddFlag(FlagTruncated)

	var got map[string]any
	if err := json.Unmarshal(e.AppendJSON(nil), &got); err != nil {
		t.Fatalf("invalid JSON %s: %v", e.AppendJSON(nil), err)
	}
	want := map[string]any{
		"@timestamp": "2026-01-10T10:00:00.005Z",
		"message":    "line \"x\"\n\x01",
		"source":     map[string]any{"ip": "10.0.0.5", "port": float64(51234)},
		"user":       map[string]any{"name": "bob"},
		"event":      map[string]any{"outcome": "success"},
		"sluice": map[string]any{
			"risk":           float64(3),
			"classification": "Authentication Success",
			"flags":          []any{"truncated"},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %v\nwant %v", got, want)
	}
}

func TestAppendJSONLeafAndBranchConflict(t *testing.T) {
	e := &Event{Message: "m"}
	e.Set("a", "leaf")
	e.Set("a.b", "below")
	var got map[string]any
	if err := json.Unmarshal(e.AppendJSON(nil), &got); err != nil {
		t.Fatal(err)
	}
	if got["a"] != "leaf" || got["a.b"] != "below" {
		t.Fatalf("got %v", got)
	}
}

func TestAppendJSONStringInvalidUTF8(t *testing.T) {
	out := AppendJSONString(nil, "ok\xffé\u2028")
	var s string
	if err := json.Unmarshal(out, &s); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	if s != "ok\ufffdé\u2028" {
		t.Fatalf("got %q", s)
	}
}

func TestSetGetDelete(t *testing.T) {
	var e Event
	e.Set("x", "1")
	e.Set("x", "2")
	if v := e.GetString("x"); v != "2" {
		t.Fatalf("got %q", v)
	}
	e.Set("x", "")
	if _, ok := e.Get("x"); ok {
		t.Fatal("empty string should delete")
	}
	e.SetDefault("y", int64(1))
	e.SetDefault("y", int64(2))
	if v := e.GetString("y"); v != "1" {
		t.Fatalf("got %q", v)
	}
}

// TestSetGetDeleteManyKeys checks the key filter against a map, with more
// keys than it has bits: colliding keys must still be told apart, and a
// key set again after it was deleted goes last.
func TestSetGetDeleteManyKeys(t *testing.T) {
	var e Event
	want := map[string]string{}
	var order []string
	key := func(i int) string { return fmt.Sprintf("k%d.%c", i%97, 'a'+i%26) }
	for i := range 600 {
		k := key(i * 7 % 150)
		if i%5 == 3 {
			e.Delete(k)
			delete(want, k)
			order = slices.DeleteFunc(order, func(o string) bool { return o == k })
			continue
		}
		v := fmt.Sprint(i)
		e.Set(k, v)
		if _, ok := want[k]; !ok {
			order = append(order, k)
		}
		want[k] = v
	}
	for i := range 200 {
		k := key(i)
		v, ok := e.Get(k)
		if w, wok := want[k]; ok != wok || ok && v != w {
			t.Fatalf("%s: got %v %v, want %v %v", k, v, ok, w, wok)
		}
	}
	var got []string
	for _, f := range e.Fields() {
		got = append(got, f.Key)
	}
	if !slices.Equal(got, order) {
		t.Fatalf("fields %v\nwant   %v", got, order)
	}
}

func TestDocIDSortsBySeq(t *testing.T) {
	a, b := DocID("web-01", 9), DocID("web-01", 10)
	if !(a < b) {
		t.Fatalf("%s should sort before %s", a, b)
	}
	if a != "web-01-0000000000000009" {
		t.Fatalf("got %s", a)
	}
}

func FuzzAppendJSONString(f *testing.F) {
	f.Add("plain")
	f.Add("\x00\xff\"\\\u2029")
	f.Fuzz(func(t *testing.T, s string) {
		out := AppendJSONString(nil, s)
		if !json.Valid(out) {
			t.Fatalf("invalid JSON for %q: %s", s, out)
		}
	})
}

func TestSpoolDocID(t *testing.T) {
	for _, tc := range []struct {
		agent, spool string
		seq          uint64
		want         string
	}{
		{"web-01", "", 0x5f3a, "web-01-0000000000005f3a"},
		{"web-01", "0123456789abcdef", 0x5f3a, "web-01:0123456789abcdef-0000000000005f3a"},
		{"a", "ffffffffffffffff", 1<<64 - 1, "a:ffffffffffffffff-ffffffffffffffff"},
	} {
		if got := SpoolDocID(tc.agent, tc.spool, tc.seq); got != tc.want {
			t.Errorf("SpoolDocID(%q, %q, %#x) = %q, want %q", tc.agent, tc.spool, tc.seq, got, tc.want)
		}
	}
	if DocID("web-01", 7) != SpoolDocID("web-01", "", 7) {
		t.Error("DocID is not the id of an entry without incarnation")
	}
}

func TestIncarnation(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		inc, err := NewIncarnation()
		if err != nil {
			t.Fatal(err)
		}
		if !ValidIncarnation(inc) {
			t.Fatalf("NewIncarnation made %q, which ValidIncarnation refuses", inc)
		}
		if seen[inc] {
			t.Fatalf("incarnation %q made twice", inc)
		}
		seen[inc] = true
		tag := SpoolTag(inc)
		if len(tag) != IncarnationLen || tag == inc || !ValidIncarnation(tag) || SpoolTag(inc) != tag {
			t.Fatalf("SpoolTag(%q) = %q: want 16 hex digits, stable, other than the incarnation", inc, tag)
		}
	}
	if SpoolTag("") != "" {
		t.Error("SpoolTag of no incarnation is not empty")
	}
	for _, bad := range []string{"", "0123456789abcde", "0123456789abcdef0", "0123456789ABCDEF", "0123456789abcdeg", "01234567-9abcdef", "0123456789abcde\n"} {
		if ValidIncarnation(bad) {
			t.Errorf("ValidIncarnation(%q) = true", bad)
		}
	}
}
