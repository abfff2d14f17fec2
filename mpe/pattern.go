package mpe

import (
	"fmt"
	"strings"
)

// patternError is a problem at byte offset off of a rule's pattern.
type patternError struct {
	off int
	msg string
}

func (e *patternError) Error() string { return e.msg }

// expansion records where expandTags replaced a tag, to map offsets in
// the expanded expression back to the pattern as written.
type expansion struct {
	at, n   int // offset and length in the expanded expression
	src, sn int // offset and length of <tag> in the pattern
}

// originalOffset maps an offset of the expanded expression to the
// pattern: inside an expansion, to its <tag>.
func originalOffset(off int, exps []expansion) int {
	shift := 0
	for _, x := range exps {
		if off < x.at {
			break
		}
		if off < x.at+x.n {
			return x.src
		}
		shift += x.n - x.sn
	}
	return off - shift
}

// originalEnd maps an end offset of the expanded expression to the
// pattern: inside an expansion, to the end of its <tag>.
func originalEnd(end int, exps []expansion) int {
	shift := 0
	for _, x := range exps {
		if end <= x.at {
			break
		}
		if end < x.at+x.n {
			return x.src + x.sn
		}
		shift += x.n - x.sn
	}
	return end - shift
}

// expandTags replaces every <tag> of pattern with a named capture group
// holding the tag's regular expression: <sip> becomes (?P<sip>…).
//
// A '<' starts a tag only outside character classes, when it is not
// escaped (\<) and not the start of a group name ((?P<name> or (?<name>).
// A '<' not followed by an identifier and '>' is an ordinary character, so
// "a <= b" needs no escape; <word> where word is not a tag is an error, so
// a typo in a tag name is not silently matched as text.
func expandTags(pattern string, lib tagLibrary) (string, []expansion, error) {
	var exps []expansion
	var b strings.Builder
	b.Grow(len(pattern) * 2)
	inClass := false
	for i := 0; i < len(pattern); {
		c := pattern[i]
		switch {
		case c == '\\':
			end := min(i+2, len(pattern))
			b.WriteString(pattern[i:end])
			i = end
			continue
		case inClass:
			if c == '[' && strings.HasPrefix(pattern[i:], "[:") {
				// A POSIX class such as [:alpha:] inside a bracket.
				if j := strings.Index(pattern[i+2:], ":]"); j >= 0 {
					end := i + 2 + j + 2
					b.WriteString(pattern[i:end])
					i = end
					continue
				}
			}
			if c == ']' {
				inClass = false
			}
		case c == '[':
			inClass = true
			b.WriteByte(c)
			i++
			// A ']' right after '[' or '[^' is a literal, not the end.
			if i < len(pattern) && pattern[i] == '^' {
				b.WriteByte('^')
				i++
			}
			if i < len(pattern) && pattern[i] == ']' {
				b.WriteByte(']')
				i++
			}
			continue
		case c == '(' && (strings.HasPrefix(pattern[i:], "(?P<") || strings.HasPrefix(pattern[i:], "(?<")):
			end := strings.IndexByte(pattern[i:], '>')
			if end < 0 {
				end = len(pattern) - i - 1
			}
			b.WriteString(pattern[i : i+end+1])
			i += end + 1
			continue
		case c == '<':
			name, ok := tagAt(pattern[i:])
			if !ok {
				break
			}
			t, found := lib[name]
			if !found {
				msg := fmt.Sprintf("unknown tag <%s>", name)
				if s := closest(name, lib.names()); s != "" {
					msg += fmt.Sprintf(" (did you mean <%s>?)", s)
				}
				msg += `; define it with a tag block, or write \<` + name + `> to match the text literally`
				return "", nil, &patternError{off: i, msg: msg}
			}
			at := b.Len()
			b.WriteString("(?P<")
			b.WriteString(name)
			b.WriteByte('>')
			b.WriteString(t.pattern)
			b.WriteByte(')')
			exps = append(exps, expansion{at: at, n: b.Len() - at, src: i, sn: len(name) + 2})
			i += len(name) + 2
			continue
		}
		b.WriteByte(c)
		i++
	}
	return b.String(), exps, nil
}

// tagAt returns the identifier of a <name> at the start of s.
func tagAt(s string) (string, bool) {
	j := 1
	for j < len(s) && isIdentByte(s[j]) {
		j++
	}
	if j == 1 || j >= len(s) || s[j] != '>' || (s[1] >= '0' && s[1] <= '9') {
		return "", false
	}
	return s[1:j], true
}

// unclosedParen returns the offset of the first '(' of pattern that is
// never closed, or 0.
func unclosedParen(pattern string) int {
	var open []int
	inClass := false
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; {
		case c == '\\':
			i++
		case inClass:
			inClass = c != ']'
		case c == '[':
			inClass = true
			if strings.HasPrefix(pattern[i+1:], "]") || strings.HasPrefix(pattern[i+1:], "^]") {
				i += strings.IndexByte(pattern[i+1:], ']') + 1
			}
		case c == '(':
			open = append(open, i)
		case c == ')' && len(open) > 0:
			open = open[:len(open)-1]
		}
	}
	if len(open) == 0 {
		return 0
	}
	return open[0]
}
