package mpe

import (
	"errors"
	"fmt"
	"maps"
	"math/big"
	"regexp"
	"regexp/syntax"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/hclconf"
)

// compileType checks a log_source_type block.
func compileType(src *source, b *typeBlock) (*logSourceType, hclconf.Errors) {
	var errs hclconf.Errors
	t := &logSourceType{name: b.Name, boxedName: b.Name, header: headerSyslog, loc: time.UTC}
	if b.Name == "" {
		errs = append(errs, src.errorf(b.NameRange, "log_source_type needs a name"))
	}
	if b.Header != nil {
		if k, ok := headerKinds[*b.Header]; !ok {
			errs = append(errs, src.errorf(b.HeaderRange, "unknown header %q; use %s", *b.Header, quotedList(sortedKeys(headerKinds))))
		} else {
			t.header = k
		}
	}
	if b.Timezone != nil {
		loc, err := time.LoadLocation(*b.Timezone)
		if err != nil || *b.Timezone == "" {
			errs = append(errs, src.errorf(b.TimezoneRange, "unknown timezone %q; use an IANA name such as \"UTC\" or \"Europe/Berlin\"", *b.Timezone))
		} else {
			t.loc = loc
		}
	}
	return t, errs
}

// compileTag checks a tag block against the library it will join.
func compileTag(src *source, b *tagBlock, lib tagLibrary) (*tag, hclconf.Errors) {
	var errs hclconf.Errors
	t := &tag{name: b.Name, pattern: b.Pattern, field: b.Field}
	if n, ok := tagAt("<" + b.Name + ">"); !ok || n != b.Name {
		errs = append(errs, src.errorf(b.NameRange, "tag name %q must be letters, digits and '_', not starting with a digit", b.Name))
	} else if old, ok := lib[b.Name]; ok && old.builtin {
		errs = append(errs, src.errorf(b.NameRange, "tag %q is built in; choose another name", b.Name))
	}
	if re, err := regexp.Compile(b.Pattern); err != nil {
		errs = append(errs, src.errorf(b.PatternRange, "tag pattern is not a valid regular expression: %s", regexpMessage(err)))
	} else {
		for _, n := range re.SubexpNames() {
			if n != "" {
				errs = append(errs, src.errorf(b.PatternRange, "a tag pattern cannot have named groups (found %q); use (?:…)", n))
				break
			}
		}
	}
	if b.Pattern == "" {
		errs = append(errs, src.errorf(b.PatternRange, "tag pattern must not be empty"))
	}
	if err := checkPath(b.Field); err != nil {
		errs = append(errs, src.errorf(b.FieldRange, "%v", err))
	} else if why := reserved(b.Field); why != "" {
		errs = append(errs, src.errorf(b.FieldRange, "a tag cannot write %s: %s", b.Field, why))
	}
	if b.Type != nil {
		typ, ok := valueTypeNames[*b.Type]
		switch {
		case !ok:
			errs = append(errs, src.errorf(b.TypeRange, "unknown type %q; use %s", *b.Type, quotedList(sortedKeys(valueTypeNames))))
		case typ == typeAddress && !strings.HasSuffix(b.Field, ".address"):
			errs = append(errs, src.errorf(b.FieldRange, "an address tag's field must end in .address (such as source.address)"))
		default:
			t.typ = typ
		}
	}
	t.lower = b.Lowercase != nil && *b.Lowercase
	return t, errs
}

// compileRule checks a rule block and builds the rule. types are the
// declared log source types.
func compileRule(src *source, b *ruleBlock, lib tagLibrary, types map[string]*logSourceType) (*rule, hclconf.Errors) {
	var errs hclconf.Errors
	add := func(e ...*hclconf.Error) { errs = append(errs, e...) }
	r := &rule{
		name:           b.Name,
		file:           src.name,
		line:           src.pos(b.DefRange.Start).Line,
		classification: b.Classification,
	}
	if b.Name == "" {
		add(src.errorf(b.NameRange, "rule needs a name"))
	}

	if len(b.LogSourceTypes) == 0 {
		add(src.errorf(b.TypesRange, "log_source_types must list at least one log source type"))
	}
	seen := map[string]bool{}
	for _, name := range b.LogSourceTypes {
		switch {
		case seen[name]:
			add(src.errorf(b.TypesRange, "log source type %q is listed twice", name))
		case types[name] == nil:
			add(src.errorf(b.TypesRange, "log source type %q is not declared; add a log_source_type %q block", name, name))
		}
		seen[name] = true
	}
	r.types = b.LogSourceTypes
	if b.SortOrder != nil {
		r.order = *b.SortOrder
	}

	if e := checkClassification(src, b.Classification, b.ClassificationRange); e != nil {
		add(e)
	}
	if b.CommonEvent != nil {
		r.commonEvent = *b.CommonEvent
	}
	if b.Risk != nil {
		if e := checkRisk(src, *b.Risk, b.RiskRange); e != nil {
			add(e)
		}
		r.risk = int64(*b.Risk)
	}

	if es := compilePattern(src, b, lib, r); len(es) > 0 {
		// Without the pattern's groups, every check of what the rule
		// sets would only add noise.
		return r, append(errs, es...)
	}

	canSet := map[string]bool{}
	for _, f := range engineFields {
		canSet[f] = true
	}
	for _, f := range []string{event.FieldCommonEvent, event.FieldRisk, event.FieldRule} {
		canSet[f] = true
	}
	for _, name := range b.LogSourceTypes {
		if t := types[name]; t != nil {
			for _, f := range headerFields[t.header] {
				canSet[f] = true
			}
		}
	}
	for _, c := range r.caps {
		for _, f := range fieldsOf(c.name, c.field, c.typ) {
			canSet[f] = true
		}
	}

	fields, es := compileFields(src, b.Fields, lib)
	add(es...)
	r.fields = fields
	for _, f := range fields {
		canSet[f.path] = true
	}

	// Conditions see the event as the base rule left it, so they may
	// refer only to what the base rule sets; tests see sub-rules' fields too.
	baseSet := maps.Clone(canSet)
	subNames := map[string]bool{}
	for _, sb := range b.SubRules {
		if subNames[sb.Name] {
			add(src.errorf(sb.NameRange, "sub_rule %q is defined twice in rule %q", sb.Name, b.Name))
		}
		subNames[sb.Name] = true
		s, es := compileSubRule(src, sb, lib, baseSet)
		add(es...)
		r.subs = append(r.subs, s)
		canSet[FieldSubRule] = true
		for _, f := range s.fields {
			canSet[f.path] = true
		}
	}
	r.canSet = canSet
	r.meta = newRuleMeta(r.name, r.classification, r.commonEvent)

	for i, tb := range b.Tests {
		t, es := compileTest(src, tb, i+1, r, lib)
		add(es...)
		if t != nil {
			r.tests = append(r.tests, t)
		}
	}
	return r, errs
}

// compilePattern expands tags, compiles the regular expression, maps its
// groups to fields and extracts the required literals.
func compilePattern(src *source, b *ruleBlock, lib tagLibrary, r *rule) hclconf.Errors {
	if b.Pattern == "" {
		return hclconf.Errors{src.errorf(b.PatternRange, "pattern must not be empty")}
	}
	expanded, exps, err := expandTags(b.Pattern, lib)
	if err != nil {
		var pe *patternError
		if errors.As(err, &pe) {
			return hclconf.Errors{src.errorWithin(b.PatternRange, b.Pattern, pe.off, "pattern: %s", pe.msg)}
		}
		return hclconf.Errors{src.errorf(b.PatternRange, "pattern: %v", err)}
	}
	re, err := regexp.Compile(expanded)
	if err != nil {
		off, msg := 0, regexpMessage(err)
		var se *syntax.Error
		if errors.As(err, &se) && se.Expr != "" {
			if i := strings.Index(expanded, se.Expr); i >= 0 {
				// Quote what the author wrote, not the tag expansion.
				off = originalOffset(i, exps)
				end := originalEnd(i+len(se.Expr), exps)
				msg = fmt.Sprintf("%s: `%s`", se.Code, b.Pattern[off:max(off, min(end, len(b.Pattern)))])
			}
			if se.Code == syntax.ErrMissingParen {
				// The error quotes the whole expression; point at the
				// parenthesis left open instead.
				off = max(off, unclosedParen(b.Pattern))
			}
		}
		return hclconf.Errors{src.errorWithin(b.PatternRange, b.Pattern, off, "pattern is not a valid regular expression: %s", msg)}
	}
	r.re = re
	if parsed, err := syntax.Parse(expanded, syntax.Perl); err == nil {
		r.literals = requiredLiterals(parsed)
	}

	var errs hclconf.Errors
	firstGroup := map[string][]int{} // field → groups writing it so far
	for i, name := range re.SubexpNames() {
		if i == 0 || name == "" {
			continue
		}
		path, t := resolveName(name, lib)
		at := func() hcl.Range {
			off := strings.Index(b.Pattern, "(?P<"+name+">")
			if off < 0 {
				off = strings.Index(b.Pattern, "(?<"+name+">")
			}
			return src.within(b.PatternRange, b.Pattern, max(0, off))
		}
		if err := checkPath(path); err != nil {
			errs = append(errs, hclconf.Errorf(at(), "group %q: %v", name, err))
			continue
		}
		if why := reserved(path); why != "" {
			errs = append(errs, hclconf.Errorf(at(), "group %q would write %s: %s", name, path, why))
			continue
		}
		c := capture{group: i, name: name, field: path, shadow: firstGroup[path]}
		if t != nil {
			c.typ, c.lower = t.typ, t.lower
		}
		firstGroup[path] = append(firstGroup[path], i)
		r.caps = append(r.caps, c)
	}
	return errs
}

// regexpMessage renders a regexp error for a rule author: what is wrong
// and the part of the expression it is about.
func regexpMessage(err error) string {
	var se *syntax.Error
	if errors.As(err, &se) {
		return fmt.Sprintf("%s: `%s`", se.Code, se.Expr)
	}
	return err.Error()
}

func checkClassification(src *source, c string, rng hcl.Range) *hclconf.Error {
	if classificationSet[c] {
		return nil
	}
	msg := fmt.Sprintf("unknown classification %q", c)
	if c == event.ClassificationUnknown {
		msg = `classification "Unknown" is reserved for lines no rule matched`
	} else if s := suggestClassification(c); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	} else {
		msg += "; see the classification list in the mpe package documentation"
	}
	return src.errorf(rng, "%s", msg)
}

func checkRisk(src *source, risk int, rng hcl.Range) *hclconf.Error {
	if risk < 0 || risk > 9 {
		return src.errorf(rng, "risk must be between 0 and 9, not %d", risk)
	}
	return nil
}

func compileSubRule(src *source, sb *subRuleBlock, lib tagLibrary, canSet map[string]bool) (*subRule, hclconf.Errors) {
	var errs hclconf.Errors
	s := &subRule{name: sb.Name, risk: -1}
	if sb.Name == "" {
		errs = append(errs, src.errorf(sb.NameRange, "sub_rule needs a name"))
	}
	cond, err := compileCondition(sb.When, func(name string) (string, error) {
		path, _ := resolveName(name, lib)
		if !canSet[path] {
			return "", fmt.Errorf("event.%s (%s) is never set by this rule", name, path)
		}
		return path, nil
	})
	if err != nil {
		var ce *condError
		if errors.As(err, &ce) {
			errs = append(errs, src.errorWithin(sb.WhenRange, sb.When, ce.off, "when: %s", ce.msg))
		} else {
			errs = append(errs, src.errorf(sb.WhenRange, "when: %v", err))
		}
	}
	s.when = cond
	if sb.Classification != nil {
		if e := checkClassification(src, *sb.Classification, sb.ClassificationRange); e != nil {
			errs = append(errs, e)
		}
		s.classification = *sb.Classification
	}
	if sb.CommonEvent != nil {
		s.commonEvent = *sb.CommonEvent
	}
	if sb.Risk != nil {
		if e := checkRisk(src, *sb.Risk, sb.RiskRange); e != nil {
			errs = append(errs, e)
		}
		s.risk = int64(*sb.Risk)
	}
	fields, es := compileFields(src, sb.Fields, lib)
	s.fields = fields
	s.meta = newRuleMeta(s.name, s.classification, s.commonEvent)
	return s, append(errs, es...)
}

// compileFields reads a `fields = { "event.outcome" = "success", … }`
// attribute. Keys resolve like capture group names.
func compileFields(src *source, expr hcl.Expression, lib tagLibrary) ([]staticField, hclconf.Errors) {
	if expr == nil {
		return nil, nil
	}
	if v, diags := expr.Value(nil); !diags.HasErrors() && v.IsNull() {
		return nil, nil // absent
	}
	pairs, diags := hcl.ExprMap(expr)
	if diags.HasErrors() {
		return nil, src.diags(diags)
	}
	var errs hclconf.Errors
	var out []staticField
	seen := map[string]bool{}
	for _, kv := range pairs {
		name, ok := keyString(kv.Key)
		if !ok {
			errs = append(errs, src.errorf(kv.Key.Range(), "fields: a key must be a field name, such as \"event.outcome\""))
			continue
		}
		path, _ := resolveName(name, lib)
		if err := checkPath(path); err != nil {
			errs = append(errs, src.errorf(kv.Key.Range(), "fields: %v", err))
			continue
		}
		if why := reserved(path); why != "" {
			errs = append(errs, src.errorf(kv.Key.Range(), "fields cannot set %s: %s", path, why))
			continue
		}
		if seen[path] {
			errs = append(errs, src.errorf(kv.Key.Range(), "fields: %s is set twice", path))
			continue
		}
		seen[path] = true
		v, diags := kv.Value.Value(nil)
		if diags.HasErrors() {
			errs = append(errs, src.diags(diags)...)
			continue
		}
		value, err := staticValue(v)
		if err != nil {
			errs = append(errs, src.errorf(kv.Value.Range(), "fields: %s: %v", name, err))
			continue
		}
		if path == event.FieldOutcome {
			if s, _ := value.(string); !outcomes[s] {
				errs = append(errs, src.errorf(kv.Value.Range(), "event.outcome must be \"success\", \"failure\" or \"unknown\" (ECS), not %q", event.FormatValue(value)))
				continue
			}
		}
		out = append(out, staticField{path: path, value: value})
	}
	return out, errs
}

// keyString returns the text of an object key: a bare identifier or a
// string.
func keyString(expr hcl.Expression) (string, bool) {
	v, diags := expr.Value(nil)
	if diags.HasErrors() || v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
		return "", false
	}
	return v.AsString(), true
}

// staticValue converts an HCL constant to a field value.
func staticValue(v cty.Value) (any, error) {
	if v.IsNull() || !v.IsKnown() {
		return nil, fmt.Errorf("value must not be null")
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		return v.AsString(), nil
	case ty == cty.Bool:
		return v.True(), nil
	case ty == cty.Number:
		bf := v.AsBigFloat()
		if bf.IsInt() {
			if n, acc := bf.Int64(); acc == big.Exact {
				return n, nil
			}
		}
		f, _ := bf.Float64()
		return f, nil
	case ty.IsTupleType() || ty.IsListType():
		var out []string
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			if e.IsNull() || !e.IsKnown() || e.Type() != cty.String {
				return nil, fmt.Errorf("a list value must hold only strings")
			}
			out = append(out, e.AsString())
		}
		return out, nil
	}
	return nil, fmt.Errorf("value must be a string, number, bool or list of strings, not %s", ty.FriendlyName())
}

// stringValue renders an HCL constant as the string a test compares.
func stringValue(v cty.Value) (string, error) {
	x, err := staticValue(v)
	if err != nil {
		return "", err
	}
	return event.FormatValue(x), nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func quotedList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	if len(q) <= 1 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}
