package arm

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"

	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/test/promtest"
)

// TestMetricsAfterTraffic: an agent goes silent past two intervals (two
// missing-heartbeat warnings) and returns; the scrape counts the
// components by kind and status and the transitions, agrees with
// /v1/status, and passes promlint and `promtool check metrics`.
func TestMetricsAfterTraffic(t *testing.T) {
	clock := newFakeClock(t0)
	cfg := testConfig(t, t.TempDir())
	cfg.CheckInterval = time.Hour // the test calls check itself
	a := newARM(t, cfg, clock)
	testkit.Run(t, a.Run)
	report(t, a, "dp-01", 0, agentHB("web-01", "acme", "dp-01", t0), agentHB("db-01", "acme", "dp-01", t0))
	for range 21 { // web-01 silent for 21 minutes: yellow, then red
		clock.Advance(time.Minute)
		report(t, a, "dp-01", 0, agentHB("db-01", "acme", "dp-01", clock.Now()))
		a.check()
	}
	report(t, a, "dp-01", 0, agentHB("web-01", "acme", "dp-01", clock.Now()))

	text := promtest.Scrape(t, "http://"+a.HTTPAddr()+"/metrics", "")
	fams := promtest.Parse(t, text)
	st := a.Status()
	const any = -1.0
	for _, tc := range []struct {
		name   string
		typ    dto.MetricType
		labels []string
		want   float64
	}{
		{"sluice_arm_components", dto.MetricType_GAUGE, []string{"kind", "agent", "status", "green"}, 2},
		{"sluice_arm_components", dto.MetricType_GAUGE, []string{"kind", "agent", "status", "red"}, 0},
		{"sluice_arm_components", dto.MetricType_GAUGE, []string{"kind", "mediator", "status", "green"}, 1},
		{"sluice_arm_transitions_total", dto.MetricType_COUNTER, []string{"kind", "agent", "transition", "missing"}, 2},
		{"sluice_arm_transitions_total", dto.MetricType_COUNTER, []string{"kind", "agent", "transition", "returned"}, 1},
		{"sluice_arm_transitions_total", dto.MetricType_COUNTER, []string{"kind", "mediator", "transition", "missing"}, 0},
		{"sluice_arm_reports_total", dto.MetricType_COUNTER, nil, float64(st.Reports)},
		{"sluice_arm_heartbeats_total", dto.MetricType_COUNTER, nil, float64(st.Heartbeats)},
		{"sluice_arm_heartbeats_ignored_future_total", dto.MetricType_COUNTER, nil, 0},
		{"sluice_arm_heartbeats_ignored_unknown_organization_total", dto.MetricType_COUNTER, nil, 0},
		{"sluice_arm_heartbeats_ignored_invalid_total", dto.MetricType_COUNTER, nil, 0},
		{"sluice_arm_reports_refused_identity_total", dto.MetricType_COUNTER, nil, 0},
		{"sluice_arm_events_total", dto.MetricType_COUNTER, nil, float64(st.Events)},
		{"sluice_arm_events_dropped_total", dto.MetricType_COUNTER, nil, 0},
		{"sluice_arm_save_errors_total", dto.MetricType_COUNTER, nil, 0},
		{"sluice_arm_outbox_events", dto.MetricType_GAUGE, nil, float64(st.OutboxDepth)},
		{"sluice_arm_components_stalled", dto.MetricType_GAUGE, nil, 0},
		{"sluice_arm_duplicate_identities", dto.MetricType_GAUGE, nil, 0},
		{"go_goroutines", dto.MetricType_GAUGE, nil, any},
		{"process_cpu_seconds_total", dto.MetricType_COUNTER, nil, any},
	} {
		t.Run(fmt.Sprint(tc.name, tc.labels), func(t *testing.T) {
			fam := fams[tc.name]
			if fam == nil {
				t.Fatalf("%s not exported", tc.name)
			}
			if fam.GetType() != tc.typ {
				t.Errorf("%s is a %v, want a %v", tc.name, fam.GetType(), tc.typ)
			}
			got, ok := promtest.Value(fam, tc.labels...)
			if !ok {
				t.Fatalf("%s has no series %v", tc.name, tc.labels)
			}
			if tc.want != any && got != tc.want {
				t.Errorf("%s%v = %v, want %v", tc.name, tc.labels, got, tc.want)
			}
		})
	}
	if st.Events != 3 || st.Reports != 23 {
		t.Errorf("status: %d events, %d reports; want 3 and 23", st.Events, st.Reports)
	}
	// Every component is counted once, as /v1/status counts them.
	var comps float64
	for _, s := range fams["sluice_arm_components"].GetMetric() {
		comps += s.GetGauge().GetValue()
	}
	if comps != float64(st.Components) {
		t.Errorf("sluice_arm_components sums to %v, /v1/status says %d", comps, st.Components)
	}
	problems, err := testutil.GatherAndLint(a.Registry())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("promlint: %s: %s", p.Metric, p.Text)
	}
	promtest.CheckMetrics(t, text)
}

// TestMetricsAccessARM: /metrics is a read endpoint (behind the read
// token), for tokens of every organization; the probes stay open.
func TestMetricsAccessARM(t *testing.T) {
	_, base := tokenARM(t)
	for _, c := range []struct {
		name, path, token string
		code              int
		want              string
	}{
		{"metrics without token", "/metrics", "", 401, ""},
		{"metrics with an organization's token", "/metrics", readAcmeToken, 403, "token for all of them"},
		{"metrics with the read-all token", "/metrics", readAllToken, 200, "sluice_arm_components"},
		{"metrics with the admin token", "/metrics", testToken, 200, "sluice_arm_transitions_total"},
		{"healthz without token", "/healthz", "", 200, `"ok"`},
		{"readyz without token", "/readyz", "", 200, `"ready":true`},
	} {
		code, body := call(t, http.MethodGet, base+c.path, c.token, nil)
		if code != c.code || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d %s, want %d with %q", c.name, code, body, c.code, c.want)
		}
	}
}

// TestReadyzARM: ready while the store is open and ARM serves; not ready,
// with the reason, once it is shutting down or its store is closed.
func TestReadyzARM(t *testing.T) {
	a := newARM(t, testConfig(t, t.TempDir()), newFakeClock(t0))
	stop := testkit.Run(t, a.Run)
	base := "http://" + a.HTTPAddr()
	var ready ReadyResponse
	getJSON(t, base+"/readyz", http.StatusOK, &ready)
	if !ready.Ready || len(ready.Reasons) != 0 {
		t.Fatalf("readyz %+v", ready)
	}
	// The handler itself, as Run's end leaves it (the server is gone by
	// then): shutting down, store closed.
	stop()
	rec := httptest.NewRecorder()
	a.handleReadyz(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	if body := rec.Body.String(); rec.Code != http.StatusServiceUnavailable || !strings.Contains(body, "shutting down") || !strings.Contains(body, "state store closed") {
		t.Fatalf("readyz after stop: %d %s", rec.Code, body)
	}
}
