package mediator

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/encoding"

	"github.com/sluicehq/sluice/pkg/wirecompress"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

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
	// quotas are the organizations' quotas (nil: none).
	quotas *orgQuotas
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
	// refusals counts the streams refused at admission, by reason.
	refusals refusalCounts
	// wire counts the bytes agents' streams bring, as decoded and on the
	// wire (the gRPC server's stats handler). Importing wirecompress
	// also registers the compressors agents may stream with (zstd, s2,
	// gzip): without them the mediator would refuse a compressed stream
	// and its agents would fall back to sending uncompressed.
	wire wirecompress.Bytes
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

// Connect serves one agent stream: admission (admission.go), the
// Welcome, then the stream's batches and heartbeats (agentstream.go)
// until it ends.
func (in *intake) Connect(stream sluicev1.MediatorService_ConnectServer) error {
	// gRPC answers in the compression the agent sent with; acks and
	// heartbeats are tens of bytes, where compressing saves nothing and
	// costs a compressor's state per busy stream.
	_ = grpc.SetSendCompressor(stream.Context(), encoding.Identity)
	ctx, cancel := context.WithCancelCause(stream.Context())
	defer cancel(nil)
	started := time.Now()
	// The handshake counts as in progress until the Welcome is sent,
	// refused or not.
	in.pressure.admitting.Add(1)
	admitting := true
	defer func() {
		if admitting {
			in.pressure.admitting.Add(-1)
		}
	}()

	s, err := in.admit(ctx, cancel, stream)
	if err != nil {
		in.refusals.count(err)
		return err
	}
	s.sess.limiter = in.limits.acquire(s.sess.info.Organization, s.sess.info.ID)
	defer in.limits.release(s.sess.limiter)
	if err := in.register(s.sess, s.log); err != nil {
		in.refusals.count(err)
		return err
	}
	defer in.registry.remove(s.sess)
	if err := s.welcome(); err != nil {
		return err
	}
	in.pressure.admitting.Add(-1)
	admitting = false
	in.pressure.handshakes.add(time.Since(started))

	return s.serve()
}
