package mpe

import (
	"regexp/syntax"
	"strings"
)

// requiredLiterals returns strings that every match of re contains: the
// runs of literal text of its top-level concatenation and, recursively, of
// the parts every match must go through (groups, x+, x{n,} with n ≥ 1).
// Alternations and optional parts contribute nothing, and neither do
// case-insensitive literals, so the result is always safe to filter on:
// a line that lacks one of them cannot match.
//
// The engine filters on the longest of them; the full MPE feeds all of
// them to one Aho-Corasick scan per line.
func requiredLiterals(re *syntax.Regexp) []string {
	var out []string
	collectLiterals(re, &out)
	return out
}

func collectLiterals(re *syntax.Regexp, out *[]string) {
	switch re.Op {
	case syntax.OpLiteral:
		if s, ok := exactString(re); ok && s != "" {
			*out = append(*out, s)
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
				*out = append(*out, run.String())
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
	}
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

// longest returns the longest of ss ("" for none).
func longest(ss []string) string {
	best := ""
	for _, s := range ss {
		if len(s) > len(best) {
			best = s
		}
	}
	return best
}
