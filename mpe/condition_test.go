package mpe

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/cel-go/common/types"

	"github.com/sluicehq/sluice/internal/corpus"
	"github.com/sluicehq/sluice/pkg/event"
)

func testSchema() *schema {
	s := newSchema(newTagLibrary(), "this rule")
	s.add("user.name", types.StringType)
	s.add("source.port", types.IntType)
	s.add("source.ip", types.StringType)
	s.add("destination.ip", types.StringType)
	s.add("process.name", types.StringType)
	s.add("process.pid", types.IntType)
	s.add("event.category", types.NewListType(types.StringType))
	s.add("labels.ok", types.BoolType)
	s.add(event.FieldTimestamp, types.TimestampType)
	return s
}

func TestConditions(t *testing.T) {
	ev := &event.Event{Timestamp: time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)}
	ev.Set("user.name", "root")
	ev.Set("source.port", int64(22))
	ev.Set("process.name", "sshd")
	ev.Set("event.category", []string{"authentication", "session"})
	ev.Set("labels.ok", true)

	cases := []struct {
		expr string
		want bool
	}{
		{`event.login == "root"`, true},
		{`event.login != "root"`, false},
		{`"root" == event.login`, true},
		{`event.user.name == 'root'`, true},
		{`event.sport == 22`, true},
		{`event.sport > 20 && event.sport < 1024`, true},
		{`event.login == "root" && event.process == "sshd"`, true},
		{`event.login == "bob" || event.process == "sshd"`, true},
		{`event.login == "bob" || event.process == "cron"`, false},
		{`!(event.login == "bob")`, true},
		{`event.login in ["admin", "root"]`, true},
		{`event.login in []`, false},
		{`has(event.login)`, true},
		{`has(event.dip)`, false},
		{`!has(event.dip)`, true},
		{`has(event.source)`, true},
		{`event.login.startsWith("ro")`, true},
		{`event.login.endsWith("ot")`, true},
		{`event.process.contains("sh")`, true},
		{`event.login.matches("^r..t$")`, true},
		{`event.login.upperAscii() == "ROOT"`, true},
		{`"session" in event.event.category`, true},
		{`event.event.category.exists(c, c == "authentication")`, true},
		{`event.ok == true`, true},
		{`event.ok`, true},
		{`event.timestamp > timestamp("2024-01-01T00:00:00Z")`, true},
		{`true`, true},
		{`false || true`, true},
		// CEL semantics for absent fields: an error that && and || can
		// absorb, and that makes the whole condition false otherwise.
		{`event.dip == "192.0.2.1"`, false},
		{`event.dip != "192.0.2.1"`, false},
		{`!(event.dip == "192.0.2.1")`, false},
		{`event.dip == "x" || event.login == "root"`, true},
		{`event.dip == "x" && event.login == "bob"`, false},
		{`event.dip == "x" && event.login == "root"`, false},
		{`event.dip in ["x"]`, false},
		{`event.dip.startsWith("1")`, false},
		{`event.login == "root" && (event.sport == 22 || event.sport == 2222)`, true},
		{`event.login == "a\"b"`, false},
	}
	for _, c := range cases {
		cond, err := compileCondition(c.expr, testSchema())
		if err != nil {
			t.Errorf("%s: %v", c.expr, err)
			continue
		}
		if got := cond.holds(ev); got != c.want {
			t.Errorf("%s = %v, want %v", c.expr, got, c.want)
		}
		if got := cond.celHolds(ev); got != c.want {
			t.Errorf("%s = %v with cel-go, want %v", c.expr, got, c.want)
		}
	}

	bad := []struct {
		expr string
		off  int
		msg  string
	}{
		{`event.login = "root"`, 12, `"=" is not an operator`},
		{`login == "root"`, 0, "undeclared reference to 'login'"},
		{`event.login ==`, 14, ""},
		{`event.login == "root`, 15, ""},
		{`event.login`, 0, "must be true or false"},
		{`event.nope == "x"`, 6, "event.nope (labels.nope) is never set by this rule"},
		{`event.sport == "22"`, 12, "no matching overload"},
		{`event.login.frobnicate("x")`, 22, "undeclared reference to 'frobnicate'"},
		{`(event.login == "x"`, 19, ""},
		{`event.login == "x" extra`, 19, ""},
		{`event == 1`, 0, "refer to one of its fields"},
		{`event.process == "a" && event.process.pid == 1`, 30, "both as a value and as an object"},
		{``, 0, "empty"},
	}
	for _, c := range bad {
		_, err := compileCondition(c.expr, testSchema())
		ce, ok := err.(*condError)
		if !ok {
			t.Errorf("%q: got %v, want a condError", c.expr, err)
			continue
		}
		if ce.off != c.off || !strings.Contains(ce.msg, c.msg) {
			t.Errorf("%q: error %q at %d, want %q at %d", c.expr, ce.msg, ce.off, c.msg, c.off)
		}
	}
}

func TestOpenSchemaConditions(t *testing.T) {
	s := newSchema(newTagLibrary(), "this rule")
	s.open = true
	ev := &event.Event{}
	ev.Set("winlog.event_id", int64(4624))
	ev.Set("winlog.event_data.TargetUserName", "alice")
	ev.Set("event.action", "logged-in")
	for expr, want := range map[string]bool{
		`event.winlog.event_id == 4624`:                                true,
		`event.winlog.event_id in [4624, 4625]`:                        true,
		`event.winlog.event_data.TargetUserName == "alice"`:            true,
		`has(event.winlog.event_data) && event.winlog.event_id > 4000`: true,
		`event.action == "logged-in"`:                                  true,
		`event.winlog.nope == 1`:                                       false,
	} {
		c, err := compileCondition(expr, s)
		if err != nil {
			t.Errorf("%s: %v", expr, err)
			continue
		}
		if got := c.holds(ev); got != want {
			t.Errorf("%s = %v, want %v", expr, got, want)
		}
	}
	c, err := compileCondition(`event.winlog.event_id == 4624 && event.winlog.channel == "Security" && event.sluice.x == "abc"`, s)
	if err != nil {
		t.Fatal(err)
	}
	var lits []string
	for _, g := range c.lits {
		lits = append(lits, strings.Join(g, "|"))
	}
	if got := strings.Join(lits, ","); got != "4624,Security" {
		t.Errorf("literals %q, want 4624,Security", got)
	}
}

func BenchmarkCondition(b *testing.B) {
	c, err := compileCondition(`event.login == "root" && event.sport == 22`, testSchema())
	if err != nil {
		b.Fatal(err)
	}
	ev := &event.Event{}
	ev.Set("user.name", "root")
	ev.Set("source.port", int64(22))
	b.ReportAllocs()
	for b.Loop() {
		c.holds(ev)
	}
}

// conditionsOf returns every compiled condition of a rule set.
func conditionsOf(rs *RuleSet) []*condition {
	var out []*condition
	for _, r := range rs.rules {
		if r.when != nil {
			out = append(out, r.when)
		}
		for _, s := range r.subs {
			out = append(out, s.when)
		}
	}
	for _, er := range rs.eventRules {
		out = append(out, er.when)
	}
	return out
}

// TestFastConditionsAgree evaluates every condition of the starter set
// on every corpus event both ways: the fast path, where it answers, must
// agree with cel-go.
func TestFastConditionsAgree(t *testing.T) {
	rs := starterRules(t)
	conds := conditionsOf(rs)
	fast := 0
	for _, c := range conds {
		if c.fast != nil {
			fast++
		}
	}
	t.Logf("%d of %d conditions have a fast path", fast, len(conds))
	if fast*10 < len(conds)*9 {
		t.Errorf("only %d of %d conditions have a fast path", fast, len(conds))
	}
	var events []*event.Event
	for _, s := range corpus.Sources() {
		files, _ := filepath.Glob(filepath.Join(corpusDir, s.Glob))
		for _, f := range files {
			for i, l := range corpusLines(t, f) {
				if i%7 == 0 { // a sample keeps the test quick
					events = append(events, rs.Parse(&Entry{Raw: l, LogSourceType: s.Type, Agent: "a", Collected: collectedAt}))
				}
			}
		}
	}
	for _, r := range rs.rules {
		for _, tc := range r.tests {
			events = append(events, rs.Parse(&Entry{Raw: []byte(tc.log), LogSourceType: tc.typ, Collected: collectedAt}))
		}
	}
	unknown := 0
	for _, c := range conds {
		if c.fast == nil {
			continue
		}
		for _, ev := range events {
			f := c.fast(ev)
			if f == triUnknown {
				unknown++
				continue
			}
			if want := c.celHolds(ev); (f == triTrue) != want {
				t.Fatalf("condition %s on %s: fast %v, cel-go %v", c.src, ev.AppendJSON(nil), f == triTrue, want)
			}
		}
	}
	t.Logf("%d events × %d conditions; the fast path passed %d evaluations to cel-go", len(events), fast, unknown)
}

func TestRequiredFields(t *testing.T) {
	for expr, want := range map[string]string{
		`has(event.user.name)`:                                      "user.name",
		`has(event.user.name) && event.source.port == 22`:           "user.name",
		`event.source.port == 22 && (has(event.source.ip) && true)`: "source.ip",
		`has(event.user.name) && has(event.source.ip)`:              "user.name,source.ip",
		`has(event.user.name) || has(event.source.ip)`:              "",
		`!has(event.user.name)`:                                     "",
		`event.user.name == "root"`:                                 "",
	} {
		c, err := compileCondition(expr, testSchema())
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		if got := strings.Join(c.requires, ","); got != want {
			t.Errorf("%s: requires %q, want %q", expr, got, want)
		}
	}
}

// Event rules that need sluice.intel are skipped on text events no intel
// list hit: on those events, their conditions must indeed never hold.
func TestNeedsIntelSkipsOnlyWhatCannotHold(t *testing.T) {
	rs := starterRules(t)
	needs := 0
	for _, er := range rs.eventRules {
		if er.needsIntel {
			needs++
		}
	}
	if needs == 0 {
		t.Fatal("no event rule of the starter set needs intel; the test tests nothing")
	}
	checked := 0
	for _, s := range corpus.Sources() {
		files, _ := filepath.Glob(filepath.Join(corpusDir, s.Glob))
		for _, f := range files {
			for _, l := range corpusLines(t, f) {
				e := &Entry{Raw: l, LogSourceType: s.Type, Agent: "a", Collected: collectedAt}
				p := pass{e: e, t: rs.typeOf(e.LogSourceType), quiet: true}
				ev := rs.parse(&p)
				if !p.noIntel {
					continue
				}
				for _, er := range p.t.events {
					if er.needsIntel && er.when.holds(ev) {
						t.Fatalf("%s holds on %s, which has no intel", er.name, ev.AppendJSON(nil))
					}
				}
				checked++
			}
		}
	}
	t.Logf("%d events without intel, %d event rules that need it", checked, needs)
}
