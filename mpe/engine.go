package mpe

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sluicehq/sluice/pkg/event"
)

// Entry is one raw log entry as the mediator holds it.
type Entry struct {
	Raw            []byte
	LogSourceType  string
	LogSource      string // source id on the agent, e.g. "auth"
	Agent          string
	Organization   string
	Mediator       string
	Seq            uint64
	Collected      time.Time // collection time on the agent
	Truncated      bool      // agent truncated the line at max_line_bytes
	OriginalLength int       // length before truncation
}

// undeclared is the log source type used for entries whose type has no
// log_source_type block: syslog header, UTC, no rules.
var undeclared = &logSourceType{header: headerSyslog, loc: time.UTC, selector: &selector{}}

// Parse turns an entry into an event. It never returns nil and never
// panics, whatever the bytes: a line no rule matches, or of a type without
// a policy, is kept as an event with classification "Unknown" and its
// header fields. A nil RuleSet parses every entry that way. Parse is safe
// for concurrent use.
func (rs *RuleSet) Parse(e *Entry) (ev *event.Event) {
	if e == nil {
		e = &Entry{}
	}
	defer func() {
		// Parse is written not to panic; this is the guarantee should a
		// bug slip through: the entry is kept, flagged, never lost.
		if r := recover(); r != nil {
			ev = &event.Event{ID: docID(e), Organization: organization(e), Timestamp: collected(e), Message: message(e.Raw)}
			ev.Set(event.FieldClassification, event.ClassificationUnknown)
			ev.Set(event.FieldLogSourceType, e.LogSourceType)
			ev.Set(event.FieldAgent, e.Agent)
			ev.AddFlag(event.FlagError)
			ev.Set("error.message", fmt.Sprint("mpe: panic: ", r))
		}
	}()

	t := undeclared
	if rs != nil {
		if lt := rs.types[e.LogSourceType]; lt != nil {
			t = lt
		}
	}

	msg, valid := normalize(e.Raw)
	ev = &event.Event{ID: docID(e), Organization: organization(e), Message: msg}
	if !valid {
		ev.AddFlag(event.FlagInvalidUTF8)
	}
	setMeta(ev, e, t)

	var h header
	parseHeader(t.header, msg, t.loc, e.Collected, &h)
	applyHeader(ev, &h)
	if ev.Timestamp.IsZero() {
		ev.Timestamp = collected(e)
	}

	if r, m := t.match(msg); r != nil {
		r.apply(ev, msg, m)
	} else {
		ev.Set(event.FieldClassification, unknown)
	}
	return ev
}

// setMeta records where the entry came from.
func setMeta(ev *event.Event, e *Entry, t *logSourceType) {
	if e.Truncated {
		ev.AddFlag(event.FlagTruncated)
		ev.Set(event.FieldOriginalLength, int64(e.OriginalLength))
	}
	if t.boxedName != nil {
		ev.Set(event.FieldLogSourceType, t.boxedName)
	} else {
		ev.Set(event.FieldLogSourceType, e.LogSourceType)
	}
	ev.Set(event.FieldLogSource, e.LogSource)
	ev.Set(event.FieldAgent, e.Agent)
	ev.Set(event.FieldMediator, e.Mediator)
	if e.Organization == "" {
		ev.Set(event.FieldOrganization, defaultOrganization)
	} else {
		ev.Set(event.FieldOrganization, e.Organization)
	}
	ev.Set(event.FieldSeq, int64(e.Seq))
	if !e.Collected.IsZero() {
		ev.Set(event.FieldCollected, e.Collected)
	}
}

// Values boxed once rather than per event.
var (
	unknown             any = event.ClassificationUnknown
	defaultOrganization any = event.DefaultOrganization
)

// match runs the policy on line and returns the first rule that matches,
// with its submatch offsets.
func (t *logSourceType) match(line string) (*rule, []int) {
	cands := t.selector.scan(line)
	for i, r := range t.policy {
		if !cands.has(i) {
			continue
		}
		if m := r.re.FindStringSubmatchIndex(line); m != nil {
			return r, m
		}
	}
	return nil, nil
}

// apply writes what rule r extracted from line (with submatches m) into
// ev, then lets the first sub-rule whose condition holds refine it.
func (r *rule) apply(ev *event.Event, line string, m []int) {
	for _, c := range r.caps {
		lo, hi := m[2*c.group], m[2*c.group+1]
		if lo < 0 || c.shadowed(m) {
			continue
		}
		v := strings.TrimSpace(line[lo:hi])
		if v == "" {
			continue
		}
		if c.lower {
			v = strings.ToLower(v)
		}
		setValue(ev, c.name, c.field, c.typ, v)
	}
	for _, f := range r.fields {
		ev.Set(f.path, f.value)
	}
	ev.Set(event.FieldRule, r.meta.name)
	ev.Set(event.FieldClassification, r.meta.classification)
	ev.Set(event.FieldCommonEvent, r.meta.commonEvent)
	ev.Set(event.FieldRisk, r.risk)
	// Conditions see the event as the base rule left it; the first
	// sub-rule that holds wins.
	for _, s := range r.subs {
		if !holds(s.when, ev) {
			continue
		}
		ev.Set(FieldSubRule, s.meta.name)
		if s.classification != "" {
			ev.Set(event.FieldClassification, s.meta.classification)
		}
		if s.commonEvent != "" {
			ev.Set(event.FieldCommonEvent, s.meta.commonEvent)
		}
		if s.risk >= 0 {
			ev.Set(event.FieldRisk, s.risk)
		}
		for _, f := range s.fields {
			ev.Set(f.path, f.value)
		}
		break
	}
}

// shadowed reports whether an earlier group writing the same field took
// part in the match.
func (c *capture) shadowed(m []int) bool {
	for _, g := range c.shadow {
		if m[2*g] >= 0 && m[2*g+1] > m[2*g] {
			return true
		}
	}
	return false
}

// applyHeader copies what the header parser found into ev.
func applyHeader(ev *event.Event, h *header) {
	if !h.ts.IsZero() {
		ev.Timestamp = h.ts
	}
	if h.hostname != "" {
		ev.Set(event.FieldHostname, h.hostname)
	}
	if h.program != "" {
		ev.Set(fieldProcessName, h.program)
	}
	if pid, ok := pidValue(h.pid); ok {
		ev.Set(fieldProcessPID, pid)
	}
	if h.pri >= 0 {
		ev.Set(fieldSyslogPriority, int64(h.pri))
		ev.Set(fieldSyslogFacility, int64(h.pri/8))
		ev.Set(fieldSyslogSeverity, int64(h.pri%8))
	}
	if h.msgid != "" {
		ev.Set(fieldSyslogMsgID, h.msgid)
	}
}

// normalize returns the line as valid UTF-8 without its line terminator,
// and whether it was valid UTF-8 already.
func normalize(raw []byte) (string, bool) {
	for len(raw) > 0 && (raw[len(raw)-1] == '\n' || raw[len(raw)-1] == '\r') {
		raw = raw[:len(raw)-1]
	}
	if utf8.Valid(raw) {
		return string(raw), true
	}
	return strings.ToValidUTF8(string(raw), "\uFFFD"), false
}

// message is normalize without the validity flag.
func message(raw []byte) string {
	s, _ := normalize(raw)
	return s
}

func docID(e *Entry) string {
	if e.Agent == "" {
		return ""
	}
	return event.DocID(e.Agent, e.Seq)
}

func organization(e *Entry) string {
	if e.Organization == "" {
		return event.DefaultOrganization
	}
	return e.Organization
}

// collected is the fallback @timestamp: the collection time, or now when
// the entry has none.
func collected(e *Entry) time.Time {
	if e.Collected.IsZero() {
		return time.Now().UTC()
	}
	return e.Collected
}
