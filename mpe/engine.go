package mpe

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/cel-go/common/types"

	"github.com/sluicehq/sluice/pkg/event"
)

// Entry is one raw log entry as the mediator holds it.
type Entry struct {
	Raw           []byte
	LogSourceType string
	LogSource     string // source id on the agent, e.g. "auth"
	Agent         string
	// Spool is the tag of the agent's spool incarnation the entry was
	// spooled under (event.SpoolTag; "" for a source without one): part of its
	// document id.
	Spool          string
	Organization   string
	Mediator       string
	Seq            uint64
	Collected      time.Time // collection time on the agent
	Truncated      bool      // agent truncated the line at max_line_bytes
	OriginalLength int       // length before truncation
	// Fields are event fields by ECS name that the source read from a
	// structured record (LogEntry.fields: the systemd journal). Raw then
	// carries no header: none is read from it, and these are set instead,
	// before the rules run (which may still override them).
	Fields map[string]string

	// Collector is what the collecting agent said of itself and its host
	// (nil: nothing): agent.version and host.* come from it.
	Collector *Collector
}

// noPolicy is the log source type of entries a nil RuleSet parses:
// syslog header, UTC, no rules.
var noPolicy = newUndeclared()

func newUndeclared() *logSourceType {
	return &logSourceType{header: headerSyslog, loc: time.UTC, selector: newSelector(nil)}
}

// pass is one entry's trip through the engine. It lives on the caller's
// stack and says what is being evaluated, so that a panic can name the
// rule it happened in.
type pass struct {
	e *Entry
	t *logSourceType
	// stage and name say what is being evaluated: stage "rule" and the
	// rule's name, "event_rule" and its name, "header", "intel". Set
	// without allocating; put together only when a panic needs them.
	stage string
	name  string
	timed bool
	now   int64 // unix nanoseconds, read once when first needed
	// fired, when set, collects the event rules that fired (tests), and
	// noHooks keeps webhooks from being called.
	fired   *[]string
	noHooks bool
	// quiet keeps the pass out of the statistics: rule tests run at load
	// (RunTests) are not traffic, and must not show as matches, lines or
	// time in the LPS report nor steer the automatic sort.
	quiet bool
	// noIntel is set when the event has no sluice.intel and nothing below
	// it: a text event no intel list hit (nothing but intel tagging sets
	// sluice.intel there; a JSON document may hold anything).
	noIntel bool
	// orFallback, set by ProcessWithFallback, makes parse give up on a
	// line no rule of the type matches (it returns nil): another set
	// processes it.
	orFallback bool
}

func (p *pass) clock() int64 {
	if p.now == 0 {
		p.now = time.Now().UnixNano()
	}
	return p.now
}

// typeOf returns the log source type an entry is parsed as.
func (rs *RuleSet) typeOf(name string) *logSourceType {
	if rs == nil {
		return noPolicy
	}
	if t := rs.types[name]; t != nil {
		return t
	}
	return rs.types[undeclaredKey]
}

// undeclaredKey holds, in RuleSet.types, the type of entries whose type
// has no log_source_type block. No declared name can collide with it.
const undeclaredKey = "\x00undeclared"

// Parse turns an entry into exactly one event: header, rules, sub-rules,
// intel lists, priority, and the `set` actions of matching event rules
// (not alarms, webhooks or drops: that is Process). It never returns nil
// and never panics, whatever the bytes: a line no rule matches, or of a
// type without a policy, is kept as an event with classification
// "Unknown" and its header fields. A nil RuleSet parses every entry that
// way. Parse is safe for concurrent use; `sluice rules parse` and rule
// tests use it.
func (rs *RuleSet) Parse(e *Entry) *event.Event {
	return rs.parseEntry(e, false)
}

// parseEntry is Parse; quiet (rule tests) counts nothing in the
// statistics.
func (rs *RuleSet) parseEntry(e *Entry, quiet bool) (ev *event.Event) {
	if e == nil {
		e = &Entry{}
	}
	p := pass{e: e, t: rs.typeOf(e.LogSourceType), stage: "header", quiet: quiet}
	defer func() {
		if r := recover(); r != nil {
			ev = rs.panicked(&p, r)
		}
	}()
	ev = rs.parse(&p)
	if rs != nil {
		rs.runEventRules(ev, &p, nil, false)
	}
	p.t.sawFields(len(ev.Fields()))
	return ev
}

// parse runs everything up to (not including) event rules.
func (rs *RuleSet) parse(p *pass) *event.Event {
	e, t := p.e, p.t
	p.timed = !p.quiet && sampled()
	if !p.quiet {
		t.stats.lines.Add(1)
	}

	sc := t.selector.get()
	defer t.selector.done(sc)

	if p.orFallback && t.format == formatText && !t.matchesAny(p, sc) {
		// Another set processes the line: do not build an event for it.
		if !p.quiet {
			t.stats.unmatched.Add(1)
		}
		return nil
	}

	id, msg, valid := idAndMessage(e)
	ev := &event.Event{ID: id, Organization: organization(e), Message: msg}
	ev.Grow(t.fieldsHint())
	if !valid {
		ev.AddFlag(event.FlagInvalidUTF8)
	}
	if t.format == formatJSON {
		decodeJSON(ev, msg, t)
	}
	setMeta(ev, e, t, &sc.boxes)
	if len(e.Fields) > 0 {
		applyFields(ev, e.Fields, &sc.boxes)
	}
	if t.format == formatText {
		var h header
		if len(e.Fields) == 0 {
			parseHeader(t.header, msg, t.loc, e.Collected, &h)
			applyHeader(ev, &h, &sc.boxes)
		}
		if t.dissect != nil {
			t.dissect.parse(ev, msg, t.loc, e.Collected, sc.headerBoxes(len(t.dissect.tokens)))
		}
		if t.headerM != nil {
			if m := t.headerM.FindStringSubmatchIndex(msg, sc.subs); m != nil {
				sc.subs = m
				extractCaps(ev, t.headerCaps, msg, m, t.loc, e.Collected, sc.headerBoxes(len(t.headerCaps)))
			}
		}
	}
	if ev.Timestamp.IsZero() {
		ev.Timestamp = collected(e)
	}

	i, m := t.match(msg, ev, p, sc)
	if i < 0 {
		if !p.quiet {
			t.stats.unmatched.Add(1)
		}
		if p.orFallback {
			return nil
		}
		ev.Set(event.FieldClassification, unknown)
		p.stage, p.name = "intel", ""
		hits := rs.tagIntel(ev)
		p.noIntel = hits == 0 && t.format == formatText
		setPriority(ev, 0, unknownWeight, hits)
		setHost(ev, e)
		return ev
	}
	r := t.policy[i]
	if !p.quiet {
		r.stats.match(p.clock())
	}
	p.stage, p.name = "rule", r.name
	r.extract(ev, msg, m, t.loc, e.Collected, sc.ruleBoxes(i, len(r.caps)))
	p.stage, p.name = "intel", ""
	hits := rs.tagIntel(ev)
	p.noIntel = hits == 0 && t.format == formatText
	p.stage, p.name = "rule", r.name
	risk, weight := r.refine(ev)
	setPriority(ev, risk, weight, hits)
	setHost(ev, e)
	return ev
}

// setMeta records where the entry came from. b boxes the values that
// repeat from entry to entry.
func setMeta(ev *event.Event, e *Entry, t *logSourceType, b *boxes) {
	if e.Truncated {
		ev.AddFlag(event.FlagTruncated)
		ev.Set(event.FieldOriginalLength, int64(e.OriginalLength))
	}
	if t.boxedName != nil {
		ev.Set(event.FieldLogSourceType, t.boxedName)
	} else if e.LogSourceType != "" {
		ev.Set(event.FieldLogSourceType, b.logSourceType.box(e.LogSourceType))
	}
	// An empty value sets nothing, but costs a search: skip it.
	if e.LogSource != "" {
		ev.Set(event.FieldLogSource, b.logSource.box(e.LogSource))
	}
	if e.Agent != "" {
		setAgent(ev, e, b.agent.box(e.Agent))
	}
	if e.Mediator != "" {
		ev.Set(event.FieldMediator, b.mediator.box(e.Mediator))
	}
	if e.Organization == "" {
		ev.Set(event.FieldOrganization, defaultOrganization)
	} else {
		ev.Set(event.FieldOrganization, b.organization.box(e.Organization))
	}
	ev.Set(event.FieldSeq, int64(e.Seq))
	if !e.Collected.IsZero() {
		ev.Set(event.FieldCollected, b.collected.box(e.Collected))
	}
}

// Values boxed once rather than per event.
var (
	unknown             any = event.ClassificationUnknown
	defaultOrganization any = event.DefaultOrganization
)

// matchesAny reports whether a rule of the text type t matches the line of
// p's entry. Text rules read the line alone, so ProcessWithFallback asks
// before reading the header and building an event, work the other set
// would do again for a line that falls back. The tries are not sampled
// into the rules' statistics: parse counts them when it matches again.
func (t *logSourceType) matchesAny(p *pass, sc *scan) bool {
	line, _ := normalize(p.e.Raw)
	timed := p.timed
	p.timed = false
	i, _ := t.match(line, nil, p, sc)
	p.timed = timed
	p.stage, p.name = "header", ""
	return i >= 0
}

// match runs the policy on a line and returns the policy index of the
// first rule that matches (-1 if none), with its submatch offsets (nil
// for JSON rules).
func (t *logSourceType) match(line string, ev *event.Event, p *pass, sc *scan) (int, []int) {
	if len(t.policy) == 0 {
		return -1, nil
	}
	sc.run(line)
	if t.auto != nil {
		return t.auto.match(t, sc, line, ev, p)
	}
	for i := sc.next(0); i >= 0; i = sc.next(i + 1) {
		if m, ok := t.policy[i].try(line, ev, p, sc); ok {
			return i, m
		}
	}
	return -1, nil
}

// try runs one rule on a line (text) or event (JSON). The submatches of
// a text rule's match are in sc.subs, valid until the next search.
func (r *rule) try(line string, ev *event.Event, p *pass, sc *scan) ([]int, bool) {
	p.stage, p.name = "rule", r.name
	var start time.Time
	if p.timed {
		start = time.Now()
	}
	var m []int
	ok := false
	if r.re != nil {
		m = r.find(line, sc.subs)
		if ok = m != nil; ok {
			sc.subs = m
		}
	} else {
		ok = r.when.holds(ev)
	}
	if p.timed {
		r.stats.sample(ok, time.Since(start))
	}
	return m, ok
}

// find is r.re.FindStringSubmatchIndex(line), appended to dst[:0]. A
// search tries a match at every position of the line, or skips to its
// literal prefix when it has one; a match that starts with one of several
// literals (a pattern beginning with an alternation) cannot start before
// the first of them in the line, so the search starts there (see
// leadingLiterals).
func (r *rule) find(line string, dst []int) []int {
	if r.starts == nil {
		return r.m.FindStringSubmatchIndex(line, dst)
	}
	k := -1
	for _, s := range r.starts {
		if i := strings.Index(line, s); i >= 0 && (k < 0 || i < k) {
			k = i
		}
	}
	if k < 0 {
		return nil
	}
	m := r.m.FindStringSubmatchIndex(line[k:], dst)
	for i := range m {
		if m[i] >= 0 {
			m[i] += k
		}
	}
	return m
}

// extract writes what rule r took from the line (submatches m) and its
// constant fields into ev. loc and ref date captured times; boxes, one
// per capture, box their values.
func (r *rule) extract(ev *event.Event, line string, m []int, loc *time.Location, ref time.Time, boxes []lastString) {
	extractCaps(ev, r.caps, line, m, loc, ref, boxes)
	for _, mp := range r.maps {
		for i, from := range mp.from {
			if v, ok := ev.Get(from); ok {
				if v, ok = mp.convert(i, v); ok {
					ev.Set(mp.to, v)
					break
				}
			}
		}
	}
	if v := r.vendor; v != nil {
		ev.Set(fieldObserverVendor, v.vendor)
		if v.product != nil {
			ev.Set(fieldObserverProduct, v.product)
		}
		ev.Set(fieldEventModule, v.module)
		ev.Set(fieldEventDataset, v.dataset)
	}
	for _, f := range r.fields {
		ev.Set(f.path, f.value)
	}
	ev.Set(event.FieldRule, r.meta.name)
	ev.Set(event.FieldClassification, r.meta.classification)
	ev.Set(event.FieldCommonEvent, r.meta.commonEvent)
}

// extractCaps stores the values of the groups caps of a match m; boxes[i]
// boxes the values of caps[i].
func extractCaps(ev *event.Event, caps []capture, line string, m []int, loc *time.Location, ref time.Time, boxes []lastString) {
	for i := range caps {
		c := &caps[i]
		lo, hi := m[2*c.group], m[2*c.group+1]
		if lo < 0 || c.shadowed(m) {
			continue
		}
		v := strings.TrimSpace(line[lo:hi])
		if v == "" || v == "-" && c.typ != typeString {
			continue
		}
		if c.lower {
			v = strings.ToLower(v)
		}
		setValue(ev, c, v, loc, ref, &boxes[i])
	}
}

// refine lets the first sub-rule whose condition holds refine the event,
// and returns the event's risk and classification weight. Conditions see
// the event as the base rule (and intel lists) left it.
func (r *rule) refine(ev *event.Event) (int64, float64) {
	risk, weight := r.risk, r.weight
	for _, s := range r.subs {
		if !s.when.holds(ev) {
			continue
		}
		ev.Set(FieldSubRule, s.meta.name)
		if s.classification != "" {
			ev.Set(event.FieldClassification, s.meta.classification)
			weight = s.weight
		}
		if s.commonEvent != "" {
			ev.Set(event.FieldCommonEvent, s.meta.commonEvent)
		}
		if s.risk >= 0 {
			risk = s.risk
		}
		for _, f := range s.fields {
			ev.Set(f.path, f.value)
		}
		break
	}
	ev.Set(event.FieldRisk, risk)
	return risk, weight
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

// applyHeader copies what the header parser found into ev. b boxes the
// values that repeat from line to line.
func applyHeader(ev *event.Event, h *header, b *boxes) {
	if !h.ts.IsZero() {
		ev.Timestamp = h.ts
	}
	if h.hostname != "" {
		ev.Set(event.FieldHostname, b.hostname.box(h.hostname))
	}
	if h.program != "" {
		ev.Set(fieldProcessName, b.program.box(h.program))
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
	if h.seq > 0 {
		ev.Set(fieldSequence, h.seq)
	}
}

// entryFields are the fields a structured source sends (Entry.Fields)
// with their types, for conditions to refer to: the syslog header's, and
// the journal's own (log.level; systemd.unit and systemd.user_unit, which
// ECS has no field for). Other names an entry carries are set as strings.
var entryFields = map[string]*types.Type{
	event.FieldHostname: types.StringType, fieldProcessName: types.StringType, fieldProcessPID: types.IntType,
	fieldSyslogSeverity: types.IntType, "log.level": types.StringType,
	"systemd.unit": types.StringType, "systemd.user_unit": types.StringType,
}

// applyFields sets the fields a structured source sent with the entry
// (Entry.Fields), with the types the syslog header parser gives the same
// fields, so rules and event rules see one shape whatever the source.
// @timestamp (RFC 3339) is the event's time; a value that does not parse
// as its field's type is not set.
func applyFields(ev *event.Event, fields map[string]string, b *boxes) {
	for k, v := range fields {
		if v == "" {
			continue
		}
		switch k {
		case event.FieldTimestamp:
			if ts, err := time.Parse(time.RFC3339Nano, v); err == nil {
				ev.Timestamp = ts.UTC()
			}
		case fieldProcessPID:
			if pid, ok := pidValue(v); ok {
				ev.Set(k, pid)
			}
		case fieldSyslogSeverity, fieldSyslogFacility, fieldSyslogPriority:
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				ev.Set(k, n)
			}
		case event.FieldHostname:
			ev.Set(k, b.hostname.box(v))
		case fieldProcessName:
			ev.Set(k, b.program.box(v))
		default:
			ev.Set(k, v)
		}
	}
}

// idAndMessage returns the entry's document id (docID) and its line as
// valid UTF-8 without its line terminator (normalize), and whether the
// line was valid UTF-8 already. A valid line and the id share one
// allocation: they live as long as the event, and a line's allocations
// are a good part of its cost.
func idAndMessage(e *Entry) (id, msg string, valid bool) {
	raw := trimEOL(e.Raw)
	if e.Agent == "" || !utf8.Valid(raw) {
		msg, valid = normalize(raw)
		return docID(e), msg, valid
	}
	var b strings.Builder
	n := docIDLen(e)
	b.Grow(n + len(raw))
	writeDocID(&b, e)
	b.Write(raw)
	s := b.String()
	return s[:n], s[n:], true
}

// normalize returns the line as valid UTF-8 without its line terminator,
// and whether it was valid UTF-8 already.
func normalize(raw []byte) (string, bool) {
	raw = trimEOL(raw)
	if utf8.Valid(raw) {
		return string(raw), true
	}
	return strings.ToValidUTF8(string(raw), "\uFFFD"), false
}

// trimEOL drops the line terminators at the end of raw.
func trimEOL(raw []byte) []byte {
	for len(raw) > 0 && (raw[len(raw)-1] == '\n' || raw[len(raw)-1] == '\r') {
		raw = raw[:len(raw)-1]
	}
	return raw
}

// message is normalize without the validity flag.
func message(raw []byte) string {
	s, _ := normalize(raw)
	return s
}

// docID is event.SpoolDocID(e.Agent, e.Spool, e.Seq), the sequence
// in 16 hex digits, built with one allocation where event.SpoolDocID makes
// two (strconv.FormatUint's string, then the id); TestDocIDIsEventDocID
// keeps the two the same.
func docID(e *Entry) string {
	if e.Agent == "" {
		return ""
	}
	var b strings.Builder
	b.Grow(docIDLen(e))
	writeDocID(&b, e)
	return b.String()
}

// docIDLen is the length of e's document id.
func docIDLen(e *Entry) int {
	if e.Spool != "" {
		return len(e.Agent) + len(e.Spool) + 18
	}
	return len(e.Agent) + 17
}

// writeDocID writes e's document id (of an entry with an agent) to b.
func writeDocID(b *strings.Builder, e *Entry) {
	var hex [16]byte
	for i, seq := len(hex)-1, e.Seq; i >= 0; i, seq = i-1, seq>>4 {
		hex[i] = "0123456789abcdef"[seq&15]
	}
	b.WriteString(e.Agent)
	if e.Spool != "" {
		b.WriteByte(':')
		b.WriteString(e.Spool)
	}
	b.WriteByte('-')
	b.Write(hex[:])
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
