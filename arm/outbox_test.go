package arm

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sluicehq/sluice/internal/testkit"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"

	"github.com/sluicehq/sluice/mediator/armlink"
)

// fakeState stands in for a mediator's state: it stores entries the way
// mediator state.append does, skipping sequences at or below the highest
// one held per (organization, agent), and can be told to fail.
type fakeState struct {
	mu     sync.Mutex
	fail   bool
	calls  int
	hwm    map[string]uint64
	stored map[uint64]string // seq -> org
	agents map[string]bool
}

func newFakeState() *fakeState {
	return &fakeState{hwm: map[string]uint64{}, stored: map[uint64]string{}, agents: map[string]bool{}}
}

func (f *fakeState) sink(_ context.Context, agentID, org string, entries []*sluicev1.LogEntry) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.fail {
		return errors.New("state is full")
	}
	f.agents[agentID] = true
	k := org + "/" + agentID
	for _, e := range entries {
		if e.GetSeq() <= f.hwm[k] {
			continue
		}
		if e.GetSourceType() != LogSourceType {
			return fmt.Errorf("source type %q", e.GetSourceType())
		}
		f.hwm[k] = e.GetSeq()
		f.stored[e.GetSeq()] = org
	}
	return nil
}

func (f *fakeState) setFail(v bool) {
	f.mu.Lock()
	f.fail = v
	f.mu.Unlock()
}

func (f *fakeState) seqs() []uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []uint64
	for s := range f.stored {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// TestReportRoundTripOutbox runs ARM on 127.0.0.1:0 and two mediators'
// Reporters over real gRPC: heartbeats in, warnings out, lease to one
// mediator, no acknowledgement, redelivery to the other after the lease
// expires, acknowledgement, and deletion.
func TestReportRoundTripOutbox(t *testing.T) {
	clock := newFakeClock(t0)
	cfg := testConfig(t, t.TempDir())
	cfg.CheckInterval = time.Hour // the test calls check itself
	cfg.EventsPerReport = 2
	a := newARM(t, cfg, clock)
	testkit.Run(t, a.Run)
	client := dial(t, a.Addr())

	stA, stB := newFakeState(), newFakeState()
	repA := armlink.NewReporter(armlink.ReporterConfig{Addr: a.Addr(), MediatorID: "dp-a", Hostname: "dp-a.example.net", Version: "1.0", EventSink: stA.sink, Now: clock.Now}, testkit.Logger(t, "dp-a"))
	repB := armlink.NewReporter(armlink.ReporterConfig{Addr: a.Addr(), MediatorID: "dp-b", Hostname: "dp-b.example.net", Version: "1.0", EventSink: stB.sink, Now: clock.Now}, testkit.Logger(t, "dp-b"))
	reportOnce := func(r *armlink.Reporter) bool {
		t.Helper()
		more, err := r.ReportOnce(t.Context(), client)
		if err != nil {
			t.Fatal(err)
		}
		return more
	}

	repA.Heartbeat(agentHB("web-01", "acme", "dp-a", clock.Now()))
	repA.Heartbeat(agentHB("web-01", "acme", "dp-a", clock.Now())) // latest only
	repB.Heartbeat(agentHB("db-01", "globex", "dp-b", clock.Now()))
	if repA.Pending() != 1 {
		t.Fatalf("pending %d, want 1 (latest per agent)", repA.Pending())
	}
	reportOnce(repA)
	reportOnce(repB)
	if repA.Pending() != 0 {
		t.Fatalf("delivered heartbeats still pending: %d", repA.Pending())
	}
	if n := len(a.Components(Filter{})); n != 4 {
		t.Fatalf("%d components, want 2 mediators and 2 agents", n)
	}

	// Ten minutes on, both agents are silent (the mediators are not).
	for range 10 {
		clock.Advance(time.Minute)
		reportOnce(repA)
		reportOnce(repB)
		a.check()
	}
	if d := a.outbox.depth(); d != 2 {
		t.Fatalf("outbox %d, want 2 warnings", d)
	}

	// dp-a gets the lease but cannot store the events.
	stA.setFail(true)
	reportOnce(repA)
	if stA.calls != 1 || len(stA.seqs()) != 0 {
		t.Fatalf("dp-a sink calls %d", stA.calls)
	}
	// dp-b gets nothing while dp-a holds the lease; dp-a is offered the
	// same events again.
	reportOnce(repB)
	if stB.calls != 0 {
		t.Fatalf("dp-b got events during dp-a's lease")
	}
	reportOnce(repA)
	if stA.calls != 2 || a.Status().LeaseHolder != "dp-a" {
		t.Fatalf("dp-a was not offered its lease again: calls %d, holder %q", stA.calls, a.Status().LeaseHolder)
	}

	// A minute without acknowledgement: the next mediator gets them.
	clock.Advance(cfg.LeaseTimeout + time.Second)
	reportOnce(repB)
	got := stB.seqs()
	if len(got) != 2 || stB.stored[got[0]] == stB.stored[got[1]] {
		t.Fatalf("dp-b stored %v (%v), want two events of two organizations", got, stB.stored)
	}
	if !stB.agents[EventAgentID("arm-test")] || len(stB.agents) != 1 {
		t.Fatalf("stored under agents %v", stB.agents)
	}
	// Its next report acknowledges them: ARM deletes them.
	reportOnce(repB)
	if d := a.outbox.depth(); d != 0 {
		t.Fatalf("outbox %d after acknowledgement", d)
	}

	// dp-a recovers and acknowledges nothing new; ARM has nothing for it.
	stA.setFail(false)
	reportOnce(repA)
	if len(stA.seqs()) != 0 {
		t.Fatalf("dp-a stored events already acknowledged: %v", stA.seqs())
	}

	// More events than fit in one response: more is set, and reporting
	// until it is not drains the outbox in order.
	for i := range 5 {
		repA.Heartbeat(agentHB(fmt.Sprintf("app-%d", i), "acme", "dp-a", clock.Now()))
	}
	reportOnce(repA)
	for range 11 {
		clock.Advance(time.Minute)
		reportOnce(repA)
		reportOnce(repB)
	}
	a.check()
	if d := a.outbox.depth(); d != 7 {
		// five app-* going yellow, web-01 and db-01 going red
		t.Fatalf("outbox %d, want 7", d)
	}
	before := len(stA.seqs())
	rounds := 0
	for reportOnce(repA) {
		rounds++
		if rounds > 10 {
			t.Fatal("more never cleared")
		}
	}
	reportOnce(repA) // acknowledge the last batch
	if rounds != 3 || len(stA.seqs())-before != 7 || a.outbox.depth() != 0 {
		t.Fatalf("rounds %d, stored %d, outbox %d", rounds, len(stA.seqs())-before, a.outbox.depth())
	}

	// An acknowledgement beyond what a mediator was given is not believed.
	for range 10 {
		clock.Advance(time.Minute)
		reportOnce(repA)
		reportOnce(repB)
		a.check()
	}
	d := a.outbox.depth()
	if d == 0 {
		t.Fatal("expected new warnings")
	}
	report(t, a, "dp-rogue", 1<<62)
	if a.outbox.depth() != d {
		t.Fatalf("rogue acknowledgement deleted events: %d -> %d", d, a.outbox.depth())
	}
}

// TestOutboxSurvivesRestart: events not yet acknowledged when ARM stops
// are delivered after it restarts, with the same sequence numbers.
func TestOutboxSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	clock := newFakeClock(t0)
	cfg := testConfig(t, dir)
	a := newARM(t, cfg, clock)
	report(t, a, "dp-01", 0, agentHB("web-01", "acme", "dp-01", t0))
	clock.Advance(10 * time.Minute)
	report(t, a, "dp-01", 0)
	a.check()
	first := report(t, a, "dp-01", 0)
	if len(first.GetEvents()) != 1 {
		t.Fatalf("%d events", len(first.GetEvents()))
	}
	closeARM(t, a)

	a = newARM(t, cfg, clock)
	defer closeARM(t, a)
	again := report(t, a, "dp-01", 0)
	if len(again.GetEvents()) != 1 || again.GetEvents()[0].GetEntry().GetSeq() != first.GetEvents()[0].GetEntry().GetSeq() {
		t.Fatalf("after restart: %+v", again.GetEvents())
	}
	if string(again.GetEvents()[0].GetEntry().GetRaw()) != string(first.GetEvents()[0].GetEntry().GetRaw()) {
		t.Fatal("redelivered event differs")
	}
	report(t, a, "dp-01", again.GetEvents()[0].GetEntry().GetSeq())
	if a.outbox.depth() != 0 {
		t.Fatalf("outbox %d", a.outbox.depth())
	}
}

// TestOutboxSequenceStartsAtCreationTime: a wiped data directory never
// reuses document ids.
func TestOutboxSequenceStartsAtCreationTime(t *testing.T) {
	clock := newFakeClock(t0)
	a := newARM(t, testConfig(t, t.TempDir()), clock)
	defer closeARM(t, a)
	if got := a.store.q.NextSeq(); got != uint64(t0.UnixMicro()) {
		t.Fatalf("first seq %d, want %d", got, t0.UnixMicro())
	}
}
