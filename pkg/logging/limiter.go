package logging

import (
	"sync"
	"time"
)

// Limiter lets a message through at most once per Every, so a sender
// retrying fast, a scanner, or a store failing on every retry cannot
// flood the log. The zero Limiter lets everything through.
type Limiter struct {
	Every time.Duration

	mu         sync.Mutex
	last       time.Time
	suppressed int
}

// Allow reports -1 when the message is to be dropped, or else how many
// were dropped since the last one let through.
func (l *Limiter) Allow(now time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.last.IsZero() && now.Sub(l.last) < l.Every {
		l.suppressed++
		return -1
	}
	n := l.suppressed
	l.last, l.suppressed = now, 0
	return n
}

// Suppressed adds to kv how many messages a Limiter dropped, if any.
func Suppressed(kv []any, n int) []any {
	if n > 0 {
		kv = append(kv, "suppressed", n)
	}
	return kv
}
