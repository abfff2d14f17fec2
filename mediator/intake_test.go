package mediator

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/sluicehq/sluice/agent/uplink"
	"github.com/sluicehq/sluice/agent/uplink/uplinktest"
	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/refusal"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// testMediator starts a mediator on loopback with extra config lines.
func testMediator(t *testing.T, extra string) *Mediator {
	t.Helper()
	return testMediatorLog(t, extra, hclog.NewNullLogger())
}

// testMediatorLog is testMediator logging to logger.
func testMediatorLog(t *testing.T, extra string, logger hclog.Logger) *Mediator {
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
	m, err := New(cfg, Deps{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Run(t, m.Run)
	return m
}

// dialAgent opens a raw stream and says hello as agent id.
func dialAgent(t *testing.T, addr, id string) (sluicev1.MediatorService_ConnectClient, *sluicev1.ConnectResponse, error) {
	t.Helper()
	return dialHello(t, addr, &sluicev1.Hello{AgentId: id})
}

// dialHello opens a raw stream and says hello, and returns the answer.
func dialHello(t *testing.T, addr string, hello *sluicev1.Hello) (sluicev1.MediatorService_ConnectClient, *sluicev1.ConnectResponse, error) {
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
	if err := stream.Send(&sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Hello{Hello: hello}}); err != nil {
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
	testkit.Run(t, m.Run)
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

// entriesBatch is a batch of entries from..to.
func entriesBatch(from, to uint64) *sluicev1.ConnectRequest {
	var es []*sluicev1.LogEntry
	for s := from; s <= to; s++ {
		es = append(es, &sluicev1.LogEntry{Seq: s, SourceType: "linux-auth", Raw: []byte(fmt.Sprintf("line %d", s))})
	}
	return &sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Batch{Batch: &sluicev1.LogBatch{Entries: es}}}
}

// nextData is the next Ack or Throttle on stream.
func nextData(t *testing.T, stream sluicev1.MediatorService_ConnectClient) *sluicev1.ConnectResponse {
	t.Helper()
	for {
		resp, err := stream.Recv()
		if err != nil {
			t.Fatal(err)
		}
		if resp.GetAck() != nil || resp.GetThrottle() != nil {
			return resp
		}
	}
}

// A batch over the agent's budget is refused with a Throttle (reason
// rate_limit, a retry-after), not stored; the batches behind it are
// discarded until the agent resends from resume_seq on the same stream.
func TestRateLimitThrottlesWithoutDisconnecting(t *testing.T) {
	for _, tc := range []struct{ name, block, limit string }{
		{"entries", "entries_per_second = 100", "entries_per_second"},
		{"bytes", `bytes_per_second = "800"`, "bytes_per_second"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logs := &logBuffer{}
			m := testMediatorLog(t, "rate_limit {\n"+tc.block+"\n}\n", hclog.New(&hclog.LoggerOptions{Output: logs, Level: hclog.Info}))
			stream, _, err := dialAgent(t, m.Addr(), "hasty")
			if err != nil {
				t.Fatal(err)
			}
			// "line 1".."line 100" is 792 bytes: within both budgets.
			_ = stream.Send(entriesBatch(1, 100))
			if a := nextData(t, stream).GetAck(); a.GetThroughSeq() != 100 {
				t.Fatalf("first batch: %v", a)
			}
			_ = stream.Send(entriesBatch(101, 150))
			_ = stream.Send(entriesBatch(151, 160)) // in flight behind the refused one
			th := nextData(t, stream).GetThrottle()
			if th.GetResumeSeq() != 101 || th.GetReason() != refusal.RateLimit || th.GetLimit() != tc.limit {
				t.Fatalf("throttle %v", th)
			}
			retry := th.GetRetryAfter().AsDuration()
			if retry < 300*time.Millisecond || retry > time.Second {
				t.Fatalf("retry_after %v for 50 entries at 100/s", retry)
			}
			// Resending before retry_after is refused again, resume_seq
			// unchanged.
			_ = stream.Send(entriesBatch(101, 150))
			th = nextData(t, stream).GetThrottle()
			if th.GetResumeSeq() != 101 || th.GetRetryAfter().AsDuration() <= 0 {
				t.Fatalf("early resend: %v", th)
			}
			// Its retry_after counts from when the mediator refused, a
			// little before we got it.
			time.Sleep(th.GetRetryAfter().AsDuration())
			_ = stream.Send(entriesBatch(101, 150))
			if a := nextData(t, stream).GetAck(); a.GetThroughSeq() != 150 {
				t.Fatalf("resend after retry_after: %v", a)
			}
			if got := m.intake.received.Load(); got != 150 {
				t.Fatalf("stored %d entries, want 150", got)
			}
			if d := m.intake.discarded.Load(); d != 1 {
				t.Fatalf("discarded %d batches, want 1", d)
			}
			if n := strings.Count(logs.String(), "agent over its rate limit"); n != 1 {
				t.Fatalf("%d log lines for %d throttles, want 1:\n%s", n, m.intake.throttled.Load(), logs.String())
			}
			if a := m.Agents(); len(a) != 1 || a[0].ID != "hasty" {
				t.Fatalf("agents %v: the stream must stay up", a)
			}
		})
	}
}

// The budget is the agent's, not the stream's: reconnecting does not
// refill it.
func TestRateLimitSurvivesReconnect(t *testing.T) {
	m := testMediator(t, "rate_limit {\n entries_per_second = 100\n}\n")
	stream, _, err := dialAgent(t, m.Addr(), "again")
	if err != nil {
		t.Fatal(err)
	}
	_ = stream.Send(entriesBatch(1, 100))
	if a := nextData(t, stream).GetAck(); a.GetThroughSeq() != 100 {
		t.Fatalf("%v", a)
	}
	stream, _, err = dialAgent(t, m.Addr(), "again")
	if err != nil {
		t.Fatal(err)
	}
	_ = stream.Send(entriesBatch(101, 200))
	if th := nextData(t, stream).GetThrottle(); th == nil {
		t.Fatal("a new stream got a fresh budget")
	}
}

// A real agent three times over its budget delivers everything, once, at
// the limit, on one stream: throttled, never disconnected or failed over.
func TestRateLimitedAgentDeliversEverythingOnce(t *testing.T) {
	const limit, total = 2000, 6000
	m := testMediator(t, fmt.Sprintf("rate_limit {\n entries_per_second = %d\n}\n", limit))
	sp := uplinktest.NewMemSpool()
	for range total / 100 {
		sp.Add(100)
	}
	agentLogs := &logBuffer{}
	// Batches of 1,000 (the agent gathers ten of its 100-entry records in
	// one): a batch over the limit's one second goes in debt, so batches
	// as large as the agent's default (8,000) would pass whole and show
	// no throttling in a run this short; much smaller ones, on a loaded
	// machine, come slowly enough to stay under the limit.
	up, err := uplink.New(uplink.Config{AgentID: "steady", Mediators: []string{m.Addr()}, Window: 8, BatchEntries: 1000, AckTimeout: 5 * time.Second},
		sp, hclog.New(&hclog.LoggerOptions{Output: agentLogs, Level: hclog.Info}))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	testkit.Run(t, up.Run)
	deadline := time.Now().Add(30 * time.Second)
	for sp.Depth() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("spool still holds %d entries", sp.Depth())
		}
		time.Sleep(10 * time.Millisecond)
	}
	took := time.Since(start)
	t.Logf("%d entries through a %d/s limit in %v: %d batches throttled, %d discarded behind them", total, limit, took.Round(time.Millisecond), m.intake.throttled.Load(), m.intake.discarded.Load())
	if got := m.intake.received.Load(); got != total {
		t.Fatalf("stored %d entries, want %d", got, total)
	}
	// The first second's worth is a burst; the rest comes at the limit.
	if min := time.Duration(float64(total-limit) / limit * float64(time.Second)); took < min*9/10 {
		t.Fatalf("took %v: faster than the limit allows (%v)", took, min)
	}
	if m.intake.throttled.Load() == 0 {
		t.Fatal("never throttled")
	}
	// After its first Throttle the agent paces itself to the budget it
	// announced, rather than sending windows of batches to be refused
	// (without pacing it sends about four times what gets stored).
	if d := m.intake.discarded.Load(); d >= total/100 {
		t.Fatalf("%d batches discarded for %d stored: the agent does not pace itself", d, total/100)
	}
	if n := strings.Count(agentLogs.String(), "connected to mediator"); n != 1 {
		t.Fatalf("agent connected %d times:\n%s", n, agentLogs.String())
	}
	if n := strings.Count(agentLogs.String(), "rate limits this agent"); n != 1 {
		t.Fatalf("agent logged throttling %d times, want once:\n%s", n, agentLogs.String())
	}
}

func TestRateLimitBucket(t *testing.T) {
	l := &limits{entriesPerSec: 100, bytesPerSec: 1000}
	sl := l.acquire("acme", "a1")
	if again := l.acquire("acme", "a1"); again != sl {
		t.Fatal("a second stream of the agent got its own budget")
	}
	t0 := sl.entries.at
	admit := func(n, size int, at time.Duration) (throttle, bool) { return sl.admit(n, size, t0.Add(at)) }
	if _, ok := admit(100, 500, 0); !ok {
		t.Fatal("a full bucket refused a second's worth")
	}
	th, ok := admit(50, 10, 0)
	if ok || th.limit != "entries_per_second" || th.retryAfter != 500*time.Millisecond {
		t.Fatalf("got %+v %v, want a refusal for 500ms", th, ok)
	}
	if _, ok := admit(50, 10, 499*time.Millisecond); ok {
		t.Fatal("admitted before retry_after")
	}
	if _, ok := admit(50, 10, 500*time.Millisecond); !ok {
		t.Fatal("refused at retry_after")
	}
	// Bytes: 400 left after 600 taken; 600 more wait for 200 to refill.
	if th, ok := admit(1, 600, 10*time.Second); !ok {
		t.Fatalf("refused %+v", th)
	}
	th, ok = admit(1, 600, 10*time.Second)
	if ok || th.limit != "bytes_per_second" || th.retryAfter != 200*time.Millisecond {
		t.Fatalf("got %+v %v", th, ok)
	}
	// A batch over a second's worth is admitted from a full bucket and
	// leaves it in debt: the long-run rate holds.
	if _, ok := admit(300, 1, 20*time.Second); !ok {
		t.Fatal("a batch over the burst is never admitted")
	}
	if th, ok := admit(10, 1, 20*time.Second); ok || th.retryAfter != 2100*time.Millisecond {
		t.Fatalf("got %+v %v, want 2.1s of debt and need", th, ok)
	}
	// An idle budget no stream holds is dropped once it has refilled.
	l.release(sl)
	l.release(sl)
	l.prunedAt = time.Time{}
	other := l.acquire("acme", "a2")
	defer l.release(other)
	if _, kept := l.agents[agentKey("acme", "a1")]; !kept {
		t.Fatal("a budget in debt was dropped")
	}
	sl.entries.at, sl.bytes.at = sl.entries.at.Add(-time.Hour), sl.bytes.at.Add(-time.Hour)
	l.prunedAt = time.Time{}
	l.release(l.acquire("acme", "a3"))
	if _, kept := l.agents[agentKey("acme", "a1")]; kept {
		t.Fatal("a full, unused budget was kept")
	}
	if (&limits{}).acquire("acme", "a1") != nil {
		t.Fatal("a budget without limits")
	}
}

// /v1/status says how far behind acknowledgements and handshakes are.
func TestStatusReportsPressure(t *testing.T) {
	m := testMediator(t, "")
	stream, _, err := dialAgent(t, m.Addr(), "pressed")
	if err != nil {
		t.Fatal(err)
	}
	for i := range uint64(5) {
		_ = stream.Send(entriesBatch(i*10+1, i*10+10))
		if a := nextData(t, stream).GetAck(); a.GetThroughSeq() != i*10+10 {
			t.Fatalf("ack %v", a)
		}
	}
	p := m.Status().Pressure
	if p.AckP99ms <= 0 || p.AckP50ms <= 0 || p.AckP50ms > p.AckP99ms || p.HandshakeP99ms <= 0 {
		t.Fatalf("pressure %+v: want acknowledgement and handshake latencies", p)
	}
	// The last batch stops counting as waiting just after its ack is
	// sent, so rest comes a moment after the agent has its ack.
	testkit.Eventually(t, 5*time.Second, "nothing waiting at rest", func() bool {
		p := m.Status().Pressure
		return p.WaitingBatches == 0 && p.Admitting == 0
	})
}
