package uplink

import (
	"context"
	"fmt"
	"time"

	"github.com/sluicehq/sluice/pkg/stall"
)

// Stalled is why the uplink is stalled: its spool holds entries, a
// mediator is connected, and nothing has been acknowledged for
// StallWarning. "" while it moves.
func (u *Uplink) Stalled() string {
	if s := u.stalled.Load(); s != nil {
		return *s
	}
	return ""
}

// watchStall checks the uplink every interval until ctx is done.
func (u *Uplink) watchStall(ctx context.Context, every time.Duration) {
	w := stall.New(u.cfg.StallWarning)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		u.checkStall(w, time.Now())
	}
}

// checkStall makes one observation and acts on a change: a stall is
// logged with the uplink's state and carried in every heartbeat (to the
// mediator's agent list and ARM, which raises Agent Stalled) until
// acknowledgements move again. Between mediators the uplink is not
// stalled: failing over is its own, logged, story.
func (u *Uplink) checkStall(w *stall.Watch, now time.Time) {
	st := u.Status()
	depth := u.spool.Depth()
	stalled, changed := w.Observe(stall.Observation{
		Now:      now,
		Pending:  depth > 0,
		Progress: u.acks.Load(),
		Excused:  st.Current == "",
	})
	if !changed {
		return
	}
	quiet := now.Sub(w.Since()).Round(time.Second)
	if !stalled {
		u.stalled.Store(nil)
		u.logger.Info("uplink moving again: the mediator acknowledges", "mediator", st.CurrentID, "stalled_for", quiet)
		return
	}
	reason := fmt.Sprintf("spool holds %d entries and mediator %s has acknowledged none for %s", depth, st.CurrentID, quiet)
	u.stalled.Store(&reason)
	lastAck := "never"
	if !st.LastAck.IsZero() {
		lastAck = st.LastAck.Format(time.RFC3339)
	}
	u.logger.Warn("uplink stalled: entries wait in the spool and the connected mediator acknowledges nothing",
		"reason", reason, "mediator", st.Current, "mediator_id", st.CurrentID, "connected_since", st.Connected.Format(time.RFC3339),
		"last_ack", lastAck, "spool_depth", depth, "spool_first_seq", u.spool.FirstSeq(), "spool_next_seq", u.spool.NextSeq(),
		"batches_in_flight", u.inflight.Load())
}
