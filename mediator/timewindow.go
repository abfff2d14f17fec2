package mediator

import (
	"time"

	"github.com/sluicehq/sluice/pkg/event"
)

// timeWindow is the range of event times the index files events under,
// around the mediator's clock: no more than past before it (the index's
// window: max_past_age, which is not the retention of the index)
// and no more than future after it (max_future_skew). A zero side is
// open.
//
// Indexes are partitioned by day of @timestamp (embedded day files,
// Elasticsearch daily indices), so a sender that sprays dates — hostile,
// or a clock gone wrong — would otherwise make a partition per date it
// writes, and the writes that open and close them hold back everyone
// else's events. Events outside the window are kept, not refused: they
// are filed under their collection time, flagged, and keep their own
// time in sluice.original_timestamp, where a range query still finds it.
//
// The window applies where events go to the index (the pipeline, dead
// letter replay); `sluice rules test` and `rules parse` show what the
// rules make of a line, old sample logs included, and never see it.
type timeWindow struct {
	past, future time.Duration
}

// contains reports whether t lies in the window around now.
func (w timeWindow) contains(t, now time.Time) bool {
	if w.past > 0 && t.Before(now.Add(-w.past)) {
		return false
	}
	if w.future > 0 && t.After(now.Add(w.future)) {
		return false
	}
	return true
}

// clamp files e under its collection time when its @timestamp lies
// outside the window around now, and reports whether it did. The
// collection time is the agent's clock when it read the line; when that
// is outside the window too (an agent's clock gone wrong, or a spool
// that waited longer than the window), now is used instead.
func (w timeWindow) clamp(e *event.Event, collected, now time.Time) bool {
	if w.contains(e.Timestamp, now) {
		return false
	}
	at := collected
	if at.IsZero() || !w.contains(at, now) {
		at = now
	}
	e.Set(event.FieldOriginalTimestamp, e.Timestamp)
	e.AddFlag(event.FlagTimestampOutOfRange)
	e.Timestamp = at
	return true
}
