package mpe

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/zclconf/go-cty/cty"
)

// attr parses src as a rule file and returns the value of its attribute v.
func attr(t *testing.T, src string) string {
	t.Helper()
	body, errs := newSource("t.hcl", []byte(src)).parse()
	if len(errs) > 0 {
		t.Fatalf("%s\n%s", errs, src)
	}
	attrs, diags := body.JustAttributes()
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	v, diags := attrs["v"].Expr.Value(nil)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return v.AsString()
}

func TestStrings(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want string // the value of attribute v
	}{
		{"quoted", `v = "sshd\\[<pid>\\]: \"x\" $${y} %%{z}"` + "\n", `sshd\[<pid>\]: "x" ${y} %{z}`},
		{"backquote in a quoted string", "v = \"a`b\"\n", "a`b"},
		{"backquote in comments", "# `\n// `\n/* ` */\nv = \"x\"\n", "x"},
		{"heredoc: the last line break is not part of it", "v = <<RE\nsshd\\[<pid>\\] \"x\"\nRE\n", `sshd\[<pid>\] "x"`},
		{"flush heredoc", "v = <<-RE\n    a ` \\d\n  RE\n", "a ` \\d"},
		{"flush heredoc, two lines", "v = <<-EOT\n    a\n      b\n    EOT\n", "a\n  b"},
		{"heredoc ending in a blank line", "v = <<-EOT\n  a\n\n  EOT\n", "a\n"},
		{"empty heredoc", "v = <<-EOT\nEOT\n", ""},
		{"heredoc in an object", "v = { a = <<-RE\n  \\d\n  RE\n}[\"a\"]\n", `\d`},
		{"heredoc with an escaped template", "v = <<-RE\n  $${x}\n  RE\n", "${x}"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := attr(t, c.src); got != c.want {
				t.Errorf("value %q, want %q", got, c.want)
			}
		})
	}
}

func TestBackquotes(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want string
	}{{
		"needs escapes",
		"rule \"r\" {\n  pattern = `sshd\\[<pid>\\]: \"x\"`\n  b = 1\n}\n",
		`t.hcl:2:13: HCL has no backquoted strings: write "sshd\\[<pid>\\]: \"x\"" (in quotes \ and " are escaped), or a heredoc, where nothing is: <<-RE, the text on a line of its own, RE (docs/rules.md, "Strings")`,
	}, {
		"a condition",
		"sub_rule \"r\" {\n  when = `event.login == \"root\" && event.sport > 1023`\n}\n",
		`t.hcl:2:10: HCL has no backquoted strings: write "event.login == \"root\" && event.sport > 1023" (in quotes \ and " are escaped), or a heredoc, where nothing is: <<-CEL, the text on a line of its own, CEL (docs/rules.md, "Strings")`,
	}, {
		"needs none",
		"rule \"r\" {\n  pattern = `Accepted <method>` # é\n}\n",
		`t.hcl:2:13: HCL has no backquoted strings: write "Accepted <method>"`,
	}, {
		"starts with a space",
		"v = ` \\d`\n",
		`t.hcl:1:5: HCL has no backquoted strings: write " \\d" (in quotes \ and " are escaped; docs/rules.md, "Strings")`,
	}, {
		"two on a line",
		"a = [`x`, `y\\d`]\n",
		`t.hcl:1:6: HCL has no backquoted strings: write "x"` + "\n" +
			`t.hcl:1:11: HCL has no backquoted strings: write "y\\d" (in quotes \ and " are escaped), or a heredoc, where nothing is: <<-EOT, the text on a line of its own, EOT (docs/rules.md, "Strings")`,
	}, {
		"among other errors",
		"a = 1 +\nb = `x`\n",
		`t.hcl:1:8: Invalid expression: Expected the start of an expression, but found an invalid expression token.` + "\n" +
			`t.hcl:2:5: HCL has no backquoted strings: write "x"`,
	}, {
		"not closed on its line",
		"a = 1\nb = `abc\n`\n",
		`t.hcl:2:5: HCL has no backquoted strings: write the string in double quotes, with \ and " escaped as \\ and \", or as a heredoc, where nothing is escaped (docs/rules.md, "Strings")`,
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, errs := newSource("t.hcl", []byte(c.src)).parse()
			if errs.Error() != c.want {
				t.Errorf("got\n%s\nwant\n%s", errs, c.want)
			}
		})
	}
}

// TestWithin checks that an offset into a string's value is reported where
// the file spells it, through escapes and heredoc indentation.
func TestWithin(t *testing.T) {
	cases := []struct {
		name string
		src  string // ^ marks where value[off] is written; none: the literal's start
		off  int
	}{
		{"plain", `v = "abc^def"`, 3},
		{"end", `v = "abc^"`, 3},
		{"escapes", `v = "\\\"x^y"`, 3},
		{"unicode escape", `v = "\u00e9x^y"`, 3},
		{"an escape", `v = "a^\\b"`, 1},
		{"inside an escape", `v = "a^$${b}"`, 2},
		{"escaped template", `v = "$${a}^b"`, 4},
		{"after a placeholder", `v = "${"a"}b"`, 1},
		{"heredoc", "v = <<-RE\n    ab^c\n  RE", 2},
		{"heredoc, second line", "v = <<-RE\n    ab\n      c^d\n  RE", 6},
		{"heredoc, not flush", "v = <<RE\n  ab^c\nRE", 4},
		{"heredoc, the end", "v = <<-RE\n  abc^\n  RE", 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := strings.Replace(c.src, "^", "", 1) + "\n"
			s := newSource("t.hcl", []byte(src))
			body, errs := s.parse()
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			attrs, _ := body.JustAttributes()
			expr := attrs["v"].Expr
			v, diags := expr.Value(nil)
			var value string
			if !diags.HasErrors() {
				value = v.AsString()
			}
			want := expr.Range().Start
			if i := strings.Index(c.src, "^"); i >= 0 {
				want = s.posAt(i)
			}
			got := s.within(expr.Range(), value, c.off).Start
			if got != want {
				t.Errorf("offset %d of %q at %d:%d, want %d:%d", c.off, value, got.Line, got.Column, want.Line, want.Column)
			}
		})
	}
}

// FuzzWithin writes a value as a quoted string and, when it can be one, as
// a heredoc, and checks that every offset of it is found in the file, in
// order, at the byte that spells it when that byte is not escaped.
func FuzzWithin(f *testing.F) {
	f.Add(`sshd\[<pid>\]: "x"`, uint8(2))
	f.Add("a${b}%{c}\u00e9\t\\", uint8(0))
	f.Add("", uint8(5))
	f.Fuzz(func(t *testing.T, v string, indent uint8) {
		// cty keeps strings in NFC, as it reads them; the check is quadratic.
		if !utf8.ValidString(v) || cty.StringVal(v).AsString() != v || len(v) > 256 {
			return
		}
		ind := strings.Repeat(" ", int(indent%8))
		srcs := []string{"v = " + quoteHCL(v) + "\n"}
		if heredocLine(v) {
			srcs = append(srcs, "v = <<-RE\n"+ind+"  "+v+"\n"+ind+"RE\n")
		}
		for _, src := range srcs {
			s := newSource("t.hcl", []byte(src))
			body, errs := s.parse()
			if len(errs) > 0 {
				t.Fatalf("%s\n%s", errs, src)
			}
			attrs, _ := body.JustAttributes()
			expr := attrs["v"].Expr
			got, diags := expr.Value(nil)
			if diags.HasErrors() || got.AsString() != v {
				t.Fatalf("%q reads back as %#v (%s)", src, got, diags)
			}
			prev := -1
			for off := 0; off <= len(v); off++ {
				at, ok := s.literalOffset(expr.Range().Start.Byte, v, off)
				if !ok {
					t.Fatalf("%q: offset %d not found", src, off)
				}
				if at < prev {
					t.Fatalf("%q: offset %d at byte %d, before offset %d's %d", src, off, at, off-1, prev)
				}
				if off < len(v) && at != prev && src[at] != v[off] && src[at] != '\\' && src[at] != '$' && src[at] != '%' {
					t.Fatalf("%q: offset %d (%q) at byte %d (%q)", src, off, v[off], at, src[at])
				}
				prev = at
			}
		}
	})
}
