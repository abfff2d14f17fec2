package mpe

import (
	"os"
	"path/filepath"
	"testing"
)

// checkNoStats fails unless no counter of rs moved.
func checkNoStats(t *testing.T, rs *RuleSet, when string) {
	t.Helper()
	for _, s := range rs.Stats() {
		if s.Matches != 0 || s.Tried != 0 || s.Time != 0 || !s.LastMatch.IsZero() {
			t.Errorf("%s: %s %q counted: %+v", when, s.Kind, s.Rule, s)
		}
	}
	for _, ts := range rs.TypeStats() {
		if ts.Lines != 0 || ts.Unmatched != 0 {
			t.Errorf("%s: type %s counted: %+v", when, ts.LogSourceType, ts)
		}
	}
	if tot := rs.Totals(); tot != (EngineStats{}) {
		t.Errorf("%s: totals %+v", when, tot)
	}
}

// TestStatsIgnoreRuleTests checks that the test blocks run at load (the
// mediator runs them before every swap) are not counted as traffic: a
// fresh rule set whose tests all ran shows no match, try, time, line or
// alarm, and neither does a reload that carries the counters over.
func TestStatsIgnoreRuleTests(t *testing.T) {
	rs := starterRules(t)
	rep := rs.RunTests()
	if rep.Failed != 0 || rep.Passed == 0 {
		t.Fatalf("starter set tests: %d passed, %d failed", rep.Passed, rep.Failed)
	}
	checkNoStats(t, rs, "after RunTests")

	next, err := LoadWith([]string{"../configs/rules"}, LoadOptions{Previous: rs})
	if err != nil {
		t.Fatal(err)
	}
	if rep := next.RunTests(); rep.Failed != 0 {
		t.Fatalf("reloaded set: %d failed", rep.Failed)
	}
	checkNoStats(t, next, "after a reload's RunTests")

	// Traffic still counts, into the counters carried over.
	e := &Entry{Raw: []byte("Mar  3 08:15:02 bastion1 sshd[4117]: Accepted password for alice from 192.0.2.44 port 50122 ssh2"), LogSourceType: "linux-auth", Collected: collectedAt}
	next.Process(e, nil)
	for _, r := range []*RuleSet{rs, next} {
		for _, s := range r.Stats() {
			if s.Rule == "sshd-accepted" && (s.Matches != 1 || s.Tried != 1 || s.LastMatch.IsZero()) {
				t.Errorf("sshd-accepted after one line: %+v", s)
			}
		}
	}
}

const statsRules = `
log_source_type "auth" {}

rule "accepted" {
  log_source_types = ["auth"]
  pattern          = "Accepted <method> for <login> from <sip> port <sport>"
  classification   = "Authentication Success"

  test {
    log    = "Mar 10 11:59:58 web1 sshd[9]: Accepted password for bob from 192.0.2.1 port 22 ssh2"
    expect = { login = "bob" }
  }
}

rule "failed" {
  log_source_types = ["auth"]
  pattern          = "Failed <method> for <login> from <sip> port <sport>"
  classification   = "Authentication Failure"
}

event_rule "root" {
  when = "has(event.login) && event.login == \"root\""
  alarm {}

  test {
    log             = "Mar 10 11:59:58 web1 sshd[9]: Accepted password for root from 192.0.2.1 port 22 ssh2"
    log_source_type = "auth"
    alarm           = true
  }
}
`

// TestStatsTried checks the tried figure: matches are exact and failed
// tries sampled, and tried (their sum) is never below matches, so a rule
// that matched a few lines never shows tried = 0.
func TestStatsTried(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "rules.hcl"), []byte(statsRules), 0o600); err != nil {
		t.Fatal(err)
	}
	rs, err := Load([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if rep := rs.RunTests(); rep.Failed != 0 || rep.Passed != 2 {
		t.Fatalf("tests: %+v", rep)
	}
	checkNoStats(t, rs, "after RunTests")

	stats := func() map[string]RuleStats {
		m := map[string]RuleStats{}
		for _, s := range rs.Stats() {
			if s.Tried < s.Matches {
				t.Errorf("%s: tried %d < matches %d", s.Rule, s.Tried, s.Matches)
			}
			m[s.Rule] = s
		}
		return m
	}

	// Three lines that match: whether or not one was sampled, the rule
	// shows three tries and three matches; the other rule, which the
	// literal scan never let through, none.
	for i := range 3 {
		rs.Process(authEntry("Accepted password for root from 192.0.2.1 port 22 ssh2", uint64(i)), nil)
	}
	s := stats()
	if a := s["accepted"]; a.Matches != 3 || a.Tried != 3 {
		t.Errorf("accepted after 3 matching lines: %+v", a)
	}
	if f := s["failed"]; f.Matches != 0 || f.Tried != 0 {
		t.Errorf("failed, never a candidate: %+v", f)
	}
	if r := s["root"]; r.Matches != 3 || r.Tried != 3 || r.Kind != "event_rule" {
		t.Errorf("event rule root: %+v", r)
	}
	if tot := rs.Totals(); tot.Alarms != 3 {
		t.Errorf("alarms %d, want 3", tot.Alarms)
	}

	// Lines the literal scan lets through but the pattern rejects (the
	// port is no number): their tries are sampled, one in 16, scaled.
	const misses = 3200
	for i := range misses {
		rs.Process(authEntry("Accepted password for bob from 192.0.2.1 port none ssh2", uint64(10+i)), nil)
	}
	s = stats()
	a := s["accepted"]
	if a.Matches != 3 {
		t.Errorf("accepted matches %d, want 3", a.Matches)
	}
	// 3200 tries sampled at 1/16: about 200 samples (σ ≈ 14); the
	// bounds are 7σ away.
	if lo, hi := uint64(3+misses/2), uint64(3+misses*3/2); a.Tried < lo || a.Tried > hi || (a.Tried-3)%timingSample != 0 {
		t.Errorf("accepted tried %d after %d misses, want about %d", a.Tried, misses, 3+misses)
	}
	if a.Time <= 0 {
		t.Errorf("accepted time %v after %d tries", a.Time, 3+misses)
	}
}
