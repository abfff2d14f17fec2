// Package backoff computes capped exponential delays with jitter, so that
// many clients retrying the same failure spread out instead of arriving
// together.
package backoff

import (
	"math/rand/v2"
	"time"
)

// Policy describes a backoff: Base doubles on each attempt up to Max; the
// result is spread by Jitter (a fraction: 0.5 means the delay is uniformly
// drawn from [d/2, d]; 1 is "full jitter").
type Policy struct {
	Base   time.Duration
	Max    time.Duration
	Jitter float64
}

// Default is the policy used for reconnects and retries unless configured.
var Default = Policy{Base: 250 * time.Millisecond, Max: 30 * time.Second, Jitter: 0.5}

// Delay returns the delay before retry number attempt (0-based).
func (p Policy) Delay(attempt int) time.Duration {
	d := p.Base
	for i := 0; i < attempt && d < p.Max; i++ {
		d *= 2
	}
	if d > p.Max {
		d = p.Max
	}
	if p.Jitter > 0 && d > 0 {
		j := p.Jitter
		if j > 1 {
			j = 1
		}
		// Keep (1-j)·d fixed and draw the rest at random.
		fixed := time.Duration(float64(d) * (1 - j))
		d = fixed + time.Duration(rand.Int64N(int64(d-fixed)+1))
	}
	return d
}

// Uniform returns a random duration in [lo, hi].
func Uniform(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(rand.Int64N(int64(hi-lo)+1))
}
