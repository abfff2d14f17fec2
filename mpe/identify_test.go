package mpe

import (
	"fmt"
	"testing"
)

const identifySrc = `
log_source_type "syslog" { header = "syslog" }
log_source_type "edge" { identify = true }
log_source_type "pinned" {}
log_source_type "acme-fw" {
  vendor  = "Acme"
  product = "Wall"
}
log_source_type "globex-mail" {
  vendor = "Globex Corp"
  module = "globex"
}
log_source_type "json-dev" {
  format = "json"
  vendor = "Initech"
}
rule "acme-deny" {
  log_source_types = ["acme-fw"]
  sort_order       = 100
  pattern          = "ACMEWALL deny <sip> -> <dip>"
  classification   = "Network Deny"
}
rule "acme-anything" {
  log_source_types = ["acme-fw"]
  sort_order       = 9000
  pattern          = "^.+$"
  classification   = "Information"
}
rule "globex-sent" {
  log_source_types = ["globex-mail"]
  pattern          = "globexd: sent to (?P<destination__user__email>\\S+)"
  classification   = "Information"
  test {
    log             = "Mar  9 08:15:02 mx1 globexd: sent to bob@example.com"
    log_source_type = "syslog"
    expect          = { "observer.vendor" = "Globex Corp", "event.dataset" = "globex-mail" }
  }
}
rule "generic" {
  log_source_types = ["syslog", "edge", "pinned"]
  sort_order       = 9500
  pattern          = "deny"
  classification   = "Other Operations"
}
rule "initech-json" {
  log_source_types = ["json-dev"]
  when             = "true"
  classification   = "Information"
}
`

func TestIdentify(t *testing.T) {
	rs, err := LoadBytes("id.hcl", []byte(identifySrc))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, typ, line string
		rule            string
		fields          map[string]string // "" means absent
	}{
		{
			name: "syslog identifies a vendor line", typ: "syslog",
			line: "Mar  9 08:15:02 fw1 kern: ACMEWALL deny 192.0.2.1 -> 198.51.100.2",
			rule: "acme-deny",
			fields: map[string]string{"observer.vendor": "Acme", "observer.product": "Wall", "event.module": "acme",
				"event.dataset": "acme-fw", "source.ip": "192.0.2.1", "host.hostname": "fw1", "sluice.log_source_type": "syslog"},
		},
		{
			name: "module defaults to the vendor's name; no product", typ: "syslog",
			line: "Mar  9 08:15:02 mx1 globexd: sent to bob@example.com",
			rule: "globex-sent",
			fields: map[string]string{"observer.vendor": "Globex Corp", "observer.product": "", "event.module": "globex",
				"destination.user.email": "bob@example.com"},
		},
		{
			name: "a type that opts in identifies", typ: "edge",
			line: "ACMEWALL deny 192.0.2.1 -> 198.51.100.2", rule: "acme-deny",
		},
		{
			name: "a vendor rule without literals does not join: the generic rule matches", typ: "syslog",
			line: "Mar  9 08:15:02 h1 app: deny all", rule: "generic",
			fields: map[string]string{"observer.vendor": ""},
		},
		{
			name: "an explicit type pins the device", typ: "pinned",
			line: "ACMEWALL deny 192.0.2.1 -> 198.51.100.2", rule: "generic",
			fields: map[string]string{"observer.vendor": ""},
		},
		{
			name: "a vendor's own type sets the vendor too", typ: "acme-fw",
			line: "something else", rule: "acme-anything",
			fields: map[string]string{"observer.vendor": "Acme"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev := rs.Parse(&Entry{Raw: []byte(c.line), LogSourceType: c.typ})
			if got := ev.GetString("sluice.rule"); got != c.rule {
				t.Fatalf("rule %q, want %q", got, c.rule)
			}
			for k, want := range c.fields {
				gs := ""
				if got, ok := ev.Get(k); ok {
					gs = fmt.Sprint(got)
				}
				if gs != want {
					t.Errorf("%s = %q, want %q", k, gs, want)
				}
			}
		})
	}
	if rep := rs.RunTests(); rep.Failed > 0 || rep.Passed != 1 {
		t.Errorf("an identification test: %+v", rep)
	}
	for _, r := range rs.types["syslog"].policy {
		if r.name == "initech-json" || r.name == "acme-anything" {
			t.Errorf("syslog's policy holds %s", r.name)
		}
	}
}
