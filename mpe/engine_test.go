package mpe

import (
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sluicehq/sluice/pkg/event"
)

const engineRules = `
log_source_type "linux-auth" {}
log_source_type "raw" { header = "none" }
log_source_type "declared-only" {}

tag "vpnproto" {
  pattern   = "[A-Za-z]+"
  field     = "network.protocol"
  lowercase = true
}

rule "accepted" {
  log_source_types = ["linux-auth", "raw"]
  pattern          = "Accepted <method> for <login> from <sip> port <sport>"
  classification   = "Authentication Success"
  common_event     = "User Logon"
  risk             = 3
  fields = {
    "event.outcome"  = "success"
    "event.category" = ["authentication"]
    "labels.weight"  = 1.5
    "labels.count"   = 2
    "labels.flag"    = true
  }
}

rule "either-order" {
  log_source_types = ["linux-auth"]
  pattern          = "(?:user <login> from <shost>|from <shost> user <login>)$"
  classification   = "Information"
}

rule "custom-groups" {
  log_source_types = ["linux-auth"]
  pattern          = "proto=<protocol> vpn=<vpnproto> method=(?P<http__request__method>\\w+) code=(?P<code>\\d+) pid=<pid>"
  classification   = "Information"
}
`

func loadEngineRules(t *testing.T) *RuleSet {
	t.Helper()
	rs, err := LoadBytes("engine.hcl", []byte(engineRules))
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

var collectedAt = time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)

func TestParseMatchedEvent(t *testing.T) {
	rs := loadEngineRules(t)
	ev := rs.Parse(&Entry{
		Raw:           []byte("<38>Mar 10 11:59:58 web1 sshd[123]: Accepted password for bob from 192.0.2.5 port 51234 ssh2\n"),
		LogSourceType: "linux-auth", LogSource: "auth", Agent: "agent-7", Organization: "acme",
		Mediator: "med-1", Seq: 42, Collected: collectedAt,
	})
	want := map[string]any{
		"source.ip":                "192.0.2.5",
		"source.port":              int64(51234),
		"user.name":                "bob",
		"labels.method":            "password",
		"host.hostname":            "web1",
		"process.name":             "sshd",
		"process.pid":              int64(123),
		"log.syslog.priority":      int64(38),
		"log.syslog.facility.code": int64(4),
		"log.syslog.severity.code": int64(6),
		"event.outcome":            "success",
		"event.category":           []string{"authentication"},
		"labels.weight":            1.5,
		"labels.count":             int64(2),
		"labels.flag":              true,
		"sluice.classification":    "Authentication Success",
		"sluice.common_event":      "User Logon",
		"sluice.risk":              int64(3),
		"sluice.rule":              "accepted",
		"sluice.log_source_type":   "linux-auth",
		"sluice.log_source":        "auth",
		"agent.id":                 "agent-7",
		"agent.name":               "agent-7",
		"agent.type":               "sluice",
		"sluice.mediator":          "med-1",
		"organization.id":          "acme",
		"sluice.seq":               int64(42),
		"sluice.collected":         collectedAt,
	}
	for k, v := range want {
		got, ok := ev.Get(k)
		if !ok {
			t.Errorf("%s not set", k)
			continue
		}
		if event.FormatValue(got) != event.FormatValue(v) {
			t.Errorf("%s = %#v, want %#v", k, got, v)
		}
		if _, isInt := v.(int64); isInt {
			if _, ok := got.(int64); !ok {
				t.Errorf("%s is %T, want int64", k, got)
			}
		}
	}
	if ev.ID != event.DocID("agent-7", 42) || ev.Organization != "acme" {
		t.Errorf("ID %q, organization %q", ev.ID, ev.Organization)
	}
	if want := time.Date(2024, 3, 10, 11, 59, 58, 0, time.UTC); !ev.Timestamp.Equal(want) {
		t.Errorf("@timestamp %v, want %v", ev.Timestamp, want)
	}
	if ev.Message != "<38>Mar 10 11:59:58 web1 sshd[123]: Accepted password for bob from 192.0.2.5 port 51234 ssh2" {
		t.Errorf("message %q: the line terminator should be gone", ev.Message)
	}
	if _, ok := ev.Get(event.FieldFlags); ok {
		t.Errorf("flags set on a clean line: %v", ev.GetString(event.FieldFlags))
	}
	if !json.Valid(ev.AppendJSON(nil)) {
		t.Error("invalid JSON")
	}
}

func TestParseUnknown(t *testing.T) {
	rs := loadEngineRules(t)
	for _, typ := range []string{"linux-auth", "declared-only", "never-declared", ""} {
		ev := rs.Parse(&Entry{Raw: []byte("Mar 10 11:00:00 web1 cron[9]: nothing to see"), LogSourceType: typ, Collected: collectedAt})
		if got := ev.GetString(event.FieldClassification); got != event.ClassificationUnknown {
			t.Errorf("type %q: classification %q", typ, got)
		}
		if _, ok := ev.Get(event.FieldRule); ok {
			t.Errorf("type %q: rule set on an unmatched line", typ)
		}
		// Header fields are kept on Unknown events.
		if ev.GetString("host.hostname") != "web1" || ev.GetString("process.name") != "cron" || ev.GetString("process.pid") != "9" {
			t.Errorf("type %q: header fields missing: %s", typ, ev.AppendJSON(nil))
		}
		if ev.Timestamp.Hour() != 11 {
			t.Errorf("type %q: @timestamp %v not from the line", typ, ev.Timestamp)
		}
		if ev.Organization != event.DefaultOrganization || ev.ID != "" {
			t.Errorf("type %q: organization %q, ID %q", typ, ev.Organization, ev.ID)
		}
	}
}

func TestParseHeaderNone(t *testing.T) {
	rs := loadEngineRules(t)
	ev := rs.Parse(&Entry{Raw: []byte("Mar 10 11:00:00 web1 sshd[1]: Accepted password for bob from 192.0.2.5 port 22"), LogSourceType: "raw", Collected: collectedAt})
	if ev.GetString(event.FieldRule) != "accepted" {
		t.Fatalf("not matched: %s", ev.AppendJSON(nil))
	}
	if _, ok := ev.Get("host.hostname"); ok || !ev.Timestamp.Equal(collectedAt) {
		t.Errorf("header none parsed the header: %s", ev.AppendJSON(nil))
	}
}

func TestParseFlags(t *testing.T) {
	rs := loadEngineRules(t)
	raw := []byte("Mar 10 11:00:00 web1 app: bad \xff\xfe bytes")
	ev := rs.Parse(&Entry{Raw: raw, LogSourceType: "linux-auth", Truncated: true, OriginalLength: 70000, Collected: collectedAt})
	flags, _ := ev.Get(event.FieldFlags)
	if !slices.Contains(flags.([]string), event.FlagTruncated) || !slices.Contains(flags.([]string), event.FlagInvalidUTF8) {
		t.Errorf("flags %v", flags)
	}
	if ev.GetString(event.FieldOriginalLength) != "70000" {
		t.Errorf("original length %q", ev.GetString(event.FieldOriginalLength))
	}
	if !utf8.ValidString(ev.Message) || ev.Message != "Mar 10 11:00:00 web1 app: bad \uFFFD bytes" {
		t.Errorf("message %q", ev.Message)
	}
}

func TestParseBadTypedValues(t *testing.T) {
	rs := loadEngineRules(t)
	ev := rs.Parse(&Entry{Raw: []byte("x: Accepted password for bob from 999.1.1.1 port 70000"), LogSourceType: "linux-auth"})
	if ev.GetString(event.FieldRule) != "accepted" {
		t.Fatalf("not matched: %s", ev.AppendJSON(nil))
	}
	for k, v := range map[string]string{"labels.sip": "999.1.1.1", "labels.sport": "70000"} {
		if got := ev.GetString(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	for _, k := range []string{"source.ip", "source.port"} {
		if _, ok := ev.Get(k); ok {
			t.Errorf("%s set from a value that does not fit", k)
		}
	}
	flags, _ := ev.Get(event.FieldFlags)
	if !slices.Contains(flags.([]string), FlagInvalidField) {
		t.Errorf("flags %v", flags)
	}
}

func TestParseTagTwiceAndAddress(t *testing.T) {
	rs := loadEngineRules(t)
	cases := []struct {
		line           string
		login, ip, dom string
	}{
		{"user alice from 192.0.2.9", "alice", "192.0.2.9", ""},
		{"from scanner.example.net user carol", "carol", "", "scanner.example.net"},
	}
	for _, c := range cases {
		ev := rs.Parse(&Entry{Raw: []byte(c.line), LogSourceType: "linux-auth"})
		if ev.GetString(event.FieldRule) != "either-order" {
			t.Fatalf("%q not matched", c.line)
		}
		if ev.GetString("user.name") != c.login || ev.GetString("source.ip") != c.ip || ev.GetString("source.domain") != c.dom {
			t.Errorf("%q: %s", c.line, ev.AppendJSON(nil))
		}
		if ev.GetString("source.address") != c.ip+c.dom {
			t.Errorf("%q: source.address %q", c.line, ev.GetString("source.address"))
		}
	}
}

func TestParseGroupNames(t *testing.T) {
	rs := loadEngineRules(t)
	ev := rs.Parse(&Entry{Raw: []byte("proto=TCP vpn=IPsec method=GET code=7 pid=12"), LogSourceType: "linux-auth"})
	want := map[string]string{
		"network.transport":   "tcp",
		"network.protocol":    "ipsec",
		"http.request.method": "GET",
		"labels.code":         "7",
		"process.pid":         "12",
	}
	for k, v := range want {
		if got := ev.GetString(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}

func TestParseNeverNil(t *testing.T) {
	var nilSet *RuleSet
	for _, rs := range []*RuleSet{nilSet, loadEngineRules(t)} {
		ev := rs.Parse(nil)
		if ev == nil || ev.GetString(event.FieldClassification) != event.ClassificationUnknown || ev.Timestamp.IsZero() {
			t.Errorf("Parse(nil) = %v", ev)
		}
		ev = rs.Parse(&Entry{Raw: []byte("Mar 10 11:00:00 h p: x"), LogSourceType: "linux-auth", Agent: "a", Seq: 1})
		if ev == nil || ev.ID != event.DocID("a", 1) {
			t.Errorf("Parse = %v", ev)
		}
	}
	if nilSet.Len() != 0 || nilSet.Types() != nil || nilSet.RunTests().Passed != 0 {
		t.Error("nil RuleSet is not empty")
	}
}

// TestParseConcurrent is for -race: a RuleSet is shared by MPE workers.
func TestParseConcurrent(t *testing.T) {
	rs := loadEngineRules(t)
	lines := []string{
		"Mar 10 11:00:00 h sshd[1]: Accepted password for bob from 192.0.2.5 port 22",
		"user alice from 192.0.2.9",
		"nothing",
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 200 {
				ev := rs.Parse(&Entry{Raw: []byte(lines[(i+w)%len(lines)]), LogSourceType: "linux-auth", Agent: "a", Seq: uint64(i)})
				if !json.Valid(ev.AppendJSON(nil)) {
					t.Error("invalid JSON")
				}
			}
		})
	}
	wg.Wait()
}

// docID builds the id itself, with one allocation: it must stay
// event.DocID's.
func TestDocIDIsEventDocID(t *testing.T) {
	for _, seq := range []uint64{0, 1, 15, 16, 255, 1 << 20, 1<<63 + 12345, ^uint64(0)} {
		for _, agent := range []string{"a", "agent-7", "édge"} {
			for _, inc := range []string{"", "0123456789abcdef"} {
				e := &Entry{Agent: agent, Spool: inc, Seq: seq}
				if got, want := docID(e), event.SpoolDocID(agent, inc, seq); got != want {
					t.Errorf("docID(%q, %q, %d) = %q, event.SpoolDocID says %q", agent, inc, seq, got, want)
				}
			}
		}
	}
	if got := docID(&Entry{Seq: 3}); got != "" {
		t.Errorf("docID without an agent = %q, want empty", got)
	}
	// idAndMessage is docID and normalize in one allocation.
	for _, agent := range []string{"", "a1"} {
		for _, raw := range []string{"", "\r\n", "line", "line\n", "line\r\n", "bad \xff byte\n", "é\n\n"} {
			e := &Entry{Agent: agent, Spool: "0123456789abcdef", Seq: 42, Raw: []byte(raw)}
			id, msg, valid := idAndMessage(e)
			wantMsg, wantValid := normalize(e.Raw)
			if id != docID(e) || msg != wantMsg || valid != wantValid {
				t.Errorf("idAndMessage(%q, %q) = %q, %q, %v; want %q, %q, %v", agent, raw, id, msg, valid, docID(e), wantMsg, wantValid)
			}
		}
	}
}

// The boxes a pass reuses must never hand out another value than the one
// asked for, and events must not share what they should not: entries that
// differ in agent, source, collection time or host each get their own.
func TestBoxedValuesFollowTheEntry(t *testing.T) {
	rs := loadEngineRules(t)
	t0 := time.Date(2024, 1, 10, 10, 0, 1, 0, time.UTC)
	inZone := t0.In(time.FixedZone("X", 3600)) // Equal to t0, but not the same value
	entries := []Entry{
		{Raw: []byte("Jan 10 10:00:00 web1 sshd[1]: Accepted password for bob from 192.0.2.5 port 1 ssh2"), LogSourceType: "linux-auth", Agent: "a1", LogSource: "s1", Mediator: "m", Organization: "o1", Collected: t0},
		{Raw: []byte("Jan 10 10:00:00 web1 sshd[1]: Accepted password for bob from 192.0.2.5 port 1 ssh2"), LogSourceType: "linux-auth", Agent: "a1", LogSource: "s1", Mediator: "m", Organization: "o1", Collected: t0},
		{Raw: []byte("Jan 10 10:00:00 web2 cron[1]: Accepted password for bob from 192.0.2.5 port 1 ssh2"), LogSourceType: "linux-auth", Agent: "a2", LogSource: "s2", Mediator: "n", Organization: "o2", Collected: inZone},
		{Raw: []byte("Jan 10 10:00:00 web1 sshd[1]: x"), LogSourceType: "undeclared-1", Agent: "a1", LogSource: "s1", Collected: t0},
		{Raw: []byte("Jan 10 10:00:00 web1 sshd[1]: x"), LogSourceType: "undeclared-2", Agent: "a1", LogSource: "s1", Collected: t0},
	}
	for round := range 3 {
		for i := range entries {
			e := &entries[i]
			ev := rs.Parse(e)
			want := map[string]any{
				event.FieldLogSourceType: e.LogSourceType, event.FieldAgent: e.Agent,
				event.FieldLogSource: e.LogSource, event.FieldCollected: e.Collected,
			}
			if e.Mediator != "" {
				want[event.FieldMediator] = e.Mediator
			}
			if e.Organization != "" {
				want[event.FieldOrganization] = e.Organization
			}
			for k, w := range want {
				if got, _ := ev.Get(k); got != w {
					t.Errorf("round %d entry %d: %s = %#v, want %#v", round, i, k, got, w)
				}
			}
			host := string(e.Raw[16:20])
			if got := ev.GetString(event.FieldHostname); got != host {
				t.Errorf("round %d entry %d: host %q, want %q", round, i, got, host)
			}
		}
	}
}

// SelectionLiterals are the patterns of a policy's literal scan.
func TestSelectionLiterals(t *testing.T) {
	rs := loadEngineRules(t)
	if got, want := rs.SelectionLiterals("raw"), []string{"Accepted ", " from ", " port "}; !slices.Equal(got, want) {
		t.Errorf("raw: %q, want %q", got, want)
	}
	if got := rs.SelectionLiterals("linux-auth"); !slices.Contains(got, "proto=") || !slices.Contains(got, " user ") {
		t.Errorf("linux-auth: %q lacks the other rules' literals", got)
	}
	for _, typ := range []string{"declared-only", "never-declared"} {
		if got := rs.SelectionLiterals(typ); got != nil {
			t.Errorf("%s: %q, want none", typ, got)
		}
	}
	var nilSet *RuleSet
	if nilSet.SelectionLiterals("raw") != nil {
		t.Error("a nil rule set has literals")
	}
}
