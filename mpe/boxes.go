package mpe

import "time"

// Boxing. event.Set takes values as interfaces, and turning a string or a
// time into an interface allocates. The values an entry brings (agent, log
// source, organization, collection time) and those of its header (host,
// program) mostly repeat from one entry to the next: a batch comes from
// one agent and log source with one collection time, and a log's host and
// program change rarely. Each pass remembers, in its pooled scratch (see
// scan), the last value of each it boxed, and reuses the interface when
// the next entry has the same: one string comparison instead of an
// allocation and the garbage it leaves.

// lastString is the last string boxed in one place. Not safe for
// concurrent use: it lives in a scratch one pass holds at a time.
type lastString struct {
	s string
	v any
}

// box returns s as an interface.
func (b *lastString) box(s string) any {
	if b.v == nil || b.s != s {
		b.s, b.v = s, s
	}
	return b.v
}

// lastTime is lastString for times.
type lastTime struct {
	t time.Time
	v any
}

// box returns t as an interface. Times are compared with ==, not Equal:
// the interface reused must hold the very value (location included) that
// boxing t would.
func (b *lastTime) box(t time.Time) any {
	if b.v == nil || b.t != t {
		b.t, b.v = t, t
	}
	return b.v
}

// boxes are the values a pass boxes through its scratch.
type boxes struct {
	logSourceType, logSource, agent, mediator, organization lastString
	collected                                               lastTime
	hostname, program                                       lastString
}
