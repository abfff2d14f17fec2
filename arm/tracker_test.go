package arm

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// newTestTracker returns a tracker on clock with agent interval 10m,
// mediator 5m, and an override of 2m for web-*.
func newTestTracker(clock *fakeClock) *Tracker {
	cfg := DefaultConfig()
	cfg.Overrides = []Override{{Pattern: "web-*", WarningInterval: 2 * time.Minute}}
	return NewTracker(TrackerConfig{Now: clock.Now, Interval: cfg.WarningInterval})
}

func observe(tr *Tracker, clock *fakeClock, kind Kind, id string) (Transition, bool) {
	return tr.Observe(Observation{Kind: kind, Heartbeat: agentHB(id, "acme", "dp-01", clock.Now()), Seen: clock.Now(), ReportedBy: "dp-01"})
}

func statusOf(t *testing.T, tr *Tracker, kind Kind, id string) Component {
	t.Helper()
	c, ok := tr.Get(kind, id)
	if !ok {
		t.Fatalf("no %s %s", kind, id)
	}
	return c
}

func TestTrackerYellowRedWarningsReturned(t *testing.T) {
	clock := newFakeClock(t0)
	tr := newTestTracker(clock)
	observe(tr, clock, KindAgent, "db-01")

	// Just short of one interval: still green, nothing raised.
	clock.Advance(10*time.Minute - time.Second)
	if got := tr.Advance(); len(got) != 0 {
		t.Fatalf("transitions before one interval: %+v", got)
	}
	if c := statusOf(t, tr, KindAgent, "db-01"); c.Status != StatusGreen {
		t.Fatalf("status %s before one interval", c.Status)
	}

	// One full interval: yellow and a warning dated at the deadline.
	clock.Advance(time.Second)
	got := tr.Advance()
	if len(got) != 1 || got[0].Kind != TransitionMissing || got[0].Component.Status != StatusYellow || !got[0].Time.Equal(t0.Add(10*time.Minute)) {
		t.Fatalf("at one interval: %+v", got)
	}
	if got[0].Silence != 10*time.Minute || got[0].Component.MissedIntervals != 1 {
		t.Fatalf("silence %s missed %d", got[0].Silence, got[0].Component.MissedIntervals)
	}

	// Two intervals: red, second warning.
	clock.Advance(10 * time.Minute)
	got = tr.Advance()
	if len(got) != 1 || got[0].Component.Status != StatusRed || got[0].Component.MissedIntervals != 2 {
		t.Fatalf("at two intervals: %+v", got)
	}
	// Each further interval: one more warning, still red.
	for i := 3; i <= 5; i++ {
		clock.Advance(5 * time.Minute)
		if got := tr.Advance(); len(got) != 0 {
			t.Fatalf("warning in the middle of interval %d: %+v", i, got)
		}
		clock.Advance(5 * time.Minute)
		got = tr.Advance()
		if len(got) != 1 || got[0].Component.Status != StatusRed || got[0].Component.MissedIntervals != i {
			t.Fatalf("interval %d: %+v", i, got)
		}
	}

	// The heartbeat comes back: Heartbeat Returned, green.
	clock.Advance(3 * time.Minute)
	ret, ok := observe(tr, clock, KindAgent, "db-01")
	if !ok || ret.Kind != TransitionReturned || ret.Component.Status != StatusGreen || ret.Silence != 53*time.Minute {
		t.Fatalf("returned: ok=%v %+v", ok, ret)
	}
	c := statusOf(t, tr, KindAgent, "db-01")
	if c.MissedIntervals != 0 || c.Status != StatusGreen {
		t.Fatalf("after return: %+v", c)
	}
	var seq []Status
	for _, h := range c.History {
		seq = append(seq, h.To)
	}
	if want := []Status{StatusGreen, StatusYellow, StatusRed, StatusGreen}; !equalStatuses(seq, want) {
		t.Fatalf("history %v, want %v", seq, want)
	}
	// And the next warning is one interval after the return.
	clock.Advance(10*time.Minute - time.Second)
	if got := tr.Advance(); len(got) != 0 {
		t.Fatalf("warning too early after return: %+v", got)
	}
	clock.Advance(time.Second)
	if got := tr.Advance(); len(got) != 1 || got[0].Component.Status != StatusYellow {
		t.Fatalf("after return + interval: %+v", got)
	}
}

func equalStatuses(a, b []Status) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestTrackerRegularHeartbeatsStayGreen(t *testing.T) {
	clock := newFakeClock(t0)
	tr := newTestTracker(clock)
	for range 240 { // two hours of 30-second heartbeats
		observe(tr, clock, KindAgent, "db-01")
		observe(tr, clock, KindMediator, "dp-01")
		clock.Advance(30 * time.Second)
		if got := tr.Advance(); len(got) != 0 {
			t.Fatalf("transition while heartbeating: %+v", got)
		}
	}
	if c := statusOf(t, tr, KindAgent, "db-01"); c.Status != StatusGreen || len(c.History) != 1 {
		t.Fatalf("%+v", c)
	}
}

func TestTrackerIntervalsPerKindAndOverride(t *testing.T) {
	clock := newFakeClock(t0)
	cfg := DefaultConfig()
	cfg.Overrides = []Override{
		{Pattern: "web-*", WarningInterval: 2 * time.Minute},
		{Pattern: "web-07", WarningInterval: 30 * time.Minute},              // exact beats glob
		{Pattern: "dp-*", Kind: KindMediator, WarningInterval: time.Minute}, // mediators only
	}
	tr := NewTracker(TrackerConfig{Now: clock.Now, Interval: cfg.WarningInterval})
	for _, c := range []struct {
		kind Kind
		id   string
	}{{KindAgent, "web-01"}, {KindAgent, "web-07"}, {KindAgent, "db-01"}, {KindMediator, "dp-01"}, {KindAgent, "dp-agent"}, {KindMediator, "med-9"}} {
		tr.Observe(Observation{Kind: c.kind, Heartbeat: agentHB(c.id, "", "", t0), Seen: t0})
	}
	want := map[string]time.Duration{
		"agent/web-01":   2 * time.Minute,
		"agent/web-07":   30 * time.Minute,
		"agent/db-01":    10 * time.Minute,
		"mediator/dp-01": time.Minute,
		"agent/dp-agent": 10 * time.Minute,
		"mediator/med-9": 5 * time.Minute,
	}
	// Step a minute at a time and note when each first goes yellow.
	yellowAt := map[string]time.Duration{}
	for m := 1; m <= 31; m++ {
		clock.Set(t0.Add(time.Duration(m) * time.Minute))
		for _, tr := range tr.Advance() {
			if tr.Component.MissedIntervals == 1 {
				yellowAt[tr.Component.Key()] = tr.Time.Sub(t0)
			}
		}
	}
	for k, iv := range want {
		if yellowAt[k] != iv {
			t.Errorf("%s went yellow after %s, want %s", k, yellowAt[k], iv)
		}
	}
}

func TestTrackerLateAndRepeatedHeartbeats(t *testing.T) {
	clock := newFakeClock(t0)
	tr := newTestTracker(clock)
	observe(tr, clock, KindAgent, "db-01")
	clock.Advance(10 * time.Minute)
	tr.Advance()
	clock.Advance(15 * time.Minute)
	if got := tr.Advance(); len(got) != 1 || got[0].Component.Status != StatusRed {
		t.Fatalf("want red, got %+v", got)
	}
	// A heartbeat sent 15 minutes ago, delivered only now (its mediator
	// could not reach ARM): it moves the last heartbeat but the agent is
	// not back, so no Heartbeat Returned.
	hb := agentHB("db-01", "acme", "dp-01", t0.Add(10*time.Minute))
	if _, ok := tr.Observe(Observation{Kind: KindAgent, Heartbeat: hb, Seen: t0.Add(10 * time.Minute)}); ok {
		t.Fatal("a late heartbeat raised Heartbeat Returned")
	}
	c := statusOf(t, tr, KindAgent, "db-01")
	if !c.LastHeartbeat.Equal(t0.Add(10*time.Minute)) || c.Status != StatusRed {
		t.Fatalf("after late heartbeat: %+v", c)
	}
	// The same heartbeat again (a retried report): ignored.
	if _, ok := tr.Observe(Observation{Kind: KindAgent, Heartbeat: hb, Seen: t0.Add(10 * time.Minute)}); ok {
		t.Fatal("a repeated heartbeat raised a transition")
	}
	// An older one: ignored, the last heartbeat does not go back.
	tr.Observe(Observation{Kind: KindAgent, Heartbeat: hb, Seen: t0.Add(5 * time.Minute)})
	if c := statusOf(t, tr, KindAgent, "db-01"); !c.LastHeartbeat.Equal(t0.Add(10 * time.Minute)) {
		t.Fatalf("last heartbeat went back to %s", c.LastHeartbeat)
	}
	// A current one brings it back.
	if ret, ok := observe(tr, clock, KindAgent, "db-01"); !ok || ret.Silence != 15*time.Minute {
		t.Fatalf("returned: %v %+v", ok, ret)
	}
}

func TestTrackerStallCoalescesWarnings(t *testing.T) {
	clock := newFakeClock(t0)
	tr := newTestTracker(clock)
	observe(tr, clock, KindAgent, "db-01")
	clock.Advance(35 * time.Minute) // the check loop did not run for a while
	got := tr.Advance()
	if len(got) != 1 || got[0].Component.MissedIntervals != 3 || got[0].Component.Status != StatusRed || !got[0].Time.Equal(t0.Add(30*time.Minute)) {
		t.Fatalf("%+v", got)
	}
	if next := tr.NextDeadline(); !next.Equal(t0.Add(40 * time.Minute)) {
		t.Fatalf("next deadline %s", next)
	}
}

func TestTrackerRestoreNoFalseWarning(t *testing.T) {
	clock := newFakeClock(t0)
	tr := newTestTracker(clock)
	observe(tr, clock, KindAgent, "green-1")
	observe(tr, clock, KindAgent, "red-1")
	clock.Advance(21 * time.Minute)
	observe(tr, clock, KindAgent, "green-1")
	tr.Advance() // red-1 is red
	saved := []Component{statusOf(t, tr, KindAgent, "green-1"), statusOf(t, tr, KindAgent, "red-1")}

	// ARM is down for three hours, then restarts.
	clock.Advance(3 * time.Hour)
	restart := clock.Now()
	tr2 := newTestTracker(clock)
	tr2.Restore(saved)
	if got := tr2.Advance(); len(got) != 0 {
		t.Fatalf("warnings for ARM's own downtime: %+v", got)
	}
	if c := statusOf(t, tr2, KindAgent, "red-1"); c.Status != StatusRed || c.MissedIntervals != 2 {
		t.Fatalf("red component forgot its status: %+v", c)
	}
	if c := statusOf(t, tr2, KindAgent, "green-1"); c.Status != StatusGreen {
		t.Fatalf("green component changed on restart: %+v", c)
	}
	// Intervals count from the restart.
	clock.Set(restart.Add(10*time.Minute - time.Second))
	if got := tr2.Advance(); len(got) != 0 {
		t.Fatalf("warning before an interval of ARM uptime: %+v", got)
	}
	clock.Set(restart.Add(10 * time.Minute))
	got := tr2.Advance()
	if len(got) != 2 {
		t.Fatalf("want two warnings one interval after restart, got %+v", got)
	}
	for _, g := range got {
		switch g.Component.ID {
		case "green-1":
			if g.Component.Status != StatusYellow {
				t.Errorf("green-1: %+v", g.Component)
			}
		case "red-1":
			if g.Component.Status != StatusRed || g.Component.MissedIntervals != 3 {
				t.Errorf("red-1: %+v", g.Component)
			}
		}
	}
}

func TestTrackerListFilterSort(t *testing.T) {
	clock := newFakeClock(t0)
	tr := newTestTracker(clock)
	tr.Observe(Observation{Kind: KindAgent, Heartbeat: agentHB("b-agent", "acme", "dp-02", t0), Seen: t0})
	tr.Observe(Observation{Kind: KindAgent, Heartbeat: agentHB("a-agent", "other", "dp-01", t0), Seen: t0})
	tr.Observe(Observation{Kind: KindMediator, Heartbeat: agentHB("dp-01", "", "", t0), Seen: t0})
	clock.Advance(11 * time.Minute)
	tr.Observe(Observation{Kind: KindAgent, Heartbeat: agentHB("c-agent", "acme", "dp-01", clock.Now()), Seen: clock.Now()})
	tr.Observe(Observation{Kind: KindMediator, Heartbeat: agentHB("dp-01", "", "", clock.Now()), Seen: clock.Now()})
	tr.Advance() // a-agent and b-agent are yellow
	ids := func(cs []Component) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	for _, tc := range []struct {
		f    Filter
		want []string
	}{
		{Filter{}, []string{"a-agent", "b-agent", "dp-01", "c-agent"}},
		{Filter{Statuses: []Status{StatusYellow}}, []string{"a-agent", "b-agent"}},
		{Filter{Kinds: []Kind{KindMediator}}, []string{"dp-01"}},
		{Filter{Organization: "acme"}, []string{"b-agent", "c-agent"}},
		// dp-01's heartbeat names no organization: it is "default", but a
		// mediator belongs to none.
		{Filter{Organization: defaultOrganization}, nil},
		{Filter{Mediator: "dp-01"}, []string{"a-agent", "dp-01", "c-agent"}},
		{Filter{Statuses: []Status{StatusRed}}, nil},
	} {
		if got := ids(tr.List(tc.f)); !equalStrings(got, tc.want) {
			t.Errorf("%+v: got %v, want %v", tc.f, got, tc.want)
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestTrackerForget(t *testing.T) {
	clock := newFakeClock(t0)
	tr := newTestTracker(clock)
	observe(tr, clock, KindAgent, "old-host")
	if !tr.Forget(KindAgent, "old-host") || tr.Len() != 0 {
		t.Fatal("not forgotten")
	}
	clock.Advance(time.Hour)
	if got := tr.Advance(); len(got) != 0 {
		t.Fatalf("forgotten component warned: %+v", got)
	}
}

// TestLoopTimingSynctest runs the daemon's check loop over a tracker in a
// synctest bubble: virtual time, so an hour of silence takes no time.
func TestLoopTimingSynctest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		cfg := DefaultConfig()
		tr := NewTracker(TrackerConfig{Interval: cfg.WarningInterval}) // time.Now: the bubble's clock
		tr.Observe(Observation{Kind: KindAgent, Heartbeat: agentHB("db-01", "", "dp-01", start), Seen: start})

		var mu sync.Mutex
		var all []Transition
		got := func() []Transition {
			mu.Lock()
			defer mu.Unlock()
			return slices.Clone(all)
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() {
			defer close(done)
			runLoop(ctx, time.Second, 15*time.Second, func() {
				trs := tr.Advance()
				mu.Lock()
				all = append(all, trs...)
				mu.Unlock()
			}, func() {})
		}()

		time.Sleep(10*time.Minute - 2*time.Second)
		synctest.Wait()
		if g := got(); len(g) != 0 {
			t.Fatalf("warning before the interval: %+v", g)
		}
		time.Sleep(2 * time.Second)
		synctest.Wait()
		if g := got(); len(g) != 1 || g[0].Component.Status != StatusYellow || !g[0].Time.Equal(start.Add(10*time.Minute)) {
			t.Fatalf("at 10m: %+v", g)
		}
		time.Sleep(10 * time.Minute)
		synctest.Wait()
		if g := got(); len(g) != 2 || g[1].Component.Status != StatusRed {
			t.Fatalf("at 20m: %+v", g)
		}
		// Back after 25 minutes of silence.
		time.Sleep(5 * time.Minute)
		now := time.Now()
		ret, ok := tr.Observe(Observation{Kind: KindAgent, Heartbeat: agentHB("db-01", "", "dp-01", now), Seen: now})
		if !ok || ret.Kind != TransitionReturned || ret.Silence != 25*time.Minute {
			t.Fatalf("returned: %v %+v", ok, ret)
		}
		cancel()
		<-done
	})
}

// The grid's Last Data Processor is where the agent last sent data (its
// current mediator); the heartbeat's last_mediator is the one before.
func TestTrackerLastDataProcessorAfterSwitch(t *testing.T) {
	clock := newFakeClock(t0)
	tr := newTestTracker(clock)
	hb := agentHB("web-07", "acme", "dp-01", clock.Now())
	hb.LastMediator = ""
	tr.Observe(Observation{Kind: KindAgent, Heartbeat: hb, Seen: clock.Now(), ReportedBy: "dp-01"})
	if c := statusOf(t, tr, KindAgent, "web-07"); c.LastMediator != "dp-01" || c.LastDataProcessor() != "dp-01" || c.PreviousMediator != "" {
		t.Fatalf("before a switch: last %q previous %q", c.LastMediator, c.PreviousMediator)
	}
	clock.Advance(time.Second)
	hb = agentHB("web-07", "acme", "dp-02", clock.Now())
	hb.LastMediator = "dp-01"
	tr.Observe(Observation{Kind: KindAgent, Heartbeat: hb, Seen: clock.Now(), ReportedBy: "dp-02"})
	c := statusOf(t, tr, KindAgent, "web-07")
	if c.LastMediator != "dp-02" || c.CurrentMediator != "dp-02" || c.PreviousMediator != "dp-01" || c.LastDataProcessor() != "dp-02" {
		t.Fatalf("after a switch: last %q current %q previous %q", c.LastMediator, c.CurrentMediator, c.PreviousMediator)
	}
}

// stallStep is one heartbeat of a stall scenario: sent at (from t0), seen
// by ARM at now (from t0), saying stalled; and what it should raise.
type stallStep struct {
	name string
	// advance only runs the check for missed intervals at now.
	advance bool
	now     time.Duration
	sent    time.Duration
	stalled string
	// want is the kinds of the transitions raised, in order.
	want []TransitionKind
	// wantStalled and wantSince are the component's stalled state after.
	wantStalled string
	wantSince   time.Duration
}

// runStallSteps applies steps to component id of kind on a fresh tracker
// (mediator 5m interval, agent 10m) and checks each step; it returns the
// tracker and the transitions raised.
func runStallSteps(t *testing.T, kind Kind, id string, steps []stallStep) (*Tracker, []Transition) {
	t.Helper()
	clock := newFakeClock(t0)
	tr := newTestTracker(clock)
	var all []Transition
	for _, s := range steps {
		clock.Set(t0.Add(s.now))
		if s.advance {
			tr.Advance()
			continue
		}
		hb := agentHB(id, "acme", "dp-01", t0.Add(s.sent))
		hb.Stalled = s.stalled
		got := tr.Apply(Observation{Kind: kind, Heartbeat: hb, Seen: t0.Add(s.sent), ReportedBy: "dp-01"})
		var kinds []TransitionKind
		for _, g := range got {
			kinds = append(kinds, g.Kind)
		}
		if !slices.Equal(kinds, s.want) {
			t.Fatalf("%s: transitions %v, want %v (%+v)", s.name, kinds, s.want, got)
		}
		c := statusOf(t, tr, kind, id)
		var since time.Time
		if s.wantStalled != "" {
			since = t0.Add(s.wantSince)
		}
		if c.Stalled != s.wantStalled || !c.StalledSince.Equal(since) {
			t.Fatalf("%s: stalled %q since %s, want %q since %s", s.name, c.Stalled, c.StalledSince, s.wantStalled, since)
		}
		all = append(all, got...)
	}
	return tr, all
}

func TestTrackerStalledResumed(t *testing.T) {
	const (
		r1 = "state holds 120 entries that nothing indexes"
		r2 = "state holds 300 entries that nothing indexes"
	)
	stalled, resumed, returned := TransitionStalled, TransitionResumed, TransitionReturned
	for _, tc := range []struct {
		name  string
		kind  Kind
		steps []stallStep
		// check looks at the transitions raised.
		check func(t *testing.T, trs []Transition)
	}{
		{
			name: "mediator stalls once, rewords, resumes",
			kind: KindMediator,
			steps: []stallStep{
				{name: "moving", now: 0, sent: 0},
				{name: "stalls", now: time.Minute, sent: time.Minute, stalled: r1, want: []TransitionKind{stalled}, wantStalled: r1, wantSince: time.Minute},
				{name: "still stalled: no new event", now: 2 * time.Minute, sent: 2 * time.Minute, stalled: r1, wantStalled: r1, wantSince: time.Minute},
				{name: "reworded: shown, no event", now: 3 * time.Minute, sent: 3 * time.Minute, stalled: r2, wantStalled: r2, wantSince: time.Minute},
				{name: "stale heartbeat saying it moves: ignored", now: 3*time.Minute + time.Second, sent: 150 * time.Second, wantStalled: r2, wantSince: time.Minute},
				{name: "same heartbeat again: ignored", now: 3*time.Minute + 2*time.Second, sent: 3 * time.Minute, wantStalled: r2, wantSince: time.Minute},
				{name: "resumes", now: 7 * time.Minute, sent: 7 * time.Minute, want: []TransitionKind{resumed}},
				{name: "still moving", now: 8 * time.Minute, sent: 8 * time.Minute},
			},
			check: func(t *testing.T, trs []Transition) {
				t.Helper()
				if s := trs[0]; s.Reason != r1 || !s.Time.Equal(t0.Add(time.Minute)) || s.Component.Stalled != r1 || s.CommonEvent() != CommonEventMediatorStalled {
					t.Errorf("stalled: %+v", s)
				}
				if r := trs[1]; r.Reason != r2 || r.StalledFor != 6*time.Minute || r.Component.Stalled != "" || r.CommonEvent() != CommonEventMediatorResumed {
					t.Errorf("resumed: %+v", r)
				}
			},
		},
		{
			name: "agent stalled from its first heartbeat",
			kind: KindAgent,
			steps: []stallStep{
				{name: "first", stalled: "spool grows", want: []TransitionKind{stalled}, wantStalled: "spool grows"},
				{name: "resumes", now: time.Minute, sent: time.Minute, want: []TransitionKind{resumed}},
				{name: "stalls again", now: 2 * time.Minute, sent: 2 * time.Minute, stalled: "spool grows", want: []TransitionKind{stalled}, wantStalled: "spool grows", wantSince: 2 * time.Minute},
			},
			check: func(t *testing.T, trs []Transition) {
				t.Helper()
				if trs[0].CommonEvent() != CommonEventAgentStalled || trs[1].CommonEvent() != CommonEventAgentResumed || trs[1].StalledFor != time.Minute {
					t.Errorf("%+v", trs)
				}
			},
		},
		{
			// The agent went red; a heartbeat sent 15 minutes ago arrives
			// late saying it stalled: the stall counts, dated when sent,
			// but the agent is not back. A current one brings it back,
			// still stalled: Returned only.
			name: "late heartbeat: stall counts, return does not",
			kind: KindAgent,
			steps: []stallStep{
				{name: "moving"},
				{name: "check", advance: true, now: 10 * time.Minute},
				{name: "check", advance: true, now: 25 * time.Minute},
				{name: "late, stalled", now: 25 * time.Minute, sent: 10 * time.Minute, stalled: "spool grows", want: []TransitionKind{stalled}, wantStalled: "spool grows", wantSince: 10 * time.Minute},
				{name: "current, still stalled", now: 26 * time.Minute, sent: 26 * time.Minute, stalled: "spool grows", want: []TransitionKind{returned}, wantStalled: "spool grows", wantSince: 10 * time.Minute},
				{name: "late, moving", now: 40 * time.Minute, sent: 27 * time.Minute, want: []TransitionKind{resumed}},
			},
			check: func(t *testing.T, trs []Transition) {
				t.Helper()
				if s := trs[0]; !s.Time.Equal(t0.Add(10*time.Minute)) || s.Component.Status != StatusRed {
					t.Errorf("late stall: %+v", s)
				}
				if r := trs[2]; !r.Time.Equal(t0.Add(27*time.Minute)) || r.StalledFor != 17*time.Minute {
					t.Errorf("late resume: %+v", r)
				}
			},
		},
		{
			name: "returns and resumes in one heartbeat",
			kind: KindMediator,
			steps: []stallStep{
				{name: "stalls", stalled: "index refuses", want: []TransitionKind{stalled}, wantStalled: "index refuses"},
				{name: "check", advance: true, now: 6 * time.Minute},
				{name: "back and moving", now: 6 * time.Minute, sent: 6 * time.Minute, want: []TransitionKind{returned, resumed}},
			},
		},
		{
			name: "spaces and control characters only: not stalled",
			kind: KindAgent,
			steps: []stallStep{
				{name: "blank", stalled: " \t\n "},
				{name: "escape sequence", now: time.Second, sent: time.Second, stalled: "\x1b[2Jspool\ngrows ", want: []TransitionKind{stalled}, wantStalled: "[2Jspool grows", wantSince: time.Second},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, trs := runStallSteps(t, tc.kind, "dp-01", tc.steps)
			if tc.check != nil {
				tc.check(t, trs)
			}
		})
	}
}

// Observe follows liveness only: a stall it does not return is not
// applied either.
func TestTrackerObserveLeavesStall(t *testing.T) {
	clock := newFakeClock(t0)
	tr := newTestTracker(clock)
	hb := agentHB("db-01", "acme", "dp-01", t0)
	hb.Stalled = "spool grows"
	if _, ok := tr.Observe(Observation{Kind: KindAgent, Heartbeat: hb, Seen: t0}); ok {
		t.Fatal("first heartbeat raised a transition")
	}
	if c := statusOf(t, tr, KindAgent, "db-01"); c.Stalled != "" {
		t.Fatalf("Observe applied a stall: %+v", c)
	}
	clock.Advance(time.Second)
	hb = agentHB("db-01", "acme", "dp-01", clock.Now())
	hb.Stalled = "spool grows"
	if got := tr.Apply(Observation{Kind: KindAgent, Heartbeat: hb, Seen: clock.Now()}); len(got) != 1 || got[0].Kind != TransitionStalled {
		t.Fatalf("Apply: %+v", got)
	}
}

// A restarted ARM keeps a component's stall: the same heartbeat raises no
// second Stalled, and the Resumed counts from the original start.
func TestTrackerRestoreKeepsStall(t *testing.T) {
	clock := newFakeClock(t0)
	tr := newTestTracker(clock)
	apply := func(tr *Tracker, stalled string) []Transition {
		hb := agentHB("dp-01", "", "", clock.Now())
		hb.Stalled = stalled
		return tr.Apply(Observation{Kind: KindMediator, Heartbeat: hb, Seen: clock.Now(), ReportedBy: "dp-01"})
	}
	if got := apply(tr, "index refuses"); len(got) != 1 || got[0].Kind != TransitionStalled {
		t.Fatalf("%+v", got)
	}
	rec, ok := tr.RecordOf(statusOf(t, tr, KindMediator, "dp-01"))
	if !ok || rec.Component.Stalled != "index refuses" || rec.History == nil {
		t.Fatalf("record to save with the event: %+v", rec)
	}

	clock.Advance(time.Hour)
	tr2 := newTestTracker(clock)
	tr2.Restore([]Component{statusOf(t, tr, KindMediator, "dp-01")})
	if c := statusOf(t, tr2, KindMediator, "dp-01"); c.Stalled != "index refuses" || !c.StalledSince.Equal(t0) {
		t.Fatalf("restored: %+v", c)
	}
	if got := apply(tr2, "index refuses"); len(got) != 0 {
		t.Fatalf("still stalled after a restart raised %+v", got)
	}
	clock.Advance(time.Minute)
	got := apply(tr2, "")
	if len(got) != 1 || got[0].Kind != TransitionResumed || got[0].StalledFor != time.Hour+time.Minute {
		t.Fatalf("resumed after restart: %+v", got)
	}
	if tr2.StalledCount() != 0 {
		t.Fatal("still counted stalled")
	}
}

func TestStalledReason(t *testing.T) {
	long := strings.Repeat("é", 200) // 400 bytes
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"  ", ""},
		{"\r\n", ""},
		{"state holds 12 entries", "state holds 12 entries"},
		{"a\x00b\x7fc", "a b c"},
		{long, strings.Repeat("é", maxStalledReason/2) + "…"},
		{"x" + long, "x" + strings.Repeat("é", (maxStalledReason-1)/2) + "…"},
	} {
		if got := stalledReason(tc.in); got != tc.want {
			t.Errorf("stalledReason(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Stalled components come first within their status.
func TestTrackerListStalledFirst(t *testing.T) {
	clock := newFakeClock(t0)
	tr := newTestTracker(clock)
	for _, id := range []string{"a-agent", "b-agent", "c-agent"} {
		hb := agentHB(id, "acme", "dp-01", t0)
		if id == "c-agent" {
			hb.Stalled = "spool grows"
		}
		tr.Apply(Observation{Kind: KindAgent, Heartbeat: hb, Seen: t0})
	}
	tr.Apply(Observation{Kind: KindMediator, Heartbeat: agentHB("dp-01", "", "", t0), Seen: t0})
	var ids []string
	for _, c := range tr.List(Filter{}) {
		ids = append(ids, c.ID)
	}
	if want := []string{"c-agent", "dp-01", "a-agent", "b-agent"}; !slices.Equal(ids, want) {
		t.Fatalf("order %v, want %v", ids, want)
	}
}
