package mediator

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/pkg/stall"
)

// PipelineState is where the pipeline between state and index stands:
// what a stalled pipeline reports, and what /v1/status shows always.
type PipelineState struct {
	// StateEntries, StateFirst and StateNext are the entries in state,
	// the lowest sequence held and the sequence the next append gets.
	StateEntries int64  `json:"state_entries"`
	StateFirst   uint64 `json:"state_first_seq"`
	StateNext    uint64 `json:"state_next_seq"`
	// Cursor is the dispatcher's read position in state.
	Cursor uint64 `json:"cursor"`
	// InPipeline entries are read from state and not yet indexed; at
	// PipelineLimit the dispatcher waits.
	InPipeline    int `json:"in_pipeline"`
	PipelineLimit int `json:"pipeline_limit"`
	// Dispatcher and Writer say what each stage is doing, or waiting
	// for; WriteSeconds is how long the current index write has taken.
	Dispatcher   string  `json:"dispatcher"`
	Writer       string  `json:"writer"`
	WriteSeconds float64 `json:"write_seconds,omitempty"`
	IdleWorkers  int64   `json:"idle_workers"`
	Workers      int     `json:"workers"`
	// InflightBytes are received batches held in memory until stored
	// (max_inflight_bytes).
	InflightBytes      int64 `json:"inflight_bytes"`
	InflightBytesLimit int64 `json:"inflight_bytes_limit"`
	// Organizations are the entries in flight per organization; Parked
	// the organizations set aside after index errors.
	Organizations map[string]int `json:"organizations,omitempty"`
	Parked        []string       `json:"parked,omitempty"`
	// DedicatedWorkers are the organizations with their own pool and
	// its workers; the fields above are the shared pool's.
	DedicatedWorkers map[string]int `json:"dedicated_workers,omitempty"`
}

// pipelineState reads the pipeline's state now.
func (m *Mediator) pipelineState() PipelineState {
	p := m.pipeline
	st := PipelineState{
		StateEntries:     m.state.q.Len(),
		StateNext:        m.state.q.NextSeq(),
		Cursor:           p.cursor.Load(),
		DedicatedWorkers: p.pools(),
		IdleWorkers:      p.idleWorkers.Load(),
		Workers:          p.workers,
	}
	if first, ok, err := m.state.q.First(); err == nil && ok {
		st.StateFirst = first
	}
	st.InPipeline, st.PipelineLimit = p.slots.Load().usage()
	if s := p.dispatching.Load(); s != nil {
		st.Dispatcher = *s
	}
	if s := p.writing.Load(); s != nil {
		st.Writer = *s
	}
	if t := p.writeSince.Load(); t != 0 {
		st.WriteSeconds = time.Since(time.Unix(0, t)).Seconds()
	}
	st.InflightBytes, st.InflightBytesLimit = m.intake.inflight.inUse()
	st.Organizations, st.Parked = p.gate.snapshot()
	return st
}

// stallReport is the stall watch's verdict, for /v1/status and /readyz.
type stallReport struct {
	mu     sync.Mutex
	reason string // "" while the pipeline moves
	count  atomic.Uint64
}

func (r *stallReport) get() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.reason
}

func (r *stallReport) set(reason string) {
	r.mu.Lock()
	r.reason = reason
	r.mu.Unlock()
}

// watchPipeline looks at the pipeline every interval until ctx is done:
// when state holds entries, the index is healthy (no write failing and
// retried, no organization parked) and nothing has left state for
// stall_warning, the pipeline is stalled: it says so in the log with the
// pipeline's state, in /v1/status and /readyz, and in the heartbeat ARM
// raises a Data Processor Stalled event from. A pipeline that silently
// stops while agents back up into their spools is a loss of service that
// looks healthy.
func (m *Mediator) watchPipeline(ctx context.Context, every time.Duration, now func() time.Time) {
	w := stall.New(m.cfg.StallWarning)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		m.checkPipeline(w, now())
	}
}

// checkPipeline makes one observation and acts on a change.
func (m *Mediator) checkPipeline(w *stall.Watch, now time.Time) {
	p := m.pipeline
	_, parked := p.gate.snapshot()
	depth := m.state.q.Len()
	stalled, changed := w.Observe(stall.Observation{
		Now:      now,
		Pending:  depth > 0,
		Progress: p.removed.Load(),
		// A failing index is retried and reported as index_retrying
		// (its organizations parked): the entries wait for a reason. Only
		// while a write is retried or an organization is parked, though:
		// a failure flag left set with nothing retrying (a rescan lost,
		// issue 25) is a stall, not an excuse.
		Excused: len(parked) > 0 || p.retrying.Load() && p.writeSince.Load() != 0,
	})
	if !changed {
		return
	}
	quiet := now.Sub(w.Since()).Round(time.Second)
	if !stalled {
		m.stall.set("")
		m.logger.Info("pipeline moving again", "stalled_for", quiet)
		return
	}
	reason := fmt.Sprintf("state holds %d entries and none has been indexed for %s, with the index healthy", depth, quiet)
	if m.cfg.Workers == 0 {
		// Maintenance mode stops the pipeline on purpose; it is still
		// a pipeline that does not move, and the admin is told so.
		reason = fmt.Sprintf("workers = 0: state holds %d entries that nothing processes (for %s)", depth, quiet)
	}
	m.stall.set(reason)
	m.stall.count.Add(1)
	m.logger.Warn("pipeline stalled: entries wait in state and nothing indexes them", pipelineKV(reason, m.pipelineState())...)
}

// pipelineKV is a pipeline state as log key/values.
func pipelineKV(reason string, st PipelineState) []any {
	return []any{
		"reason", reason,
		"state_entries", st.StateEntries, "state_first_seq", st.StateFirst, "state_next_seq", st.StateNext, "cursor", st.Cursor,
		"in_pipeline", st.InPipeline, "pipeline_limit", st.PipelineLimit,
		"dispatcher", st.Dispatcher, "writer", st.Writer, "write_seconds", st.WriteSeconds,
		"idle_workers", st.IdleWorkers, "workers", st.Workers,
		"inflight_bytes", st.InflightBytes, "inflight_bytes_limit", st.InflightBytesLimit,
		"organizations", hclog.Fmt("%v", st.Organizations), "parked", hclog.Fmt("%v", st.Parked),
	}
}
