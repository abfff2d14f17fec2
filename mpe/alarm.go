package mpe

import (
	"hash/fnv"
	"strconv"

	"github.com/hashicorp/hcl/v2"

	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/hclconf"
)

// Alarm events. An event rule's alarm block raises, for each event the
// rule fires on, an alarm event: a copy of the event's fields with
//
//	id                     <event id>-alarm-<hash of the event rule's name>
//	message                the alarm's message template (default "<name>: <event message>")
//	event.kind             "alert"
//	event.severity         21, 47, 73 or 99 for low, medium, high, critical
//	rule.name              the alarm's name (default the event rule's)
//	sluice.alarm.rule      the event rule
//	sluice.alarm.severity  low, medium, high or critical
//	sluice.parent_id       the id of the event that raised it
//
// The id derives from the entry's and the event rule's, so processing an
// entry again (a mediator restart, a resend) never raises a second alarm.

// Fields of alarm events.
const (
	fieldAlarmRule     = "sluice.alarm.rule"
	fieldAlarmSeverity = "sluice.alarm.severity"
	fieldParentID      = "sluice.parent_id"
	fieldRuleName      = "rule.name"
	fieldSeverity      = "event.severity"
)

// alarmSeverities maps severity names to ECS event.severity (the
// Elastic Security risk-score bands).
var alarmSeverities = map[string]int64{"low": 21, "medium": 47, "high": 73, "critical": 99}

type alarmSpec struct {
	name     any // boxed once
	severity any
	sevNum   int64
	message  *template // nil: the default
	rule     any       // event rule name, boxed
}

func compileAlarm(src *source, b *alarmBlock, rule string, sch *schema) (*alarmSpec, hclconf.Errors) {
	var errs hclconf.Errors
	a := &alarmSpec{name: rule, severity: "medium", sevNum: alarmSeverities["medium"], rule: rule}
	if b.Name != nil && *b.Name != "" {
		a.name = *b.Name
	}
	if b.Severity != nil {
		n, ok := alarmSeverities[*b.Severity]
		if !ok {
			errs = append(errs, src.errorf(b.SeverityRange, "unknown severity %q; use %s", *b.Severity, quotedList([]string{"low", "medium", "high", "critical"})))
		}
		a.severity, a.sevNum = *b.Severity, n
	}
	if present(b.Message) {
		c := &tplCompiler{src: src, sch: sch}
		t, es := c.compile(b.Message)
		errs = append(errs, es...)
		a.message = t
	}
	return a, errs
}

// present reports whether an optional attribute was given.
func present(expr hcl.Expression) bool {
	if expr == nil {
		return false
	}
	v, diags := expr.Value(nil)
	return diags.HasErrors() || !v.IsNull()
}

// build makes the alarm event for ev.
func (a *alarmSpec) build(ev *event.Event, er *eventRule) *event.Event {
	al := ev.Clone()
	al.ID = alarmID(ev.ID, er.name)
	if a.message != nil {
		al.Message = a.message.render(ev)
	} else {
		al.Message = event.FormatValue(a.name) + ": " + ev.Message
	}
	al.Set(event.FieldKind, "alert")
	al.Set(fieldSeverity, a.sevNum)
	al.Set(fieldRuleName, a.name)
	al.Set(fieldAlarmRule, a.rule)
	al.Set(fieldAlarmSeverity, a.severity)
	al.Set(fieldParentID, ev.ID)
	return al
}

// alarmID derives an alarm's document id from its event's and the event
// rule's name. An event without an id (no agent) gives an alarm without
// one.
func alarmID(parent, rule string) string {
	if parent == "" {
		return ""
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(rule))
	return parent + "-alarm-" + strconv.FormatUint(h.Sum64(), 16)
}
