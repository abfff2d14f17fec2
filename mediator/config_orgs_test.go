package mediator

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseConfigOrganizations(t *testing.T) {
	src := `mediator {}
organization "acme" {
  dedicated_workers     = 2
  weight                = 4
  max_events_per_second = 50000
  max_backlog_bytes     = "2GiB"
  max_agents            = 300
  rules                 = ["/etc/sluice/rules/acme"]
}
organization "not-yet-seen" {}
`
	cfg, err := ParseConfig([]byte(src), "m.hcl")
	if err != nil {
		t.Fatal(err)
	}
	acme := cfg.Organization("acme")
	acme.DefRange = cfg.Organizations[0].DefRange
	want := OrgConfig{Name: "acme", DedicatedWorkers: 2, Weight: 4, MaxEventsPerSecond: 50000, MaxBacklogBytes: 2 << 30, MaxAgents: 300,
		Rules: []string{"/etc/sluice/rules/acme"}, DefRange: acme.DefRange}
	if !reflect.DeepEqual(acme, want) {
		t.Errorf("acme = %+v\nwant %+v", acme, want)
	}
	// A block for an organization no agent uses yet is allowed and gets
	// the defaults, as does an organization without a block.
	for _, name := range []string{"not-yet-seen", "other"} {
		if o := cfg.Organization(name); o.Weight != 1 || o.MaxAgents != -1 || o.DedicatedWorkers != 0 || o.MaxEventsPerSecond != 0 || o.MaxBacklogBytes != 0 {
			t.Errorf("%s = %+v, want defaults", name, o)
		}
	}
}

func TestParseConfigOrganizationErrors(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{"weight = 0", `m.hcl:3:3: weight must be between 1 and 1000, not 0`},
		{"weight = -2", `m.hcl:3:3: weight must be between 1 and 1000, not -2`},
		{"max_events_per_second = -1", `m.hcl:3:3: max_events_per_second must be 0 (no limit) or positive, not -1`},
		{"max_agents = -5", `m.hcl:3:3: max_agents must be between 0 and 1000000, not -5`},
		{"dedicated_workers = -1", `m.hcl:3:3: dedicated_workers must be between 0 and 256, not -1`},
		{`max_backlog_bytes = "-1GiB"`, `m.hcl:3:3: max_backlog_bytes`},
		{`rules = [""]`, `m.hcl:3:3: rules: an empty path`},
		{"colour = 1", `m.hcl:3:3: Unsupported argument`},
	} {
		src := "mediator {}\norganization \"acme\" {\n  " + tc.body + "\n}\n"
		_, err := ParseConfig([]byte(src), "m.hcl")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.body, err, tc.want)
		}
	}
	_, err := ParseConfig([]byte("mediator {}\norganization \"a\" {}\norganization \"a\" {}\n"), "m.hcl")
	if err == nil || !strings.Contains(err.Error(), `m.hcl:3:14: organization "a" appears twice`) {
		t.Errorf("duplicate: %v", err)
	}
}
