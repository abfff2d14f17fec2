package mpe

import (
	"strings"
	"testing"
)

// TestStarterRules runs every test block of the rule set shipped in
// configs/rules: `sluice rules test` on it must pass.
func TestStarterRules(t *testing.T) {
	rs := starterRules(t)
	rep := rs.RunTests()
	for _, f := range rep.Failures {
		t.Error(f.String())
	}
	if rep.Passed == 0 {
		t.Error("no tests ran")
	}
	t.Logf("%d rules, %d tests passed, %d failed; types %v", rs.Len(), rep.Passed, rep.Failed, rs.Types())
	for _, want := range []string{"linux-auth", "syslog"} {
		if !strings.Contains(strings.Join(rs.Types(), ","), want) {
			t.Errorf("no policy for %s", want)
		}
	}
	// Every rule of the starter set is tested.
	for _, r := range rs.rules {
		if len(r.tests) == 0 {
			t.Errorf("%s:%d: rule %q has no test", r.file, r.line, r.name)
		}
	}
}

func TestRunTestsReportsFailures(t *testing.T) {
	src := `log_source_type "linux-auth" {}
rule "first" {
  log_source_types = ["linux-auth"]
  sort_order       = 1
  pattern          = "Accepted password for root"
  classification   = "Authentication Success"
}
rule "r" {
  log_source_types = ["linux-auth"]
  sort_order       = 2
  pattern          = "Accepted <method> for <login> from <sip>"
  classification   = "Authentication Success"
  test {
    log    = "Accepted password for alice from 192.0.2.1"
    expect = { login = "alice" }
  }
  test {
    log    = "Accepted password for alice from 192.0.2.1"
    expect = {
      login = "bob"
      sip   = "192.0.2.1"
      risk  = 5
    }
  }
  test {
    log    = "Accepted password for root from 192.0.2.1"
    expect = { login = "root" }
  }
  test {
    log    = "nothing like it"
    expect = { login = "x" }
  }
}
`
	rs, err := LoadBytes("f.hcl", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	rep := rs.RunTests()
	if rep.Passed != 1 || rep.Failed != 3 {
		t.Errorf("passed %d, failed %d; want 1, 3", rep.Passed, rep.Failed)
	}
	var got []string
	for _, f := range rep.Failures {
		got = append(got, f.String())
	}
	want := []string{
		`f.hcl:20: rule "r": test 2: field login: want "bob", got "alice"`,
		`f.hcl:22: rule "r": test 2: field risk: want "5", got "0"`,
		`f.hcl:25: rule "r": test 3: the log line matched rule "first", which comes first in the linux-auth policy`,
		`f.hcl:29: rule "r": test 4: no rule matched the log line (classification Unknown)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("failures:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
