// Package failover decides which mediator an agent talks to, with
// LogRhythm's semantics (docs/architecture.md, "Choosing a mediator"): an
// ordered list where position is priority; on a failure, the next one in
// order, wrapping around, with capped exponential backoff between full
// rounds; failback to the primary after failback_delay; load balancing
// after load_balance_delay when the agent landed where it is because
// others were full.
//
// Selector is a pure state machine: it is told what happened and answers
// what to do and how long to wait, so its timing is tested without sleeping.
package failover

import (
	"time"

	"github.com/sluicehq/sluice/pkg/backoff"
)

// Outcome is why an attempt or a session ended.
type Outcome int

// Outcomes the uplink reports.
const (
	// Unreachable: the connection failed, was lost, or timed out.
	Unreachable Outcome = iota
	// MaxAgents: the mediator refused, serving its maximum agent count.
	MaxAgents
	// Suspense: refused or suspended: the mediator is over its limits.
	Suspense
	// Shutdown: the mediator is stopping and told us to go.
	Shutdown
	// Refused: any other refusal (credentials, pending acceptance).
	Refused
)

func (o Outcome) String() string {
	switch o {
	case MaxAgents:
		return "max_agents"
	case Suspense:
		return "suspense"
	case Shutdown:
		return "shutdown"
	case Refused:
		return "refused"
	}
	return "unreachable"
}

// Config is the selector's policy.
type Config struct {
	// Mediators is the number of mediators in the ordered list.
	Mediators int
	// FailbackDelay is how long the agent stays on a non-primary mediator
	// before trying the primary again (0 disables failback).
	FailbackDelay time.Duration
	// FailbackJitter bounds the random extra wait before a failback try
	// (LogRhythm: 1–30 s).
	FailbackJitter [2]time.Duration
	// LoadBalanceDelay is how long after connecting following a max-agents
	// refusal the agent re-balances (0 disables).
	LoadBalanceDelay time.Duration
	// LoadBalanceJitter bounds the random extra wait (1–30 min).
	LoadBalanceJitter [2]time.Duration
	// Backoff spaces full rounds of failures.
	Backoff backoff.Policy
	// ReconnectJitter bounds the random wait after losing an established
	// session, so agents of a mediator that died do not all reconnect in
	// the same instant.
	ReconnectJitter time.Duration
	// StableAfter is how long a session must last to count as working: a
	// mediator that accepts and then drops the agent again and again is
	// backed off like one that refuses.
	StableAfter time.Duration
	// Rand draws a duration in [lo, hi]; backoff.Uniform when nil. Tests
	// pin it to check the bounds.
	Rand func(lo, hi time.Duration) time.Duration
}

// DefaultConfig returns LogRhythm's defaults for n mediators.
func DefaultConfig(n int) Config {
	return Config{
		Mediators:         n,
		FailbackDelay:     60 * time.Minute,
		FailbackJitter:    [2]time.Duration{time.Second, 30 * time.Second},
		LoadBalanceDelay:  4320 * time.Minute,
		LoadBalanceJitter: [2]time.Duration{time.Minute, 30 * time.Minute},
		Backoff:           backoff.Default,
		ReconnectJitter:   2 * time.Second,
		StableAfter:       5 * time.Second,
	}
}

// Probe is a scheduled attempt to move to a better mediator while
// connected.
type Probe struct {
	// At is when the probe is due.
	At time.Time
	// Candidates are the mediators to try, in order; the agent moves to
	// the first that accepts and stays put if none does.
	Candidates []int
	// Kind is "failback" or "load_balance", for logs.
	Kind string
}

// Probe kinds.
const (
	KindFailback    = "failback"
	KindLoadBalance = "load_balance"
)

// Selector tracks where the agent is and where it goes next. It is not safe
// for concurrent use; the uplink owns it.
type Selector struct {
	cfg Config

	next         int  // the mediator to try next
	tried        int  // failed attempts in the current round
	rounds       int  // full rounds failed in a row (the backoff grows with them)
	roundOver    bool // the last failure completed a round: back off before the next
	sawMaxAgents bool // a max-agents refusal since the last established session
	lostSession  bool // the last event was an established session ending

	current     int       // connected mediator, -1 when none
	connectedAt time.Time // when the current session was accepted
	fbDue       time.Time // failback due (zero: not armed)
	lbDue       time.Time // load balancing due (zero: not armed)
}

// New makes a selector starting at the primary.
func New(cfg Config) *Selector {
	if cfg.Rand == nil {
		cfg.Rand = backoff.Uniform
	}
	if cfg.Mediators < 1 {
		cfg.Mediators = 1
	}
	return &Selector{cfg: cfg, current: -1}
}

// Next returns the mediator to try and how long to wait before trying.
//
// Moving on to the next mediator in order is immediate (after a lost
// session, only the reconnect jitter); the backoff applies between full
// rounds, once every mediator of the list failed in turn, and grows with
// each full round that fails. A round is counted from where the agent
// started trying (after a stable session, or where a probe moved it), so
// the wait never falls before a mediator of the round not yet tried.
func (s *Selector) Next() (idx int, wait time.Duration) {
	if s.lostSession {
		s.lostSession = false
		if s.cfg.ReconnectJitter > 0 {
			wait = s.cfg.Rand(0, s.cfg.ReconnectJitter)
		}
	}
	if s.roundOver {
		s.roundOver = false
		wait = max(wait, s.cfg.Backoff.Delay(s.rounds-1))
	}
	return s.next, wait
}

// Failed reports that an attempt to connect to idx failed.
func (s *Selector) Failed(idx int, why Outcome) {
	if why == MaxAgents {
		s.sawMaxAgents = true
	}
	s.failed(idx)
}

// failed counts a failed attempt (or a session too short to count as
// working) on idx in the current round, and moves on to the next in order.
func (s *Selector) failed(idx int) {
	s.tried++
	if s.tried >= s.cfg.Mediators {
		// Every mediator failed in turn: a full round.
		s.tried = 0
		s.rounds++
		s.roundOver = true
	}
	s.next = (idx + 1) % s.cfg.Mediators
}

// stable forgets the failures: a session that lasted StableAfter shows
// the agent can deliver.
func (s *Selector) stable() {
	s.tried, s.rounds, s.roundOver = 0, 0, false
}

// Connected reports that idx accepted the agent at now, and arms failback
// (when not on the primary) and load balancing (when the agent got here
// after a max-agents refusal). When the agent was connected already (a
// failback or load-balancing probe moved it), the session it left counts
// like one that ended: a stable one forgets the failures, and a new round
// starts at idx either way.
func (s *Selector) Connected(idx int, now time.Time) {
	if s.current >= 0 {
		if now.Sub(s.connectedAt) >= s.cfg.StableAfter {
			s.stable()
		}
		s.tried, s.roundOver = 0, false
	}
	s.current, s.connectedAt = idx, now
	s.fbDue, s.lbDue = time.Time{}, time.Time{}
	if idx != 0 && s.cfg.FailbackDelay > 0 {
		s.armFailback(now)
	}
	if s.sawMaxAgents && s.cfg.LoadBalanceDelay > 0 {
		s.armLoadBalance(now)
	}
	s.sawMaxAgents = false
}

// Lost reports that the session on idx ended at now. A session that
// lasted StableAfter resets the backoff; a shorter one counts as a failed
// attempt of the round, so a list of flapping mediators is backed off, not
// hammered. Either way the next mediator in order is tried at once, unless
// this loss completed a full round of failures.
func (s *Selector) Lost(idx int, why Outcome, now time.Time) {
	if now.Sub(s.connectedAt) >= s.cfg.StableAfter {
		s.stable()
	}
	s.current = -1
	s.fbDue, s.lbDue = time.Time{}, time.Time{}
	s.lostSession = true
	if why == MaxAgents {
		s.sawMaxAgents = true
	}
	s.failed(idx)
}

// NextProbe returns the earliest probe armed while connected, or nil.
func (s *Selector) NextProbe() *Probe {
	if s.current < 0 {
		return nil
	}
	var p *Probe
	if !s.lbDue.IsZero() {
		cands := make([]int, 0, s.current)
		for i := 0; i < s.current; i++ {
			cands = append(cands, i)
		}
		p = &Probe{At: s.lbDue, Candidates: cands, Kind: KindLoadBalance}
	}
	if !s.fbDue.IsZero() && (p == nil || s.fbDue.Before(p.At)) {
		p = &Probe{At: s.fbDue, Candidates: []int{0}, Kind: KindFailback}
	}
	return p
}

// ProbeFailed reports that probe p found no better mediator at now: the
// agent stays where it is, and the probe is armed again. A max-agents
// refusal from a candidate keeps load balancing armed.
func (s *Selector) ProbeFailed(p *Probe, now time.Time) {
	s.sawMaxAgents = false
	switch p.Kind {
	case KindFailback:
		s.armFailback(now)
	case KindLoadBalance:
		s.armLoadBalance(now)
	}
}

// ProbeRefused records what a probe candidate answered, so that moving
// after a max-agents refusal arms load balancing at the new mediator.
func (s *Selector) ProbeRefused(why Outcome) {
	if why == MaxAgents {
		s.sawMaxAgents = true
	}
}

func (s *Selector) armFailback(now time.Time) {
	s.fbDue = now.Add(s.cfg.FailbackDelay + s.cfg.Rand(s.cfg.FailbackJitter[0], s.cfg.FailbackJitter[1]))
}

func (s *Selector) armLoadBalance(now time.Time) {
	if s.current <= 0 {
		return // on the primary: nowhere better to go
	}
	s.lbDue = now.Add(s.cfg.LoadBalanceDelay + s.cfg.Rand(s.cfg.LoadBalanceJitter[0], s.cfg.LoadBalanceJitter[1]))
}

// Current is the connected mediator, -1 when none.
func (s *Selector) Current() int { return s.current }
