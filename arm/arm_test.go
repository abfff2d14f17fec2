package arm

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sluicehq/sluice/internal/testkit"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// TestARMRestartKeepsComponentsNoFalseWarning stops ARM with a red agent,
// a green agent and a pending event, keeps it down for hours, and checks
// that the restarted ARM remembers everything and warns only after one
// interval of its own uptime.
func TestARMRestartKeepsComponentsNoFalseWarning(t *testing.T) {
	dir := t.TempDir()
	clock := newFakeClock(t0)
	cfg := testConfig(t, dir)
	a := newARM(t, cfg, clock)
	report(t, a, "dp-01", 0, agentHB("web-01", "acme", "dp-01", t0), agentHB("db-01", "acme", "dp-01", t0))
	for range 21 { // 21 minutes: db-01 keeps sending, web-01 went silent
		clock.Advance(time.Minute)
		report(t, a, "dp-01", 0, agentHB("db-01", "acme", "dp-01", clock.Now()))
		a.check()
	}
	if c := mustGet(t, a, KindAgent, "web-01"); c.Status != StatusRed {
		t.Fatalf("web-01 %s", c.Status)
	}
	depth := a.outbox.depth()
	if depth != 2 {
		t.Fatalf("outbox depth %d, want 2 warnings", depth)
	}
	closeARM(t, a)

	// Three hours later, with no mediator (they are all still down too).
	clock.Advance(3 * time.Hour)
	restart := clock.Now()
	a = newARM(t, cfg, clock)
	defer closeARM(t, a)
	a.check()
	if got := a.outbox.depth(); got != depth {
		t.Fatalf("restart raised events for ARM's own downtime: outbox %d, want %d", got, depth)
	}
	web := mustGet(t, a, KindAgent, "web-01")
	db := mustGet(t, a, KindAgent, "db-01")
	if web.Status != StatusRed || web.MissedIntervals != 2 || len(web.History) != 3 {
		t.Fatalf("web-01 after restart: %+v", web)
	}
	if db.Status != StatusGreen || !db.LastHeartbeat.Equal(t0.Add(21*time.Minute)) || db.Hostname != "db-01.example.net" {
		t.Fatalf("db-01 after restart: %+v", db)
	}
	// The mediator (5m) warns first, then the agents (10m), each one
	// interval after the restart.
	clock.Set(restart.Add(5*time.Minute - time.Second))
	a.check()
	if got := a.outbox.depth(); got != depth {
		t.Fatalf("warning before one interval of uptime: outbox %d", got)
	}
	clock.Set(restart.Add(5 * time.Minute))
	a.check()
	if c := mustGet(t, a, KindMediator, "dp-01"); c.Status != StatusYellow || a.outbox.depth() != depth+1 {
		t.Fatalf("dp-01 %s, outbox %d", c.Status, a.outbox.depth())
	}
	clock.Set(restart.Add(10*time.Minute - time.Second))
	a.check()
	if got := a.outbox.depth(); got != depth+1 {
		t.Fatalf("agent warning before one interval of uptime: outbox %d", got)
	}
	clock.Set(restart.Add(10 * time.Minute))
	a.check()
	if got := a.outbox.depth(); got != depth+4 {
		t.Fatalf("outbox %d, want %d (web-01, db-01, dp-01 once more)", got, depth+4)
	}
	if c := mustGet(t, a, KindAgent, "db-01"); c.Status != StatusYellow {
		t.Fatalf("db-01 %s", c.Status)
	}
}

func TestReportBadInput(t *testing.T) {
	clock := newFakeClock(t0)
	cfg := testConfig(t, t.TempDir())
	cfg.Organizations = []string{"acme", "default"}
	a := newARM(t, cfg, clock)
	defer closeARM(t, a)

	future := agentHB("clock-ahead", "acme", "dp-01", t0.Add(2*time.Hour))
	unknown := agentHB("stranger", "evilcorp", "dp-01", t0)
	invalid := agentHB("bad id!", "acme", "dp-01", t0)
	slightlyAhead := agentHB("ntp-drift", "acme", "dp-01", t0.Add(time.Minute))
	noOrg := agentHB("no-org", "", "dp-01", t0)
	report(t, a, "dp-01", 0, future, unknown, invalid, slightlyAhead, noOrg)

	st := a.Status()
	if st.IgnoredFuture != 1 || st.IgnoredOrg != 1 || st.IgnoredInvalid != 1 {
		t.Fatalf("counters %+v", st)
	}
	for _, id := range []string{"clock-ahead", "stranger", "bad id!"} {
		if _, ok := a.tracker.Get(KindAgent, id); ok {
			t.Errorf("%s was accepted", id)
		}
	}
	if c := mustGet(t, a, KindAgent, "no-org"); c.Organization != "default" {
		t.Errorf("no-org organization %q", c.Organization)
	}
	mustGet(t, a, KindAgent, "ntp-drift")
	mustGet(t, a, KindMediator, "dp-01")

	// A report without a mediator id is refused as a whole.
	_, err := (&service{arm: a, logger: testkit.Logger(t, "report")}).Report(t.Context(), &sluicev1.ReportRequest{})
	if err == nil || !strings.Contains(err.Error(), "component_id") {
		t.Fatalf("want InvalidArgument, got %v", err)
	}
}

func TestReportDatesHeartbeatsByAge(t *testing.T) {
	clock := newFakeClock(t0)
	a := newARM(t, testConfig(t, t.TempDir()), clock)
	defer closeARM(t, a)
	// The agent's clock is an hour behind; the mediator received the
	// heartbeat 40 seconds before reporting.
	hb := agentHB("skewed", "acme", "dp-01", t0.Add(-time.Hour))
	req := &sluicev1.ReportRequest{
		Mediator: &sluicev1.Heartbeat{ComponentId: "dp-01", Time: timestamppb.New(t0)},
		Agents:   []*sluicev1.AgentHeartbeat{{Heartbeat: hb, Age: durationpb.New(40 * time.Second)}},
	}
	if _, err := (&service{arm: a, logger: testkit.Logger(t, "report")}).Report(t.Context(), req); err != nil {
		t.Fatal(err)
	}
	c := mustGet(t, a, KindAgent, "skewed")
	if !c.LastHeartbeat.Equal(t0.Add(-40*time.Second)) || !c.HeartbeatTime.Equal(t0.Add(-time.Hour)) || c.Status != StatusGreen {
		t.Fatalf("%+v", c)
	}
}

func TestEventJSON(t *testing.T) {
	clock := newFakeClock(t0)
	a := newARM(t, testConfig(t, t.TempDir()), clock)
	defer closeARM(t, a)
	report(t, a, "dp-01", 0, agentHB("web-01", "acme", "dp-01", t0))
	clock.Advance(10 * time.Minute)
	report(t, a, "dp-01", 0) // the mediator itself stays green
	a.check()
	evs, err := a.store.readEvents(0, 10, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 {
		t.Fatalf("%d events", len(evs))
	}
	e := evs[0]
	if e.GetOrganization() != "acme" || e.GetEntry().GetSourceType() != LogSourceType || e.GetEntry().GetSeq() == 0 ||
		!e.GetEntry().GetCollectedAt().AsTime().Equal(t0.Add(10*time.Minute)) {
		t.Fatalf("entry %+v", e)
	}
	var doc map[string]any
	if err := json.Unmarshal(e.GetEntry().GetRaw(), &doc); err != nil {
		t.Fatalf("raw is not JSON: %v: %s", err, e.GetEntry().GetRaw())
	}
	get := func(path string) any { return docField(doc, path) }
	for path, want := range map[string]any{
		"event.kind":                "alert",
		"event.action":              "heartbeat-missing",
		"sluice.common_event":       CommonEventMissing,
		"sluice.classification":     "Warning",
		"sluice.risk":               float64(riskAgentYellow),
		"organization.id":           "acme",
		"sluice.log_source_type":    LogSourceType,
		"sluice.arm.status":         "yellow",
		"sluice.arm.component_kind": "agent",
		"observer.name":             "web-01",
		"observer.type":             "agent",
		"host.hostname":             "web-01.example.net",
		"@timestamp":                "2026-03-01T10:10:00.000Z",
	} {
		if got := get(path); got != want {
			t.Errorf("%s = %#v, want %#v", path, got, want)
		}
	}
	if msg, _ := doc["message"].(string); !strings.Contains(msg, "web-01") || !strings.Contains(msg, CommonEventMissing) {
		t.Errorf("message %q", msg)
	}
}
