package mpe

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/hclconf"
)

// TestReport is the outcome of running every test block of a rule set.
type TestReport struct {
	Passed, Failed int
	Failures       []TestFailure
}

// TestFailure is one way a test block did not hold. A failed test may
// have several (one per wrong field).
type TestFailure struct {
	File string
	Line int
	Rule string
	Msg  string
}

// String renders the failure as
// `file:line: rule "x": test 2: field login: want "bob", got "alice"`.
func (f TestFailure) String() string {
	return fmt.Sprintf("%s:%d: rule %q: %s", f.File, f.Line, f.Rule, f.Msg)
}

// ruleTest is a compiled test block.
type ruleTest struct {
	n         int // 1-based, within its rule
	line      int
	log       string
	typ       string
	collected time.Time // zero: the time the test runs
	expect    []expectation
	intel     *intelFixture
	// typRange is where the test names a type the rule does not list:
	// allowed when the type's policy holds the rule (identification),
	// checked once policies are known.
	typRange *hcl.Range
}

// expectation is one key of a test's expect map.
type expectation struct {
	key  string // as written
	path string
	want string
	line int
}

func compileTest(src *source, tb *testBlock, n int, r *rule, lib tagLibrary) (*ruleTest, hclconf.Errors) {
	var errs hclconf.Errors
	t := &ruleTest{n: n, line: tb.DefRange.Start.Line, log: tb.Log}
	if len(r.types) > 0 {
		t.typ = r.types[0]
	}
	if tb.LogSourceType != nil {
		t.typ = *tb.LogSourceType
		if !slices.Contains(r.types, t.typ) {
			rng := tb.LogSourceTypeRange
			t.typRange = &rng
		}
	}
	fx, es := compileIntelFixture(src, tb.Intel, n)
	errs = append(errs, es...)
	t.intel = fx
	if tb.Collected != nil {
		c, err := time.Parse(time.RFC3339, *tb.Collected)
		if err != nil {
			errs = append(errs, src.errorf(tb.CollectedRange, "test %d: collected must be an RFC 3339 time such as \"2024-03-01T12:00:00Z\"", n))
		}
		t.collected = c
	}
	if tb.Log == "" {
		errs = append(errs, src.errorf(tb.LogRange, "test %d: log must not be empty", n))
	}

	exp, es := compileExpect(src, tb.Expect, n, func(path string) bool { return r.canSet[path] || (r.schema != nil && r.schema.open) }, lib, fmt.Sprintf("rule %q", r.name))
	if len(es) > 0 && len(exp) < len(es) {
		// Say what the rule does set, once.
		for _, e := range es {
			if strings.Contains(e.Msg, "is never set by") {
				e.Msg += "; it sets " + strings.Join(settable(r), ", ")
				break
			}
		}
	}
	errs = append(errs, es...)
	t.expect = exp
	return t, errs
}

// compileExpect reads an expect map. canSet says whether a field may be
// set at all; what names the setter in messages.
func compileExpect(src *source, expr hcl.Expression, n int, canSet func(string) bool, lib tagLibrary, what string) ([]expectation, hclconf.Errors) {
	if !present(expr) {
		return nil, nil
	}
	var errs hclconf.Errors
	pairs, diags := hcl.ExprMap(expr)
	if diags.HasErrors() {
		return nil, src.diags(diags)
	}
	if len(pairs) == 0 {
		errs = append(errs, src.errorf(expr.Range(), "test %d: expect must name at least one field", n))
	}
	var out []expectation
	for _, kv := range pairs {
		key, ok := keyString(kv.Key)
		if !ok {
			errs = append(errs, src.errorf(kv.Key.Range(), "test %d: an expect key must be a field name", n))
			continue
		}
		path, _ := resolveName(key, lib)
		v, diags := kv.Value.Value(nil)
		if diags.HasErrors() {
			errs = append(errs, src.diags(diags)...)
			continue
		}
		want, err := stringValue(v)
		if err != nil {
			errs = append(errs, src.errorf(kv.Value.Range(), "test %d: expect %s: %v", n, key, err))
			continue
		}
		// An empty want asserts that the field is absent, which any
		// rule can assert.
		if want != "" && !canSet(path) {
			errs = append(errs, src.errorf(kv.Key.Range(), "test %d: expect key %q (%s) is never set by %s", n, key, path, what))
			continue
		}
		out = append(out, expectation{key: key, path: path, want: want, line: kv.Key.Range().Start.Line})
	}
	return out, errs
}

// checkExpect compares an event with expectations.
func checkExpect(ev *event.Event, exp []expectation, fail func(line int, format string, args ...any) TestFailure) []TestFailure {
	var out []TestFailure
	for _, x := range exp {
		got, ok := ev.Get(x.path)
		switch {
		case !ok && x.want == "":
		case !ok:
			out = append(out, fail(x.line, "field %s: want %q, not set", x.key, x.want))
		case formatExpect(got) != x.want:
			out = append(out, fail(x.line, "field %s: want %q, got %q", x.key, x.want, formatExpect(got)))
		}
	}
	return out
}

// formatExpect renders a value as tests compare it: @timestamp as RFC 3339
// UTC.
func formatExpect(v any) string {
	if t, ok := v.(time.Time); ok {
		return t.UTC().Format(time.RFC3339Nano)
	}
	return event.FormatValue(v)
}

// settable lists the fields a rule sets from its line (not the engine's
// metadata), for error messages.
func settable(r *rule) []string {
	var out []string
	for f := range r.canSet {
		if !strings.HasPrefix(f, "sluice.") && f != event.FieldMessage && f != event.FieldTimestamp {
			out = append(out, f)
		}
	}
	slices.Sort(out)
	return out
}

// ruleNamed returns the rule called name, or nil.
func (rs *RuleSet) ruleNamed(name string) *rule {
	for _, r := range rs.rules {
		if r.name == name {
			return r
		}
	}
	return nil
}

// RunTests runs every test block: each log line is parsed with the whole
// rule set under the test's log source type (the rule's first, unless the
// test names one), so a test also fails when an earlier rule of the policy
// shadows its rule. Then every expected field is compared as a string.
// Tests are not traffic: they leave the statistics (Stats, TypeStats,
// Totals) and the automatic sort alone, and call no webhook.
func (rs *RuleSet) RunTests() TestReport {
	var rep TestReport
	if rs == nil {
		return rep
	}
	// Every list empty, unless a test declares values (see intelfixture.go).
	noIntel := rs.withFixture(nil)
	view := func(fx *intelFixture) *RuleSet {
		if fx == nil {
			return noIntel
		}
		return rs.withFixture(fx)
	}
	for _, r := range rs.rules {
		for _, t := range r.tests {
			rep.add(view(t.intel).runTest(r, t))
		}
	}
	for _, er := range rs.eventRules {
		for _, t := range er.tests {
			rep.add(view(t.intel).runEventTest(er, t))
		}
	}
	return rep
}

// checkTests checks what a test block can only be checked against once
// every file is loaded: the intel lists its fixture names, and that a
// type it names that its rule does not list still holds the rule
// (identification, docs/rules.md).
func (rs *RuleSet) checkTests() hclconf.Errors {
	var errs hclconf.Errors
	for _, r := range rs.rules {
		for _, t := range r.tests {
			errs = append(errs, rs.checkFixture(t.intel, t.n)...)
			if t.typRange == nil {
				continue
			}
			if tt := rs.types[t.typ]; tt == nil || !slices.Contains(tt.policy, r) {
				errs = append(errs, hclconf.Errorf(*t.typRange, "test %d: rule %q does not apply to log source type %q (it neither lists it nor joins it by identification)", t.n, r.name, t.typ))
			}
		}
	}
	for _, er := range rs.eventRules {
		for _, t := range er.tests {
			errs = append(errs, rs.checkFixture(t.intel, t.n)...)
		}
	}
	return errs
}

func (rep *TestReport) add(fails []TestFailure) {
	if len(fails) == 0 {
		rep.Passed++
		return
	}
	rep.Failed++
	rep.Failures = append(rep.Failures, fails...)
}

func (rs *RuleSet) runTest(r *rule, t *ruleTest) []TestFailure {
	collected := t.collected
	if collected.IsZero() {
		collected = time.Now()
	}
	// Quiet: a test run at load is not traffic (GET /v1/rules/stats
	// would show every rule with a test as matched).
	ev := rs.parseEntry(&Entry{
		Raw:           []byte(t.log),
		LogSourceType: t.typ,
		LogSource:     "test",
		Agent:         "test",
		Seq:           uint64(t.n),
		Collected:     collected,
	}, true)
	fail := func(line int, format string, args ...any) TestFailure {
		return TestFailure{File: r.file, Line: line, Rule: r.name, Msg: fmt.Sprintf("test %d: ", t.n) + fmt.Sprintf(format, args...)}
	}
	if got := ev.GetString(event.FieldRule); got != r.name {
		if got == "" {
			return []TestFailure{fail(t.line, "no rule matched the log line (classification %s)", ev.GetString(event.FieldClassification))}
		}
		if other := rs.ruleNamed(got); other != nil && (other.order > r.order || other.order == r.order && other.name > r.name) {
			return []TestFailure{fail(t.line, "the rule's pattern did not match the log line; it fell through to rule %q", got)}
		}
		return []TestFailure{fail(t.line, "the log line matched rule %q, which comes first in the %s policy", got, t.typ)}
	}
	return checkExpect(ev, t.expect, fail)
}
