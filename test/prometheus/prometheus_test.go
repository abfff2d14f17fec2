// Package prometheustest scrapes in-process Sluice daemons with a real
// Prometheus server (Debian's prometheus package, which make test-deps
// installs), and checks what operators are given on top of the metrics:
// the Grafana dashboard (configs/grafana) and the alert rules
// (configs/prometheus) name only metrics the daemons export, and the rules
// load in Prometheus and pass promtool.
//
// Without prometheus or promtool these tests skip, unless
// SLUICE_REQUIRE_PROMETHEUS=1 (make test-go): then they fail.
package prometheustest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluicehq/sluice/agent"
	"github.com/sluicehq/sluice/arm"
	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/mediator"
	"github.com/sluicehq/sluice/test/promtest"
)

const (
	rulesDir = "../../configs/rules"
	// readToken is the mediator's and ARM's read token: Prometheus
	// presents it from a credentials file, as docs/operations.md says.
	readToken = "prometheus-read-token-0123456789"
)

// fleet is an ARM, a mediator reporting to it, and an agent sending it
// lines, all in-process on loopback.
type fleet struct {
	arm      *arm.ARM
	mediator *mediator.Mediator
	agent    *agent.Agent
	// logFile is the file the agent tails.
	logFile string
}

// startFleet starts ARM, the mediator (read token configured) and an
// agent tailing an empty file; ARM and the mediator register their
// metrics with reg, or registries of their own when it is nil.
func startFleet(t *testing.T, reg *prometheus.Registry) *fleet {
	t.Helper()
	dir := t.TempDir()
	tokens := filepath.Join(dir, "read.tokens")
	if err := os.WriteFile(tokens, []byte(readToken+" *\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	acfg := arm.DefaultConfig()
	acfg.ID = "arm-prom"
	acfg.Listen = "127.0.0.1:0"
	acfg.HTTP = "127.0.0.1:0"
	acfg.DataDir = filepath.Join(dir, "arm")
	acfg.ReadTokenFile = tokens
	a, err := arm.New(acfg, arm.Deps{Logger: testkit.Logger(t, "arm"), Version: "test", Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Run(t, a.Run)

	mcfg, err := mediator.ParseConfig(fmt.Appendf(nil, `
mediator {
  id              = "dp-prom"
  listen          = "127.0.0.1:0"
  http            = "127.0.0.1:0"
  data_dir        = %q
  rules           = [%q]
  insecure        = true
  index_flush     = "50ms"
  read_token_file = %q
  arm             = %q
  arm_interval    = "1s"
}
indexer "embedded" {}
`, filepath.Join(dir, "mediator"), rulesDir, tokens, a.Addr()), "mediator.hcl")
	if err != nil {
		t.Fatal(err)
	}
	m, err := mediator.New(mcfg, mediator.Deps{Logger: testkit.Logger(t, "mediator"), Version: "test", Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Run(t, m.Run)

	logFile := filepath.Join(dir, "auth.log")
	if err := os.WriteFile(logFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	gcfg, err := agent.ParseConfig(fmt.Appendf(nil, `
agent {
  id                 = "prom-agent"
  data_dir           = %q
  mediators          = [%q]
  insecure           = true
  heartbeat_interval = "1s"
  http               = "127.0.0.1:0"
  read_token_file    = %q
}
source "file" "auth" {
  paths           = [%q]
  log_source_type = "linux-auth"
  poll_interval   = "20ms"
}
`, filepath.Join(dir, "agent"), m.Addr(), tokens, logFile), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	g, err := agent.New(gcfg, agent.Deps{Logger: testkit.Logger(t, "agent"), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Run(t, g.Run)
	return &fleet{arm: a, mediator: m, agent: g, logFile: logFile}
}

// appendLines appends n sshd lines the starter rules parse.
func (f *fleet) appendLines(t *testing.T, n int) {
	t.Helper()
	fh, err := os.OpenFile(f.logFile, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	for i := range n {
		if _, err := fmt.Fprintf(fh, "Nov 20 08:%02d:%02d host-%d sshd[%d]: Accepted password for user%d from 192.0.2.%d port %d ssh2\n",
			(i/60)%60, i%60, i%7, 1000+i, i, i%250+1, 1024+i); err != nil {
			t.Fatal(err)
		}
	}
}

// targets are what Prometheus scrapes: the mediator, ARM and the agent,
// each with the read token.
func (f *fleet) targets() []promtest.Target {
	return []promtest.Target{
		{Job: "sluice-mediator", Addr: f.mediator.HTTPAddr(), Token: readToken},
		{Job: "sluice-arm", Addr: f.arm.HTTPAddr(), Token: readToken},
		{Job: "sluice-agent", Addr: f.agent.HTTPAddr(), Token: readToken},
	}
}

// TestPrometheusScrapes: a real Prometheus server scrapes the mediator,
// ARM and the agent every second with their read token, and its queries
// see the N lines the agent read and sent, the heartbeats ARM tracks, and the alert rules
// loaded and evaluated without error.
func TestPrometheusScrapes(t *testing.T) {
	promtest.Binary(t, "prometheus") // skip (or fail) before starting daemons
	f := startFleet(t, nil)
	const n = 500
	f.appendLines(t, n)

	srv := promtest.Start(t, promtest.Options{Targets: f.targets(), RuleFiles: []string{alertRules}})
	wait := 60 * time.Second
	srv.WaitFor(t, `sum(up{job=~"sluice-.*"})`, float64(len(f.targets())), wait)
	srv.WaitFor(t, "sum(sluice_agent_lines_read_total)", n, wait)
	srv.WaitFor(t, "count(sluice_agent_batches_acknowledged_total > 0)", 1, wait)
	srv.WaitFor(t, "sum(sluice_mediator_received_entries_total)", n, wait)
	srv.WaitFor(t, "sum(sluice_mediator_index_documents_written_total)", n, wait)
	srv.WaitFor(t, `sum(sluice_mediator_mpe_lines_total{log_source_type="linux-auth"})`, n, wait)
	srv.WaitFor(t, "sum(sluice_mediator_state_entries)", 0, wait)
	srv.WaitFor(t, "sum(sluice_mediator_agents_connected)", 1, wait)
	// ARM tracks the mediator and the agent, both green.
	srv.WaitFor(t, `sum(sluice_arm_components{status="green"})`, 2, wait)
	srv.WaitRulesHealthy(t, wait)
}

// TestSharedRegistry: ARM and a mediator in one process can share a
// registry (Deps.Registry): one set of Go and process collectors, both
// daemons' metrics.
func TestSharedRegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	startFleet(t, reg)
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, f := range fams {
		have[f.GetName()] = true
	}
	for _, name := range []string{"go_goroutines", "process_cpu_seconds_total", "sluice_mediator_state_entries", "sluice_arm_components"} {
		if !have[name] {
			t.Errorf("the shared registry has no %s", name)
		}
	}
}
