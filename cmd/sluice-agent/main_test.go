package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/logging"
)

func TestDispatch(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.hcl")
	bad := filepath.Join(dir, "bad.hcl")
	if err := os.WriteFile(good, []byte(`agent {
  data_dir  = "`+filepath.ToSlash(dir)+`/agent"
  mediators = ["127.0.0.1:7400"]
  insecure  = true
}
source "file" "app" {
  paths           = ["`+filepath.ToSlash(dir)+`/app.log"]
  log_source_type = "syslog"
}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("agent {\n  nonsense = 1\n}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"version", []string{"version"}, 0, "sluice-agent dev", ""},
		{"no command", nil, 2, "", "usage: sluice-agent"},
		{"unknown", []string{"mediator"}, 2, "", `unknown command "mediator"`},
		{"validate ok", []string{"config", "validate", good}, 0, "ok (agent config)", ""},
		{"validate bad", []string{"config", "validate", bad}, 1, "", "bad.hcl:2:3"},
		{"validate usage", []string{"config"}, 2, "", "usage: sluice-agent config validate"},
		{"agent bad config", []string{"agent", "-config", bad}, 1, "", "bad.hcl:2:3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := dispatch(context.Background(), tc.args, &stdout, &stderr)
			if code != tc.code || !strings.Contains(stdout.String(), tc.stdout) || !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, stdout.String(), stderr.String())
			}
		})
	}
}

// TestAgentRuns runs the agent of the agent-only binary until its context
// ends: it follows a file into its spool (no mediator needed) and stops
// cleanly.
func TestAgentRuns(t *testing.T) {
	dir := filepath.ToSlash(t.TempDir())
	logFile := dir + "/app.log"
	if err := os.WriteFile(logFile, []byte("Dec  7 10:00:00 host app[1]: hello\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "agent.hcl")
	if err := os.WriteFile(cfg, []byte(`agent {
  data_dir  = "`+dir+`/agent"
  mediators = ["`+testkit.FreeAddr(t)+`"]
  insecure  = true
}
source "file" "app" {
  paths           = ["`+logFile+`"]
  log_source_type = "syslog"
}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr logging.Buffer
	stop := testkit.Run(t, func(ctx context.Context) error {
		if code := dispatch(ctx, []string{"agent", "-config", cfg}, io.Discard, &stderr); code != 0 {
			return fmt.Errorf("exit %d: %s", code, stderr.String())
		}
		return nil
	})
	testkit.Eventually(t, 20*time.Second, "the agent follows the file", func() bool {
		return strings.Contains(stderr.String(), "following file")
	})
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}
