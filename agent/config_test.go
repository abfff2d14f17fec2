package agent

import (
	"strings"
	"testing"
	"time"
)

func TestParseConfigDefaults(t *testing.T) {
	cfg, err := ParseConfig([]byte(`
agent {
  id        = "web-01"
  mediators = ["127.0.0.1:7400", "127.0.0.1:7401"]
  insecure  = true
}
source "file" "auth" {
  paths           = ["/var/log/auth.log*"]
  log_source_type = "linux-auth"
}
`), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ID != "web-01" || cfg.DataDir != DefaultDataDir || len(cfg.Mediators) != 2 || !cfg.Insecure {
		t.Fatalf("cfg %+v", cfg)
	}
	if cfg.HeartbeatInterval != 30*time.Second || cfg.FailbackDelay != time.Hour || cfg.LoadBalanceDelay != 4320*time.Minute {
		t.Fatalf("timers %+v", cfg)
	}
	if cfg.MaxLineBytes != 64<<10 || cfg.Organization != "default" {
		t.Fatalf("limits %+v", cfg)
	}
	if len(cfg.Sources) != 1 || cfg.Sources[0].ID != "auth" || cfg.Sources[0].PollInterval != DefaultPollInterval || cfg.Sources[0].MaxLineBytes != 64<<10 {
		t.Fatalf("sources %+v", cfg.Sources)
	}
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string // expected "file:line:col: message" substring
	}{
		{"unknown block", "agent {\n  mediators = [\"127.0.0.1:1\"]\n}\nsorce \"file\" \"x\" {}\n", `agent.hcl:4:1: Unsupported block type`},
		{"unknown attribute", "agent {\n  mediators = [\"127.0.0.1:1\"]\n  colour = 1\n}\n", `agent.hcl:3:3: Unsupported argument`},
		{"wrong type", "agent {\n  mediators = \"127.0.0.1:1\"\n}\n", `agent.hcl:2:`},
		{"missing required", "agent {\n  id = \"x\"\n}\n", `agent.hcl:1:7: Missing required argument`},
		{"bad duration", "agent {\n  mediators = [\"127.0.0.1:1\"]\n  heartbeat_interval = \"soon\"\n}\n", `agent.hcl:3:3: heartbeat_interval: "soon" is not a duration`},
		{"too short heartbeat", "agent {\n  mediators = [\"127.0.0.1:1\"]\n  heartbeat_interval = \"10ms\"\n}\n", `agent.hcl:3:3: heartbeat_interval must be at least 1s`},
		{"failback out of range", "agent {\n  mediators = [\"127.0.0.1:1\"]\n  failback_delay = 5000\n}\n", `agent.hcl:3:3: failback_delay must be 0 (disabled) or 1–3600 minutes`},
		{"load balance out of range", "agent {\n  mediators = [\"127.0.0.1:1\"]\n  load_balance_delay = 30\n}\n", `agent.hcl:3:3: load_balance_delay must be 0 (disabled) or 60–10080 minutes`},
		{"empty mediators", "agent {\n  mediators = []\n}\n", `agent.hcl:2:3: mediators must list at least one`},
		{"duplicate mediator", "agent {\n  mediators = [\"127.0.0.1:1\", \"127.0.0.1:1\"]\n}\n", `agent.hcl:2:3: mediators: "127.0.0.1:1" is listed twice`},
		{"bad address", "agent {\n  mediators = [\"nohostport\"]\n}\n", `agent.hcl:2:3: mediators: "nohostport": not host:port`},
		{"unresolvable", "agent {\n  mediators = [\"no-such-host.invalid:7400\"]\n}\n", `agent.hcl:2:3: mediators: "no-such-host.invalid:7400": host "no-such-host.invalid" does not resolve`},
		{"unknown source kind", "agent {\n  mediators = [\"127.0.0.1:1\"]\n}\nsource \"carrier-pigeon\" \"x\" {\n  log_source_type = \"t\"\n}\n", `agent.hcl:4:8: unknown source kind "carrier-pigeon"`},
		{"file source without paths", "agent {\n  mediators = [\"127.0.0.1:1\"]\n}\nsource \"file\" \"x\" {\n  log_source_type = \"t\"\n}\n", `agent.hcl:4:1: file source "x" needs paths`},
		{"bad glob", "agent {\n  mediators = [\"127.0.0.1:1\"]\n}\nsource \"file\" \"x\" {\n  paths = [\"/var/[log\"]\n  log_source_type = \"t\"\n}\n", `agent.hcl:5:3: bad glob`},
		{"duplicate source", "agent {\n  mediators = [\"127.0.0.1:1\"]\n}\nsource \"file\" \"x\" {\n  paths = [\"/a\"]\n  log_source_type = \"t\"\n}\nsource \"file\" \"x\" {\n  paths = [\"/b\"]\n  log_source_type = \"t\"\n}\n", `agent.hcl:8:1: source "x" is defined twice`},
		{"syntax error", "agent {\n  mediators = [\"127.0.0.1:1\"\n}\n", `agent.hcl:3:1: Missing item separator`},
		{"missing agent block", "source \"file\" \"x\" {\n  paths = [\"/a\"]\n  log_source_type = \"t\"\n}\n", `agent.hcl:1:1: missing "agent" block`},
		{"max_line_bytes range", "agent {\n  mediators = [\"127.0.0.1:1\"]\n  max_line_bytes = 10\n}\n", `agent.hcl:3:3: max_line_bytes must be between 256`},
		{"window over the mediator's stream buffer", "agent {\n  mediators = [\"127.0.0.1:1\"]\n  window = 65\n}\n", `agent.hcl:3:3: window must be between 1 and 64, not 65: a mediator buffers 64 batches per stream`},
		{"start_at", "agent {\n  mediators = [\"127.0.0.1:1\"]\n}\nsource \"file\" \"x\" {\n  paths = [\"/a\"]\n  log_source_type = \"t\"\n  start_at = \"middle\"\n}\n", `agent.hcl:7:3: start_at must be "beginning" or "end"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tt.src), "agent.hcl")
			if err == nil {
				t.Fatal("expected an error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestEnvOverrides(t *testing.T) {
	t.Setenv("SLUICE_AGENT_ID", "from-env")
	t.Setenv("SLUICE_AGENT_MEDIATORS", "10.0.0.1:7400,10.0.0.2:7400")
	cfg, err := ParseConfig([]byte("agent {\n  mediators = [\"127.0.0.1:1\"]\n}\n"), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ID != "from-env" || len(cfg.Mediators) != 2 {
		t.Fatalf("cfg %+v", cfg)
	}
}

// FuzzParseConfig: any input gives a config or an error, never a panic, and
// errors carry a position.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte("agent {\n  mediators = [\"127.0.0.1:1\"]\n}\n"))
	f.Add([]byte("agent {\n  mediators = [\"127.0.0.1:1\"]\n  failback_delay = 5000\n}\nsource \"file\" \"x\" { paths = [\"/a\"] log_source_type = \"t\" }\n"))
	f.Add([]byte("agent { mediators = \"x\" }"))
	f.Fuzz(func(t *testing.T, src []byte) {
		cfg, err := ParseConfig(src, "f.hcl")
		if err == nil && cfg == nil {
			t.Fatal("nil config without error")
		}
		if err != nil && !strings.HasPrefix(err.Error(), "f.hcl") {
			t.Fatalf("error without position: %v", err)
		}
	})
}
