package mpe

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sluicehq/sluice/internal/corpus"
	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/hclconf"
)

// processRules exercises event rules, intel lists and JSON sources
// together. Intel files are written by writeIntel.
const processRules = `
log_source_type "auth" {}
log_source_type "json" {
  format           = "json"
  timestamp_fields = ["winlog.time_created", "@timestamp"]
  keep_original    = true
}

intel_list "bad-ips" {
  file   = "intel/ips.txt"
  type   = "ip"
  fields = ["source.ip"]
}

intel_list "bad-domains" {
  file   = "intel/domains.txt"
  type   = "domain"
  fields = ["source.domain"]
}

rule "accepted" {
  log_source_types = ["auth"]
  pattern          = "Accepted <method> for <login> from <shost> port <sport>"
  classification   = "Authentication Success"
  common_event     = "User Logon"
  risk             = 3

  sub_rule "from-bad-ip" {
    when           = "has(event.intel) && \"bad-ips\" in event.intel"
    classification = "Compromise"
    risk           = 9
  }
}

rule "logon" {
  log_source_types = ["json"]
  when             = "event.winlog.event_id in [4624, \"4624\"]"
  classification   = "Authentication Success"
  map              = { login = ["winlog.event_data.TargetUserName", "winlog.user.name"], sip = "winlog.event_data.IpAddress" }
}

event_rule "tag-root" {
  sort_order = 1
  when       = "has(event.login) && event.login == \"root\""
  set        = { "labels.watch" = "root" }
}

event_rule "root-alarm" {
  sort_order = 2
  when       = "has(event.labels.watch) && event.labels.watch == \"root\""
  alarm {
    severity = "high"
    message  = "root logon from ${event.source.address} (${event.login}), $${not.a.field}"
  }
}

event_rule "drop-guest" {
  sort_order = 3
  log_source_types = ["auth"]
  when       = "has(event.login) && event.login == \"guest\""
  drop       = true
  alarm {}
}

event_rule "stop" {
  sort_order = 4
  when       = "has(event.login) && event.login == \"stopper\""
  continue   = false
}

event_rule "after-stop" {
  sort_order = 5
  when       = "has(event.login) && event.login == \"stopper\""
  set        = { "labels.reached" = "yes" }
}
`

// loadProcessRules writes processRules and its intel files into a
// temporary folder and loads them.
func loadProcessRules(t *testing.T, opts LoadOptions) (*RuleSet, string) {
	t.Helper()
	dir := t.TempDir()
	write := func(name, data string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("rules.hcl", processRules)
	write("intel/ips.txt", "# bad\n203.0.113.9\n198.51.100.0/24 # a block\n2001:db8:bad::/48\n")
	write("intel/domains.txt", "evil.example\n")
	rs, err := LoadWith([]string{dir}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rs, dir
}

func authEntry(line string, seq uint64) *Entry {
	return &Entry{Raw: []byte("Mar 10 11:59:58 web1 sshd[9]: " + line), LogSourceType: "auth", Agent: "ag", Seq: seq, Collected: collectedAt}
}

func TestProcessEventRules(t *testing.T) {
	rs, _ := loadProcessRules(t, LoadOptions{})

	// A plain event: one event out, no alarm.
	out := rs.Process(authEntry("Accepted password for bob from 192.0.2.1 port 22 ssh2", 1), nil)
	if len(out) != 1 || out[0].GetString("user.name") != "bob" {
		t.Fatalf("got %d events: %v", len(out), out)
	}

	// root: set by one event rule, seen by the next, which raises an alarm.
	out = rs.Process(authEntry("Accepted password for root from 192.0.2.2 port 22 ssh2", 2), out[:0])
	if len(out) != 2 {
		t.Fatalf("got %d events, want the event and an alarm", len(out))
	}
	ev, alarm := out[0], out[1]
	if ev.GetString("labels.watch") != "root" {
		t.Errorf("set did not apply: %s", ev.AppendJSON(nil))
	}
	if alarm.Message != "root logon from 192.0.2.2 (root), ${not.a.field}" {
		t.Errorf("alarm message %q", alarm.Message)
	}
	for k, want := range map[string]string{"event.kind": "alert", fieldAlarmRule: "root-alarm", fieldAlarmSeverity: "high", "event.severity": "73", fieldParentID: ev.ID, "user.name": "root"} {
		if got := alarm.GetString(k); got != want {
			t.Errorf("alarm %s = %q, want %q", k, got, want)
		}
	}
	if alarm.ID == "" || alarm.ID == ev.ID || !strings.HasPrefix(alarm.ID, ev.ID+"-alarm-") {
		t.Errorf("alarm id %q for event %q", alarm.ID, ev.ID)
	}
	// Processing the entry again gives the same ids: no duplicate alarm.
	again := rs.Process(authEntry("Accepted password for root from 192.0.2.2 port 22 ssh2", 2), nil)
	if again[1].ID != alarm.ID || again[0].ID != ev.ID {
		t.Errorf("ids changed on a re-process: %s %s", again[0].ID, again[1].ID)
	}

	// Parse: exactly one event, set applied, no alarm.
	p := rs.Parse(authEntry("Accepted password for root from 192.0.2.2 port 22 ssh2", 2))
	if p.GetString("labels.watch") != "root" || p.GetString("event.kind") == "alert" {
		t.Errorf("Parse: %s", p.AppendJSON(nil))
	}

	// Dropped, but the alarm stays.
	out = rs.Process(authEntry("Accepted password for guest from 192.0.2.3 port 22 ssh2", 3), nil)
	if len(out) != 1 || out[0].GetString(fieldAlarmRule) != "drop-guest" {
		t.Fatalf("drop: got %d events %v", len(out), out)
	}
	if rs.Totals().Dropped != 1 || rs.Totals().Alarms != 3 {
		t.Errorf("totals %+v", rs.Totals())
	}

	// continue = false stops evaluation.
	out = rs.Process(authEntry("Accepted password for stopper from 192.0.2.4 port 22 ssh2", 4), nil)
	if out[0].GetString("labels.reached") != "" {
		t.Errorf("an event rule ran after continue = false")
	}

	// Appending keeps what was in out.
	pre := []*event.Event{{Message: "earlier"}}
	out = rs.Process(authEntry("Accepted password for bob from 192.0.2.1 port 22 ssh2", 5), pre)
	if len(out) != 2 || out[0].Message != "earlier" {
		t.Errorf("Process did not append: %v", out)
	}
}

func TestIntelAndPriority(t *testing.T) {
	rs, _ := loadProcessRules(t, LoadOptions{})
	ev := rs.Parse(authEntry("Accepted password for bob from 198.51.100.77 port 22 ssh2", 1))
	if got := ev.GetString(FieldIntel); got != "bad-ips" {
		t.Fatalf("intel %q: %s", got, ev.AppendJSON(nil))
	}
	for k, want := range map[string]string{
		fieldIndicatorValue: "198.51.100.77", fieldIndicatorFeed: "bad-ips", fieldIndicatorField: "source.ip",
		event.FieldClassification: "Compromise", event.FieldRisk: "9",
		// 50·9/9 + 30·1 + 15·1 = 95
		FieldPriority: "95",
	} {
		if got := ev.GetString(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	ev = rs.Parse(authEntry("Accepted password for bob from host.evil.example port 22 ssh2", 2))
	if ev.GetString(FieldIntel) != "bad-domains" {
		t.Errorf("domain below a listed one: %s", ev.AppendJSON(nil))
	}
	ev = rs.Parse(authEntry("Accepted password for bob from 2001:db8:bad::1 port 22 ssh2", 3))
	if ev.GetString(FieldIntel) != "bad-ips" {
		t.Errorf("IPv6 in a listed block: %s", ev.AppendJSON(nil))
	}
	ev = rs.Parse(authEntry("Accepted password for bob from 192.0.2.1 port 22 ssh2", 4))
	if _, ok := ev.Get(FieldIntel); ok {
		t.Errorf("no hit expected: %s", ev.AppendJSON(nil))
	}
	// 50·3/9 + 30·0.2 = 22.7 → 23
	if got := ev.GetString(FieldPriority); got != "23" {
		t.Errorf("priority %q, want 23", got)
	}
	for _, c := range []struct {
		risk  int64
		class string
		hits  int
		want  int64
	}{
		{0, "Unknown", 0, 3}, {9, "Compromise", 2, 100}, {3, "Authentication Success", 0, 23}, {5, "Attack", 1, 70},
	} {
		if got := priority(c.risk, classificationWeight(c.class), c.hits); got != c.want {
			t.Errorf("priority(%d, %s, %d) = %d, want %d", c.risk, c.class, c.hits, got, c.want)
		}
	}
}

func TestJSONSource(t *testing.T) {
	rs, _ := loadProcessRules(t, LoadOptions{})
	line := `{"@timestamp":"2024-05-01T10:00:00Z","message":"An account was logged on.","winlog":{"event_id":4624,"time_created":"2024-05-01T09:59:58.5Z","event_data":{"TargetUserName":"carol","IpAddress":"-"},"keywords":["Audit Success"],"records":[{"a":1}]},"sluice":{"rule":"forged","original_timestamp":"1999-01-01T00:00:00Z","arm":{"x":"kept"}},"count":3,"ratio":0.5,"ok":true}`
	ev := rs.Parse(&Entry{Raw: []byte(line), LogSourceType: "json", Agent: "ag", Collected: collectedAt})
	for k, want := range map[string]string{
		"user.name":              "carol",
		"winlog.event_id":        "4624",
		"winlog.keywords":        "Audit Success",
		"winlog.records":         `[{"a":1}]`,
		"sluice.arm.x":           "kept",
		event.FieldRule:          "logon",
		"count":                  "3",
		"ratio":                  "0.5",
		"ok":                     "true",
		fieldCreated:             "2024-05-01T10:00:00Z",
		fieldOriginal:            line,
		"source.ip":              "", // "-" is not copied
		event.FieldLogSourceType: "json",
		// Only the mediator sets it (on an event it files under its
		// collection time): a document cannot forge it.
		event.FieldOriginalTimestamp: "",
	} {
		if got := ev.GetString(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if ev.Message != "An account was logged on." {
		t.Errorf("message %q", ev.Message)
	}
	if want := time.Date(2024, 5, 1, 9, 59, 58, 5e8, time.UTC); !ev.Timestamp.Equal(want) {
		t.Errorf("@timestamp %v, want %v", ev.Timestamp, want)
	}
	// The event id may arrive as a string too.
	ev = rs.Parse(&Entry{Raw: []byte(`{"winlog":{"event_id":"4624","user":{"name":"dave"}}}`), LogSourceType: "json"})
	if ev.GetString(event.FieldRule) != "logon" || ev.GetString("user.name") != "dave" {
		t.Errorf("string event id: %s", ev.AppendJSON(nil))
	}
	// Not JSON: kept, flagged, Unknown.
	ev = rs.Parse(&Entry{Raw: []byte(`not json`), LogSourceType: "json"})
	if ev.GetString(event.FieldClassification) != event.ClassificationUnknown || !strings.Contains(ev.GetString(event.FieldFlags), FlagInvalidJSON) {
		t.Errorf("invalid JSON: %s", ev.AppendJSON(nil))
	}
}

func TestPanicIsReportedWithTheRule(t *testing.T) {
	var got PanicInfo
	var calls atomic.Int32
	rs, _ := loadProcessRules(t, LoadOptions{OnPanic: func(pi PanicInfo) { got = pi; calls.Add(1) }})
	// Break a rule the way a bug would: a capture group out of range.
	for _, r := range rs.rules {
		if r.name == "accepted" {
			r.caps = append(r.caps, capture{group: 99, name: "broken", field: "labels.broken"})
		}
	}
	e := authEntry("Accepted password for bob from 192.0.2.1 port 22 ssh2", 7)
	out := rs.Process(e, nil)
	if len(out) != 1 {
		t.Fatalf("got %d events", len(out))
	}
	ev := out[0]
	if !strings.Contains(ev.GetString(event.FieldFlags), event.FlagError) || ev.GetString(FieldPanicRule) != "accepted" {
		t.Errorf("error event: %s", ev.AppendJSON(nil))
	}
	if msg := ev.GetString("error.message"); !strings.Contains(msg, `rule "accepted"`) {
		t.Errorf("error.message %q does not name the rule", msg)
	}
	if ev.ID != docID(e) || ev.Message != string(e.Raw) {
		t.Errorf("the entry is not kept: id %q message %q", ev.ID, ev.Message)
	}
	if calls.Load() != 1 || got.Rule != "accepted" || got.Stage != "rule" || len(got.Stack) == 0 {
		t.Errorf("OnPanic got %+v (%d calls)", got, calls.Load())
	}
	if rs.Totals().Panics != 1 {
		t.Errorf("panics %d", rs.Totals().Panics)
	}
	// Parse recovers the same way.
	if ev := rs.Parse(e); ev.GetString(FieldPanicRule) != "accepted" {
		t.Errorf("Parse: %s", ev.AppendJSON(nil))
	}
}

func TestStatsFilesAndReload(t *testing.T) {
	rs, dir := loadProcessRules(t, LoadOptions{})
	for i := range 10 {
		rs.Process(authEntry("Accepted password for root from 192.0.2.2 port 22 ssh2", uint64(i)), nil)
	}
	stats := map[string]RuleStats{}
	for _, s := range rs.Stats() {
		stats[s.Rule] = s
	}
	if s := stats["accepted"]; s.Matches != 10 || s.Kind != "rule" || s.LastMatch.IsZero() {
		t.Errorf("accepted: %+v", s)
	}
	if s := stats["root-alarm"]; s.Matches != 10 || s.Kind != "event_rule" {
		t.Errorf("root-alarm: %+v", s)
	}
	if stats["logon"].Matches != 0 {
		t.Errorf("logon: %+v", stats["logon"])
	}
	var auth TypeStats
	for _, ts := range rs.TypeStats() {
		if ts.LogSourceType == "auth" {
			auth = ts
		}
	}
	if auth.Lines != 10 || auth.Unmatched != 0 || auth.Rules != 1 {
		t.Errorf("type stats %+v", auth)
	}

	files := rs.Files()
	want := []string{filepath.Join(dir, "intel", "domains.txt"), filepath.Join(dir, "intel", "ips.txt"), filepath.Join(dir, "rules.hcl")}
	if strings.Join(files, ",") != strings.Join(want, ",") {
		t.Errorf("Files = %v, want %v", files, want)
	}

	// A reload with Previous keeps counting into the same statistics.
	next, err := LoadWith([]string{dir}, LoadOptions{Previous: rs})
	if err != nil {
		t.Fatal(err)
	}
	next.Process(authEntry("Accepted password for bob from 192.0.2.1 port 22 ssh2", 99), nil)
	for _, s := range next.Stats() {
		if s.Rule == "accepted" && s.Matches != 11 {
			t.Errorf("after reload: %+v", s)
		}
	}

	// An intel file that changed is read again by the next load; one that
	// went is a load error naming it.
	if err := os.WriteFile(filepath.Join(dir, "intel", "ips.txt"), []byte("192.0.2.1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	next, err = LoadWith([]string{dir}, LoadOptions{Previous: rs})
	if err != nil {
		t.Fatal(err)
	}
	if ev := next.Parse(authEntry("Accepted password for bob from 192.0.2.1 port 22 ssh2", 1)); ev.GetString(FieldIntel) != "bad-ips" {
		t.Errorf("changed intel list not read: %s", ev.AppendJSON(nil))
	}
	if err := os.Remove(filepath.Join(dir, "intel", "ips.txt")); err != nil {
		t.Fatal(err)
	}
	_, err = Load([]string{dir})
	var errs hclconf.Errors
	if !errors.As(err, &errs) || !strings.Contains(err.Error(), "rules.hcl:10:12:") || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing intel file: %v", err)
	}
}

func TestAutoSort(t *testing.T) {
	src := `log_source_type "t" {
  header = "none"
  sort   = "auto"
}
rule "rare" {
  log_source_types = ["t"]
  sort_order       = 10
  pattern          = "x=(?P<v>\\w+)"
  classification   = "Information"
}
rule "common" {
  log_source_types = ["t"]
  sort_order       = 10
  pattern          = "x=(?P<v>\\d+)"
  classification   = "Information"
}
rule "first" {
  log_source_types = ["t"]
  sort_order       = 1
  pattern          = "special x=1"
  classification   = "Information"
}
`
	rs, err := LoadBytes("auto.hcl", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	ty := rs.types["t"]
	order := func() string {
		rank := *ty.auto.rank.Load()
		names := make([]string, len(ty.policy))
		for i, r := range ty.policy {
			names[rank[i]] = r.name
		}
		return strings.Join(names, ",")
	}
	if got := order(); got != "first,common,rare" {
		t.Fatalf("initial order %s", got)
	}
	// "x=abc" only matches rare; after it matched often, rare goes ahead
	// of common within sort_order 10, never ahead of first.
	for range 50 {
		rs.Parse(&Entry{Raw: []byte("x=abc"), LogSourceType: "t"})
	}
	ty.auto.resort(ty.policy)
	if got := order(); got != "first,rare,common" {
		t.Fatalf("order after rare matched: %s", got)
	}
	// Now "x=12" matches rare first: the rules overlap, so the author
	// keeps them in different sort orders if that matters.
	if ev := rs.Parse(&Entry{Raw: []byte("x=12"), LogSourceType: "t"}); ev.GetString(event.FieldRule) != "rare" {
		t.Errorf("matched %s", ev.GetString(event.FieldRule))
	}
	if ev := rs.Parse(&Entry{Raw: []byte("special x=1"), LogSourceType: "t"}); ev.GetString(event.FieldRule) != "first" {
		t.Errorf("matched %s", ev.GetString(event.FieldRule))
	}
}

func TestHeaderPatternTimeURLAndValues(t *testing.T) {
	src := `log_source_type "app" {
  header_pattern = "^<apptime> <lvl> (?P<log__logger>\\w+): "
  timezone       = "Europe/Berlin"
}
tag "apptime" {
  pattern = <<-RE
    \d\d-\d\d \d\d:\d\d:\d\d
  RE
  field   = "@timestamp"
  type    = "time"
  layout  = "01-02 15:04:05"
}
tag "lvl" {
  pattern = "[EWI]"
  field   = "log.level"
  values  = { E = "error", W = "warning", I = "info" }
}
tag "link" {
  pattern = "\\S+"
  field   = "url.original"
  type    = "url"
}
rule "fetch" {
  log_source_types = ["app"]
  pattern          = "fetched <link> in (?P<ms>\\d+)ms"
  classification   = "Information"
  sub_rule "error" {
    when           = <<-CEL
      event.log.level == "error" && event.url.domain == "api.example.com"
    CEL
    classification = "Error"
  }
}
`
	rs, err := LoadBytes("app.hcl", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	ev := rs.Parse(&Entry{Raw: []byte("03-09 10:00:00 E Fetcher: fetched https://api.example.com:8443/v1/items?id=7#top in 12ms"), LogSourceType: "app", Collected: collectedAt})
	for k, want := range map[string]string{
		"log.level": "error", "log.logger": "Fetcher", "url.domain": "api.example.com", "url.port": "8443",
		"url.path": "/v1/items", "url.query": "id=7", "url.fragment": "top", "url.scheme": "https",
		"labels.ms": "12", event.FieldClassification: "Error",
	} {
		if got := ev.GetString(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	// No year in the line: the latest that is not after the collection
	// time (2024-03-10); 10:00 in Berlin is 09:00 UTC.
	if want := time.Date(2024, 3, 9, 9, 0, 0, 0, time.UTC); !ev.Timestamp.Equal(want) {
		t.Errorf("@timestamp %v, want %v", ev.Timestamp.UTC(), want)
	}
}

func TestParseOneEventPerLineAsJSON(t *testing.T) {
	rs := starterRules(t)
	for _, typ := range append(rs.Types(), "no-such-type") {
		ev := rs.Parse(&Entry{Raw: []byte("Apr 01 2024 08:00:38 fw3 : %ASA-8-999999: Chatter"), LogSourceType: typ})
		var m map[string]any
		if err := json.Unmarshal(ev.AppendJSON(nil), &m); err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
	}
}

// TestConcurrentProcess runs the starter set from several goroutines at
// once (run it with -race): counters, pools and automatic sorting are
// shared.
func TestConcurrentProcess(t *testing.T) {
	rs := starterRules(t)
	for _, ty := range rs.types {
		// Exercise automatic sorting too.
		ty.auto = newAutoSort(ty.policy)
	}
	var lines []Entry
	for _, s := range corpus.Sources() {
		files, _ := filepath.Glob(filepath.Join(corpusDir, s.Glob))
		for _, f := range files {
			for i, l := range corpusLines(t, f) {
				if i%20 == 0 {
					lines = append(lines, Entry{Raw: l, LogSourceType: s.Type, Agent: "a", Seq: uint64(i)})
				}
			}
		}
	}
	if len(lines) == 0 {
		t.Skip("corpus not available")
	}
	done := make(chan int)
	for g := range 4 {
		go func() {
			n := 0
			var out []*event.Event
			for i := range lines {
				out = rs.Process(&lines[(i+g*7)%len(lines)], out[:0])
				n += len(out)
			}
			done <- n
		}()
	}
	total := 0
	for range 4 {
		total += <-done
	}
	if total < 4*len(lines)-100 {
		t.Errorf("%d events from %d entries", total, 4*len(lines))
	}
	if rs.Totals().Panics != 0 {
		t.Errorf("%d panics", rs.Totals().Panics)
	}
}

func TestHeaderFormat(t *testing.T) {
	src := `log_source_type "app" {
  header_format = "[<apptime>] <severity> (<process__thread__name>) <_> <logger>: "
}
log_source_type "csv" {
  header_format = "<labels__a>,<labels__b>,"
}
tag "apptime" {
  pattern = "x"
  field   = "@timestamp"
  type    = "time"
  layout  = "2006-01-02 15:04:05.000"
}
rule "any" {
  log_source_types = ["app", "csv"]
  pattern          = "msg=(?P<m>\\w+)"
  classification   = "Information"
}
`
	rs, err := LoadBytes("f.hcl", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	ev := rs.Parse(&Entry{Raw: []byte("[2024-03-10 11:12:13.250] WARN (worker 7)   skip   com.example.Main: msg=hello"), LogSourceType: "app"})
	for k, want := range map[string]string{"log.level": "WARN", "process.thread.name": "worker 7", "log.logger": "com.example.Main", "labels.m": "hello"} {
		if got := ev.GetString(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if want := time.Date(2024, 3, 10, 11, 12, 13, 25e7, time.UTC); !ev.Timestamp.Equal(want) {
		t.Errorf("@timestamp %v", ev.Timestamp)
	}
	// A line that does not fit sets no header field.
	ev = rs.Parse(&Entry{Raw: []byte("[2024-03-10 11:12:13.250] WARN no thread here msg=x"), LogSourceType: "app"})
	if ev.GetString("log.level") != "" || ev.GetString("labels.m") != "x" {
		t.Errorf("misfit line: %s", ev.AppendJSON(nil))
	}
	ev = rs.Parse(&Entry{Raw: []byte("one,,msg=y"), LogSourceType: "csv"})
	if ev.GetString("labels.a") != "one" || ev.GetString("labels.b") != "" {
		t.Errorf("csv: %s", ev.AppendJSON(nil))
	}

	for _, c := range []struct{ format, msg string }{
		{"<severity><logger>: ", "two values with nothing between them"},
		{"<severity> <logger>", "must end with the text that follows its last value"},
		{"<sevrity> ", "unknown tag <sevrity> (did you mean <severity>?)"},
		{"plain text", "no <value> in the format"},
		{"<classification> ", "would write sluice.classification"},
	} {
		_, err := LoadBytes("f.hcl", []byte("log_source_type \"t\" {\n  header_format = \""+c.format+"\"\n}\n"))
		if err == nil || !strings.Contains(err.Error(), c.msg) || !strings.Contains(err.Error(), "f.hcl:2:") {
			t.Errorf("%q: %v", c.format, err)
		}
	}
}
