package armtest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/internal/testkit"
)

// TestDuplicateIdentityThroughRealMediator: sluice arm, sluice mediator
// (arm = ...) and two sluice agent processes with the same id and their
// own data directories. The mediator refuses the second and logs it, naming
// the agent id; the refused agent says so at error level; ARM shows the
// agent's duplicate identity (the grid, `sluice heartbeats ID`), raises
// Duplicate Agent Identity once, and the mediator indexes it as the
// starter rules classify it.
func TestDuplicateIdentityThroughRealMediator(t *testing.T) {
	dir := t.TempDir()
	armListen, armHTTP := testkit.FreeAddr(t), testkit.FreeAddr(t)
	medListen, medHTTP := testkit.FreeAddr(t), testkit.FreeAddr(t)
	armCfg := writeFile(t, dir, "arm.hcl", fmt.Sprintf(`
arm {
  id       = "arm-it"
  listen   = %q
  http     = %q
  data_dir = %q
}
`, armListen, armHTTP, dir+"/arm"))
	medCfg := writeFile(t, dir, "mediator.hcl", fmt.Sprintf(`
mediator {
  id           = "dp-it"
  listen       = %q
  http         = %q
  data_dir     = %q
  rules        = ["../../configs/rules"]
  insecure     = true
  arm          = %q
  arm_interval = "500ms"
}
indexer "embedded" {}
`, medListen, medHTTP, dir+"/mediator", armListen))
	agentCfg := func(name string) string {
		return writeFile(t, dir, name+".hcl", fmt.Sprintf(`
agent {
  id                 = "web-01"
  organization       = "acme"
  hostname           = %q
  data_dir           = %q
  mediators          = [%q]
  insecure           = true
  heartbeat_interval = "1s"
}
source "file" "app" {
  paths           = [%q]
  log_source_type = "syslog"
}
`, name, dir+"/"+name, medListen, writeFile(t, dir, name+".log", "")))
	}

	start(t, "arm", "arm", "-config", armCfg)
	waitHTTP(t, armHTTP, 15*time.Second)
	med := start(t, "mediator", "mediator", "-config", medCfg)
	start(t, "agent-a", "agent", "-config", agentCfg("agent-a"))
	first := waitStatus(t, armHTTP, "agent", "web-01", "green", 30*time.Second)
	if first.Spool == "" || first.Duplicate != "" {
		t.Fatalf("one agent: %+v", first)
	}
	agentB := start(t, "agent-b", "agent", "-config", agentCfg("agent-b"))

	deadline := time.Now().Add(30 * time.Second)
	var dup heartbeat
	for dup.Duplicate == "" {
		if time.Now().After(deadline) {
			t.Fatalf("ARM shows no duplicate identity for web-01: %+v", dup)
		}
		time.Sleep(300 * time.Millisecond)
		hbs, err := heartbeatsJSON(t, armHTTP)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hbs {
			if h.ID == "web-01" {
				dup = h
			}
		}
	}
	if !strings.Contains(dup.Duplicate, "was refused") || !strings.Contains(dup.Duplicate, "spool "+first.Spool+" from 127.0.0.1:") || dup.Host != "agent-a" {
		t.Fatalf("duplicate identity: %+v (the stream is agent-a's, spool %s)", dup, first.Spool)
	}
	// Both sides of the refusal say so in their logs.
	waitOutput(t, med, 10*time.Second, "agent refused: agent id already connected from another spool", "agent=web-01", "connected_spool="+first.Spool)
	waitOutput(t, agentB, 10*time.Second, "[ERROR]", "DUPLICATE AGENT IDENTITY", "agent=web-01")

	out, err := execSluice("heartbeats", "-addr", "http://"+armHTTP, "web-01")
	if err != nil || !strings.Contains(out, "DUPLICATE AGENT IDENTITY since") || !strings.Contains(out, "duplicate agent identity: ") {
		t.Fatalf("sluice heartbeats web-01: %v\n%s", err, out)
	}

	// The event reaches the index, classified by the starter rules, and
	// raises the starter alarm: each once however many heartbeats carry
	// the duplicate identity.
	const (
		evQ    = `sluice.common_event:"Duplicate Agent Identity" AND sluice.classification:Suspicious AND sluice.risk:7 AND sluice.arm.component_id:web-01 AND NOT sluice.alarm.rule:*`
		alarmQ = `sluice.alarm.rule:duplicate-identity AND sluice.alarm.severity:high AND sluice.arm.component_id:web-01`
	)
	count := func(q string) (string, error) {
		out, err := execSluice("search", "-addr", "http://"+medHTTP, "-count", q)
		return strings.TrimSpace(out), err
	}
	deadline = time.Now().Add(30 * time.Second)
	for {
		ev, err1 := count(evQ)
		alarm, err2 := count(alarmQ)
		if err1 == nil && err2 == nil && ev == "1" && alarm == "1" {
			break
		}
		if time.Now().After(deadline) {
			docs, _ := execSluice("search", "-addr", "http://"+medHTTP, `sluice.common_event:"Duplicate Agent Identity"`)
			hist, _ := execSluice("heartbeats", "-addr", "http://"+armHTTP, "web-01")
			t.Fatalf("event: %q %v, alarm: %q %v; want 1 each\n%s\n%s", ev, err1, alarm, err2, docs, hist)
		}
		time.Sleep(500 * time.Millisecond)
	}
	time.Sleep(3 * time.Second) // more heartbeats with the duplicate identity
	if n, err := count(`sluice.common_event:"Duplicate Agent Identity"`); err != nil || n != "2" {
		t.Fatalf("Duplicate Agent Identity documents: %v %q, want 2 (the event and its alarm)", err, n)
	}
}
