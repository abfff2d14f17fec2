package armlink

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sluicehq/sluice/pkg/logging"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// fakeARM is an ArmServiceClient that answers, or fails, on command.
type fakeARM struct {
	mu      sync.Mutex
	down    bool
	reports []*sluicev1.ReportRequest
	events  []*sluicev1.ArmEvent
}

func (f *fakeARM) Report(_ context.Context, req *sluicev1.ReportRequest, _ ...grpc.CallOption) (*sluicev1.ReportResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return nil, status.Error(codes.Unavailable, "connection refused")
	}
	f.reports = append(f.reports, req)
	var evs []*sluicev1.ArmEvent
	for _, e := range f.events {
		if e.GetEntry().GetSeq() > req.GetAckThrough() {
			evs = append(evs, e)
		}
	}
	return &sluicev1.ReportResponse{ArmId: "fake", EventAgentId: "arm-fake", Events: evs, Time: timestamppb.Now()}, nil
}

func (f *fakeARM) setDown(v bool) {
	f.mu.Lock()
	f.down = v
	f.mu.Unlock()
}

func (f *fakeARM) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.reports)
}

func (f *fakeARM) last() *sluicev1.ReportRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reports[len(f.reports)-1]
}

// TestReporterRunSynctest runs the reporter's loop in virtual time: it
// reports every interval, logs ARM's absence once a minute while ARM is
// down, and acknowledges events only once the sink stored them.
func TestReporterRunSynctest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var logs logging.Buffer
		logger := hclog.New(&hclog.LoggerOptions{Output: &logs, Level: hclog.Info})
		var mu sync.Mutex
		var stored []uint64
		failSink := true
		sink := func(_ context.Context, agentID, org string, entries []*sluicev1.LogEntry) error {
			mu.Lock()
			defer mu.Unlock()
			if failSink {
				return errors.New("suspense")
			}
			if agentID != "arm-fake" || org != "acme" {
				return errors.New("wrong agent or organization")
			}
			for _, e := range entries {
				stored = append(stored, e.GetSeq())
			}
			return nil
		}
		fake := &fakeARM{events: []*sluicev1.ArmEvent{
			{Organization: "acme", Entry: &sluicev1.LogEntry{Seq: 100, SourceType: "sluice-arm"}},
			{Organization: "acme", Entry: &sluicev1.LogEntry{Seq: 101, SourceType: "sluice-arm"}},
		}}
		rep := NewReporter(ReporterConfig{MediatorID: "dp-01", Interval: 5 * time.Second, EventSink: sink}, logger)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() {
			defer close(done)
			rep.run(ctx, fake)
		}()

		synctest.Wait()
		if fake.count() != 1 {
			t.Fatalf("%d reports at start", fake.count())
		}
		time.Sleep(time.Minute)
		synctest.Wait()
		if n := fake.count(); n != 13 {
			t.Fatalf("%d reports in a minute at 5s, want 13", n)
		}
		if fake.last().GetAckThrough() != 0 {
			t.Fatal("acknowledged events the sink refused")
		}

		mu.Lock()
		failSink = false
		mu.Unlock()
		time.Sleep(5 * time.Second)
		synctest.Wait()
		time.Sleep(5 * time.Second)
		synctest.Wait()
		if got := fake.last().GetAckThrough(); got != 101 {
			t.Fatalf("ack_through %d, want 101", got)
		}

		// ARM goes away for three minutes.
		fake.setDown(true)
		rep.Heartbeat(agentHB("web-01", "acme", "dp-01", time.Now()))
		time.Sleep(3 * time.Minute)
		synctest.Wait()
		out := logs.String()
		if strings.Count(out, "ARM unreachable") != 1 || strings.Count(out, "ARM heartbeat absent") != 2 {
			t.Fatalf("log:\n%s", out)
		}
		fake.setDown(false)
		time.Sleep(5 * time.Second)
		synctest.Wait()
		req := fake.last()
		if len(req.GetAgents()) != 1 || req.GetAgents()[0].GetAge().AsDuration() < 3*time.Minute {
			t.Fatalf("delivered %+v", req.GetAgents())
		}
		if !strings.Contains(logs.String(), "ARM reachable again") {
			t.Fatalf("log:\n%s", logs.String())
		}
		cancel()
		<-done
	})
}

func TestReporterSplitsLargeReports(t *testing.T) {
	fake := &fakeARM{}
	rep := NewReporter(ReporterConfig{MediatorID: "dp-01"}, nil)
	for i := range maxAgentsPerReport + 10 {
		rep.Heartbeat(agentHB(fmt.Sprintf("agent-%d", i), "acme", "dp-01", time.Now()))
	}
	more, err := rep.ReportOnce(t.Context(), fake)
	if err != nil || !more || len(fake.last().GetAgents()) != maxAgentsPerReport || rep.Pending() != 10 {
		t.Fatalf("first: more %v err %v sent %d pending %d", more, err, len(fake.last().GetAgents()), rep.Pending())
	}
	more, err = rep.ReportOnce(t.Context(), fake)
	if err != nil || more || len(fake.last().GetAgents()) != 10 || rep.Pending() != 0 {
		t.Fatalf("second: more %v err %v sent %d pending %d", more, err, len(fake.last().GetAgents()), rep.Pending())
	}
}

// The mediator's own heartbeat carries what Stalled says at each report;
// agents' heartbeats, their stalled field included, go as they came.
func TestReporterStalled(t *testing.T) {
	var mu sync.Mutex
	reason := ""
	setReason := func(s string) { mu.Lock(); reason = s; mu.Unlock() }
	stalled := func() string { mu.Lock(); defer mu.Unlock(); return reason }

	fake := &fakeARM{}
	rep := NewReporter(ReporterConfig{MediatorID: "dp-01", Stalled: stalled}, nil)
	agent := agentHB("web-01", "acme", "dp-01", time.Now())
	agent.Stalled = "spool grows while dp-01 acknowledges nothing"
	want := proto.Clone(agent)
	for _, step := range []struct{ set, want string }{
		{"", ""},
		{"state holds 120 entries that nothing indexes", "state holds 120 entries that nothing indexes"},
		{"state holds 400 entries that nothing indexes", "state holds 400 entries that nothing indexes"},
		{"", ""},
	} {
		setReason(step.set)
		rep.Heartbeat(agent)
		if _, err := rep.ReportOnce(t.Context(), fake); err != nil {
			t.Fatal(err)
		}
		req := fake.last()
		if got := req.GetMediator().GetStalled(); got != step.want {
			t.Errorf("mediator stalled %q, want %q", got, step.want)
		}
		if len(req.GetAgents()) != 1 || !proto.Equal(req.GetAgents()[0].GetHeartbeat(), want) {
			t.Errorf("agent heartbeat changed on the way: %v", req.GetAgents())
		}
	}

	// Without Stalled the mediator is never stalled.
	plain := NewReporter(ReporterConfig{MediatorID: "dp-02"}, nil)
	if _, err := plain.ReportOnce(t.Context(), fake); err != nil {
		t.Fatal(err)
	}
	if got := fake.last().GetMediator().GetStalled(); got != "" {
		t.Errorf("no Stalled func, stalled %q", got)
	}
}

// The mediator's own heartbeat carries the whole set of warnings Warnings
// returns at each report (kind and text), and none once it is empty.
func TestReporterWarnings(t *testing.T) {
	var mu sync.Mutex
	var current []Warning
	set := func(ws ...Warning) { mu.Lock(); current = ws; mu.Unlock() }
	fake := &fakeARM{}
	rep := NewReporter(ReporterConfig{MediatorID: "dp-01", Warnings: func() []Warning {
		mu.Lock()
		defer mu.Unlock()
		return current
	}}, nil)
	disk := Warning{Kind: "index_disk_low", Text: "index disk low: 1.2 GiB free", Since: time.Now()}
	archive := Warning{Kind: "archive_failing", Text: "archive: permission denied"}
	for _, step := range []struct {
		set  []Warning
		want string
	}{
		{nil, ""},
		{[]Warning{disk}, "index_disk_low=index disk low: 1.2 GiB free"},
		{[]Warning{archive, disk}, "archive_failing=archive: permission denied;index_disk_low=index disk low: 1.2 GiB free"},
		{nil, ""},
	} {
		set(step.set...)
		if _, err := rep.ReportOnce(t.Context(), fake); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, w := range fake.last().GetMediator().GetWarnings() {
			got = append(got, w.GetKind()+"="+w.GetText())
		}
		if s := strings.Join(got, ";"); s != step.want {
			t.Errorf("warnings %q, want %q", s, step.want)
		}
	}

	// Without Warnings the mediator never has any.
	plain := NewReporter(ReporterConfig{MediatorID: "dp-02"}, nil)
	if _, err := plain.ReportOnce(t.Context(), fake); err != nil {
		t.Fatal(err)
	}
	if got := fake.last().GetMediator().GetWarnings(); len(got) != 0 {
		t.Errorf("no Warnings func, warnings %v", got)
	}
}
