package mediator

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/sluicehq/sluice/pkg/logging"
	"github.com/sluicehq/sluice/pkg/queue"
)

// archiver is what the pipeline needs of the raw archive (pkg/archive):
// records appended in state order, made durable before they leave state.
type archiver interface {
	// Append archives one state record; false when the archive already
	// holds it (read again after a restart).
	Append(org string, first, last uint64, value []byte) (bool, error)
	// Sync makes every appended record durable.
	Sync() error
}

// errArchiving is wrapped by fill when the archive does not take a
// record: the dispatcher waits and tries again, and entries stay in
// state (suspense holds agents back once it fills).
var errArchiving = errors.New("archive failing")

// archiveRetry is how long the dispatcher waits before archiving again
// after a failure.
const archiveRetry = time.Second

// archiveTrouble is the archive's failure state: the first failure is
// logged and raised as a warning (and a stall reason: nothing moves while
// the archive fails), repeats are limited, recovery is logged once.
type archiveTrouble struct {
	mu      sync.Mutex
	failing string // the last failure ("" when healthy)
	since   time.Time
	log     logging.Limiter
	// problem raises or clears the mediator's warning.
	problem func(text string)
	// failures counts failed appends and syncs.
	failures uint64
}

// archiveRecords archives the records the dispatcher read, in order.
func (p *pipeline) archiveRecords(recs []queue.Record) error {
	for _, r := range recs {
		if _, err := p.archive.Append(recordOrg(r.Value), r.First, r.Last, r.Value); err != nil {
			p.archiveFailed(err)
			return fmt.Errorf("%w: %w", errArchiving, err)
		}
	}
	if len(recs) > 0 {
		p.archiveOK()
	}
	return nil
}

// archiveFailed reports a failure of the archive.
func (p *pipeline) archiveFailed(err error) {
	t := &p.archiveTrouble
	t.mu.Lock()
	defer t.mu.Unlock()
	t.failures++
	now := time.Now()
	first := t.failing == ""
	if first {
		t.since = now
	}
	t.failing = err.Error()
	if n := t.log.Allow(now); n >= 0 {
		p.logger.Error("archive failing: entries stay in state (nothing is acknowledged and dropped) until it takes them again",
			logging.Suppressed([]any{"error", err, "failing_for", now.Sub(t.since).Round(time.Second)}, n)...)
	}
	if first && t.problem != nil {
		t.problem("archive failing: " + err.Error())
	}
}

// archiveOK clears the failure state after a success.
func (p *pipeline) archiveOK() {
	t := &p.archiveTrouble
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.failing == "" {
		return
	}
	p.logger.Info("archive working again", "failed_for", time.Since(t.since).Round(time.Second))
	t.failing = ""
	if t.problem != nil {
		t.problem("")
	}
}

// status returns the failure in progress ("" when healthy) and the
// failures so far.
func (t *archiveTrouble) status() (string, uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.failing, t.failures
}
