package mediator

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/stats"
	"google.golang.org/protobuf/proto"

	"github.com/sluicehq/sluice/pkg/wirecompress"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
	"github.com/sluicehq/sluice/test/promtest"
)

// The mediator takes every compression an agent may use, stores each
// entry once, and counts the received bytes before and after
// decompression.
func TestCompressedStreams(t *testing.T) {
	const n = 2000
	var b sluicev1.LogBatch
	for i := range n {
		b.Entries = append(b.Entries, &sluicev1.LogEntry{Seq: uint64(i + 1), SourceType: "linux-auth",
			Raw: fmt.Appendf(nil, "Nov 20 08:00:%02d host-1 sshd[%d]: Accepted password for user%d from 192.0.2.%d port %d ssh2", i%60, 1000+i%50, i%20, i%250+1, 1024+i)})
	}
	packed, err := proto.Marshal(&b)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		compression string
		minRatio    float64
	}{
		{wirecompress.Zstd, 4}, {wirecompress.S2, 3}, {wirecompress.Gzip, 4}, {wirecompress.None, 0.99},
	} {
		t.Run(tc.compression, func(t *testing.T) {
			m := testMediator(t, "")
			var opts []grpc.CallOption
			if tc.compression != wirecompress.None {
				opts = append(opts, grpc.UseCompressor(tc.compression))
			}
			answers := &answerEncodings{}
			conn, err := grpc.NewClient(m.Addr(), grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithStatsHandler(answers))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = conn.Close() })
			ctx, cancel := context.WithCancel(context.Background())
			t.Cleanup(cancel)
			stream, err := sluicev1.NewMediatorServiceClient(conn).Connect(ctx, opts...)
			if err != nil {
				t.Fatal(err)
			}
			send := func(r *sluicev1.ConnectRequest) {
				t.Helper()
				if err := stream.Send(r); err != nil {
					t.Fatal(err)
				}
			}
			send(&sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Hello{Hello: &sluicev1.Hello{AgentId: "web-01"}}})
			if r, err := stream.Recv(); err != nil || r.GetWelcome() == nil {
				t.Fatalf("hello answered %v, %v", r, err)
			}
			send(&sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Batch{Batch: &sluicev1.LogBatch{Packed: packed, FirstSeq: 1, LastSeq: n}}})
			for {
				r, err := stream.Recv()
				if err != nil {
					t.Fatal(err)
				}
				if r.GetAck().GetThroughSeq() == n {
					break
				}
			}
			if e := answers.get(); e != "" && e != "identity" {
				t.Errorf("the mediator answered in %q, want uncompressed", e)
			}
			if got := m.intake.received.Load(); got != n {
				t.Errorf("received %d entries, want %d", got, n)
			}
			fams := promtest.Parse(t, promtest.Scrape(t, "http://"+m.HTTPAddr()+"/metrics", ""))
			msg, _ := promtest.Value(fams["sluice_mediator_received_message_bytes_total"])
			wire, _ := promtest.Value(fams["sluice_mediator_received_wire_bytes_total"])
			if msg < float64(len(packed)) {
				t.Errorf("message bytes %v, below the batch's %d", msg, len(packed))
			}
			if ratio := msg / wire; ratio < tc.minRatio {
				t.Errorf("message %v / wire %v bytes = %.2f, want at least %.2f", msg, wire, ratio, tc.minRatio)
			}
		})
	}
}

// answerEncodings records the grpc-encoding of the mediator's answers
// (a client stats handler).
type answerEncodings struct {
	mu  sync.Mutex
	enc string
}

func (a *answerEncodings) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context {
	return ctx
}
func (a *answerEncodings) HandleRPC(_ context.Context, s stats.RPCStats) {
	if h, ok := s.(*stats.InHeader); ok {
		a.mu.Lock()
		a.enc = h.Compression
		a.mu.Unlock()
	}
}
func (a *answerEncodings) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context {
	return ctx
}
func (a *answerEncodings) HandleConn(context.Context, stats.ConnStats) {}

func (a *answerEncodings) get() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.enc
}
