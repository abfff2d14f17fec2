package mediator

import (
	"context"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"golang.org/x/time/rate"
)

// limits are the per-agent limits of the intake. An agent over its rate
// is slowed down — its batches wait before they are stored, so its
// acknowledgements come later and its window fills — rather than
// disconnected, and the other agents' streams do not wait with it.
type limits struct {
	entriesPerSec   int
	bytesPerSec     int64
	maxBatchEntries int
	maxBatchBytes   int64
}

// sessionLimiter is one stream's token buckets.
type sessionLimiter struct {
	entries *rate.Limiter
	bytes   *rate.Limiter

	mu       sync.Mutex
	lastWarn time.Time
}

func (l limits) newSession() *sessionLimiter {
	sl := &sessionLimiter{}
	// A burst of one second's worth: a batch larger than that is charged
	// one burst (ReserveN cannot take more), and the next waits for it.
	if l.entriesPerSec > 0 {
		sl.entries = rate.NewLimiter(rate.Limit(l.entriesPerSec), l.entriesPerSec)
	}
	if l.bytesPerSec > 0 {
		sl.bytes = rate.NewLimiter(rate.Limit(l.bytesPerSec), int(min(l.bytesPerSec, 1<<30)))
	}
	return sl
}

// wait delays until the session may store entries.
func (l limits) wait(ctx context.Context, s *session, entries, size int, log hclog.Logger) error {
	sl := s.limiter
	if sl == nil || (sl.entries == nil && sl.bytes == nil) {
		return nil
	}
	now := time.Now()
	var delay time.Duration
	if sl.entries != nil {
		delay = max(delay, sl.entries.ReserveN(now, min(entries, sl.entries.Burst())).DelayFrom(now))
	}
	if sl.bytes != nil {
		delay = max(delay, sl.bytes.ReserveN(now, min(size, sl.bytes.Burst())).DelayFrom(now))
	}
	if delay <= 0 {
		return nil
	}
	sl.mu.Lock()
	if now.Sub(sl.lastWarn) > time.Minute {
		sl.lastWarn = now
		log.Warn("agent over its rate limit: slowing it down", "entries_per_second", l.entriesPerSec, "bytes_per_second", l.bytesPerSec, "delay", delay.Round(time.Millisecond))
	}
	sl.mu.Unlock()
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
