package mpe

import (
	"path/filepath"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"

	"github.com/sluicehq/sluice/internal/corpus"
	"github.com/sluicehq/sluice/mpe/rematch"
)

func TestExpandTags(t *testing.T) {
	lib := newTagLibrary()
	cases := []struct {
		pattern, want string
		errAt         int // -1: no error
	}{
		{`sshd\[<pid>\]`, `sshd\[(?P<pid>\d+)\]`, -1},
		{`port <sport>`, `port (?P<sport>` + portPattern + `)`, -1},
		{`<login>@<domain>`, `(?P<login>\S+)@(?P<domain>[^\s\\/@]+)`, -1},
		// Not tags: escaped, in a class, a group name, not an identifier.
		{`\<html\>`, `\<html\>`, -1},
		{`[<login>]`, `[<login>]`, -1},
		{`[]<login>]`, `[]<login>]`, -1},
		{`[^]<x>]`, `[^]<x>]`, -1},
		{`[[:alpha:]<x>]`, `[[:alpha:]<x>]`, -1},
		{`(?P<login>\w+)`, `(?P<login>\w+)`, -1},
		{`(?<login>\w+)`, `(?<login>\w+)`, -1},
		{`a <= b < c`, `a <= b < c`, -1},
		{`<1x>`, `<1x>`, -1},
		{`<>`, `<>`, -1},
		{`x<`, `x<`, -1},
		{`trailing \`, `trailing \`, -1},
		// A tag after a class is a tag again.
		{`[a]<pid>`, `[a](?P<pid>\d+)`, -1},
		{`from <nosuchtag>`, ``, 5},
	}
	for _, c := range cases {
		got, _, err := expandTags(c.pattern, lib)
		if c.errAt >= 0 {
			pe, ok := err.(*patternError)
			if !ok || pe.off != c.errAt {
				t.Errorf("expandTags(%q): error %v, want one at offset %d", c.pattern, err, c.errAt)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("expandTags(%q) = %q, %v; want %q", c.pattern, got, err, c.want)
		}
	}
}

func TestOriginalOffsets(t *testing.T) {
	pattern := `a<pid>b<sport>c`
	expanded, exps, err := expandTags(pattern, newTagLibrary())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		in   string // a piece of expanded that maps back
		orig int
	}{{"a", 0}, {"b", 6}, {"c", 14}} {
		i := indexAfterTags(expanded, c.in)
		if got := originalOffset(i, exps); got != c.orig {
			t.Errorf("offset of %q: %d, want %d", c.in, got, c.orig)
		}
	}
	if got := originalOffset(3, exps); got != 1 {
		t.Errorf("an offset inside <pid>'s expansion maps to %d, want 1", got)
	}
	if got := originalEnd(len(expanded), exps); got != len(pattern) {
		t.Errorf("end maps to %d, want %d", got, len(pattern))
	}
}

// indexAfterTags finds a single-letter literal outside tag expansions.
func indexAfterTags(expanded, lit string) int {
	for i := range len(expanded) {
		if expanded[i:i+1] == lit && (i == 0 || expanded[i-1] == ')') {
			return i
		}
	}
	return -1
}

func TestBuiltinTagPatterns(t *testing.T) {
	lib := newTagLibrary()
	for _, name := range lib.names() {
		tg := lib[name]
		re, err := regexp.Compile(tg.pattern)
		if err != nil {
			t.Errorf("tag %s: %v", name, err)
			continue
		}
		if len(re.SubexpNames()) > 1 && slices.ContainsFunc(re.SubexpNames(), func(s string) bool { return s != "" }) {
			t.Errorf("tag %s has a named group", name)
		}
		if err := checkPath(tg.field); err != nil || reserved(tg.field) != "" {
			t.Errorf("tag %s writes %q", name, tg.field)
		}
	}
	full := func(name, s string) bool {
		return regexp.MustCompile(`^(?:` + lib[name].pattern + `)$`).MatchString(s)
	}
	for _, c := range []struct {
		tag, s string
		ok     bool
	}{
		{"sip", "192.0.2.1", true},
		{"sip", "2001:db8::1", true},
		{"sip", "::ffff:192.0.2.1", true},
		{"sip", "::", true},
		{"sip", "host.example.com", false},
		{"shost", "5.36.59.76.dsl.example.net", true},
		{"shost", "2001:db8::1", true},
		{"shost", "192.0.2.1", true},
		{"sport", "65535", true},
		{"sport", "123456", false},
		{"smac", "00:1a:2b:3c:4d:5e", true},
		{"hostname", "web-01.example.com", true},
		{"hostname", "-bad", false},
	} {
		if got := full(c.tag, c.s); got != c.ok {
			t.Errorf("<%s> on %q: %v, want %v", c.tag, c.s, got, c.ok)
		}
	}
}

func TestRequiredLiterals(t *testing.T) {
	cases := []struct {
		re   string
		want string // groups joined by "; ", members by "|"
	}{
		{`Accepted (?P<m>\S+) for`, "Accepted ;  for"},
		{`sshd\[(?P<pid>\d+)\]: x`, "sshd[; ]: x"},
		{`(?P<x>foo)bar`, "foobar"},
		{`a(?:b|c)d`, "a; d"},
		{`(?:abc)+x`, "abc; x"},
		{`(?:abc)+\d`, "abc"},
		{`(?:abc)?\d`, ""},
		{`(?i)accepted`, ""},
		{`x{2,}y`, "x; y"},
		{`.*`, ""},
		{`[a]b`, "ab"},
		// Alternations give groups: one of the branches' literals.
		{`(?:Accepted \S+|Failed \S+) for`, "Accepted |Failed ;  for"},
		{`(?:open(?:ed|ing) \d+|clos(?:ed|ing))`, "open|clos"},
		{`(?:foo|\d+)`, ""},
		{`(?:x(?:aaa|bbb)|yyy)`, "aaa|bbb|yyy"},
	}
	for _, c := range cases {
		re, err := syntax.Parse(c.re, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		var parts []string
		for _, g := range requiredLiterals(re) {
			parts = append(parts, strings.Join(g, "|"))
		}
		if got := strings.Join(parts, "; "); got != c.want {
			t.Errorf("requiredLiterals(%q) = %q, want %q", c.re, got, c.want)
		}
	}
}

func TestLeadingLiterals(t *testing.T) {
	for expr, want := range map[string]string{
		`(?:Expecting attribute|Failed to open) (\w+)`: "Expecting attribute,Failed to open",
		`(?P<x>error|warning): .*`:                     "error,warning",
		`(?:(?:ab|cd)|ef)x`:                            "ab,cd,ef",
		`(?:EXT[234]-fs error|XFS \()`:                 "EXT,XFS (",
		`sshd\[\d+\]: (?:a|b)`:                         "", // a literal prefix: regexp skips to it
		`(?:\bab|cd)`:                                  "", // an assertion first
		`(?i:abc|def)`:                                 "",
		`(?:ab|cd)?x`:                                  "",
		`^(?:ab|cd)`:                                   "",
		`(?:ab|\d+)`:                                   "",
		`(?:ab|)x`:                                     "",
	} {
		if got := strings.Join(leadingLiterals(regexp.MustCompile(expr)), ","); got != want {
			t.Errorf("%s: leading literals %q, want %q", expr, got, want)
		}
	}
}

// A rule's search that starts at its leading literals finds what a search
// of the whole line does, on every corpus and test line.
func TestFindStartsWhereRegexpWould(t *testing.T) {
	rs := starterRules(t)
	var lines []string
	for _, s := range corpus.Sources() {
		files, _ := filepath.Glob(filepath.Join(corpusDir, s.Glob))
		for _, f := range files {
			for _, l := range corpusLines(t, f) {
				lines = append(lines, string(l))
			}
		}
	}
	starts := 0
	for _, r := range rs.rules {
		for _, tc := range r.tests {
			lines = append(lines, tc.log)
		}
	}
	for _, r := range rs.rules {
		if r.re == nil || r.starts == nil {
			continue
		}
		starts++
		for i, l := range lines {
			if i%4 != 0 && !slices.ContainsFunc(r.starts, func(s string) bool { return strings.Contains(l, s) }) {
				continue // a sample of the lines it cannot match keeps the test quick
			}
			if got, want := r.find(l, nil), r.re.FindStringSubmatchIndex(l); !slices.Equal(got, want) {
				t.Fatalf("rule %s on %q: %v, regexp finds %v", r.name, l, got, want)
			}
		}
	}
	if starts == 0 {
		t.Fatal("no rule of the starter set has leading literals; the test tests nothing")
	}
	t.Logf("%d rules × %d lines", starts, len(lines))
}

// The engine's searches (package rematch) find what regexp finds, for
// every rule and header pattern of the starter set, on samples of the
// corpus lines of the rule's types and of the other lines and test lines
// (all of them take a minute under the race detector).
func TestSearchesAsRegexpDoes(t *testing.T) {
	rs := starterRules(t)
	byType := map[string][]string{}
	var all []string
	for _, s := range corpus.Sources() {
		files, _ := filepath.Glob(filepath.Join(corpusDir, s.Glob))
		for _, f := range files {
			for _, l := range corpusLines(t, f) {
				byType[s.Type] = append(byType[s.Type], string(l))
				all = append(all, string(l))
			}
		}
	}
	for _, r := range rs.rules {
		for _, tc := range r.tests {
			all = append(all, tc.log)
		}
	}
	var dst []int
	check := func(what string, m *rematch.Regexp, re *regexp.Regexp, l string) {
		t.Helper()
		got, want := m.FindStringSubmatchIndex(l, dst), re.FindStringSubmatchIndex(l)
		if !slices.Equal(got, want) || (got == nil) != (want == nil) {
			t.Fatalf("%s on %q: %v, regexp finds %v", what, l, got, want)
		}
		if got != nil {
			dst = got
		}
	}
	searched := 0
	for _, r := range rs.rules {
		if r.re == nil {
			continue
		}
		for _, typ := range r.types {
			for i := len(r.name) % 5; i < len(byType[typ]); i += 5 {
				check("rule "+r.name, r.m, r.re, byType[typ][i])
				searched++
			}
		}
		for i := len(r.name) % 64; i < len(all); i += 64 {
			check("rule "+r.name, r.m, r.re, all[i])
			searched++
		}
	}
	for name, typ := range rs.types {
		if typ.headerRE == nil {
			continue
		}
		for _, l := range byType[name] {
			check("header_pattern of "+name, typ.headerM, typ.headerRE, l)
			searched++
		}
		for i := 0; i < len(all); i += 8 {
			check("header_pattern of "+name, typ.headerM, typ.headerRE, all[i])
			searched++
		}
	}
	t.Logf("%d searches", searched)
}
