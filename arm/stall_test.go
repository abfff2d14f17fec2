package arm

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/logging"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

func TestStallEventFields(t *testing.T) {
	at := t0.Add(time.Minute)
	comp := func(kind Kind, stalled string) Component {
		return Component{ID: "c-01", Kind: kind, Hostname: "c-01.example.net", Organization: "acme", Status: StatusGreen,
			WarningInterval: Duration(5 * time.Minute), LastHeartbeat: at, Stalled: stalled}
	}
	const reason = "state holds 120 entries that nothing indexes"
	for _, tc := range []struct {
		name string
		tr   Transition
		want map[string]any
		// msg lists what the message must say.
		msg []string
	}{
		{
			name: "mediator stalled",
			tr:   Transition{Kind: TransitionStalled, Time: at, Component: comp(KindMediator, reason), Reason: reason},
			want: map[string]any{"sluice.common_event": CommonEventMediatorStalled, "sluice.classification": "Warning",
				"sluice.risk": float64(8), "event.severity": float64(8), "event.action": "pipeline-stalled",
				"sluice.arm.stalled_reason": reason, "sluice.arm.component_kind": "mediator", "sluice.arm.stalled_seconds": nil},
			msg: []string{CommonEventMediatorStalled, "mediator c-01 (host c-01.example.net)", reason},
		},
		{
			name: "agent stalled",
			tr:   Transition{Kind: TransitionStalled, Time: at, Component: comp(KindAgent, "spool grows"), Reason: "spool grows"},
			want: map[string]any{"sluice.common_event": CommonEventAgentStalled, "sluice.classification": "Warning",
				"sluice.risk": float64(6), "event.action": "pipeline-stalled", "sluice.arm.stalled_reason": "spool grows"},
			msg: []string{CommonEventAgentStalled, "agent c-01", "spool grows"},
		},
		{
			name: "mediator resumed",
			tr:   Transition{Kind: TransitionResumed, Time: at, Component: comp(KindMediator, ""), Reason: reason, StalledFor: 7 * time.Minute},
			want: map[string]any{"sluice.common_event": CommonEventMediatorResumed, "sluice.classification": "Information",
				"sluice.risk": float64(1), "event.action": "pipeline-resumed", "sluice.arm.stalled_reason": reason,
				"sluice.arm.stalled_seconds": float64(420), "sluice.arm.silence_seconds": nil},
			msg: []string{CommonEventMediatorResumed, "after 7m0s stalled", reason},
		},
		{
			name: "agent resumed",
			tr:   Transition{Kind: TransitionResumed, Time: at, Component: comp(KindAgent, ""), Reason: "spool grows", StalledFor: time.Hour},
			want: map[string]any{"sluice.common_event": CommonEventAgentResumed, "sluice.risk": float64(1),
				"event.action": "pipeline-resumed", "sluice.arm.stalled_seconds": float64(3600)},
			msg: []string{CommonEventAgentResumed, "1h0m0s", "spool grows"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := buildEvent("arm-test", tc.tr)
			var doc map[string]any
			if err := json.Unmarshal(ev.AppendJSON(nil), &doc); err != nil {
				t.Fatal(err)
			}
			// What every ARM event carries.
			for k, v := range map[string]any{"event.kind": "alert", "sluice.log_source_type": LogSourceType, "observer.name": "c-01",
				"sluice.arm.component_id": "c-01", "sluice.arm.status": "green", "@timestamp": "2026-03-01T10:01:00.000Z"} {
				if got := docField(doc, k); got != v {
					t.Errorf("%s = %#v, want %#v", k, got, v)
				}
			}
			for k, v := range tc.want {
				if got := docField(doc, k); got != v {
					t.Errorf("%s = %#v, want %#v", k, got, v)
				}
			}
			msg, _ := doc["message"].(string)
			for _, m := range tc.msg {
				if !strings.Contains(msg, m) {
					t.Errorf("message %q lacks %q", msg, m)
				}
			}
		})
	}
}

// TestReportStalledEndToEnd drives the service as mediators do: a stalled
// mediator and a stalled agent raise one event each, however many
// heartbeats say so, also across a restart of ARM; the API shows them;
// clearing raises the Resumed events.
func TestReportStalledEndToEnd(t *testing.T) {
	const (
		medReason   = "state holds 120 entries that nothing indexes"
		agentReason = "spool grows while dp-01 acknowledges nothing"
	)
	dir := t.TempDir()
	clock := newFakeClock(t0)
	cfg := testConfig(t, dir)
	a := newARM(t, cfg, clock)
	var logs logging.Buffer
	svc := &service{arm: a, logger: hclog.New(&hclog.LoggerOptions{Output: &logs, Level: hclog.Info})}

	web := func(stalled string) []*sluicev1.Heartbeat {
		hb := agentHB("web-01", "acme", "dp-01", clock.Now())
		hb.Stalled = stalled
		return []*sluicev1.Heartbeat{hb, agentHB("db-01", "acme", "dp-01", clock.Now())}
	}
	send(t, svc, reportRequest(a, "dp-01", medReason, 0, web(agentReason)...))
	docs := outboxDocs(t, a)
	if len(docs) != 2 {
		t.Fatalf("%d events, want Data Processor Stalled and Agent Stalled", len(docs))
	}
	for _, want := range []struct {
		id, ce, reason string
		risk           float64
	}{{"dp-01", CommonEventMediatorStalled, medReason, 8}, {"web-01", CommonEventAgentStalled, agentReason, 6}} {
		d := findDoc(docs, want.id, want.ce)
		if d == nil || docField(d, "sluice.arm.stalled_reason") != want.reason || docField(d, "sluice.risk") != want.risk {
			t.Errorf("%s: %v", want.ce, d)
		}
	}
	out := logs.String()
	if !strings.Contains(out, "[WARN]  "+CommonEventMediatorStalled) || !strings.Contains(out, "reason=\""+medReason+"\"") ||
		!strings.Contains(out, "[WARN]  "+CommonEventAgentStalled) {
		t.Errorf("log:\n%s", out)
	}

	// The API shows the stalls.
	var list struct {
		Stalled    int              `json:"stalled"`
		Heartbeats []map[string]any `json:"heartbeats"`
	}
	apiGet(t, a, "/v1/heartbeats", &list)
	if list.Stalled != 2 {
		t.Errorf("stalled count %d", list.Stalled)
	}
	for _, c := range list.Heartbeats {
		stalled, hasSince := c["stalled"], c["stalled_since"] != nil
		switch c["id"] {
		case "dp-01":
			if stalled != medReason || c["stalled_since"] != t0.Format(time.RFC3339) {
				t.Errorf("dp-01: %v", c)
			}
		case "web-01":
			if stalled != agentReason || !hasSince {
				t.Errorf("web-01: %v", c)
			}
		default:
			if stalled != nil || hasSince {
				t.Errorf("%s shown stalled: %v", c["id"], c)
			}
		}
	}
	var st StatusResponse
	apiGet(t, a, "/v1/status", &st)
	if st.Stalled != 2 {
		t.Errorf("status: stalled %d", st.Stalled)
	}

	// Still stalled (the mediator's count grows): no new event.
	for range 3 {
		clock.Advance(5 * time.Second)
		send(t, svc, reportRequest(a, "dp-01", "state holds 400 entries that nothing indexes", 0, web(agentReason)...))
	}
	if n := a.outbox.depth(); n != 2 {
		t.Fatalf("outbox %d after repeated stalled heartbeats, want 2", n)
	}
	if c := mustGet(t, a, KindMediator, "dp-01"); c.Stalled != "state holds 400 entries that nothing indexes" || !c.StalledSince.Equal(t0) {
		t.Fatalf("dp-01 %+v", c)
	}

	// ARM restarts; they are still stalled: nothing new.
	closeARM(t, a)
	clock.Advance(time.Minute)
	a = newARM(t, cfg, clock)
	defer closeARM(t, a)
	svc = &service{arm: a, logger: testkit.Logger(t, "report")}
	if c := mustGet(t, a, KindAgent, "web-01"); c.Stalled != agentReason || !c.StalledSince.Equal(t0) {
		t.Fatalf("web-01 after restart: %+v", c)
	}
	send(t, svc, reportRequest(a, "dp-01", medReason, 0, web(agentReason)...))
	if n := a.outbox.depth(); n != 2 {
		t.Fatalf("outbox %d after a restart, want 2: a second Stalled", n)
	}

	// Both move again.
	clock.Advance(time.Minute)
	send(t, svc, reportRequest(a, "dp-01", "", 0, web("")...))
	docs = outboxDocs(t, a)
	if len(docs) != 4 {
		t.Fatalf("%d events, want 4", len(docs))
	}
	for _, want := range []struct{ id, ce, reason string }{
		{"dp-01", CommonEventMediatorResumed, medReason},
		{"web-01", CommonEventAgentResumed, agentReason},
	} {
		d := findDoc(docs, want.id, want.ce)
		// Stalled at t0, resumed at t0+2m15s.
		if d == nil || docField(d, "sluice.arm.stalled_seconds") != float64(135) || docField(d, "sluice.classification") != "Information" {
			t.Errorf("%s: %v", want.ce, d)
		}
	}
	if c := mustGet(t, a, KindMediator, "dp-01"); c.Stalled != "" || !c.StalledSince.IsZero() || len(c.History) != 3 {
		t.Fatalf("dp-01 after resuming: %+v", c)
	}
}

// findDoc returns the event about id with common event ce.
func findDoc(docs []map[string]any, id, ce string) map[string]any {
	for _, d := range docs {
		if docField(d, "sluice.arm.component_id") == id && docField(d, "sluice.common_event") == ce {
			return d
		}
	}
	return nil
}

// apiGet serves GET path from a's API in process.
func apiGet(t *testing.T, a *ARM, path string, out any) {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	// httptest's example.com is not one of ARM's names, and its caller
	// 192.0.2.1 is not on loopback.
	req.Host, req.RemoteAddr = "127.0.0.1:7580", "127.0.0.1:40000"
	a.routes().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// `sluice heartbeats` shows a stall in its last column, with how long.
func TestWriteTableStalled(t *testing.T) {
	now := t0.Add(10 * time.Minute)
	var buf strings.Builder
	err := WriteTable(&buf, []Component{
		{ID: "dp-01", Kind: KindMediator, Status: StatusGreen, LastHeartbeat: now, Stalled: "index refuses every batch", StalledSince: t0},
		{ID: "web-01", Kind: KindAgent, Status: StatusRed, LastHeartbeat: t0, LastMediator: "dp-01"},
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
	col := strings.Index(lines[0], "STALLED")
	if len(lines) != 3 || col < 0 || !strings.HasSuffix(lines[0], "STALLED") {
		t.Fatalf("table:\n%s", buf.String())
	}
	if got := lines[1][col:]; got != "index refuses every batch (for 10m00s)" {
		t.Errorf("dp-01 STALLED %q", got)
	}
	if got := strings.TrimSpace(lines[2][col:]); got != "-" {
		t.Errorf("web-01 STALLED %q", got)
	}
}
