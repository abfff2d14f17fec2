package uplink

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sluicehq/sluice/agent/failover"
	"github.com/sluicehq/sluice/pkg/queue"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// session is one stream to a mediator, from its Welcome (open,
// handshake.go) until it fails or the agent moves to another mediator:
// serve sends the spool's batches, keeps up to Window of them
// unacknowledged, and applies the mediator's replies.
type session struct {
	u       *Uplink
	addr    string
	stream  sluicev1.MediatorService_ConnectClient
	ctx     context.Context
	cancel  context.CancelFunc
	welcome *sluicev1.Welcome
	// compression is what the stream is compressed with ("none": not).
	compression string

	// replies are the mediator's acknowledgements and Throttles, in
	// stream order, from receive (receive.go); recvErr is why receive
	// stopped; dead is the watchdog's verdict (watchdog.go).
	replies chan batchReply
	recvErr chan error
	dead    chan error
	// lastRecv is when anything last came from the mediator, oldestSent
	// when the oldest unacknowledged batch was sent (0: none), both in
	// unix nanoseconds: the watchdog reads them.
	lastRecv, oldestSent atomic.Int64

	// cursor is the first sequence not yet sent; window the batches
	// sent and not acknowledged, oldest first.
	cursor uint64
	window []inflight
	// pending are records read from the spool, from cursor on, that the
	// pacer or a full window held back: sent first instead of reading
	// them again.
	pending []queue.Record
	// After a Throttle nothing is sent until pausedUntil; resume wakes
	// the loop then. From the first Throttle on, pace keeps the agent
	// within the budget the mediator announced.
	pausedUntil time.Time
	pace        *pacer
	resume      *time.Timer
	// A small batch sent less than BatchLinger after the previous one
	// (lastSent) waits for the rest of that time (linger wakes the loop
	// then), and goes with whatever arrived meanwhile.
	lastSent time.Time
	linger   *time.Timer
	// probe is the next failback or load-balancing probe (nil: none),
	// probeTimer fires when it is due.
	probe      *failover.Probe
	probeTimer *time.Timer
}

// batchReply is the mediator's reply to batches sent, as receive hands it
// to serve in stream order: an acknowledgement of every entry through a
// sequence, or a Throttle (a batch refused for the rate limit).
type batchReply struct {
	through  uint64
	throttle *sluicev1.Throttle
}

// serve runs the session. It returns when the session fails (next ==
// nil, with the reason) or when a failback or load-balancing probe found
// a better mediator (next is the accepted session there, after the
// in-flight batches were acknowledged here).
func (s *session) serve(ctx context.Context, sel *failover.Selector) (next *session, nextIdx int, err error) {
	defer s.cancel()
	u := s.u
	if err := s.applyWelcome(); err != nil {
		return nil, 0, err
	}
	s.replies = make(chan batchReply, u.cfg.Window+1)
	s.recvErr = make(chan error, 1)
	s.dead = make(chan error, 1)
	s.lastRecv.Store(time.Now().UnixNano())
	go func() { s.recvErr <- s.receive() }()
	go s.watch()
	defer u.inflight.Store(0)

	hb := time.NewTicker(u.cfg.HeartbeatInterval)
	defer hb.Stop()
	s.probe = sel.NextProbe()
	s.probeTimer = time.NewTimer(time.Hour)
	defer s.probeTimer.Stop()
	s.armProbe()
	s.resume = time.NewTimer(time.Hour)
	s.resume.Stop()
	defer s.resume.Stop()
	s.linger = time.NewTimer(time.Hour)
	s.linger.Stop()
	defer s.linger.Stop()

	if err := s.sendHeartbeat(); err != nil {
		return nil, 0, s.ended(err)
	}
	for {
		if err := s.fillWindow(); err != nil {
			return nil, 0, err
		}
		select {
		case <-ctx.Done():
			return nil, 0, ctx.Err()
		case err := <-s.recvErr:
			return nil, 0, s.ended(err)
		case err := <-s.dead:
			return nil, 0, err
		case r := <-s.replies:
			if r.throttle != nil {
				s.onThrottle(r.throttle)
			} else {
				s.onAck(r.through)
			}
		case <-s.resume.C:
		case <-s.linger.C:
		case <-hb.C:
			if err := s.sendHeartbeat(); err != nil {
				return nil, 0, s.ended(err)
			}
		case <-u.spool.Notify():
		case <-s.probeTimer.C:
			if nc, idx := s.runProbe(ctx, sel); nc != nil {
				return nc, idx, nil
			}
		}
	}
}

// applyWelcome removes from the spool what the Welcome says the mediator
// holds already, and starts sending after it.
func (s *session) applyWelcome() error {
	u := s.u
	held := s.welcome.GetHeldThroughSeq()
	nextSeq := u.spool.NextSeq()
	if held > 0 {
		if held >= nextSeq {
			u.logger.Warn("mediator claims to hold entries this agent never spooled; ignoring (was the spool replaced?)", "held_through", held, "next_seq", nextSeq)
			held = 0
		} else if err := u.spool.Ack(held); err != nil {
			return fmt.Errorf("apply welcome ack: %w", err)
		}
	}
	// Entries at or below held are gone from the spool; Read seeks to the
	// first one above. (Deriving the start from NextSeq and Depth would race
	// with an append in flight and skip it.)
	s.cursor = held + 1
	return nil
}

// ended prefers the watchdog's verdict: the error that cancelling the
// stream caused says less.
func (s *session) ended(err error) error {
	select {
	case d := <-s.dead:
		return d
	default:
		return err
	}
}

// fillWindow sends while the window has room and no Throttle pauses the
// session: consecutive spool records (each a batch as a source read it)
// go in one message up to BatchEntries and BatchBytes, sent without
// decoding them.
func (s *session) fillWindow() error {
	u := s.u
	room := u.cfg.Window - len(s.window)
	if room <= 0 || time.Now().Before(s.pausedUntil) {
		return nil
	}
	recs := s.pending
	s.pending = nil
	if len(recs) == 0 {
		var err error
		if recs, err = u.spool.ReadRecords(s.cursor, room*maxCoalesce, u.cfg.BatchBytes*room); err != nil {
			return fmt.Errorf("read spool: %w", err)
		}
	}
	batches := coalesce(recs, u.cfg.BatchEntries, u.cfg.BatchBytes)
	if len(batches) == 1 && u.small(batches[0]) && u.cfg.BatchLinger > 0 {
		if wait := time.Until(s.lastSent.Add(u.cfg.BatchLinger)); wait > 0 {
			// Read again when the linger ends: more may be there by
			// then.
			s.linger.Reset(wait)
			batches = nil
		}
	}
	for i, b := range batches {
		if i == room {
			s.pending = recordsOf(batches[i:])
			break
		}
		if w := s.pace.wait(b.entries(), b.size, time.Now()); w > 0 {
			// Over the budget the mediator announced: wait rather
			// than send a batch it would refuse, and keep what was
			// read for then.
			s.pending = recordsOf(batches[i:])
			s.pausedUntil = time.Now().Add(w)
			s.resume.Reset(w)
			break
		}
		if err := s.sendBatch(b); err != nil {
			return err
		}
	}
	return nil
}

// sendBatch sends b and puts it in the window.
func (s *session) sendBatch(b outBatch) error {
	msg := &sluicev1.LogBatch{Packed: b.packed(), FirstSeq: b.first, LastSeq: b.last}
	if err := s.stream.Send(&sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Batch{Batch: msg}}); err != nil {
		return s.ended(streamError(err, s.recvErr))
	}
	s.u.sent.Add(1)
	s.lastSent = time.Now()
	s.window = append(s.window, inflight{first: b.first, last: b.last, size: b.size, sentAt: s.lastSent})
	s.u.inflight.Store(int64(len(s.window)))
	s.cursor = b.last + 1
	if len(s.window) == 1 {
		s.windowChanged()
	}
	return nil
}

// windowChanged publishes the window's size, and when its oldest batch
// was sent for the watchdog.
func (s *session) windowChanged() {
	s.u.inflight.Store(int64(len(s.window)))
	if len(s.window) > 0 {
		s.oldestSent.Store(s.window[0].sentAt.UnixNano())
	} else {
		s.oldestSent.Store(0)
	}
}

// onAck takes the acknowledged batches out of the window (receive has
// removed their entries from the spool).
func (s *session) onAck(through uint64) {
	s.window = s.u.ackWindow(s.window, through)
	s.windowChanged()
}

// onThrottle applies a Throttle: the refused batch and those behind it
// leave the window and are resent, after retry_after, from resume_seq;
// from then on the pacer keeps the agent within the announced budget.
func (s *session) onThrottle(th *sluicev1.Throttle) {
	var wait time.Duration
	var refused inflight
	s.window, s.cursor, wait, refused = throttled(s.window, s.cursor, th)
	s.pending = nil // the cursor moved back: read again from there
	s.u.throttleLog.log(s.u.logger, time.Now(), s.addr, th, wait)
	s.pausedUntil = time.Now().Add(wait)
	s.pace = newPacer(th, refused, s.pausedUntil)
	s.resume.Reset(wait)
	s.windowChanged()
}

// armProbe sets the probe timer for the next probe, if any.
func (s *session) armProbe() {
	s.probeTimer.Stop()
	if s.probe != nil {
		s.probeTimer.Reset(max(time.Until(s.probe.At), 0))
	}
}

// runProbe runs the probe that is due. When a better mediator accepts
// the agent it waits for this one to acknowledge what it can and returns
// the session there; otherwise it schedules the next probe and returns
// nil.
func (s *session) runProbe(ctx context.Context, sel *failover.Selector) (*session, int) {
	u := s.u
	if s.probe == nil {
		return nil, 0
	}
	nc, idx := u.openProbe(ctx, s.probe, sel)
	if nc == nil {
		sel.ProbeFailed(s.probe, time.Now())
		s.probe = sel.NextProbe()
		s.armProbe()
		return nil, 0
	}
	// Let the mediator we leave acknowledge what it has, so the switch
	// resends (and duplicates) as little as possible.
	if err := s.drain(ctx); err != nil {
		u.logger.Debug("mediator left before draining", "mediator", s.addr, "error", err)
	}
	u.countSwitch(s.probe.Kind)
	u.logger.Info("switched mediator", "reason", s.probe.Kind, "from", s.addr, "to", nc.addr, "unacknowledged", len(s.window))
	return nc, idx
}

// drain waits (up to DrainTimeout) for the in-flight batches' acks.
func (s *session) drain(ctx context.Context) error {
	t := time.NewTimer(s.u.cfg.DrainTimeout)
	defer t.Stop()
	for len(s.window) > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-s.recvErr:
			return err
		case r := <-s.replies:
			if r.throttle != nil {
				// The rest will not be acknowledged here: it goes to
				// the next mediator.
				return nil
			}
			s.window = s.u.ackWindow(s.window, r.through)
		case <-t.C:
			return ErrAckTimeout
		}
	}
	return nil
}

// sendHeartbeat tells the mediator how the agent is (and with it ARM).
func (s *session) sendHeartbeat() error {
	u := s.u
	st := u.Status()
	err := s.stream.Send(&sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Heartbeat{Heartbeat: &sluicev1.Heartbeat{
		Time:            timestamppb.Now(),
		ComponentId:     u.cfg.AgentID,
		Hostname:        u.cfg.Hostname,
		Version:         u.cfg.Version,
		Organization:    u.cfg.Organization,
		CurrentMediator: st.CurrentID,
		LastMediator:    st.LastID,
		SpoolDepth:      uint64(max(u.spool.Depth(), 0)),
		Stalled:         u.Stalled(),
	}}})
	if err != nil {
		return fmt.Errorf("send heartbeat: %w", err)
	}
	return nil
}
