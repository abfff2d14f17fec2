package arm

import (
	"fmt"
	"sync"
	"time"

	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// outbox hands ARM events to mediators to index. Events stay on disk
// until a mediator acknowledges that it stored them. At most one mediator
// holds a lease on the pending events at a time, and always on the oldest
// ones: a mediator skips entries at or below the highest sequence it holds
// for an agent (mediator state.append), so handing a younger event to one
// mediator while an older one is still unacknowledged elsewhere could get
// the older one skipped there later. A lease not acknowledged within
// leaseTimeout passes to the next mediator that reports.
type outbox struct {
	st           *store
	now          func() time.Time
	leaseTimeout time.Duration
	perReport    int

	mu sync.Mutex
	// floor is the lowest sequence that may still be pending: everything
	// below it was acknowledged.
	floor uint64
	lease lease
	// leased is the highest sequence leased to each mediator since ARM
	// started: an acknowledgement beyond it is not believed.
	leased map[string]uint64
}

// lease is who holds the oldest pending events.
type lease struct {
	holder  string
	expires time.Time
	through uint64
}

// maxResponseBytes keeps a response well under gRPC's 4 MiB default.
const maxResponseBytes = 2 << 20

func newOutbox(st *store, now func() time.Time, leaseTimeout time.Duration, perReport int) *outbox {
	return &outbox{st: st, now: now, leaseTimeout: leaseTimeout, perReport: perReport, leased: map[string]uint64{}}
}

// exchange applies mediator's acknowledgement and returns the events it
// should store now (possibly none), and whether more are pending.
func (o *outbox) exchange(mediator string, ackThrough uint64) ([]*sluicev1.ArmEvent, bool, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.now()
	progress := false
	if eff := min(ackThrough, o.leased[mediator]); eff > 0 && eff >= o.floor {
		n, err := o.st.q.DeleteThrough(eff)
		if err != nil {
			return nil, false, fmt.Errorf("acknowledge ARM events through %d: %w", eff, err)
		}
		o.floor = eff + 1
		progress = n > 0
		if o.lease.through <= eff {
			o.lease = lease{}
		}
	}
	if o.lease.holder != "" && o.lease.holder != mediator && now.Before(o.lease.expires) {
		return nil, false, nil
	}
	if o.depth() == 0 {
		// The common case: nothing to hand out, and no need to ask Badger.
		o.lease = lease{}
		return nil, false, nil
	}
	evs, err := o.st.readEvents(o.floor, o.perReport, maxResponseBytes)
	if err != nil {
		return nil, false, err
	}
	if len(evs) == 0 {
		o.lease = lease{}
		return nil, false, nil
	}
	more := o.st.q.Len() > int64(len(evs))
	// A holder that acknowledges keeps its lease; one that only repeats
	// itself (its store fails) loses it when it expires.
	if o.lease.holder != mediator || !now.Before(o.lease.expires) || progress {
		o.lease.holder, o.lease.expires = mediator, now.Add(o.leaseTimeout)
	}
	last := evs[len(evs)-1].GetEntry().GetSeq()
	o.lease.through = last
	if last > o.leased[mediator] {
		o.leased[mediator] = last
	}
	return evs, more, nil
}

// depth is the number of events not yet acknowledged.
func (o *outbox) depth() int64 { return o.st.q.Len() }

// holder returns the current lease holder ("" when none or expired).
func (o *outbox) holder() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.lease.holder == "" || !o.now().Before(o.lease.expires) {
		return ""
	}
	return o.lease.holder
}
