package failover

import (
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sluicehq/sluice/pkg/backoff"
)

// world simulates which mediators accept, and drives a Selector with real
// timers inside a synctest bubble: hours of waiting run in microseconds.
type world struct {
	t      *testing.T
	sel    *Selector
	accept []Outcome // per mediator: -1 accepts, otherwise the refusal
	cur    int
}

const accepts Outcome = -1

func newWorld(t *testing.T, cfg Config, accept ...Outcome) *world {
	return &world{t: t, sel: New(cfg), accept: accept, cur: -1}
}

// connect runs the selector until some mediator accepts; returns it.
func (w *world) connect() int {
	w.t.Helper()
	for range 100 {
		idx, wait := w.sel.Next()
		time.Sleep(wait)
		if w.accept[idx] == accepts {
			w.sel.Connected(idx, time.Now())
			w.cur = idx
			return idx
		}
		w.sel.Failed(idx, w.accept[idx])
	}
	w.t.Fatal("no mediator accepted in 100 attempts")
	return -1
}

// waitProbe sleeps until the next probe and runs it; it returns the probe,
// and whether the agent moved.
func (w *world) waitProbe() (*Probe, bool) {
	w.t.Helper()
	p := w.sel.NextProbe()
	if p == nil {
		return nil, false
	}
	time.Sleep(time.Until(p.At))
	for _, c := range p.Candidates {
		if w.accept[c] == accepts {
			w.sel.Connected(c, time.Now())
			w.cur = c
			return p, true
		}
		w.sel.ProbeRefused(w.accept[c])
	}
	w.sel.ProbeFailed(p, time.Now())
	return p, false
}

func between(t *testing.T, what string, got, lo, hi time.Duration) {
	t.Helper()
	if got < lo || got > hi {
		t.Fatalf("%s: %v not within [%v, %v]", what, got, lo, hi)
	}
}

func TestFailbackAfterSixtyMinutes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, DefaultConfig(3), Unreachable, accepts, accepts)
		start := time.Now()
		if got := w.connect(); got != 1 {
			t.Fatalf("connected to %d, want the secondary", got)
		}
		w.accept[0] = accepts // the primary comes back
		p, moved := w.waitProbe()
		if p.Kind != KindFailback || !moved || w.cur != 0 {
			t.Fatalf("probe %+v moved=%v cur=%d", p, moved, w.cur)
		}
		between(t, "failback time", time.Since(start), 60*time.Minute+time.Second, 60*time.Minute+30*time.Second)
		if w.sel.NextProbe() != nil {
			t.Fatal("on the primary, nothing more to probe")
		}
	})
}

func TestFailbackPrimaryStillDownStaysAndRearms(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, DefaultConfig(2), Unreachable, accepts)
		w.connect()
		start := time.Now()
		for i := 1; i <= 3; i++ {
			p, moved := w.waitProbe()
			if moved || p.Kind != KindFailback || w.cur != 1 {
				t.Fatalf("try %d: moved=%v kind=%s cur=%d", i, moved, p.Kind, w.cur)
			}
			between(t, "retry time", time.Since(start), time.Duration(i)*(60*time.Minute+time.Second), time.Duration(i)*(60*time.Minute+30*time.Second))
		}
		w.accept[0] = accepts
		if _, moved := w.waitProbe(); !moved || w.cur != 0 {
			t.Fatal("should fail back once the primary answers")
		}
	})
}

func TestFailbackJitterBounds(t *testing.T) {
	for _, tc := range []struct {
		name string
		rand func(lo, hi time.Duration) time.Duration
		want time.Duration
	}{
		{"low", func(lo, _ time.Duration) time.Duration { return lo }, 60*time.Minute + time.Second},
		{"high", func(_, hi time.Duration) time.Duration { return hi }, 60*time.Minute + 30*time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				cfg := DefaultConfig(2)
				cfg.Rand = tc.rand
				w := newWorld(t, cfg, Unreachable, accepts)
				w.connect()
				connected := time.Now()
				if got := w.sel.NextProbe().At.Sub(connected); got != tc.want {
					t.Fatalf("probe after %v, want %v", got, tc.want)
				}
			})
		})
	}
	// With the real random source, many draws stay within bounds and use
	// the whole window.
	lo, hi := time.Hour, time.Duration(0)
	for range 2000 {
		cfg := DefaultConfig(2)
		s := New(cfg)
		s.Failed(0, Unreachable)
		now := time.Now()
		s.Connected(1, now)
		d := s.NextProbe().At.Sub(now) - 60*time.Minute
		between(t, "jitter", d, time.Second, 30*time.Second)
		lo, hi = min(lo, d), max(hi, d)
	}
	if hi-lo < 20*time.Second {
		t.Fatalf("jitter poorly spread: [%v, %v]", lo, hi)
	}
}

func TestLoadBalanceThreeDayStory(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, DefaultConfig(3), MaxAgents, MaxAgents, accepts)
		start := time.Now()
		if got := w.connect(); got != 2 {
			t.Fatalf("connected to %d, want the tertiary", got)
		}
		// Hourly failback tries find the primary still full.
		var p *Probe
		var moved bool
		fails := 0
		for {
			p, moved = w.waitProbe()
			if p.Kind == KindLoadBalance {
				break
			}
			if moved {
				t.Fatal("the full primary must not accept")
			}
			fails++
		}
		if fails < 70 {
			t.Fatalf("only %d failback tries before load balancing", fails)
		}
		between(t, "load balance time", time.Since(start), 4320*time.Minute+time.Minute, 4320*time.Minute+30*time.Minute)
		if len(p.Candidates) != 2 || p.Candidates[0] != 0 || p.Candidates[1] != 1 {
			t.Fatalf("candidates %v, want primary then secondary", p.Candidates)
		}
		if moved {
			t.Fatal("nobody has room yet: stay on the tertiary")
		}
		// The secondary frees up: the next load-balance round moves there.
		w.accept[1] = accepts
		for {
			p, moved = w.waitProbe()
			if p.Kind == KindLoadBalance {
				break
			}
		}
		if !moved || w.cur != 1 {
			t.Fatalf("moved=%v cur=%d, want the secondary", moved, w.cur)
		}
		// It got there after the primary refused max agents: load balancing
		// stays armed, and failback keeps trying the primary.
		if p := w.sel.NextProbe(); p == nil || p.Kind != KindFailback {
			t.Fatalf("next probe %+v", p)
		}
	})
}

func TestLoadBalanceJitterMinutes(t *testing.T) {
	cfg := DefaultConfig(2)
	cfg.FailbackDelay = 0
	cfg.Rand = func(_, hi time.Duration) time.Duration { return hi }
	s := New(cfg)
	s.Failed(0, MaxAgents)
	now := time.Now()
	s.Connected(1, now)
	p := s.NextProbe()
	if p.Kind != KindLoadBalance || p.At.Sub(now) != 4320*time.Minute+30*time.Minute {
		t.Fatalf("probe %+v after %v", p, p.At.Sub(now))
	}
}

func TestDisabled(t *testing.T) {
	cfg := DefaultConfig(3)
	cfg.FailbackDelay, cfg.LoadBalanceDelay = 0, 0
	s := New(cfg)
	s.Failed(0, MaxAgents)
	s.Connected(1, time.Now())
	if p := s.NextProbe(); p != nil {
		t.Fatalf("probe %+v with both disabled", p)
	}
	cfg.LoadBalanceDelay = 60 * time.Minute
	s = New(cfg)
	s.Failed(0, Unreachable) // not a max-agents refusal: no load balancing
	s.Connected(1, time.Now())
	if p := s.NextProbe(); p != nil {
		t.Fatalf("probe %+v: failback disabled, no max-agents refusal", p)
	}
}

func TestOrderWrapsAndBacksOffAfterFullRounds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := DefaultConfig(3)
		cfg.Backoff = backoff.Policy{Base: time.Second, Max: 8 * time.Second}
		cfg.ReconnectJitter = 0
		s := New(cfg)
		var order []int
		var waits []time.Duration
		for range 12 {
			idx, wait := s.Next()
			order = append(order, idx)
			waits = append(waits, wait)
			s.Failed(idx, Unreachable)
		}
		for i, idx := range order {
			if idx != i%3 {
				t.Fatalf("attempt %d went to %d: order %v", i, idx, order)
			}
		}
		// No wait within a round; 1s, 2s, 4s before rounds 2, 3, 4.
		want := []time.Duration{0, 0, 0, time.Second, 0, 0, 2 * time.Second, 0, 0, 4 * time.Second, 0, 0}
		for i := range want {
			if waits[i] != want[i] {
				t.Fatalf("waits %v, want %v", waits, want)
			}
		}
	})
}

func TestLostSessionGoesToNextWithJitter(t *testing.T) {
	cfg := DefaultConfig(3)
	cfg.Rand = func(_, hi time.Duration) time.Duration { return hi }
	s := New(cfg)
	t0 := time.Now()
	s.Connected(0, t0)
	s.Lost(0, Shutdown, t0.Add(time.Hour))
	idx, wait := s.Next()
	if idx != 1 || wait != cfg.ReconnectJitter {
		t.Fatalf("next %d after %v", idx, wait)
	}
	// A refused attempt moves on at once.
	s.Failed(1, Suspense)
	idx, wait = s.Next()
	if idx != 2 || wait != 0 {
		t.Fatalf("next %d after %v", idx, wait)
	}
}

// A mediator that accepts and drops the agent at once, again and again,
// is backed off like one that refuses.
func TestFlappingSessionsBackOff(t *testing.T) {
	cfg := DefaultConfig(1)
	cfg.Backoff = backoff.Policy{Base: time.Second, Max: 8 * time.Second}
	cfg.ReconnectJitter = 0
	s := New(cfg)
	now := time.Now()
	var waits []time.Duration
	for range 4 {
		idx, wait := s.Next()
		waits = append(waits, wait)
		now = now.Add(wait)
		s.Connected(idx, now)
		now = now.Add(100 * time.Millisecond)
		s.Lost(idx, Unreachable, now)
	}
	want := []time.Duration{0, time.Second, 2 * time.Second, 4 * time.Second}
	for i := range want {
		if waits[i] != want[i] {
			t.Fatalf("waits %v, want %v", waits, want)
		}
	}
	// A session that held resets it.
	idx, _ := s.Next()
	s.Connected(idx, now)
	s.Lost(idx, Unreachable, now.Add(time.Minute))
	if _, wait := s.Next(); wait != time.Second {
		t.Fatalf("after a stable session: wait %v", wait)
	}
}

// The agent spent a long outage failing over both mediators (the backoff
// at its 30-s cap), then settled on the secondary for hours and failed
// back to the primary. The primary dies 3 s later: the agent tries the
// secondary at once, not after the outage's backoff. Its hours on the
// secondary were a working session, and the round started anew where the
// failback moved it.
func TestShortSessionAfterFailbackMovesOnAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := DefaultConfig(2)
		cfg.ReconnectJitter = 0
		w := newWorld(t, cfg, Unreachable, Unreachable)
		for range 24 { // 12 failed rounds
			idx, wait := w.sel.Next()
			time.Sleep(wait)
			w.sel.Failed(idx, Unreachable)
		}
		if _, wait := w.sel.Next(); wait < 15*time.Second {
			t.Fatalf("after 12 failed rounds the backoff is %v, want near its 30-s cap", wait)
		}
		w.accept[1] = accepts
		if got := w.connect(); got != 1 {
			t.Fatalf("connected to %d, want the secondary", got)
		}
		w.accept[0] = accepts
		if p, moved := w.waitProbe(); p.Kind != KindFailback || !moved || w.cur != 0 {
			t.Fatalf("probe %+v moved=%v cur=%d", p, moved, w.cur)
		}
		time.Sleep(3 * time.Second)
		w.sel.Lost(0, Unreachable, time.Now())
		if idx, wait := w.sel.Next(); idx != 1 || wait != 0 {
			t.Fatalf("after a 3-s session on the primary: next %d after %v, want the secondary at once", idx, wait)
		}
		// The secondary drops the agent within seconds too: that ends a
		// round in which both failed, and only now does the backoff
		// start, from its base.
		w.sel.Connected(1, time.Now())
		time.Sleep(3 * time.Second)
		w.sel.Lost(1, Unreachable, time.Now())
		idx, wait := w.sel.Next()
		between(t, "backoff after the first failed round", wait, backoff.Default.Base/2, backoff.Default.Base)
		if idx != 0 {
			t.Fatalf("next %d, want the primary", idx)
		}
	})
}

// Sessions too short to count as working are failed attempts of the
// round, but moving on to the next mediator is still immediate: the
// backoff falls between full rounds only, and grows with each.
func TestShortSessionsBackOffBetweenFullRoundsOnly(t *testing.T) {
	cfg := DefaultConfig(3)
	cfg.Backoff = backoff.Policy{Base: time.Second, Max: 8 * time.Second}
	cfg.ReconnectJitter = 0
	s := New(cfg)
	now := time.Now()
	var order []int
	var waits []time.Duration
	for attempt := range 9 {
		idx, wait := s.Next()
		order, waits = append(order, idx), append(waits, wait)
		now = now.Add(wait)
		if attempt == 4 { // the secondary refuses once
			s.Failed(idx, Suspense)
			continue
		}
		s.Connected(idx, now)
		now = now.Add(3 * time.Second)
		s.Lost(idx, Unreachable, now)
	}
	wantOrder := []int{0, 1, 2, 0, 1, 2, 0, 1, 2}
	wantWaits := []time.Duration{0, 0, 0, time.Second, 0, 0, 2 * time.Second, 0, 0}
	if !slices.Equal(order, wantOrder) || !slices.Equal(waits, wantWaits) {
		t.Fatalf("order %v waits %v, want %v %v", order, waits, wantOrder, wantWaits)
	}
}

// A probe that moves the agent starts a new round where it lands, so a
// later round of failures backs off only once every mediator was tried.
func TestProbeMoveStartsANewRound(t *testing.T) {
	cfg := DefaultConfig(3)
	cfg.FailbackDelay = time.Second // shorter than StableAfter
	cfg.FailbackJitter = [2]time.Duration{0, 0}
	cfg.Backoff = backoff.Policy{Base: time.Second, Max: 8 * time.Second}
	cfg.ReconnectJitter = 0
	s := New(cfg)
	now := time.Now()
	s.Failed(0, Unreachable) // the primary is down at start
	if idx, _ := s.Next(); idx != 1 {
		t.Fatalf("next %d", idx)
	}
	s.Connected(1, now)
	p := s.NextProbe()
	now = p.At
	s.Connected(0, now) // failback: the primary is back
	now = now.Add(100 * time.Millisecond)
	s.Lost(0, Unreachable, now) // ...and gone again
	idx, wait := s.Next()
	if idx != 1 || wait != 0 {
		t.Fatalf("next %d after %v", idx, wait)
	}
	s.Failed(1, Suspense)
	if idx, wait := s.Next(); idx != 2 || wait != 0 {
		t.Fatalf("next %d after %v: the tertiary is not tried yet this round", idx, wait)
	}
	s.Failed(2, Unreachable)
	if idx, wait := s.Next(); idx != 0 || wait != time.Second {
		t.Fatalf("next %d after %v, want the primary after the base backoff", idx, wait)
	}
}
