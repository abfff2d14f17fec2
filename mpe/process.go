package mpe

import (
	"fmt"
	"runtime/debug"

	"github.com/sluicehq/sluice/pkg/event"
)

// Process runs the whole engine on an entry and appends to out the events
// to index: the parsed event, unless an event rule dropped it, followed by
// the alarm events event rules raised. Webhook calls are handed to the
// rule set's WebhookRunner, never waited for. It never panics: should a
// rule panic, the entry is kept as an Unknown event flagged
// processing_error, with the rule's name in error.message, counted in
// Totals().Panics and reported to LoadOptions.OnPanic.
//
// Processing order, for each entry:
//
//  1. the line is read: the header parser of its log source type (text),
//     or its JSON document (json);
//  2. the policy's rules are tried in sort order, candidates only; the
//     first that matches extracts its fields (captures, map, fields);
//  3. intel lists tag the event;
//  4. the rule's first sub-rule whose `when` holds refines it;
//  5. the priority is computed;
//  6. event rules run in sort order: each whose `when` holds sets its
//     fields, raises its alarm, calls its webhook and marks the event
//     dropped if it says so; `continue = false` stops after it.
//
// Process is safe for concurrent use. A nil RuleSet appends one Unknown
// event.
func (rs *RuleSet) Process(e *Entry, out []*event.Event) []*event.Event {
	return rs.process(e, out, nil)
}

// process is Process; with fired set (rule tests), it records the names
// of the event rules that fired, calls no webhook and counts nothing in
// the statistics.
func (rs *RuleSet) process(e *Entry, out []*event.Event, fired *[]string) []*event.Event {
	if e == nil {
		e = &Entry{}
	}
	p := pass{e: e, t: rs.typeOf(e.LogSourceType), stage: "header", fired: fired, noHooks: fired != nil, quiet: fired != nil}
	out, _ = rs.run(&p, out)
	return out
}

// ProcessWithFallback is Process for an organization's own rule set rs,
// tried before fallback, the global set. An entry whose log source type
// has a policy in rs (at least one rule of rs lists it) is read as rs
// declares the type and tried against that policy; when one of rs's rules
// matches, rs processes the entry whole: its intel lists, sub-rules,
// priority and event rules, alarms and webhooks. An entry no rule of rs
// matches, or of a type rs has no policy for, is processed by fallback
// alone, exactly as Process would: nothing of rs shows on its event. So
// every rule in rs only ever sees the entries given to it, and each
// entry is classified, tagged and alarmed on by one set.
//
// In rs's statistics a line that fell through counts as a line and as
// unmatched of its type. A nil rs is fallback.Process; a nil fallback
// keeps unmatched entries as Unknown events (see Process).
func (rs *RuleSet) ProcessWithFallback(fallback *RuleSet, e *Entry, out []*event.Event) []*event.Event {
	if rs == nil || e == nil {
		return fallback.Process(e, out)
	}
	t := rs.types[e.LogSourceType]
	if t == nil || len(t.policy) == 0 {
		return fallback.Process(e, out)
	}
	p := pass{e: e, t: t, stage: "header", orFallback: true}
	if res, ok := rs.run(&p, out); ok {
		return res
	}
	return fallback.Process(e, out)
}

// run processes the entry of p, appending to out. With p.orFallback set,
// an entry none of the type's rules matches is left alone: run returns
// out as it was and false.
func (rs *RuleSet) run(p *pass, out []*event.Event) (res []*event.Event, ok bool) {
	n := len(out)
	defer func() {
		if r := recover(); r != nil {
			res, ok = append(out[:n], rs.panicked(p, r)), true
		}
	}()
	ev := rs.parse(p)
	if ev == nil {
		return out, false
	}
	if rs == nil {
		return append(out, ev), true
	}
	// The event goes first; alarms follow it. Should an event rule drop
	// it, it is taken out again below.
	out = append(out, ev)
	drop := rs.runEventRules(ev, p, &out, true)
	p.t.sawFields(len(ev.Fields()))
	if drop {
		if !p.quiet {
			rs.dropped.Add(1)
		}
		out = append(out[:n], out[n+1:]...)
	}
	return out, true
}

// PanicInfo describes a panic the engine recovered from.
type PanicInfo struct {
	// Stage is what was running: "header" (reading the line), "rule",
	// "intel", "event_rule".
	Stage string
	// Rule names the rule or event rule being evaluated ("" outside one).
	Rule  string
	Entry *Entry
	Value any
	Stack []byte
}

// String renders the panic for a log line or error.message.
func (pi PanicInfo) String() string {
	if pi.Rule != "" {
		return fmt.Sprintf("mpe: panic in %s %q: %v", pi.Stage, pi.Rule, pi.Value)
	}
	return fmt.Sprintf("mpe: panic in %s: %v", pi.Stage, pi.Value)
}

// FieldPanicRule names, on an error event, the rule that panicked.
const FieldPanicRule = "sluice.panic_rule"

// panicked builds the event that keeps an entry whose processing
// panicked, counts the panic and reports it.
func (rs *RuleSet) panicked(p *pass, r any) *event.Event {
	e := p.e
	info := PanicInfo{Stage: p.stage, Rule: p.name, Entry: e, Value: r, Stack: debug.Stack()}
	ev := &event.Event{ID: docID(e), Organization: organization(e), Timestamp: collected(e), Message: message(e.Raw)}
	ev.Grow(32)
	ev.Set(event.FieldClassification, event.ClassificationUnknown)
	ev.Set(event.FieldLogSourceType, e.LogSourceType)
	ev.Set(event.FieldLogSource, e.LogSource)
	ev.Set(event.FieldAgent, e.Agent)
	ev.Set(event.FieldMediator, e.Mediator)
	ev.Set(event.FieldSeq, int64(e.Seq))
	ev.AddFlag(event.FlagError)
	ev.Set("error.message", info.String())
	ev.Set(FieldPanicRule, info.Rule)
	if rs != nil {
		rs.panics.Add(1)
		if rs.onPanic != nil {
			func() {
				defer func() { _ = recover() }() // a broken hook must not undo the recovery
				rs.onPanic(info)
			}()
		}
	}
	return ev
}
