package mpe

import (
	"math/rand/v2"
	"sort"
	"sync/atomic"
	"time"
)

// Per-rule statistics, like LogRhythm's Log Processing (LPS) report: how
// often each rule was tried and matched, the time spent in it, and its
// last match. The counters are atomics written from every MPE worker.
// Matches (and lines per type) are exact. Tries that fail and time are
// sampled (one line in timingSample, scaled up): reading the clock around
// every regular expression would cost more than some of them, and a
// shared counter bumped on every try of a popular rule would bounce its
// cache line between workers. Tried is reported as matches plus the
// sampled failed tries, so it is never below Matches (a rule that matched
// a handful of lines does not show tried=0) and is an unbiased estimate
// of the true count.
//
// Only traffic counts: the test blocks RunTests runs at load (and on every
// reload, before the swap) leave every counter alone.

// timingSample is 1 in how many lines are timed; sampled times are scaled
// up by it.
const timingSample = 16

// counters are one rule's statistics. They sit on their own cache lines,
// so workers counting different rules do not contend.
type counters struct {
	_ [64]byte
	// missed is the sampled, scaled count of tries that did not match.
	missed    atomic.Uint64
	matched   atomic.Uint64
	nanos     atomic.Int64 // sampled, already scaled
	lastMatch atomic.Int64 // unix nanoseconds
	_         [64]byte
}

func (c *counters) match(now int64) {
	c.matched.Add(1)
	c.lastMatch.Store(now)
}

// sample records a timed try: its time, and the try itself when it
// failed (matches are counted exactly, by match).
func (c *counters) sample(ok bool, d time.Duration) {
	if !ok {
		c.missed.Add(timingSample)
	}
	c.nanos.Add(int64(d) * timingSample)
}

// typeCounters are one log source type's statistics.
type typeCounters struct {
	_         [64]byte
	lines     atomic.Uint64
	unmatched atomic.Uint64
	_         [64]byte
}

// sampled reports whether this line is timed. math/rand/v2's top-level
// functions use a per-thread generator: no shared state.
func sampled() bool { return rand.Uint32()%timingSample == 0 }

// RuleStats is the statistics of one rule or event rule since the rule
// set that holds it was loaded (or since the first set that had a rule of
// that name, when the mediator passes LoadOptions.Previous).
type RuleStats struct {
	Rule string `json:"rule"`
	// Kind is "rule" or "event_rule".
	Kind           string   `json:"kind"`
	LogSourceTypes []string `json:"log_source_types,omitempty"`
	SortOrder      int      `json:"sort_order"`
	// Tried estimates the lines the rule's pattern (or condition) ran on:
	// the candidates the literal scan let through. It is Matches plus the
	// failed tries of one line in 16, scaled by 16: never below Matches,
	// exact for a rule that never fails, an estimate otherwise (over few
	// lines, a multiple of 16 above Matches).
	Tried uint64 `json:"tried"`
	// Matches counts lines the rule matched, exactly.
	Matches uint64 `json:"matches"`
	// Time is the estimated time spent running the rule (one line in 16
	// is timed): zero until a sampled line reached the rule.
	Time time.Duration `json:"time_ns"`
	// LastMatch is when it last matched; zero if never.
	LastMatch time.Time `json:"last_match,omitzero"`
}

// TypeStats is the statistics of one log source type's policy.
type TypeStats struct {
	LogSourceType string `json:"log_source_type"`
	Rules         int    `json:"rules"`
	Lines         uint64 `json:"lines"`
	// Unmatched counts lines no rule matched (kept as Unknown).
	Unmatched uint64 `json:"unmatched"`
	// AutoSort is set when the policy re-sorts its rules by match rate.
	AutoSort bool `json:"auto_sort,omitempty"`
}

// UndeclaredTypes names, in TypeStats, the entries whose log source type
// has no log_source_type block.
const UndeclaredTypes = "(undeclared)"

// EngineStats are the totals of the rule set.
type EngineStats struct {
	// Panics counts entries whose processing panicked (kept as error
	// events; see PanicInfo).
	Panics uint64 `json:"panics"`
	// Dropped counts events an event rule dropped.
	Dropped uint64 `json:"dropped"`
	// Alarms counts alarm events raised.
	Alarms uint64 `json:"alarms"`
	// Webhooks counts webhook calls handed to the runner.
	Webhooks uint64 `json:"webhooks"`
}

// Stats returns the statistics of every rule and event rule: rules by log
// source type and sort order, then event rules in their order. It is
// cheap enough to serve on every request of an HTTP endpoint.
func (rs *RuleSet) Stats() []RuleStats {
	if rs == nil {
		return nil
	}
	out := make([]RuleStats, 0, len(rs.rules)+len(rs.eventRules))
	for _, r := range rs.rules {
		out = append(out, ruleStats(r.name, "rule", r.types, r.order, r.stats))
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Matches != out[j].Matches {
			return out[i].Matches > out[j].Matches
		}
		return out[i].Rule < out[j].Rule
	})
	for _, er := range rs.eventRules {
		out = append(out, ruleStats(er.name, "event_rule", er.types, er.order, er.stats))
	}
	return out
}

func ruleStats(name, kind string, types []string, order int, c *counters) RuleStats {
	// Tried is the exact matches plus the sampled failed tries, from the
	// same reading of matched, so it is never below Matches.
	matched := c.matched.Load()
	s := RuleStats{
		Rule:           name,
		Kind:           kind,
		LogSourceTypes: types,
		SortOrder:      order,
		Tried:          matched + c.missed.Load(),
		Matches:        matched,
		Time:           time.Duration(c.nanos.Load()),
	}
	if t := c.lastMatch.Load(); t != 0 {
		s.LastMatch = time.Unix(0, t).UTC()
	}
	return s
}

// TypeStats returns the statistics of every declared log source type,
// sorted by name.
func (rs *RuleSet) TypeStats() []TypeStats {
	if rs == nil {
		return nil
	}
	out := make([]TypeStats, 0, len(rs.types))
	for name, t := range rs.types {
		if name == undeclaredKey {
			name = UndeclaredTypes
		}
		out = append(out, TypeStats{
			LogSourceType: name,
			Rules:         len(t.policy),
			Lines:         t.stats.lines.Load(),
			Unmatched:     t.stats.unmatched.Load(),
			AutoSort:      t.auto != nil,
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].LogSourceType < out[j].LogSourceType })
	return out
}

// Totals returns the rule set's engine-wide counters.
func (rs *RuleSet) Totals() EngineStats {
	if rs == nil {
		return EngineStats{}
	}
	return EngineStats{
		Panics:   rs.panics.Load(),
		Dropped:  rs.dropped.Load(),
		Alarms:   rs.alarms.Load(),
		Webhooks: rs.hooks.Load(),
	}
}
