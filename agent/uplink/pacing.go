package uplink

import (
	"math"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/pkg/logging"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// Pacing: after a Throttle the session waits retry_after, then keeps the
// agent within the budget the mediator announced (pacer); the rate
// limiting is logged when it starts and then once a minute (throttleLog).

// paceHeadroom is the share of its budget an agent paces itself to, so
// that batches arriving a little early (network jitter) are not refused.
const paceHeadroom = 0.95

// pacer keeps the agent within the budget a Throttle announced: it sends
// what the mediator will take instead of a window of batches to be
// refused and resent. It mirrors the mediator's token buckets (one
// second's worth; a larger batch goes into debt).
type pacer struct {
	entries, bytes paceBucket
}

type paceBucket struct {
	rate, burst, tokens float64
	at                  time.Time
}

// newPacer starts at `from` (when the refused batch may be resent) with
// what the mediator's bucket will hold then: enough for that batch.
func newPacer(th *sluicev1.Throttle, refused inflight, from time.Time) *pacer {
	if th.GetEntriesPerSecond() == 0 && th.GetBytesPerSecond() == 0 {
		return nil
	}
	mk := func(perSec uint64, n int) paceBucket {
		if perSec == 0 {
			return paceBucket{}
		}
		r := float64(perSec) * paceHeadroom
		return paceBucket{rate: r, burst: r, tokens: min(float64(n), r), at: from}
	}
	n := int(refused.last - refused.first + 1)
	if refused.last < refused.first {
		n = 0
	}
	return &pacer{entries: mk(th.GetEntriesPerSecond(), n), bytes: mk(th.GetBytesPerSecond(), refused.size)}
}

func (b *paceBucket) wait(n float64, now time.Time) time.Duration {
	if b.rate <= 0 {
		return 0
	}
	if now.After(b.at) {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.at).Seconds()*b.rate)
		b.at = now
	}
	deficit := max(min(n, b.burst)-b.tokens, 0)
	// The bucket may start in the future (at the end of a retry_after).
	return max(b.at.Sub(now)+time.Duration(math.Ceil(deficit/b.rate*float64(time.Second))), 0)
}

// wait is how long until a batch of n entries and size bytes fits (0:
// now, and it is taken from the budget).
func (p *pacer) wait(n, size int, now time.Time) time.Duration {
	if p == nil {
		return 0
	}
	if w := max(p.entries.wait(float64(n), now), p.bytes.wait(float64(size), now)); w > 0 {
		return w
	}
	if p.entries.rate > 0 {
		p.entries.tokens -= float64(n)
	}
	if p.bytes.rate > 0 {
		p.bytes.tokens -= float64(size)
	}
	return 0
}

// throttleLog logs the mediator's rate limiting when it starts and then
// at most once a minute with how many batches it refused meanwhile, never
// once per batch.
type throttleLog struct {
	limiter logging.Limiter
	// loggedAt is when it last logged (unix nanoseconds; 0: never): a
	// Throttle more than two minutes after that starts a new story.
	loggedAt atomic.Int64
}

func newThrottleLog() *throttleLog {
	return &throttleLog{limiter: logging.Limiter{Every: time.Minute}}
}

// log is called for every Throttle, at now; wait is how long the session
// pauses.
func (l *throttleLog) log(logger hclog.Logger, now time.Time, addr string, th *sluicev1.Throttle, wait time.Duration) {
	suppressed := l.limiter.Allow(now)
	if suppressed < 0 {
		return
	}
	last := l.loggedAt.Swap(now.UnixNano())
	args := []any{"mediator", addr, "limit", th.GetLimit(), "reason", th.GetReason(), "retry_after", wait.Round(time.Millisecond), "resume_seq", th.GetResumeSeq()}
	// A rate limit (the agent's or its organization's) or an
	// organization's suspense (its backlog at the mediator over its
	// quota or its share): the limit names which.
	what := "rate limits this agent"
	if th.GetReason() == "suspense" {
		what = "holds this agent's organization in suspense"
	}
	if last == 0 || now.Sub(time.Unix(0, last)) > 2*time.Minute {
		logger.Warn("mediator "+what+" (RESOURCE_EXHAUSTED): keeping the refused batches in the spool and resending them after retry_after on the same stream", args...)
		return
	}
	// This Throttle and those not logged since the last line.
	logger.Warn("mediator still "+what, append(args, "throttled_batches", suppressed+1, "since", now.Sub(time.Unix(0, last)).Round(time.Second))...)
}
