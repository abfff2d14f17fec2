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

// mediatorWarnHB is a mediator's heartbeat sent at, holding warnings
// given as kind, text, kind, text...
func mediatorWarnHB(id string, at time.Time, kv ...string) *sluicev1.Heartbeat {
	hb := agentHB(id, "", "", at)
	for i := 0; i+1 < len(kv); i += 2 {
		hb.Warnings = append(hb.Warnings, &sluicev1.Warning{Kind: kv[i], Text: kv[i+1]})
	}
	return hb
}

// transitionsOf lists transitions as "kind:warning_kind".
func transitionsOf(trs []Transition) []string {
	var out []string
	for _, tr := range trs {
		out = append(out, string(tr.Kind)+":"+tr.WarningKind)
	}
	return out
}

// A mediator's warnings: a kind that appears raises one Warning, the same
// warnings again raise nothing, a new text of a held kind raises nothing
// (the text shown follows, Since stays), a kind that goes raises one
// Warning Cleared with how long it lasted; kinds are independent.
func TestTrackerWarnings(t *testing.T) {
	const (
		disk1 = "index disk low: 1.2 GiB free on /var/lib/sluice/mediator/index (floor 2 GiB; suspense at 512 MiB)"
		disk2 = "index disk low: 0.9 GiB free on /var/lib/sluice/mediator/index (floor 2 GiB; suspense at 512 MiB)"
		arch  = "archive: cannot write /srv/archive/acme/2026-03-01: permission denied"
	)
	clock := newFakeClock(t0)
	tr := newTestTracker(clock)
	apply := func(kv ...string) []Transition {
		return tr.Apply(Observation{Kind: KindMediator, Heartbeat: mediatorWarnHB("dp-01", clock.Now(), kv...), Seen: clock.Now(), ReportedBy: "dp-01"})
	}
	for _, step := range []struct {
		name  string
		after time.Duration
		kv    []string
		want  []string
		// shown is the component's warnings afterwards, as kind=text@since.
		shown []string
	}{
		{"first heartbeat, no warning", 0, nil, nil, nil},
		{"disk low raised", 5 * time.Second, []string{"index_disk_low", disk1}, []string{"warning:index_disk_low"},
			[]string{"index_disk_low=" + disk1 + "@5s"}},
		{"same again", 5 * time.Second, []string{"index_disk_low", disk1}, nil, []string{"index_disk_low=" + disk1 + "@5s"}},
		{"new figure", 5 * time.Second, []string{"index_disk_low", disk2}, nil, []string{"index_disk_low=" + disk2 + "@5s"}},
		{"archive raised beside it", 5 * time.Second, []string{"index_disk_low", disk2, "archive_failing", arch}, []string{"warning:archive_failing"},
			[]string{"archive_failing=" + arch + "@20s", "index_disk_low=" + disk2 + "@5s"}},
		{"repeated, in another order", 5 * time.Second, []string{"archive_failing", arch, "index_disk_low", disk2}, nil,
			[]string{"archive_failing=" + arch + "@20s", "index_disk_low=" + disk2 + "@5s"}},
		{"disk cleared", time.Minute, []string{"archive_failing", arch}, []string{"warning_cleared:index_disk_low"},
			[]string{"archive_failing=" + arch + "@20s"}},
		{"all cleared", time.Minute, nil, []string{"warning_cleared:archive_failing"}, nil},
		{"nothing again", time.Minute, nil, nil, nil},
		{"disk low again", time.Minute, []string{"index_disk_low", disk1}, []string{"warning:index_disk_low"},
			[]string{"index_disk_low=" + disk1 + "@4m25s"}},
	} {
		clock.Advance(step.after)
		got := apply(step.kv...)
		if g := transitionsOf(got); !slices.Equal(g, step.want) {
			t.Fatalf("%s: transitions %v, want %v", step.name, g, step.want)
		}
		var shown []string
		for _, w := range statusOf(t, tr, KindMediator, "dp-01").Warnings {
			shown = append(shown, w.Kind+"="+w.Text+"@"+w.Since.Sub(t0).String())
		}
		if !slices.Equal(shown, step.shown) {
			t.Fatalf("%s: warnings %v, want %v", step.name, shown, step.shown)
		}
		for _, g := range got {
			if !g.Time.Equal(clock.Now()) || g.Component.ID != "dp-01" {
				t.Errorf("%s: %+v", step.name, g)
			}
			switch g.Kind {
			case TransitionWarning:
				if i := slices.Index(step.kv, g.WarningKind); i < 0 || g.Reason != step.kv[i+1] {
					t.Errorf("%s: raised with %q", step.name, g.Reason)
				}
			case TransitionWarningCleared:
				if g.WarningKind == "index_disk_low" && (g.Reason != disk2 || g.WarningFor != 80*time.Second) {
					t.Errorf("%s: cleared %q after %s", step.name, g.Reason, g.WarningFor)
				}
			}
		}
	}
	c := statusOf(t, tr, KindMediator, "dp-01")
	var hist []string
	for _, h := range c.History {
		hist = append(hist, h.Reason)
	}
	if len(hist) != 6 || !strings.HasPrefix(hist[1], "warning index_disk_low: index disk low") ||
		!strings.HasPrefix(hist[3], "warning index_disk_low cleared after 1m20s (index disk low: 0.9 GiB") {
		t.Errorf("history %q", hist)
	}
	if tr.WarningCount() != 1 {
		t.Errorf("warning count %d", tr.WarningCount())
	}

	// Agents send none; one that did would raise nothing.
	hb := mediatorWarnHB("web-01", clock.Now(), "index_disk_low", disk1)
	if got := tr.Apply(Observation{Kind: KindAgent, Heartbeat: hb, Seen: clock.Now(), ReportedBy: "dp-01"}); len(got) != 0 ||
		len(statusOf(t, tr, KindAgent, "web-01").Warnings) != 0 {
		t.Errorf("agent warning: %+v", got)
	}
}

// A restarted ARM keeps a mediator's warnings as saved (JSON, as the
// store does): the same heartbeat raises nothing again; a warning that
// went while ARM was down raises its Cleared at the first heartbeat
// after, counted from when it was raised.
func TestTrackerRestoreKeepsWarnings(t *testing.T) {
	clock := newFakeClock(t0)
	tr := newTestTracker(clock)
	apply := func(tr *Tracker, kv ...string) []Transition {
		return tr.Apply(Observation{Kind: KindMediator, Heartbeat: mediatorWarnHB("dp-01", clock.Now(), kv...), Seen: clock.Now(), ReportedBy: "dp-01"})
	}
	if got := transitionsOf(apply(tr, "index_disk_low", "disk low", "retention_failing", "pruning failed")); !slices.Equal(got,
		[]string{"warning:index_disk_low", "warning:retention_failing"}) {
		t.Fatalf("%v", got)
	}
	rec, ok := tr.RecordOf(statusOf(t, tr, KindMediator, "dp-01"))
	if !ok || len(rec.Component.Warnings) != 2 || rec.History == nil {
		t.Fatalf("record to save with the events: %+v", rec)
	}
	b, err := json.Marshal(rec.Component)
	if err != nil {
		t.Fatal(err)
	}
	var saved Component
	if err := json.Unmarshal(b, &saved); err != nil {
		t.Fatal(err)
	}

	clock.Advance(time.Hour)
	tr2 := newTestTracker(clock)
	tr2.Restore([]Component{saved})
	if c := statusOf(t, tr2, KindMediator, "dp-01"); len(c.Warnings) != 2 || !c.Warnings[0].Since.Equal(t0) {
		t.Fatalf("restored: %+v", c.Warnings)
	}
	if got := apply(tr2, "retention_failing", "pruning failed", "index_disk_low", "disk low"); len(got) != 0 {
		t.Fatalf("warnings held across a restart raised %+v", got)
	}
	clock.Advance(time.Minute)
	got := apply(tr2, "index_disk_low", "disk low")
	if len(got) != 1 || got[0].Kind != TransitionWarningCleared || got[0].WarningKind != "retention_failing" || got[0].WarningFor != time.Hour+time.Minute {
		t.Fatalf("cleared after restart: %+v", got)
	}
}

// A heartbeat's warnings are cleaned before ARM keeps them: kinds are keys
// (no spaces, no markup, bounded), texts lose control characters and are
// bounded, a kind given twice keeps its last text, the count is bounded.
func TestHeartbeatWarningsCleaned(t *testing.T) {
	hb := mediatorWarnHB("dp-01", t0,
		"zeta", "last",
		"index disk<b>", "a\x1b[31mred\x1b[0m text\n",
		"", "no kind",
		"empty_text", "  ",
		"zeta", "twice",
		strings.Repeat("k", 100), strings.Repeat("é", 200),
	)
	got := heartbeatWarnings(hb)
	var kinds []string
	for _, w := range got {
		kinds = append(kinds, w.Kind)
	}
	want := []string{"empty_text", "index_disk_b_", strings.Repeat("k", maxWarningKind), "zeta"}
	if !slices.Equal(kinds, want) {
		t.Fatalf("kinds %q, want %q", kinds, want)
	}
	if got[0].Text != "empty_text" || got[1].Text != "a [31mred [0m text" || got[3].Text != "twice" ||
		len(got[2].Text) > maxStalledReason+len("…") || !strings.HasSuffix(got[2].Text, "…") {
		t.Fatalf("texts %+v", got)
	}
	var many []string
	for i := range maxWarnings + 5 {
		many = append(many, string(rune('a'+i)), "t")
	}
	if n := len(heartbeatWarnings(mediatorWarnHB("dp-01", t0, many...))); n != maxWarnings {
		t.Fatalf("%d warnings kept, want %d", n, maxWarnings)
	}
	if heartbeatWarnings(agentHB("dp-01", "", "", t0)) != nil {
		t.Fatal("no warnings: want nil")
	}
}

func TestWarningEventFields(t *testing.T) {
	at := t0.Add(time.Minute)
	c := Component{ID: "dp-01", Kind: KindMediator, Hostname: "dp-01.example.net", Organization: "acme", Status: StatusGreen,
		WarningInterval: Duration(5 * time.Minute), LastHeartbeat: at}
	const text = "index disk low: 1.2 GiB free"
	for _, tc := range []struct {
		name string
		tr   Transition
		want map[string]any
		msg  []string
	}{
		{
			name: "raised",
			tr:   Transition{Kind: TransitionWarning, Time: at, Component: c, Reason: text, WarningKind: "index_disk_low"},
			want: map[string]any{"sluice.common_event": CommonEventMediatorWarning, "sluice.classification": "Warning",
				"sluice.risk": float64(5), "event.severity": float64(5), "event.action": "warning-raised",
				"sluice.arm.warning_kind": "index_disk_low", "sluice.arm.warning_text": text, "sluice.arm.warning_seconds": nil,
				"event.kind": "alert", "sluice.log_source_type": LogSourceType, "observer.name": "dp-01"},
			msg: []string{CommonEventMediatorWarning, "mediator dp-01 (host dp-01.example.net)", "index_disk_low", text},
		},
		{
			name: "cleared",
			tr:   Transition{Kind: TransitionWarningCleared, Time: at, Component: c, Reason: text, WarningKind: "index_disk_low", WarningFor: 7 * time.Minute},
			want: map[string]any{"sluice.common_event": CommonEventMediatorWarningCleared, "sluice.classification": "Information",
				"sluice.risk": float64(1), "event.action": "warning-cleared", "sluice.arm.warning_kind": "index_disk_low",
				"sluice.arm.warning_text": text, "sluice.arm.warning_seconds": float64(420)},
			msg: []string{CommonEventMediatorWarningCleared, "after 7m0s", text},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var doc map[string]any
			if err := json.Unmarshal(buildEvent("arm-test", tc.tr).AppendJSON(nil), &doc); err != nil {
				t.Fatal(err)
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
	if riskMediatorWarning >= riskMediatorStalled || riskMediatorWarning >= riskMediatorYellow {
		t.Error("a warning weighs as much as a stalled or silent mediator")
	}
}

// TestReportWarningsEndToEnd drives the service as a mediator does: a
// warning raises one event however many reports carry it, also across a
// restart of ARM; the API shows it; clearing raises Warning Cleared.
func TestReportWarningsEndToEnd(t *testing.T) {
	const text = "archive: cannot write /srv/archive/acme/2026-03-01: permission denied"
	dir := t.TempDir()
	clock := newFakeClock(t0)
	cfg := testConfig(t, dir)
	a := newARM(t, cfg, clock)
	var logs logging.Buffer
	svc := &service{arm: a, logger: hclog.New(&hclog.LoggerOptions{Output: &logs, Level: hclog.Info})}
	req := func(kv ...string) *sluicev1.ReportRequest {
		r := reportRequest(a, "dp-01", "", 0)
		r.Mediator.Warnings = mediatorWarnHB("dp-01", clock.Now(), kv...).Warnings
		return r
	}

	send(t, svc, req())
	clock.Advance(5 * time.Second)
	send(t, svc, req("archive_failing", text))
	docs := outboxDocs(t, a)
	if len(docs) != 1 {
		t.Fatalf("%d events, want Data Processor Warning", len(docs))
	}
	if d := findDoc(docs, "dp-01", CommonEventMediatorWarning); d == nil || docField(d, "sluice.arm.warning_text") != text ||
		docField(d, "sluice.arm.warning_kind") != "archive_failing" {
		t.Fatalf("event %v", docs[0])
	}
	if out := logs.String(); !strings.Contains(out, "[WARN]  "+CommonEventMediatorWarning) || !strings.Contains(out, "warning=archive_failing") {
		t.Errorf("log:\n%s", out)
	}
	var list struct {
		Heartbeats []struct {
			ID       string    `json:"id"`
			Warnings []Warning `json:"warnings"`
		} `json:"heartbeats"`
	}
	apiGet(t, a, "/v1/heartbeats", &list)
	if len(list.Heartbeats) != 1 || len(list.Heartbeats[0].Warnings) != 1 || list.Heartbeats[0].Warnings[0].Text != text ||
		!list.Heartbeats[0].Warnings[0].Since.Equal(t0.Add(5*time.Second)) {
		t.Fatalf("API: %+v", list)
	}

	for range 3 {
		clock.Advance(5 * time.Second)
		send(t, svc, req("archive_failing", text))
	}
	if n := a.outbox.depth(); n != 1 {
		t.Fatalf("outbox %d after repeated warnings, want 1", n)
	}

	// ARM restarts; the warning stays: nothing new.
	closeARM(t, a)
	clock.Advance(time.Minute)
	a = newARM(t, cfg, clock)
	defer closeARM(t, a)
	svc = &service{arm: a, logger: testkit.Logger(t, "report")}
	if c := mustGet(t, a, KindMediator, "dp-01"); len(c.Warnings) != 1 || !c.Warnings[0].Since.Equal(t0.Add(5*time.Second)) {
		t.Fatalf("after restart: %+v", c)
	}
	send(t, svc, req("archive_failing", text))
	if n := a.outbox.depth(); n != 1 {
		t.Fatalf("outbox %d after a restart, want 1: a second Warning", n)
	}

	clock.Advance(time.Minute)
	send(t, svc, req())
	docs = outboxDocs(t, a)
	d := findDoc(docs, "dp-01", CommonEventMediatorWarningCleared)
	if len(docs) != 2 || d == nil || docField(d, "sluice.arm.warning_seconds") != float64(135) || docField(d, "event.action") != "warning-cleared" {
		t.Fatalf("events %v", docs)
	}
	if c := mustGet(t, a, KindMediator, "dp-01"); c.Warnings != nil {
		t.Fatalf("still warned: %+v", c.Warnings)
	}
}

// `sluice heartbeats` shows a mediator's warnings in the last column,
// after its stall, each said to be a warning.
func TestWriteTableWarnings(t *testing.T) {
	now := t0.Add(10 * time.Minute)
	var buf strings.Builder
	err := WriteTable(&buf, []Component{
		{ID: "dp-01", Kind: KindMediator, Status: StatusGreen, LastHeartbeat: now,
			Warnings: []Warning{{Kind: "index_disk_low", Text: "1.2 GiB free", Since: t0}}},
		{ID: "dp-02", Kind: KindMediator, Status: StatusGreen, LastHeartbeat: now, Stalled: "index refuses", StalledSince: t0,
			Warnings: []Warning{{Kind: "archive_failing", Text: "permission denied", Since: t0.Add(5 * time.Minute)}}},
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
	col := strings.Index(lines[0], "STALLED")
	if len(lines) != 3 || col < 0 {
		t.Fatalf("table:\n%s", buf.String())
	}
	if got := lines[1][col:]; got != "warning index_disk_low: 1.2 GiB free (for 10m00s)" {
		t.Errorf("dp-01 %q", got)
	}
	if got := lines[2][col:]; got != "index refuses (for 10m00s); warning archive_failing: permission denied (for 5m00s)" {
		t.Errorf("dp-02 %q", got)
	}
}
