// Package promtest is what the metrics tests share: scraping a daemon's
// /metrics, parsing and linting the text, checking it and rule files with
// Debian's promtool, and running a real Prometheus server (Debian's
// prometheus package, installed by make test-deps) that scrapes
// in-process daemons.
//
// Without promtool or prometheus the checks that need them skip, unless
// SLUICE_REQUIRE_PROMETHEUS=1 (make test-go sets it): then they fail.
package promtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// RequireEnv is the variable that makes a missing promtool or prometheus
// a failure rather than a skip.
const RequireEnv = "SLUICE_REQUIRE_PROMETHEUS"

// Binary returns the path of name (promtool or prometheus). It skips the
// test when the binary is missing, or fails it under RequireEnv=1.
func Binary(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv(RequireEnv) == "1" {
		t.Fatalf("%s not found (%s=1): make test-deps installs Debian's prometheus package", name, RequireEnv)
	}
	t.Skipf("%s not found: make test-deps installs Debian's prometheus package", name)
	return ""
}

// Get GETs url with token as the bearer token unless it is "": the
// response (its body read) and the body.
func Get(t testing.TB, url, token string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// Scrape GETs url (a daemon's /metrics), with token as the bearer token
// unless it is "", and returns the body; any status but 200 fails t.
func Scrape(t testing.TB, url, token string) []byte {
	t.Helper()
	resp, body := Get(t, url, token)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s: %s", url, resp.Status, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("GET %s: Content-Type %q, want Prometheus' text format", url, ct)
	}
	return body
}

// Parse parses Prometheus' text format into metric families by name.
func Parse(t testing.TB, text []byte) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(text))
	if err != nil {
		t.Fatalf("parse metrics: %v\n%s", err, text)
	}
	return fams
}

// Value is the value of the series of fam whose labels include labels
// (name, value pairs), and whether there is one: a counter's, a gauge's,
// or a histogram's sample count.
func Value(fam *dto.MetricFamily, labels ...string) (float64, bool) {
	if fam == nil {
		return 0, false
	}
next:
	for _, m := range fam.GetMetric() {
		for i := 0; i+1 < len(labels); i += 2 {
			found := false
			for _, lp := range m.GetLabel() {
				if lp.GetName() == labels[i] && lp.GetValue() == labels[i+1] {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		switch fam.GetType() {
		case dto.MetricType_COUNTER:
			return m.GetCounter().GetValue(), true
		case dto.MetricType_GAUGE:
			return m.GetGauge().GetValue(), true
		case dto.MetricType_HISTOGRAM:
			return float64(m.GetHistogram().GetSampleCount()), true
		case dto.MetricType_UNTYPED:
			return m.GetUntyped().GetValue(), true
		}
	}
	return 0, false
}

// CheckMetrics runs `promtool check metrics` on a scrape (Prometheus'
// naming and help conventions) and fails t on any problem it reports.
func CheckMetrics(t testing.TB, text []byte) {
	t.Helper()
	bin := Binary(t, "promtool")
	cmd := exec.Command(bin, "check", "metrics")
	cmd.Stdin = bytes.NewReader(text)
	if out, err := cmd.CombinedOutput(); err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Fatalf("promtool check metrics: %v\n%s", err, out)
	}
}

// CheckRules runs `promtool check rules` on rule files.
func CheckRules(t testing.TB, files ...string) {
	t.Helper()
	bin := Binary(t, "promtool")
	out, err := exec.Command(bin, append([]string{"check", "rules"}, files...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool check rules: %v\n%s", err, out)
	}
}

// Target is a daemon for Prometheus to scrape.
type Target struct {
	// Job is the job label (sluice-mediator, sluice-arm, sluice-agent).
	Job string
	// Addr is the daemon's HTTP address (host:port); the path is
	// /metrics.
	Addr string
	// Token is the bearer token, "" for none; Prometheus reads it from a
	// credentials file, as docs/operations.md tells operators to.
	Token string
}

// Server is a Prometheus server started by Start.
type Server struct {
	// URL is its HTTP API's base URL.
	URL string
}

// Options say what a Prometheus server started by Start does.
type Options struct {
	// Targets are scraped every second.
	Targets []Target
	// RuleFiles are recording and alerting rule files, evaluated every
	// second.
	RuleFiles []string
}

// Start runs Debian's prometheus as opts say, its data in a temporary
// directory, and stops it when t ends. It returns once the server
// answers.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	bin := Binary(t, "prometheus")
	dir := t.TempDir()
	var cfg strings.Builder
	cfg.WriteString("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n")
	if len(opts.RuleFiles) > 0 {
		cfg.WriteString("rule_files:\n")
		for _, f := range opts.RuleFiles {
			abs, err := filepath.Abs(f)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&cfg, "  - %q\n", abs)
		}
	}
	cfg.WriteString("scrape_configs:\n")
	for i, tg := range opts.Targets {
		fmt.Fprintf(&cfg, "  - job_name: %q\n    metrics_path: /metrics\n    static_configs:\n      - targets: [%q]\n", tg.Job, tg.Addr)
		if tg.Token != "" {
			cred := filepath.Join(dir, fmt.Sprintf("token-%d", i))
			if err := os.WriteFile(cred, []byte(tg.Token+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&cfg, "    authorization:\n      credentials_file: %q\n", cred)
		}
	}
	cfgFile := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfgFile, []byte(cfg.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	logf, err := os.Create(filepath.Join(dir, "prometheus.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--config.file="+cfgFile, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--log.level=warn")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		_ = logf.Close()
		if t.Failed() {
			if b, err := os.ReadFile(logf.Name()); err == nil {
				t.Logf("prometheus log:\n%s", b)
			}
		}
	})
	s := &Server{URL: "http://" + addr}
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-exited:
			b, _ := os.ReadFile(logf.Name())
			t.Fatalf("prometheus exited at start:\n%s", b)
		default:
		}
		if resp, err := http.Get(s.URL + "/-/ready"); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("prometheus not ready within 30s")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Query runs an instant PromQL query whose answer is one sample, and
// returns its value; ok is false while the query has no sample.
func (s *Server) Query(ctx context.Context, q string) (v float64, ok bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/api/v1/query?query="+url.QueryEscape(q), nil)
	if err != nil {
		return 0, false, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, false, err
	}
	defer resp.Body.Close()
	var body struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			Result []struct {
				Value [2]any `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return 0, false, fmt.Errorf("query %q: %w", q, err)
	}
	if body.Status != "success" {
		return 0, false, fmt.Errorf("query %q: %s", q, body.Error)
	}
	if len(body.Data.Result) == 0 {
		return 0, false, nil
	}
	str, _ := body.Data.Result[0].Value[1].(string)
	v, err = strconv.ParseFloat(str, 64)
	return v, err == nil, err
}

// WaitFor polls q until it returns want, for at most timeout, and fails
// t with the last answer otherwise.
func (s *Server) WaitFor(t testing.TB, q string, want float64, timeout time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var (
		last   float64
		ok     bool
		err    error
		ticker = time.NewTicker(250 * time.Millisecond)
	)
	defer ticker.Stop()
	for {
		last, ok, err = s.Query(ctx, q)
		if err == nil && ok && last == want {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("prometheus: %s = %v (sample: %v, error: %v) after %s, want %v", q, last, ok, err, timeout, want)
		case <-ticker.C:
		}
	}
}

// WaitRulesHealthy waits until every rule loaded has been evaluated
// without error (health "ok"), for at most timeout.
func (s *Server) WaitRulesHealthy(t testing.TB, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		bad, n, err := s.unhealthyRules()
		if err == nil && n > 0 && len(bad) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("prometheus rules after %s: %d loaded, not healthy: %v (error: %v)", timeout, n, bad, err)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// unhealthyRules lists the rules whose health is not "ok" (with their
// last error), and how many rules are loaded.
func (s *Server) unhealthyRules() (bad []string, n int, err error) {
	resp, err := http.Get(s.URL + "/api/v1/rules")
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	var body struct {
		Data struct {
			Groups []struct {
				Rules []struct {
					Name      string `json:"name"`
					Health    string `json:"health"`
					LastError string `json:"lastError"`
				} `json:"rules"`
			} `json:"groups"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, 0, err
	}
	for _, g := range body.Data.Groups {
		for _, r := range g.Rules {
			n++
			if r.Health != "ok" {
				bad = append(bad, fmt.Sprintf("%s: %s %s", r.Name, r.Health, r.LastError))
			}
		}
	}
	return bad, n, nil
}

// freeAddr is a loopback address with a port free right now.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
