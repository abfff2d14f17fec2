package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := dispatch(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestConfigValidate(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "agent.hcl")
	if err := os.WriteFile(bad, []byte("agent {\n  mediators = [\"127.0.0.1:7400\"]\n  heartbeat_interval = \"often\"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, "config", "validate", bad)
	if code != 1 || !strings.Contains(stderr, bad+":3:3: heartbeat_interval") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	code, stdout, stderr := run(t, "config", "validate", "configs/agent.hcl", "configs/mediator.hcl", "configs/arm.hcl", "configs/rules/linux-auth.hcl")
	if code != 0 || strings.Count(stdout, ": ok") != 4 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	unknown := filepath.Join(dir, "x.hcl")
	_ = os.WriteFile(unknown, []byte("thing {}\n"), 0o644)
	if code, _, stderr := run(t, "config", "validate", unknown); code != 1 || !strings.Contains(stderr, "not a Sluice config") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}

func TestRulesTestAndParse(t *testing.T) {
	code, stdout, stderr := run(t, "rules", "test", "configs/rules")
	if code != 0 || !strings.HasSuffix(strings.TrimSpace(stdout), "0 failed") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	in := filepath.Join(t.TempDir(), "in.log")
	_ = os.WriteFile(in, []byte("Nov 20 08:15:02 web-01 sshd[31]: Failed password for root from 203.0.113.9 port 4122 ssh2\nnot a known line\n"), 0o644)
	code, stdout, _ = run(t, "rules", "parse", "-rules", "configs/rules", "-type", "linux-auth", in)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if code != 0 || len(lines) != 2 || !strings.Contains(lines[0], `"source":{"ip":"203.0.113.9","port":4122}`) || !strings.Contains(lines[1], `"classification":"Unknown"`) {
		t.Fatalf("exit %d\n%s", code, stdout)
	}
}

func TestUnknownCommand(t *testing.T) {
	if code, _, stderr := run(t, "frobnicate"); code != 2 || !strings.Contains(stderr, "unknown command") {
		t.Fatalf("exit %d %q", code, stderr)
	}
	if code, stdout, _ := run(t, "version"); code != 0 || !strings.HasPrefix(stdout, "sluice ") {
		t.Fatalf("exit %d %q", code, stdout)
	}
}
