package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/agent"
	"github.com/sluicehq/sluice/arm"
	"github.com/sluicehq/sluice/internal/testkit"
)

// TestStatusCLI runs sluice status against a real mediator, an agent
// that sends it lines, and ARM: each is recognised, its readiness and
// its main figures shown, and -json carries the same for scripts.
func TestStatusCLI(t *testing.T) {
	t.Setenv("SLUICE_TOKEN", "")
	t.Setenv("SLUICE_ADMIN_TOKEN", "")
	m, medURL := startSearchMediator(t, "")

	dir := t.TempDir()
	logPath := filepath.Join(dir, "auth.log")
	var lines strings.Builder
	for i := range 50 {
		fmt.Fprintf(&lines, "Dec  7 10:00:%02d web-01 sshd[1]: Accepted password for alice from 192.0.2.%d port 22 ssh2\n", i%60, i%250)
	}
	if err := os.WriteFile(logPath, []byte(lines.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	acfg, err := agent.ParseConfig(fmt.Appendf(nil, `
agent {
  id        = "status-agent"
  data_dir  = %q
  mediators = [%q]
  insecure  = true
  http      = "127.0.0.1:0"
}
source "file" "auth" {
  paths           = [%q]
  log_source_type = "linux-auth"
  poll_interval   = "20ms"
}
`, filepath.Join(dir, "agent"), m.Addr(), logPath), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	a, err := agent.New(acfg, agent.Deps{Logger: hclog.NewNullLogger(), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Run(t, a.Run)
	agentURL := "http://" + a.HTTPAddr()
	testkit.Eventually(t, 20*time.Second, "the agent's lines acknowledged", func() bool {
		st := a.Status()
		return st.Mediator != "" && st.Spool.Entries == 0 && len(st.Sources) == 1 && st.Sources[0].Lines == 50
	})

	rcfg := arm.DefaultConfig()
	rcfg.ID, rcfg.Listen, rcfg.HTTP, rcfg.DataDir = "arm-status", "127.0.0.1:0", "127.0.0.1:0", t.TempDir()
	r, err := arm.New(rcfg, arm.Deps{Logger: hclog.NewNullLogger()})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Run(t, r.Run)
	armURL := "http://" + r.HTTPAddr()

	for _, tc := range []struct {
		url, kind string
		want      []string
	}{
		{medURL, "mediator", []string{"mediator ", "ready:    yes", "agents:   1 connected", "status-agent", "backlog:  state", "rates:    received"}},
		{agentURL, "agent", []string{"agent status-agent (default)", "ready:    yes", "mediator: " + m.Addr(), "spool 0 entries", "source:   auth", "50 lines"}},
		{armURL, "arm", []string{"ARM arm-status", "ready:    yes", "components: 0", "rates:    heartbeats"}},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			var out, errs bytes.Buffer
			if code := cmdStatus(context.Background(), []string{"-addr", tc.url, "-interval", "100ms"}, &out, &errs); code != 0 {
				t.Fatalf("exit %d: %s", code, errs.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("status lacks %q:\n%s", w, out.String())
				}
			}
			out.Reset()
			if code := cmdStatus(context.Background(), []string{"-addr", tc.url, "-json", "-interval", "0"}, &out, &errs); code != 0 {
				t.Fatalf("-json exit %d: %s", code, errs.String())
			}
			var rep statusReport
			if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
				t.Fatalf("-json: %v\n%s", err, out.String())
			}
			if rep.Kind != tc.kind || !rep.Ready || len(rep.Status) == 0 || rep.Rates != nil {
				t.Fatalf("-json: kind %q ready %v rates %v status %s", rep.Kind, rep.Ready, rep.Rates, rep.Status)
			}
		})
	}

	// Not a Sluice daemon, and nobody listening: a clear error, exit 1.
	for _, url := range []string{agentURL + "/healthz#", "http://" + testkit.FreeAddr(t)} {
		var out, errs bytes.Buffer
		if code := cmdStatus(context.Background(), []string{"-addr", url, "-interval", "0"}, &out, &errs); code != 1 || !strings.Contains(errs.String(), "sluice status:") {
			t.Fatalf("status of %s: exit %d, %q", url, code, errs.String())
		}
	}
}

// A mediator with a read token refuses sluice status without it, with a
// message that says what to give.
func TestStatusCLIToken(t *testing.T) {
	t.Setenv("SLUICE_TOKEN", "")
	t.Setenv("SLUICE_ADMIN_TOKEN", "")
	_, url := startSearchMediator(t, fmt.Sprintf("read_token_file = %q", writeCLIFile(t, cliAllToken)))
	var out, errs bytes.Buffer
	if code := cmdStatus(context.Background(), []string{"-addr", url, "-interval", "0"}, &out, &errs); code != 1 || !strings.Contains(errs.String(), "read token") {
		t.Fatalf("without token: exit %d, %q", code, errs.String())
	}
	errs.Reset()
	if code := cmdStatus(context.Background(), []string{"-addr", url, "-interval", "0", "-token-file", writeCLIFile(t, cliAllToken)}, &out, &errs); code != 0 {
		t.Fatalf("with token: exit %d, %q", code, errs.String())
	}
}
