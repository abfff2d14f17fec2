package uplink

import (
	"bytes"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/sluicehq/sluice/agent/uplink/uplinktest"
	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/backoff"
	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/refusal"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// fakeMediator is a MediatorService that welcomes every agent as id,
// records heartbeats and stores batches by sequence. onBatch, when set,
// decides each batch's answer instead of a plain ack.
type fakeMediator struct {
	sluicev1.UnimplementedMediatorServiceServer
	id   string
	addr string

	mu      sync.Mutex
	streams int
	stored  map[uint64]int // seq -> times stored
	hbs     []*sluicev1.Heartbeat
	// onBatch returns the response to a batch (nil: discard it
	// unanswered) and whether to store it.
	onBatch func(b *sluicev1.LogBatch) (*sluicev1.ConnectResponse, bool)
	kick    chan string // a reason ends the current stream with Shutdown
	// refuse, when set, answers a hello with an error instead of a
	// Welcome (nil: welcome it); hellos and their times are recorded.
	refuse   func(h *sluicev1.Hello) error
	hellos   []*sluicev1.Hello
	helloAts []time.Time
}

func startFake(t *testing.T, id string, opts ...grpc.ServerOption) *fakeMediator {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeMediator{id: id, addr: lis.Addr().String(), stored: map[uint64]int{}, kick: make(chan string, 1)}
	srv := grpc.NewServer(opts...)
	sluicev1.RegisterMediatorServiceServer(srv, f)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return f
}

func (f *fakeMediator) Connect(stream sluicev1.MediatorService_ConnectServer) error {
	first, err := stream.Recv()
	if err != nil {
		return err
	}
	f.mu.Lock()
	f.hellos = append(f.hellos, first.GetHello())
	f.helloAts = append(f.helloAts, time.Now())
	refuse := f.refuse
	f.mu.Unlock()
	if refuse != nil {
		if err := refuse(first.GetHello()); err != nil {
			return err
		}
	}
	f.mu.Lock()
	f.streams++
	f.mu.Unlock()
	var sendMu sync.Mutex
	send := func(r *sluicev1.ConnectResponse) error {
		sendMu.Lock()
		defer sendMu.Unlock()
		return stream.Send(r)
	}
	if err := send(&sluicev1.ConnectResponse{Msg: &sluicev1.ConnectResponse_Welcome{Welcome: &sluicev1.Welcome{MediatorId: f.id}}}); err != nil {
		return err
	}
	reqs := make(chan *sluicev1.ConnectRequest)
	errc := make(chan error, 1)
	go func() {
		for {
			req, err := stream.Recv()
			if err != nil {
				errc <- err
				return
			}
			select {
			case reqs <- req:
			case <-stream.Context().Done():
				return
			}
		}
	}()
	for {
		select {
		case reason := <-f.kick:
			_ = send(&sluicev1.ConnectResponse{Msg: &sluicev1.ConnectResponse_Shutdown{Shutdown: &sluicev1.Shutdown{Reason: reason}}})
			return nil
		case err := <-errc:
			return err
		case req := <-reqs:
			switch m := req.GetMsg().(type) {
			case *sluicev1.ConnectRequest_Heartbeat:
				f.mu.Lock()
				f.hbs = append(f.hbs, m.Heartbeat)
				f.mu.Unlock()
				_ = send(&sluicev1.ConnectResponse{Msg: &sluicev1.ConnectResponse_Heartbeat{Heartbeat: &sluicev1.Heartbeat{ComponentId: f.id}}})
			case *sluicev1.ConnectRequest_Batch:
				b := m.Batch
				resp, store := &sluicev1.ConnectResponse{Msg: &sluicev1.ConnectResponse_Ack{Ack: &sluicev1.Ack{ThroughSeq: b.GetLastSeq()}}}, true
				if f.onBatch != nil {
					resp, store = f.onBatch(b)
				}
				if store {
					f.mu.Lock()
					for s := b.GetFirstSeq(); s <= b.GetLastSeq(); s++ {
						f.stored[s]++
					}
					f.mu.Unlock()
				}
				if resp != nil {
					if err := send(resp); err != nil {
						return err
					}
				}
			}
		}
	}
}

// lastHeartbeat is the latest heartbeat received, or nil.
func (f *fakeMediator) lastHeartbeat() *sluicev1.Heartbeat {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.hbs) == 0 {
		return nil
	}
	return f.hbs[len(f.hbs)-1]
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) lines(substr string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for l := range strings.SplitSeq(s.b.String(), "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return out
}

func runUplink(t *testing.T, cfg Config, sp Spool, logs *syncBuffer) *Uplink {
	t.Helper()
	cfg.AgentID = "web-01"
	if cfg.HeartbeatInterval == 0 {
		cfg.HeartbeatInterval = 20 * time.Millisecond
	}
	cfg.ReconnectJitter = time.Millisecond
	u, err := New(cfg, sp, hclog.New(&hclog.LoggerOptions{Output: logs, Level: hclog.Info}))
	if err != nil {
		t.Fatal(err)
	}
	testkit.Run(t, u.Run)
	return u
}

// After a switch, the heartbeat says where the agent is (current) and
// where it was before (last), and the log line says the same.
func TestHeartbeatCarriesCurrentAndLastMediator(t *testing.T) {
	a, b := startFake(t, "dp-a"), startFake(t, "dp-b")
	logs := &syncBuffer{}
	u := runUplink(t, Config{Mediators: []string{a.addr, b.addr}}, uplinktest.NewMemSpool(), logs)

	heartbeat := func(f *fakeMediator, current, last string) {
		t.Helper()
		testkit.Eventually(t, 10*time.Second, fmt.Sprintf("a heartbeat on %s with current %q, last %q", f.id, current, last), func() bool {
			hb := f.lastHeartbeat()
			return hb != nil && hb.GetCurrentMediator() == current && hb.GetLastMediator() == last
		})
	}
	// First connection: there is no previous mediator.
	heartbeat(a, "dp-a", "")
	if hb := a.lastHeartbeat(); hb.GetLastMediator() != "" {
		t.Fatalf("first session: last_mediator %q, want none", hb.GetLastMediator())
	}
	// dp-a shuts down: the agent fails over to dp-b.
	a.kick <- "test"
	heartbeat(b, "dp-b", "dp-a")
	if st := u.Status(); st.Current != b.addr || st.CurrentID != "dp-b" || st.Last != a.addr || st.LastID != "dp-a" {
		t.Fatalf("status %+v", st)
	}
	if l := logs.lines("data processor changed"); len(l) != 1 || !strings.Contains(l[0], "last_mediator=dp-a") || !strings.Contains(l[0], "current_mediator=dp-b") {
		t.Fatalf("log lines %q", l)
	}
	// And back: dp-b shuts down, the list wraps around to dp-a.
	b.kick <- "test"
	heartbeat(a, "dp-a", "dp-b")
	if l := logs.lines("data processor changed"); len(l) != 2 || !strings.Contains(l[1], "last_mediator=dp-b") || !strings.Contains(l[1], "current_mediator=dp-a") {
		t.Fatalf("log lines %q", l)
	}
}

// A reconnect to the same mediator is no move: last stays what it was.
func TestReconnectToSameMediatorKeepsLast(t *testing.T) {
	a := startFake(t, "dp-a")
	logs := &syncBuffer{}
	runUplink(t, Config{Mediators: []string{a.addr}}, uplinktest.NewMemSpool(), logs)
	testkit.Eventually(t, 10*time.Second, "a heartbeat", func() bool { return a.lastHeartbeat() != nil })
	a.kick <- "test"
	testkit.Eventually(t, 10*time.Second, "the second stream", func() bool {
		a.mu.Lock()
		defer a.mu.Unlock()
		return a.streams == 2
	})
	a.mu.Lock()
	n := len(a.hbs)
	a.mu.Unlock()
	testkit.Eventually(t, 10*time.Second, "a heartbeat on the second stream", func() bool {
		a.mu.Lock()
		defer a.mu.Unlock()
		return len(a.hbs) > n
	})
	if hb := a.lastHeartbeat(); hb.GetCurrentMediator() != "dp-a" || hb.GetLastMediator() != "" {
		t.Fatalf("heartbeat %v", hb)
	}
	if l := logs.lines("data processor changed"); len(l) != 0 {
		t.Fatalf("log lines %q", l)
	}
}

// A Throttle refuses a batch without ending the stream: the agent keeps
// the refused batch and those behind it, waits retry_after, and resends
// them on the same stream. Nothing is lost, nothing stored twice, and the
// log says so once, not per batch.
func TestThrottleResendsOnSameStreamAfterRetryAfter(t *testing.T) {
	const retryAfter = 150 * time.Millisecond
	m := startFake(t, "dp-a")
	var (
		mu          sync.Mutex
		throttles   int
		throttledAt time.Time
		resumeSeq   uint64 // 0: not throttled
		resentAfter []time.Duration
	)
	// Every 4th batch is refused once; those behind it are discarded
	// until it comes back, as the mediator does.
	seen := map[uint64]bool{}
	m.onBatch = func(b *sluicev1.LogBatch) (*sluicev1.ConnectResponse, bool) {
		mu.Lock()
		defer mu.Unlock()
		first := b.GetFirstSeq()
		if resumeSeq != 0 {
			if first > resumeSeq {
				return nil, false
			}
			resentAfter = append(resentAfter, time.Since(throttledAt))
			resumeSeq = 0
		} else if !seen[first] && (first/10)%4 == 3 {
			seen[first] = true
			throttles++
			throttledAt, resumeSeq = time.Now(), first
			return &sluicev1.ConnectResponse{Msg: &sluicev1.ConnectResponse_Throttle{Throttle: &sluicev1.Throttle{
				ResumeSeq: first, RetryAfter: durationpb.New(retryAfter), Reason: refusal.RateLimit, Limit: "entries_per_second",
			}}}, false
		}
		return &sluicev1.ConnectResponse{Msg: &sluicev1.ConnectResponse_Ack{Ack: &sluicev1.Ack{ThroughSeq: b.GetLastSeq()}}}, true
	}
	sp := uplinktest.NewMemSpool()
	for range 40 {
		sp.Add(10)
	}
	logs := &syncBuffer{}
	// BatchEntries 10: one record per batch, as the mediator above counts.
	u := runUplink(t, Config{Mediators: []string{m.addr}, Window: 8, BatchEntries: 10, AckTimeout: 2 * time.Second}, sp, logs)
	testkit.Eventually(t, 10*time.Second, "the spool to drain", func() bool { return sp.Depth() == 0 })

	m.mu.Lock()
	defer m.mu.Unlock()
	mu.Lock()
	defer mu.Unlock()
	if m.streams != 1 {
		t.Fatalf("%d streams: a throttle must not end the stream", m.streams)
	}
	for s := uint64(1); s <= 400; s++ {
		if m.stored[s] != 1 {
			t.Fatalf("seq %d stored %d times", s, m.stored[s])
		}
	}
	if throttles != 10 || len(resentAfter) != 10 {
		t.Fatalf("%d throttles, %d resends", throttles, len(resentAfter))
	}
	for _, d := range resentAfter {
		if d < retryAfter {
			t.Fatalf("resent %v after the throttle, before its retry_after %v", d, retryAfter)
		}
	}
	if l := logs.lines("rate limits this agent"); len(l) != 1 {
		t.Fatalf("want one log line for %d throttles, got %q", throttles, l)
	}
	if l := logs.lines("session ended"); len(l) != 0 {
		t.Fatalf("log lines %q", l)
	}
	if st := u.Status(); st.Current != m.addr {
		t.Fatalf("status %+v", st)
	}
}

func TestThrottledWindow(t *testing.T) {
	w := []inflight{{first: 1, last: 10}, {first: 11, last: 20}, {first: 21, last: 30}, {first: 31, last: 40}}
	th := &sluicev1.Throttle{ResumeSeq: 21, RetryAfter: durationpb.New(time.Hour)}
	got, cursor, wait, refused := throttled(w, 41, th)
	if len(got) != 2 || got[1].last != 20 || cursor != 21 || wait != maxRetryAfter || refused.last != 30 {
		t.Fatalf("window %v cursor %d wait %v", got, cursor, wait)
	}
	// A resume beyond what was sent moves nothing back.
	got, cursor, wait, _ = throttled([]inflight{{first: 1, last: 10}}, 11, &sluicev1.Throttle{ResumeSeq: 50})
	if len(got) != 1 || cursor != 11 || wait != 0 {
		t.Fatalf("window %v cursor %d wait %v", got, cursor, wait)
	}
}

func TestPacer(t *testing.T) {
	from := time.Now().Add(100 * time.Millisecond)
	th := &sluicev1.Throttle{ResumeSeq: 101, EntriesPerSecond: 1000}
	p := newPacer(th, inflight{first: 101, last: 200, size: 5000}, from)
	// Nothing before the retry_after is over.
	if w := p.wait(100, 5000, from.Add(-50*time.Millisecond)); w != 50*time.Millisecond {
		t.Fatalf("wait %v before retry_after", w)
	}
	// Then the refused batch goes at once, and the next one when the
	// budget (at 95% of the limit) has refilled for it.
	if w := p.wait(100, 5000, from); w != 0 {
		t.Fatalf("refused batch waits %v at retry_after", w)
	}
	w := p.wait(95, 5000, from)
	if w < 99*time.Millisecond || w > 101*time.Millisecond {
		t.Fatalf("next batch waits %v, want 100ms", w)
	}
	if w := p.wait(95, 5000, from.Add(w)); w != 0 {
		t.Fatalf("still waits %v", w)
	}
	if newPacer(&sluicev1.Throttle{ResumeSeq: 1}, inflight{}, from) != nil {
		t.Fatal("a pacer without a budget")
	}
}

// A mediator that refuses the agent because its id is connected from
// another spool (PERMISSION_DENIED, duplicate_identity): the uplink says
// so at error level, keeps every entry, backs off between attempts rather
// than spinning, and delivers everything once the mediator lets it in.
// Its hello names its spool's incarnation.
func TestDuplicateIdentityBacksOffKeepsSpoolAndRetries(t *testing.T) {
	med := startFake(t, "dp-a")
	var refusing sync.Mutex // held: refuse
	refusing.Lock()
	med.refuse = func(*sluicev1.Hello) error {
		if !refusing.TryLock() {
			return refusal.Error(codes.PermissionDenied, refusal.DuplicateIdentity, "agent id web-01 already connected from 192.0.2.7:40000, spool 00000000000000aa")
		}
		refusing.Unlock()
		return nil
	}
	sp := uplinktest.NewMemSpool()
	sp.Add(50)
	logs := &syncBuffer{}
	const inc = "0123456789abcdef"
	runUplink(t, Config{
		Mediators:   []string{med.addr},
		Incarnation: inc,
		Backoff:     backoff.Policy{Base: 20 * time.Millisecond, Max: 160 * time.Millisecond},
	}, sp, logs)

	testkit.Eventually(t, 10*time.Second, "six refused attempts", func() bool {
		med.mu.Lock()
		defer med.mu.Unlock()
		return len(med.hellos) >= 6
	})
	med.mu.Lock()
	hello, ats := med.hellos[0], slices.Clone(med.helloAts)
	med.mu.Unlock()
	if hello.GetIncarnation() != inc {
		t.Fatalf("hello says incarnation %q, want %q", hello.GetIncarnation(), inc)
	}
	// Backed off: the gaps grow to the policy's cap (20, 40, 80, 160 ms),
	// where a spinning agent would have tried thousands of times.
	if gap := ats[5].Sub(ats[4]); gap < 120*time.Millisecond {
		t.Fatalf("refused attempts %v apart after five refusals: not backing off (attempts at %v)", gap, ats)
	}
	if got := sp.Depth(); got != 50 {
		t.Fatalf("spool holds %d entries while refused, want all 50", got)
	}
	errs := logs.lines("DUPLICATE AGENT IDENTITY")
	if len(errs) == 0 || !strings.Contains(errs[0], "[ERROR]") || !strings.Contains(errs[0], "spool_depth=50") || !strings.Contains(errs[0], "spool="+event.SpoolTag(inc)) || strings.Contains(errs[0], inc) {
		t.Fatalf("no error-level duplicate identity line with the spool depth and tag (and not the incarnation); got %q", errs)
	}

	// The other agent is gone: the mediator lets this one in.
	refusing.Unlock()
	testkit.Eventually(t, 10*time.Second, "every entry delivered", func() bool { return sp.Depth() == 0 })
	med.mu.Lock()
	defer med.mu.Unlock()
	for seq := uint64(1); seq <= 50; seq++ {
		if med.stored[seq] != 1 {
			t.Fatalf("entry %d stored %d times", seq, med.stored[seq])
		}
	}
}

// The throttle log says when rate limiting starts, then at most once a
// minute how many Throttles came since, and starts afresh after a quiet
// spell of two minutes.
func TestThrottleLog(t *testing.T) {
	logs := &syncBuffer{}
	logger := hclog.New(&hclog.LoggerOptions{Output: logs})
	l := newThrottleLog()
	th := &sluicev1.Throttle{ResumeSeq: 7, Limit: "entries_per_second", Reason: refusal.RateLimit}
	t0 := time.Unix(1000, 0)
	for _, at := range []time.Duration{0, time.Second, 30 * time.Second, 61 * time.Second, 90 * time.Second, 5 * time.Minute} {
		l.log(logger, t0.Add(at), "dp-a", th, time.Second)
	}
	starts, still := logs.lines("mediator rate limits this agent"), logs.lines("still rate limits")
	if len(starts) != 2 || len(still) != 1 {
		t.Fatalf("start lines %q, still lines %q", starts, still)
	}
	// The line at +61s counts itself and the two before it not logged.
	if !strings.Contains(still[0], "throttled_batches=3") || !strings.Contains(still[0], "since=1m1s") {
		t.Fatalf("still line %q", still[0])
	}
}
