package armtest

import (
	"context"
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

// TestStalledSurvivesARMKill runs `sluice arm` as a process. A mediator
// (the reporter, in this process) says its pipeline is stalled, and
// forwards an agent's heartbeats saying the same of its spool: ARM raises
// Data Processor Stalled and Agent Stalled once, and `sluice heartbeats`
// shows both. ARM is killed with SIGKILL and restarted while they stay
// stalled: no second Stalled. They move again: the Resumed events.
func TestStalledSurvivesARMKill(t *testing.T) {
	const (
		medReason   = "state holds 120 entries that nothing indexes"
		agentReason = "spool grows while dp-it acknowledges nothing"
	)
	dir := t.TempDir()
	listen, httpAddr := testkit.FreeAddr(t), testkit.FreeAddr(t)
	cfg := writeFile(t, dir, "arm.hcl", fmt.Sprintf(`
arm {
  id       = "arm-it"
  listen   = %q
  http     = %q
  data_dir = %q
}
`, listen, httpAddr, dir+"/arm"))
	armProc := start(t, "arm", "arm", "-config", cfg)
	waitHTTP(t, httpAddr, 15*time.Second)

	var mu sync.Mutex
	medStalled, agentStalled := medReason, agentReason
	setStalled := func(med, agent string) { mu.Lock(); medStalled, agentStalled = med, agent; mu.Unlock() }
	events := &eventLog{seen: map[string]bool{}}
	rep := armlink.NewReporter(armlink.ReporterConfig{
		Addr: listen, MediatorID: "dp-it", Hostname: "dp-it.example.net", Version: "it",
		Interval: 500 * time.Millisecond, Timeout: 2 * time.Second, EventSink: events.sink,
		Stalled: func() string { mu.Lock(); defer mu.Unlock(); return medStalled },
	}, testkit.Logger(t, "dp-it.arm"))
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); _ = rep.Run(ctx) }()
	defer func() { cancel(); wg.Wait() }()
	go func() {
		defer wg.Done()
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		for {
			mu.Lock()
			s := agentStalled
			mu.Unlock()
			rep.Heartbeat(&sluicev1.Heartbeat{Time: timestamppb.Now(), ComponentId: "web-01", Hostname: "web-01.example.net",
				Organization: "acme", Version: "it", CurrentMediator: "dp-it", LastMediator: "dp-it", Stalled: s})
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()

	waitStalled(t, httpAddr, "mediator", "dp-it", medReason, 15*time.Second)
	waitStalled(t, httpAddr, "agent", "web-01", agentReason, 15*time.Second)
	table := runTable(t, httpAddr)
	if !strings.Contains(table, "STALLED") || !strings.Contains(table, medReason+" (for ") || !strings.Contains(table, agentReason+" (for ") {
		t.Fatalf("table:\n%s", table)
	}
	waitEvents(t, events, "dp-it", []string{arm.CommonEventMediatorStalled}, 10*time.Second)
	waitEvents(t, events, "web-01", []string{arm.CommonEventAgentStalled}, 10*time.Second)

	// kill -9 and restart, still stalled: a few reports later, still one
	// Stalled event each.
	armProc.kill()
	restarted := time.Now()
	start(t, "arm-restarted", "arm", "-config", cfg)
	waitHTTP(t, httpAddr, 15*time.Second)
	deadline := time.Now().Add(20 * time.Second)
	for {
		hbs, err := heartbeatsJSON(t, httpAddr)
		if err != nil {
			t.Fatal(err)
		}
		fresh := 0
		for _, h := range hbs {
			if h.LastHeartbeat.After(restarted.Add(2*time.Second)) && h.Stalled != "" {
				fresh++
			}
		}
		if fresh == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no stalled heartbeats after ARM's restart: %+v", hbs)
		}
		time.Sleep(300 * time.Millisecond)
	}
	time.Sleep(time.Second) // the events of those reports, if any, reach the sink
	for id, want := range map[string]string{"dp-it": arm.CommonEventMediatorStalled, "web-01": arm.CommonEventAgentStalled} {
		if got := events.commonEvents(id); len(got) != 1 || got[0] != want {
			t.Fatalf("events about %s after ARM's restart: %v, want [%s]", id, got, want)
		}
	}

	setStalled("", "")
	waitEvents(t, events, "dp-it", []string{arm.CommonEventMediatorStalled, arm.CommonEventMediatorResumed}, 15*time.Second)
	waitEvents(t, events, "web-01", []string{arm.CommonEventAgentStalled, arm.CommonEventAgentResumed}, 15*time.Second)
	waitStalled(t, httpAddr, "mediator", "dp-it", "", 5*time.Second)
}

// waitStalled polls `sluice heartbeats -json` until component id of kind
// says stalled.
func waitStalled(t *testing.T, httpAddr, kind, id, stalled string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	var last []heartbeat
	var lastErr error
	for time.Now().Before(deadline) {
		last, lastErr = heartbeatsJSON(t, httpAddr)
		for _, h := range last {
			if h.ID == id && h.Kind == kind && h.Stalled == stalled {
				return
			}
		}
		time.Sleep(300 * time.Millisecond)
	}
	t.Fatalf("%s %s not stalled %q within %s; last: %+v %v", kind, id, stalled, within, last, lastErr)
}

// waitEvents waits until the events about id are want.
func waitEvents(t *testing.T, events *eventLog, id string, want []string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		got := events.commonEvents(id)
		if strings.Join(got, ",") == strings.Join(want, ",") {
			return
		}
		if len(got) > len(want) || time.Now().After(deadline) {
			t.Fatalf("events about %s: %v, want %v", id, got, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
