package mpe

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/operators"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/ext"
	"github.com/google/cel-go/interpreter"

	"github.com/sluicehq/sluice/pkg/event"
)

// condition is a compiled `when` expression: CEL (github.com/google/cel-go),
// type-checked at load against the fields the event can have at the point
// the condition runs, so a typo in a field name or a comparison of a port
// with a string is a load error, not a condition that silently never holds.
//
// Fields are referred to as event.<name>, where <name> resolves as for
// expect keys (a tag, a meta name, a custom group name) or is a dotted ECS
// path (event.source.ip). A reference to a field the event lacks is a CEL
// error: && and || absorb it (false && error is false, true || error is
// true), and a condition that ends in an error does not hold.
type condition struct {
	src string
	prg cel.Program
	// fast, when set, evaluates the condition without cel-go; it may
	// answer triUnknown, and then prg does (see condfast.go).
	fast fastCond
	// lits are strings the raw line must contain for the condition to
	// hold; only filled in for JSON log source types, where the event's
	// fields come from the line itself (see conditionLiterals).
	lits [][]string
	// requires are fields without which the condition cannot hold (see
	// requiredFields).
	requires []string
	// paths are the fields the condition refers to.
	paths []string
}

// holds reports whether c is true for ev. A nil condition always holds.
func (c *condition) holds(ev *event.Event) bool {
	if c == nil {
		return true
	}
	if c.fast != nil {
		switch c.fast(ev) {
		case triTrue:
			return true
		case triFalse, triError:
			return false
		}
	}
	return c.celHolds(ev)
}

// celHolds evaluates the condition with cel-go.
func (c *condition) celHolds(ev *event.Event) bool {
	out, _, err := c.prg.Eval(&activation{ev: ev})
	if err != nil {
		return false
	}
	b, ok := out.(types.Bool)
	return ok && bool(b)
}

// activation binds the variable `event` without the map a cel.Program
// would otherwise be given.
type activation struct{ ev *event.Event }

func (a *activation) ResolveName(name string) (any, bool) {
	if name == "event" {
		return a.ev, true
	}
	return nil, false
}

func (a *activation) Parent() interpreter.Activation { return nil }

// condError is a problem at byte offset off of a `when` expression.
type condError struct {
	off int
	msg string
}

func (e *condError) Error() string { return e.msg }

// schema is what a condition may refer to: every field an event can have
// when the condition runs, with its CEL type.
type schema struct {
	fields map[string]*types.Type
	// open is set for JSON log source types, whose events carry whatever
	// the JSON held: a path the schema does not list is allowed, typed dyn.
	open bool
	// xprefix, when set ("kv."), admits every path below it as a string:
	// the fields a rule's key=value extractor reads (see extract.go).
	xprefix string
	lib     tagLibrary
	// what names the thing that sets the fields, for error messages
	// ("this rule", "any rule of its log source types").
	what string
}

func newSchema(lib tagLibrary, what string) *schema {
	return &schema{fields: map[string]*types.Type{}, lib: lib, what: what}
}

// add records that path may be set with values of CEL type t. A path set
// with two types is dyn.
func (s *schema) add(path string, t *types.Type) {
	if old, ok := s.fields[path]; ok && !old.IsExactType(t) {
		t = types.DynType
	}
	s.fields[path] = t
}

// merge adds every field of o.
func (s *schema) merge(o *schema) {
	for p, t := range o.fields {
		s.add(p, t)
	}
	s.open = s.open || o.open
}

// isPrefix reports whether some field lies below path.
func (s *schema) isPrefix(path string) bool {
	for p := range s.fields {
		if len(p) > len(path) && p[len(path)] == '.' && strings.HasPrefix(p, path) {
			return true
		}
	}
	return false
}

// celTypeOf is the CEL type of a field value as the engine stores it.
func celTypeOf(v any) *types.Type {
	switch v.(type) {
	case string:
		return types.StringType
	case int64, int:
		return types.IntType
	case float64:
		return types.DoubleType
	case bool:
		return types.BoolType
	case []string:
		return types.NewListType(types.StringType)
	}
	return types.DynType
}

// baseEnv is the CEL environment every condition extends: the standard
// library plus the string extensions (lowerAscii, split, …).
var baseEnv = func() *cel.Env {
	env, err := cel.NewEnv(ext.Strings(), cel.CrossTypeNumericComparisons(true))
	if err != nil {
		panic(fmt.Sprintf("mpe: CEL environment: %v", err))
	}
	return env
}()

// compileCondition compiles a `when` expression against s. Errors are
// condErrors at a byte offset of src.
func compileCondition(src string, s *schema) (*condition, error) {
	if strings.TrimSpace(src) == "" {
		return nil, &condError{off: 0, msg: "condition is empty; write a CEL expression such as event.login == \"root\""}
	}
	if off := loneEquals(src); off >= 0 {
		return nil, &condError{off: off, msg: `"=" is not an operator; compare with "=="`}
	}
	parsed, iss := baseEnv.Parse(src)
	if iss != nil && iss.Err() != nil {
		return nil, celIssue(src, iss)
	}
	native := parsed.NativeRep()
	w := &refWalker{src: src, info: native.SourceInfo()}
	w.walk(native.Expr())
	if w.err != nil {
		return nil, w.err
	}
	p, err := newEventProvider(s, w.refs)
	if err != nil {
		return nil, err
	}
	env, err := baseEnv.Extend(
		cel.CustomTypeProvider(p),
		cel.Variable("event", types.NewObjectType(rootType)),
	)
	if err != nil {
		return nil, fmt.Errorf("condition environment: %w", err)
	}
	checked, iss := env.Check(parsed)
	if iss != nil && iss.Err() != nil {
		return nil, celIssue(src, iss)
	}
	if t := checked.OutputType(); !t.IsExactType(types.BoolType) && !t.IsExactType(types.DynType) {
		return nil, &condError{off: 0, msg: fmt.Sprintf("condition is of type %s; it must be true or false (a bool)", t)}
	}
	prg, err := env.Program(checked, cel.EvalOptions(cel.OptOptimize))
	if err != nil {
		return nil, &condError{off: 0, msg: err.Error()}
	}
	c := &condition{src: src, prg: prg, fast: compileFast(checked.NativeRep().Expr(), w.refs), requires: requiredFields(checked.NativeRep().Expr(), w.refs)}
	for _, r := range w.refs {
		c.paths = append(c.paths, r.path)
	}
	if s.open {
		c.lits = conditionLiterals(native.Expr())
	}
	return c, nil
}

// requiredFields returns the fields a condition cannot hold without: those
// of the has(event.<field>) tests it is a conjunction of. When the event
// has neither the field nor one below it, that has() is false, and so is
// the && it is part of, whatever the rest evaluates to.
func requiredFields(e ast.Expr, refs []fieldRef) []string {
	switch e.Kind() {
	case ast.SelectKind:
		if e.AsSelect().IsTestOnly() {
			for _, r := range refs {
				if r.id == e.ID() {
					return []string{r.path}
				}
			}
		}
	case ast.CallKind:
		if c := e.AsCall(); c.FunctionName() == operators.LogicalAnd {
			var out []string
			for _, a := range c.Args() {
				out = append(out, requiredFields(a, refs)...)
			}
			return out
		}
	}
	return nil
}

// celIssue turns the first CEL issue into a condError at its offset.
func celIssue(src string, iss *cel.Issues) *condError {
	errs := iss.Errors()
	if len(errs) == 0 {
		return &condError{msg: iss.Err().Error()}
	}
	e := errs[0]
	msg := e.Message
	msg = strings.TrimPrefix(msg, "Syntax error: ")
	return &condError{off: byteOffset(src, e.Location.Line(), e.Location.Column()), msg: msg}
}

// byteOffset converts CEL's line (1-based) and column (0-based, in code
// points) to a byte offset of src.
func byteOffset(src string, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(src[off:], '\n')
		if i < 0 {
			return len(src)
		}
		off += i + 1
	}
	for ; col > 0 && off < len(src); col-- {
		_, n := utf8.DecodeRuneInString(src[off:])
		off += n
	}
	return off
}

// loneEquals returns the offset of a single '=' outside strings (an
// assignment where a comparison was meant), or -1.
func loneEquals(src string) int {
	var quote byte
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '=':
			prev, next := byte(0), byte(0)
			if i > 0 {
				prev = src[i-1]
			}
			if i+1 < len(src) {
				next = src[i+1]
			}
			if next == '=' {
				i++
				continue
			}
			if prev != '!' && prev != '<' && prev != '>' && prev != '=' {
				return i
			}
		}
	}
	return -1
}

// errNoField is the evaluation error of a reference to a field the event
// does not have. It is one value, so a missing field costs no allocation.
var errNoField = errors.New("no such field")

// celValue converts a field value to a CEL value.
func celValue(v any) ref.Val {
	switch x := v.(type) {
	case string:
		return types.String(x)
	case int64:
		return types.Int(x)
	case int:
		return types.Int(x)
	case float64:
		return types.Double(x)
	case bool:
		return types.Bool(x)
	case []string:
		return types.DefaultTypeAdapter.NativeToValue(x)
	}
	return types.DefaultTypeAdapter.NativeToValue(v)
}
