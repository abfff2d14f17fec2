package mediator

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/pki"
	"github.com/sluicehq/sluice/pkg/refusal"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

var errReplaced = errors.New("replaced by a newer stream of the same agent")

// validID is what agent ids and organizations may look like: they end up
// in document ids and file names.
var validID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$`)

// intake is the gRPC MediatorService: it authenticates the agent's Hello,
// stores each batch in state and only then acknowledges it.
type intake struct {
	sluicev1.UnimplementedMediatorServiceServer

	id               string
	state            *state
	registry         *registry
	handshakeTimeout time.Duration
	logger           hclog.Logger
	draining         atomic.Bool
	suspense         *suspense
	accept           *acceptance  // nil: every authenticated agent
	revoked          *revocations // nil: none
	limits           limits
	// inflight bounds the received batches held in memory, across all
	// streams, until they are stored (nil: no bound).
	inflight *byteBudget
	// heartbeats receives agents' heartbeats for ARM (nil: no ARM).
	heartbeats heartbeatSink
	// pressure measures how far behind acknowledgements and handshakes
	// are.
	pressure *pressureGauges
	received atomic.Uint64
	// batches counts the batches stored (what the per-batch cost is
	// measured against).
	batches atomic.Uint64
	// throttled counts batches refused for an agent's rate limit;
	// discarded counts batches dropped unanswered behind such a refusal.
	throttled, discarded atomic.Uint64
}

var _ sluicev1.MediatorServiceServer = (*intake)(nil)

// heartbeatSink takes agent heartbeats; it must not block.
type heartbeatSink interface {
	Heartbeat(hb *sluicev1.Heartbeat)
}

// streamBuffer is how many batches a stream may queue between receiving
// and committing. The agent's window (at most this many unacknowledged
// batches) means receiving never blocks on the queue, so heartbeats are
// read as they arrive; it waits only when all streams together hold
// max_inflight_bytes (intake.inflight).
const streamBuffer = 64

// Connect serves one agent stream.
func (in *intake) Connect(stream sluicev1.MediatorService_ConnectServer) error {
	ctx, cancel := context.WithCancelCause(stream.Context())
	defer cancel(nil)
	started := time.Now()
	in.pressure.admitting.Add(1)
	admitting := true
	defer func() {
		if admitting {
			in.pressure.admitting.Add(-1)
		}
	}()
	peerAddr := ""
	if p, ok := peer.FromContext(ctx); ok {
		peerAddr = p.Addr.String()
	}
	log := in.logger.With("peer", peerAddr)

	hello, err := in.receiveHello(ctx, stream)
	if err != nil {
		log.Warn("agent refused: bad handshake", "error", err)
		return err
	}
	org := hello.GetOrganization()
	id, tlsStream, err := peerIdentity(ctx)
	switch {
	case err != nil:
		log.Warn("agent refused: its certificate names no agent", "error", err)
		return refusal.Error(codes.PermissionDenied, refusal.Identity, "client certificate names no sluice agent")
	case tlsStream && id.Kind != pki.KindAgent:
		log.Warn("agent refused: certificate is not an agent certificate", "kind", id.Kind, "id", id.ID)
		return refusal.Error(codes.PermissionDenied, refusal.Identity, "client certificate is not an agent certificate")
	case tlsStream && (id.ID != hello.GetAgentId() || (org != "" && org != id.Organization)):
		// The certificate is who the agent is; a hello claiming someone
		// else is refused, never corrected.
		log.Warn("agent refused: hello claims another identity than its certificate", "certificate_agent", id.ID, "certificate_organization", id.Organization, "hello_agent", hello.GetAgentId(), "hello_organization", org)
		return refusal.Error(codes.PermissionDenied, refusal.Identity, fmt.Sprintf("certificate is for %s/%s, hello claims %s/%s", id.Organization, id.ID, org, hello.GetAgentId()))
	case tlsStream:
		org = id.Organization
	}
	if org == "" {
		org = event.DefaultOrganization
	}
	sp := spool{org: org, agent: hello.GetAgentId(), incarnation: hello.GetIncarnation(), tag: event.SpoolTag(hello.GetIncarnation())}
	if sp.incarnation != "" {
		sp.since = hello.GetIncarnationSince()
	}
	log = log.With("agent", hello.GetAgentId(), "organization", org, "spool", spoolName(sp.tag))
	if in.revoked != nil && in.revoked.revoked(hello.GetAgentId()) {
		log.Warn("agent refused: revoked")
		return refusal.Error(codes.PermissionDenied, refusal.Rejected, "agent is revoked")
	}
	if in.accept != nil {
		if err := in.accept.admit(org, hello.GetAgentId(), hello.GetHostname(), peerAddr, time.Now()); err != nil {
			_, reason := refusal.Reason(err)
			log.Warn("agent refused: not accepted on this mediator", "state", reason)
			return err
		}
	}
	if in.draining.Load() {
		log.Info("agent refused: mediator is shutting down")
		return refusal.Error(codes.Unavailable, refusal.Shutdown, "mediator is shutting down")
	}
	if why := in.suspense.reason(); why != "" {
		log.Warn("agent refused: mediator in suspense", "reason", why)
		return refusal.Error(codes.Unavailable, refusal.Suspense, "mediator in suspense: "+why)
	}
	sess := &session{
		info: AgentInfo{
			ID:           hello.GetAgentId(),
			Organization: org,
			Hostname:     hello.GetHostname(),
			Version:      hello.GetVersion(),
			Peer:         peerAddr,
			Connected:    time.Now(),
			Spool:        sp.tag,
		},
		spool:   sp,
		cancel:  cancel,
		kick:    make(chan kick, 1),
		limiter: in.limits.acquire(org, hello.GetAgentId()),
	}
	defer in.limits.release(sess.limiter)
	if err := in.registry.add(sess); err != nil {
		var dup *duplicateError
		if errors.As(err, &dup) {
			// Two processes present one agent id. The one connected
			// keeps its stream; this one keeps its entries in its spool
			// and retries: each spool's entries are acknowledged only
			// on the strength of its own, so neither loses any.
			log.Warn("agent refused: agent id already connected from another spool (duplicate agent identity: a cloned host or certificate, or a second install)",
				"connected_peer", dup.connected.Peer, "connected_spool", spoolName(dup.connected.Spool), "connected_since", dup.connected.Connected.UTC().Format(time.RFC3339),
				"refusals", dup.refusals)
			return refusal.Error(codes.PermissionDenied, refusal.DuplicateIdentity, dup.Error())
		}
		log.Warn("agent refused: max agents reached", "max_agents", in.registry.max)
		return err
	}
	defer in.registry.remove(sess)

	var sendMu sync.Mutex
	send := func(r *sluicev1.ConnectResponse) error {
		sendMu.Lock()
		defer sendMu.Unlock()
		return stream.Send(r)
	}
	held := in.state.highWater(sp)
	if err := send(&sluicev1.ConnectResponse{Msg: &sluicev1.ConnectResponse_Welcome{Welcome: &sluicev1.Welcome{MediatorId: in.id, HeldThroughSeq: held}}}); err != nil {
		return err
	}
	in.pressure.admitting.Add(-1)
	admitting = false
	in.pressure.handshakes.add(time.Since(started))
	log.Info("agent connected", "hostname", sess.info.Hostname, "version", sess.info.Version, "held_through", held, "resume_seq", hello.GetResumeSeq())

	batches := make(chan received, streamBuffer)
	recvErr := make(chan error, 1)
	recvDone := make(chan struct{})
	go func() {
		defer close(recvDone)
		recvErr <- in.receive(ctx, stream, sess, batches, send)
	}()
	// A batch's share of the in-flight budget is given back once it is
	// handled (at the next turn of the loop), and those still queued when
	// the stream ends once the receiver has stopped adding to the queue.
	// The same for its count in the waiting batches.
	var holding int64
	var handling bool
	done := func() {
		in.inflight.release(holding)
		holding = 0
		if handling {
			in.pressure.waiting.Add(-1)
			handling = false
		}
	}
	defer func() {
		done()
		go func() {
			<-recvDone
			for {
				select {
				case r := <-batches:
					in.inflight.release(r.size)
					in.pressure.waiting.Add(-1)
				default:
					return
				}
			}
		}()
	}()
	// After refusing a batch for the rate limit, the batches behind it
	// (already sent, with first sequences above resumeSeq) are discarded
	// until the agent resends from resumeSeq: storing them would leave a
	// gap the high-water mark then hides.
	throttled, resumeSeq := false, uint64(0)

	for {
		done()
		select {
		case <-ctx.Done():
			cause := context.Cause(ctx)
			if errors.Is(cause, errReplaced) {
				log.Info("agent stream replaced by a newer one")
				return status.Error(codes.Aborted, cause.Error())
			}
			return status.FromContextError(ctx.Err()).Err()
		case k := <-sess.kick:
			if k.revoked {
				log.Warn("ending the stream of a revoked agent")
				return refusal.Error(codes.PermissionDenied, refusal.Rejected, k.reason)
			}
			if k.suspend {
				log.Warn("suspending agent: it fails over", "reason", k.reason)
				_ = send(&sluicev1.ConnectResponse{Msg: &sluicev1.ConnectResponse_Suspend{Suspend: &sluicev1.Suspend{Reason: k.reason, RetryAfter: durationpb.New(suspendRetryAfter)}}})
				return refusal.Error(codes.Unavailable, refusal.Suspense, k.reason)
			}
			log.Info("sending shutdown to agent", "reason", k.reason)
			_ = send(&sluicev1.ConnectResponse{Msg: &sluicev1.ConnectResponse_Shutdown{Shutdown: &sluicev1.Shutdown{Reason: k.reason}}})
			return refusal.Error(codes.Unavailable, refusal.Shutdown, k.reason)
		case err := <-recvErr:
			if err != nil {
				log.Info("agent stream ended", "reason", err)
			}
			return err
		case r := <-batches:
			b := r.batch
			holding, handling = r.size, true
			n, size := batchSize(b)
			if n == 0 {
				continue
			}
			var first, last uint64
			if sess.limiter != nil { // only the rate limit needs the range
				first, last = batchRange(b)
			}
			if throttled && first > resumeSeq {
				in.discarded.Add(1)
				continue
			}
			if n > in.limits.maxBatchEntries {
				log.Warn("agent refused: batch over max_batch_entries", "entries", n, "max_batch_entries", in.limits.maxBatchEntries)
				return status.Errorf(codes.InvalidArgument, "batch of %d entries is over the mediator's max_batch_entries %d", n, in.limits.maxBatchEntries)
			}
			if th, ok := sess.limiter.admit(n, size, time.Now()); !ok {
				if !throttled || first < resumeSeq {
					resumeSeq = first
				}
				throttled = true
				in.throttled.Add(1)
				in.limits.logThrottle(sess.limiter, th, log)
				if err := send(&sluicev1.ConnectResponse{Msg: &sluicev1.ConnectResponse_Throttle{Throttle: &sluicev1.Throttle{
					ResumeSeq:        resumeSeq,
					RetryAfter:       durationpb.New(th.retryAfter),
					Reason:           refusal.RateLimit,
					Limit:            th.limit,
					EntriesPerSecond: uint64(max(in.limits.entriesPerSec, 0)),
					BytesPerSecond:   uint64(max(in.limits.bytesPerSec, 0)),
				}}}); err != nil {
					return err
				}
				continue
			}
			if throttled && last >= resumeSeq {
				throttled = false
			}
			stored, through, err := in.state.appendBatch(sp, b)
			if errors.Is(err, errBadBatch) {
				log.Warn("agent sent a malformed batch; ending its stream", "error", err)
				return status.Error(codes.InvalidArgument, err.Error())
			}
			if err != nil {
				log.Error("cannot store batch; ending stream so the agent resends elsewhere", "error", err)
				return status.Error(codes.Internal, "mediator cannot store the batch")
			}
			in.received.Add(uint64(stored))
			in.batches.Add(1)
			in.registry.update(sess, func(ai *AgentInfo) { ai.Received += uint64(stored) })
			if err := send(&sluicev1.ConnectResponse{Msg: &sluicev1.ConnectResponse_Ack{Ack: &sluicev1.Ack{ThroughSeq: through}}}); err != nil {
				return err
			}
			in.pressure.acks.add(time.Since(r.at))
		}
	}
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

// receiveHello waits for the first message, which must be a valid Hello,
// for at most the handshake timeout.
func (in *intake) receiveHello(ctx context.Context, stream sluicev1.MediatorService_ConnectServer) (*sluicev1.Hello, error) {
	type result struct {
		req *sluicev1.ConnectRequest
		err error
	}
	ch := make(chan result, 1)
	go func() {
		req, err := stream.Recv()
		ch <- result{req, err}
	}()
	t := time.NewTimer(in.handshakeTimeout)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-t.C:
		return nil, status.Error(codes.DeadlineExceeded, "no hello within the handshake timeout")
	case r := <-ch:
		if r.err != nil {
			return nil, r.err
		}
		h := r.req.GetHello()
		if h == nil {
			return nil, refusal.Error(codes.InvalidArgument, refusal.BadHello, "the first message must be a hello")
		}
		if !validID.MatchString(h.GetAgentId()) {
			return nil, refusal.Error(codes.InvalidArgument, refusal.BadHello, fmt.Sprintf("invalid agent id %q", h.GetAgentId()))
		}
		if h.GetOrganization() != "" && !validID.MatchString(h.GetOrganization()) {
			return nil, refusal.Error(codes.InvalidArgument, refusal.BadHello, fmt.Sprintf("invalid organization %q", h.GetOrganization()))
		}
		if h.GetIncarnation() != "" && !event.ValidIncarnation(h.GetIncarnation()) {
			// Not echoed: an incarnation is not for showing.
			return nil, refusal.Error(codes.InvalidArgument, refusal.BadHello, "invalid spool incarnation (16 lowercase hex digits)")
		}
		return h, nil
	}
}

// received is a batch on its way from the receiver to the committer,
// with its share of the in-flight budget.
type received struct {
	batch *sluicev1.LogBatch
	size  int64
	at    time.Time // when it was read off the stream
}

// receive reads the stream: batches go to the committer, heartbeats are
// applied at once. They never wait behind data, only, while the mediator
// holds max_inflight_bytes of batches, behind the wait for room.
func (in *intake) receive(ctx context.Context, stream sluicev1.MediatorService_ConnectServer, sess *session, batches chan<- received, send func(*sluicev1.ConnectResponse) error) error {
	for {
		req, err := stream.Recv()
		if err != nil {
			return err
		}
		switch m := req.GetMsg().(type) {
		case *sluicev1.ConnectRequest_Batch:
			// Not reading on until there is room holds the agent back
			// through gRPC's flow control: the batches a flood of agents
			// has sent wait in their spools, not in this process.
			r := received{batch: m.Batch, size: int64(proto.Size(m.Batch)), at: time.Now()}
			if err := in.inflight.acquire(ctx, r.size); err != nil {
				return err
			}
			in.pressure.waiting.Add(1)
			select {
			case batches <- r:
			case <-ctx.Done():
				in.pressure.waiting.Add(-1)
				in.inflight.release(r.size)
				return ctx.Err()
			}
		case *sluicev1.ConnectRequest_Heartbeat:
			hb := m.Heartbeat
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
			_ = send(&sluicev1.ConnectResponse{Msg: &sluicev1.ConnectResponse_Heartbeat{Heartbeat: &sluicev1.Heartbeat{Time: timestamppb.Now(), ComponentId: in.id}}})
		case *sluicev1.ConnectRequest_Hello:
			return refusal.Error(codes.InvalidArgument, refusal.BadHello, "hello sent twice")
		}
	}
}
