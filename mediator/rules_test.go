package mediator

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

const reloadRule = `
log_source_type "t" {
  header = "none"
}
rule "greeting" {
  log_source_types = ["t"]
  pattern          = "hello <login>"
  classification   = "Information"
  common_event     = "%s"
  test {
    log    = "hello bob"
    expect = { login = "bob", common_event = "%s" }
  }
}
`

func writeRules(t *testing.T, dir, commonEvent, testExpect string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "r.hcl"), []byte(fmt.Sprintf(reloadRule, commonEvent, testExpect)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestHotReload: rule files change under a running mediator with an agent
// connected; good sets are swapped in, a broken set and a set whose tests
// fail are refused with the old set kept, and the agent stays connected.
func TestHotReload(t *testing.T) {
	rulesDir := t.TempDir()
	writeRules(t, rulesDir, "Greeting", "Greeting")
	cfg, err := ParseConfig([]byte(fmt.Sprintf("mediator {\n listen = \"127.0.0.1:0\"\n http = \"127.0.0.1:0\"\n data_dir = %q\n rules = [%q]\n index_flush = \"20ms\"\n}\n", t.TempDir(), rulesDir)), "m.hcl")
	if err != nil {
		t.Fatal(err)
	}
	logs := &logBuffer{}
	m := startWithLogs(t, cfg, logs)
	stream, _, err := dialAgent(t, m.Addr(), "reloader")
	if err != nil {
		t.Fatal(err)
	}
	seq := uint64(0)
	send := func(line string) {
		t.Helper()
		seq++
		err := stream.Send(&sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Batch{Batch: &sluicev1.LogBatch{Entries: []*sluicev1.LogEntry{{Seq: seq, SourceType: "t", Raw: []byte(line)}}}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	waitEvent := func(query string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for count(t, m, query) == 0 {
			if time.Now().After(deadline) {
				t.Fatalf("no event matches %s", query)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	send("hello ann")
	waitEvent(`user.name:ann AND sluice.common_event:Greeting`)

	// A new set: swapped in when the file changes.
	time.Sleep(20 * time.Millisecond)
	writeRules(t, rulesDir, "Salutation", "Salutation")
	logs.waitLog(t, "rules reloaded", "trigger=\"files changed\"")
	send("hello bea")
	waitEvent(`user.name:bea AND sluice.common_event:Salutation`)

	// A broken file: refused with its position, the old set stays.
	time.Sleep(20 * time.Millisecond)
	if err := os.WriteFile(filepath.Join(rulesDir, "r.hcl"), []byte("rule \"x\" {\n  pattern = \"(\"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	logs.waitLog(t, "rule reload refused")
	if !strings.Contains(logs.String(), "r.hcl:1:10: Missing required argument") {
		t.Fatalf("the refusal does not name file:line:col:\n%s", logs.String())
	}
	send("hello cat")
	waitEvent(`user.name:cat AND sluice.common_event:Salutation`)
	if st := m.Status(); !strings.Contains(st.RulesError, "r.hcl") {
		t.Fatalf("status does not show the reload error: %+v", st)
	}

	// A set whose own tests fail: refused as well.
	time.Sleep(20 * time.Millisecond)
	before := strings.Count(logs.String(), "rule reload refused")
	writeRules(t, rulesDir, "Welcome", "Not What It Sets")
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(logs.String(), "rule reload refused") == before {
		if time.Now().After(deadline) {
			t.Fatalf("a set with failing tests was not refused:\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), "rule tests failed") {
		t.Fatalf("the refusal does not say the tests failed:\n%s", logs.String())
	}
	send("hello dan")
	waitEvent(`user.name:dan AND sluice.common_event:Salutation`)

	// Reload on request (SIGHUP does the same) with a good set again.
	writeRules(t, rulesDir, "Welcome", "Welcome")
	resp, err := http.Post("http://"+m.HTTPAddr()+"/v1/rules/reload", "", nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("reload: %v %v", resp, err)
	}
	resp.Body.Close()
	send("hello eve")
	waitEvent(`user.name:eve AND sluice.common_event:Welcome`)

	// The agent was never disconnected, and the stats say who matched.
	if len(m.Agents()) != 1 {
		t.Fatal("a reload disconnected the agent")
	}
	var stats RuleStatsResponse
	getJSON(t, "http://"+m.HTTPAddr()+"/v1/rules/stats", &stats)
	if len(stats.Rules) == 0 || stats.Reloads < 2 {
		t.Fatalf("stats %+v", stats)
	}
}

const feedRules = `
log_source_type "t" {
  header = "none"
}
intel_list "bad-ips" {
  file   = "ips.txt"
  type   = "ip"
  fields = ["source.ip"]
}
rule "conn" {
  log_source_types = ["t"]
  pattern          = "conn from <sip>"
  classification   = "Network Traffic"
  test {
    log    = "conn from 198.51.100.7"
    expect = { sip = "198.51.100.7" }
  }
}
event_rule "bad-ip" {
  when = "has(event.intel) && \"bad-ips\" in event.intel"
  set  = { "event.kind" = "alert" }
  alarm {
    name     = "Bad Address"
    severity = "high"
  }
  test {
    log             = "conn from 203.0.113.66"
    log_source_type = "t"
    intel           = { "bad-ips" = ["203.0.113.66"] }
    alarm           = true
    expect          = { "event.kind" = "alert" }
  }
  test {
    log             = "conn from 198.51.100.7"
    log_source_type = "t"
    intel           = { "bad-ips" = ["203.0.113.66"] }
    alarm           = false
  }
}
`

// TestIntelFeedUpdateNotBlockedByTests: a feed starts listing an address
// the rule tests use as a clean one. The tests declare their own intel
// values, so the update is taken, and events from that address are tagged
// from then on.
func TestIntelFeedUpdateNotBlockedByTests(t *testing.T) {
	rulesDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(rulesDir, "r.hcl"), []byte(feedRules), 0o644); err != nil {
		t.Fatal(err)
	}
	feed := filepath.Join(rulesDir, "ips.txt")
	if err := os.WriteFile(feed, []byte("192.0.2.1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := ParseConfig([]byte(fmt.Sprintf("mediator {\n listen = \"127.0.0.1:0\"\n http = \"127.0.0.1:0\"\n data_dir = %q\n rules = [%q]\n index_flush = \"20ms\"\n}\n", t.TempDir(), rulesDir)), "m.hcl")
	if err != nil {
		t.Fatal(err)
	}
	logs := &logBuffer{}
	m := startWithLogs(t, cfg, logs)
	stream, _, err := dialAgent(t, m.Addr(), "feeder")
	if err != nil {
		t.Fatal(err)
	}
	seq := uint64(0)
	send := func(line string) {
		t.Helper()
		seq++
		err := stream.Send(&sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Batch{Batch: &sluicev1.LogBatch{Entries: []*sluicev1.LogEntry{{Seq: seq, SourceType: "t", Raw: []byte(line)}}}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	send("conn from 198.51.100.7")
	waitCount(t, m, `source.ip:"198.51.100.7"`, 1)
	if n := count(t, m, `event.kind:alert`); n != 0 {
		t.Fatalf("%d alerts before the feed lists the address", n)
	}

	time.Sleep(20 * time.Millisecond)
	if err := os.WriteFile(feed, []byte("192.0.2.1\n198.51.100.7\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	logs.waitLog(t, "rules reloaded")
	if strings.Contains(logs.String(), "rule reload refused") {
		t.Fatalf("the feed update was refused:\n%s", logs.String())
	}
	send("conn from 198.51.100.7")
	// The event, tagged, and its alarm.
	waitCount(t, m, `sluice.alarm.rule:"bad-ip" AND source.ip:"198.51.100.7"`, 1)
	waitCount(t, m, `sluice.intel:"bad-ips" AND source.ip:"198.51.100.7"`, 2)
}
