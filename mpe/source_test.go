package mpe

import (
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

func TestRawStrings(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want string // the value of attribute v
	}{
		{"plain", "v = `sshd\\[<pid>\\]`\n", `sshd\[<pid>\]`},
		{"quotes and templates", "v = `a \"b\" ${c} %{d} $e`\n", `a "b" ${c} %{d} $e`},
		{"backquote in a quoted string", "v = \"a`b\"\n", "a`b"},
		{"backquote in comments", "# `\n// `\n/* ` */\nv = `x`\n", "x"},
		{"heredoc", "v = <<EOT\na ` b\nEOT\n", "a ` b\n"},
		{"indented heredoc", "v = <<-EOT\n  a ` b\n  EOT\n", "a ` b\n"},
		{"interpolation with a string", "v = \"${\"`\"}x\"\n", "`x"},
		{"escaped dollar", "v = \"$${`}\"\n", "${`}"},
		{"object", "v = { a = `\\d` }[\"a\"]\n", `\d`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src, e := newSource("t.hcl", []byte(c.src))
			if e != nil {
				t.Fatal(e)
			}
			f, diags := hclsyntax.ParseConfig(src.text, "t.hcl", hcl.InitialPos)
			if diags.HasErrors() {
				t.Fatalf("%s\n%s", diags, src.text)
			}
			attrs, diags := f.Body.JustAttributes()
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			v, diags := attrs["v"].Expr.Value(nil)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			if v.AsString() != c.want {
				t.Errorf("value %q, want %q", v.AsString(), c.want)
			}
		})
	}
}

func TestSourcePositions(t *testing.T) {
	// Three inserted escapes on line 1 must not shift what follows.
	orig := "a = `\\\\\"x` # é\nb = 1\n"
	src, e := newSource("p.hcl", []byte(orig))
	if e != nil {
		t.Fatal(e)
	}
	if len(src.ins) != 3 {
		t.Fatalf("inserted %d bytes, want 3", len(src.ins))
	}
	f, diags := hclsyntax.ParseConfig(src.text, "p.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	attrs, _ := f.Body.JustAttributes()
	if p := src.pos(attrs["b"].Range.Start); p.Line != 2 || p.Column != 1 {
		t.Errorf("b at %d:%d, want 2:1", p.Line, p.Column)
	}
	r := attrs["a"].Expr.Range()
	if p := src.pos(r.Start); p.Line != 1 || p.Column != 5 {
		t.Errorf("a's value at %d:%d, want 1:5", p.Line, p.Column)
	}
	if p := src.pos(r.End); p.Column != 11 {
		t.Errorf("a's value ends at column %d, want 11", p.Column)
	}
	if w := src.within(r, "\\\\\"x", 3); w.Start.Column != 9 {
		t.Errorf("offset 3 of the raw string at column %d, want 9", w.Start.Column)
	}
}

func TestUnterminatedRawString(t *testing.T) {
	_, e := newSource("u.hcl", []byte("a = 1\nb = `abc\n`\n"))
	if e == nil || e.Error() != "u.hcl:2:5: a raw string opened with ` must be closed with ` on the same line" {
		t.Errorf("got %v", e)
	}
}
