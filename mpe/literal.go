package mpe

import (
	"regexp"
	"regexp/syntax"
	"strings"
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
	collectLiterals(re, &out)
	return out
}

// maxAlternatives caps the size of a group: an alternation of more
// branches than this is not worth selecting on.
const maxAlternatives = 16

func collectLiterals(re *syntax.Regexp, out *[][]string) {
	switch re.Op {
	case syntax.OpLiteral:
		if s, ok := exactString(re); ok && s != "" {
			*out = append(*out, []string{s})
		}
	case syntax.OpCapture, syntax.OpPlus:
		collectLiterals(re.Sub[0], out)
	case syntax.OpRepeat:
		if re.Min >= 1 {
			collectLiterals(re.Sub[0], out)
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
			if s, ok := exactString(sub); ok {
				run.WriteString(s)
				continue
			}
			flush()
			collectLiterals(sub, out)
		}
		flush()
	case syntax.OpAlternate:
		if len(re.Sub) > maxAlternatives {
			return
		}
		// Each branch contributes its best group: the alternation
		// requires some branch, so some member of the union. A branch
		// with nothing to offer makes the whole alternation useless.
		var group []string
		for _, sub := range re.Sub {
			var branch [][]string
			if s, ok := exactString(sub); ok {
				if s == "" {
					return
				}
				branch = [][]string{{s}}
			} else {
				collectLiterals(sub, &branch)
			}
			best := bestGroup(branch)
			if best == nil {
				return
			}
			group = append(group, best...)
		}
		if len(group) > 0 && len(group) <= maxAlternatives {
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
