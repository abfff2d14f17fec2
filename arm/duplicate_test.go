package arm

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/logging"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// dupStep is one heartbeat of a duplicate identity scenario.
type dupStep struct {
	name string
	// at is when the heartbeat was sent (and received), after t0.
	at time.Duration
	// spool, dup and via are what the forwarded heartbeat says and who
	// forwarded it.
	spool, dup, via string
	// want is the transitions raised; wantDup the component's duplicate
	// identity after ("" none; "*" any).
	want    []TransitionKind
	wantDup string
}

func runDupSteps(t *testing.T, id string, steps []dupStep) *Tracker {
	t.Helper()
	clock := newFakeClock(t0)
	tr := newTestTracker(clock)
	for _, s := range steps {
		clock.Set(t0.Add(s.at))
		via := s.via
		if via == "" {
			via = "dp-01"
		}
		hb := agentHB(id, "acme", via, clock.Now())
		hb.Spool, hb.DuplicateIdentity = s.spool, s.dup
		got := tr.Apply(Observation{Kind: KindAgent, Heartbeat: hb, Seen: clock.Now(), ReportedBy: via})
		var kinds []TransitionKind
		for _, g := range got {
			kinds = append(kinds, g.Kind)
		}
		if !slices.Equal(kinds, s.want) {
			t.Fatalf("%s: transitions %v, want %v (%+v)", s.name, kinds, s.want, got)
		}
		c := statusOf(t, tr, KindAgent, id)
		if s.wantDup == "*" && c.DuplicateIdentity == "" || s.wantDup != "*" && c.DuplicateIdentity != s.wantDup {
			t.Fatalf("%s: duplicate identity %q, want %q", s.name, c.DuplicateIdentity, s.wantDup)
		}
	}
	return tr
}

func TestTrackerDuplicateIdentity(t *testing.T) {
	const (
		r1 = "spool bbbb from 192.0.2.2:1 was refused 1 time(s) since 2026-03-01T10:00:30Z: spool aaaa from 192.0.2.1:1 held the agent id's stream"
		r2 = "spool bbbb from 192.0.2.2:1 was refused 4 time(s) since 2026-03-01T10:00:30Z: spool aaaa from 192.0.2.1:1 held the agent id's stream"
	)
	dup := TransitionDuplicate
	s := time.Second
	m := time.Minute
	for _, tc := range []struct {
		name  string
		steps []dupStep
	}{
		{
			// The mediator refused another spool: one event however
			// often heartbeats say so; it clears a warning interval
			// (10 min for agents) after the last that did; a new refusal
			// after that is a new event.
			name: "mediator says",
			steps: []dupStep{
				{name: "first heartbeat", spool: "aaaa"},
				{name: "refused another", at: 30 * s, spool: "aaaa", dup: r1, want: []TransitionKind{dup}, wantDup: r1},
				{name: "reworded", at: 60 * s, spool: "aaaa", dup: r2, wantDup: r2},
				{name: "no word, within the interval", at: 90 * s, spool: "aaaa", wantDup: r2},
				{name: "no word for an interval", at: 60*s + 10*m + s, spool: "aaaa"},
				{name: "refused again", at: 12 * m, spool: "aaaa", dup: r1, want: []TransitionKind{dup}, wantDup: r1},
			},
		},
		{
			// Two processes, each on its own mediator: their heartbeats
			// alternate between two spools. ARM sees it; no mediator does.
			name: "spools alternate",
			steps: []dupStep{
				{name: "A", spool: "aaaa", via: "dp-01"},
				{name: "B (a reinstall looks like this)", at: 5 * s, spool: "bbbb", via: "dp-02"},
				{name: "A again", at: 10 * s, spool: "aaaa", via: "dp-01", want: []TransitionKind{dup}, wantDup: "heartbeats alternate between spool aaaa (via dp-01) and spool bbbb (within 10s)"},
				{name: "B again", at: 15 * s, spool: "bbbb", via: "dp-02", wantDup: "heartbeats alternate between spool bbbb (via dp-02) and spool aaaa (within 10s)"},
				{name: "only B from now on", at: 20 * s, spool: "bbbb", via: "dp-02", wantDup: "*"},
				{name: "A silent for an interval", at: 15*s + 10*m + s, spool: "bbbb", via: "dp-02"},
			},
		},
		{
			// An agent reinstalled (or whose spool was replaced), a hello
			// without incarnation, an old spool back after a long time: no
			// duplicate.
			name: "one spool after another",
			steps: []dupStep{
				{name: "no incarnation"},
				{name: "upgraded", at: 5 * s, spool: "aaaa"},
				{name: "reinstalled", at: 10 * s, spool: "bbbb"},
				{name: "and stays", at: 15 * s, spool: "bbbb"},
				{name: "the old spool, an interval later", at: 25*s + 10*m, spool: "aaaa"},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := runDupSteps(t, "db-01", tc.steps)
			c := statusOf(t, tr, KindAgent, "db-01")
			var notes []string
			for _, h := range c.History {
				notes = append(notes, h.Reason)
			}
			if strings.Contains(tc.name, "one spool") {
				if len(notes) != 1 {
					t.Fatalf("history %q: want only the first heartbeat", notes)
				}
				return
			}
			if !strings.HasPrefix(notes[1], "duplicate agent identity: ") || !strings.HasPrefix(notes[2], "duplicate agent identity no longer seen for 10m0s") {
				t.Fatalf("history %q", notes)
			}
		})
	}
}

// The event of a duplicate identity: Suspicious, risk 7, with the reason
// and the spool.
func TestDuplicateEventFields(t *testing.T) {
	const reason = "spool bbbb from 192.0.2.2:1 was refused 1 time(s)"
	c := Component{ID: "web-01", Kind: KindAgent, Hostname: "web-01.example.net", Organization: "acme", Status: StatusGreen,
		WarningInterval: Duration(10 * time.Minute), LastHeartbeat: t0, Spool: "aaaa", DuplicateIdentity: reason}
	tr := Transition{Kind: TransitionDuplicate, Time: t0, Component: c, Reason: reason}
	if tr.CommonEvent() != CommonEventDuplicate || CommonEventDuplicate != "Duplicate Agent Identity" {
		t.Fatalf("common event %q", tr.CommonEvent())
	}
	var doc map[string]any
	if err := json.Unmarshal(buildEvent("arm-test", tr).AppendJSON(nil), &doc); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]any{
		"sluice.common_event": CommonEventDuplicate, "sluice.classification": "Suspicious", "sluice.risk": float64(7),
		"event.severity": float64(7), "event.action": "duplicate-identity", "event.kind": "alert",
		"sluice.arm.duplicate_identity": reason, "sluice.arm.spool": "aaaa", "sluice.arm.component_id": "web-01",
		"sluice.arm.component_kind": "agent", "host.hostname": "web-01.example.net",
	} {
		if got := docField(doc, k); got != v {
			t.Errorf("%s = %#v, want %#v", k, got, v)
		}
	}
	if msg, _ := doc["message"].(string); !strings.Contains(msg, "Duplicate Agent Identity: two agent processes present the id of agent web-01 (host web-01.example.net): "+reason) {
		t.Errorf("message %q", msg)
	}
}

// Driven as mediators do: a duplicate identity raises one event, logged,
// shown by the API, kept across a restart of ARM (no second event).
func TestReportDuplicateEndToEnd(t *testing.T) {
	const reason = "spool bbbb from 192.0.2.2:1 was refused 1 time(s) since 2026-03-01T10:00:00Z: spool aaaa from 192.0.2.1:1 held the agent id's stream"
	dir := t.TempDir()
	clock := newFakeClock(t0)
	cfg := testConfig(t, dir)
	a := newARM(t, cfg, clock)
	var logs logging.Buffer
	svc := &service{arm: a, logger: hclog.New(&hclog.LoggerOptions{Output: &logs, Level: hclog.Info})}
	web := func() []*sluicev1.Heartbeat {
		hb := agentHB("web-01", "acme", "dp-01", clock.Now())
		hb.Spool, hb.DuplicateIdentity = "aaaa", reason
		return []*sluicev1.Heartbeat{hb, agentHB("db-01", "acme", "dp-01", clock.Now())}
	}
	for range 3 {
		send(t, svc, reportRequest(a, "dp-01", "", 0, web()...))
		clock.Advance(5 * time.Second)
	}
	docs := outboxDocs(t, a)
	if len(docs) != 1 || findDoc(docs, "web-01", CommonEventDuplicate) == nil {
		t.Fatalf("events %v, want one Duplicate Agent Identity", docs)
	}
	if out := logs.String(); !strings.Contains(out, "[WARN]  "+CommonEventDuplicate) || !strings.Contains(out, "id=web-01") {
		t.Errorf("log:\n%s", out)
	}
	var list struct {
		Duplicates int              `json:"duplicate_identities"`
		Heartbeats []map[string]any `json:"heartbeats"`
	}
	apiGet(t, a, "/v1/heartbeats", &list)
	if list.Duplicates != 1 || list.Heartbeats[0]["id"] != "web-01" || list.Heartbeats[0]["duplicate_identity"] != reason ||
		list.Heartbeats[0]["spool"] != "aaaa" || list.Heartbeats[0]["duplicate_since"] != t0.Format(time.RFC3339) {
		t.Fatalf("API: %+v (the duplicate first)", list)
	}
	var st StatusResponse
	apiGet(t, a, "/v1/status", &st)
	if st.Duplicates != 1 {
		t.Errorf("status: duplicate_identities %d", st.Duplicates)
	}

	closeARM(t, a)
	clock.Advance(time.Minute)
	a = newARM(t, cfg, clock)
	defer closeARM(t, a)
	if c := mustGet(t, a, KindAgent, "web-01"); c.DuplicateIdentity != reason || !c.DuplicateSince.Equal(t0) {
		t.Fatalf("web-01 after restart: %+v", c)
	}
	send(t, &service{arm: a, logger: testkit.Logger(t, "report")}, reportRequest(a, "dp-01", "", 0, web()...))
	if n := a.outbox.depth(); n != 1 {
		t.Fatalf("outbox %d after a restart, want 1: a second Duplicate Agent Identity", n)
	}
}
