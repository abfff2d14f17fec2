package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/sluicehq/sluice/agent"
	"github.com/sluicehq/sluice/internal/testkit"
)

// An agent with its HTTP endpoint tails a file of N lines to a mediator
// that starts after it: /readyz goes from 503 to 200 when the session is
// established, /healthz answers all along, and /metrics counts the N
// lines read, the batches acknowledged, their latency and the mediator.
func TestAgentHTTPEndpoint(t *testing.T) {
	const n = 2000
	dir := t.TempDir()
	logPath := filepath.Join(dir, "auth.log")
	appendLines(t, logPath, 0, n)

	// The mediator's address, reserved: it starts later.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	medAddr := l.Addr().String()
	_ = l.Close()

	cfg, err := agent.ParseConfig([]byte(fmt.Sprintf(`
agent {
  id        = "e2e-agent"
  data_dir  = %q
  mediators = [%q]
  insecure  = true
  http      = "127.0.0.1:0"
  heartbeat_interval = "1s"
}
source "file" "auth" {
  paths           = [%q]
  log_source_type = "linux-auth"
  poll_interval   = "20ms"
}
`, filepath.Join(dir, "agent"), medAddr, logPath)), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	a, err := agent.New(cfg, agent.Deps{Logger: logger("agent"), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	start(t, a.Run)
	base := "http://" + a.HTTPAddr()

	if code, body := httpGet(t, base+"/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "no mediator session") {
		t.Fatalf("/readyz before the mediator: %d %s", code, body)
	}
	if code, _ := httpGet(t, base+"/healthz"); code != http.StatusOK {
		t.Fatalf("/healthz: %d", code)
	}
	// The lines are read into the spool meanwhile.
	testkit.Eventually(t, 60*time.Second, "the lines in the spool", func() bool { return a.Spool().Depth() == n })

	m, _ := startMediator(t, filepath.Join(dir, "mediator"), medAddr)
	testkit.Eventually(t, 60*time.Second, "/readyz 200", func() bool { code, _ := httpGet(t, base+"/readyz"); return code == http.StatusOK })
	waitCount(t, m.Index(), n)
	testkit.Eventually(t, 60*time.Second, "the spool emptied", func() bool { return a.Spool().Depth() == 0 })

	code, text := httpGet(t, base+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d %s", code, text)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	var read float64
	for _, m := range fams["sluice_agent_lines_read_total"].GetMetric() {
		read += m.GetCounter().GetValue()
	}
	if read != n {
		t.Errorf("sluice_agent_lines_read_total sums to %v, want %d", read, n)
	}
	sample := func(name string, labels ...string) float64 {
		f := fams[name]
	next:
		for _, m := range f.GetMetric() {
			for i := 0; i+1 < len(labels); i += 2 {
				found := false
				for _, lp := range m.GetLabel() {
					found = found || (lp.GetName() == labels[i] && lp.GetValue() == labels[i+1])
				}
				if !found {
					continue next
				}
			}
			switch f.GetType() {
			case dto.MetricType_COUNTER:
				return m.GetCounter().GetValue()
			case dto.MetricType_GAUGE:
				return m.GetGauge().GetValue()
			case dto.MetricType_HISTOGRAM:
				return float64(m.GetHistogram().GetSampleCount())
			}
		}
		t.Errorf("%s%v: missing", name, labels)
		return -1
	}
	for _, c := range []struct {
		name   string
		labels []string
		min    float64
		max    float64
	}{
		{"sluice_agent_batches_sent_total", nil, 1, 1e9},
		{"sluice_agent_batches_acknowledged_total", nil, 1, 1e9},
		{"sluice_agent_acks_total", nil, 1, 1e9},
		{"sluice_agent_ack_latency_seconds", nil, 1, 1e9},
		{"sluice_agent_sessions_total", nil, 1, 1},
		{"sluice_agent_connect_failures_total", []string{"reason", "unreachable"}, 1, 1e9},
		{"sluice_agent_mediator_info", []string{"mediator", medAddr}, 1, 1},
		{"sluice_agent_connected", nil, 1, 1},
		{"sluice_agent_spool_entries", nil, 0, 0},
		{"sluice_agent_last_ack_time_seconds", nil, float64(time.Now().Add(-time.Minute).Unix()), 1e12},
	} {
		if v := sample(c.name, c.labels...); v < c.min || v > c.max {
			t.Errorf("%s%v = %v, want %v…%v", c.name, c.labels, v, c.min, c.max)
		}
	}
	if sent, acked := sample("sluice_agent_batches_sent_total"), sample("sluice_agent_batches_acknowledged_total"); acked != sent {
		t.Errorf("batches sent %v, acknowledged %v: want all acknowledged", sent, acked)
	}
	if path, err := exec.LookPath("promtool"); err == nil {
		cmd := exec.Command(path, "check", "metrics")
		cmd.Stdin = bytes.NewReader([]byte(text))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool check metrics: %v\n%s", err, out)
		}
	} else if os.Getenv("SLUICE_REQUIRE_PROMETHEUS") == "1" {
		t.Error("promtool is not installed (SLUICE_REQUIRE_PROMETHEUS=1)")
	}
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}
