package mediator

import (
	"context"
	"math"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/pkg/logging"
)

// limits are the per-agent limits of the intake.
//
// An agent over its rate (entries or bytes per second) is neither slowed
// down nor disconnected: the batch that would exceed its budget is refused
// with a Throttle (RESOURCE_EXHAUSTED for that batch, with a retry-after),
// not stored, and the stream stays up. The agent keeps the batch in its
// spool and resends it after the retry-after (docs/architecture.md, "The
// agent–mediator protocol"). Refusing costs the mediator next to nothing
// (a packed batch is not even decoded), so a flooding agent cannot make
// the others wait, and it gets exactly its budget through however much it
// offers.
//
// The budget is a token bucket per agent (organization and id), shared by
// its successive streams, so reconnecting does not refill it. It holds one
// second's worth; a batch larger than that is admitted from a full bucket
// and leaves it in debt, so the long-run rate holds for any batch size.
type limits struct {
	entriesPerSec   int
	bytesPerSec     int64
	maxBatchEntries int
	maxBatchBytes   int64

	mu sync.Mutex
	// agents holds the buckets by agentKey. A bucket no stream uses is
	// dropped once it has refilled (a full bucket is what a new one is).
	agents   map[string]*sessionLimiter
	prunedAt time.Time
}

// limited reports whether any rate limit is configured.
func (l *limits) limited() bool { return l.entriesPerSec > 0 || l.bytesPerSec > 0 }

// sessionLimiter is one agent's budget, used by its stream(s).
type sessionLimiter struct {
	key  string
	refs int // streams using it; under limits.mu

	mu      sync.Mutex
	entries bucket
	bytes   bucket
	// throttleLog lets a refusal be logged when throttling starts and
	// then at most once a minute, with the count of refusals not logged.
	throttleLog logging.Limiter
}

// bucket is a token bucket; a zero rate means no limit.
type bucket struct {
	rate   float64 // tokens per second
	burst  float64
	tokens float64
	at     time.Time
}

func newBucket(perSec float64, now time.Time) bucket {
	return bucket{rate: perSec, burst: perSec, tokens: perSec, at: now}
}

func (b *bucket) refill(now time.Time) {
	if b.rate <= 0 {
		return
	}
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(b.burst, b.tokens+d.Seconds()*b.rate)
	}
	b.at = now
}

// need is how many tokens must be there to take n: n, but at most a full
// bucket (a larger batch goes into debt).
func (b *bucket) need(n float64) float64 { return min(n, b.burst) }

// wait is how long until the bucket holds need(n) tokens (0: now).
func (b *bucket) wait(n float64) time.Duration {
	if b.rate <= 0 || b.tokens >= b.need(n) {
		return 0
	}
	return time.Duration(math.Ceil((b.need(n) - b.tokens) / b.rate * float64(time.Second)))
}

func (b *bucket) full() bool { return b.rate <= 0 || b.tokens >= b.burst }

// acquire returns the budget of an agent's stream (nil: no rate limit);
// release it when the stream ends.
func (l *limits) acquire(org, agent string) *sessionLimiter {
	if !l.limited() {
		return nil
	}
	now := time.Now()
	key := agentKey(org, agent)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.agents == nil {
		l.agents = map[string]*sessionLimiter{}
	}
	if now.Sub(l.prunedAt) > time.Second {
		l.prunedAt = now
		for k, sl := range l.agents {
			if sl.refs == 0 && k != key && sl.idleFull(now) {
				delete(l.agents, k)
			}
		}
	}
	sl := l.agents[key]
	if sl == nil {
		sl = &sessionLimiter{key: key, throttleLog: logging.Limiter{Every: time.Minute}}
		if l.entriesPerSec > 0 {
			sl.entries = newBucket(float64(l.entriesPerSec), now)
		}
		if l.bytesPerSec > 0 {
			sl.bytes = newBucket(float64(l.bytesPerSec), now)
		}
		l.agents[key] = sl
	}
	sl.refs++
	return sl
}

func (l *limits) release(sl *sessionLimiter) {
	if sl == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	sl.refs--
}

func (sl *sessionLimiter) idleFull(now time.Time) bool {
	sl.mu.Lock()
	defer sl.mu.Unlock()
	sl.entries.refill(now)
	sl.bytes.refill(now)
	return sl.entries.full() && sl.bytes.full()
}

// throttle is a refusal: how long to wait and which budget ran out.
type throttle struct {
	retryAfter time.Duration
	limit      string // "entries_per_second" or "bytes_per_second"
}

// admit takes a batch of n entries and size bytes from the budget, or
// refuses it (ok false) saying when the budget will cover it.
func (sl *sessionLimiter) admit(n, size int, now time.Time) (throttle, bool) {
	if sl == nil {
		return throttle{}, true
	}
	sl.mu.Lock()
	defer sl.mu.Unlock()
	sl.entries.refill(now)
	sl.bytes.refill(now)
	we, wb := sl.entries.wait(float64(n)), sl.bytes.wait(float64(size))
	if we > 0 || wb > 0 {
		if we >= wb {
			return throttle{retryAfter: we, limit: "entries_per_second"}, false
		}
		return throttle{retryAfter: wb, limit: "bytes_per_second"}, false
	}
	if sl.entries.rate > 0 {
		sl.entries.tokens -= float64(n)
	}
	if sl.bytes.rate > 0 {
		sl.bytes.tokens -= float64(size)
	}
	return throttle{}, true
}

// logThrottle logs a refusal when throttling starts and then at most once
// a minute, not once per batch: a line after refusals that were not logged
// says the agent is still over its rate and how many were refused
// ("suppressed").
func (l *limits) logThrottle(sl *sessionLimiter, th throttle, log hclog.Logger) {
	n := sl.throttleLog.Allow(time.Now())
	if n < 0 {
		return
	}
	args := []any{"limit", th.limit, "entries_per_second", l.entriesPerSec, "bytes_per_second", l.bytesPerSec, "retry_after", th.retryAfter.Round(time.Millisecond)}
	if n == 0 {
		log.Warn("agent over its rate limit: refusing its batches (RESOURCE_EXHAUSTED, retry after) until it slows down; the stream stays up", args...)
		return
	}
	log.Warn("agent still over its rate limit", logging.Suppressed(args, n)...)
}

// byteBudget bounds the bytes of received batches the mediator holds in
// memory across all streams (max_inflight_bytes). A receiver waits while
// the budget is used up and then takes its batch whole, so the budget is
// exceeded by at most one batch and a batch larger than it still passes.
// A nil budget bounds nothing.
type byteBudget struct {
	limit int64

	mu      sync.Mutex
	used    int64
	waiting int
	freed   chan struct{} // closed, and replaced, when bytes come back to waiters
}

func newByteBudget(limit int64) *byteBudget {
	if limit <= 0 {
		return nil
	}
	return &byteBudget{limit: limit, freed: make(chan struct{})}
}

// acquire takes n bytes once the budget is not used up, or fails when ctx
// ends first.
func (b *byteBudget) acquire(ctx context.Context, n int64) error {
	if b == nil {
		return nil
	}
	b.mu.Lock()
	for b.used >= b.limit {
		freed := b.freed
		b.waiting++
		b.mu.Unlock()
		select {
		case <-freed:
		case <-ctx.Done():
			b.mu.Lock()
			b.waiting--
			b.mu.Unlock()
			return ctx.Err()
		}
		b.mu.Lock()
		b.waiting--
	}
	b.used += n
	b.mu.Unlock()
	return nil
}

// inUse reports the bytes taken and the limit (0, 0 for no budget).
func (b *byteBudget) inUse() (used, limit int64) {
	if b == nil {
		return 0, 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used, b.limit
}

// release gives back n bytes taken by acquire.
func (b *byteBudget) release(n int64) {
	if b == nil || n == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.used -= n
	if b.waiting > 0 && b.used < b.limit {
		close(b.freed)
		b.freed = make(chan struct{})
	}
}
