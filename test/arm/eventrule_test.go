package armtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sluicehq/sluice/arm"
	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/indexer/embedded"
	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/mediator"
	"github.com/sluicehq/sluice/mediator/armlink"
	"github.com/sluicehq/sluice/mpe"
	"github.com/sluicehq/sluice/pkg/event"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// hookRecorder is a webhook receiver: it keeps every JSON body posted to it.
type hookRecorder struct {
	mu     sync.Mutex
	bodies []map[string]any
	errs   []string
}

func (h *hookRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	var doc map[string]any
	switch {
	case err != nil:
		h.errs = append(h.errs, err.Error())
	case r.Method != http.MethodPost || r.URL.Path != "/hook" || r.Header.Get("Content-Type") != "application/json":
		h.errs = append(h.errs, fmt.Sprintf("%s %s (%s)", r.Method, r.URL.Path, r.Header.Get("Content-Type")))
	case json.Unmarshal(b, &doc) != nil:
		h.errs = append(h.errs, "payload is not a JSON object: "+string(b))
	default:
		h.bodies = append(h.bodies, doc)
	}
	w.WriteHeader(http.StatusNoContent)
}

// String lists what was received, for failure messages.
func (h *hookRecorder) String() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return fmt.Sprintf("payloads %v, bad requests %v", h.bodies, h.errs)
}

// find returns the first payload whose common_event is ce.
func (h *hookRecorder) find(ce string) map[string]any {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, b := range h.bodies {
		if b["common_event"] == ce {
			return b
		}
	}
	return nil
}

// armMediator is one in-process mediator reporting to ARM.
type armMediator struct {
	m    *mediator.Mediator
	stop func()
}

func startArmMediator(t *testing.T, id, dataDir, armAddr string, rules []string, idx indexer.Index) *armMediator {
	t.Helper()
	rulesJSON, _ := json.Marshal(rules)
	cfg, err := mediator.ParseConfig([]byte(fmt.Sprintf(`
mediator {
  id           = %q
  listen       = "127.0.0.1:0"
  http         = "127.0.0.1:0"
  data_dir     = %q
  rules        = %s
  insecure     = true
  index_flush  = "50ms"
  arm          = %q
  arm_interval = "1s"
}
`, id, dataDir, rulesJSON, armAddr)), "mediator.hcl")
	if err != nil {
		t.Fatal(err)
	}
	m, err := mediator.New(cfg, mediator.Deps{Logger: testkit.Logger(t, id), Version: "it", Index: idx})
	if err != nil {
		t.Fatal(err)
	}
	return &armMediator{m: m, stop: runInBackground(t, id, m.Run)}
}

// runInBackground runs run until the returned stop (or the test's
// cleanup) cancels it, and checks that it ends cleanly.
func runInBackground(t *testing.T, name string, run func(context.Context) error) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("%s stopped with error: %v", name, err)
				}
			case <-time.After(30 * time.Second):
				t.Errorf("%s did not stop within 30s", name)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// searchAll returns every indexed document, decoded.
func searchAll(t *testing.T, idx indexer.Searcher) []map[string]any {
	t.Helper()
	raw, err := idx.Search(context.Background(), indexer.SearchRequest{Query: "*", Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	docs := make([]map[string]any, 0, len(raw))
	for _, r := range raw {
		var d map[string]any
		if err := json.Unmarshal(r, &d); err != nil {
			t.Fatal(err)
		}
		// The document id is not in the document: it is the entry's
		// (agent, seq), decoded exactly here.
		var id struct {
			Agent struct {
				ID string `json:"id"`
			} `json:"agent"`
			Sluice struct {
				Seq uint64 `json:"seq"`
			} `json:"sluice"`
		}
		if err := json.Unmarshal(r, &id); err == nil && id.Agent.ID != "" {
			d["_id"] = event.DocID(id.Agent.ID, id.Sluice.Seq)
		}
		docs = append(docs, d)
	}
	return docs
}

// field reads a dotted path of a decoded document, whether it is nested
// ({"a":{"b":1}}) or flat ({"a.b":1}).
func field(doc map[string]any, path string) any {
	if v, ok := doc[path]; ok {
		return v
	}
	for i := range len(path) {
		if path[i] != '.' {
			continue
		}
		if sub, ok := doc[path[:i]].(map[string]any); ok {
			if v := field(sub, path[i+1:]); v != nil {
				return v
			}
		}
	}
	return nil
}

// TestSilentMediatorRaisesAlarmAndWebhook is issue 5 item 4 on the real
// path: ARM (in-process, mediator_warning_interval 10s) and two mediators
// reporting to it every second, both with the starter rule set plus a
// rule file holding a webhook to an httptest server. dp-2 stops. Ten
// seconds later ARM raises a Missing Heartbeat Warning for it, which dp-1
// collects in its report, stores in state and runs through the MPE like
// any entry (log source type sluice-arm): the starter event rule
// "component-silent" raises its alarm, which is indexed, and the webhook
// rule posts its templated payload (fields of the ARM event). dp-2
// restarts: ARM raises Heartbeat Returned, which reaches the webhook too
// and raises no alarm.
func TestSilentMediatorRaisesAlarmAndWebhook(t *testing.T) {
	dir := t.TempDir()
	hooks := &hookRecorder{}
	srv := httptest.NewServer(hooks)
	t.Cleanup(srv.Close) // after the mediators stop (cleanups run last first)

	// The webhook rule (not in the starter set: its URL is this test's
	// server). Its payload uses the ARM event's fields, typed (a lone
	// ${event.x} keeps a number a number).
	hookFile := filepath.Join(dir, "hook.hcl")
	if err := os.WriteFile(hookFile, []byte(fmt.Sprintf(`
event_rule "heartbeat-webhook" {
  description      = "tell the on-call chat about every ARM warning and return"
  log_source_types = ["sluice-arm"]
  sort_order       = 50
  when             = <<-CEL
    event.common_event in ["Missing Heartbeat Warning", "Heartbeat Returned"]
  CEL

  webhook {
    url     = "%s/hook"
    timeout = "2s"
    retries = 1
    payload = {
      text             = "ARM: ${event.message}"
      common_event     = "${event.common_event}"
      component        = "${event.sluice.arm.component_id}"
      kind             = "${event.sluice.arm.component_kind}"
      status           = "${event.sluice.arm.status}"
      host             = "${event.host.hostname}"
      missed_intervals = "${event.sluice.arm.missed_intervals}"
      risk             = "${event.risk}"
      arm              = "${event.sluice.arm.id}"
    }
  }
}
`, srv.URL)), 0o644); err != nil {
		t.Fatal(err)
	}
	rules := []string{"../../configs/rules", hookFile}

	armCfg, err := arm.ParseConfig([]byte(fmt.Sprintf(`
arm {
  id       = "arm-it"
  listen   = "127.0.0.1:0"
  http     = "127.0.0.1:0"
  data_dir = %q
  agent_warning_interval    = "10s"
  mediator_warning_interval = "10s"
}
`, filepath.Join(dir, "arm"))), "arm.hcl")
	if err != nil {
		t.Fatal(err)
	}
	a, err := arm.New(armCfg, arm.Deps{Logger: testkit.Logger(t, "arm"), Version: "it"})
	if err != nil {
		t.Fatal(err)
	}
	runInBackground(t, "arm", a.Run)

	idx, err := embedded.Open(embedded.Config{Dir: filepath.Join(dir, "index")}, hclog.NewNullLogger())
	if err != nil {
		t.Fatal(err)
	}
	// Registered before the mediators start, so it runs after they stop.
	t.Cleanup(func() { _ = idx.Close() })
	startArmMediator(t, "dp-1", filepath.Join(dir, "dp-1"), a.Addr(), rules, idx)
	dp2 := startArmMediator(t, "dp-2", filepath.Join(dir, "dp-2"), a.Addr(), rules, idx)

	waitComponent := func(id string, st arm.Status, within time.Duration) arm.Component {
		t.Helper()
		deadline := time.Now().Add(within)
		for {
			for _, c := range a.Components(arm.Filter{Kinds: []arm.Kind{arm.KindMediator}}) {
				if c.ID == id && c.Status == st {
					return c
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("mediator %s not %s within %v: %+v", id, st, within, a.Components(arm.Filter{}))
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	waitComponent("dp-1", arm.StatusGreen, 15*time.Second)
	dp2Host := waitComponent("dp-2", arm.StatusGreen, 15*time.Second).Hostname

	// dp-2 goes silent.
	dp2.stop()
	stopped := time.Now()

	// The alarm, indexed through dp-1's pipeline.
	var alarm, warning map[string]any
	deadline := time.Now().Add(45 * time.Second)
	for alarm == nil || hooks.find(arm.CommonEventMissing) == nil {
		if time.Now().After(deadline) {
			t.Fatalf("no Component Silent alarm and webhook for dp-2 within 45s of its stop (alarm %v, webhook: %v, ARM %+v)",
				alarm != nil, hooks, a.Status())
		}
		time.Sleep(200 * time.Millisecond)
		alarm, warning = nil, nil
		for _, d := range searchAll(t, idx) {
			if field(d, "sluice.arm.component_id") != "dp-2" || field(d, "sluice.common_event") != arm.CommonEventMissing {
				continue
			}
			if field(d, "sluice.alarm.rule") == "component-silent" {
				alarm = d
			} else if field(d, "rule.name") == nil {
				warning = d
			}
		}
	}
	if d := time.Since(stopped); d < 9*time.Second {
		t.Fatalf("alarm %v after dp-2 stopped, before one warning interval (10s)", d)
	}
	if warning == nil {
		t.Fatal("the Missing Heartbeat Warning that raised the alarm is not indexed")
	}
	t.Logf("ARM's warning as indexed: %s", mustJSON(warning))
	for path, want := range map[string]any{
		"event.kind":                  "alert",
		"rule.name":                   "Component Silent",
		"sluice.alarm.severity":       "high",
		"event.severity":              float64(73),
		"sluice.parent_id":            warning["_id"],
		"sluice.arm.component_kind":   "mediator",
		"sluice.arm.status":           "yellow",
		"sluice.arm.missed_intervals": float64(1),
		"sluice.log_source_type":      arm.LogSourceType,
		"sluice.classification":       "Warning",
		"sluice.risk":                 float64(6),
		"message":                     fmt.Sprintf("mediator dp-2 (host %s) sent no heartbeat for %vs, 1 warning interval(s); status yellow", dp2Host, field(warning, "sluice.arm.silence_seconds")),
	} {
		if got := field(alarm, path); got != want {
			t.Errorf("alarm %s = %#v, want %#v", path, got, want)
		}
	}
	if field(warning, "agent.id") != arm.EventAgentID("arm-it") || field(warning, "sluice.mediator") != "dp-1" {
		t.Errorf("the warning was not stored as ARM's events in dp-1's state: %s", mustJSON(warning))
	}

	// The webhook's templated payload.
	hook := hooks.find(arm.CommonEventMissing)
	t.Logf("webhook payload: %s", mustJSON(hook))
	for key, want := range map[string]any{
		"text":             "ARM: " + fmt.Sprint(field(warning, "message")),
		"component":        "dp-2",
		"kind":             "mediator",
		"status":           "yellow",
		"host":             dp2Host,
		"missed_intervals": float64(1),
		"risk":             float64(6),
		"arm":              "arm-it",
	} {
		if got := hook[key]; got != want {
			t.Errorf("webhook payload %s = %#v, want %#v", key, got, want)
		}
	}

	// dp-2 comes back: Heartbeat Returned reaches the webhook (from
	// whichever mediator collected it) and raises no alarm.
	startArmMediator(t, "dp-2", filepath.Join(dir, "dp-2"), a.Addr(), rules, idx)
	waitComponent("dp-2", arm.StatusGreen, 15*time.Second)
	deadline = time.Now().Add(30 * time.Second)
	var returned map[string]any
	for returned == nil {
		if time.Now().After(deadline) {
			t.Fatalf("no Heartbeat Returned webhook within 30s (webhook: %v)", hooks)
		}
		time.Sleep(200 * time.Millisecond)
		returned = hooks.find(arm.CommonEventReturned)
	}
	if returned["component"] != "dp-2" || returned["status"] != "green" || returned["kind"] != "mediator" {
		t.Errorf("Heartbeat Returned payload: %v", returned)
	}
	alarms := 0
	for _, d := range searchAll(t, idx) {
		if field(d, "sluice.alarm.rule") != nil {
			alarms++
			if field(d, "sluice.common_event") != arm.CommonEventMissing {
				t.Errorf("alarm on %v: %s", field(d, "sluice.common_event"), mustJSON(d))
			}
		}
	}
	if alarms == 0 {
		t.Error("the alarm is gone from the index")
	}
	hooks.mu.Lock()
	defer hooks.mu.Unlock()
	if len(hooks.errs) > 0 {
		t.Errorf("bad webhook requests: %v", hooks.errs)
	}
}

// entryLog stands in for a mediator's state: it keeps the ARM events a
// reporter hands it as the entries the mediator would store.
type entryLog struct {
	mu      sync.Mutex
	seen    map[uint64]bool
	entries []*mpe.Entry
}

func (l *entryLog) sink(_ context.Context, agentID, org string, entries []*sluicev1.LogEntry) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range entries {
		if l.seen[e.GetSeq()] {
			continue
		}
		l.seen[e.GetSeq()] = true
		l.entries = append(l.entries, &mpe.Entry{Raw: e.GetRaw(), LogSourceType: arm.LogSourceType, LogSource: arm.SourceID,
			Agent: agentID, Organization: org, Mediator: "dp-it", Seq: e.GetSeq()})
	}
	return nil
}

func (l *entryLog) wait(t *testing.T, n int, within time.Duration) []*mpe.Entry {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		l.mu.Lock()
		got := slices.Clone(l.entries)
		l.mu.Unlock()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d ARM events within %v, want %d", len(got), within, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestARMEventsThroughStarterRules runs the events a real ARM raises for
// an agent (yellow, red, returned) through the starter rule set as a
// mediator's pipeline does, with a fake clock instead of waiting 20s: the
// "component-silent" event rule alarms on red and on nothing else.
func TestARMEventsThroughStarterRules(t *testing.T) {
	rs, err := mpe.Load([]string{"../../configs/rules"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	armCfg, err := arm.ParseConfig([]byte(fmt.Sprintf(`
arm {
  id       = "arm-it"
  listen   = "127.0.0.1:0"
  http     = "127.0.0.1:0"
  data_dir = %q
  agent_warning_interval    = "10s"
  mediator_warning_interval = "1h"
}
`, filepath.Join(dir, "arm"))), "arm.hcl")
	if err != nil {
		t.Fatal(err)
	}
	var clockMu sync.Mutex
	clock := time.Date(2024, 3, 12, 10, 0, 0, 0, time.UTC)
	now := func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return clock }
	advance := func(d time.Duration) { clockMu.Lock(); clock = clock.Add(d); clockMu.Unlock() }

	a, err := arm.New(armCfg, arm.Deps{Logger: testkit.Logger(t, "arm"), Version: "it", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	runInBackground(t, "arm", a.Run)
	events := &entryLog{seen: map[uint64]bool{}}
	rep := armlink.NewReporter(armlink.ReporterConfig{
		Addr: a.Addr(), MediatorID: "dp-it", Hostname: "dp-it.example.net", Version: "it",
		Interval: 200 * time.Millisecond, Timeout: 2 * time.Second, EventSink: events.sink, Now: now,
	}, testkit.Logger(t, "dp-it.arm"))
	runInBackground(t, "reporter", rep.Run)

	heartbeat := func() {
		rep.Heartbeat(&sluicev1.Heartbeat{Time: timestamppb.New(now()), ComponentId: "web-01", Hostname: "web-01.example.net",
			Organization: "acme", Version: "it", CurrentMediator: "dp-it", LastMediator: "dp-it"})
	}
	waitAgent := func(st arm.Status) {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for {
			for _, c := range a.Components(arm.Filter{Kinds: []arm.Kind{arm.KindAgent}}) {
				if c.ID == "web-01" && c.Status == st {
					return
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("agent web-01 not %s within 15s: %+v", st, a.Components(arm.Filter{}))
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	heartbeat()
	waitAgent(arm.StatusGreen)
	// Silent for one interval, then for two.
	advance(11 * time.Second)
	waitAgent(arm.StatusYellow)
	events.wait(t, 1, 15*time.Second)
	advance(10 * time.Second)
	waitAgent(arm.StatusRed)
	events.wait(t, 2, 15*time.Second)
	heartbeat()
	waitAgent(arm.StatusGreen)
	entries := events.wait(t, 3, 15*time.Second)

	type want struct {
		commonEvent, status string
		alarm               bool
	}
	wants := []want{
		{arm.CommonEventMissing, "yellow", false},
		{arm.CommonEventMissing, "red", true},
		{arm.CommonEventReturned, "green", false},
	}
	if len(entries) != len(wants) {
		t.Fatalf("%d ARM events, want %d", len(entries), len(wants))
	}
	for i, e := range entries {
		out := rs.Process(e, nil)
		ev := out[0]
		ce, _ := ev.Get("sluice.common_event")
		st, _ := ev.Get("sluice.arm.status")
		if ce != wants[i].commonEvent || st != wants[i].status {
			t.Fatalf("event %d: %v / %v, want %s / %s: %s", i, ce, st, wants[i].commonEvent, wants[i].status, e.Raw)
		}
		var alarms []string
		for _, al := range out[1:] {
			if r, _ := al.Get("sluice.alarm.rule"); r == "component-silent" {
				alarms = append(alarms, al.Message)
				if sev, _ := al.Get("sluice.alarm.severity"); sev != "high" {
					t.Errorf("alarm severity %v, want high", sev)
				}
				if p, _ := al.Get("sluice.parent_id"); p != event.DocID(e.Agent, e.Seq) {
					t.Errorf("alarm parent %v, want %s", p, event.DocID(e.Agent, e.Seq))
				}
			}
		}
		if got := len(alarms) > 0; got != wants[i].alarm {
			t.Errorf("%s (%s): alarm %v, want %v: %s", wants[i].commonEvent, wants[i].status, got, wants[i].alarm, e.Raw)
		}
		if wants[i].alarm {
			const msg = "agent web-01 (host web-01.example.net) sent no heartbeat for 20s, 2 warning interval(s); status red"
			if len(alarms) != 1 || alarms[0] != msg {
				t.Errorf("alarms %q, want [%q]", alarms, msg)
			}
			t.Logf("ARM's red warning: %s", e.Raw)
		}
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
