package mpe

import (
	"sort"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"

	"github.com/sluicehq/sluice/pkg/hclconf"
)

// source is one rule file: the bytes as the author wrote them, and the
// bytes the HCL parser reads.
//
// HCL has no raw strings, and a regular expression in an HCL quoted string
// needs every backslash doubled (`\[` is an invalid escape there) and every
// "${" escaped. Rule files therefore may write single-line raw strings in
// backquotes, as in Go: pattern = `sshd\[<pid>\]`. Before parsing, each raw
// string is rewritten into an equivalent quoted string; the rewrite inserts
// bytes, and source maps every position the parser reports back to the
// file as written, so errors point where the author looks.
type source struct {
	name  string
	orig  []byte
	text  []byte
	ins   []int // offsets in text of inserted bytes, ascending
	lines []int // offsets in orig where each line starts
}

func newSource(name string, orig []byte) (*source, *hclconf.Error) {
	s := &source{name: name, orig: orig, lines: []int{0}}
	for i, c := range orig {
		if c == '\n' {
			s.lines = append(s.lines, i+1)
		}
	}
	text, ins, errAt := rewriteRawStrings(orig)
	if errAt >= 0 {
		p := s.posAt(errAt)
		return nil, hclconf.Errorf(hcl.Range{Filename: name, Start: p, End: p},
			"a raw string opened with ` must be closed with ` on the same line")
	}
	s.text, s.ins = text, ins
	return s, nil
}

// posAt returns the position of byte offset b of the original file.
func (s *source) posAt(b int) hcl.Pos {
	b = max(0, min(b, len(s.orig)))
	line := sort.Search(len(s.lines), func(i int) bool { return s.lines[i] > b }) - 1
	return hcl.Pos{Line: line + 1, Column: 1 + utf8.RuneCount(s.orig[s.lines[line]:b]), Byte: b}
}

// pos maps a position in the rewritten text back to the original file.
func (s *source) pos(p hcl.Pos) hcl.Pos {
	shift := sort.SearchInts(s.ins, p.Byte) // inserted bytes before p.Byte
	return s.posAt(p.Byte - shift)
}

// rng maps a range in the rewritten text back to the original file.
func (s *source) rng(r hcl.Range) hcl.Range {
	return hcl.Range{Filename: s.name, Start: s.pos(r.Start), End: s.pos(r.End)}
}

// errorf makes an error at r, a range the parser reported.
func (s *source) errorf(r hcl.Range, format string, args ...any) *hclconf.Error {
	return hclconf.Errorf(s.rng(r), format, args...)
}

// diags converts HCL diagnostics about this file into errors at original
// positions.
func (s *source) diags(ds hcl.Diagnostics) hclconf.Errors {
	for _, d := range ds {
		if d.Subject != nil && d.Subject.Filename == s.name {
			r := s.rng(*d.Subject)
			d.Subject = &r
		}
	}
	return hclconf.FromDiagnostics(ds)
}

// within returns the position of value[off:], where value is the string
// literal whose value range the parser reported as r. It is exact when the
// literal is written so that its bytes map one to one onto its value (a
// raw string, or a quoted string without escapes before off) and on one
// line; otherwise it falls back to the start of the literal.
func (s *source) within(r hcl.Range, value string, off int) hcl.Range {
	start := s.pos(r.Start)
	b := start.Byte
	off = max(0, min(off, len(value)))
	if b < len(s.orig) && (s.orig[b] == '`' || s.orig[b] == '"') {
		end := b + 1 + off
		if end <= len(s.orig) && string(s.orig[b+1:end]) == value[:off] {
			p := s.posAt(end)
			if p.Line == start.Line {
				return hcl.Range{Filename: s.name, Start: p, End: p}
			}
		}
	}
	return hcl.Range{Filename: s.name, Start: start, End: start}
}

// errorWithin makes an error at value[off:] of the literal at r.
func (s *source) errorWithin(r hcl.Range, value string, off int, format string, args ...any) *hclconf.Error {
	return hclconf.Errorf(s.within(r, value, off), format, args...)
}

// scanner states for rewriteRawStrings.
const (
	inExpr   = iota // HCL expression (top level or inside ${ … })
	inQuoted        // "…" template
)

// rewriteRawStrings turns every backquoted raw string outside strings,
// heredocs and comments into an HCL quoted string with the same value. It
// returns the new text, the offsets of the bytes it inserted, and the
// offset of an unterminated raw string (or -1).
func rewriteRawStrings(src []byte) (out []byte, ins []int, errAt int) {
	type frame struct{ state, depth int }
	stack := []frame{{state: inExpr}}
	out = make([]byte, 0, len(src)+64)
	for i := 0; i < len(src); {
		top := &stack[len(stack)-1]
		c := src[i]
		if top.state == inQuoted {
			switch {
			case c == '\\' && i+1 < len(src):
				out = append(out, src[i:i+2]...)
				i += 2
			case c == '"', c == '\n':
				// A newline ends the string for our purposes; the parser
				// reports the unterminated string itself.
				stack = stack[:len(stack)-1]
				out = append(out, c)
				i++
			case (c == '$' || c == '%') && i+2 < len(src) && src[i+1] == c && src[i+2] == '{':
				out = append(out, src[i:i+3]...) // $${ is a literal "${"
				i += 3
			case (c == '$' || c == '%') && i+1 < len(src) && src[i+1] == '{':
				stack = append(stack, frame{state: inExpr})
				out = append(out, c, '{')
				i += 2
			default:
				out = append(out, c)
				i++
			}
			continue
		}
		switch {
		case c == '"':
			stack = append(stack, frame{state: inQuoted})
			out = append(out, c)
			i++
		case c == '#' || (c == '/' && i+1 < len(src) && src[i+1] == '/'):
			j := indexFrom(src, i, '\n')
			out = append(out, src[i:j]...)
			i = j
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			j := len(src)
			for k := i + 2; k+1 < len(src); k++ {
				if src[k] == '*' && src[k+1] == '/' {
					j = k + 2
					break
				}
			}
			out = append(out, src[i:j]...)
			i = j
		case c == '<' && i+1 < len(src) && src[i+1] == '<':
			j := skipHeredoc(src, i)
			out = append(out, src[i:j]...)
			i = j
		case c == '{':
			top.depth++
			out = append(out, c)
			i++
		case c == '}':
			if top.depth == 0 && len(stack) > 1 {
				stack = stack[:len(stack)-1] // end of ${ … }
			} else if top.depth > 0 {
				top.depth--
			}
			out = append(out, c)
			i++
		case c == '`':
			j := i + 1
			for j < len(src) && src[j] != '`' && src[j] != '\n' {
				j++
			}
			if j >= len(src) || src[j] != '`' {
				return nil, nil, i
			}
			out = append(out, '"')
			for k := i + 1; k < j; k++ {
				b := src[k]
				switch {
				case b == '\\' || b == '"':
					ins = append(ins, len(out))
					out = append(out, '\\')
				case (b == '$' || b == '%') && k+1 < j && src[k+1] == '{':
					ins = append(ins, len(out))
					out = append(out, b)
				}
				out = append(out, b)
			}
			out = append(out, '"')
			i = j + 1
		default:
			out = append(out, c)
			i++
		}
	}
	return out, ins, -1
}

// indexFrom returns the offset of the first c at or after i, or len(src).
func indexFrom(src []byte, i int, c byte) int {
	for ; i < len(src); i++ {
		if src[i] == c {
			return i
		}
	}
	return len(src)
}

// skipHeredoc returns the offset just past the heredoc starting at i (at
// "<<"), or i+2 when what follows is not a heredoc introducer.
func skipHeredoc(src []byte, i int) int {
	j := i + 2
	if j < len(src) && src[j] == '-' {
		j++
	}
	k := j
	for k < len(src) && (isIdentByte(src[k]) || (k > j && src[k] == '-')) {
		k++
	}
	if k == j || k >= len(src) || (src[k] != '\n' && src[k] != '\r') {
		return i + 2
	}
	marker := string(src[j:k])
	for line := indexFrom(src, k, '\n') + 1; line < len(src); {
		end := indexFrom(src, line, '\n')
		if trimSpace(src[line:end]) == marker {
			return end
		}
		line = end + 1
	}
	return len(src)
}

func isIdentByte(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

func trimSpace(b []byte) string {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return string(b)
}
