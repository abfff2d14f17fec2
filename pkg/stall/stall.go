// Package stall tells a pipeline that stopped from one that is merely idle
// or waiting for a good reason. A daemon observes its pipeline now and
// then — is work pending, how far has it got, is it excused (its sink is
// failing and retrying, it is between connections) — and the Watch says
// when pending work has not moved for longer than allowed, and when it
// moves again. It is a pure state machine: the caller supplies the time.
package stall

import "time"

// Watch decides from observations whether a pipeline is stalled. The zero
// value is not usable; make one with New.
type Watch struct {
	after    time.Duration
	progress uint64
	since    time.Time // when the pipeline last moved, or was excused
	started  bool
	stalled  bool
}

// New returns a Watch that calls a pipeline stalled once its pending work
// has not moved for after.
func New(after time.Duration) *Watch { return &Watch{after: after} }

// Observation is the pipeline at one moment.
type Observation struct {
	Now time.Time
	// Pending is whether work waits (entries in the queue).
	Pending bool
	// Progress is a counter that grows whenever the pipeline finishes
	// something (entries indexed, acknowledged).
	Progress uint64
	// Excused is set while waiting is expected and reported elsewhere:
	// the index is failing and retried, the agent is between mediators.
	Excused bool
}

// Observe applies an observation. It returns whether the pipeline is
// stalled now, and whether that changed with this observation.
func (w *Watch) Observe(o Observation) (stalled, changed bool) {
	moved := !w.started || o.Progress != w.progress || !o.Pending || o.Excused
	w.started = true
	w.progress = o.Progress
	if moved {
		w.since = o.Now
	}
	now := !moved && o.Now.Sub(w.since) >= w.after
	changed = now != w.stalled
	w.stalled = now
	return now, changed
}

// Since is when the pipeline last moved (or was excused).
func (w *Watch) Since() time.Time { return w.since }
