package arm

import (
	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/logging"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/mediator/armlink"
)

// TestReporterKeepsLatestWhileARMDown: while ARM is unreachable the
// reporter keeps one heartbeat per agent, says so in its log, and when ARM
// comes up delivers it dated by its age, so ARM does not think a silent
// agent just spoke.
func TestReporterKeepsLatestWhileARMDown(t *testing.T) {
	clock := newFakeClock(t0)
	addr := testkit.FreeAddr(t)
	var logs logging.Buffer
	logger := hclog.New(&hclog.LoggerOptions{Name: "mediator.arm", Output: &logs, Level: hclog.Info})
	rep := armlink.NewReporter(armlink.ReporterConfig{Addr: addr, MediatorID: "dp-01", Hostname: "dp-01.example.net", Now: clock.Now, Timeout: 100 * time.Millisecond}, logger)
	client := dial(t, addr)

	for i := range 3 {
		rep.Heartbeat(agentHB("web-01", "acme", "dp-01", clock.Now()))
		rep.Heartbeat(agentHB("db-01", "acme", "dp-01", clock.Now()))
		if _, err := rep.ReportOnce(t.Context(), client); err == nil {
			t.Fatal("report to nothing succeeded")
		}
		if i < 2 {
			clock.Advance(30 * time.Second)
		}
	}
	// db-01 stops; web-01 goes on heartbeating for 15 minutes.
	lastDB := clock.Now()
	for range 30 {
		clock.Advance(30 * time.Second)
		rep.Heartbeat(agentHB("web-01", "acme", "dp-01", clock.Now()))
		if _, err := rep.ReportOnce(t.Context(), client); err == nil {
			t.Fatal("report to nothing succeeded")
		}
	}
	if rep.Pending() != 2 {
		t.Fatalf("pending %d, want the latest of each of 2 agents", rep.Pending())
	}
	out := logs.String()
	if strings.Count(out, "ARM unreachable") != 1 || !strings.Contains(out, "ARM heartbeat absent") {
		t.Fatalf("log:\n%s", out)
	}

	// ARM comes up on that address.
	cfg := testConfig(t, t.TempDir())
	cfg.Listen = addr
	cfg.CheckInterval = time.Hour
	a := newARM(t, cfg, clock)
	testkit.Run(t, a.Run)
	// A new connection: the old one is in gRPC's reconnect backoff, which
	// Run's dial options keep short.
	if _, err := rep.ReportOnce(t.Context(), dial(t, addr)); err != nil {
		t.Fatal(err)
	}
	if rep.Pending() != 0 {
		t.Fatalf("pending %d after delivery", rep.Pending())
	}
	if !strings.Contains(logs.String(), "ARM reachable again") {
		t.Fatalf("log:\n%s", logs.String())
	}
	db := mustGet(t, a, KindAgent, "db-01")
	web := mustGet(t, a, KindAgent, "web-01")
	if !db.LastHeartbeat.Equal(lastDB) {
		t.Fatalf("db-01 last heartbeat %s, want %s (15 minutes ago)", db.LastHeartbeat, lastDB)
	}
	if !web.LastHeartbeat.Equal(clock.Now()) {
		t.Fatalf("web-01 last heartbeat %s, want now", web.LastHeartbeat)
	}
	// db-01 has been silent 15 minutes, but ARM only started now: it
	// warns one interval after its start, not at once.
	a.check()
	if c := mustGet(t, a, KindAgent, "db-01"); c.Status != StatusGreen {
		t.Fatalf("db-01 %s right after ARM start", c.Status)
	}
	clock.Advance(10 * time.Minute)
	a.check()
	if c := mustGet(t, a, KindAgent, "db-01"); c.Status != StatusYellow || c.MissedIntervals != 1 {
		// One full interval of ARM's uptime without a heartbeat.
		t.Fatalf("db-01 %s missed %d", c.Status, c.MissedIntervals)
	}
}
