package mpe

import (
	"math/big"
	"os"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/hclconf"
)

// Templates: alarm messages, webhook URLs, headers and payloads are text
// with ${event.<field>} placeholders, written as HCL templates
// ("Root logon on ${event.host.hostname}", or the same in a heredoc;
// $${ is a literal "${"). Fields resolve as in conditions (${event.login} is
// user.name) and must be fields the event can have; an absent field
// renders as "". In webhook URLs and headers, ${env.NAME} is the
// environment variable NAME, read at load: the way to keep a token out of
// rule files. Secrets are never logged.

// template is a compiled template: literal text and field placeholders.
type template struct {
	parts []tplPart
}

type tplPart struct {
	lit  string
	path string // a field; "" for literal text
}

// render expands the template for ev.
func (t *template) render(ev *event.Event) string {
	if t == nil {
		return ""
	}
	if len(t.parts) == 1 && t.parts[0].path == "" {
		return t.parts[0].lit
	}
	var b strings.Builder
	for _, p := range t.parts {
		if p.path == "" {
			b.WriteString(p.lit)
			continue
		}
		if v, ok := ev.Get(p.path); ok {
			b.WriteString(event.FormatValue(v))
		}
	}
	return b.String()
}

// field returns the one field of a template that is nothing but a
// placeholder ("${event.sluice.priority}"), so a payload can keep its type.
func (t *template) field() (string, bool) {
	if len(t.parts) == 1 && t.parts[0].path != "" {
		return t.parts[0].path, true
	}
	return "", false
}

// hasFields reports whether the template depends on the event.
func (t *template) hasFields() bool {
	for _, p := range t.parts {
		if p.path != "" {
			return true
		}
	}
	return false
}

// tplCompiler compiles templates of one block.
type tplCompiler struct {
	src      *source
	sch      *schema
	allowEnv bool
	// secret is set when an env placeholder was used: the rendered text
	// must not be logged.
	secret bool
}

// compile compiles an HCL expression that is a string template.
func (c *tplCompiler) compile(expr hcl.Expression) (*template, hclconf.Errors) {
	t := &template{}
	errs := c.parts(expr, t)
	return t, errs
}

func (c *tplCompiler) parts(expr hcl.Expression, t *template) hclconf.Errors {
	switch x := expr.(type) {
	case *hclsyntax.TemplateExpr:
		var errs hclconf.Errors
		for _, p := range x.Parts {
			errs = append(errs, c.parts(p, t)...)
		}
		return errs
	case *hclsyntax.TemplateWrapExpr:
		return c.parts(x.Wrapped, t)
	case *hclsyntax.ScopeTraversalExpr:
		return c.traversal(x.Traversal, x.SrcRange, t)
	case *hclsyntax.LiteralValueExpr:
		s, err := stringValue(x.Val)
		if err != nil {
			return hclconf.Errors{c.src.errorf(x.SrcRange, "%v", err)}
		}
		t.parts = append(t.parts, tplPart{lit: s})
		return nil
	}
	return hclconf.Errors{c.src.errorf(expr.Range(), "only text with ${event.<field>} placeholders is allowed here")}
}

// traversal adds a placeholder: event.a.b (a field) or env.NAME.
func (c *tplCompiler) traversal(tr hcl.Traversal, rng hcl.Range, t *template) hclconf.Errors {
	var segs []string
	for _, step := range tr[1:] {
		switch s := step.(type) {
		case hcl.TraverseAttr:
			segs = append(segs, s.Name)
		case hcl.TraverseIndex:
			if s.Key.Type() != cty.String {
				return hclconf.Errors{c.src.errorf(rng, "placeholder: an index must be a field name in quotes")}
			}
			segs = append(segs, s.Key.AsString())
		default:
			return hclconf.Errors{c.src.errorf(rng, "placeholder: write ${event.<field>}")}
		}
	}
	root := tr.RootName()
	switch {
	case root == "env" && c.allowEnv && len(segs) == 1:
		// Read at load, so a token lives in the environment, not in rule
		// files; the rendered text is then never logged.
		t.parts = append(t.parts, tplPart{lit: os.Getenv(segs[0])})
		c.secret = true
		return nil
	case root == "env":
		return hclconf.Errors{c.src.errorf(rng, "${env.NAME} is allowed in webhook url and headers only")}
	case root != "event" || len(segs) == 0:
		return hclconf.Errors{c.src.errorf(rng, "placeholder ${%s…}: refer to a field as ${event.<field>}", root)}
	}
	path := c.sch.resolveRef(segs)
	if _, ok := c.sch.fields[path]; !ok && !c.sch.open && !c.sch.isPrefix(path) {
		return hclconf.Errors{c.src.errorf(rng, "placeholder ${event.%s}: %s is never set by %s", strings.Join(segs, "."), path, c.sch.what)}
	}
	t.parts = append(t.parts, tplPart{path: path})
	return nil
}

// payload is a compiled webhook payload: a JSON value whose strings are
// templates.
type payload struct {
	obj   []payloadMember // object
	arr   []*payload      // array
	isObj bool
	isArr bool
	tpl   *template // string (or one typed field)
	lit   []byte    // a number, bool or null, as JSON
}

type payloadMember struct {
	key string
	val *payload
}

func (c *tplCompiler) compilePayload(expr hcl.Expression) (*payload, hclconf.Errors) {
	switch x := expr.(type) {
	case *hclsyntax.ObjectConsExpr:
		p := &payload{isObj: true}
		var errs hclconf.Errors
		for _, item := range x.Items {
			key, ok := keyString(item.KeyExpr)
			if !ok {
				errs = append(errs, c.src.errorf(item.KeyExpr.Range(), "payload: a key must be a name or a string"))
				continue
			}
			v, es := c.compilePayload(item.ValueExpr)
			errs = append(errs, es...)
			p.obj = append(p.obj, payloadMember{key: key, val: v})
		}
		return p, errs
	case *hclsyntax.TupleConsExpr:
		p := &payload{isArr: true}
		var errs hclconf.Errors
		for _, e := range x.Exprs {
			v, es := c.compilePayload(e)
			errs = append(errs, es...)
			p.arr = append(p.arr, v)
		}
		return p, errs
	case *hclsyntax.LiteralValueExpr:
		switch {
		case x.Val.IsNull():
			return &payload{lit: []byte("null")}, nil
		case x.Val.Type() == cty.Number:
			return &payload{lit: jsonNumber(x.Val.AsBigFloat())}, nil
		case x.Val.Type() == cty.Bool:
			return &payload{lit: []byte(strconv.FormatBool(x.Val.True()))}, nil
		}
	}
	t, errs := c.compile(expr)
	return &payload{tpl: t}, errs
}

// render appends the payload's JSON for ev to buf.
func (p *payload) render(buf []byte, ev *event.Event) []byte {
	switch {
	case p.isObj:
		buf = append(buf, '{')
		for i, m := range p.obj {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = event.AppendJSONString(buf, m.key)
			buf = append(buf, ':')
			buf = m.val.render(buf, ev)
		}
		return append(buf, '}')
	case p.isArr:
		buf = append(buf, '[')
		for i, v := range p.arr {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = v.render(buf, ev)
		}
		return append(buf, ']')
	case p.lit != nil:
		return append(buf, p.lit...)
	}
	if f, ok := p.tpl.field(); ok {
		v, found := ev.Get(f)
		if !found {
			return append(buf, "null"...)
		}
		return event.AppendJSONValue(buf, v)
	}
	return event.AppendJSONString(buf, p.tpl.render(ev))
}

// jsonNumber writes a number literal of a payload as the event's numbers
// are written (big.Float's own 'g' text would turn 1000000 into 1e+06):
// an integer exactly, anything else as the float64 a JSON reader makes of
// it.
func jsonNumber(bf *big.Float) []byte {
	if i, acc := bf.Int64(); acc == big.Exact {
		return strconv.AppendInt(nil, i, 10)
	}
	f, _ := bf.Float64()
	return event.AppendJSONFloat(nil, f)
}
