package mpe

import (
	"strings"
	"testing"
)

// A rule of a vendor type may carry a test under a type that identifies
// (syslog): it shows the line is recognised when it arrives as plain
// syslog. A test under a type that neither lists the rule nor identifies
// is still refused.
func TestRuleTestUnderIdentifyingType(t *testing.T) {
	src := `log_source_type "syslog" {}
log_source_type "plain" {}
log_source_type "acme-fw" {
  vendor  = "Acme"
  product = "Wall"
}
rule "acme-deny" {
  log_source_types = ["acme-fw"]
  pattern          = "ACMEWALL deny from <sip>"
  classification   = "Network Deny"
  test {
    log             = "Mar  1 10:00:00 fw1 acmewall[12]: ACMEWALL deny from 192.0.2.1"
    log_source_type = "syslog"
    expect          = { sip = "192.0.2.1", "observer.vendor" = "Acme", "event.dataset" = "acme-fw" }
  }
}
`
	rs, err := LoadBytes("x.hcl", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if rep := rs.RunTests(); rep.Passed != 1 || len(rep.Failures) != 0 {
		t.Fatalf("tests: %+v", rep)
	}
	bad := strings.Replace(src, `log_source_type = "syslog"`, `log_source_type = "plain"`, 1)
	if _, err := LoadBytes("x.hcl", []byte(bad)); err == nil || !strings.Contains(err.Error(), `does not apply to log source type "plain"`) {
		t.Fatalf("a test under a type that does not identify: err = %v", err)
	}
}
