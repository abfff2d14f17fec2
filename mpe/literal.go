package mpe

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// requiredLiterals returns what every match of re must contain, as groups:
// each group is a set of strings of which a match contains at least one
// (a group of one is a plain required literal). They come from the runs of
// literal text of the expression's top-level concatenation and,
// recursively, of the parts every match goes through (groups, x+, x{n,}
// with n ≥ 1); an alternation gives a group when each of its branches has
// a required literal of its own. Optional parts and case-insensitive text
// give nothing, so the result is always safe to filter on: a line that has
// no member of some group cannot match.
func requiredLiterals(re *syntax.Regexp) [][]string {
	var out [][]string
	literalMode{maxAlt: maxAlternatives}.collect(re, &out)
	return out
}

// literalMode says how literals are collected: fold also takes
// case-insensitive ASCII text, lowercased (for a filter that lowercases
// what it looks in, see foldFilter); maxAlt caps an alternation's group.
type literalMode struct {
	fold   bool
	maxAlt int
}

// maxAlternatives caps the size of a group: an alternation of more
// branches than this is not worth selecting on.
const maxAlternatives = 16

func (lm literalMode) collect(re *syntax.Regexp, out *[][]string) {
	switch re.Op {
	case syntax.OpLiteral:
		if s, ok := lm.exact(re); ok && s != "" {
			*out = append(*out, []string{s})
		}
	case syntax.OpCapture, syntax.OpPlus:
		lm.collect(re.Sub[0], out)
	case syntax.OpRepeat:
		if re.Min >= 1 {
			lm.collect(re.Sub[0], out)
		}
	case syntax.OpConcat:
		// Adjacent exact parts join into one longer (more selective)
		// literal: `Accepted (?P<x>password) for` needs "Accepted password for".
		var run strings.Builder
		flush := func() {
			if run.Len() > 0 {
				*out = append(*out, []string{run.String()})
				run.Reset()
			}
		}
		for _, sub := range re.Sub {
			if s, ok := lm.exact(sub); ok {
				run.WriteString(s)
				continue
			}
			flush()
			lm.collect(sub, out)
		}
		flush()
	case syntax.OpAlternate:
		if len(re.Sub) > lm.maxAlt {
			return
		}
		// Each branch contributes its best group: the alternation
		// requires some branch, so some member of the union. A branch
		// with nothing to offer makes the whole alternation useless.
		var group []string
		for _, sub := range re.Sub {
			var branch [][]string
			if s, ok := lm.exact(sub); ok {
				if s == "" {
					return
				}
				branch = [][]string{{s}}
			} else {
				lm.collect(sub, &branch)
			}
			best := bestGroup(branch)
			if best == nil {
				return
			}
			group = append(group, best...)
		}
		if len(group) > 0 && len(group) <= lm.maxAlt {
			*out = append(*out, group)
		}
	}
}

// bestGroup returns the most selective of groups: the one whose shortest
// member is longest (a long plain literal beats a set of short
// alternatives). Nil when there is none.
func bestGroup(groups [][]string) []string {
	var best []string
	bestLen := 0
	for _, g := range groups {
		if l := shortest(g); l > bestLen || l == bestLen && len(g) < len(best) {
			best, bestLen = g, l
		}
	}
	return best
}

func shortest(g []string) int {
	n := -1
	for _, s := range g {
		if n < 0 || len(s) < n {
			n = len(s)
		}
	}
	return max(n, 0)
}

// exact is exactString, or in fold mode the one lowercase ASCII string
// re matches ignoring case.
func (lm literalMode) exact(re *syntax.Regexp) (string, bool) {
	if !lm.fold {
		return exactString(re)
	}
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			if r >= utf8.RuneSelf {
				return "", false
			}
		}
		return strings.ToLower(string(re.Rune)), true
	case syntax.OpEmptyMatch:
		return "", true
	case syntax.OpCharClass:
		// [Kk]: one letter either case (or one character).
		switch {
		case len(re.Rune) == 2 && re.Rune[0] == re.Rune[1] && re.Rune[0] < utf8.RuneSelf:
			return strings.ToLower(string(re.Rune[0])), true
		case len(re.Rune) == 4 && re.Rune[0] == re.Rune[1] && re.Rune[2] == re.Rune[3] &&
			re.Rune[2] < utf8.RuneSelf && unicode.ToLower(re.Rune[0]) == re.Rune[2]:
			return string(re.Rune[2]), true
		}
	case syntax.OpCapture:
		return lm.exact(re.Sub[0])
	case syntax.OpConcat:
		var b strings.Builder
		for _, sub := range re.Sub {
			s, ok := lm.exact(sub)
			if !ok {
				return "", false
			}
			b.WriteString(s)
		}
		return b.String(), true
	}
	return "", false
}

// exactString returns the one string re matches, if it matches exactly
// one (case-sensitively).
func exactString(re *syntax.Regexp) (string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return "", false
		}
		return string(re.Rune), true
	case syntax.OpEmptyMatch:
		return "", true
	case syntax.OpCharClass:
		if len(re.Rune) == 2 && re.Rune[0] == re.Rune[1] {
			return string(re.Rune[0]), true
		}
	case syntax.OpCapture:
		return exactString(re.Sub[0])
	case syntax.OpConcat:
		var b strings.Builder
		for _, sub := range re.Sub {
			s, ok := exactString(sub)
			if !ok {
				return "", false
			}
			b.WriteString(s)
		}
		return b.String(), true
	}
	return "", false
}

// maxLeading caps the literals leadingLiterals returns: each is looked for
// in the line before the regular expression runs.
const maxLeading = 8

// leadingLiterals returns strings one of which every match of re starts
// with, when there are several: re begins (possibly inside groups) with
// an alternation whose branches all begin with literal text. A search for
// re may then start at the first of them in the line. Since every path
// through re reads one of those literals first, no assertion (^, \b) is
// evaluated where the search starts, and the search of the rest of the
// line finds what a search of the whole line would. Nil when re has a
// literal prefix (Go's regexp skips to it itself), is case-insensitive
// there, or begins otherwise.
func leadingLiterals(re *regexp.Regexp) []string {
	if prefix, _ := re.LiteralPrefix(); prefix != "" {
		return nil
	}
	parsed, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return nil
	}
	lits := leading(parsed)
	if len(lits) < 2 || len(lits) > maxLeading {
		return nil
	}
	return lits
}

// leading returns the literals one of which every match of re starts
// with, or nil.
func leading(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpCapture:
		return leading(re.Sub[0])
	case syntax.OpConcat:
		if len(re.Sub) > 0 {
			return leading(re.Sub[0])
		}
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase == 0 && len(re.Rune) > 0 {
			return []string{string(re.Rune)}
		}
	case syntax.OpCharClass:
		if len(re.Rune) == 2 && re.Rune[0] == re.Rune[1] {
			return []string{string(re.Rune[0])}
		}
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			l := leading(sub)
			if l == nil {
				return nil
			}
			out = append(out, l...)
		}
		return out
	}
	return nil
}

// foldFilter is a cheap test a string passes whenever a regular
// expression can match it: the expression's required literals, taken
// ignoring case, must each have a member in the lowercased string. It
// spares conditions such as `event.url.matches("(?i)(union…select|…)")`
// the expression on the common string that holds none of them: with
// case-insensitive alternations Go's regexp costs microseconds a call.
type foldFilter struct {
	groups [][]string // lowercase ASCII
}

// maxFoldAlternatives caps a group of a condition's filter: one group of
// many short literals is still cheaper than the expression.
const maxFoldAlternatives = 64

// newFoldFilter returns the filter of pattern, or nil when it has no
// required literal (or does not parse).
func newFoldFilter(pattern string) *foldFilter {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	var groups [][]string
	literalMode{fold: true, maxAlt: maxFoldAlternatives}.collect(re.Simplify(), &groups)
	if len(groups) == 0 {
		return nil
	}
	return &foldFilter{groups: groups}
}

// mayMatch reports whether s has a member of every group, ignoring ASCII
// case. A string with other than ASCII may match through Unicode case
// folding (ſ, K): it always passes.
func (f *foldFilter) mayMatch(s string) bool {
	var buf [512]byte
	var lower string
	switch {
	case len(s) <= len(buf):
		b := buf[:len(s)]
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c >= utf8.RuneSelf {
				return true
			}
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b[i] = c
		}
		if len(b) > 0 {
			// b does not outlive this call: no copy.
			lower = unsafe.String(&b[0], len(b))
		}
	default:
		for i := 0; i < len(s); i++ {
			if s[i] >= utf8.RuneSelf {
				return true
			}
		}
		lower = strings.ToLower(s)
	}
	for _, g := range f.groups {
		found := false
		for _, m := range g {
			if strings.Contains(lower, m) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
