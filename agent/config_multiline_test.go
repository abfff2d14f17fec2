package agent

import (
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/pkg/multiline"
)

const mlHead = "agent {\n  mediators = [\"127.0.0.1:1\"]\n  insecure = true\n}\n"

func TestParseConfigMultiline(t *testing.T) {
	cfg, err := ParseConfig([]byte(mlHead+`
source "file" "app" {
  paths           = ["/var/log/app.log"]
  log_source_type = "java"
  multiline {
    pattern = "^\\d{4}-\\d{2}-\\d{2}"
    negate  = true
    match   = "after"
    max_lines = 200
    max_bytes = "256KiB"
    flush_timeout = "2s"
  }
}
source "file" "py" {
  paths           = ["/var/log/py.log"]
  log_source_type = "python"
  multiline { mode = "python" }
}
source "syslog" "tcp" {
  listen          = "tcp://127.0.0.1:5514"
  log_source_type = "java"
  multiline { mode = "java" }
}
`), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	want := multiline.Config{Mode: "pattern", Pattern: `^\d{4}-\d{2}-\d{2}`, Negate: true, Match: "after", MaxLines: 200, MaxBytes: 256 << 10, FlushTimeout: 2 * time.Second}
	if got := cfg.Sources[0].Multiline; got == nil || *got != want {
		t.Fatalf("file multiline %+v, want %+v", got, want)
	}
	wantPy := multiline.Config{Mode: "python", MaxLines: multiline.DefaultMaxLines, MaxBytes: multiline.DefaultMaxBytes, FlushTimeout: multiline.DefaultFlushTimeout}
	if got := cfg.Sources[1].Multiline; got == nil || *got != wantPy {
		t.Fatalf("python multiline %+v, want %+v", got, wantPy)
	}
	if cfg.Sources[2].Multiline == nil || cfg.Sources[2].Multiline.Mode != "java" {
		t.Fatalf("syslog multiline %+v", cfg.Sources[2].Multiline)
	}
}

func TestParseConfigMultilineErrors(t *testing.T) {
	file := func(block string) string {
		return mlHead + "source \"file\" \"app\" {\n  paths = [\"/x\"]\n  log_source_type = \"t\"\n" + block + "}\n"
	}
	tests := []struct {
		name, src, want string
	}{
		{"no pattern", file("  multiline {}\n"), `agent.hcl:8:3: multiline needs pattern`},
		{"bad regexp", file("  multiline {\n    pattern = \"(\"\n  }\n"), `agent.hcl:9:5: pattern: error parsing regexp`},
		{"bad match", file("  multiline {\n    pattern = \"x\"\n    match = \"around\"\n  }\n"), `agent.hcl:10:5: match must be "after" or "before", not "around"`},
		{"bad mode", file("  multiline {\n    mode = \"go\"\n  }\n"), `agent.hcl:9:5: mode must be one of`},
		{"mode and pattern", file("  multiline {\n    mode = \"java\"\n    pattern = \"x\"\n  }\n"), `agent.hcl:10:5: pattern does not apply to mode = "java"`},
		{"max_lines", file("  multiline {\n    mode = \"indent\"\n    max_lines = 0\n  }\n"), `agent.hcl:10:5: max_lines must be between 1 and 100000`},
		{"flush_timeout", file("  multiline {\n    mode = \"indent\"\n    flush_timeout = \"1ms\"\n  }\n"), `agent.hcl:10:5: flush_timeout must be between 100ms and 1h`},
		{"udp", mlHead + "source \"syslog\" \"u\" {\n  listen = \"udp://127.0.0.1:1\"\n  log_source_type = \"t\"\n  multiline { mode = \"java\" }\n}\n", `agent.hcl:8:3: multiline applies to tcp:// and tls://`},
		{"webhook", mlHead + "source \"webhook\" \"w\" {\n  listen = \"127.0.0.1:1\"\n  tokens = [\"0123456789abcdef0123456789\"]\n  log_source_type = \"t\"\n  multiline { mode = \"java\" }\n}\n", `agent.hcl:9:3: multiline does not apply to webhook sources`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tc.src), "agent.hcl")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v\nwant %q", err, tc.want)
			}
		})
	}
}
