package rematch

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// patterns are shapes the search handles each its own way: loops greedy
// and lazy over runes of every kind, loops whose body captures or
// branches, empty-width loops, assertions, case folding, non-ASCII.
var patterns = []string{
	`a`, `abc`, `a|b`, `a|ab|abc`, `(a)|(b)`, `^a`, `a$`, `^$`, `^`, `$`, ``,
	`a*`, `a+`, `a?`, `a*?`, `a+?`, `a??`, `a{2}`, `a{2,}`, `a{1,3}`, `a{0,2}?`,
	`.*`, `.+`, `.*?`, `.+?`, `(?s).*`, `(?s).*?b`, `.*b`, `.*?b`, `(.*):(.*)`, `(.*?):(.*)`,
	`\d+`, `\d+?`, `[^,]+,`, `[^,]*?,`, `\S+ \S+`, `\s*(\d+)\s*`, `\w+@\d+`, `[\w.$-]+@(\d+)`,
	`(?:(.*?):)?([\w.$-]+)@(\d+)\] - `, `\[(?:([^\]]*):)?([^\]]+)\]`,
	`(a*)*`, `(a*)+`, `(a|)+`, `(|a)*`, `(a*|b)*`, `(a+|b+)*c`, `(a|b)*c`, `(a|ab)(c|bcd)(d*)`,
	`((a)|b)+`, `(a)*`, `(a)+b`, `(?:(a)|(b))*`, `x(a*)*y`, `(a*)*?b`,
	`\bab\b`, `\Bb`, `b\b`, `^ab$`, `(?m)^b$`, `(?m)^`, `(?m)$`, `\Aa`, `a\z`, `(?m)a$\n^b`,
	`(?i)ab`, `(?i)é+`, `(?i)[a-c]+`, `(?i)K`, `é`, `é+`, `[é-ü]+`, `\pL+`, `\p{Greek}+`, `[^a]+`, `[^é]+`,
	`.`, `(?s).`, `[^\n]+`, `\x{FFFD}`, `[\x{FFFD}]+`, `a.c`, `a.*c`, `a.*?c`,
	`(\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})`, `(?:\d+\.){3}\d+`,
	`(?P<x>a+)(?P<y>b+)?`, `(?:(?P<id>0x[0-9a-f]+) )?at`, `a[^\x00-\x{10FFFF}]`, `a(?:[^\x00-\x{10FFFF}]|b)`,
	`(?U)a*b`, `(?U)(.+):(.*)`, `[[:alpha:]]+`, `\Qa.b\E`, `(?s)(.*?)b`, `(?i)abc+`, `(?i)ab{2,}c`,
	`x*?y*?z`, `(?:ab)*c`, `(?:ab)+?c`, `(?:abc|abd)e`, `a.b.c`, `ab(?:cd)?ef`, `(ab)(cd)?(ef)`,
}

// alphabet is what the texts are made of: ASCII the patterns use,
// separators, a newline, multi-byte runes and invalid UTF-8.
var alphabet = []string{"a", "b", "c", "x", "y", "0", "1", ".", ":", ",", "@", " ", "]", "[", "-", "\n", "é", "ü", "α", "K", "\xff", "\xe2\x82"}

func texts(r *rand.Rand, n int) []string {
	out := []string{"", "a", "ab", "abc", "aaa", "b", "ba", "1.2.3.4", "ab:cd@12] - x", "é", "\xff"}
	for range n {
		var b strings.Builder
		for range r.IntN(24) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		out = append(out, b.String())
	}
	return out
}

func check(t *testing.T, re *regexp.Regexp, x *Regexp, s string, dst []int) []int {
	t.Helper()
	want := re.FindStringSubmatchIndex(s)
	got := x.FindStringSubmatchIndex(s, dst)
	if !slices.Equal(got, want) || (got == nil) != (want == nil) {
		t.Fatalf("%q on %q: got %v, regexp finds %v", re, s, got, want)
	}
	return got
}

// TestMatchesRegexp compares the search with regexp's on every pattern
// and a few thousand texts.
func TestMatchesRegexp(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	ts := texts(r, 3000)
	var dst []int
	for _, p := range patterns {
		re := regexp.MustCompile(p)
		x := New(re)
		for _, s := range ts {
			if m := check(t, re, x, s, dst); m != nil {
				dst = m
			}
		}
	}
}

// TestRandomPatterns compares the search with regexp's on patterns put
// together at random from pieces that nest.
func TestRandomPatterns(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	atoms := []string{"a", "b", "é", ".", `\d`, `\w`, `\s`, "[^a]", "[ab]", "(?i:k)", "^", "$", `\b`, ":", "x"}
	ops := []string{"*", "+", "?", "*?", "+?", "??", "{1,2}", ""}
	var gen func(depth int) string
	gen = func(depth int) string {
		if depth == 0 || r.IntN(3) == 0 {
			return atoms[r.IntN(len(atoms))] + ops[r.IntN(len(ops))]
		}
		switch r.IntN(3) {
		case 0:
			return gen(depth-1) + gen(depth-1)
		case 1:
			return "(" + gen(depth-1) + "|" + gen(depth-1) + ")" + ops[r.IntN(len(ops))]
		}
		return "(?:" + gen(depth-1) + gen(depth-1) + ")" + ops[r.IntN(len(ops))]
	}
	ts := texts(r, 200)
	for range 1500 {
		p := gen(4)
		re, err := regexp.Compile(p)
		if err != nil {
			continue
		}
		x := New(re)
		for _, s := range ts {
			check(t, re, x, s, nil)
		}
	}
}

// TestLongText checks a text longer than the visited bits allow: it is
// left to regexp.
func TestLongText(t *testing.T) {
	re := regexp.MustCompile(`(a+)(b+)$`)
	x := New(re)
	s := strings.Repeat("xa", x.maxLen) + "aab"
	if len(s) <= x.maxLen {
		t.Fatal("text not long enough")
	}
	check(t, re, x, s, nil)
}

// TestDstReused checks that the result goes into dst when it is large
// enough.
func TestDstReused(t *testing.T) {
	x := New(regexp.MustCompile(`(a)(b)?`))
	dst := make([]int, 0, 8)
	m := x.FindStringSubmatchIndex("xa", dst)
	if !slices.Equal(m, []int{1, 2, 1, 2, -1, -1}) || &m[0] != &dst[:1][0] {
		t.Fatalf("got %v", m)
	}
}

func FuzzMatchesRegexp(f *testing.F) {
	for i, p := range patterns {
		f.Add(p, alphabet[i%len(alphabet)]+"ab:c@1] - x")
	}
	f.Fuzz(func(t *testing.T, p, s string) {
		re, err := regexp.Compile(p)
		if err != nil {
			return
		}
		check(t, re, New(re), s, nil)
	})
}
