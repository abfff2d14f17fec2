package mpe

import (
	"cmp"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"

	"github.com/sluicehq/sluice/pkg/hclconf"
)

// LoadOptions connects a rule set to what outlives it: the mediator keeps
// one webhook runner and hands it to every set it loads, and passes the
// set in force so statistics carry over a reload.
type LoadOptions struct {
	// Webhooks receives the calls of event rules' webhook actions. Nil
	// drops them (counted in Totals().Webhooks all the same): `sluice rules`
	// commands and tests load without one.
	Webhooks *WebhookRunner
	// Previous, when set, is the rule set being replaced: rules and event
	// rules of the same name keep counting into the same statistics.
	Previous *RuleSet
	// OnPanic, when set, is told about every panic Process or Parse
	// recovered from (the entry is kept as an error event either way). It
	// must be safe for concurrent use.
	OnPanic func(PanicInfo)
}

// Load reads rule files: each path is a file, or a folder searched
// recursively for *.hcl files. All files form one rule set (a rule may use
// a tag or log source type another file defines). Any error in any file
// fails the whole load; the error is an hclconf.Errors listing every
// problem as file:line:col: message.
func Load(paths []string) (*RuleSet, error) {
	return LoadWith(paths, LoadOptions{})
}

// LoadWith is Load with options. Loading is cheap enough to call on every
// change of a watched file: the mediator compiles the new set beside the
// old one, runs its tests, and swaps.
func LoadWith(paths []string, opts LoadOptions) (*RuleSet, error) {
	var files []string
	var errs hclconf.Errors
	seen := map[string]bool{}
	addFile := func(p string) {
		if c := filepath.Clean(p); !seen[c] {
			seen[c] = true
			files = append(files, p)
		}
	}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			errs = append(errs, &hclconf.Error{File: p, Msg: fmt.Sprintf("read rules: %v", err)})
			continue
		}
		if !info.IsDir() {
			addFile(p)
			continue
		}
		n := len(files)
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(d.Name(), ".hcl") {
				addFile(path)
			}
			return nil
		})
		if err != nil {
			errs = append(errs, &hclconf.Error{File: p, Msg: fmt.Sprintf("read rules: %v", err)})
		} else if len(files) == n {
			errs = append(errs, &hclconf.Error{File: p, Msg: "no rule files (*.hcl) in this folder"})
		}
	}
	if len(paths) == 0 {
		errs = append(errs, &hclconf.Error{Msg: "no rule files given"})
	}
	l := newLoader(opts)
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			errs = append(errs, &hclconf.Error{File: f, Msg: fmt.Sprintf("read rules: %v", err)})
			continue
		}
		l.addFile(f, src)
	}
	if len(errs) > 0 {
		return nil, append(errs, l.errs...)
	}
	return l.finish()
}

// LoadBytes loads one rule file from memory; name is used in errors and
// intel list files are found relative to it.
func LoadBytes(name string, src []byte) (*RuleSet, error) {
	l := newLoader(LoadOptions{})
	l.addFile(name, src)
	return l.finish()
}

// loader collects the blocks of all files, then compiles them together.
type loader struct {
	opts   LoadOptions
	files  []string
	types  []declared[*typeBlock]
	tags   []declared[*tagBlock]
	rules  []declared[*ruleBlock]
	intel  []declared[*intelBlock]
	events []declared[*eventRuleBlock]
	errs   hclconf.Errors
}

type declared[T any] struct {
	src   *source
	block T
}

func newLoader(opts LoadOptions) *loader { return &loader{opts: opts} }

// addFile parses one file and decodes its blocks. A block that does not
// decode is reported and left out; the others still go on.
func (l *loader) addFile(name string, data []byte) {
	l.files = append(l.files, name)
	src := newSource(name, data)
	body, errs := src.parse()
	if len(errs) > 0 {
		l.errs = append(l.errs, errs...)
		return
	}
	content, diags := body.Content(fileSchema)
	l.errs = append(l.errs, src.diags(diags)...)
	for _, b := range content.Blocks {
		label, labelRange := "", b.DefRange
		if len(b.Labels) > 0 {
			label, labelRange = b.Labels[0], b.LabelRanges[0]
		}
		switch b.Type {
		case "log_source_type":
			tb := &typeBlock{Name: label, NameRange: labelRange}
			if l.decode(src, b, tb) {
				l.types = append(l.types, declared[*typeBlock]{src, tb})
			}
		case "tag":
			tb := &tagBlock{Name: label, NameRange: labelRange}
			if l.decode(src, b, tb) {
				l.tags = append(l.tags, declared[*tagBlock]{src, tb})
			}
		case "rule":
			rb := &ruleBlock{Name: label, NameRange: labelRange, DefRange: b.DefRange, MissingRange: b.Body.MissingItemRange()}
			if l.decode(src, b, rb) {
				l.rules = append(l.rules, declared[*ruleBlock]{src, rb})
			}
		case "intel_list":
			ib := &intelBlock{Name: label, NameRange: labelRange}
			if l.decode(src, b, ib) {
				l.intel = append(l.intel, declared[*intelBlock]{src, ib})
			}
		case "event_rule":
			eb := &eventRuleBlock{Name: label, NameRange: labelRange, DefRange: b.DefRange}
			if l.decode(src, b, eb) {
				l.events = append(l.events, declared[*eventRuleBlock]{src, eb})
			}
		}
	}
}

func (l *loader) decode(src *source, b *hcl.Block, into any) bool {
	diags := gohcl.DecodeBody(b.Body, nil, into)
	if diags.HasErrors() {
		l.errs = append(l.errs, src.diags(diags)...)
		return false
	}
	return true
}

// finish compiles what addFile collected: log source types and tags
// first, since rules in any file may use them.
func (l *loader) finish() (*RuleSet, error) {
	errs := l.errs
	types := map[string]*logSourceType{}
	typeAt := map[string]string{}
	for _, d := range l.types {
		t, es := compileType(d.src, d.block)
		errs = append(errs, es...)
		where := d.block.NameRange
		if prev, dup := typeAt[t.name]; dup {
			errs = append(errs, hclconf.Errorf(where, "log_source_type %q is already declared at %s", t.name, prev))
			continue
		}
		typeAt[t.name] = posString(where)
		types[t.name] = t
	}

	lib := newTagLibrary()
	tagAt := map[string]string{}
	for _, d := range l.tags {
		t, es := compileTag(d.src, d.block, lib)
		errs = append(errs, es...)
		where := d.block.NameRange
		if prev, dup := tagAt[t.name]; dup {
			errs = append(errs, hclconf.Errorf(where, "tag %q is already defined at %s", t.name, prev))
			continue
		}
		tagAt[t.name] = posString(where)
		if len(es) == 0 {
			lib[t.name] = t
		}
	}
	for _, d := range l.types {
		if t := types[d.block.Name]; t != nil {
			errs = append(errs, compileHeaderPattern(d.src, d.block, t, lib)...)
		}
	}

	rs := &RuleSet{types: types, webhooks: l.opts.Webhooks, onPanic: l.opts.OnPanic}
	files := slices.Clone(l.files)

	intelAt := map[string]string{}
	for _, d := range l.intel {
		il, es := compileIntel(d.src, d.block, lib)
		errs = append(errs, es...)
		where := d.block.NameRange
		if prev, dup := intelAt[d.block.Name]; dup {
			errs = append(errs, hclconf.Errorf(where, "intel_list %q is already defined at %s", d.block.Name, prev))
			continue
		}
		intelAt[d.block.Name] = posString(where)
		if il != nil {
			rs.intel = append(rs.intel, il)
			files = append(files, il.file)
		}
	}

	ruleAt := map[string]string{}
	for _, d := range l.rules {
		r, es := compileRule(d.src, d.block, lib, types, len(l.intel) > 0)
		errs = append(errs, es...)
		where := d.block.NameRange
		if prev, dup := ruleAt[r.name]; dup {
			errs = append(errs, hclconf.Errorf(where, "rule %q is already defined at %s", r.name, prev))
			continue
		}
		ruleAt[r.name] = posString(where)
		rs.rules = append(rs.rules, r)
	}

	// Event rules see what any rule of their types may set.
	eventAt := map[string]string{}
	for _, d := range l.events {
		er, es := compileEventRule(d.src, d.block, lib, types, rs.rules, l.events, len(l.intel) > 0)
		errs = append(errs, es...)
		where := d.block.NameRange
		if prev, dup := eventAt[er.name]; dup {
			errs = append(errs, hclconf.Errorf(where, "event_rule %q is already defined at %s", er.name, prev))
			continue
		}
		if prev, dup := ruleAt[er.name]; dup {
			errs = append(errs, hclconf.Errorf(where, "event_rule %q has the name of the rule at %s; names are shared by rules and event rules (statistics, alarms)", er.name, prev))
			continue
		}
		eventAt[er.name] = posString(where)
		rs.eventRules = append(rs.eventRules, er)
	}

	if len(errs) > 0 {
		slices.SortStableFunc(errs, func(a, b *hclconf.Error) int {
			return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
		})
		return nil, errs
	}

	l.carryStats(rs)
	for _, r := range rs.rules {
		for _, name := range r.types {
			types[name].policy = append(types[name].policy, r)
			if r.vendor == nil {
				r.vendor = types[name].vendor
			}
		}
	}
	addIdentified(types)
	slices.SortStableFunc(rs.eventRules, func(a, b *eventRule) int {
		return cmp.Or(cmp.Compare(a.order, b.order), cmp.Compare(a.name, b.name))
	})
	undeclared := newUndeclared()
	types[undeclaredKey] = undeclared
	for name, t := range types {
		slices.SortStableFunc(t.policy, func(a, b *rule) int {
			return cmp.Or(cmp.Compare(a.order, b.order), cmp.Compare(a.name, b.name))
		})
		t.selector = newSelector(t.policy)
		if t.auto != nil {
			t.auto = newAutoSort(t.policy)
		}
		for _, er := range rs.eventRules {
			if er.appliesTo(name) {
				t.events = append(t.events, er)
			}
		}
	}
	if errs := rs.checkTests(); len(errs) > 0 {
		return nil, errs
	}
	slices.Sort(files)
	rs.files = slices.Compact(files)
	return rs, nil
}

// addIdentified adds to the policy of every type that identifies the
// text rules of every vendor type, those the selector can pick by their
// literals: a rule without one would be tried on every line of every
// device.
func addIdentified(types map[string]*logSourceType) {
	var vendorRules []*rule
	seen := map[*rule]bool{}
	for _, t := range types {
		if t.vendor == nil || t.format != formatText {
			continue
		}
		for _, r := range t.policy {
			if !seen[r] && r.re != nil && len(selectGroups(r.literals)) > 0 {
				seen[r] = true
				vendorRules = append(vendorRules, r)
			}
		}
	}
	for _, t := range types {
		if !t.identify {
			continue
		}
		own := map[*rule]bool{}
		for _, r := range t.policy {
			own[r] = true
		}
		for _, r := range vendorRules {
			if !own[r] {
				t.policy = append(t.policy, r)
			}
		}
	}
}

// carryStats gives rules and event rules the counters of the same-named
// ones of the previous set, or new ones.
func (l *loader) carryStats(rs *RuleSet) {
	prev := map[string]*counters{}
	if p := l.opts.Previous; p != nil {
		for _, r := range p.rules {
			prev["rule\x00"+r.name] = r.stats
		}
		for _, er := range p.eventRules {
			prev["event\x00"+er.name] = er.stats
		}
	}
	for _, r := range rs.rules {
		if r.stats = prev["rule\x00"+r.name]; r.stats == nil {
			r.stats = &counters{}
		}
	}
	for _, er := range rs.eventRules {
		if er.stats = prev["event\x00"+er.name]; er.stats == nil {
			er.stats = &counters{}
		}
	}
}

func posString(r hcl.Range) string {
	return fmt.Sprintf("%s:%d:%d", r.Filename, r.Start.Line, r.Start.Column)
}
