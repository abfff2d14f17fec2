package agent

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/test/promtest"
)

// get answers GET url with an optional bearer token: status and body.
func get(t *testing.T, url, token string) (int, []byte) {
	t.Helper()
	resp, body := promtest.Get(t, url, token)
	return resp.StatusCode, body
}

// scrape reads /metrics in the text format and parses it.
func scrape(t *testing.T, base, token string) (map[string]*dto.MetricFamily, []byte) {
	t.Helper()
	body := promtest.Scrape(t, base+"/metrics", token)
	return promtest.Parse(t, body), body
}

// value is promtest.Value of family name, with its type.
func value(fams map[string]*dto.MetricFamily, name string, labels ...string) (float64, dto.MetricType, bool) {
	v, ok := promtest.Value(fams[name], labels...)
	return v, fams[name].GetType(), ok
}

// sum adds the samples of a counter family.
func sum(fams map[string]*dto.MetricFamily, name string) float64 {
	var s float64
	for _, m := range fams[name].GetMetric() {
		s += m.GetCounter().GetValue()
	}
	return s
}

// promtoolCheck runs `promtool check metrics` on a scrape, when promtool
// is installed; SLUICE_REQUIRE_PROMETHEUS=1 (make test-go) makes its
// absence a failure.
func promtoolCheck(t *testing.T, text []byte) {
	t.Helper()
	path, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("SLUICE_REQUIRE_PROMETHEUS") == "1" {
			t.Fatal("promtool is not installed (SLUICE_REQUIRE_PROMETHEUS=1): make test-deps installs Debian's prometheus package")
		}
		t.Log("promtool is not installed: metrics not linted")
		return
	}
	cmd := exec.Command(path, "check", "metrics")
	cmd.Stdin = bytes.NewReader(text)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("promtool check metrics: %v\n%s", err, out)
	}
}

// After real traffic (a file of N lines, webhook requests, a mediator
// that cannot be reached), /metrics shows the agent's metrics with the
// right names, types and values, the same numbers /v1/status shows, and
// passes promtool's lint.
func TestMetrics(t *testing.T) {
	const n = 50
	dir := t.TempDir()
	logPath := filepath.Join(dir, "app.log")
	var content strings.Builder
	for i := range n {
		fmt.Fprintf(&content, "line %03d of the test\n", i)
	}
	if err := os.WriteFile(logPath, []byte(content.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	hookAddr := testkit.FreeAddr(t)
	const hookToken = "0123456789abcdef0123"
	cfg, err := ParseConfig([]byte(fmt.Sprintf(`
agent {
  id        = "a1"
  data_dir  = %q
  mediators = ["127.0.0.1:1"]
  http      = "127.0.0.1:0"
  reconnect_jitter = "0s"
}
source "file" "app" {
  paths           = [%q]
  log_source_type = "app"
  poll_interval   = "20ms"
}
source "webhook" "hook" {
  log_source_type = "webhook"
  listen          = %q
  tokens          = [%q]
}
`, filepath.Join(dir, "data"), logPath, hookAddr, hookToken)), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	a := runAgent(t, cfg)
	base := "http://" + a.HTTPAddr()
	post := func(tok string) int {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; {
			req, _ := http.NewRequest(http.MethodPost, "http://"+hookAddr+"/v1/logs", strings.NewReader("one\ntwo\n"))
			req.Header.Set("Content-Type", "text/plain")
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Idempotency-Key", "metrics-test-1")
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				_ = resp.Body.Close()
				return resp.StatusCode
			}
			if time.Now().After(deadline) {
				t.Fatal(err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	if code := post("wrong-token-wrong-token"); code != http.StatusUnauthorized {
		t.Fatalf("wrong token: %d", code)
	}
	// The second is a retry, answered from its Idempotency-Key.
	for range 2 {
		if code := post(hookToken); code != http.StatusOK {
			t.Fatalf("webhook: %d", code)
		}
	}
	// The file is read, and the unreachable mediator refused at least once.
	var fams map[string]*dto.MetricFamily
	var text []byte
	for deadline := time.Now().Add(15 * time.Second); ; {
		fams, text = scrape(t, base, "")
		lines, _, _ := value(fams, "sluice_agent_lines_read_total", "source", "app")
		fails, _, _ := value(fams, "sluice_agent_connect_failures_total", "reason", "unreachable")
		if lines == n && fails > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out: lines %v, connect failures %v\n%s", lines, fails, text)
		}
		time.Sleep(50 * time.Millisecond)
	}
	var appBytes float64
	for i := range n {
		appBytes += float64(len(fmt.Sprintf("line %03d of the test", i)))
	}
	for _, tc := range []struct {
		name    string
		labels  []string
		typ     dto.MetricType
		want    float64
		atLeast bool
	}{
		{"sluice_agent_lines_read_total", []string{"source", "app", "kind", "file"}, dto.MetricType_COUNTER, n, false},
		{"sluice_agent_lines_read_total", []string{"source", "hook", "kind", "webhook"}, dto.MetricType_COUNTER, 2, false},
		{"sluice_agent_bytes_read_total", []string{"source", "app"}, dto.MetricType_COUNTER, appBytes, false},
		{"sluice_agent_bytes_read_total", []string{"source", "hook"}, dto.MetricType_COUNTER, 6, false},
		{"sluice_agent_lines_truncated_total", []string{"source", "app"}, dto.MetricType_COUNTER, 0, false},
		{"sluice_agent_webhook_requests_total", []string{"source", "hook", "result", "accepted"}, dto.MetricType_COUNTER, 1, false},
		{"sluice_agent_webhook_requests_total", []string{"source", "hook", "result", "unauthorized"}, dto.MetricType_COUNTER, 1, false},
		{"sluice_agent_webhook_requests_total", []string{"source", "hook", "result", "replayed"}, dto.MetricType_COUNTER, 1, false},
		{"sluice_agent_webhook_idempotency_keys", []string{"source", "hook"}, dto.MetricType_GAUGE, 1, false},
		{"sluice_agent_webhook_idempotency_keys_forgotten_total", []string{"source", "hook", "reason", "evicted"}, dto.MetricType_COUNTER, 0, false},
		{"sluice_agent_spool_entries", nil, dto.MetricType_GAUGE, n + 2, false},
		{"sluice_agent_spool_bytes", nil, dto.MetricType_GAUGE, 1, true},
		{"sluice_agent_spool_max_bytes", nil, dto.MetricType_GAUGE, DefaultMaxSpoolBytes, false},
		{"sluice_agent_spool_full", nil, dto.MetricType_GAUGE, 0, false},
		{"sluice_agent_batches_sent_total", nil, dto.MetricType_COUNTER, 0, false},
		{"sluice_agent_batches_acknowledged_total", nil, dto.MetricType_COUNTER, 0, false},
		{"sluice_agent_sessions_total", nil, dto.MetricType_COUNTER, 0, false},
		{"sluice_agent_connect_failures_total", []string{"reason", "unreachable"}, dto.MetricType_COUNTER, 1, true},
		{"sluice_agent_connected", nil, dto.MetricType_GAUGE, 0, false},
		{"sluice_agent_mediator_info", []string{"mediator", "127.0.0.1:1"}, dto.MetricType_GAUGE, 0, false},
		{"sluice_agent_stalled", nil, dto.MetricType_GAUGE, 0, false},
		{"sluice_agent_ack_latency_seconds", nil, dto.MetricType_HISTOGRAM, 0, false},
		{"sluice_agent_build_info", []string{"version", ""}, dto.MetricType_GAUGE, 1, false},
		{"sluice_agent_start_time_seconds", nil, dto.MetricType_GAUGE, float64(time.Now().Add(-time.Hour).Unix()), true},
		{"go_goroutines", nil, dto.MetricType_GAUGE, 1, true},
		{"process_cpu_seconds_total", nil, dto.MetricType_COUNTER, 0, true},
	} {
		got, typ, ok := value(fams, tc.name, tc.labels...)
		switch {
		case !ok:
			t.Errorf("%s%v: missing", tc.name, tc.labels)
		case typ != tc.typ:
			t.Errorf("%s: type %v, want %v", tc.name, typ, tc.typ)
		case tc.atLeast && got < tc.want, !tc.atLeast && got != tc.want:
			t.Errorf("%s%v = %v, want %v", tc.name, tc.labels, got, tc.want)
		}
	}
	if got := sum(fams, "sluice_agent_lines_read_total"); got != n+2 {
		t.Errorf("lines read sum to %v, want %d", got, n+2)
	}
	promtoolCheck(t, text)

	// /v1/status is a view of the same counters.
	code, body := get(t, base+"/v1/status", "")
	if code != http.StatusOK {
		t.Fatalf("/v1/status: %d %s", code, body)
	}
	var st Status
	if err := json.Unmarshal(body, &st); err != nil {
		t.Fatal(err)
	}
	if st.Kind != "agent" || st.ID != "a1" || st.Mediator != "" || len(st.Sources) != 2 ||
		st.Sources[0].ID != "app" || st.Sources[0].Lines != n || st.Sources[1].Webhook == nil || st.Sources[1].Webhook.Accepted != 1 ||
		st.Spool.Entries != n+2 || st.Uplink.ConnectFailures["unreachable"] < 1 || st.Uplink.LastError == "" {
		t.Errorf("status %s", body)
	}
	// Not ready without a mediator session; alive.
	if code, body := get(t, base+"/readyz", ""); code != http.StatusServiceUnavailable || !strings.Contains(string(body), "no mediator session") {
		t.Errorf("/readyz: %d %s", code, body)
	}
	if code, _ := get(t, base+"/healthz", ""); code != http.StatusOK {
		t.Errorf("/healthz: %d", code)
	}
}

// With read_token_file, /metrics and /v1/status need a read token (from
// loopback too); the probes stay open.
func TestHTTPToken(t *testing.T) {
	dir := t.TempDir()
	const token = "read-token-0123456789abcdef"
	tokens := filepath.Join(dir, "read.tokens")
	if err := os.WriteFile(tokens, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := ParseConfig([]byte(fmt.Sprintf(`
agent {
  id              = "a1"
  data_dir        = %q
  mediators       = ["127.0.0.1:1"]
  http            = "127.0.0.1:0"
  read_token_file = %q
}
`, filepath.Join(dir, "data"), tokens)), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	a := runAgent(t, cfg)
	base := "http://" + a.HTTPAddr()
	for _, tc := range []struct {
		path, token string
		want        int
	}{
		{"/metrics", "", http.StatusUnauthorized},
		{"/metrics", "wrong-token-0123456789abcdef", http.StatusUnauthorized},
		{"/metrics", token, http.StatusOK},
		{"/v1/status", "", http.StatusUnauthorized},
		{"/v1/status", token, http.StatusOK},
		{"/healthz", "", http.StatusOK},
		{"/readyz", "", http.StatusServiceUnavailable},
		{"/v1/nothing", token, http.StatusNotFound},
	} {
		if code, body := get(t, base+tc.path, tc.token); code != tc.want {
			t.Errorf("GET %s (token %q): %d %s, want %d", tc.path, tc.token, code, body, tc.want)
		}
	}
	// A Host that is not the endpoint's is refused (DNS rebinding).
	req, _ := http.NewRequest(http.MethodGet, base+"/healthz", nil)
	req.Host = "evil.example.com"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("foreign Host: %s", resp.Status)
	}
}
