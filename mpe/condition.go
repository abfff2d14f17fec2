package mpe

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/sluicehq/sluice/pkg/event"
)

// condition is a compiled `when` expression. The first slice of the MPE
// evaluates a small subset of CEL natively; the full MPE compiles `when`
// with cel-go behind the same interface, and every condition valid here
// means the same there.
type condition interface {
	eval(ev *event.Event) tri
}

// tri is a CEL-style result: a reference to a field the event does not
// have is an error, and errors propagate except where && and || can
// decide without them (false && error is false, true || error is true).
// A condition that ends in an error does not hold.
type tri uint8

const (
	triFalse tri = iota
	triTrue
	triError
)

func triOf(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

type (
	orCond  struct{ a, b condition }
	andCond struct{ a, b condition }
	notCond struct{ x condition }
	litCond struct{ v bool }
	hasCond struct{ path string }
	// cmpCond compares two operands as strings (== and !=).
	cmpCond struct {
		a, b operand
		neq  bool
	}
	inCond struct {
		x   operand
		set []string
	}
	// strCond is one of the string methods x.startsWith(s), endsWith,
	// contains and matches.
	strCond struct {
		x      operand
		method string
		arg    string
		re     *regexp.Regexp
	}
)

// operand is a field reference (path != "") or a literal.
type operand struct {
	path string
	lit  string
}

func (o operand) value(ev *event.Event) (string, bool) {
	if o.path == "" {
		return o.lit, true
	}
	v, ok := ev.Get(o.path)
	if !ok {
		return "", false
	}
	return event.FormatValue(v), true
}

func (c orCond) eval(ev *event.Event) tri {
	a := c.a.eval(ev)
	if a == triTrue {
		return triTrue
	}
	b := c.b.eval(ev)
	if b == triTrue {
		return triTrue
	}
	if a == triError || b == triError {
		return triError
	}
	return triFalse
}

func (c andCond) eval(ev *event.Event) tri {
	a := c.a.eval(ev)
	if a == triFalse {
		return triFalse
	}
	b := c.b.eval(ev)
	if b == triFalse {
		return triFalse
	}
	if a == triError || b == triError {
		return triError
	}
	return triTrue
}

func (c notCond) eval(ev *event.Event) tri {
	switch c.x.eval(ev) {
	case triTrue:
		return triFalse
	case triFalse:
		return triTrue
	}
	return triError
}

func (c litCond) eval(*event.Event) tri { return triOf(c.v) }

func (c hasCond) eval(ev *event.Event) tri {
	_, ok := ev.Get(c.path)
	return triOf(ok)
}

func (c cmpCond) eval(ev *event.Event) tri {
	a, ok1 := c.a.value(ev)
	b, ok2 := c.b.value(ev)
	if !ok1 || !ok2 {
		return triError
	}
	return triOf((a == b) != c.neq)
}

func (c inCond) eval(ev *event.Event) tri {
	x, ok := c.x.value(ev)
	if !ok {
		return triError
	}
	for _, s := range c.set {
		if s == x {
			return triTrue
		}
	}
	return triFalse
}

func (c strCond) eval(ev *event.Event) tri {
	x, ok := c.x.value(ev)
	if !ok {
		return triError
	}
	switch c.method {
	case "startsWith":
		return triOf(strings.HasPrefix(x, c.arg))
	case "endsWith":
		return triOf(strings.HasSuffix(x, c.arg))
	case "contains":
		return triOf(strings.Contains(x, c.arg))
	default: // matches
		return triOf(c.re.MatchString(x))
	}
}

// holds reports whether cond is true for ev.
func holds(cond condition, ev *event.Event) bool {
	return cond.eval(ev) == triTrue
}

// condError is a problem at byte offset off of a `when` expression.
type condError struct {
	off int
	msg string
}

func (e *condError) Error() string { return e.msg }

// compileCondition parses a `when` expression:
//
//	expr    = and { "||" and }
//	and     = unary { "&&" unary }
//	unary   = "!" unary | "(" expr ")" | "has(" ref ")" | "true" | "false" | compare
//	compare = operand [ ("==" | "!=") operand | "in" "[" literal { "," literal } "]" ]
//	        | ref "." ("startsWith" | "endsWith" | "contains" | "matches") "(" string ")"
//	operand = ref | literal
//	ref     = "event" "." name { "." name }
//	literal = string | integer | "true" | "false"
//
// resolve maps a reference to a field path (see resolveName); a
// reference it rejects is a compile error.
func compileCondition(src string, resolve func(name string) (string, error)) (condition, error) {
	toks, err := lexCondition(src)
	if err != nil {
		return nil, err
	}
	p := &condParser{src: src, toks: toks, resolve: resolve}
	c, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, p.errorf(t, "unexpected %s", t.describe())
	}
	return c, nil
}

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokIdent
	tokString
	tokInt
	tokOp // one of == != && || ! ( ) [ ] , .
)

type token struct {
	kind tokKind
	text string // identifier, operator, integer; for strings the decoded value
	off  int
}

func (t token) describe() string {
	if t.kind == tokEOF {
		return "end of condition"
	}
	return strconv.Quote(t.text)
}

func lexCondition(src string) ([]token, error) {
	var toks []token
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case isIdentByte(c) && !(c >= '0' && c <= '9'):
			j := i
			for j < len(src) && isIdentByte(src[j]) {
				j++
			}
			toks = append(toks, token{kind: tokIdent, text: src[i:j], off: i})
			i = j
		case c >= '0' && c <= '9' || (c == '-' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9'):
			j := i + 1
			for j < len(src) && src[j] >= '0' && src[j] <= '9' {
				j++
			}
			toks = append(toks, token{kind: tokInt, text: src[i:j], off: i})
			i = j
		case c == '"' || c == '\'':
			s, n, err := lexString(src[i:])
			if err != nil {
				return nil, &condError{off: i, msg: err.Error()}
			}
			toks = append(toks, token{kind: tokString, text: s, off: i})
			i += n
		default:
			op := ""
			for _, o := range []string{"==", "!=", "&&", "||", "!", "(", ")", "[", "]", ",", "."} {
				if strings.HasPrefix(src[i:], o) {
					op = o
					break
				}
			}
			if op == "" {
				if c == '=' {
					return nil, &condError{off: i, msg: `"=" is not an operator; compare with "=="`}
				}
				return nil, &condError{off: i, msg: fmt.Sprintf("unexpected character %q", c)}
			}
			toks = append(toks, token{kind: tokOp, text: op, off: i})
			i += len(op)
		}
	}
	return append(toks, token{kind: tokEOF, off: len(src)}), nil
}

// lexString reads a single- or double-quoted string with CEL's common
// escapes and returns its value and length.
func lexString(s string) (string, int, error) {
	q := s[0]
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == q:
			return b.String(), i + 1, nil
		case c == '\\' && i+1 < len(s):
			i++
			switch s[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '\\', '"', '\'':
				b.WriteByte(s[i])
			default:
				return "", 0, fmt.Errorf(`unknown escape \%c in string`, s[i])
			}
		case c == '\n':
			return "", 0, fmt.Errorf("string not closed before the end of the line")
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, fmt.Errorf("string not closed")
}

type condParser struct {
	src     string
	toks    []token
	pos     int
	resolve func(string) (string, error)
}

func (p *condParser) peek() token { return p.toks[p.pos] }

func (p *condParser) next() token {
	t := p.toks[p.pos]
	if t.kind != tokEOF {
		p.pos++
	}
	return t
}

func (p *condParser) isOp(op string) bool {
	t := p.peek()
	return t.kind == tokOp && t.text == op
}

func (p *condParser) expect(op string) error {
	if !p.isOp(op) {
		t := p.peek()
		return p.errorf(t, "expected %q, found %s", op, t.describe())
	}
	p.next()
	return nil
}

func (p *condParser) errorf(t token, format string, args ...any) error {
	return &condError{off: t.off, msg: fmt.Sprintf(format, args...)}
}

func (p *condParser) parseOr() (condition, error) {
	c, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.isOp("||") {
		p.next()
		d, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		c = orCond{c, d}
	}
	return c, nil
}

func (p *condParser) parseAnd() (condition, error) {
	c, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	for p.isOp("&&") {
		p.next()
		d, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		c = andCond{c, d}
	}
	return c, nil
}

func (p *condParser) parseUnary() (condition, error) {
	t := p.peek()
	switch {
	case t.kind == tokOp && t.text == "!":
		p.next()
		x, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return notCond{x}, nil
	case t.kind == tokOp && t.text == "(":
		p.next()
		c, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		return c, p.expect(")")
	case t.kind == tokIdent && t.text == "has":
		p.next()
		if err := p.expect("("); err != nil {
			return nil, err
		}
		path, _, err := p.parseRefMethod(false)
		if err != nil {
			return nil, err
		}
		return hasCond{path}, p.expect(")")
	case t.kind == tokIdent && (t.text == "true" || t.text == "false") && !p.followedByCompare():
		p.next()
		return litCond{t.text == "true"}, nil
	}
	return p.parseCompare()
}

// followedByCompare reports whether the token after the current one is a
// comparison operator (so "true == event.x" is a comparison, not a bool).
func (p *condParser) followedByCompare() bool {
	if p.pos+1 >= len(p.toks) {
		return false
	}
	t := p.toks[p.pos+1]
	return t.kind == tokOp && (t.text == "==" || t.text == "!=") || t.kind == tokIdent && t.text == "in"
}

func (p *condParser) parseCompare() (condition, error) {
	start := p.peek()
	x, method, err := p.parseOperand(true)
	if err != nil {
		return nil, err
	}
	if method != "" {
		return p.parseMethod(x, method)
	}
	t := p.peek()
	switch {
	case t.kind == tokOp && (t.text == "==" || t.text == "!="):
		p.next()
		y, _, err := p.parseOperand(false)
		if err != nil {
			return nil, err
		}
		if x.path == "" && y.path == "" {
			return nil, p.errorf(start, "comparison of two constants; refer to a field as event.<name>")
		}
		return cmpCond{a: x, b: y, neq: t.text == "!="}, nil
	case t.kind == tokIdent && t.text == "in":
		p.next()
		set, err := p.parseList()
		if err != nil {
			return nil, err
		}
		return inCond{x: x, set: set}, nil
	}
	if x.path != "" {
		return nil, p.errorf(t, "expected ==, != or in after event.%s, found %s", start.text, t.describe())
	}
	return nil, p.errorf(start, "expected a condition, found %s", start.describe())
}

func (p *condParser) parseMethod(x operand, method string) (condition, error) {
	mt := p.toks[p.pos-1]
	switch method {
	case "startsWith", "endsWith", "contains", "matches":
	default:
		return nil, p.errorf(mt, "unknown function %s; use startsWith, endsWith, contains or matches", method)
	}
	if err := p.expect("("); err != nil {
		return nil, err
	}
	arg := p.next()
	if arg.kind != tokString {
		return nil, p.errorf(arg, "%s takes a string, found %s", method, arg.describe())
	}
	c := strCond{x: x, method: method, arg: arg.text}
	if method == "matches" {
		re, err := regexp.Compile(arg.text)
		if err != nil {
			return nil, p.errorf(arg, "matches: %v", err)
		}
		c.re = re
	}
	return c, p.expect(")")
}

// parseOperand reads a reference or a literal. When methods is true, a
// reference may end in a method name followed by "(", returned apart.
func (p *condParser) parseOperand(methods bool) (operand, string, error) {
	t := p.peek()
	switch t.kind {
	case tokString, tokInt:
		p.next()
		return operand{lit: t.text}, "", nil
	case tokIdent:
		if t.text == "true" || t.text == "false" {
			p.next()
			return operand{lit: t.text}, "", nil
		}
		path, method, err := p.parseRefMethod(methods)
		return operand{path: path}, method, err
	}
	return operand{}, "", p.errorf(t, "expected a field (event.<name>) or a value, found %s", t.describe())
}

func (p *condParser) parseRefMethod(methods bool) (string, string, error) {
	t := p.next()
	if t.kind != tokIdent || t.text != "event" {
		return "", "", p.errorf(t, "unknown name %s; fields are referred to as event.<name>", t.describe())
	}
	var segs []string
	start := p.peek().off
	for p.isOp(".") {
		p.next()
		n := p.next()
		if n.kind != tokIdent {
			return "", "", p.errorf(n, "expected a field name after '.', found %s", n.describe())
		}
		if methods && p.isOp("(") && len(segs) > 0 {
			path, err := p.resolve(strings.Join(segs, "."))
			if err != nil {
				return "", "", &condError{off: start + 1, msg: err.Error()}
			}
			return path, n.text, nil
		}
		segs = append(segs, n.text)
	}
	if len(segs) == 0 {
		return "", "", p.errorf(p.peek(), "expected event.<name>")
	}
	path, err := p.resolve(strings.Join(segs, "."))
	if err != nil {
		return "", "", &condError{off: start + 1, msg: err.Error()}
	}
	return path, "", nil
}

func (p *condParser) parseList() ([]string, error) {
	if err := p.expect("["); err != nil {
		return nil, err
	}
	var set []string
	for !p.isOp("]") {
		t := p.next()
		switch {
		case t.kind == tokString || t.kind == tokInt:
		case t.kind == tokIdent && (t.text == "true" || t.text == "false"):
		default:
			return nil, p.errorf(t, "expected a value in the list, found %s", t.describe())
		}
		set = append(set, t.text)
		if !p.isOp(",") {
			break
		}
		p.next()
	}
	return set, p.expect("]")
}
