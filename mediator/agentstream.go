package mediator

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sluicehq/sluice/pkg/refusal"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

var errReplaced = errors.New("replaced by a newer stream of the same agent")

// agentStream is one admitted agent stream: a receiver goroutine reads it
// (receive), and serve stores its batches in order, acknowledges them,
// refuses those over the agent's rate limit, and ends the stream when the
// registry kicks it.
type agentStream struct {
	in     *intake
	ctx    context.Context // cancelled with a cause when the stream is replaced
	stream sluicev1.MediatorService_ConnectServer
	sess   *session
	hello  *sluicev1.Hello
	log    hclog.Logger

	// sendMu serialises sends: the receiver answers heartbeats while
	// serve acknowledges batches.
	sendMu sync.Mutex

	// holding is the in-flight budget share of the batch being handled,
	// handling whether one is (it counts among the waiting batches);
	// both are given back at the next turn of serve's loop.
	holding  int64
	handling bool

	// After refusing a batch for the rate limit, the batches behind it
	// (already sent, with first sequences above resumeSeq) are discarded
	// until the agent resends from resumeSeq: storing them would leave a
	// gap the high-water mark then hides.
	throttled bool
	resumeSeq uint64
}

// send sends r; the receiver and serve both send.
func (s *agentStream) send(r *sluicev1.ConnectResponse) error {
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	return s.stream.Send(r)
}

// welcome tells the agent it is admitted and how far this mediator holds
// its spool's entries already.
func (s *agentStream) welcome() error {
	held := s.in.state.highWater(s.sess.spool)
	if err := s.send(&sluicev1.ConnectResponse{Msg: &sluicev1.ConnectResponse_Welcome{Welcome: &sluicev1.Welcome{MediatorId: s.in.id, HeldThroughSeq: held}}}); err != nil {
		return err
	}
	s.log.Info("agent connected", "hostname", s.sess.info.Hostname, "version", s.sess.info.Version, "held_through", held, "resume_seq", s.hello.GetResumeSeq())
	return nil
}

// serve handles the stream until it ends: batches in the order received,
// kicks from the registry, the end of the receiver or of the stream.
func (s *agentStream) serve() error {
	batches := make(chan received, streamBuffer)
	recvErr := make(chan error, 1)
	recvDone := make(chan struct{})
	go func() {
		defer close(recvDone)
		recvErr <- s.receive(batches)
	}()
	defer s.releaseQueued(batches, recvDone)
	for {
		s.doneWithBatch()
		select {
		case <-s.ctx.Done():
			return s.cancelled()
		case k := <-s.sess.kick:
			return s.kicked(k)
		case err := <-recvErr:
			if err != nil {
				s.log.Info("agent stream ended", "reason", err)
			}
			return err
		case r := <-batches:
			s.holding, s.handling = r.size, true
			if err := s.handleBatch(r); err != nil {
				return err
			}
		}
	}
}

// doneWithBatch gives back the handled batch's share of the in-flight
// budget and its count among the waiting batches.
func (s *agentStream) doneWithBatch() {
	s.in.inflight.release(s.holding)
	s.holding = 0
	if s.handling {
		s.in.pressure.waiting.Add(-1)
		s.handling = false
	}
}

// releaseQueued gives back, when the stream ends, what the batch being
// handled and those still queued hold, the queued ones once the receiver
// has stopped adding to the queue.
func (s *agentStream) releaseQueued(batches <-chan received, recvDone <-chan struct{}) {
	s.doneWithBatch()
	go func() {
		<-recvDone
		for {
			select {
			case r := <-batches:
				s.in.inflight.release(r.size)
				s.in.pressure.waiting.Add(-1)
			default:
				return
			}
		}
	}()
}

// cancelled is the error that ends a cancelled stream.
func (s *agentStream) cancelled() error {
	cause := context.Cause(s.ctx)
	if errors.Is(cause, errReplaced) {
		s.log.Info("agent stream replaced by a newer one")
		return status.Error(codes.Aborted, cause.Error())
	}
	return status.FromContextError(s.ctx.Err()).Err()
}

// kicked ends the stream as the registry ordered, telling the agent why.
func (s *agentStream) kicked(k kick) error {
	if k.revoked {
		s.log.Warn("ending the stream of a revoked agent")
		return refusal.Error(codes.PermissionDenied, refusal.Rejected, k.reason)
	}
	if k.suspend {
		s.log.Warn("suspending agent: it fails over", "reason", k.reason)
		_ = s.send(&sluicev1.ConnectResponse{Msg: &sluicev1.ConnectResponse_Suspend{Suspend: &sluicev1.Suspend{Reason: k.reason, RetryAfter: durationpb.New(suspendRetryAfter)}}})
		return refusal.Error(codes.Unavailable, refusal.Suspense, k.reason)
	}
	s.log.Info("sending shutdown to agent", "reason", k.reason)
	_ = s.send(&sluicev1.ConnectResponse{Msg: &sluicev1.ConnectResponse_Shutdown{Shutdown: &sluicev1.Shutdown{Reason: k.reason}}})
	return refusal.Error(codes.Unavailable, refusal.Shutdown, k.reason)
}

// handleBatch stores a batch and acknowledges it, or refuses it for a
// quota (its organization's, then the agent's own rate limit), or
// discards it behind such a refusal. An error ends the stream.
func (s *agentStream) handleBatch(r received) error {
	b := r.batch
	n, size := batchSize(b)
	if n == 0 {
		return nil
	}
	var first, last uint64
	if s.sess.limiter != nil || s.in.quotas != nil { // only refusals need the range
		first, last = batchRange(b)
	}
	if s.throttled && first > s.resumeSeq {
		s.in.discarded.Add(1)
		return nil
	}
	if limit := s.in.limits.maxBatchEntries; n > limit {
		s.log.Warn("agent refused: batch over max_batch_entries", "entries", n, "max_batch_entries", limit)
		return status.Errorf(codes.InvalidArgument, "batch of %d entries is over the mediator's max_batch_entries %d", n, limit)
	}
	now := time.Now()
	org := s.sess.info.Organization
	if or, ok := s.in.quotas.admit(org, n, now); !ok {
		return s.throttleOrg(first, or)
	}
	if th, ok := s.sess.limiter.admit(n, size, now); !ok {
		s.in.quotas.refund(org, n)
		return s.throttle(first, th)
	}
	if s.throttled && last >= s.resumeSeq {
		s.throttled = false
	}
	return s.store(r)
}

// throttle refuses the batch starting at first for the agent's rate
// limit: the agent resends from resumeSeq after retry_after.
func (s *agentStream) throttle(first uint64, th throttle) error {
	s.in.throttled.Add(1)
	s.in.limits.logThrottle(s.sess.limiter, th, s.log)
	return s.refuse(first, &sluicev1.Throttle{
		RetryAfter:       durationpb.New(th.retryAfter),
		Reason:           refusal.RateLimit,
		Limit:            th.limit,
		EntriesPerSecond: uint64(max(s.in.limits.entriesPerSec, 0)),
		BytesPerSecond:   uint64(max(s.in.limits.bytesPerSec, 0)),
	})
}

// throttleOrg refuses the batch starting at first for its organization's
// quota, the same way: the Throttle's limit says which organization and
// quota. The rates announced are what the agent may send at most (its own
// budget, or its organization's if smaller), for it to pace itself; the
// organization's quotas log their refusals themselves.
func (s *agentStream) throttleOrg(first uint64, or orgRefusal) error {
	eps := uint64(max(s.in.limits.entriesPerSec, 0))
	if or.rate > 0 && (eps == 0 || uint64(or.rate) < eps) {
		eps = uint64(or.rate)
	}
	return s.refuse(first, &sluicev1.Throttle{
		RetryAfter:       durationpb.New(or.retryAfter),
		Reason:           or.reason,
		Limit:            or.text,
		EntriesPerSecond: eps,
		BytesPerSecond:   uint64(max(s.in.limits.bytesPerSec, 0)),
	})
}

// refuse sends th for the batch starting at first: the mediator stores
// nothing of the agent's from resumeSeq on until it resends from there.
func (s *agentStream) refuse(first uint64, th *sluicev1.Throttle) error {
	if !s.throttled || first < s.resumeSeq {
		s.resumeSeq = first
	}
	s.throttled = true
	th.ResumeSeq = s.resumeSeq
	return s.send(&sluicev1.ConnectResponse{Msg: &sluicev1.ConnectResponse_Throttle{Throttle: th}})
}

// store commits the batch to state and only then acknowledges it.
func (s *agentStream) store(r received) error {
	stored, through, err := s.in.state.appendBatch(s.sess.spool, r.batch)
	if errors.Is(err, errBadBatch) {
		s.log.Warn("agent sent a malformed batch; ending its stream", "error", err)
		return status.Error(codes.InvalidArgument, err.Error())
	}
	if err != nil {
		s.log.Error("cannot store batch; ending stream so the agent resends elsewhere", "error", err)
		return status.Error(codes.Internal, "mediator cannot store the batch")
	}
	s.in.received.Add(uint64(stored))
	s.in.batches.Add(1)
	s.in.registry.update(s.sess, func(ai *AgentInfo) { ai.Received += uint64(stored) })
	if err := s.send(&sluicev1.ConnectResponse{Msg: &sluicev1.ConnectResponse_Ack{Ack: &sluicev1.Ack{ThroughSeq: through}}}); err != nil {
		return err
	}
	s.in.pressure.acks.add(time.Since(r.at))
	return nil
}

// batchSize is a batch's entry count and raw size, from its header when
// packed (it is not decoded here).
func batchSize(b *sluicev1.LogBatch) (int, int) {
	if p := b.GetPacked(); p != nil {
		if b.GetLastSeq() < b.GetFirstSeq() {
			return 1, len(p) // malformed: appendBatch refuses it
		}
		return int(min(b.GetLastSeq()-b.GetFirstSeq()+1, 1<<31)), len(p)
	}
	n := 0
	for _, e := range b.GetEntries() {
		n += len(e.GetRaw())
	}
	return len(b.GetEntries()), n
}

// batchRange is a batch's first and last sequence, from its header when
// packed.
func batchRange(b *sluicev1.LogBatch) (first, last uint64) {
	if b.GetPacked() != nil {
		return b.GetFirstSeq(), b.GetLastSeq()
	}
	for i, e := range b.GetEntries() {
		if i == 0 {
			first, last = e.GetSeq(), e.GetSeq()
		}
		first, last = min(first, e.GetSeq()), max(last, e.GetSeq())
	}
	return first, last
}

// received is a batch on its way from the receiver to serve, with its
// share of the in-flight budget.
type received struct {
	batch *sluicev1.LogBatch
	size  int64
	at    time.Time // when it was read off the stream
}

// receive reads the stream: batches go to serve, heartbeats are applied
// at once. They never wait behind data, only, while the mediator holds
// max_inflight_bytes of batches, behind the wait for room.
func (s *agentStream) receive(batches chan<- received) error {
	for {
		req, err := s.stream.Recv()
		if err != nil {
			return err
		}
		switch m := req.GetMsg().(type) {
		case *sluicev1.ConnectRequest_Batch:
			if err := s.queueBatch(m.Batch, batches); err != nil {
				return err
			}
		case *sluicev1.ConnectRequest_Heartbeat:
			s.heartbeat(m.Heartbeat)
		case *sluicev1.ConnectRequest_Hello:
			return refusal.Error(codes.InvalidArgument, refusal.BadHello, "hello sent twice")
		}
	}
}

// queueBatch hands a received batch to serve once the in-flight budget
// has room for it. Not reading on until there is room holds the agent
// back through gRPC's flow control: the batches a flood of agents has
// sent wait in their spools, not in this process.
func (s *agentStream) queueBatch(b *sluicev1.LogBatch, batches chan<- received) error {
	r := received{batch: b, size: int64(proto.Size(b)), at: time.Now()}
	if err := s.in.inflight.acquire(s.ctx, r.size); err != nil {
		return err
	}
	s.in.pressure.waiting.Add(1)
	select {
	case batches <- r:
		return nil
	case <-s.ctx.Done():
		s.in.pressure.waiting.Add(-1)
		s.in.inflight.release(r.size)
		return s.ctx.Err()
	}
}

// heartbeat records the agent's heartbeat in the registry, forwards it to
// ARM under the stream's identity, and answers it.
func (s *agentStream) heartbeat(hb *sluicev1.Heartbeat) {
	in, sess := s.in, s.sess
	in.registry.update(sess, func(ai *AgentInfo) {
		ai.LastHeartbeat = time.Now()
		ai.CurrentMediator = hb.GetCurrentMediator()
		ai.LastMediator = hb.GetLastMediator()
		ai.SpoolDepth = hb.GetSpoolDepth()
		ai.Stalled = hb.GetStalled()
	})
	if in.heartbeats != nil {
		// The stream's identity wins over what the message says.
		fwd := proto.Clone(hb).(*sluicev1.Heartbeat)
		fwd.ComponentId, fwd.Organization = sess.info.ID, sess.info.Organization
		fwd.Spool = sess.info.Spool
		fwd.DuplicateIdentity = in.registry.duplicate(sess.info.Organization, sess.info.ID)
		if fwd.GetHostname() == "" {
			fwd.Hostname = sess.info.Hostname
		}
		in.heartbeats.Heartbeat(fwd)
	}
	_ = s.send(&sluicev1.ConnectResponse{Msg: &sluicev1.ConnectResponse_Heartbeat{Heartbeat: &sluicev1.Heartbeat{Time: timestamppb.Now(), ComponentId: in.id}}})
}
