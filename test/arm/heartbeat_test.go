package armtest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sluicehq/sluice/arm"
	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/mediator/armlink"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// eventLog stands in for a mediator's state: it keeps the ARM events the
// reporter hands it, once per (organization, seq).
type eventLog struct {
	mu   sync.Mutex
	seen map[string]bool
	docs []map[string]any
}

func (l *eventLog) sink(_ context.Context, agentID, org string, entries []*sluicev1.LogEntry) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range entries {
		k := fmt.Sprintf("%s/%s/%d", org, agentID, e.GetSeq())
		if l.seen[k] {
			continue
		}
		var doc map[string]any
		if err := json.Unmarshal(e.GetRaw(), &doc); err != nil {
			return fmt.Errorf("ARM event %d is not JSON: %w", e.GetSeq(), err)
		}
		l.seen[k] = true
		l.docs = append(l.docs, doc)
	}
	return nil
}

// commonEvents lists sluice.common_event of the events about id.
func (l *eventLog) commonEvents(id string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, d := range l.docs {
		obs, _ := d["observer"].(map[string]any)
		sl, _ := d["sluice"].(map[string]any)
		if obs["name"] == id {
			out = append(out, fmt.Sprint(sl["common_event"]))
		}
	}
	return out
}

// TestAgentSilentYellowRedReturned runs `sluice arm` as a process with a
// 10s agent interval. A mediator (the arm.Reporter the mediator embeds,
// in this test process) forwards an agent's heartbeats every second. The
// agent goes silent: yellow after 10s, red after 20s, as
// `sluice heartbeats -json` shows. ARM is killed with SIGKILL and
// restarted: the agent is still red. The agent comes back: green, and
// the mediator received Missing Heartbeat Warning and Heartbeat Returned
// events to index.
func TestAgentSilentYellowRedReturned(t *testing.T) {
	dir := t.TempDir()
	listen, httpAddr := testkit.FreeAddr(t), testkit.FreeAddr(t)
	cfg := writeFile(t, dir, "arm.hcl", fmt.Sprintf(`
arm {
  id       = "arm-it"
  listen   = %q
  http     = %q
  data_dir = %q
  agent_warning_interval    = "10s"
  mediator_warning_interval = "10s"
}
`, listen, httpAddr, dir+"/arm"))
	armProc := start(t, "arm", "arm", "-config", cfg)
	waitHTTP(t, httpAddr, 15*time.Second)

	events := &eventLog{seen: map[string]bool{}}
	rep := armlink.NewReporter(armlink.ReporterConfig{
		Addr: listen, MediatorID: "dp-it", Hostname: "dp-it.example.net", Version: "it",
		Interval: time.Second, Timeout: 2 * time.Second, EventSink: events.sink,
	}, testkit.Logger(t, "dp-it.arm"))
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = rep.Run(ctx) }()
	defer func() { cancel(); wg.Wait() }()

	// The agent heartbeats every second while alive.
	var aliveMu sync.Mutex
	alive := true
	setAlive := func(v bool) { aliveMu.Lock(); alive = v; aliveMu.Unlock() }
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			aliveMu.Lock()
			a := alive
			aliveMu.Unlock()
			if a {
				rep.Heartbeat(&sluicev1.Heartbeat{Time: timestamppb.Now(), ComponentId: "web-01", Hostname: "web-01.example.net",
					Organization: "acme", Version: "it", CurrentMediator: "dp-it", LastMediator: "dp-it"})
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()

	green := waitStatus(t, httpAddr, "agent", "web-01", "green", 15*time.Second)
	if green.Host != "web-01.example.net" || green.Organization != "acme" || green.LastMediator != "dp-it" || green.LastHeartbeat.IsZero() {
		t.Fatalf("green agent: %+v", green)
	}
	waitStatus(t, httpAddr, "mediator", "dp-it", "green", 5*time.Second)

	// The agent is killed.
	killed := time.Now()
	setAlive(false)
	waitStatus(t, httpAddr, "agent", "web-01", "yellow", 20*time.Second)
	if d := time.Since(killed); d < 9*time.Second {
		t.Fatalf("yellow after %s, before one interval", d)
	}
	waitStatus(t, httpAddr, "agent", "web-01", "red", 20*time.Second)
	if d := time.Since(killed); d < 19*time.Second {
		t.Fatalf("red after %s, before two intervals", d)
	}
	// -status red filters.
	reds, err := heartbeatsJSON(t, httpAddr, "-status", "red")
	if err != nil || len(reds) != 1 || reds[0].ID != "web-01" {
		t.Fatalf("-status red: %+v %v", reds, err)
	}

	// ARM is killed -9 and restarted: nothing forgotten.
	armProc.kill()
	start(t, "arm-restarted", "arm", "-config", cfg)
	waitHTTP(t, httpAddr, 15*time.Second)
	hbs, err := heartbeatsJSON(t, httpAddr)
	if err != nil {
		t.Fatal(err)
	}
	var web *heartbeat
	for i := range hbs {
		if hbs[i].ID == "web-01" {
			web = &hbs[i]
		}
	}
	if web == nil || web.Status != "red" {
		t.Fatalf("after ARM restart: %+v", hbs)
	}

	// The agent comes back.
	setAlive(true)
	waitStatus(t, httpAddr, "agent", "web-01", "green", 20*time.Second)
	deadline := time.Now().Add(15 * time.Second)
	var got []string
	for time.Now().Before(deadline) {
		got = events.commonEvents("web-01")
		if len(got) > 0 && got[len(got)-1] == arm.CommonEventReturned {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	joined := strings.Join(got, ",")
	if !strings.HasPrefix(joined, arm.CommonEventMissing+","+arm.CommonEventMissing) || !strings.HasSuffix(joined, arm.CommonEventReturned) {
		t.Fatalf("events about web-01: %v", got)
	}
	// The table form lines up and names the data processor.
	table := runTable(t, httpAddr)
	if !strings.Contains(table, "LAST DATA PROCESSOR") || !strings.Contains(table, "web-01") || !strings.Contains(table, "dp-it") {
		t.Fatalf("table:\n%s", table)
	}
}

func runTable(t *testing.T, httpAddr string) string {
	t.Helper()
	out, err := execSluice("heartbeats", "-addr", "http://"+httpAddr)
	if err != nil {
		t.Fatalf("sluice heartbeats: %v\n%s", err, out)
	}
	return out
}

// TestAgentKilledThroughRealMediator is the whole path with real
// processes: sluice arm, sluice mediator (arm = ...) and sluice agent.
func TestAgentKilledThroughRealMediator(t *testing.T) {
	dir := t.TempDir()
	armListen, armHTTP := testkit.FreeAddr(t), testkit.FreeAddr(t)
	medListen, medHTTP := testkit.FreeAddr(t), testkit.FreeAddr(t)
	armCfg := writeFile(t, dir, "arm.hcl", fmt.Sprintf(`
arm {
  id       = "arm-it"
  listen   = %q
  http     = %q
  data_dir = %q
  agent_warning_interval    = "10s"
  mediator_warning_interval = "10s"
}
`, armListen, armHTTP, dir+"/arm"))
	medCfg := writeFile(t, dir, "mediator.hcl", fmt.Sprintf(`
mediator {
  id       = "dp-it"
  listen   = %q
  http     = %q
  data_dir = %q
  rules    = ["../../configs/rules"]
  insecure = true
  arm      = %q
}
indexer "embedded" {}
`, medListen, medHTTP, dir+"/mediator", armListen))
	logFile := writeFile(t, dir, "app.log", "")
	agentCfg := writeFile(t, dir, "agent.hcl", fmt.Sprintf(`
agent {
  id                 = "web-01"
  organization       = "acme"
  data_dir           = %q
  mediators          = [%q]
  insecure           = true
  heartbeat_interval = "1s"
}
source "file" "app" {
  paths           = [%q]
  log_source_type = "syslog"
}
`, dir+"/agent", medListen, logFile))

	start(t, "arm", "arm", "-config", armCfg)
	waitHTTP(t, armHTTP, 15*time.Second)
	start(t, "mediator", "mediator", "-config", medCfg)
	agentProc := start(t, "agent", "agent", "-config", agentCfg)

	waitStatus(t, armHTTP, "mediator", "dp-it", "green", 30*time.Second)
	green := waitStatus(t, armHTTP, "agent", "web-01", "green", 30*time.Second)
	if green.LastMediator != "dp-it" || green.Organization != "acme" {
		t.Fatalf("agent: %+v", green)
	}
	agentProc.kill()
	waitStatus(t, armHTTP, "agent", "web-01", "yellow", 25*time.Second)
	waitStatus(t, armHTTP, "agent", "web-01", "red", 25*time.Second)
	start(t, "agent-restarted", "agent", "-config", agentCfg)
	waitStatus(t, armHTTP, "agent", "web-01", "green", 30*time.Second)

	out, err := execSluice("heartbeats", "-addr", "http://"+armHTTP, "-json", "web-01")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(out, "heartbeat returned") {
		t.Fatalf("history of web-01 lacks the return:\n%s", out)
	}
}
