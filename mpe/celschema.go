package mpe

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/types"

	"github.com/sluicehq/sluice/pkg/event"
)

// How event.<name> references become CEL fields.
//
// The event is one CEL object, `event`, whose fields are resolved per
// condition: before type-checking, refWalker finds every selection chain
// event.a.b.c and resolves it as a rule author means it (a one-segment
// name as a tag, meta or custom name; several segments as a dotted path).
// eventProvider then declares exactly those fields: the root object has a
// field per first segment, each intermediate segment is an object type,
// and the last one has the field's type. At run time every object is the
// *event.Event itself and a leaf reads its path with Event.Get, so walking
// event.source.ip allocates nothing.

const rootType = "sluice.Event"

// fieldRef is one event.a.b.c chain of a condition.
type fieldRef struct {
	segs []string
	path string // the field it refers to
	off  int    // byte offset of the chain in the condition
	id   int64  // the chain's (outermost select's) expression id
	// object is set when the path names an object (has(event.source)),
	// not a value.
	object bool
	open   bool // the schema is open: a leaf may be an object too
}

// refWalker collects the field references of a parsed condition.
type refWalker struct {
	src  string
	info *ast.SourceInfo
	refs []fieldRef
	err  *condError
}

func (w *refWalker) offset(e ast.Expr) int {
	if r, ok := w.info.GetOffsetRange(e.ID()); ok {
		return runeOffset(w.src, int(r.Start))
	}
	return 0
}

// runeOffset converts an offset in code points to bytes.
func runeOffset(s string, runes int) int {
	for i := range s {
		if runes == 0 {
			return i
		}
		runes--
	}
	return len(s)
}

func (w *refWalker) walk(e ast.Expr) {
	if w.err != nil || e == nil {
		return
	}
	switch e.Kind() {
	case ast.SelectKind:
		if segs, root, ok := selectChain(e); ok {
			// Point at the field name, after "event.".
			off := w.offset(root)
			if i := strings.Index(w.src[off:], segs[0]); i >= 0 {
				off += i
			}
			w.refs = append(w.refs, fieldRef{segs: segs, off: off, id: e.ID()})
			return
		}
		w.walk(e.AsSelect().Operand())
	case ast.IdentKind:
		if e.AsIdent() == "event" {
			w.err = &condError{off: w.offset(e), msg: "event is the whole event; refer to one of its fields, such as event.login"}
		}
	case ast.CallKind:
		c := e.AsCall()
		if c.IsMemberFunction() {
			w.walk(c.Target())
		}
		for _, a := range c.Args() {
			w.walk(a)
		}
	case ast.ListKind:
		for _, x := range e.AsList().Elements() {
			w.walk(x)
		}
	case ast.MapKind:
		for _, en := range e.AsMap().Entries() {
			w.walk(en.AsMapEntry().Key())
			w.walk(en.AsMapEntry().Value())
		}
	case ast.StructKind:
		for _, f := range e.AsStruct().Fields() {
			w.walk(f.AsStructField().Value())
		}
	case ast.ComprehensionKind:
		c := e.AsComprehension()
		w.walk(c.IterRange())
		w.walk(c.AccuInit())
		w.walk(c.LoopCondition())
		w.walk(c.LoopStep())
		w.walk(c.Result())
	}
}

// selectChain returns the field names of a chain event.a.b.c (a, b, c)
// and the `event` identifier it starts at.
func selectChain(e ast.Expr) ([]string, ast.Expr, bool) {
	var rev []string
	for e.Kind() == ast.SelectKind {
		s := e.AsSelect()
		rev = append(rev, s.FieldName())
		e = s.Operand()
	}
	if e.Kind() != ast.IdentKind || e.AsIdent() != "event" {
		return nil, nil, false
	}
	segs := make([]string, len(rev))
	for i, s := range rev {
		segs[len(rev)-1-i] = s
	}
	return segs, e, true
}

// condAliases are names conditions may use beyond those of resolveName.
var condAliases = map[string]string{
	"timestamp": event.FieldTimestamp,
}

// resolveRef maps a chain to the field path it means: one segment is a
// name (tag, meta, custom group; in open schemas a JSON key), several are
// a dotted path.
func (s *schema) resolveRef(segs []string) string {
	if len(segs) > 1 {
		return strings.Join(segs, ".")
	}
	name := segs[0]
	if p, ok := condAliases[name]; ok {
		return p
	}
	if _, ok := s.fields[name]; ok {
		return name
	}
	path, t := resolveName(name, s.lib)
	if t != nil || metaNames[name] != "" || strings.Contains(name, "__") {
		return path
	}
	if s.open || s.isPrefix(name) {
		// A top-level object (has(event.source)) or a JSON document's
		// own key.
		return name
	}
	return path
}

// eventProvider declares the event object of one condition to the CEL
// type checker and reads its fields at run time.
type eventProvider struct {
	*types.Registry
	objects map[string]map[string]*types.FieldType // type name → field → type
}

var _ types.Provider = (*eventProvider)(nil)

func newEventProvider(s *schema, refs []fieldRef) (*eventProvider, error) {
	reg, err := types.NewRegistry()
	if err != nil {
		return nil, err
	}
	p := &eventProvider{Registry: reg, objects: map[string]map[string]*types.FieldType{rootType: {}}}
	// How each root field is used: as a value or as an object.
	rootUse := map[string]string{}
	for i := range refs {
		r := &refs[i]
		r.path = s.resolveRef(r.segs)
		_, known := s.fields[r.path]
		known = known || s.xprefix != "" && strings.HasPrefix(r.path, s.xprefix)
		structural := s.isPrefix(r.path)
		if !known && !structural && !s.open {
			name := strings.Join(r.segs, ".")
			return nil, &condError{off: r.off, msg: fmt.Sprintf("event.%s (%s) is never set by %s", name, r.path, s.what)}
		}
		r.object = structural && !known
		r.open = s.open
		kind := "value"
		if len(r.segs) > 1 || r.object {
			kind = "object"
		}
		if prev, ok := rootUse[r.segs[0]]; ok && prev != kind {
			return nil, &condError{off: r.off, msg: fmt.Sprintf("event.%s is used both as a value and as an object; write the full path (such as event.%s.name)", r.segs[0], r.segs[0])}
		}
		rootUse[r.segs[0]] = kind
	}
	for _, r := range refs {
		if len(r.segs) == 1 {
			p.objects[rootType][r.segs[0]] = p.leaf(s, r.path)
			continue
		}
		parent := rootType
		for i, seg := range r.segs[:len(r.segs)-1] {
			prefix := strings.Join(r.segs[:i+1], ".")
			name := rootType + "." + prefix
			if p.objects[name] == nil {
				p.objects[name] = map[string]*types.FieldType{}
			}
			p.objects[parent][seg] = objectField(name, prefix)
			parent = name
		}
		last := r.segs[len(r.segs)-1]
		if _, isObj := p.objects[rootType+"."+r.path]; !isObj {
			p.objects[parent][last] = p.leaf(s, r.path)
		}
	}
	// A chain that ends where another continues (has(event.a.b) and
	// event.a.b.c) must be the object, whatever order they came in.
	for name, fields := range p.objects {
		for f := range fields {
			child := name + "." + f
			if _, isObj := p.objects[child]; isObj {
				fields[f] = objectField(child, strings.TrimPrefix(child, rootType+"."))
			}
		}
	}
	return p, nil
}

// leaf is the field type of a value at path.
func (p *eventProvider) leaf(s *schema, path string) *types.FieldType {
	t, ok := s.fields[path]
	if !ok && s.xprefix != "" && strings.HasPrefix(path, s.xprefix) {
		t, ok = types.StringType, true
	}
	if !ok {
		if s.isPrefix(path) {
			return objectField(rootType+"."+path, path)
		}
		t = types.DynType
	}
	open := s.open
	return &types.FieldType{
		Type: t,
		IsSet: func(target any) bool {
			ev := eventOf(target)
			if _, ok := ev.Get(path); ok {
				return true
			}
			// In a JSON document, a path may be an object.
			return open && hasPrefix(ev, path)
		},
		GetFrom: func(target any) (any, error) {
			v, ok := eventOf(target).Get(path)
			if !ok {
				return nil, errNoField
			}
			return celValue(v), nil
		},
	}
}

// objectField is an intermediate object: at run time, the event itself.
func objectField(typeName, prefix string) *types.FieldType {
	return &types.FieldType{
		Type:    types.NewObjectType(typeName),
		IsSet:   func(target any) bool { return hasPrefix(eventOf(target), prefix) },
		GetFrom: func(target any) (any, error) { return target, nil },
	}
}

// hasPrefix reports whether ev has a field below prefix.
func hasPrefix(ev *event.Event, prefix string) bool {
	for _, f := range ev.Fields() {
		if len(f.Key) > len(prefix) && f.Key[len(prefix)] == '.' && strings.HasPrefix(f.Key, prefix) {
			return true
		}
	}
	return false
}

func eventOf(target any) *event.Event {
	if ev, ok := target.(*event.Event); ok {
		return ev
	}
	return &event.Event{}
}

func (p *eventProvider) FindStructType(name string) (*types.Type, bool) {
	if _, ok := p.objects[name]; ok {
		return types.NewTypeTypeWithParam(types.NewObjectType(name)), true
	}
	return p.Registry.FindStructType(name)
}

func (p *eventProvider) FindStructFieldNames(name string) ([]string, bool) {
	if fields, ok := p.objects[name]; ok {
		out := make([]string, 0, len(fields))
		for f := range fields {
			out = append(out, f)
		}
		sort.Strings(out)
		return out, true
	}
	return p.Registry.FindStructFieldNames(name)
}

func (p *eventProvider) FindStructFieldType(name, field string) (*types.FieldType, bool) {
	if fields, ok := p.objects[name]; ok {
		ft, ok := fields[field]
		return ft, ok
	}
	return p.Registry.FindStructFieldType(name, field)
}

// conditionLiterals returns text the raw line must contain for a condition
// over a JSON document to hold, as groups like requiredLiterals: the
// constants compared with == (or that a field must contain, start or end
// with, or be one of) in the condition's top-level conjunction. Only constants whose JSON encoding is their plain text are
// used (digits, letters and a few punctuation marks), and none compared
// with the engine's own sluice.* fields, which are not in the line.
func conditionLiterals(e ast.Expr) [][]string {
	var out [][]string
	var visit func(e ast.Expr)
	visit = func(e ast.Expr) {
		if e.Kind() != ast.CallKind {
			return
		}
		c := e.AsCall()
		args := c.Args()
		switch fn := c.FunctionName(); {
		case fn == "_&&_" && len(args) == 2:
			visit(args[0])
			visit(args[1])
		case fn == "_==_" && len(args) == 2:
			for i := range 2 {
				if lit, ok := literalText(args[1-i]); ok && fieldChain(args[i]) {
					out = append(out, []string{lit})
				}
			}
		case (fn == "contains" || fn == "startsWith" || fn == "endsWith") && c.IsMemberFunction() && len(args) == 1:
			if lit, ok := literalText(args[0]); ok && fieldChain(c.Target()) {
				out = append(out, []string{lit})
			}
		case fn == "@in" && len(args) == 2 && fieldChain(args[0]) && args[1].Kind() == ast.ListKind:
			// One of the list's constants.
			var group []string
			for _, el := range args[1].AsList().Elements() {
				lit, ok := literalText(el)
				if !ok {
					return
				}
				group = append(group, lit)
			}
			if len(group) > 0 && len(group) <= maxAlternatives {
				out = append(out, group)
			}
		}
	}
	visit(e)
	return out
}

// fieldChain reports whether e is event.a.b… outside sluice.*, or a
// conversion of one (string(event.winlog.event_id)).
func fieldChain(e ast.Expr) bool {
	if e.Kind() == ast.CallKind {
		c := e.AsCall()
		if fn := c.FunctionName(); (fn == "string" || fn == "int") && !c.IsMemberFunction() && len(c.Args()) == 1 {
			e = c.Args()[0]
		}
	}
	if e.Kind() != ast.SelectKind {
		return false
	}
	segs, _, ok := selectChain(e)
	return ok && segs[0] != "sluice" && metaNames[segs[0]] == "" && condAliases[segs[0]] == ""
}

// literalText is the text of a string or integer constant when a JSON
// encoder writes it as is.
func literalText(e ast.Expr) (string, bool) {
	if e.Kind() != ast.LiteralKind {
		return "", false
	}
	var s string
	switch v := e.AsLiteral().(type) {
	case types.String:
		s = string(v)
	case types.Int:
		s = strconv.FormatInt(int64(v), 10)
	case types.Uint:
		s = strconv.FormatUint(uint64(v), 10)
	default:
		return "", false
	}
	if len(s) < minLiteral {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isIdentByte(c) || c == ' ' || c == '.' || c == '-' || c == ':' || c == '@' || c == '=' || c == ',') {
			return "", false
		}
	}
	return s, true
}
