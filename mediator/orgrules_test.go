package mediator

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/mpe"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// orgRuleSet is a rule set of the tests below: type "t", whose
// "hello <login>" rule names the common event; the global one also
// knows "bye <login>". Each carries a test, run at load.
const orgRuleSet = `
log_source_type "t" {
  header = "none"
}
rule "%[1]s-hello" {
  log_source_types = ["t"]
  pattern          = "hello <login>"
  classification   = "Information"
  common_event     = "%[2]s"
  test {
    log    = "hello bob"
    expect = { login = "bob", common_event = "%[2]s" }
  }
}
`

const globalBye = `
rule "global-bye" {
  log_source_types = ["t"]
  pattern          = "bye <login>"
  classification   = "Information"
  common_event     = "Farewell"
}
`

// writeRuleSet writes a rule set named name (its rule is name-hello)
// into dir as r.hcl, plus extra.
func writeRuleSet(t *testing.T, dir, name, commonEvent, extra string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "r.hcl"), []byte(fmt.Sprintf(orgRuleSet, name, commonEvent)+extra), 0o644); err != nil {
		t.Fatal(err)
	}
}

// brokenRules is a rule file that does not load: file:line:col errors.
const brokenRules = "rule \"x\" {\n  pattern = \"(\"\n}\n"

// orgRulesConfig is a mediator configuration with global rules in
// global and an organization block for each of orgs ("name=dir"; no dir:
// a block without rules), plus extra lines in the mediator block.
func orgRulesConfig(t *testing.T, global string, extra string, orgs ...string) *Config {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "mediator {\n listen = \"127.0.0.1:0\"\n http = \"127.0.0.1:0\"\n data_dir = %q\n rules = [%q]\n index_flush = \"20ms\"\n%s\n}\n", t.TempDir(), global, extra)
	for _, o := range orgs {
		name, dir, _ := strings.Cut(o, "=")
		if dir == "" {
			fmt.Fprintf(&b, "organization %q {\n  weight = 2\n}\n", name)
			continue
		}
		fmt.Fprintf(&b, "organization %q {\n  rules = [%q]\n}\n", name, dir)
	}
	cfg, err := ParseConfig([]byte(b.String()), "m.hcl")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// orgSender sends lines of type "t" as one agent of an organization.
type orgSender struct {
	t      *testing.T
	stream sluicev1.MediatorService_ConnectClient
	seq    uint64
}

func newOrgSender(t *testing.T, m *Mediator, org, agent string) *orgSender {
	t.Helper()
	stream, _, err := dialHello(t, m.Addr(), &sluicev1.Hello{AgentId: agent, Organization: org})
	if err != nil {
		t.Fatal(err)
	}
	return &orgSender{t: t, stream: stream}
}

func (s *orgSender) send(line string) {
	s.t.Helper()
	s.seq++
	err := s.stream.Send(&sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Batch{Batch: &sluicev1.LogBatch{Entries: []*sluicev1.LogEntry{{Seq: s.seq, SourceType: "t", Raw: []byte(line)}}}}})
	if err != nil {
		s.t.Fatal(err)
	}
}

// waitCount waits until query matches want events.
func waitCount(t *testing.T, m *Mediator, query string, want int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := count(t, m, query)
		if n == want {
			return
		}
		if time.Now().After(deadline) {
			res, _ := m.Index().Search(context.Background(), indexer.SearchRequest{Query: "*", Limit: 20})
			t.Fatalf("%d events match %s, want %d; all: %+v", n, query, want, res)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestOrgRules: acme's own rule classifies its "hello" lines; the same
// line from globex (no rules of its own) gets the global rule; acme's
// lines no rule of its own matches fall back to the global rules. A
// broken acme set at reload is refused, acme keeps its rules, and the
// global set and initech's reload all the same. /v1/rules/stats?org=acme
// counts acme's lines only.
func TestOrgRules(t *testing.T) {
	global, acme, initech := t.TempDir(), t.TempDir(), t.TempDir()
	writeRuleSet(t, global, "global", "Greeting", globalBye)
	writeRuleSet(t, acme, "acme", "AcmeGreeting", "")
	writeRuleSet(t, initech, "initech", "InitechGreeting", "")
	cfg := orgRulesConfig(t, global, "", "acme="+acme, "globex", "initech="+initech)
	logs := &logBuffer{}
	m := startWithLogs(t, cfg, logs)

	senders := map[string]*orgSender{}
	for _, org := range []string{"acme", "globex", "initech"} {
		senders[org] = newOrgSender(t, m, org, org+"-web")
		senders[org].send("hello ann")
	}
	senders["acme"].send("bye ann")
	waitCount(t, m, `organization.id:acme AND sluice.common_event:AcmeGreeting AND sluice.rule:"acme-hello"`, 1)
	waitCount(t, m, `organization.id:acme AND sluice.common_event:Farewell AND sluice.rule:"global-bye"`, 1)
	waitCount(t, m, `organization.id:globex AND sluice.common_event:Greeting AND sluice.rule:"global-hello"`, 1)
	waitCount(t, m, `organization.id:initech AND sluice.common_event:InitechGreeting`, 1)
	// Nobody else's line ever met acme's or initech's rules.
	waitCount(t, m, `sluice.common_event:AcmeGreeting`, 1)
	waitCount(t, m, `sluice.common_event:InitechGreeting`, 1)

	var stats RuleStatsResponse
	getJSON(t, "http://"+m.HTTPAddr()+"/v1/rules/stats?org=acme", &stats)
	if stats.Organization != "acme" || len(stats.Rules) != 1 || stats.Rules[0].Rule != "acme-hello" || stats.Rules[0].Matches != 1 {
		t.Fatalf("acme's stats: %+v", stats)
	}
	for _, ts := range stats.Types {
		if want := map[string]uint64{"t": 2}[ts.LogSourceType]; ts.Lines != want || ts.LogSourceType == "t" && ts.Unmatched != 1 {
			t.Fatalf("acme's type stats count other lines than acme's two (one unmatched): %+v", stats.Types)
		}
	}
	var globalStats RuleStatsResponse
	getJSON(t, "http://"+m.HTTPAddr()+"/v1/rules/stats", &globalStats)
	if globalStats.Organization != "" || len(globalStats.Rules) != 2 {
		t.Fatalf("global stats: %+v", globalStats)
	}
	for _, r := range globalStats.Rules {
		// acme's bye fell back; globex's hello; nothing of acme's or initech's hello.
		if want := map[string]uint64{"global-hello": 1, "global-bye": 1}[r.Rule]; r.Matches != want {
			t.Errorf("global rule %s matched %d, want %d", r.Rule, r.Matches, want)
		}
	}

	// A broken acme set: refused, the error names acme; the global set
	// and initech's set reload.
	time.Sleep(20 * time.Millisecond) // a new modification time
	if err := os.WriteFile(filepath.Join(acme, "r.hcl"), []byte(brokenRules), 0o644); err != nil {
		t.Fatal(err)
	}
	writeRuleSet(t, global, "global", "Salutation", globalBye)
	writeRuleSet(t, initech, "initech", "InitechSalutation", "")
	err := m.Reload()
	if err == nil || !strings.Contains(err.Error(), `organization "acme"`) || !strings.Contains(err.Error(), "r.hcl:1:10") {
		t.Fatalf("reload with a broken acme set: %v", err)
	}
	if strings.Contains(err.Error(), "initech") {
		t.Fatalf("reload error blames initech: %v", err)
	}
	for _, org := range []string{"acme", "globex", "initech"} {
		senders[org].send("hello bea")
	}
	waitCount(t, m, `organization.id:acme AND user.name:bea AND sluice.common_event:AcmeGreeting`, 1)
	waitCount(t, m, `organization.id:globex AND user.name:bea AND sluice.common_event:Salutation`, 1)
	waitCount(t, m, `organization.id:initech AND user.name:bea AND sluice.common_event:InitechSalutation`, 1)
	stats = RuleStatsResponse{}
	getJSON(t, "http://"+m.HTTPAddr()+"/v1/rules/stats?org=acme", &stats)
	if !strings.Contains(stats.Error, "r.hcl:1:10") || stats.Rules[0].Matches != 2 {
		t.Fatalf("acme's stats after the refused reload: %+v", stats)
	}

	// Fixed, acme's set is picked up by the file watch.
	writeRuleSet(t, acme, "acme", "AcmeWelcome", "")
	logs.waitLog(t, "rules reloaded", "organization=acme", `trigger="files changed"`)
	senders["acme"].send("hello cat")
	waitCount(t, m, `organization.id:acme AND user.name:cat AND sluice.common_event:AcmeWelcome`, 1)
}

// TestOrgRulesBrokenAtStart: an organization whose rules do not load, or
// whose tests fail, keeps the mediator from starting, and New says which
// organization and where.
func TestOrgRulesBrokenAtStart(t *testing.T) {
	tests := []struct {
		name  string
		write func(t *testing.T, dir string)
		want  []string
	}{
		{name: "does not load", write: func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, "r.hcl"), []byte(brokenRules), 0o644); err != nil {
				t.Fatal(err)
			}
		}, want: []string{`organization "acme"`, "r.hcl:1:10"}},
		{name: "tests fail", write: func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, "r.hcl"), []byte(strings.Replace(fmt.Sprintf(orgRuleSet, "acme", "A"), `common_event = "A" }`, `common_event = "B" }`, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
		}, want: []string{`organization "acme"`, "rule tests failed", "r.hcl:"}},
		{name: "missing folder", write: func(t *testing.T, dir string) {
			if err := os.Remove(dir); err != nil {
				t.Fatal(err)
			}
		}, want: []string{`organization "acme"`, "read rules"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			global, acme, globex := t.TempDir(), t.TempDir(), t.TempDir()
			writeRuleSet(t, global, "global", "Greeting", "")
			writeRuleSet(t, globex, "globex", "GlobexGreeting", "")
			tt.write(t, acme)
			cfg := orgRulesConfig(t, global, "", "globex="+globex, "acme="+acme)
			m, err := New(cfg, Deps{Logger: testkit.Logger(t, "mediator")})
			if err == nil {
				m.release()
				t.Fatal("New started with a broken organization rule set")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not say %q: %v", w, err)
				}
			}
			if strings.Contains(err.Error(), "globex") {
				t.Errorf("error blames globex: %v", err)
			}
		})
	}
}

// TestOrgRulesReplace: a reload of the organizations' configuration adds
// keepers, drops them and loads changed paths; an organization whose new
// rules fail keeps its previous set and is named, the others apply.
func TestOrgRulesReplace(t *testing.T) {
	acme1, acme2, broken, initech := t.TempDir(), t.TempDir(), t.TempDir(), t.TempDir()
	writeRuleSet(t, acme1, "acme", "One", "")
	writeRuleSet(t, acme2, "acme", "Two", "")
	writeRuleSet(t, initech, "initech", "Initech", "")
	if err := os.WriteFile(filepath.Join(broken, "r.hcl"), []byte(brokenRules), 0o644); err != nil {
		t.Fatal(err)
	}
	o, err := newOrgRules([]OrgConfig{{Name: "acme", Rules: []string{acme1}}, {Name: "globex"}}, nil, hclog.NewNullLogger())
	if err != nil {
		t.Fatal(err)
	}
	commonEvent := func(org string) string {
		t.Helper()
		out := o.process(nil, &mpe.Entry{Raw: []byte("hello bob"), LogSourceType: "t", Organization: org}, nil)
		return out[0].GetString("sluice.common_event")
	}
	steps := []struct {
		name    string
		orgs    []OrgConfig
		wantErr string
		want    map[string]string // org → common event of "hello bob"
	}{
		{name: "as loaded", want: map[string]string{"acme": "One", "initech": "", "globex": ""}},
		{name: "initech gains rules", orgs: []OrgConfig{{Name: "acme", Rules: []string{acme1}}, {Name: "initech", Rules: []string{initech}}},
			want: map[string]string{"acme": "One", "initech": "Initech"}},
		{name: "acme's paths change", orgs: []OrgConfig{{Name: "acme", Rules: []string{acme2}}, {Name: "initech", Rules: []string{initech}}},
			want: map[string]string{"acme": "Two", "initech": "Initech"}},
		{name: "acme's new rules fail, initech's removal applies", orgs: []OrgConfig{{Name: "acme", Rules: []string{broken}}, {Name: "initech"}},
			wantErr: `organization "acme"`, want: map[string]string{"acme": "Two", "initech": ""}},
		{name: "a new organization with broken rules gets none", orgs: []OrgConfig{{Name: "acme", Rules: []string{acme2}}, {Name: "hooli", Rules: []string{broken}}},
			wantErr: `organization "hooli"`, want: map[string]string{"acme": "Two", "hooli": ""}},
		{name: "acme's block removed", orgs: nil, want: map[string]string{"acme": "", "hooli": ""}},
	}
	for i, s := range steps {
		if s.name != "as loaded" {
			err := o.replace(s.orgs)
			if s.wantErr == "" && err != nil || s.wantErr != "" && (err == nil || !strings.Contains(err.Error(), s.wantErr)) {
				t.Fatalf("%s: replace: %v, want %q", s.name, err, s.wantErr)
			}
		}
		for org, want := range s.want {
			if got := commonEvent(org); got != want {
				t.Errorf("%s: %s's line has common event %q, want %q", s.name, org, got, want)
			}
		}
		// acme's rule keeps counting across a change of its paths: one
		// line per step so far.
		if k := o.keeper("acme"); k != nil {
			if st := k.current.Load().Stats(); len(st) != 1 || st[0].Matches != uint64(i+1) {
				t.Errorf("%s: acme's statistics %+v, want %d matches", s.name, st, i+1)
			}
		}
	}
	if o.keepers.Load() != nil {
		t.Errorf("no organization has rules, but the keepers' map is not nil: %v", o.orgs())
	}
}

// TestOrgRuleStatsAccess: an organization's rule statistics take a token
// for that organization (or all); the global ones still take a token for
// all; an organization without rules of its own is a 404, to tokens that
// may read it only; a scoped token sees reload errors without the
// mediator's paths.
func TestOrgRuleStatsAccess(t *testing.T) {
	global, acme := t.TempDir(), t.TempDir()
	writeRuleSet(t, global, "global", "Greeting", "")
	writeRuleSet(t, acme, "acme", "AcmeGreeting", "")
	admin := writeTokenFile(t, apiAdminTok+"\n")
	read := writeTokenFile(t, apiAllTok+" *\n"+apiAcmeTok+" acme\n"+apiTwoOrgTok+" acme,globex\n")
	cfg := orgRulesConfig(t, global, fmt.Sprintf(" admin_token_file = %q\n read_token_file = %q\n", admin, read), "acme="+acme, "globex")
	m := startWithLogs(t, cfg, &logBuffer{})
	base := "http://" + m.HTTPAddr()
	for _, c := range []apiCall{
		{name: "no token", path: "/v1/rules/stats?org=acme", code: 401},
		{name: "acme's token, acme's stats", path: "/v1/rules/stats?org=acme", token: apiAcmeTok, code: 200, want: `"rule":"acme-hello"`, not: "global-hello"},
		{name: "acme's token, globex's stats", path: "/v1/rules/stats?org=globex", token: apiAcmeTok, code: 403, want: `may not read organization \"globex\"`},
		{name: "acme's token, an unknown organization", path: "/v1/rules/stats?org=hooli", token: apiAcmeTok, code: 403},
		{name: "acme's token, global stats", path: "/v1/rules/stats", token: apiAcmeTok, code: 403, want: "every organization"},
		{name: "two-org token, acme's stats", path: "/v1/rules/stats?org=acme", token: apiTwoOrgTok, code: 200, want: `"organization":"acme"`},
		{name: "two-org token, globex has no rules", path: "/v1/rules/stats?org=globex", token: apiTwoOrgTok, code: 404, want: "no rules of its own"},
		{name: "read-all token, acme's stats", path: "/v1/rules/stats?org=acme", token: apiAllTok, code: 200, want: "acme-hello"},
		{name: "read-all token, global stats", path: "/v1/rules/stats", token: apiAllTok, code: 200, want: "global-hello", not: "acme-hello"},
	} {
		c.run(t, base)
	}

	// A refused reload: acme's token reads the error, not where the files are.
	if err := os.WriteFile(filepath.Join(acme, "r.hcl"), []byte(brokenRules), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := m.Reload(); err == nil {
		t.Fatal("a broken acme set reloaded")
	}
	body := apiCall{name: "acme's token after a refused reload", path: "/v1/rules/stats?org=acme", token: apiAcmeTok, code: 200, want: "r.hcl:1:10", not: acme}.run(t, base)
	if !strings.Contains(body, "last_reload_error") {
		t.Fatalf("no reload error: %s", body)
	}
}
