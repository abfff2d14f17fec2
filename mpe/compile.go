package mpe

import (
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"regexp/syntax"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/google/cel-go/common/types"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/sluicehq/sluice/mpe/rematch"
	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/hclconf"
)

// compileVendor checks a log_source_type block's vendor, product, module
// and identify. A type named "syslog" identifies unless it says
// identify = false.
func compileVendor(src *source, b *typeBlock, t *logSourceType) hclconf.Errors {
	var errs hclconf.Errors
	t.identify = b.Name == "syslog"
	if b.Identify != nil {
		t.identify = *b.Identify
		if t.identify && t.format == formatJSON {
			errs = append(errs, src.errorf(b.IdentifyRange, "identify is for text log source types: a JSON document is not matched against vendor patterns"))
		}
	}
	for _, a := range []struct {
		v *string
		r hcl.Range
		n string
	}{{b.Vendor, b.VendorRange, "vendor"}, {b.Product, b.ProductRange, "product"}, {b.Module, b.ModuleRange, "module"}} {
		if a.v != nil && strings.TrimSpace(*a.v) == "" {
			errs = append(errs, src.errorf(a.r, "%s is empty; leave it out or name it", a.n))
		}
	}
	if b.Vendor == nil {
		if b.Product != nil {
			errs = append(errs, src.errorf(b.ProductRange, "product needs a vendor (vendor = \"Cisco\")"))
		}
		if b.Module != nil {
			errs = append(errs, src.errorf(b.ModuleRange, "module needs a vendor (vendor = \"Cisco\")"))
		}
		return errs
	}
	module := strings.ToLower(strings.ReplaceAll(*b.Vendor, " ", "_"))
	if b.Module != nil {
		module = *b.Module
	}
	vm := &vendorMeta{vendor: *b.Vendor, module: module, dataset: b.Name}
	if b.Product != nil {
		vm.product = *b.Product
	}
	t.vendor = vm
	return errs
}

// compileType checks a log_source_type block.
func compileType(src *source, b *typeBlock) (*logSourceType, hclconf.Errors) {
	var errs hclconf.Errors
	t := &logSourceType{name: b.Name, boxedName: b.Name, header: headerSyslog, loc: time.UTC}
	if b.Name == "" {
		errs = append(errs, src.errorf(b.NameRange, "log_source_type needs a name"))
	}
	if b.Format != nil {
		if f, ok := formatKinds[*b.Format]; !ok {
			errs = append(errs, src.errorf(b.FormatRange, "unknown format %q; use %s", *b.Format, quotedList(sortedKeys(formatKinds))))
		} else {
			t.format = f
		}
	}
	if b.Header != nil {
		if k, ok := headerKinds[*b.Header]; !ok {
			errs = append(errs, src.errorf(b.HeaderRange, "unknown header %q; use %s", *b.Header, quotedList(sortedKeys(headerKinds))))
		} else if t.format == formatJSON {
			errs = append(errs, src.errorf(b.HeaderRange, "a JSON log source type has no header; leave header out"))
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
	if b.Sort != nil && *b.Sort != "static" && *b.Sort != "auto" {
		errs = append(errs, src.errorf(b.SortRange, "unknown sort %q; use \"static\" (by sort_order) or \"auto\" (by match rate within a sort_order)", *b.Sort))
	}
	if b.Sort != nil && *b.Sort == "auto" {
		t.auto = &autoSort{} // replaced once the policy is known
	}
	if b.KeepOriginal != nil {
		if t.format != formatJSON {
			errs = append(errs, src.errorf(b.NameRange, "keep_original is for JSON log source types (a text event's message is its line)"))
		}
		t.keepOriginal = *b.KeepOriginal
	}
	errs = append(errs, compileVendor(src, b, t)...)
	if b.JSONPrefix != nil {
		switch err := checkPath(*b.JSONPrefix); {
		case t.format != formatJSON:
			errs = append(errs, src.errorf(b.JSONPrefixRange, "json_prefix is for JSON log source types (format = \"json\")"))
		case err != nil:
			errs = append(errs, src.errorf(b.JSONPrefixRange, "json_prefix: %v", err))
		default:
			t.jsonPrefix = *b.JSONPrefix
		}
	}
	if len(b.TimestampFields) > 0 {
		if t.format != formatJSON {
			errs = append(errs, src.errorf(b.TSRange, "timestamp_fields is for JSON log source types (format = \"json\")"))
		}
		for _, f := range b.TimestampFields {
			if err := checkPath(f); err != nil {
				errs = append(errs, src.errorf(b.TSRange, "timestamp_fields: %v", err))
			}
		}
		t.tsFields = b.TimestampFields
	} else if t.format == formatJSON {
		t.tsFields = jsonTimestampDefault
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
	isTime := b.Type != nil && *b.Type == "time"
	if err := checkPath(b.Field); err != nil {
		errs = append(errs, src.errorf(b.FieldRange, "%v", err))
	} else if why := reserved(b.Field); why != "" && !(isTime && b.Field == event.FieldTimestamp) {
		errs = append(errs, src.errorf(b.FieldRange, "a tag cannot write %s: %s", b.Field, why))
	}
	if b.Type != nil {
		typ, ok := valueTypeNames[*b.Type]
		switch {
		case !ok:
			errs = append(errs, src.errorf(b.TypeRange, "unknown type %q; use %s", *b.Type, quotedList(sortedKeys(valueTypeNames))))
		case typ == typeAddress && !strings.HasSuffix(b.Field, ".address"):
			errs = append(errs, src.errorf(b.FieldRange, "an address tag's field must end in .address (such as source.address)"))
		case typ == typeURL && !strings.HasSuffix(b.Field, ".original"):
			errs = append(errs, src.errorf(b.FieldRange, "a url tag's field must end in .original (such as url.original)"))
		default:
			t.typ = typ
		}
	}
	switch {
	case isTime && (b.Layout == nil || *b.Layout == ""):
		errs = append(errs, src.errorf(b.TypeRange, "a time tag needs a layout: the reference time Mon Jan 2 15:04:05 MST 2006 written as the log writes it, such as \"02/Jan/2006:15:04:05 -0700\""))
	case isTime:
		if _, err := time.Parse(*b.Layout, time.Date(2006, 1, 2, 15, 4, 5, 0, time.UTC).Format(*b.Layout)); err != nil {
			errs = append(errs, src.errorf(b.LayoutRange, "layout %q does not parse its own output: %v", *b.Layout, err))
		}
		t.layout = *b.Layout
	case b.Layout != nil:
		errs = append(errs, src.errorf(b.LayoutRange, "layout is for tags of type \"time\""))
	}
	if len(b.Values) > 0 {
		if t.typ != typeString {
			errs = append(errs, src.errorf(b.ValuesRange, "values (a lookup table) is for string tags"))
		}
		t.values = make(map[string]any, len(b.Values))
		for k, v := range b.Values {
			t.values[k] = v
		}
	}
	t.lower = b.Lowercase != nil && *b.Lowercase
	return t, errs
}

// compileRule checks a rule block and builds the rule. types are the
// declared log source types; intel says whether intel lists exist.
func compileRule(src *source, b *ruleBlock, lib tagLibrary, decl map[string]*logSourceType, intel bool) (*rule, hclconf.Errors) {
	var errs hclconf.Errors
	add := func(e ...*hclconf.Error) { errs = append(errs, e...) }
	r := &rule{
		name:           b.Name,
		file:           src.name,
		line:           b.DefRange.Start.Line,
		classification: b.Classification,
		weight:         classificationWeight(b.Classification),
	}
	if b.Name == "" {
		add(src.errorf(b.NameRange, "rule needs a name"))
	}

	if len(b.LogSourceTypes) == 0 {
		add(src.errorf(b.TypesRange, "log_source_types must list at least one log source type"))
	}
	seen := map[string]bool{}
	formats := map[formatKind]bool{}
	for _, name := range b.LogSourceTypes {
		switch {
		case seen[name]:
			add(src.errorf(b.TypesRange, "log source type %q is listed twice", name))
		case decl[name] == nil:
			add(src.errorf(b.TypesRange, "log source type %q is not declared; add a log_source_type %q block", name, name))
		default:
			formats[decl[name].format] = true
		}
		seen[name] = true
	}
	if len(formats) > 1 {
		add(src.errorf(b.TypesRange, "a rule cannot apply to both text and JSON log source types; write one rule for each"))
	}
	isJSON := formats[formatJSON]
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

	// What the event holds before the rule runs: the engine's fields and
	// what the header (or JSON document) gave.
	sch := newSchema(lib, "this rule")
	for f, t := range engineFields {
		sch.add(f, t)
	}
	for _, name := range b.LogSourceTypes {
		if t := decl[name]; t != nil && t.format == formatText {
			addHeaderFields(sch, t)
		}
	}
	if isJSON {
		sch.open = true
		for f, t := range jsonFields {
			sch.add(f, t)
		}
	}

	switch {
	case isJSON && b.Pattern != nil:
		add(src.errorf(b.PatternRange, "a rule of a JSON log source type matches with when (a condition over the document's fields), not pattern"))
	case isJSON && b.When == nil:
		add(src.errorf(b.MissingRange, "The argument \"when\" is required: a rule of a JSON log source type matches with a condition over the document's fields, such as when = \"event.winlog.event_id == 4624\""))
	case isJSON:
		c, err := compileCondition(*b.When, sch)
		if err != nil {
			add(condErrorAt(src, b.WhenRange, *b.When, err))
		} else {
			r.when = c
			r.literals = c.lits
		}
	case b.When != nil:
		add(src.errorf(b.WhenRange, "when on a rule is for JSON log source types; on a text type, match with pattern and refine with a sub_rule's when"))
	case b.Pattern == nil:
		add(src.errorf(b.MissingRange, "The argument \"pattern\" is required: the regular expression the rule matches lines with"))
	default:
		if es := compilePattern(src, b, lib, r); len(es) > 0 {
			// Without the pattern's groups, every check of what the rule
			// sets would only add noise.
			return r, append(errs, es...)
		}
	}
	if len(errs) > 0 && r.re == nil && r.when == nil {
		return r, errs
	}

	for f, t := range matchedFields {
		sch.add(f, t)
	}
	for _, c := range r.caps {
		for i, f := range fieldsOf(c.name, c.field, c.typ) {
			if c.typ == typeURL && strings.HasSuffix(f, ".port") {
				sch.add(f, types.IntType)
				continue
			}
			if i == 0 {
				sch.add(f, valueCELType(c.typ))
				if c.values != nil {
					sch.add(f, types.StringType)
				}
			} else {
				sch.add(f, types.StringType)
			}
		}
	}
	r.ext = compileExtract(src, b, isJSON, sch, add)
	maps, es := compileMaps(src, b.Map, lib)
	add(es...)
	add(bindExtracted(src, b, r.ext, maps)...)
	r.maps = maps
	for _, m := range maps {
		t := types.DynType
		for k, from := range m.from {
			if m.xkey != nil && m.xkey[k] != "" {
				t = valueCELType(m.typed.typ)
				// An extracted value typed as an address or url sets
				// its sibling fields too.
				for _, f := range fieldsOf(m.typed.name, m.to, m.typed.typ)[1:] {
					sch.add(f, types.StringType)
				}
			} else if ft, ok := sch.fields[from]; ok {
				t = ft
			}
		}
		if m.typ != nil { // a source converts: the functions' type
			t = m.typ
		}
		sch.add(m.to, t)
	}

	fields, es := compileFields(src, b.Fields, lib)
	add(es...)
	r.fields = fields
	for _, f := range fields {
		sch.add(f.path, celTypeOf(f.value))
	}
	if intel {
		for f, t := range intelFieldTypes {
			sch.add(f, t)
		}
	}

	// A vendor type's rules say what they read (known once every file is
	// loaded, so any rule may).
	for _, f := range vendorFields {
		sch.add(f, types.StringType)
	}

	// Conditions see the event as the base rule and intel lists left it;
	// tests see sub-rules' fields too.
	canSet := map[string]bool{}
	for f := range sch.fields {
		canSet[f] = true
	}
	subNames := map[string]bool{}
	for _, sb := range b.SubRules {
		if subNames[sb.Name] {
			add(src.errorf(sb.NameRange, "sub_rule %q is defined twice in rule %q", sb.Name, b.Name))
		}
		subNames[sb.Name] = true
		s, es := compileSubRule(src, sb, lib, sch)
		add(es...)
		r.subs = append(r.subs, s)
		if r.ext != nil && s.when != nil {
			for _, p := range s.when.paths {
				if strings.HasPrefix(p, r.ext.prefix) && !slices.Contains(r.condX, p) {
					r.condX = append(r.condX, p)
				}
			}
		}
		canSet[FieldSubRule] = true
		for _, f := range s.fields {
			canSet[f.path] = true
		}
	}
	r.canSet = canSet
	r.schema = sch
	r.meta = newRuleMeta(r.name, r.classification, r.commonEvent)

	for i, tb := range b.Tests {
		t, es := compileTest(src, tb, i+1, r, lib, decl)
		add(es...)
		if t != nil {
			r.tests = append(r.tests, t)
		}
	}
	return r, errs
}

// addHeaderFields adds to sch what t's header parser (or header_pattern)
// may set.
func addHeaderFields(sch *schema, t *logSourceType) {
	for f, ft := range headerFields[t.header] {
		sch.add(f, ft)
	}
	// An entry of any text type may come from a structured source (the
	// journal), whose fields (Entry.Fields) take the header's place.
	for f, ft := range entryFields {
		sch.add(f, ft)
	}
	for _, c := range t.headerCaps {
		for i, f := range fieldsOf(c.name, c.field, c.typ) {
			if i == 0 {
				sch.add(f, valueCELType(c.typ))
				if c.values != nil {
					sch.add(f, types.StringType)
				}
			} else {
				sch.add(f, types.StringType)
			}
		}
	}
}

// condErrorAt places a condition error within the attribute at rng.
func condErrorAt(src *source, rng hcl.Range, expr string, err error) *hclconf.Error {
	var ce *condError
	if errors.As(err, &ce) {
		return src.errorWithin(rng, expr, ce.off, "when: %s", ce.msg)
	}
	return src.errorf(rng, "when: %v", err)
}

// compileMaps reads a `map = { "user.name" = "winlog.event_data.TargetUserName" }`
// attribute: each key is a field (resolved like capture group names), each
// value the field to copy from, or a list of them (the first present wins).
func compileMaps(src *source, expr hcl.Expression, lib tagLibrary) ([]fieldMap, hclconf.Errors) {
	if expr == nil {
		return nil, nil
	}
	if v, diags := expr.Value(nil); !diags.HasErrors() && v.IsNull() {
		return nil, nil
	}
	pairs, diags := hcl.ExprMap(expr)
	if diags.HasErrors() {
		return nil, src.diags(diags)
	}
	var errs hclconf.Errors
	var out []fieldMap
	for _, kv := range pairs {
		name, ok := keyString(kv.Key)
		if !ok {
			errs = append(errs, src.errorf(kv.Key.Range(), "map: a key must be a field name, such as \"user.name\""))
			continue
		}
		to, tg := resolveName(name, lib)
		if err := checkPath(to); err != nil {
			errs = append(errs, src.errorf(kv.Key.Range(), "map: %v", err))
			continue
		}
		if tg == nil {
			tg = tagOfField(to, lib)
		}
		if why := reserved(to); why != "" {
			errs = append(errs, src.errorf(kv.Key.Range(), "map cannot set %s: %s", to, why))
			continue
		}
		v, diags := kv.Value.Value(nil)
		if diags.HasErrors() {
			errs = append(errs, src.diags(diags)...)
			continue
		}
		x, err := staticValue(v)
		var from []string
		switch y := x.(type) {
		case string:
			from = []string{y}
		case []string:
			from = y
		default:
			if err == nil {
				err = fmt.Errorf("the value must be the field to copy from, or a list of them")
			}
		}
		if err != nil {
			errs = append(errs, src.errorf(kv.Value.Range(), "map: %s: %v", name, err))
			continue
		}
		fm := fieldMap{to: to, from: from}
		for i, f := range from {
			path, fn, arg, typ, err := parseMapSource(f)
			if err != nil {
				errs = append(errs, src.errorf(kv.Value.Range(), "map: %s: %v", name, err))
				continue
			}
			p, _ := resolveName(path, lib)
			// A key=value key is the device's text (Check Point's
			// i/f_dir): any non-empty key may be read.
			if len(p) <= len("kv.") || !strings.HasPrefix(p, "kv.") {
				if err := checkPath(p); err != nil {
					errs = append(errs, src.errorf(kv.Value.Range(), "map: %s: %v", name, err))
				}
			}
			from[i] = p
			if fn != nil {
				if fm.fns == nil {
					fm.fns, fm.args = make([]mapFunc, len(from)), make([]string, len(from))
				}
				fm.fns[i], fm.args[i] = fn, arg
				if fm.typ == nil || fm.typ == typ {
					fm.typ = typ
				} else {
					fm.typ = types.DynType
				}
			}
		}
		for _, fn := range fm.fns {
			if fn == nil { // a plain copy beside a function: either type
				fm.typ = types.DynType
			}
		}
		fm.typed = newCapture(-1, strings.ReplaceAll(name, ".", "_"), to, tg)
		out = append(out, fm)
	}
	return out, errs
}

// compilePattern expands tags, compiles the rule's regular expression,
// maps its groups to fields and extracts the required literals.
func compilePattern(src *source, b *ruleBlock, lib tagLibrary, r *rule) hclconf.Errors {
	re, caps, lits, errs := compileRegex(src, *b.Pattern, b.PatternRange, lib)
	r.re, r.caps, r.literals = re, caps, lits
	if re != nil {
		r.m = rematch.New(re)
		r.starts = leadingLiterals(re)
	}
	return errs
}

// compileRegex compiles a pattern as written in a rule file (tags, raw
// named groups) at rng: the regular expression, where each group's value
// goes, and the literals every match contains.
func compileRegex(src *source, pattern string, rng hcl.Range, lib tagLibrary) (*regexp.Regexp, []capture, [][]string, hclconf.Errors) {
	if pattern == "" {
		return nil, nil, nil, hclconf.Errors{src.errorf(rng, "pattern must not be empty")}
	}
	expanded, exps, err := expandTags(pattern, lib)
	if err != nil {
		var pe *patternError
		if errors.As(err, &pe) {
			return nil, nil, nil, hclconf.Errors{src.errorWithin(rng, pattern, pe.off, "pattern: %s", pe.msg)}
		}
		return nil, nil, nil, hclconf.Errors{src.errorf(rng, "pattern: %v", err)}
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
				msg = fmt.Sprintf("%s: `%s`", se.Code, pattern[off:max(off, min(end, len(pattern)))])
			}
			if se.Code == syntax.ErrMissingParen {
				// The error quotes the whole expression; point at the
				// parenthesis left open instead.
				off = max(off, unclosedParen(pattern))
			}
		}
		return nil, nil, nil, hclconf.Errors{src.errorWithin(rng, pattern, off, "pattern is not a valid regular expression: %s", msg)}
	}
	var lits [][]string
	if parsed, err := syntax.Parse(expanded, syntax.Perl); err == nil {
		lits = requiredLiterals(parsed)
	}

	var errs hclconf.Errors
	var caps []capture
	firstGroup := map[string][]int{} // field → groups writing it so far
	for i, name := range re.SubexpNames() {
		if i == 0 || name == "" {
			continue
		}
		path, t := resolveName(name, lib)
		at := func() hcl.Range {
			off := strings.Index(pattern, "(?P<"+name+">")
			if off < 0 {
				off = strings.Index(pattern, "(?<"+name+">")
			}
			return src.within(rng, pattern, max(0, off))
		}
		if err := checkPath(path); err != nil {
			errs = append(errs, hclconf.Errorf(at(), "group %q: %v", name, err))
			continue
		}
		c := newCapture(i, name, path, t)
		c.shadow = firstGroup[path]
		if why := reserved(path); why != "" && !(c.typ == typeTime && path == event.FieldTimestamp) {
			errs = append(errs, hclconf.Errorf(at(), "group %q would write %s: %s", name, path, why))
			continue
		}
		firstGroup[path] = append(firstGroup[path], i)
		caps = append(caps, c)
	}
	return re, caps, lits, errs
}

// compileHeaderPattern compiles a log source type's header_pattern: a
// regular expression, anchored at the start of the line, whose groups are
// the header's fields.
func compileHeaderPattern(src *source, b *typeBlock, t *logSourceType, lib tagLibrary) hclconf.Errors {
	if b.HeaderFormat != nil {
		switch {
		case b.HeaderPattern != nil:
			return hclconf.Errors{src.errorf(b.HeaderFormatRange, "give header_format or header_pattern, not both")}
		case t.format == formatJSON:
			return hclconf.Errors{src.errorf(b.HeaderFormatRange, "a JSON log source type has no header; leave header_format out")}
		}
		d, errs := compileHeaderFormat(src, *b.HeaderFormat, b.HeaderFormatRange, lib)
		if len(errs) > 0 {
			return errs
		}
		t.dissect, t.header = d, headerNone
		for _, tok := range d.tokens {
			if tok.cap.field != "" {
				t.headerCaps = append(t.headerCaps, tok.cap)
			}
		}
		return nil
	}
	if b.HeaderPattern == nil {
		return nil
	}
	if t.format == formatJSON {
		return hclconf.Errors{src.errorf(b.HeaderPatternRange, "a JSON log source type has no header; leave header_pattern out")}
	}
	p := *b.HeaderPattern
	if !strings.HasPrefix(p, "^") {
		p = "^(?:" + p + ")"
	}
	re, caps, _, errs := compileRegex(src, p, b.HeaderPatternRange, lib)
	if len(errs) > 0 {
		return errs
	}
	t.headerRE, t.headerM, t.headerCaps = re, rematch.New(re), caps
	t.header = headerNone
	return nil
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

func compileSubRule(src *source, sb *subRuleBlock, lib tagLibrary, sch *schema) (*subRule, hclconf.Errors) {
	var errs hclconf.Errors
	s := &subRule{name: sb.Name, risk: -1}
	if sb.Name == "" {
		errs = append(errs, src.errorf(sb.NameRange, "sub_rule needs a name"))
	}
	cond, err := compileCondition(sb.When, sch)
	if err != nil {
		errs = append(errs, condErrorAt(src, sb.WhenRange, sb.When, err))
	}
	s.when = cond
	if sb.Classification != nil {
		if e := checkClassification(src, *sb.Classification, sb.ClassificationRange); e != nil {
			errs = append(errs, e)
		}
		s.classification = *sb.Classification
		s.weight = classificationWeight(s.classification)
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
