package mpe

import (
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/operators"
	"github.com/google/cel-go/common/types"

	"github.com/sluicehq/sluice/pkg/event"
)

// The fast path of conditions. Conditions are CEL, checked and compiled by
// cel-go; but most of them are comparisons of fields with constants joined
// by && and ||, and they run on every event (event rules) or every match
// (sub-rules), where a CEL evaluation's setup costs more than the test. So
// a condition made only of the operations below is also compiled to Go
// closures over the event, with CEL's semantics: a field the event lacks
// is an error that && and || absorb, values of different types are not
// equal, numbers compare across int and double.
//
// Where a value at run time is something the fast path does not handle
// (a list compared with ==, a time, a type mix an ordering cannot take),
// it answers "unknown" and the condition is evaluated by cel-go instead,
// so the two never disagree. TestFastConditionsAgree checks that on every
// condition of the starter set and the corpus.
//
// Handled: constants; event.<field>; has(event.<field>); ==, !=, <, <=,
// >, >=; x in [constants]; constant in event.<list field>; &&, ||, !;
// x.startsWith/endsWith/contains/matches(constant); string(x), int(x).

// fastCond evaluates a condition, or answers triUnknown.
type fastCond func(ev *event.Event) tri

// tri is a CEL-style result.
type tri uint8

const (
	triFalse tri = iota
	triTrue
	triError   // the condition refers to something the event lacks
	triUnknown // the fast path cannot tell: ask cel-go
)

func triOf(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

// valState says what a fastVal produced.
type valState uint8

const (
	valOK valState = iota
	valMissing
	valUnknown
)

// fastVal evaluates an operand.
type fastVal func(ev *event.Event) (any, valState)

// fastCompiler compiles one checked condition.
type fastCompiler struct {
	refs map[int64]*fieldRef
}

// compileFast returns the fast path of a checked condition, or nil when
// it uses something the fast path does not handle.
func compileFast(e ast.Expr, refs []fieldRef) fastCond {
	fc := &fastCompiler{refs: map[int64]*fieldRef{}}
	for i := range refs {
		r := &refs[i]
		// A chain that another continues names an object.
		for _, o := range refs {
			if len(o.path) > len(r.path) && strings.HasPrefix(o.path, r.path+".") {
				r.object = true
			}
		}
		fc.refs[r.id] = r
	}
	return fc.cond(e)
}

func (fc *fastCompiler) cond(e ast.Expr) fastCond {
	switch e.Kind() {
	case ast.LiteralKind:
		if b, ok := e.AsLiteral().(types.Bool); ok {
			v := triOf(bool(b))
			return func(*event.Event) tri { return v }
		}
		return nil
	case ast.SelectKind:
		if e.AsSelect().IsTestOnly() {
			return fc.has(e)
		}
		val := fc.val(e)
		if val == nil {
			return nil
		}
		return func(ev *event.Event) tri {
			v, st := val(ev)
			switch st {
			case valMissing:
				return triError
			case valUnknown:
				return triUnknown
			}
			if b, ok := v.(bool); ok {
				return triOf(b)
			}
			return triUnknown
		}
	case ast.CallKind:
		return fc.call(e.AsCall())
	}
	return nil
}

// has is has(event.<field>): a value, or an object with fields below it.
func (fc *fastCompiler) has(e ast.Expr) fastCond {
	r := fc.refs[e.ID()]
	if r == nil {
		return nil
	}
	path, object, open := r.path, r.object, r.open
	return func(ev *event.Event) tri {
		if !object {
			if _, ok := ev.Get(path); ok {
				return triTrue
			}
			if !open {
				return triFalse
			}
		}
		return triOf(hasPrefix(ev, path))
	}
}

func (fc *fastCompiler) call(c ast.CallExpr) fastCond {
	args := c.Args()
	switch fn := c.FunctionName(); fn {
	case operators.LogicalAnd, operators.LogicalOr:
		if len(args) != 2 {
			return nil
		}
		a, b := fc.cond(args[0]), fc.cond(args[1])
		if a == nil || b == nil {
			return nil
		}
		if fn == operators.LogicalAnd {
			return func(ev *event.Event) tri { return and(a(ev), b, ev) }
		}
		return func(ev *event.Event) tri { return or(a(ev), b, ev) }
	case operators.LogicalNot:
		x := fc.cond(args[0])
		if x == nil {
			return nil
		}
		return func(ev *event.Event) tri {
			switch r := x(ev); r {
			case triTrue:
				return triFalse
			case triFalse:
				return triTrue
			default:
				return r
			}
		}
	case operators.Equals, operators.NotEquals:
		a, b := fc.val(args[0]), fc.val(args[1])
		if a == nil || b == nil {
			return nil
		}
		neq := fn == operators.NotEquals
		return func(ev *event.Event) tri {
			x, y, st := both(ev, a, b)
			if st != triTrue {
				return st
			}
			eq, ok := equal(x, y)
			if !ok {
				return triUnknown
			}
			return triOf(eq != neq)
		}
	case operators.Less, operators.LessEquals, operators.Greater, operators.GreaterEquals:
		a, b := fc.val(args[0]), fc.val(args[1])
		if a == nil || b == nil {
			return nil
		}
		return func(ev *event.Event) tri {
			x, y, st := both(ev, a, b)
			if st != triTrue {
				return st
			}
			cmp, ok := compare(x, y)
			if !ok {
				return triUnknown
			}
			switch fn {
			case operators.Less:
				return triOf(cmp < 0)
			case operators.LessEquals:
				return triOf(cmp <= 0)
			case operators.Greater:
				return triOf(cmp > 0)
			default:
				return triOf(cmp >= 0)
			}
		}
	case operators.In:
		return fc.in(args)
	case "startsWith", "endsWith", "contains", "matches":
		if !c.IsMemberFunction() || len(args) != 1 {
			return nil
		}
		return fc.stringMethod(fn, c.Target(), args[0])
	}
	return nil
}

// and and or are CEL's commutative logic: false && error is false, true
// || error is true. An unknown side leaves the answer to CEL only when the
// other side does not decide it.
func and(a tri, b fastCond, ev *event.Event) tri {
	if a == triFalse {
		return triFalse
	}
	y := b(ev)
	switch {
	case y == triFalse:
		return triFalse
	case a == triUnknown || y == triUnknown:
		return triUnknown
	case a == triError || y == triError:
		return triError
	}
	return triTrue
}

func or(a tri, b fastCond, ev *event.Event) tri {
	if a == triTrue {
		return triTrue
	}
	y := b(ev)
	switch {
	case y == triTrue:
		return triTrue
	case a == triUnknown || y == triUnknown:
		return triUnknown
	case a == triError || y == triError:
		return triError
	}
	return triFalse
}

// both evaluates two operands: triTrue when both have values.
func both(ev *event.Event, a, b fastVal) (any, any, tri) {
	x, sx := a(ev)
	y, sy := b(ev)
	switch {
	case sx == valUnknown || sy == valUnknown:
		return nil, nil, triUnknown
	case sx == valMissing || sy == valMissing:
		return nil, nil, triError
	}
	return x, y, triTrue
}

func (fc *fastCompiler) in(args []ast.Expr) fastCond {
	if len(args) != 2 {
		return nil
	}
	x := fc.val(args[0])
	if x == nil {
		return nil
	}
	// x in [constants]
	if args[1].Kind() == ast.ListKind {
		var set []any
		for _, el := range args[1].AsList().Elements() {
			v, ok := literalValue(el)
			if !ok {
				return nil
			}
			set = append(set, v)
		}
		return func(ev *event.Event) tri {
			v, st := x(ev)
			switch st {
			case valMissing:
				return triError
			case valUnknown:
				return triUnknown
			}
			for _, s := range set {
				eq, ok := equal(v, s)
				if !ok {
					return triUnknown
				}
				if eq {
					return triTrue
				}
			}
			return triFalse
		}
	}
	// constant in event.<list field>
	list := fc.val(args[1])
	if list == nil {
		return nil
	}
	return func(ev *event.Event) tri {
		v, l, st := both(ev, x, list)
		if st != triTrue {
			return st
		}
		ss, ok1 := l.([]string)
		s, ok2 := v.(string)
		if !ok1 || !ok2 {
			return triUnknown
		}
		for _, m := range ss {
			if m == s {
				return triTrue
			}
		}
		return triFalse
	}
}

func (fc *fastCompiler) stringMethod(fn string, target, arg ast.Expr) fastCond {
	x := fc.val(target)
	lit, ok := literalValue(arg)
	if x == nil || !ok {
		return nil
	}
	s, ok := lit.(string)
	if !ok {
		return nil
	}
	var test func(string) bool
	switch fn {
	case "startsWith":
		test = func(v string) bool { return strings.HasPrefix(v, s) }
	case "endsWith":
		test = func(v string) bool { return strings.HasSuffix(v, s) }
	case "contains":
		test = func(v string) bool { return strings.Contains(v, s) }
	default:
		re, err := regexp.Compile(s)
		if err != nil {
			return nil
		}
		test = re.MatchString
		if f := newFoldFilter(s); f != nil {
			test = func(v string) bool { return f.mayMatch(v) && re.MatchString(v) }
		}
	}
	return func(ev *event.Event) tri {
		v, st := x(ev)
		switch st {
		case valMissing:
			return triError
		case valUnknown:
			return triUnknown
		}
		str, ok := v.(string)
		if !ok {
			return triUnknown
		}
		return triOf(test(str))
	}
}

// val compiles an operand: a constant, a field, or string()/int() of one.
func (fc *fastCompiler) val(e ast.Expr) fastVal {
	if v, ok := literalValue(e); ok {
		return func(*event.Event) (any, valState) { return v, valOK }
	}
	switch e.Kind() {
	case ast.SelectKind:
		r := fc.refs[e.ID()]
		if r == nil || r.object {
			return nil
		}
		path := r.path
		return func(ev *event.Event) (any, valState) {
			v, ok := ev.Get(path)
			if !ok {
				return nil, valMissing
			}
			return v, valOK
		}
	case ast.CallKind:
		c := e.AsCall()
		if c.IsMemberFunction() || len(c.Args()) != 1 {
			return nil
		}
		x := fc.val(c.Args()[0])
		if x == nil {
			return nil
		}
		switch c.FunctionName() {
		case "string":
			return func(ev *event.Event) (any, valState) {
				v, st := x(ev)
				if st != valOK {
					return nil, st
				}
				switch y := v.(type) {
				case string:
					return y, valOK
				case int64:
					return strconv.FormatInt(y, 10), valOK
				case bool:
					return strconv.FormatBool(y), valOK
				}
				return nil, valUnknown
			}
		case "int":
			return func(ev *event.Event) (any, valState) {
				v, st := x(ev)
				if st != valOK {
					return nil, st
				}
				switch y := v.(type) {
				case int64:
					return y, valOK
				case string:
					if n, err := strconv.ParseInt(y, 10, 64); err == nil {
						return n, valOK
					}
				}
				return nil, valUnknown
			}
		}
	}
	return nil
}

// literalValue is the Go value of a constant.
func literalValue(e ast.Expr) (any, bool) {
	if e.Kind() != ast.LiteralKind {
		return nil, false
	}
	switch v := e.AsLiteral().(type) {
	case types.String:
		return string(v), true
	case types.Int:
		return int64(v), true
	case types.Uint:
		if uint64(v) <= math.MaxInt64 {
			return int64(v), true
		}
	case types.Double:
		return float64(v), true
	case types.Bool:
		return bool(v), true
	}
	return nil, false
}

// equal is CEL's equality on the values fields hold: different kinds are
// not equal; int and double compare as numbers. ok is false for values
// the fast path leaves to CEL (lists, times).
func equal(x, y any) (eq, ok bool) {
	switch a := x.(type) {
	case string:
		switch b := y.(type) {
		case string:
			return a == b, true
		case int64, float64, bool:
			return false, true
		}
	case bool:
		switch b := y.(type) {
		case bool:
			return a == b, true
		case string, int64, float64:
			return false, true
		}
	case int64, float64:
		if c, ok := compareNumbers(x, y); ok {
			return c == 0, true
		}
		switch y.(type) {
		case string, bool:
			return false, true
		}
	}
	return false, false
}

// compare orders two numbers or two strings.
func compare(x, y any) (int, bool) {
	if a, ok := x.(string); ok {
		if b, ok := y.(string); ok {
			return strings.Compare(a, b), true
		}
		return 0, false
	}
	return compareNumbers(x, y)
}

func compareNumbers(x, y any) (int, bool) {
	switch a := x.(type) {
	case int64:
		switch b := y.(type) {
		case int64:
			return cmpOrdered(a, b), true
		case float64:
			return cmpFloat(float64(a), b)
		}
	case float64:
		switch b := y.(type) {
		case int64:
			return cmpFloat(a, float64(b))
		case float64:
			return cmpFloat(a, b)
		}
	}
	return 0, false
}

func cmpOrdered[T int64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// cmpFloat leaves NaN to CEL.
func cmpFloat(a, b float64) (int, bool) {
	if math.IsNaN(a) || math.IsNaN(b) {
		return 0, false
	}
	return cmpOrdered(a, b), true
}
