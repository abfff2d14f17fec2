package arm

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sluicehq/sluice/internal/testkit"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// t0 is an arbitrary start for fake clocks.
var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock(t time.Time) *fakeClock { return &fakeClock{t: t} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// testConfig is a configuration for tests: any ports, state in a temp dir.
func testConfig(t testing.TB, dir string) *Config {
	t.Helper()
	cfg := DefaultConfig()
	cfg.ID = "arm-test"
	cfg.Listen = "127.0.0.1:0"
	cfg.HTTP = "127.0.0.1:0"
	cfg.DataDir = dir
	return cfg
}

// newARM opens an ARM without running it: tests drive it through its
// service, check and flush, with a fake clock.
func newARM(t testing.TB, cfg *Config, clock *fakeClock) *ARM {
	t.Helper()
	a, err := New(cfg, Deps{Logger: testkit.Logger(t, "arm"), Version: "test", Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// closeARM closes an ARM that was not Run, the way Run ends.
func closeARM(t testing.TB, a *ARM) {
	t.Helper()
	a.srv.Stop()
	if err := a.save(true); err != nil {
		t.Error(err)
	}
	if err := a.store.close(); err != nil {
		t.Error(err)
	}
}

// dial returns an ArmService client for addr.
func dial(t testing.TB, addr string) sluicev1.ArmServiceClient {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return sluicev1.NewArmServiceClient(conn)
}

// agentHB is an agent heartbeat as the agent sends it.
func agentHB(id, org, mediator string, at time.Time) *sluicev1.Heartbeat {
	return &sluicev1.Heartbeat{
		Time:            timestamppb.New(at),
		ComponentId:     id,
		Hostname:        id + ".example.net",
		Version:         "1.2.3",
		Organization:    org,
		CurrentMediator: mediator,
		LastMediator:    mediator,
		SpoolDepth:      7,
	}
}

// report sends one report of mediator with agents (received now, age 0)
// directly to the service, bypassing gRPC.
func report(t testing.TB, a *ARM, mediator string, ack uint64, agents ...*sluicev1.Heartbeat) *sluicev1.ReportResponse {
	t.Helper()
	return send(t, &service{arm: a, logger: testkit.Logger(t, "report")}, reportRequest(a, mediator, "", ack, agents...))
}

// reportRequest is a report of mediator, whose own heartbeat says
// stalled, with agents received now (age 0).
func reportRequest(a *ARM, mediator, stalled string, ack uint64, agents ...*sluicev1.Heartbeat) *sluicev1.ReportRequest {
	req := &sluicev1.ReportRequest{
		Mediator: &sluicev1.Heartbeat{Time: timestamppb.New(a.now()), ComponentId: mediator, Hostname: mediator + ".example.net", Version: "1.0.0",
			Stalled: stalled},
		AckThrough: ack,
	}
	for _, hb := range agents {
		req.Agents = append(req.Agents, &sluicev1.AgentHeartbeat{Heartbeat: hb})
	}
	return req
}

// send hands req to the service s, bypassing gRPC.
func send(t testing.TB, s *service, req *sluicev1.ReportRequest) *sluicev1.ReportResponse {
	t.Helper()
	resp, err := s.Report(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// docField returns the value at a dotted path of a decoded JSON document
// (nil when absent).
func docField(doc map[string]any, path string) any {
	var v any = doc
	for _, p := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

// outboxDocs returns the ARM events in a's outbox, decoded.
func outboxDocs(t testing.TB, a *ARM) []map[string]any {
	t.Helper()
	evs, err := a.store.readEvents(0, 1000, 16<<20)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]map[string]any, 0, len(evs))
	for _, e := range evs {
		var doc map[string]any
		if err := json.Unmarshal(e.GetEntry().GetRaw(), &doc); err != nil {
			t.Fatalf("event %d is not JSON: %v: %s", e.GetEntry().GetSeq(), err, e.GetEntry().GetRaw())
		}
		out = append(out, doc)
	}
	return out
}

// mustGet returns a component or fails.
func mustGet(t testing.TB, a *ARM, kind Kind, id string) Component {
	t.Helper()
	c, ok := a.tracker.Get(kind, id)
	if !ok {
		t.Fatalf("no %s %q", kind, id)
	}
	return c
}
