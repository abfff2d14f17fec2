package query

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/indexer"
)

func nanos(s string) int64 {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UnixNano()
}

func TestParse(t *testing.T) {
	day := nanos("2026-01-10T00:00:00Z")
	tests := []struct {
		in   string
		want Node
		// str is the expected String(); "" means the same as in.
		str string
	}{
		{in: "", want: MatchAll{}, str: "*"},
		{in: "   ", want: MatchAll{}, str: "*"},
		{in: "*", want: MatchAll{}},
		{in: "failed", want: &Term{Value: "failed"}},
		{in: `"failed password"`, want: &Term{Value: "failed password"}},
		{in: `user.name:bob`, want: &Term{Field: "user.name", Value: "bob"}},
		{in: `user.name:"bob smith"`, want: &Term{Field: "user.name", Value: "bob smith"}},
		{in: `message:"x y"`, want: &Term{Field: "message", Value: "x y"}},
		{in: `user.name:"x' OR 1=1 --"`, want: &Term{Field: "user.name", Value: "x' OR 1=1 --"}},
		{in: `url.full:http://x/y`, want: &Term{Field: "url.full", Value: "http://x/y"}},
		{in: `a b`, want: &And{[]Node{&Term{Value: "a"}, &Term{Value: "b"}}}, str: "a AND b"},
		{in: `a AND b AND c`, want: &And{[]Node{&Term{Value: "a"}, &Term{Value: "b"}, &Term{Value: "c"}}}},
		{in: `a OR b c`, want: &Or{[]Node{&Term{Value: "a"}, &And{[]Node{&Term{Value: "b"}, &Term{Value: "c"}}}}}, str: "a OR (b AND c)"},
		{in: `(a OR b) c`, want: &And{[]Node{&Or{[]Node{&Term{Value: "a"}, &Term{Value: "b"}}}, &Term{Value: "c"}}}, str: "(a OR b) AND c"},
		{in: `a (b c)`, want: &And{[]Node{&Term{Value: "a"}, &Term{Value: "b"}, &Term{Value: "c"}}}, str: "a AND b AND c"},
		{in: `NOT a`, want: &Not{&Term{Value: "a"}}},
		{in: `-a`, want: &Not{&Term{Value: "a"}}, str: "NOT a"},
		{in: `+a -b`, want: &And{[]Node{&Term{Value: "a"}, &Not{&Term{Value: "b"}}}}, str: "a AND NOT b"},
		{in: `-user.name:root`, want: &Not{&Term{Field: "user.name", Value: "root"}}, str: "NOT user.name:root"},
		{in: `NOT (a OR b)`, want: &Not{&Or{[]Node{&Term{Value: "a"}, &Term{Value: "b"}}}}},
		{in: `a AND NOT b OR c`, want: &Or{[]Node{&And{[]Node{&Term{Value: "a"}, &Not{&Term{Value: "b"}}}}, &Term{Value: "c"}}}, str: "(a AND NOT b) OR c"},
		{in: `and or`, want: &And{[]Node{&Term{Value: "and"}, &Term{Value: "or"}}}, str: "and AND or"},
		{in: `"AND"`, want: &Term{Value: "AND"}},
		{in: `ORACLE`, want: &Term{Value: "ORACLE"}},
		{in: `user.name:adm*`, want: &Wildcard{Field: "user.name", Pattern: "adm*"}},
		{in: `user.name:a?m`, want: &Wildcard{Field: "user.name", Pattern: "a?m"}},
		{in: `user.name:*`, want: &Wildcard{Field: "user.name", Pattern: "*"}},
		{in: `user.name:**`, want: &Wildcard{Field: "user.name", Pattern: "*"}, str: "user.name:*"},
		{in: `user.name:a\*b`, want: &Term{Field: "user.name", Value: "a*b"}, str: `user.name:"a*b"`},
		{in: `user.name:a\*b*`, want: &Wildcard{Field: "user.name", Pattern: `a\*b*`}},
		{in: `fail*`, want: &Wildcard{Pattern: "fail*"}},
		{in: `**`, want: MatchAll{}, str: "*"},
		{in: `a\:b`, want: &Term{Value: "a:b"}, str: `"a:b"`},
		{in: `user.name:(alice OR bob)`, want: &Or{[]Node{&Term{Field: "user.name", Value: "alice"}, &Term{Field: "user.name", Value: "bob"}}}, str: "user.name:alice OR user.name:bob"},
		{in: `user.name:(alice -x:y *)`, want: &And{[]Node{&Term{Field: "user.name", Value: "alice"}, &Not{&Term{Field: "x", Value: "y"}}, &Wildcard{Field: "user.name", Pattern: "*"}}}, str: "user.name:alice AND NOT x:y AND user.name:*"},
		{in: `source.port:[1024 TO 2048]`, want: &Range{Field: "source.port", From: &Bound{Value: "1024", Inclusive: true, Kind: BoundNumber, Number: 1024}, To: &Bound{Value: "2048", Inclusive: true, Kind: BoundNumber, Number: 2048}}},
		{in: `source.port:{1024 TO 2048}`, want: &Range{Field: "source.port", From: &Bound{Value: "1024", Kind: BoundNumber, Number: 1024}, To: &Bound{Value: "2048", Kind: BoundNumber, Number: 2048}}},
		{in: `source.port:[1024 TO 2048}`, want: &Range{Field: "source.port", From: &Bound{Value: "1024", Inclusive: true, Kind: BoundNumber, Number: 1024}, To: &Bound{Value: "2048", Kind: BoundNumber, Number: 2048}}},
		{in: `source.port:[1024 TO *]`, want: &Range{Field: "source.port", From: &Bound{Value: "1024", Inclusive: true, Kind: BoundNumber, Number: 1024}}, str: "source.port:>=1024"},
		{in: `source.port:[* TO *]`, want: &Range{Field: "source.port"}},
		{in: `sluice.risk:>=7`, want: &Range{Field: "sluice.risk", From: &Bound{Value: "7", Inclusive: true, Kind: BoundNumber, Number: 7}}},
		{in: `sluice.risk:>7`, want: &Range{Field: "sluice.risk", From: &Bound{Value: "7", Kind: BoundNumber, Number: 7}}},
		{in: `sluice.risk:<-1.5e2`, want: &Range{Field: "sluice.risk", To: &Bound{Value: "-1.5e2", Kind: BoundNumber, Number: -150}}},
		{in: `sluice.risk:<=7`, want: &Range{Field: "sluice.risk", To: &Bound{Value: "7", Inclusive: true, Kind: BoundNumber, Number: 7}}},
		{in: `@timestamp:>=2026-01-10`, want: &Range{Field: "@timestamp", From: &Bound{Value: "2026-01-10", Inclusive: true, Kind: BoundTime, Time: day, DateOnly: true}}},
		{in: `@timestamp:[2026-01-10T10:00:00Z TO 2026-01-10T12:00:00.5+02:00]`, want: &Range{Field: "@timestamp",
			From: &Bound{Value: "2026-01-10T10:00:00Z", Inclusive: true, Kind: BoundTime, Time: nanos("2026-01-10T10:00:00Z")},
			To:   &Bound{Value: "2026-01-10T12:00:00.5+02:00", Inclusive: true, Kind: BoundTime, Time: nanos("2026-01-10T10:00:00.5Z")}}},
		{in: `@timestamp:2026-01-10`, want: &Range{Field: "@timestamp",
			From: &Bound{Value: "2026-01-10", Inclusive: true, Kind: BoundTime, Time: day, DateOnly: true},
			To:   &Bound{Value: "2026-01-10", Inclusive: true, Kind: BoundTime, Time: day, DateOnly: true}}, str: "@timestamp:[2026-01-10 TO 2026-01-10]"},
		{in: `@timestamp:*`, want: &Range{Field: "@timestamp"}, str: "@timestamp:[* TO *]"},
		{in: `sluice.collected:<2026-01-10T00:00:00`, want: &Range{Field: "sluice.collected", To: &Bound{Value: "2026-01-10T00:00:00", Kind: BoundTime, Time: day}}},
		{in: `sluice.common_event:"User Logon" AND NOT user.name:root AND (source.ip:10.0.0.5 OR "sudo")`,
			want: &And{[]Node{
				&Term{Field: "sluice.common_event", Value: "User Logon"},
				&Not{&Term{Field: "user.name", Value: "root"}},
				&Or{[]Node{&Term{Field: "source.ip", Value: "10.0.0.5"}, &Term{Value: "sudo"}}},
			}},
			str: `sluice.common_event:"User Logon" AND NOT user.name:root AND (source.ip:10.0.0.5 OR sudo)`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Parse(%q)\n got  %#v\n want %#v", tt.in, got, tt.want)
			}
			str := tt.str
			if str == "" {
				str = tt.in
			}
			if got.String() != str {
				t.Fatalf("String() = %q, want %q", got.String(), str)
			}
			again, err := Parse(got.String())
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Fatalf("reparse of %q: %#v, %v", got.String(), again, err)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in   string
		pos  int
		want string
	}{
		{`(a`, 0, `missing ")"`},
		{`a)`, 1, `unbalanced ")"`},
		{`()`, 0, "empty parentheses"},
		{`"abc`, 0, "unterminated quoted phrase"},
		{`user.name:"abc`, 10, "unterminated quoted phrase"},
		{`a AND`, 2, "AND needs a term on its right"},
		{`AND a`, 0, "AND needs a term on its left"},
		{`a OR`, 2, "OR needs a term on its right"},
		{`a OR OR b`, 5, "OR needs a term on its left"},
		{`NOT`, 0, "NOT needs a term"},
		{`a - b`, 2, `"-" must be followed by a term`},
		{`user.name:`, 10, `missing value after "user.name:"`},
		{`:x`, 0, "missing field name"},
		{`a);DROP:x`, 1, `unbalanced ")"`},
		{`a;DROP:x`, 0, `invalid field name "a;DROP"`},
		{`10:00:00`, 0, `invalid field name "10"`},
		{`a..b:c`, 0, `invalid field name`},
		{`"x".y:z`, 3, `invalid field name ".y"`},
		{`source.port:[1 TO`, 17, "missing range bound"},
		{`source.port:[1 TO 2`, 12, "unterminated range"},
		{`source.port:[1 2]`, 15, "expected TO"},
		{`source.port:[a TO 2]`, 13, `"a" is neither a number nor a time`},
		{`source.port:>`, 13, "missing value after comparison"},
		{`source.port:>1e999`, 13, "out of range"},
		{`@timestamp:>=yesterday`, 13, "is not a time"},
		{`@timestamp:>=12`, 13, "is not a time"},
		{`@timestamp:2026-13-01`, 11, "is not a time"},
		{`@timestamp:3000-01-01`, 11, "is not a time"},
		{`@timestamp:2026*`, 11, "wildcards are not supported"},
		{`a\`, 1, "escape character at end"},
		{strings.Repeat("(", 100) + "a" + strings.Repeat(")", 100), 0, "nested more than"},
		{strings.Repeat("NOT ", 100) + "a", 0, "nested more than"},
		{strings.Repeat("a:b ", 600), 0, "more than 512 clauses"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			n, err := ParseLimits(tt.in, indexer.QueryLimits{MaxTerms: MaxTermsCeiling})
			if err == nil {
				t.Fatalf("Parse(%q) = %v, want error", tt.in, n)
			}
			if !errors.Is(err, indexer.ErrBadQuery) {
				t.Fatalf("error %v does not wrap ErrBadQuery", err)
			}
			var qe *Error
			if !errors.As(err, &qe) {
				t.Fatalf("error %T is not *Error", err)
			}
			if !strings.Contains(qe.Msg, tt.want) {
				t.Fatalf("error %q does not contain %q", err, tt.want)
			}
			// Depth and size limits report where they were hit; only
			// check positions for the others.
			if !strings.Contains(tt.want, "more than") && qe.Pos != tt.pos {
				t.Fatalf("error %q at position %d, want %d", err, qe.Pos, tt.pos)
			}
		})
	}
}

func TestRangeNanos(t *testing.T) {
	day := nanos("2026-01-10T00:00:00Z")
	next := nanos("2026-01-11T00:00:00Z")
	ten := nanos("2026-01-10T10:00:00Z")
	tests := []struct {
		in       string
		from, to int64
	}{
		{`@timestamp:2026-01-10`, day, next},
		{`@timestamp:[2026-01-10 TO 2026-01-10]`, day, next},
		{`@timestamp:{2026-01-09 TO 2026-01-11}`, day, next},
		{`@timestamp:>=2026-01-10`, day, math.MaxInt64},
		{`@timestamp:>2026-01-09`, day, math.MaxInt64},
		{`@timestamp:<2026-01-11`, math.MinInt64, next},
		{`@timestamp:<=2026-01-10`, math.MinInt64, next},
		{`@timestamp:>=2026-01-10T10:00:00Z`, ten, math.MaxInt64},
		{`@timestamp:>2026-01-10T10:00:00Z`, ten + 1, math.MaxInt64},
		{`@timestamp:<=2026-01-10T10:00:00Z`, math.MinInt64, ten + 1},
	}
	for _, tt := range tests {
		n, err := Parse(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		from, to, ok := n.(*Range).Nanos()
		if !ok || from != tt.from || to != tt.to {
			t.Errorf("%s: [%d, %d) ok=%v, want [%d, %d)", tt.in, from, to, ok, tt.from, tt.to)
		}
	}
}

func TestTimeBounds(t *testing.T) {
	day := nanos("2026-01-10T00:00:00Z")
	ten := nanos("2026-01-10T10:00:00Z")
	tests := []struct {
		in       string
		from, to int64
	}{
		{`*`, math.MinInt64, math.MaxInt64},
		{`a AND @timestamp:>=2026-01-10 AND @timestamp:<2026-01-10T10:00:00Z`, day, ten},
		// Under OR or NOT a range does not bound the whole query.
		{`a OR @timestamp:>=2026-01-10`, math.MinInt64, math.MaxInt64},
		{`NOT @timestamp:>=2026-01-10`, math.MinInt64, math.MaxInt64},
		{`source.port:>=5`, math.MinInt64, math.MaxInt64},
	}
	for _, tt := range tests {
		n, err := Parse(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if from, to := TimeBounds(n); from != tt.from || to != tt.to {
			t.Errorf("%s: [%d, %d), want [%d, %d)", tt.in, from, to, tt.from, tt.to)
		}
	}
}

func TestWildcardSegments(t *testing.T) {
	w := &Wildcard{Pattern: `a\*b*c?`}
	got := w.Segments()
	want := []WildcardSegment{{Literal: "a*b"}, {Wild: '*'}, {Literal: "c"}, {Wild: '?'}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v", got)
	}
	if p, ok := (&Wildcard{Pattern: `adm\?*`}).Prefix(); !ok || p != "adm?" {
		t.Fatalf("Prefix = %q, %v", p, ok)
	}
	if _, ok := (&Wildcard{Pattern: `*adm`}).Prefix(); ok {
		t.Fatal("*adm has no prefix form")
	}
}

func TestParseLimits(t *testing.T) {
	phrase := func(words int) string {
		return `"` + strings.TrimSpace(strings.Repeat("failed ", words)) + `"`
	}
	tests := []struct {
		name string
		in   string
		lim  indexer.QueryLimits
		// limit is the LimitError's Limit, "" when the query is within
		// its limits; terms is then Terms of the result.
		limit    string
		pos, got int
		terms    int
	}{
		{name: "empty", in: "", terms: 0},
		{name: "word", in: "failed", terms: 1},
		{name: "phrase words each count", in: `"failed password for root"`, terms: 4},
		{name: "punctuation splits words", in: `10.0.0.5`, terms: 4},
		{name: "no word is still a term", in: `"->"`, terms: 1},
		{name: "field term is one", in: `user.name:"bob smith jr"`, terms: 1},
		{name: "message field is full text", in: `message:"bob smith jr"`, terms: 3},
		{name: "wildcards count", in: `fail* user.name:a*b?`, terms: 2 + 4},
		{name: "exists is one", in: `user.name:*`, terms: 1},
		{name: "match all is free", in: `* AND a`, terms: 1},
		{name: "ranges are one", in: `source.port:[1 TO 2] sluice.risk:>5 @timestamp:2026-01-10`, terms: 3},
		{name: "operators are free", in: `NOT (a OR b) AND -c`, terms: 3},
		{name: "at the term limit", in: phrase(10), lim: indexer.QueryLimits{MaxTerms: 10}, terms: 10},
		{name: "over the term limit", in: `a ` + phrase(10), lim: indexer.QueryLimits{MaxTerms: 10}, limit: LimitTerms, pos: 2, got: 11},
		{name: "over in a field group", in: `a b user.name:(c OR d*)`, lim: indexer.QueryLimits{MaxTerms: 4}, limit: LimitTerms, pos: 20, got: 5},
		{name: "over by a range", in: `a b:[1 TO 2]`, lim: indexer.QueryLimits{MaxTerms: 1}, limit: LimitTerms, pos: 4, got: 2},
		{name: "over by a comparison", in: `a b:>=1`, lim: indexer.QueryLimits{MaxTerms: 1}, limit: LimitTerms, pos: 4, got: 2},
		{name: "default term limit", in: phrase(DefaultMaxTerms + 1), limit: LimitTerms, pos: 0, got: DefaultMaxTerms + 1},
		{name: "at the byte limit", in: strings.Repeat("x", 100), lim: indexer.QueryLimits{MaxBytes: 100}, terms: 1},
		{name: "over the byte limit", in: strings.Repeat("x", 101), lim: indexer.QueryLimits{MaxBytes: 100}, limit: LimitBytes, pos: 100, got: 101},
		{name: "default byte limit", in: strings.Repeat("x", DefaultMaxBytes+1), limit: LimitBytes, pos: DefaultMaxBytes, got: DefaultMaxBytes + 1},
		// The size is checked before the syntax.
		{name: "size before syntax", in: `"` + strings.Repeat("x", 200), lim: indexer.QueryLimits{MaxBytes: 100}, limit: LimitBytes, pos: 100, got: 201},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := ParseLimits(tt.in, tt.lim)
			if tt.limit == "" {
				if err != nil {
					t.Fatalf("ParseLimits: %v", err)
				}
				if got := Terms(n); got != tt.terms {
					t.Fatalf("Terms = %d, want %d", got, tt.terms)
				}
				return
			}
			var le *LimitError
			if !errors.As(err, &le) {
				t.Fatalf("ParseLimits = %v, %v; want a *LimitError", n, err)
			}
			if !errors.Is(err, indexer.ErrBadQuery) {
				t.Fatalf("%v does not wrap ErrBadQuery", err)
			}
			if le.Limit != tt.limit || le.Pos != tt.pos || le.Got != tt.got {
				t.Fatalf("got %+v, want limit %s at %d, got %d", le, tt.limit, tt.pos, tt.got)
			}
		})
	}
}

// TestParseHugeQuery is the query of issue 15: one phrase of 100,000
// words (about 600 KB) took 22 s of CPU and 0.8 GB in the index. It is
// refused, by size and by terms, having read no more than the limit.
func TestParseHugeQuery(t *testing.T) {
	q := `"` + strings.TrimSpace(strings.Repeat("failed ", 100000)) + `"`
	for _, lim := range []indexer.QueryLimits{{}, {MaxBytes: MaxBytesCeiling, MaxTerms: MaxTermsCeiling}} {
		allocs := testing.AllocsPerRun(3, func() {
			_, err := ParseLimits(q, lim)
			var le *LimitError
			if !errors.As(err, &le) {
				t.Fatalf("ParseLimits(%d bytes, %+v) = %v, want a *LimitError", len(q), lim, err)
			}
		})
		// A refusal by size allocates only the error; one by terms
		// builds the phrase (at most MaxBytesCeiling) once.
		if allocs > 64 {
			t.Errorf("refusing the query made %.0f allocations", allocs)
		}
	}
	words := strings.TrimSpace(strings.Repeat("failed ", 200))
	_, err := ParseLimits(`"`+words+`"`, indexer.QueryLimits{MaxBytes: MaxBytesCeiling, MaxTerms: MaxTermsCeiling})
	if err != nil {
		t.Fatalf("200 words within the ceilings: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "*", "a b", `"x y" OR z`, `user.name:adm*`, `NOT (a OR -b:c)`,
		`source.port:[1 TO 2}`, `@timestamp:>=2026-01-10T10:00:00Z`, `f:(a OR "b c")`,
		`a\:b`, `x:"\"\\"`, `sluice.risk:<=-1.5`, `@timestamp:2026-01-10`, `f:>=*`,
		`"` + strings.Repeat("w ", 300) + `"`, strings.Repeat("a* ", 100),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// Small limits, so that the fuzzer reaches them: whatever the
		// input, a query within them costs no more, and one over them is
		// refused with where it went over.
		lim := indexer.QueryLimits{MaxBytes: 1 + len(s)%512, MaxTerms: 1 + len(s)%40}
		if n, err := ParseLimits(s, lim); err == nil {
			if len(s) > lim.MaxBytes || Terms(n) > lim.MaxTerms {
				t.Fatalf("ParseLimits(%q, %+v) accepted %d bytes, %d terms", s, lim, len(s), Terms(n))
			}
		} else if le := (*LimitError)(nil); errors.As(err, &le) {
			if le.Pos < 0 || le.Pos > len(s) || le.Got <= le.Max {
				t.Fatalf("ParseLimits(%q, %+v): bad %+v", s, lim, le)
			}
		}
		unlimited := indexer.QueryLimits{MaxBytes: math.MaxInt, MaxTerms: math.MaxInt}
		n, err := ParseLimits(s, unlimited)
		if err != nil {
			if !errors.Is(err, indexer.ErrBadQuery) {
				t.Fatalf("Parse(%q): error %v does not wrap ErrBadQuery", s, err)
			}
			var qe *Error
			if !errors.As(err, &qe) || qe.Pos < 0 || qe.Pos > len(s) {
				t.Fatalf("Parse(%q): bad error position in %v", s, err)
			}
			return
		}
		str := n.String()
		again, err := ParseLimits(str, unlimited)
		if err != nil {
			t.Fatalf("Parse(%q) = %q, which does not parse: %v", s, str, err)
		}
		if !reflect.DeepEqual(n, again) {
			t.Fatalf("Parse(%q) = %#v\nString %q parses to %#v", s, n, str, again)
		}
		if again.String() != str {
			t.Fatalf("String not stable: %q then %q", str, again.String())
		}
	})
}
