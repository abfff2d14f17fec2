package prometheustest

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/mediator"
	"github.com/sluicehq/sluice/test/promtest"
)

const (
	dashboard  = "../../configs/grafana/sluice.json"
	alertRules = "../../configs/prometheus/sluice-rules.yml"
	rulesTests = "../../configs/prometheus/sluice-rules_test.yml"
)

// metricName finds the Sluice metric names in PromQL.
var metricName = regexp.MustCompile(`\bsluice_[a-z0-9_]+`)

// dashboardExprs returns every PromQL expression of the dashboard: the
// panels' targets (rows' nested panels included) and the template
// variables' queries.
func dashboardExprs(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(dashboard)
	if err != nil {
		t.Fatal(err)
	}
	type panel struct {
		Title   string `json:"title"`
		Type    string `json:"type"`
		Targets []struct {
			Expr string `json:"expr"`
		} `json:"targets"`
		Panels []json.RawMessage `json:"panels"`
	}
	var d struct {
		Inputs []struct {
			Name     string `json:"name"`
			PluginID string `json:"pluginId"`
		} `json:"__inputs"`
		Panels     []json.RawMessage `json:"panels"`
		Templating struct {
			List []struct {
				Definition string `json:"definition"`
			} `json:"list"`
		} `json:"templating"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("%s: %v", dashboard, err)
	}
	if len(d.Inputs) != 1 || d.Inputs[0].Name != "DS_PROMETHEUS" || d.Inputs[0].PluginID != "prometheus" {
		t.Errorf("%s: want one Prometheus datasource input DS_PROMETHEUS, got %+v", dashboard, d.Inputs)
	}
	if strings.Contains(string(b), `"uid": "prometheus"`) {
		t.Errorf("%s names a datasource uid of its own: use ${DS_PROMETHEUS}", dashboard)
	}
	var exprs []string
	var walk func(raw []json.RawMessage)
	walk = func(raw []json.RawMessage) {
		for _, r := range raw {
			var p panel
			if err := json.Unmarshal(r, &p); err != nil {
				t.Fatalf("%s: panel: %v", dashboard, err)
			}
			if p.Type != "row" && len(p.Targets) == 0 {
				t.Errorf("%s: panel %q has no query", dashboard, p.Title)
			}
			for _, tg := range p.Targets {
				exprs = append(exprs, tg.Expr)
			}
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	for _, v := range d.Templating.List {
		exprs = append(exprs, v.Definition)
	}
	return exprs
}

// ruleExprs returns the expr of every rule in the alert rules file.
func ruleExprs(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(alertRules)
	if err != nil {
		t.Fatal(err)
	}
	var exprs []string
	for _, line := range strings.Split(string(b), "\n") {
		if e, ok := strings.CutPrefix(strings.TrimSpace(line), "expr:"); ok {
			exprs = append(exprs, strings.TrimSpace(e))
		}
	}
	if len(exprs) == 0 {
		t.Fatalf("%s: no rules", alertRules)
	}
	return exprs
}

// TestDashboardAndRulesNameExportedMetrics: every metric the Grafana
// dashboard and the alert rules query is exported by a real mediator and
// ARM and agent after traffic.
func TestDashboardAndRulesNameExportedMetrics(t *testing.T) {
	f := startFleet(t, nil)
	f.appendLines(t, 50)
	deadline := time.Now().Add(30 * time.Second)
	for f.mediator.Status().Indexed < 50 {
		if time.Now().After(deadline) {
			t.Fatalf("indexed %d of 50 lines", f.mediator.Status().Indexed)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// sluice_mediator_warning has a series only while the mediator holds
	// a warning: hold one, as its disk watch would.
	f.mediator.SetWarning(mediator.WarningIndexDiskLow, "index disk low: 1.2 GiB free (floor 2 GiB)")
	exported := map[string]bool{}
	for _, tg := range f.targets() {
		for name := range promtest.Parse(t, promtest.Scrape(t, "http://"+tg.Addr+"/metrics", tg.Token)) {
			exported[name] = true
		}
	}
	check := func(what string, exprs []string) {
		seen := 0
		for _, e := range exprs {
			for _, name := range metricName.FindAllString(e, -1) {
				seen++
				family := name
				for _, suffix := range []string{"_bucket", "_sum", "_count"} {
					if base, ok := strings.CutSuffix(name, suffix); ok && exported[base] {
						family = base
					}
				}
				if !exported[family] {
					t.Errorf("%s: %s is not exported (query %s)", what, name, e)
				}
			}
		}
		if seen == 0 {
			t.Errorf("%s: no Sluice metric queried", what)
		}
	}
	check(filepath.Base(dashboard), dashboardExprs(t))
	check(filepath.Base(alertRules), ruleExprs(t))
}

// TestAlertRules: the alert rules pass `promtool check rules` and their
// unit tests (`promtool test rules`).
func TestAlertRules(t *testing.T) {
	promtest.CheckRules(t, alertRules)
	bin := promtest.Binary(t, "promtool")
	cmd := exec.Command(bin, "test", "rules", filepath.Base(rulesTests))
	cmd.Dir = filepath.Dir(rulesTests)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("promtool test rules: %v\n%s", err, out)
	}
}
