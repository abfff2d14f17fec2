package mediator

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/pkg/refusal"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// testMediator starts a mediator on loopback with extra config lines.
func testMediator(t *testing.T, extra string) *Mediator {
	t.Helper()
	dir := t.TempDir()
	cfg, err := ParseConfig([]byte(fmt.Sprintf(`
mediator {
  id       = "dp-t"
  listen   = "127.0.0.1:0"
  http     = "127.0.0.1:0"
  data_dir = %q
  rules    = [%q]
  insecure = true
  %s
}`, dir, filepath.Join("..", "configs", "rules"), extra)), "m.hcl")
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(cfg, Deps{Logger: hclog.NewNullLogger()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return m
}

// dialAgent opens a raw stream and says hello as agent id.
func dialAgent(t *testing.T, addr, id string) (sluicev1.MediatorService_ConnectClient, *sluicev1.ConnectResponse, error) {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	stream, err := sluicev1.NewMediatorServiceClient(conn).Connect(ctx)
	if err != nil {
		return nil, nil, err
	}
	if err := stream.Send(&sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Hello{Hello: &sluicev1.Hello{AgentId: id}}}); err != nil {
		return nil, nil, err
	}
	resp, err := stream.Recv()
	return stream, resp, err
}

func wantRefusal(t *testing.T, err error, code codes.Code, reason string) {
	t.Helper()
	gotCode, gotReason := refusal.Reason(err)
	if gotCode != code || gotReason != reason {
		t.Fatalf("got %v / %q (%v), want %v / %q", gotCode, gotReason, err, code, reason)
	}
}

func TestMaxAgentsRefuses(t *testing.T) {
	m := testMediator(t, "max_agents = 1")
	if _, resp, err := dialAgent(t, m.Addr(), "first"); err != nil || resp.GetWelcome() == nil {
		t.Fatalf("first agent: %v %v", resp, err)
	}
	_, _, err := dialAgent(t, m.Addr(), "second")
	wantRefusal(t, err, codes.ResourceExhausted, refusal.MaxAgents)

	m0 := testMediator(t, "max_agents = 0")
	_, _, err = dialAgent(t, m0.Addr(), "any")
	wantRefusal(t, err, codes.ResourceExhausted, refusal.MaxAgents)
}

func TestSuspenseRefusesAndSuspends(t *testing.T) {
	m := testMediator(t, "")
	stream, resp, err := dialAgent(t, m.Addr(), "connected")
	if err != nil || resp.GetWelcome() == nil {
		t.Fatalf("%v %v", resp, err)
	}
	// The disk "fills": the next check enters suspense.
	m.suspense.minFree = 1 << 62
	m.suspense.check()
	// The connected agent is told to go elsewhere...
	for {
		resp, err := stream.Recv()
		if err != nil {
			t.Fatalf("stream ended without Suspend: %v", err)
		}
		if s := resp.GetSuspend(); s != nil {
			if s.GetRetryAfter().AsDuration() <= 0 || s.GetReason() == "" {
				t.Fatalf("suspend %v", s)
			}
			break
		}
	}
	// ...and new agents are refused.
	_, _, err = dialAgent(t, m.Addr(), "new")
	wantRefusal(t, err, codes.Unavailable, refusal.Suspense)
	if m.Status().Suspense == "" {
		t.Fatal("status does not show suspense")
	}
	// Space comes back: suspense clears.
	m.suspense.minFree = 0
	m.suspense.check()
	if _, resp, err := dialAgent(t, m.Addr(), "after"); err != nil || resp.GetWelcome() == nil {
		t.Fatalf("after suspense: %v %v", resp, err)
	}
}

func TestSuspenseBacklogHysteresis(t *testing.T) {
	backlog := int64(0)
	s := &suspense{
		backlogMax: 100, backlogResume: 80,
		backlog:   func() int64 { return backlog },
		freeBytes: func(string) (int64, error) { return 1 << 40, nil },
		registry:  newRegistry(10),
		logger:    hclog.NewNullLogger(),
	}
	for _, step := range []struct {
		backlog int64
		want    bool
	}{{50, false}, {101, true}, {90, true}, {81, true}, {79, false}, {95, false}, {101, true}} {
		backlog = step.backlog
		s.check()
		if got := s.reason() != ""; got != step.want {
			t.Fatalf("backlog %d: suspense %v, want %v", step.backlog, got, step.want)
		}
	}
}

func TestBadHelloRefused(t *testing.T) {
	m := testMediator(t, "")
	_, _, err := dialAgent(t, m.Addr(), "bad id with spaces")
	wantRefusal(t, err, codes.InvalidArgument, refusal.BadHello)
}

func TestHandshakeTimeout(t *testing.T) {
	m := testMediator(t, `handshake_timeout = "200ms"`)
	conn, err := grpc.NewClient(m.Addr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	stream, err := sluicev1.NewMediatorServiceClient(conn).Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = stream.Recv() // never say hello
	if code, _ := refusal.Reason(err); code != codes.DeadlineExceeded {
		t.Fatalf("got %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("took %v", d)
	}
}

func TestGracefulStopSendsShutdown(t *testing.T) {
	dir := t.TempDir()
	cfg, err := ParseConfig([]byte(fmt.Sprintf("mediator {\n listen = \"127.0.0.1:0\"\n http = \"127.0.0.1:0\"\n data_dir = %q\n insecure = true\n}\n", dir)), "m.hcl")
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(cfg, Deps{Logger: hclog.NewNullLogger()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	stream, resp, err := dialAgent(t, m.Addr(), "a1")
	if err != nil || resp.GetWelcome() == nil {
		t.Fatalf("%v %v", resp, err)
	}
	cancel()
	for {
		resp, err := stream.Recv()
		if err != nil {
			t.Fatalf("stream ended without Shutdown: %v", err)
		}
		if resp.GetShutdown() != nil {
			break
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// A resend of what the mediator holds is acknowledged, not stored twice.
func TestResendIsAcknowledgedNotStoredTwice(t *testing.T) {
	m := testMediator(t, "")
	batch := func(from, to uint64) *sluicev1.ConnectRequest {
		var es []*sluicev1.LogEntry
		for s := from; s <= to; s++ {
			es = append(es, &sluicev1.LogEntry{Seq: s, SourceType: "linux-auth", Raw: []byte(fmt.Sprintf("line %d", s))})
		}
		return &sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Batch{Batch: &sluicev1.LogBatch{Entries: es}}}
	}
	recvAck := func(stream sluicev1.MediatorService_ConnectClient) uint64 {
		t.Helper()
		for {
			resp, err := stream.Recv()
			if err != nil {
				t.Fatal(err)
			}
			if a := resp.GetAck(); a != nil {
				return a.GetThroughSeq()
			}
		}
	}
	stream, _, err := dialAgent(t, m.Addr(), "resender")
	if err != nil {
		t.Fatal(err)
	}
	_ = stream.Send(batch(1, 10))
	if got := recvAck(stream); got != 10 {
		t.Fatalf("ack %d", got)
	}
	// The ack was "lost": reconnect and resend, plus new entries.
	_ = stream.CloseSend()
	stream, resp, err := dialAgent(t, m.Addr(), "resender")
	if err != nil || resp.GetWelcome().GetHeldThroughSeq() != 10 {
		t.Fatalf("welcome %v %v", resp, err)
	}
	_ = stream.Send(batch(5, 15))
	if got := recvAck(stream); got != 15 {
		t.Fatalf("ack %d", got)
	}
	if got := m.intake.received.Load(); got != 15 {
		t.Fatalf("stored %d entries, want 15", got)
	}
}

// startWithLogs runs a mediator whose log goes to logs.
func startWithLogs(t *testing.T, cfg *Config, logs *logBuffer) *Mediator {
	t.Helper()
	m, err := New(cfg, Deps{Logger: hclog.New(&hclog.LoggerOptions{Output: logs, Level: hclog.Info})})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return m
}

func count(t *testing.T, m *Mediator, q string) int64 {
	t.Helper()
	n, err := m.Index().Count(context.Background(), indexer.SearchRequest{Query: q})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
