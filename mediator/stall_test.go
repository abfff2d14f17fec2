package mediator

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/indexer/embedded"
	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/stall"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// hungIndex is the real embedded index whose writes hang, without an
// error, while held: an index healthy by every measure the pipeline has,
// that takes nothing.
type hungIndex struct {
	indexer.Index
	held    chan struct{} // closed to let writes through
	entered chan struct{} // a write is waiting
}

func (h *hungIndex) Write(ctx context.Context, events []*event.Event) error {
	select {
	case h.entered <- struct{}{}:
	default:
	}
	select {
	case <-h.held:
	case <-ctx.Done():
		return ctx.Err()
	}
	return h.Index.Write(ctx, events)
}

// startHungMediator runs a mediator whose index hangs until release is
// called.
func startHungMediator(t *testing.T, extra string, logger hclog.Logger) (m *Mediator, idx indexer.Index, release func(), entered <-chan struct{}) {
	t.Helper()
	dir := t.TempDir()
	emb, err := embedded.Open(embedded.Config{Dir: filepath.Join(dir, "index")}, hclog.NewNullLogger())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emb.Close() })
	h := &hungIndex{Index: emb, held: make(chan struct{}), entered: make(chan struct{}, 1)}
	cfg, err := ParseConfig([]byte(fmt.Sprintf("mediator {\n listen = \"127.0.0.1:0\"\n http = \"127.0.0.1:0\"\n data_dir = %q\n insecure = true\n index_flush = \"20ms\"\n %s\n}\n", filepath.Join(dir, "m"), extra)), "m.hcl")
	if err != nil {
		t.Fatal(err)
	}
	m, err = New(cfg, Deps{Logger: logger, Index: h})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Run(t, m.Run)
	released := false
	release = func() {
		if !released {
			released = true
			close(h.held)
		}
	}
	t.Cleanup(release) // before Run is stopped: it waits for the hung write
	return m, emb, release, h.entered
}

// A pipeline whose index write hangs is reported stalled once nothing has
// left state for stall_warning — not before — with where it waits, in the
// log, /v1/status and /readyz; it is reported moving again when the write
// goes through. The clock of the watch is the test's.
func TestStalledPipelineIsReported(t *testing.T) {
	logs := &logBuffer{}
	m, idx, release, entered := startHungMediator(t, "", hclog.New(&hclog.LoggerOptions{Output: logs, Level: hclog.Info}))
	sendBatch(t, m.Addr(), "acme", "web-1", 0, 50)
	select {
	case <-entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the pipeline never wrote to the index")
	}
	t0 := time.Now()
	w := stall.New(m.cfg.StallWarning)
	m.checkPipeline(w, t0)
	m.checkPipeline(w, t0.Add(59*time.Second))
	if st := m.Status(); st.Stalled {
		t.Fatalf("stalled after 59 s of a 60 s stall_warning: %+v", st)
	}
	m.checkPipeline(w, t0.Add(61*time.Second))
	st := m.Status()
	if !st.Stalled || !strings.Contains(st.StalledReason, "50 entries") || st.Stalls != 1 {
		t.Fatalf("status %+v: want stalled with 50 entries", st)
	}
	if st.Pipeline.Writer != phaseIndex || st.Pipeline.WriteSeconds <= 0 || st.Pipeline.Organizations["acme"] != 50 {
		t.Fatalf("pipeline %+v: want the writer waiting on the index with acme's 50 entries", st.Pipeline)
	}
	logs.waitLog(t, "pipeline stalled", "writer=\"writing to the index\"", "state_entries=50", "organizations=map[acme:50]")
	code, body := getReady(t, m)
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "pipeline stalled") {
		t.Fatalf("/readyz %d %s", code, body)
	}

	release()
	deadline := time.Now().Add(10 * time.Second)
	for m.state.q.Len() > 0 {
		if time.Now().After(deadline) {
			t.Fatal("entries still in state after the index came back")
		}
		time.Sleep(10 * time.Millisecond)
	}
	m.checkPipeline(w, t0.Add(62*time.Second))
	if st := m.Status(); st.Stalled || st.StalledReason != "" || st.Stalls != 1 {
		t.Fatalf("status after the write went through: %+v", st)
	}
	logs.waitLog(t, "pipeline moving again")
	if code, body := getReady(t, m); code != http.StatusOK {
		t.Fatalf("/readyz %d %s after recovery", code, body)
	}
	if n, _ := idx.Count(context.Background(), indexer.SearchRequest{Query: "*", Organization: "acme"}); n != 50 {
		t.Fatalf("index holds %d events, want 50", n)
	}
}

// An index that fails (and is retried) is not a stall: the entries wait
// for a reason that index_retrying already reports.
func TestFailingIndexIsNotAStall(t *testing.T) {
	dir := t.TempDir()
	idx, err := embedded.Open(embedded.Config{Dir: filepath.Join(dir, "index")}, hclog.NewNullLogger())
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	door := &orgOutage{Index: idx}
	door.down.Store("globex")
	cfg, err := ParseConfig([]byte(fmt.Sprintf("mediator {\n listen = \"127.0.0.1:0\"\n http = \"127.0.0.1:0\"\n data_dir = %q\n insecure = true\n index_flush = \"20ms\"\n}\n", filepath.Join(dir, "m"))), "m.hcl")
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(cfg, Deps{Logger: hclog.NewNullLogger(), Index: door})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Run(t, m.Run)
	sendBatch(t, m.Addr(), "globex", "db-1", 0, 10)
	deadline := time.Now().Add(10 * time.Second)
	for door.failed.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the index was never written")
		}
		time.Sleep(10 * time.Millisecond)
	}
	t0 := time.Now()
	w := stall.New(time.Minute)
	for _, s := range []int{0, 61, 300} {
		m.checkPipeline(w, t0.Add(time.Duration(s)*time.Second))
	}
	if st := m.Status(); st.Stalled || !st.IndexRetry {
		t.Fatalf("status %+v: want index_retrying, not stalled", st)
	}
}

// A real mediator with stall_warning = 1s reports the stall on its own
// clock, in GET /v1/status, within stall_warning plus its check period.
func TestStallReportedInStatusAPI(t *testing.T) {
	m, _, _, entered := startHungMediator(t, `stall_warning = "1s"`, hclog.NewNullLogger())
	sendBatch(t, m.Addr(), "acme", "web-1", 0, 5)
	<-entered
	start := time.Now()
	for {
		resp, err := http.Get("http://" + m.HTTPAddr() + "/v1/status")
		if err != nil {
			t.Fatal(err)
		}
		var st StatusResponse
		err = json.NewDecoder(resp.Body).Decode(&st)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if st.Stalled {
			if st.StalledReason == "" {
				t.Fatal("stalled without a reason")
			}
			return
		}
		if time.Since(start) > 1*time.Second+15*time.Second {
			t.Fatalf("not reported stalled after %v: %+v", time.Since(start), st)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func getReady(t *testing.T, m *Mediator) (int, string) {
	t.Helper()
	resp, err := http.Get("http://" + m.HTTPAddr() + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// stallArmStub is an ArmService that records what each report's mediator
// heartbeat says of its pipeline, and the agents' heartbeats.
type stallArmStub struct {
	sluicev1.UnimplementedArmServiceServer
	mu      sync.Mutex
	stalled []string
	agents  []*sluicev1.Heartbeat
	// warnings are the latest report's mediator warnings, as
	// "kind=text".
	warnings []string
}

// startArmStub serves a stallArmStub on loopback until the test ends.
func startArmStub(t *testing.T) (*stallArmStub, string) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	stub := &stallArmStub{}
	srv := grpc.NewServer()
	sluicev1.RegisterArmServiceServer(srv, stub)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return stub, lis.Addr().String()
}

func (s *stallArmStub) Report(_ context.Context, req *sluicev1.ReportRequest) (*sluicev1.ReportResponse, error) {
	s.mu.Lock()
	s.stalled = append(s.stalled, req.GetMediator().GetStalled())
	s.warnings = s.warnings[:0]
	for _, w := range req.GetMediator().GetWarnings() {
		s.warnings = append(s.warnings, w.GetKind()+"="+w.GetText())
	}
	for _, a := range req.GetAgents() {
		s.agents = append(s.agents, a.GetHeartbeat())
	}
	s.mu.Unlock()
	return &sluicev1.ReportResponse{ArmId: "stub", EventAgentId: "arm-stub", Time: timestamppb.Now()}, nil
}

// lastWarnings is what the latest report said of the mediator's warnings.
func (s *stallArmStub) lastWarnings() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.warnings, ";")
}

func (s *stallArmStub) last() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.stalled) == 0 {
		return ""
	}
	return s.stalled[len(s.stalled)-1]
}

// The mediator's heartbeat to ARM carries the stall (ARM raises Data
// Processor Stalled from it) and stops carrying it once the pipeline moves.
func TestStallReportedToARM(t *testing.T) {
	stub, armAddr := startArmStub(t)

	m, _, release, entered := startHungMediator(t, fmt.Sprintf("stall_warning = \"1s\"\n arm = %q\n arm_interval = \"100ms\"", armAddr), hclog.NewNullLogger())
	sendBatch(t, m.Addr(), "acme", "web-1", 0, 5)
	<-entered
	testkit.Eventually(t, 20*time.Second, "ARM told of the stall", func() bool { return strings.Contains(stub.last(), "state holds") })
	release()
	testkit.Eventually(t, 20*time.Second, "ARM told the pipeline moves", func() bool { return m.state.q.Len() == 0 && !m.Status().Stalled && stub.last() == "" })
}
