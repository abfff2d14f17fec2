package syslog

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/sluicehq/sluice/agent/source"
	"github.com/sluicehq/sluice/pkg/logging"
)

// queue holds lines read but not committed yet, bounded in lines and
// bytes. Connections wait for room (and so stop reading their sockets);
// the UDP reader drops what does not fit. The committer takes batches.
type queue struct {
	maxLines, maxBytes int

	mu    sync.Mutex
	lines []source.Line
	bytes int
	// space is closed, and replaced, each time lines are taken.
	space chan struct{}
	// ready wakes the committer when a batch may be full.
	ready chan struct{}
}

func newQueue(maxLines, maxBytes int) *queue {
	return &queue{maxLines: maxLines, maxBytes: maxBytes, space: make(chan struct{}), ready: make(chan struct{}, 1)}
}

// add appends lines if the queue is not full. A group is taken whole even
// if it goes over the bounds: it is at most one read's worth, and cutting
// it would reorder a connection's lines.
func (q *queue) add(lines []source.Line) (ok bool, space <-chan struct{}) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.lines) >= q.maxLines || q.bytes >= q.maxBytes {
		return false, q.space
	}
	q.lines = append(q.lines, lines...)
	for _, l := range lines {
		q.bytes += len(l.Raw)
	}
	select {
	case q.ready <- struct{}{}:
	default:
	}
	return true, nil
}

// put adds lines, waiting for room until ctx is done.
func (q *queue) put(ctx context.Context, lines []source.Line) error {
	for {
		ok, space := q.add(lines)
		if ok {
			return nil
		}
		select {
		case <-space:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// offer adds lines if there is room, without waiting.
func (q *queue) offer(lines []source.Line) bool {
	ok, _ := q.add(lines)
	return ok
}

// size is the number of lines and bytes queued.
func (q *queue) size() (lines, bytes int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.lines), q.bytes
}

// take removes up to maxLines lines and about maxBytes bytes (at least one
// line, however long) from the front.
func (q *queue) take(maxLines, maxBytes int) []source.Line {
	q.mu.Lock()
	defer q.mu.Unlock()
	n, size := 0, 0
	for n < len(q.lines) && n < maxLines && (n == 0 || size+len(q.lines[n].Raw) <= maxBytes) {
		size += len(q.lines[n].Raw)
		n++
	}
	if n == 0 {
		return nil
	}
	out := make([]source.Line, n)
	copy(out, q.lines)
	// Shift rather than reslice, so the backing array does not creep
	// forward and grow without bound.
	rest := copy(q.lines, q.lines[n:])
	clear(q.lines[rest:])
	q.lines = q.lines[:rest]
	q.bytes -= size
	close(q.space)
	q.space = make(chan struct{})
	return out
}

// commitLoop commits queued lines in batches: when a batch is full, and
// every FlushInterval whatever is queued. When readersDone closes (after
// ctx is done and every reader ended) it commits what is left, if the
// store takes it at once, and returns.
func (s *Source) commitLoop(ctx context.Context, readersDone <-chan struct{}) {
	t := time.NewTicker(s.cfg.FlushInterval)
	defer t.Stop()
	var held []source.Line // a batch a cancelled retry left uncommitted
	for {
		tick := false
		select {
		case <-s.q.ready:
		case <-t.C:
			tick = true
			s.countKernelDrops()
			s.drops.tick()
			s.kernelLog.tick()
		case <-readersDone:
			s.final(held)
			return
		}
		if held != nil {
			continue // ctx is done: wait for the readers, then final
		}
		for {
			n, b := s.q.size()
			if n == 0 || (!tick && n < s.cfg.BatchLines && b < s.cfg.BatchBytes) {
				break
			}
			batch := s.q.take(s.cfg.BatchLines, s.cfg.BatchBytes)
			if err := s.commit(ctx, batch); err != nil {
				held = batch
				break
			}
		}
	}
}

// commit commits one batch, retrying with backoff while the store refuses,
// until it succeeds or ctx is done. While it retries, the queue stays full,
// so connections stop reading and the UDP reader drops.
func (s *Source) commit(ctx context.Context, lines []source.Line) error {
	b := source.Batch{SourceID: s.cfg.SourceID, LogSourceType: s.cfg.LogSourceType, Lines: lines, Collected: s.cfg.Now()}
	failLog := logging.Limiter{Every: time.Minute}
	for attempt := 0; ; attempt++ {
		err := s.store.Commit(ctx, b)
		if err == nil {
			s.committed.Add(uint64(len(lines)))
			if s.paused {
				s.paused = false
				s.logger.Info("spool takes lines again: syslog reading resumed")
			}
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		switch {
		case errors.Is(err, source.ErrBackpressure):
			if !s.paused {
				s.paused = true
				s.logger.Warn("spool cannot take more: syslog reading paused (TCP senders are held back, UDP datagrams are dropped and counted)", "reason", err)
			}
		default:
			// Not a "full" spool but a failing one: say so, not every retry.
			s.paused = true
			if n := failLog.Allow(time.Now()); n >= 0 {
				s.logger.Error("cannot commit syslog lines; retrying (nothing read is dropped)", logging.Suppressed([]any{"lines", len(lines), "error", err}, n)...)
			}
		}
		timer := time.NewTimer(s.cfg.Retry.Delay(attempt))
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		}
	}
}

// final makes one attempt, on shutdown, to commit what was read: held (a
// batch whose retry was cancelled), then what is queued. The store gets a
// context of its own: the source's is done.
func (s *Source) final(held []source.Line) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	lines := held
	for {
		if len(lines) == 0 {
			lines = s.q.take(s.cfg.BatchLines, s.cfg.BatchBytes)
		}
		if len(lines) == 0 {
			return
		}
		b := source.Batch{SourceID: s.cfg.SourceID, LogSourceType: s.cfg.LogSourceType, Lines: lines, Collected: s.cfg.Now()}
		if err := s.store.Commit(ctx, b); err != nil {
			n, _ := s.q.size()
			s.logger.Warn("syslog lines read but not spooled at shutdown", "lines", len(lines)+n, "error", err)
			return
		}
		s.committed.Add(uint64(len(lines)))
		lines = nil
	}
}
