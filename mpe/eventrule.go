package mpe

import (
	"fmt"
	"slices"
	"time"

	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/hclconf"
)

// Event rules (ReflexSOAR, NetEye Tornado): conditions over parsed events,
// whatever rule parsed them, with actions. They run after the MPE rules,
// in sort_order (then name): each whose `when` holds sets its fields,
// raises its alarm, calls its webhook and drops the event if it says so;
// `continue = false` stops evaluation after it.
//
//	event_rule "root-logon-from-intel" {
//	  log_source_types = ["linux-auth"]        # optional: default all
//	  sort_order       = 10
//	  when             = <<-CEL
//	    event.login == "root" && "tor-exits" in event.intel
//	  CEL
//	  set              = { "labels.escalate" = "yes" }
//	  alarm {
//	    severity = "high"                       # low, medium (default), high, critical
//	    message  = "root logon from ${event.source.ip} (Tor)"
//	  }
//	  webhook {
//	    url     = "https://chat.example.com/hooks/${env.SLUICE_HOOK_ID}"
//	    headers = { Authorization = "Bearer ${env.SLUICE_HOOK_TOKEN}" }
//	    payload = { text = "root logon on ${event.host.hostname}", priority = "${event.priority}" }
//	    timeout = "5s"
//	    retries = 3
//	  }
//	  drop     = false
//	  continue = true
//	}

type eventRule struct {
	name  string
	file  string
	line  int
	order int
	types []string // nil: every type
	when  *condition
	set   []staticField
	drop  bool
	cont  bool
	alarm *alarmSpec
	hook  *webhookSpec
	tests []*eventTest
	stats *counters
	// needsIntel is set when the condition cannot hold on an event
	// without sluice.intel: most event rules are about intel hits, most
	// events have none, and telling so costs nothing (see pass.noIntel).
	needsIntel bool
}

// appliesTo reports whether the event rule runs on events of type name.
func (er *eventRule) appliesTo(name string) bool {
	return er.types == nil || slices.Contains(er.types, name)
}

// runEventRules runs the event rules of the entry's type on ev. With full
// set (Process), alarms are appended to out and webhooks are called; it
// returns whether an event rule dropped the event. Without (Parse), only
// `set` actions run.
func (rs *RuleSet) runEventRules(ev *event.Event, p *pass, out *[]*event.Event, full bool) bool {
	drop := false
	for _, er := range p.t.events {
		p.stage, p.name = "event_rule", er.name
		var start time.Time
		if p.timed {
			start = time.Now()
		}
		ok := false
		if !er.needsIntel || !p.noIntel {
			ok = er.when.holds(ev)
		}
		if p.timed {
			er.stats.sample(ok, time.Since(start))
		}
		if !ok {
			continue
		}
		if !p.quiet {
			er.stats.match(p.clock())
		}
		if p.fired != nil {
			*p.fired = append(*p.fired, er.name)
		}
		for _, f := range er.set {
			ev.Set(f.path, f.value)
		}
		if full {
			if er.alarm != nil {
				*out = append(*out, er.alarm.build(ev, er))
				if !p.quiet {
					rs.alarms.Add(1)
				}
			}
			if er.hook != nil && !p.noHooks {
				rs.hooks.Add(1)
				rs.webhooks.enqueue(er.hook.call(er.name, ev))
			}
			drop = drop || er.drop
		}
		if !er.cont {
			break
		}
	}
	return drop
}

// compileEventRule checks an event_rule block. Its condition may refer to
// any field a rule of its log source types (all, when it names none) can
// set, and to the fields earlier event rules set.
func compileEventRule(src *source, b *eventRuleBlock, lib tagLibrary, decl map[string]*logSourceType, rules []*rule, all []declared[*eventRuleBlock], intel bool) (*eventRule, hclconf.Errors) {
	var errs hclconf.Errors
	add := func(e ...*hclconf.Error) { errs = append(errs, e...) }
	er := &eventRule{name: b.Name, file: src.name, line: b.DefRange.Start.Line, cont: true}
	if b.Name == "" {
		add(src.errorf(b.NameRange, "event_rule needs a name"))
	}
	if b.SortOrder != nil {
		er.order = *b.SortOrder
	}
	if b.Continue != nil {
		er.cont = *b.Continue
	}
	er.drop = b.Drop != nil && *b.Drop
	if b.LogSourceTypes != nil {
		if len(b.LogSourceTypes) == 0 {
			add(src.errorf(b.TypesRange, "log_source_types is empty; leave it out to apply to every type"))
		}
		for _, name := range b.LogSourceTypes {
			if decl[name] == nil {
				add(src.errorf(b.TypesRange, "log source type %q is not declared; add a log_source_type %q block", name, name))
			}
		}
		er.types = b.LogSourceTypes
	}

	sch := eventSchema(lib, decl, rules, er.types, intel)
	// Fields event rules set are visible to every event rule: which ran
	// first depends on the event.
	for _, d := range all {
		if fs, es := compileFields(d.src, d.block.Set, lib); len(es) == 0 {
			for _, f := range fs {
				sch.add(f.path, celTypeOf(f.value))
			}
		}
	}
	set, es := compileFields(src, b.Set, lib)
	add(es...)
	er.set = set

	cond, err := compileCondition(b.When, sch)
	if err != nil {
		add(condErrorAt(src, b.WhenRange, b.When, err))
	}
	er.when = cond
	er.needsIntel = cond != nil && slices.Contains(cond.requires, FieldIntel)

	if b.Alarm != nil {
		a, es := compileAlarm(src, b.Alarm, er.name, sch)
		add(es...)
		er.alarm = a
	}
	if b.Webhook != nil {
		h, es := compileWebhook(src, b.Webhook, sch)
		add(es...)
		er.hook = h
	}
	if !er.drop && er.alarm == nil && er.hook == nil && len(er.set) == 0 && er.cont {
		add(src.errorf(b.NameRange, "event_rule %q does nothing: give it an alarm, webhook, set, drop = true or continue = false", b.Name))
	}
	for i, tb := range b.Tests {
		t, es := compileEventTest(src, tb, i+1, er, decl, sch)
		add(es...)
		if t != nil {
			er.tests = append(er.tests, t)
		}
	}
	return er, errs
}

// eventSchema is the union of what the rules of the given types (all when
// nil) can set, the header fields of those types, and what the engine
// sets on every event.
func eventSchema(lib tagLibrary, decl map[string]*logSourceType, rules []*rule, typeNames []string, intel bool) *schema {
	sch := newSchema(lib, "any rule of the event rule's log source types")
	for f, t := range engineFields {
		sch.add(f, t)
	}
	for f, t := range matchedFields {
		sch.add(f, t)
	}
	// The collecting agent's host.*, set after the rules (setHost).
	for f, t := range collectorFields {
		sch.add(f, t)
	}
	sch.add(FieldSubRule, eventStringType)
	if intel {
		for f, t := range intelFieldTypes {
			sch.add(f, t)
		}
	}
	applies := func(name string) bool { return typeNames == nil || slices.Contains(typeNames, name) }
	for name, t := range decl {
		if !applies(name) {
			continue
		}
		if t.format == formatJSON {
			sch.open = true
			for f, ft := range jsonFields {
				sch.add(f, ft)
			}
			continue
		}
		addHeaderFields(sch, t)
	}
	if typeNames == nil {
		// Entries of undeclared types: syslog header.
		for f, ft := range headerFields[headerSyslog] {
			sch.add(f, ft)
		}
	}
	for _, r := range rules {
		if r.schema == nil {
			continue
		}
		for _, name := range r.types {
			if applies(name) {
				sch.merge(r.schema)
				for _, s := range r.subs {
					for _, f := range s.fields {
						sch.add(f.path, celTypeOf(f.value))
					}
				}
				break
			}
		}
	}
	sch.what = "any rule of the event rule's log source types"
	return sch
}

// eventTest is a test block of an event rule: a line processed under a
// log source type, and what the event rule must have done to it.
type eventTest struct {
	n         int
	line      int
	log       string
	typ       string
	collected time.Time
	expect    []expectation
	alarm     *bool
	dropped   *bool
	webhook   *bool
	intel     *intelFixture
}

func compileEventTest(src *source, tb *eventTestBlock, n int, er *eventRule, decl map[string]*logSourceType, sch *schema) (*eventTest, hclconf.Errors) {
	var errs hclconf.Errors
	t := &eventTest{n: n, line: tb.DefRange.Start.Line, log: tb.Log, typ: tb.LogSourceType, alarm: tb.Alarm, dropped: tb.Dropped, webhook: tb.Webhook}
	if decl[tb.LogSourceType] == nil {
		errs = append(errs, src.errorf(tb.LogSourceTypeRange, "test %d: log source type %q is not declared", n, tb.LogSourceType))
	} else if !er.appliesTo(tb.LogSourceType) {
		errs = append(errs, src.errorf(tb.LogSourceTypeRange, "test %d: event rule %q does not apply to log source type %q", n, er.name, tb.LogSourceType))
	}
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
	fx, es := compileIntelFixture(src, tb.Intel, n)
	errs = append(errs, es...)
	t.intel = fx
	if tb.Alarm != nil && *tb.Alarm && er.alarm == nil {
		errs = append(errs, src.errorf(tb.DefRange, "test %d: expects an alarm, but event rule %q has no alarm block", n, er.name))
	}
	if tb.Webhook != nil && *tb.Webhook && er.hook == nil {
		errs = append(errs, src.errorf(tb.DefRange, "test %d: expects a webhook call, but event rule %q has no webhook block", n, er.name))
	}
	if tb.Dropped != nil && *tb.Dropped && !er.drop {
		errs = append(errs, src.errorf(tb.DefRange, "test %d: expects the event dropped, but event rule %q does not drop", n, er.name))
	}
	exp, es := compileExpect(src, tb.Expect, n, func(path string) bool {
		_, ok := sch.fields[path]
		return ok || sch.open || sch.isPrefix(path)
	}, sch.lib, fmt.Sprintf("any rule of event rule %q's log source types", er.name))
	errs = append(errs, es...)
	t.expect = exp
	if len(exp) == 0 && t.alarm == nil && t.dropped == nil && t.webhook == nil {
		errs = append(errs, src.errorf(tb.DefRange, "test %d: say what to check: expect, alarm, dropped or webhook", n))
	}
	return t, errs
}

// runEventTest processes a test's line and checks what the event rule did.
func (rs *RuleSet) runEventTest(er *eventRule, t *eventTest) []TestFailure {
	collected := t.collected
	if collected.IsZero() {
		collected = time.Now()
	}
	e := &Entry{Raw: []byte(t.log), LogSourceType: t.typ, LogSource: "test", Agent: "test", Seq: uint64(t.n), Collected: collected}
	var fired []string
	out := rs.process(e, nil, &fired) // quiet: a test is not traffic
	fail := func(line int, format string, args ...any) TestFailure {
		return TestFailure{File: er.file, Line: line, Rule: er.name, Msg: fmt.Sprintf("test %d: ", t.n) + fmt.Sprintf(format, args...)}
	}
	matched := slices.Contains(fired, er.name)
	var fails []TestFailure
	var parsed *event.Event
	var alarm bool
	for _, ev := range out {
		if ev.GetString(fieldAlarmRule) == er.name {
			alarm = true
		} else if ev.GetString(fieldAlarmRule) == "" {
			parsed = ev
		}
	}
	if t.alarm != nil && alarm != *t.alarm {
		fails = append(fails, fail(t.line, "alarm raised: want %v, got %v (event rules that fired: %v)", *t.alarm, alarm, fired))
	}
	if t.dropped != nil && (parsed == nil) != *t.dropped {
		fails = append(fails, fail(t.line, "event dropped: want %v, got %v (event rules that fired: %v)", *t.dropped, parsed == nil, fired))
	}
	if t.webhook != nil && (matched && er.hook != nil) != *t.webhook {
		fails = append(fails, fail(t.line, "webhook called: want %v, got %v", *t.webhook, matched && er.hook != nil))
	}
	if len(t.expect) > 0 {
		if parsed == nil {
			// Dropped: check the fields on a parse of the same line.
			parsed = rs.parseEntry(e, true)
		}
		fails = append(fails, checkExpect(parsed, t.expect, fail)...)
	}
	return fails
}

// eventStringType is the CEL string type, from a table that has it.
var eventStringType = matchedFields[event.FieldRule]
