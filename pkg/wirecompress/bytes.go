package wirecompress

import (
	"context"
	"sync/atomic"

	"google.golang.org/grpc/stats"
)

// Bytes is a gRPC stats handler that counts one direction's messages:
// their bytes as encoded (before compression, after decompression) and
// their bytes on the wire (compressed, with gRPC's 5-byte message
// header). gRPC measures both; nothing is encoded or decoded twice. The
// agent counts what it sends (Inbound false), the mediator what it
// receives.
type Bytes struct {
	// Inbound counts received messages; false counts sent ones.
	Inbound bool

	message, wire atomic.Uint64
}

var _ stats.Handler = (*Bytes)(nil)

// Message is the messages' bytes before compression.
func (b *Bytes) Message() uint64 { return b.message.Load() }

// Wire is the messages' bytes on the wire.
func (b *Bytes) Wire() uint64 { return b.wire.Load() }

// TagRPC implements stats.Handler.
func (b *Bytes) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context { return ctx }

// HandleRPC implements stats.Handler: it counts the payloads of its
// direction.
func (b *Bytes) HandleRPC(_ context.Context, s stats.RPCStats) {
	switch p := s.(type) {
	case *stats.InPayload:
		if b.Inbound {
			b.message.Add(uint64(p.Length))
			b.wire.Add(uint64(p.WireLength))
		}
	case *stats.OutPayload:
		if !b.Inbound {
			b.message.Add(uint64(p.Length))
			b.wire.Add(uint64(p.WireLength))
		}
	}
}

// TagConn implements stats.Handler.
func (b *Bytes) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context { return ctx }

// HandleConn implements stats.Handler.
func (b *Bytes) HandleConn(context.Context, stats.ConnStats) {}
