package arm

import (
	"container/heap"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// Tracker is ARM's state machine: the last heartbeat, status and recent
// history of every component, and the deadline at which each one misses its
// next warning interval. It does no I/O and reads time only from its
// injected clock, so its timing is tested with a fake clock; the daemon
// persists what it returns.
//
// A component's deadlines are kept in a min-heap (Nomad keeps a timer per
// node; a heap checked once a second costs less with 10,000 components and
// does not depend on timers firing on time).
type Tracker struct {
	now        func() time.Time
	interval   func(Kind, string) time.Duration
	historyLen int

	mu sync.Mutex
	// started is when this tracker started counting: no interval that
	// began before it counts as missed (ARM's own downtime is not the
	// components' fault).
	started time.Time
	comps   map[string]*tracked
	due     dueHeap
	// dirty maps the components changed since they were last saved to
	// whether the change matters on its own (new component, status or
	// history) or is only a newer heartbeat time, which is saved less
	// often: after a restart, intervals count from ARM's start anyway.
	dirty map[string]bool
}

// TrackerConfig configures a Tracker.
type TrackerConfig struct {
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Interval returns the warning interval of a component.
	Interval func(kind Kind, id string) time.Duration
	// HistoryLen is how many status changes are kept per component.
	HistoryLen int
}

// tracked is one component and its place in the deadline heap.
type tracked struct {
	c Component
	// next is when the component misses its next warning interval.
	next  time.Time
	index int
	// historyDirty is set when History changed since the last save.
	historyDirty bool
	// otherSpool is the agent's spool before its current one, and
	// otherAt its last heartbeat: a heartbeat of otherSpool again within
	// a warning interval means two spools alternate (not kept across
	// restarts).
	otherSpool string
	otherAt    time.Time
}

// Observation is one heartbeat as ARM received it.
type Observation struct {
	Kind      Kind
	Heartbeat *sluicev1.Heartbeat
	// Seen is when the heartbeat was sent, by ARM's clock.
	Seen time.Time
	// ReportedBy is the mediator that delivered it.
	ReportedBy string
}

// TransitionKind says what a Transition is.
type TransitionKind string

// Transition kinds: each becomes one ARM event.
const (
	// TransitionMissing and TransitionReturned are about liveness: the
	// Missing Heartbeat Warning and Heartbeat Returned events.
	TransitionMissing  TransitionKind = "missing"
	TransitionReturned TransitionKind = "returned"
	// TransitionStalled and TransitionResumed are about progress: a
	// heartbeat's stalled field became set, or clear (Data Processor or
	// Agent Stalled, and Resumed).
	TransitionStalled TransitionKind = "stalled"
	TransitionResumed TransitionKind = "resumed"
	// TransitionWarning and TransitionWarningCleared are about a
	// mediator's warnings: a kind appeared in its heartbeat's warnings,
	// or disappeared (Data Processor Warning, and Warning Cleared).
	TransitionWarning        TransitionKind = "warning"
	TransitionWarningCleared TransitionKind = "warning_cleared"
	// TransitionDuplicate is about identity: two agent processes (two
	// spools) present one agent id (Duplicate Agent Identity).
	TransitionDuplicate TransitionKind = "duplicate_identity"
)

// Transition is a change that raises an ARM event.
type Transition struct {
	Kind TransitionKind
	// Time is when it happened: the deadline that passed, or when the
	// returning heartbeat was sent.
	Time time.Time
	// Component is the component after the change, with its history.
	Component Component
	// Silence is how long the component had been silent: until Time for
	// a warning, the whole gap for a return.
	Silence time.Duration
	// Reason is why the pipeline is stalled: the new reason for a
	// Stalled, the one that cleared for a Resumed; for a Duplicate, what
	// shows the agent id is presented twice; for a Warning, its text,
	// and for a Warning Cleared the last text it had.
	Reason string
	// StalledFor is how long the pipeline had been stalled (Resumed).
	StalledFor time.Duration
	// WarningKind is the kind of the warning raised or cleared, and
	// WarningFor how long it had been raised (Warning Cleared).
	WarningKind string
	WarningFor  time.Duration
}

// Record is a component to persist. History is nil when it did not change
// since the last save.
type Record struct {
	Component Component
	History   []Change
}

// NewTracker returns an empty tracker whose intervals start now.
func NewTracker(cfg TrackerConfig) *Tracker {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HistoryLen <= 0 {
		cfg.HistoryLen = DefaultHistoryLen
	}
	return &Tracker{
		now:        cfg.Now,
		interval:   cfg.Interval,
		historyLen: cfg.HistoryLen,
		started:    cfg.Now(),
		comps:      map[string]*tracked{},
		dirty:      map[string]bool{},
	}
}

// Restore loads components saved by an earlier run. Their warning
// intervals come from the current configuration; their missed-interval
// counts and statuses are kept (a red component stays red), and the next
// missed interval is counted from this tracker's start at the earliest, so
// ARM's own downtime raises no warning.
func (t *Tracker) Restore(cs []Component) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, c := range cs {
		c.WarningInterval = Duration(t.intervalOf(c.Kind, c.ID))
		c.Status = statusFor(c.MissedIntervals)
		tr := &tracked{c: c}
		tr.next = t.nextDeadline(&tr.c)
		t.comps[c.Key()] = tr
		heap.Push(&t.due, tr)
	}
}

// intervalOf returns a component's warning interval, never below the
// minimum (a zero one would make every check a warning).
func (t *Tracker) intervalOf(kind Kind, id string) time.Duration {
	iv := DefaultAgentWarningInterval
	if t.interval != nil {
		iv = t.interval(kind, id)
	}
	return max(iv, MinWarningInterval)
}

// nextDeadline is when c misses its next interval, given its missed count.
func (t *Tracker) nextDeadline(c *Component) time.Time {
	iv := time.Duration(c.WarningInterval)
	next := c.LastHeartbeat.Add(time.Duration(c.MissedIntervals+1) * iv)
	if floor := t.started.Add(iv); next.Before(floor) {
		next = floor
	}
	return next
}

// Observe applies a heartbeat's liveness. It returns a Heartbeat Returned
// transition when the heartbeat brings a yellow or red component back. It
// leaves the component's stalled state alone: Apply applies both and
// returns every transition, so that no stall is recorded without its
// event.
func (t *Tracker) Observe(o Observation) (Transition, bool) {
	if trs := t.apply(o, false); len(trs) > 0 {
		return trs[0], true
	}
	return Transition{}, false
}

// Apply applies a heartbeat: its liveness, as Observe does, its stalled
// field, (mediators) its warnings and (agents) its identity. It returns
// the transitions the heartbeat raises, in this order: Heartbeat
// Returned, then Stalled or Resumed, then Warnings and Warnings Cleared
// (by kind), then Duplicate Agent Identity.
//
// Only a heartbeat newer than the one held changes anything. A late one
// (delivered a warning interval or more after it was sent) does not bring
// the component back, but does change its stalled state, dated when it
// was sent: a stall is a fact about that moment whenever ARM learns of it,
// and skipping it would leave a Resumed without its Stalled, or a
// component shown stalled long after it said it moves.
func (t *Tracker) Apply(o Observation) []Transition {
	return t.apply(o, true)
}

func (t *Tracker) apply(o Observation, withStall bool) []Transition {
	now := t.now()
	seen := o.Seen
	if seen.After(now) {
		seen = now
	}
	id := o.Heartbeat.GetComponentId()
	k := key(o.Kind, id)

	t.mu.Lock()
	defer t.mu.Unlock()
	var out []Transition
	tr := t.comps[k]
	// What the heartbeat before this one said of the agent's spool.
	var prevSpool string
	var prevSeen time.Time
	if tr != nil {
		prevSpool, prevSeen = tr.c.Spool, tr.c.LastHeartbeat
	}
	if tr == nil {
		tr = &tracked{c: Component{
			ID:              id,
			Kind:            o.Kind,
			Status:          StatusGreen,
			StatusSince:     now,
			FirstSeen:       now,
			WarningInterval: Duration(t.intervalOf(o.Kind, id)),
		}}
		applyHeartbeat(&tr.c, o, seen)
		t.addChange(tr, now, StatusGreen, "first heartbeat")
		tr.next = t.nextDeadline(&tr.c)
		t.comps[k] = tr
		heap.Push(&t.due, tr)
		t.dirty[k] = true
	} else {
		if !seen.After(tr.c.LastHeartbeat) {
			// Not newer than the one held: a report retried after a lost
			// response, or heartbeats overtaking each other via two
			// mediators.
			return nil
		}
		prev := tr.c.LastHeartbeat
		applyHeartbeat(&tr.c, o, seen)
		if _, ok := t.dirty[k]; !ok {
			t.dirty[k] = false
		}
		// A heartbeat delivered late (the mediator could not reach ARM)
		// says when the component was last alive, but does not bring it
		// back.
		late := now.Sub(seen) >= time.Duration(tr.c.WarningInterval)
		if tr.c.MissedIntervals > 0 && !late {
			silence := seen.Sub(prev)
			tr.c.MissedIntervals = 0
			t.setStatus(tr, now, StatusGreen, "heartbeat returned after "+roundDuration(silence).String())
			t.dirty[k] = true
			out = append(out, Transition{Kind: TransitionReturned, Time: seen, Component: t.snapshot(tr), Silence: silence})
		}
		tr.next = t.nextDeadline(&tr.c)
		heap.Fix(&t.due, tr.index)
	}
	if withStall {
		if st, ok := t.stallChange(tr, stalledReason(o.Heartbeat.GetStalled()), seen, now); ok {
			out = append(out, st)
		}
		// Agents send no warnings: a mediator's are about its own
		// storage, and an agent's trouble is its stall.
		if o.Kind == KindMediator {
			out = append(out, t.warningChanges(tr, heartbeatWarnings(o.Heartbeat), seen, now)...)
		}
		if o.Kind == KindAgent {
			if dup, ok := t.duplicateChange(tr, o, prevSpool, prevSeen, seen, now); ok {
				out = append(out, dup)
			}
		}
	}
	return out
}

// duplicateChange applies what an agent's heartbeat sent at seen says of
// its identity. Two processes presenting one agent id show in two ways:
// its mediator refused the other one while this one was connected (the
// heartbeat's duplicate_identity), or, when each is connected to another
// mediator (which no one mediator sees), heartbeats of one spool, then
// the other, then the first again within a warning interval. Either
// raises Duplicate Agent Identity once; the identity stays duplicate
// until a warning interval passes without either sign, so heartbeats
// from the two processes in turn (one with the sign, one without) do not
// raise it again and again.
func (t *Tracker) duplicateChange(tr *tracked, o Observation, prevSpool string, prevSeen, seen, now time.Time) (Transition, bool) {
	iv := time.Duration(tr.c.WarningInterval)
	reason := stalledReason(o.Heartbeat.GetDuplicateIdentity())
	if s := o.Heartbeat.GetSpool(); s != "" && prevSpool != "" && s != prevSpool {
		if reason == "" && s == tr.otherSpool && seen.Sub(tr.otherAt) <= iv {
			reason = stalledReason(fmt.Sprintf("heartbeats alternate between spool %s (via %s) and spool %s (within %s)",
				s, o.ReportedBy, prevSpool, roundDuration(seen.Sub(tr.otherAt))))
		}
		tr.otherSpool, tr.otherAt = prevSpool, prevSeen
	}
	was := tr.c.DuplicateIdentity
	switch {
	case reason != "" && was != "":
		// Still duplicate: what is shown follows the latest word.
		tr.c.DuplicateIdentity, tr.c.DuplicateSeen = reason, seen
		return Transition{}, false
	case reason != "":
		tr.c.DuplicateIdentity, tr.c.DuplicateSince, tr.c.DuplicateSeen = reason, seen, seen
		t.addChange(tr, now, tr.c.Status, "duplicate agent identity: "+reason)
		t.dirty[tr.c.Key()] = true
		return Transition{Kind: TransitionDuplicate, Time: seen, Component: t.snapshot(tr), Reason: reason}, true
	case was != "" && seen.Sub(tr.c.DuplicateSeen) > iv:
		tr.c.DuplicateIdentity, tr.c.DuplicateSince, tr.c.DuplicateSeen = "", time.Time{}, time.Time{}
		t.addChange(tr, now, tr.c.Status, "duplicate agent identity no longer seen for "+roundDuration(iv).String()+" ("+was+")")
		t.dirty[tr.c.Key()] = true
	}
	return Transition{}, false
}

// stallChange applies the stalled reason of a heartbeat sent at seen. Only
// its becoming set or clear is a transition: a reason reworded while the
// pipeline stays stalled (a count that grows) changes what is shown, not
// the events, and is saved with the next heartbeat time.
func (t *Tracker) stallChange(tr *tracked, reason string, seen, now time.Time) (Transition, bool) {
	was := tr.c.Stalled
	switch {
	case reason == was:
		return Transition{}, false
	case reason != "" && was != "":
		tr.c.Stalled = reason
		return Transition{}, false
	case reason != "":
		tr.c.Stalled, tr.c.StalledSince = reason, seen
		// History is dated when ARM learned of it, as status changes
		// are, so that it stays in order when the heartbeat was late.
		t.addChange(tr, now, tr.c.Status, "pipeline stalled: "+reason)
		t.dirty[tr.c.Key()] = true
		return Transition{Kind: TransitionStalled, Time: seen, Component: t.snapshot(tr), Reason: reason}, true
	default:
		stalledFor := max(seen.Sub(tr.c.StalledSince), 0)
		tr.c.Stalled, tr.c.StalledSince = "", time.Time{}
		t.addChange(tr, now, tr.c.Status, "pipeline moving again after "+roundDuration(stalledFor).String()+" stalled ("+was+")")
		t.dirty[tr.c.Key()] = true
		return Transition{Kind: TransitionResumed, Time: seen, Component: t.snapshot(tr), Reason: was, StalledFor: stalledFor}, true
	}
}

// warningChanges applies the warnings of a heartbeat sent at seen: the
// whole set the component holds now, cleaned (heartbeatWarnings). A kind
// that appears raises a Warning, one that disappears a Warning Cleared;
// a kind that stays keeps its Since and raises nothing, even with a new
// text (a disk's free space, measured again): the text shown follows,
// and is saved with the next heartbeat time, as a reworded stall is. As
// with stalls, what is held is saved with the events, so a restart of
// ARM raises nothing again for warnings that stayed, and a Cleared for
// one that went while ARM was down.
func (t *Tracker) warningChanges(tr *tracked, ws []Warning, seen, now time.Time) []Transition {
	old := tr.c.Warnings
	if len(old) == 0 && len(ws) == 0 {
		return nil
	}
	type change struct {
		raised bool
		w      Warning
	}
	var changes []change
	held := make(map[string]Warning, len(old))
	for _, w := range old {
		held[w.Kind] = w
	}
	for i := range ws {
		if h, ok := held[ws[i].Kind]; ok {
			ws[i].Since = h.Since
			delete(held, ws[i].Kind)
			continue
		}
		ws[i].Since = seen
		changes = append(changes, change{raised: true, w: ws[i]})
	}
	for _, w := range old {
		if _, gone := held[w.Kind]; gone {
			changes = append(changes, change{w: w})
		}
	}
	// Replaced, never changed in place: copies of the component (events,
	// List) share the slice.
	tr.c.Warnings = ws
	if len(changes) == 0 {
		return nil
	}
	slices.SortStableFunc(changes, func(a, b change) int { return strings.Compare(a.w.Kind, b.w.Kind) })
	for _, c := range changes {
		if c.raised {
			t.addChange(tr, now, tr.c.Status, "warning "+c.w.Kind+": "+c.w.Text)
		} else {
			t.addChange(tr, now, tr.c.Status, "warning "+c.w.Kind+" cleared after "+roundDuration(max(seen.Sub(c.w.Since), 0)).String()+" ("+c.w.Text+")")
		}
	}
	t.dirty[tr.c.Key()] = true
	snap := t.snapshot(tr)
	out := make([]Transition, 0, len(changes))
	for _, c := range changes {
		trn := Transition{Kind: TransitionWarning, Time: seen, Component: snap, Reason: c.w.Text, WarningKind: c.w.Kind}
		if !c.raised {
			trn.Kind, trn.WarningFor = TransitionWarningCleared, max(seen.Sub(c.w.Since), 0)
		}
		out = append(out, trn)
	}
	return out
}

// Bounds of a heartbeat's warnings: they are stored with the component,
// sent in events and shown in the grid.
const (
	maxWarnings    = 16
	maxWarningKind = 64
)

// heartbeatWarnings cleans a heartbeat's warnings: a kind keeps only
// letters, digits and ._:- (it is a key, shown and matched on; anything
// else becomes _), bounded; a text is cleaned as a stalled reason is, and
// is the kind when empty. A kind given twice keeps its last text;
// warnings without a kind, or beyond maxWarnings kinds, are dropped. The
// result is sorted by kind, nil when there are none.
func heartbeatWarnings(hb *sluicev1.Heartbeat) []Warning {
	var out []Warning
	for _, w := range hb.GetWarnings() {
		kind := strings.Map(func(r rune) rune {
			switch {
			case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)), strings.ContainsRune("._:-", r):
				return r
			}
			return '_'
		}, strings.TrimSpace(w.GetKind()))
		if len(kind) > maxWarningKind {
			kind = kind[:maxWarningKind]
		}
		if kind == "" {
			continue
		}
		text := stalledReason(w.GetText())
		if text == "" {
			text = kind
		}
		if i := slices.IndexFunc(out, func(o Warning) bool { return o.Kind == kind }); i >= 0 {
			out[i].Text = text
			continue
		}
		if len(out) == maxWarnings {
			continue
		}
		out = append(out, Warning{Kind: kind, Text: text})
	}
	slices.SortFunc(out, func(a, b Warning) int { return strings.Compare(a.Kind, b.Kind) })
	return out
}

// maxStalledReason bounds a stalled reason in bytes: it is stored with
// the component, sent in events and shown in the grid.
const maxStalledReason = 256

// stalledReason cleans a heartbeat's stalled field. An agent's reason
// reaches operators' terminals (`sluice heartbeats`) and log lines, so
// control characters (escape sequences, newlines) become spaces; a reason
// of only spaces means not stalled.
func stalledReason(s string) string {
	if s == "" {
		return ""
	}
	s = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, s))
	if len(s) > maxStalledReason {
		cut := maxStalledReason
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// applyHeartbeat copies what a heartbeat says into c.
func applyHeartbeat(c *Component, o Observation, seen time.Time) {
	hb := o.Heartbeat
	c.LastHeartbeat = seen
	if ts := hb.GetTime(); ts != nil && ts.IsValid() {
		c.HeartbeatTime = ts.AsTime()
	}
	if hb.GetHostname() != "" {
		c.Hostname = hb.GetHostname()
	}
	c.Organization = hb.GetOrganization()
	if c.Organization == "" {
		c.Organization = defaultOrganization
	}
	if hb.GetVersion() != "" {
		c.Version = hb.GetVersion()
	}
	c.ReportedBy = o.ReportedBy
	c.SpoolDepth = hb.GetSpoolDepth()
	c.Spool = hb.GetSpool()
	if o.Kind == KindAgent {
		c.CurrentMediator = hb.GetCurrentMediator()
		if hb.GetLastMediator() != "" {
			c.PreviousMediator = hb.GetLastMediator()
		}
		// The Last Data Processor is where the agent last sent data: the
		// mediator it is on while connected (the heartbeat's
		// last_mediator is the one before that).
		switch {
		case hb.GetCurrentMediator() != "":
			c.LastMediator = hb.GetCurrentMediator()
		case o.ReportedBy != "":
			c.LastMediator = o.ReportedBy
		case hb.GetLastMediator() != "":
			c.LastMediator = hb.GetLastMediator()
		}
	}
}

// Advance counts the warning intervals that passed by now and returns a
// Missing Heartbeat Warning for each component that missed one. When
// several intervals of one component passed at once (ARM was stalled),
// they make one warning carrying the new count.
func (t *Tracker) Advance() []Transition {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []Transition
	for len(t.due) > 0 && !t.due[0].next.After(now) {
		tr := t.due[0]
		iv := time.Duration(tr.c.WarningInterval)
		n := 1 + int(now.Sub(tr.next)/iv)
		at := tr.next.Add(time.Duration(n-1) * iv)
		tr.c.MissedIntervals += n
		if st := statusFor(tr.c.MissedIntervals); st != tr.c.Status {
			t.setStatus(tr, at, st, fmt.Sprintf("no heartbeat for %d warning interval(s) of %s", tr.c.MissedIntervals, iv))
		}
		tr.next = at.Add(iv)
		heap.Fix(&t.due, 0)
		t.dirty[tr.c.Key()] = true
		out = append(out, Transition{Kind: TransitionMissing, Time: at, Component: t.snapshot(tr), Silence: at.Sub(tr.c.LastHeartbeat)})
	}
	return out
}

// NextDeadline is the earliest time a component misses an interval (zero
// when there are no components).
func (t *Tracker) NextDeadline() time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.due) == 0 {
		return time.Time{}
	}
	return t.due[0].next
}

func (t *Tracker) setStatus(tr *tracked, at time.Time, st Status, reason string) {
	tr.c.Status = st
	tr.c.StatusSince = at
	t.addChange(tr, at, st, reason)
}

func (t *Tracker) addChange(tr *tracked, at time.Time, to Status, reason string) {
	var from Status
	if n := len(tr.c.History); n > 0 {
		from = tr.c.History[n-1].To
	}
	tr.c.History = append(tr.c.History, Change{Time: at, From: from, To: to, Reason: reason})
	if over := len(tr.c.History) - t.historyLen; over > 0 {
		tr.c.History = slices.Delete(tr.c.History, 0, over)
	}
	tr.historyDirty = true
}

// snapshot copies a component with its history.
func (t *Tracker) snapshot(tr *tracked) Component {
	c := tr.c
	c.History = slices.Clone(tr.c.History)
	return c
}

// Get returns the component of kind with id, with its history.
func (t *Tracker) Get(kind Kind, id string) (Component, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	tr := t.comps[key(kind, id)]
	if tr == nil {
		return Component{}, false
	}
	return t.snapshot(tr), true
}

// Lookup returns every component with id (an agent and a mediator may
// share one), with history.
func (t *Tracker) Lookup(id string) []Component {
	var out []Component
	for _, k := range []Kind{KindAgent, KindMediator} {
		if c, ok := t.Get(k, id); ok {
			out = append(out, c)
		}
	}
	return out
}

// Forget removes a component (a decommissioned host). It comes back if it
// sends another heartbeat.
func (t *Tracker) Forget(kind Kind, id string) bool {
	k := key(kind, id)
	t.mu.Lock()
	defer t.mu.Unlock()
	tr := t.comps[k]
	if tr == nil {
		return false
	}
	heap.Remove(&t.due, tr.index)
	delete(t.comps, k)
	delete(t.dirty, k)
	return true
}

// Filter selects components for List. Empty fields match everything.
type Filter struct {
	Statuses []Status
	Kinds    []Kind
	// Organization selects the agents of that organization, and no
	// mediator.
	Organization string
	// Mediator selects that mediator and the agents whose last or
	// current data processor it is.
	Mediator string
}

func (f *Filter) match(c *Component) bool {
	if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, c.Status) {
		return false
	}
	if len(f.Kinds) > 0 && !slices.Contains(f.Kinds, c.Kind) {
		return false
	}
	// An organization selects agents: mediators serve every organization
	// and belong to none (their own heartbeat's is only the default), as
	// a token limited to organizations sees none of them.
	if f.Organization != "" && (c.Kind != KindAgent || f.Organization != c.Organization) {
		return false
	}
	if f.Mediator != "" && c.LastMediator != f.Mediator && c.CurrentMediator != f.Mediator &&
		(c.Kind != KindMediator || c.ID != f.Mediator) {
		return false
	}
	return true
}

// List returns the components f selects, without history, sorted by
// status (red first), then stalled or duplicate identity first, then kind
// (mediators first), then id: what needs someone comes first.
func (t *Tracker) List(f Filter) []Component {
	t.mu.Lock()
	out := make([]Component, 0, len(t.comps))
	for _, tr := range t.comps {
		if f.match(&tr.c) {
			c := tr.c
			c.History = nil
			out = append(out, c)
		}
	}
	t.mu.Unlock()
	slices.SortFunc(out, compareComponents)
	return out
}

func compareComponents(a, b Component) int {
	if d := b.Status.severity() - a.Status.severity(); d != 0 {
		return d
	}
	if as, bs := a.Stalled != "" || a.DuplicateIdentity != "", b.Stalled != "" || b.DuplicateIdentity != ""; as != bs {
		if as {
			return -1
		}
		return 1
	}
	if a.Kind != b.Kind {
		if a.Kind == KindMediator {
			return -1
		}
		return 1
	}
	return strings.Compare(a.ID, b.ID)
}

// Counts returns the number of components per status.
func (t *Tracker) Counts() map[Status]int {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := map[Status]int{StatusGreen: 0, StatusYellow: 0, StatusRed: 0}
	for _, tr := range t.comps {
		out[tr.c.Status]++
	}
	return out
}

// CountsByKind is the number of components of each kind per status,
// every status present for both kinds.
func (t *Tracker) CountsByKind() map[Kind]map[Status]int {
	out := map[Kind]map[Status]int{}
	for _, k := range []Kind{KindAgent, KindMediator} {
		out[k] = map[Status]int{StatusGreen: 0, StatusYellow: 0, StatusRed: 0}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, tr := range t.comps {
		if m := out[tr.c.Kind]; m != nil {
			m[tr.c.Status]++
		}
	}
	return out
}

// StalledCount is the number of components whose pipeline is stalled.
func (t *Tracker) StalledCount() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, tr := range t.comps {
		if tr.c.Stalled != "" {
			n++
		}
	}
	return n
}

// WarningCount is the number of components that hold a warning.
func (t *Tracker) WarningCount() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, tr := range t.comps {
		if len(tr.c.Warnings) > 0 {
			n++
		}
	}
	return n
}

// DuplicateCount is the number of agents whose identity is duplicate.
func (t *Tracker) DuplicateCount() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, tr := range t.comps {
		if tr.c.DuplicateIdentity != "" {
			n++
		}
	}
	return n
}

// Len is the number of components.
func (t *Tracker) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.comps)
}

// TakeDirty returns the components to save, and forgets that they
// changed: those with changes that matter, and with all also those whose
// only change is a newer heartbeat time.
func (t *Tracker) TakeDirty(all bool) []Record {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []Record
	for k, important := range t.dirty {
		if !important && !all {
			continue
		}
		if tr := t.comps[k]; tr != nil {
			out = append(out, t.recordLocked(tr))
		}
		delete(t.dirty, k)
	}
	return out
}

// MarkDirty asks for records to be saved again (after a failed save).
func (t *Tracker) MarkDirty(rs []Record) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, r := range rs {
		k := r.Component.Key()
		if tr := t.comps[k]; tr != nil {
			t.dirty[k] = true
			if r.History != nil {
				tr.historyDirty = true
			}
		}
	}
}

// RecordOf returns the record to save with a transition of c, and takes c
// off the dirty list: the caller saves it together with the event.
func (t *Tracker) RecordOf(c Component) (Record, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	tr := t.comps[c.Key()]
	if tr == nil {
		return Record{}, false
	}
	delete(t.dirty, c.Key())
	return t.recordLocked(tr), true
}

func (t *Tracker) recordLocked(tr *tracked) Record {
	r := Record{Component: tr.c}
	r.Component.History = nil
	if tr.historyDirty {
		r.History = slices.Clone(tr.c.History)
		tr.historyDirty = false
	}
	return r
}

// roundDuration rounds d for messages: to the second, or the minute
// beyond an hour.
func roundDuration(d time.Duration) time.Duration {
	if d >= time.Hour {
		return d.Round(time.Minute)
	}
	return d.Round(time.Second)
}

// dueHeap orders components by their next deadline.
type dueHeap []*tracked

func (h dueHeap) Len() int           { return len(h) }
func (h dueHeap) Less(i, j int) bool { return h[i].next.Before(h[j].next) }
func (h dueHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}

func (h *dueHeap) Push(x any) {
	tr := x.(*tracked)
	tr.index = len(*h)
	*h = append(*h, tr)
}

func (h *dueHeap) Pop() any {
	old := *h
	n := len(old)
	tr := old[n-1]
	old[n-1] = nil
	tr.index = -1
	*h = old[:n-1]
	return tr
}
