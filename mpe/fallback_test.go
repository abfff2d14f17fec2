package mpe

import (
	"testing"

	"github.com/sluicehq/sluice/pkg/event"
)

// fallbackGlobal is the global set of the fallback tests: two text types,
// an event rule raising an alarm and an intel list-free policy.
const fallbackGlobal = `
log_source_type "auth" {}
log_source_type "web" {}
log_source_type "js" {
  format = "json"
}

rule "global-js" {
  log_source_types = ["js"]
  when             = "has(event.kind) && event.kind == \"a\""
  classification   = "Information"
}

rule "global-accepted" {
  log_source_types = ["auth"]
  pattern          = "Accepted <method> for <login> from <sip> port <sport>"
  classification   = "Authentication Success"
}

rule "global-failed" {
  log_source_types = ["auth"]
  pattern          = "Failed <method> for <login> from <sip> port <sport>"
  classification   = "Authentication Failure"
}

rule "global-get" {
  log_source_types = ["web"]
  pattern          = "GET <url>"
  classification   = "Information"
}

event_rule "global-root" {
  when = "has(event.login) && event.login == \"root\""
  alarm { severity = "high" }
}
`

// fallbackOrg is an organization's own set: it knows "auth" only, and
// classifies accepted logons its own way.
const fallbackOrg = `
log_source_type "auth" {}
log_source_type "js" {
  format = "json"
}

rule "acme-js" {
  log_source_types = ["js"]
  when             = "has(event.kind) && event.kind == \"b\""
  classification   = "Suspicious"
  fields           = { "labels.owner" = "acme" }
}

rule "acme-accepted" {
  log_source_types = ["auth"]
  pattern          = "Accepted <method> for <login> from <sip> port <sport>"
  classification   = "Suspicious"
  fields           = { "labels.owner" = "acme" }
}

event_rule "acme-admin" {
  when = "has(event.login) && event.login == \"admin\""
  alarm { severity = "low" }
}
`

func loadFallbackSets(t *testing.T) (org, global *RuleSet) {
	t.Helper()
	global, err := LoadBytes("global.hcl", []byte(fallbackGlobal))
	if err != nil {
		t.Fatal(err)
	}
	org, err = LoadBytes("acme.hcl", []byte(fallbackOrg))
	if err != nil {
		t.Fatal(err)
	}
	return org, global
}

func TestProcessWithFallback(t *testing.T) {
	tests := []struct {
		name       string
		typ, line  string
		rule       string // sluice.rule of the event
		class      string
		owner      string // labels.owner: set by acme's rule only
		alarms     int
		orgLines   uint64 // lines and unmatched counted in the org set's type
		orgUnmatch uint64
	}{
		{name: "org rule wins for its type", typ: "auth", line: "Accepted password for bob from 192.0.2.1 port 22 ssh2",
			rule: "acme-accepted", class: "Suspicious", owner: "acme", orgLines: 1},
		{name: "org event rules only on org-classified events", typ: "auth", line: "Accepted password for admin from 192.0.2.1 port 22 ssh2",
			rule: "acme-accepted", class: "Suspicious", owner: "acme", alarms: 1, orgLines: 1},
		{name: "global event rules do not run on org-classified events", typ: "auth", line: "Accepted password for root from 192.0.2.1 port 22 ssh2",
			rule: "acme-accepted", class: "Suspicious", owner: "acme", orgLines: 1},
		{name: "unmatched line falls back to global", typ: "auth", line: "Failed password for root from 192.0.2.1 port 22 ssh2",
			rule: "global-failed", class: "Authentication Failure", alarms: 1, orgLines: 1, orgUnmatch: 1},
		{name: "type the org does not know goes to global", typ: "web", line: "GET /index.html",
			rule: "global-get", class: "Information"},
		{name: "undeclared type goes to global", typ: "other", line: "Accepted password for bob from 192.0.2.1 port 22 ssh2",
			class: event.ClassificationUnknown},
		{name: "JSON: org rule wins", typ: "js", line: `{"kind":"b"}`,
			rule: "acme-js", class: "Suspicious", owner: "acme", orgLines: 1},
		{name: "JSON: unmatched document falls back", typ: "js", line: `{"kind":"a"}`,
			rule: "global-js", class: "Information", orgLines: 1, orgUnmatch: 1},
		{name: "no set matches", typ: "auth", line: "session opened for user bob",
			class: event.ClassificationUnknown, orgLines: 1, orgUnmatch: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			org, global := loadFallbackSets(t)
			raw := "Mar 10 11:59:58 web1 sshd[9]: " + tt.line
			if tt.typ == "js" {
				raw = tt.line
			}
			e := &Entry{Raw: []byte(raw), LogSourceType: tt.typ, Organization: "acme", Agent: "ag", Seq: 1, Collected: collectedAt}
			out := org.ProcessWithFallback(global, e, nil)
			if len(out) != 1+tt.alarms {
				t.Fatalf("got %d events, want %d", len(out), 1+tt.alarms)
			}
			ev := out[0]
			if got := ev.GetString(event.FieldClassification); got != tt.class {
				t.Errorf("classification = %q, want %q", got, tt.class)
			}
			if got := ev.GetString(event.FieldRule); got != tt.rule {
				t.Errorf("sluice.rule = %q, want %q", got, tt.rule)
			}
			if got := ev.GetString("labels.owner"); got != tt.owner {
				t.Errorf("labels.owner = %q, want %q", got, tt.owner)
			}
			if ev.Organization != "acme" {
				t.Errorf("organization = %q", ev.Organization)
			}
			var lines, unmatched uint64
			for _, ts := range org.TypeStats() {
				lines += ts.Lines
				unmatched += ts.Unmatched
			}
			if lines != tt.orgLines || unmatched != tt.orgUnmatch {
				t.Errorf("org set counted %d lines, %d unmatched; want %d, %d", lines, unmatched, tt.orgLines, tt.orgUnmatch)
			}
			// The event is the one the deciding set alone makes.
			want := global
			if tt.owner != "" {
				want = org
			}
			again := want.Process(e, nil)
			if got, w := mustJSON(out[0].Fields()), mustJSON(again[0].Fields()); got != w {
				t.Errorf("event differs from the deciding set's Process:\n got %s\nwant %s", got, w)
			}
		})
	}
}

func TestProcessWithFallbackNil(t *testing.T) {
	_, global := loadFallbackSets(t)
	e := &Entry{Raw: []byte("Mar 10 11:59:58 web1 sshd[9]: Accepted password for bob from 192.0.2.1 port 22 ssh2"), LogSourceType: "auth"}
	var org *RuleSet
	if out := org.ProcessWithFallback(global, e, nil); len(out) != 1 || out[0].GetString(event.FieldRule) != "global-accepted" {
		t.Fatalf("nil org set: got %v", out)
	}
	org, _ = loadFallbackSets(t)
	if out := org.ProcessWithFallback(nil, authEntry("Failed password for bob from 192.0.2.1 port 22 ssh2", 1), nil); len(out) != 1 || out[0].GetString(event.FieldClassification) != event.ClassificationUnknown {
		t.Fatalf("nil global set: got %v", out)
	}
	if out := org.ProcessWithFallback(global, nil, nil); len(out) != 1 {
		t.Fatalf("nil entry: got %d events", len(out))
	}
}
