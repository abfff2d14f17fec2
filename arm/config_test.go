package arm

import (
	"os"
	"strings"
	"testing"
	"time"
)

func TestParseConfigExample(t *testing.T) {
	cfg, err := LoadConfig("../configs/arm.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ID != "arm-01" || cfg.Listen != "127.0.0.1:7500" || cfg.HTTP != "127.0.0.1:7580" || cfg.DataDir != "/var/lib/sluice/arm" {
		t.Fatalf("%+v", cfg)
	}
	if cfg.AgentWarningInterval != 10*time.Minute || cfg.MediatorWarningInterval != 5*time.Minute || cfg.MaxClockSkew != 5*time.Minute {
		t.Fatalf("%+v", cfg)
	}
	for _, tc := range []struct {
		kind Kind
		id   string
		want time.Duration
	}{
		{KindAgent, "web-01", 2 * time.Minute},
		{KindAgent, "db-01", 10 * time.Minute},
		{KindMediator, "dp-01", time.Minute},
		{KindAgent, "dp-01", 10 * time.Minute},
		{KindMediator, "dp-02", 5 * time.Minute},
	} {
		if got := cfg.WarningInterval(tc.kind, tc.id); got != tc.want {
			t.Errorf("%s %s: %s, want %s", tc.kind, tc.id, got, tc.want)
		}
	}
}

func TestParseConfigDefaults(t *testing.T) {
	cfg, err := ParseConfig([]byte("arm {}\n"), "arm.hcl")
	if err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	if cfg.ID != host || cfg.Listen != DefaultListen || cfg.HTTP != DefaultHTTP || cfg.AgentWarningInterval != DefaultAgentWarningInterval ||
		cfg.MediatorWarningInterval != DefaultMediatorWarningInterval || cfg.LeaseTimeout != time.Minute || !cfg.KnownOrganization("anything") {
		t.Fatalf("%+v", cfg)
	}
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"malformed interval", "arm {\n  agent_warning_interval = \"ten minutes\"\n}\n", `arm.hcl:2:3: agent_warning_interval: "ten minutes" is not a duration`},
		{"interval too short", "arm {\n  mediator_warning_interval = \"5s\"\n}\n", "arm.hcl:2:3: mediator_warning_interval must be between 10s and 7d, not 5s"},
		{"override too short", "arm {}\noverride \"web-*\" {\n  warning_interval = \"1s\"\n}\n", "arm.hcl:3:3: warning_interval must be between 10s"},
		{"override bad glob", "arm {}\noverride \"web-[\" {\n  warning_interval = \"1m\"\n}\n", `arm.hcl:2:10: override "web-[": not an id or a glob pattern`},
		{"override bad kind", "arm {}\noverride \"x\" {\n  kind = \"toaster\"\n  warning_interval = \"1m\"\n}\n", `arm.hcl:3:3: override "x": kind must be`},
		{"override missing interval", "arm {}\noverride \"x\" {}\n", `arm.hcl:2:14: Missing required argument`},
		{"bad listen", "arm {\n  listen = \"7500\"\n}\n", `arm.hcl:2:3: listen: "7500": not host:port`},
		{"bad id", "arm {\n  id = \"my arm\"\n}\n", `arm.hcl:2:3: id "my arm"`},
		{"unknown attribute", "arm {\n  colour = \"red\"\n}\n", "arm.hcl:2:3: Unsupported argument"},
		{"bad skew", "arm {\n  max_clock_skew = \"1ms\"\n}\n", "arm.hcl:2:3: max_clock_skew must be at least 1s"},
		{"missing block", "override \"x\" {\n  warning_interval = \"1m\"\n}\n", `arm.hcl:1:1: missing "arm" block`},
		{"syntax", "arm {\n  listen = \n}\n", "arm.hcl:2:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tt.src), "arm.hcl")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestConfigEnvOverrides(t *testing.T) {
	t.Setenv("SLUICE_ARM_AGENT_WARNING_INTERVAL", "90s")
	t.Setenv("SLUICE_ARM_HTTP", "0.0.0.0:9580")
	t.Setenv("SLUICE_ARM_ID", "arm-env")
	cfg, err := ParseConfig([]byte("arm {\n  agent_warning_interval = \"10m\"\n}\n"), "arm.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.AgentWarningInterval != 90*time.Second || cfg.HTTP != "0.0.0.0:9580" || cfg.ID != "arm-env" {
		t.Fatalf("%+v", cfg)
	}
	t.Setenv("SLUICE_ARM_AGENT_WARNING_INTERVAL", "1s")
	if _, err := ParseConfig([]byte("arm {}\n"), "arm.hcl"); err == nil || !strings.Contains(err.Error(), "SLUICE_ARM_AGENT_WARNING_INTERVAL") {
		t.Fatalf("want env error, got %v", err)
	}
}

func TestConfigOrganizations(t *testing.T) {
	cfg, err := ParseConfig([]byte("arm {\n  organizations = [\"acme\", \"default\"]\n}\n"), "arm.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.KnownOrganization("acme") || cfg.KnownOrganization("evilcorp") {
		t.Fatalf("%+v", cfg.Organizations)
	}
}

// An override gets the checks of the same value in the file, with the
// variable for the position.
func TestConfigEnvOverridesChecked(t *testing.T) {
	for _, tc := range []struct{ variable, value, file, want string }{
		{"SLUICE_ARM_ID", "no spaces", "arm {\n  id = \"no spaces\"\n}\n", `id "no spaces": use letters`},
		{"SLUICE_ARM_HTTP", "9580", "arm {\n  http = \"9580\"\n}\n", `http: "9580": not host:port`},
		{"SLUICE_LOG_LEVEL", "loud", "arm {\n  log_level = \"loud\"\n}\n", `log_level must be one of`},
		{"SLUICE_ARM_MEDIATOR_WARNING_INTERVAL", "soon", "arm {\n  mediator_warning_interval = \"soon\"\n}\n", `mediator_warning_interval: "soon" is not a duration`},
	} {
		t.Run(tc.variable, func(t *testing.T) {
			if _, err := ParseConfig([]byte(tc.file), "arm.hcl"); err == nil || !strings.Contains(err.Error(), "arm.hcl:2:3: "+tc.want) {
				t.Fatalf("in the file: %v, want %q", err, tc.want)
			}
			t.Setenv(tc.variable, tc.value)
			if _, err := ParseConfig([]byte("arm {}\n"), "arm.hcl"); err == nil || !strings.Contains(err.Error(), tc.variable+": "+tc.want) {
				t.Fatalf("override: %v, want %q", err, tc.variable+": "+tc.want)
			}
		})
	}
}
