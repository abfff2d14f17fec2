package uplink

import (
	"time"

	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// The window: the batches sent on a session and not yet acknowledged,
// oldest first. An acknowledgement takes batches off its front; a
// Throttle takes off the refused batch and those behind it, which the
// session then resends.

// inflight is a batch sent and not acknowledged.
type inflight struct {
	first, last uint64
	size        int // bytes (the packed record)
	sentAt      time.Time
}

// maxRetryAfter caps a Throttle's retry_after: after it the agent offers
// the batch again (and is throttled again if still over its budget).
const maxRetryAfter = time.Minute

// throttled applies a Throttle: the mediator stored nothing from
// resume_seq on and discards the batches behind it that are on their way,
// so they leave the window (they stay in the spool) and the cursor goes
// back to resume_seq. It returns the window, the cursor, how long to wait
// before sending again, and the refused batch (zero if not in the window).
func throttled(window []inflight, cursor uint64, th *sluicev1.Throttle) ([]inflight, uint64, time.Duration, inflight) {
	from := th.GetResumeSeq()
	var refused inflight
	keep := window[:0]
	for _, f := range window {
		if f.first < from {
			keep = append(keep, f)
		} else if f.first == from {
			refused = f
		}
	}
	wait := min(max(th.GetRetryAfter().AsDuration(), 0), maxRetryAfter)
	return keep, min(cursor, from), wait, refused
}

// ackWindow takes the batches acknowledged through a sequence off the
// window and counts them.
func (u *Uplink) ackWindow(window []inflight, through uint64) []inflight {
	n := len(window)
	window = ackWindow(window, through)
	u.acked.Add(uint64(n - len(window)))
	return window
}

// ackWindow takes the batches acknowledged through a sequence off the
// window.
func ackWindow(window []inflight, through uint64) []inflight {
	for len(window) > 0 && window[0].last <= through {
		window = window[1:]
	}
	return window
}
