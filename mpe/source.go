package mpe

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/sluicehq/sluice/pkg/hclconf"
)

// source is one rule file, as the author wrote it. Rule files are plain
// HCL, read by the stock native-syntax parser; source adds what Sluice
// does with the parse: errors that point into a string literal (the
// character of a pattern a regular expression error is about), an error
// that says how to write what an older Sluice accepted in backquotes, and
// the one rule of its own, that a heredoc's last line break is not part
// of its value (see parse).
type source struct {
	name  string
	text  []byte
	lines []int // offsets in text where each line starts
}

func newSource(name string, text []byte) *source {
	s := &source{name: name, text: text, lines: []int{0}}
	for i, c := range text {
		if c == '\n' {
			s.lines = append(s.lines, i+1)
		}
	}
	return s
}

// parse parses the file with hclsyntax. Strings written as heredocs lose
// their final line break: a pattern, a condition or a test's log line is
// one line, and a heredoc is the way to write one without escapes:
//
//	pattern = <<-RE
//	  sshd\[<pid>\]: Accepted
//	RE
//
// is "sshd\\[<pid>\\]: Accepted", not "…Accepted\n".
func (s *source) parse() (*hclsyntax.Body, hclconf.Errors) {
	f, diags := hclsyntax.ParseConfig(s.text, s.name, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, s.parseErrors(diags)
	}
	body := f.Body.(*hclsyntax.Body)
	hclsyntax.VisitAll(body, func(n hclsyntax.Node) hcl.Diagnostics {
		t, ok := n.(*hclsyntax.TemplateExpr)
		if !ok || len(t.Parts) == 0 || !bytes.HasPrefix(s.text[min(t.SrcRange.Start.Byte, len(s.text)):], []byte("<<")) {
			return nil
		}
		if lit, ok := t.Parts[len(t.Parts)-1].(*hclsyntax.LiteralValueExpr); ok && lit.Val.Type() == cty.String && lit.Val.IsKnown() && !lit.Val.IsNull() {
			lit.Val = cty.StringVal(strings.TrimSuffix(lit.Val.AsString(), "\n"))
		}
		return nil
	})
	return body, nil
}

// parseErrors converts the parser's diagnostics into errors. A backquote
// the parser stumbled on is a string written as older Sluice versions
// allowed (`sshd\[<pid>\]`); it gets one error that shows how to write
// it now, and the parser's other complaints about that line are dropped.
func (s *source) parseErrors(ds hcl.Diagnostics) hclconf.Errors {
	var errs hclconf.Errors
	explained := map[int]bool{} // lines with a backquote error
	end := -1                   // just past the last backquoted string explained
	for _, d := range ds {
		if d.Severity != hcl.DiagError || d.Subject == nil || d.Subject.Filename != s.name {
			continue
		}
		b := d.Subject.Start.Byte
		if b < 0 || b >= len(s.text) || s.text[b] != '`' || b < end {
			continue
		}
		lineEnd := indexFrom(s.text, b, '\n')
		end = lineEnd
		if c := bytes.IndexByte(s.text[b+1:lineEnd], '`'); c >= 0 {
			end = b + 1 + c + 1
		}
		explained[d.Subject.Start.Line] = true
		lineStart := bytes.LastIndexByte(s.text[:b], '\n') + 1
		errs = append(errs, hclconf.Errorf(*d.Subject, "%s", backquoteHelp(s.text[b:end], s.text[lineStart:b])))
	}
	for _, e := range hclconf.FromDiagnostics(ds) {
		if e.File != s.name || !explained[e.Line] {
			errs = append(errs, e)
		}
	}
	sort.SliceStable(errs, func(i, j int) bool {
		return errs[i].Line < errs[j].Line || (errs[i].Line == errs[j].Line && errs[i].Col < errs[j].Col)
	})
	return errs
}

// backquoteHelp says how to write raw, a backquoted string (with its
// backquotes, or only the opening one when it is not closed on its line),
// in HCL. before is the text of its line before it.
func backquoteHelp(raw, before []byte) string {
	const intro = "HCL has no backquoted strings"
	const ref = `(docs/rules.md, "Strings")`
	if len(raw) < 2 || raw[len(raw)-1] != '`' {
		return intro + `: write the string in double quotes, with \ and " escaped as \\ and \", or as a heredoc, where nothing is escaped ` + ref
	}
	v := string(raw[1 : len(raw)-1])
	q := quoteHCL(v)
	switch {
	case len(q) == len(v)+2:
		return fmt.Sprintf("%s: write %s", intro, q)
	case !heredocLine(v):
		return fmt.Sprintf(`%s: write %s (in quotes \ and " are escaped; docs/rules.md, "Strings")`, intro, q)
	}
	marker := "EOT"
	if m := attrBefore.FindSubmatch(before); m != nil {
		switch string(m[1]) {
		case "pattern", "header_pattern":
			marker = "RE"
		case "when":
			marker = "CEL"
		case "log":
			marker = "LOG"
		}
	}
	return fmt.Sprintf(`%s: write %s (in quotes \ and " are escaped), or a heredoc, where nothing is: <<-%s, the text on a line of its own, %s %s`, intro, q, marker, marker, ref)
}

// attrBefore matches the start of a line that assigns an attribute.
var attrBefore = regexp.MustCompile(`(?:^|[{\s])([A-Za-z_][\w-]*)\s*=\s*$`)

// quoteHCL returns v as an HCL quoted string, escaped as hclwrite does.
func quoteHCL(v string) string {
	return string(hclwrite.TokensForValue(cty.StringVal(v)).Bytes())
}

// heredocLine reports whether a one-line <<- heredoc holds v as it is. A
// flush heredoc removes leading space (and a mark that combines with it),
// an editor trailing space; ${ would need escaping there too.
func heredocLine(v string) bool {
	if v == "" || v != strings.TrimFunc(v, unicode.IsSpace) || strings.Contains(v, "${") || strings.Contains(v, "%{") {
		return false
	}
	for _, r := range v {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	f, diags := hclsyntax.ParseConfig([]byte("v = <<-RE\n  "+v+"\nRE\n"), "", hcl.InitialPos)
	if diags.HasErrors() {
		return false
	}
	attrs, diags := f.Body.JustAttributes()
	if diags.HasErrors() || attrs["v"] == nil {
		return false
	}
	got, diags := attrs["v"].Expr.Value(nil)
	return !diags.HasErrors() && got.Type() == cty.String && got.AsString() == v+"\n"
}

// posAt returns the position of byte offset b of the file.
func (s *source) posAt(b int) hcl.Pos {
	b = max(0, min(b, len(s.text)))
	line := sort.Search(len(s.lines), func(i int) bool { return s.lines[i] > b }) - 1
	return hcl.Pos{Line: line + 1, Column: 1 + utf8.RuneCount(s.text[s.lines[line]:b]), Byte: b}
}

// errorf makes an error at r, a range in this file.
func (s *source) errorf(r hcl.Range, format string, args ...any) *hclconf.Error {
	return hclconf.Errorf(r, format, args...)
}

// diags converts HCL diagnostics about this file into errors.
func (s *source) diags(ds hcl.Diagnostics) hclconf.Errors {
	return hclconf.FromDiagnostics(ds)
}

// within returns the position of value[off:], where value is the string
// literal whose value range the parser reported as r: a quoted string
// (escapes are followed) or a heredoc (its indentation is skipped). When
// the literal's text cannot be followed that far (a ${…} placeholder
// before off), it is the start of the literal.
func (s *source) within(r hcl.Range, value string, off int) hcl.Range {
	off = max(0, min(off, len(value)))
	if b, ok := s.literalOffset(r.Start.Byte, value, off); ok {
		p := s.posAt(b)
		return hcl.Range{Filename: s.name, Start: p, End: p}
	}
	return hcl.Range{Filename: s.name, Start: r.Start, End: r.Start}
}

// errorWithin makes an error at value[off:] of the literal at r.
func (s *source) errorWithin(r hcl.Range, value string, off int, format string, args ...any) *hclconf.Error {
	return hclconf.Errorf(s.within(r, value, off), format, args...)
}

// literalOffset returns the offset in the file of the byte that gives
// value[off], for the literal starting at byte b. ok is false when the
// literal is neither a quoted string nor a heredoc, or its text does not
// spell value[:off].
func (s *source) literalOffset(b int, value string, off int) (int, bool) {
	t := s.text
	if b < 0 || b >= len(t) {
		return 0, false
	}
	if t[b] == '"' {
		at, _, found := follow(t[b+1:indexFrom(t, b, '\n')], value, off, true)
		return b + 1 + at, found
	}
	if !bytes.HasPrefix(t[b:], []byte("<<")) {
		return 0, false
	}
	i := b + 2
	flush := i < len(t) && t[i] == '-'
	if flush {
		i++
	}
	j := i
	for j < len(t) && (isIdentByte(t[j]) || (j > i && t[j] == '-')) {
		j++
	}
	marker := string(t[i:j])
	if marker == "" || j >= len(t) || (t[j] != '\n' && t[j] != '\r') {
		return 0, false
	}
	// The content lines, and the indentation a flush heredoc removes from
	// those that are not blank: the least of theirs.
	var lines [][2]int // start, end (just past the line break)
	indent := -1
	for ls := indexFrom(t, j, '\n') + 1; ls < len(t); {
		le := indexFrom(t, ls, '\n')
		line := string(t[ls:le])
		if strings.TrimSpace(line) == marker {
			break
		}
		lines = append(lines, [2]int{ls, min(le+1, len(t))})
		if trimmed := strings.TrimLeftFunc(line, unicode.IsSpace); trimmed != "" {
			if n := utf8.RuneCountInString(line[:len(line)-len(trimmed)]); indent < 0 || n < indent {
				indent = n
			}
		}
		ls = le + 1
	}
	n := 0 // bytes of value spelt by the lines before
	for _, l := range lines {
		ls, le := l[0], l[1]
		if flush && strings.TrimSpace(string(t[ls:le])) != "" {
			for k := 0; k < indent && ls < le; k++ {
				_, size := utf8.DecodeRune(t[ls:le])
				ls += size
			}
		}
		at, spelt, found := follow(t[ls:le], value[n:], off-n, false)
		if found {
			return ls + at, true
		}
		if spelt < 0 {
			return 0, false
		}
		n += spelt
	}
	return 0, false
}

// follow reads lit, the text of a string literal (quoted: with escapes,
// up to its closing quote; else a heredoc line), along value. found: at
// is the offset in lit of what gives value[off]. Otherwise spelt is how
// many bytes of value lit spells, or -1 when it does not spell value.
func follow(lit []byte, value string, off int, quoted bool) (at, spelt int, found bool) {
	n := 0
	for i := 0; i < len(lit); {
		if n >= off {
			return i, n, true
		}
		c := lit[i]
		piece, width := lit[i:i+1], 1
		switch {
		case quoted && c == '"':
			return 0, -1, false
		case quoted && c == '\\' && i+1 < len(lit):
			width = 2
			switch e := lit[i+1]; e {
			case 'n':
				piece = []byte("\n")
			case 'r':
				piece = []byte("\r")
			case 't':
				piece = []byte("\t")
			case '"', '\\':
				piece = lit[i+1 : i+2]
			case 'u', 'U':
				width = 6
				if e == 'U' {
					width = 10
				}
				if i+width > len(lit) {
					return 0, -1, false
				}
				r, err := strconv.ParseUint(string(lit[i+2:i+width]), 16, 32)
				if err != nil {
					return 0, -1, false
				}
				piece = utf8.AppendRune(nil, rune(r))
			default:
				return 0, -1, false
			}
		case (c == '$' || c == '%') && i+2 < len(lit) && lit[i+1] == c && lit[i+2] == '{':
			piece, width = []byte{c, '{'}, 3 // $${ is a literal ${
		case (c == '$' || c == '%') && i+1 < len(lit) && lit[i+1] == '{':
			return 0, -1, false // a placeholder: the value is not this text
		}
		if !strings.HasPrefix(value[n:], string(piece)) {
			return 0, -1, false
		}
		if n+len(piece) > off {
			return i, n, true // off is inside what an escape gives
		}
		n += len(piece)
		i += width
	}
	if n >= off {
		return len(lit), n, true
	}
	return 0, n, false
}

// indexFrom returns the offset of the first c at or after i, or len(src).
func indexFrom(src []byte, i int, c byte) int {
	if k := bytes.IndexByte(src[min(i, len(src)):], c); k >= 0 {
		return i + k
	}
	return len(src)
}

func isIdentByte(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}
