package mediator

import (
	"context"
	"sync/atomic"

	"google.golang.org/grpc/stats"

	// Registers the compressors agents may stream with (zstd, s2, gzip):
	// without them this mediator would refuse a compressed stream, and
	// its agents would fall back to sending uncompressed.
	_ "github.com/sluicehq/sluice/pkg/wirecompress"
)

// wireBytes counts what agents' streams bring in: the messages' bytes as
// decoded (after decompression) and their bytes on the wire (compressed,
// with gRPC's 5-byte message header). It is the agent server's gRPC
// stats handler: gRPC measures both, nothing is decoded twice.
type wireBytes struct {
	message, wire atomic.Uint64
}

var _ stats.Handler = (*wireBytes)(nil)

func (w *wireBytes) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context { return ctx }

func (w *wireBytes) HandleRPC(_ context.Context, s stats.RPCStats) {
	if p, ok := s.(*stats.InPayload); ok {
		w.message.Add(uint64(p.Length))
		w.wire.Add(uint64(p.WireLength))
	}
}

func (w *wireBytes) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context { return ctx }

func (w *wireBytes) HandleConn(context.Context, stats.ConnStats) {}
