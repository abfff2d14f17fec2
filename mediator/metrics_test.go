package mediator

import (
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"google.golang.org/grpc/codes"

	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/refusal"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
	"github.com/sluicehq/sluice/test/promtest"
)

// TestMetricsAfterTraffic sends real traffic (entries the starter rules
// parse and entries they do not, a refused hello), scrapes /metrics and
// checks each metric's type and value, that /v1/status reads the same
// numbers, and that the text passes promlint and `promtool check
// metrics`.
func TestMetricsAfterTraffic(t *testing.T) {
	m := testMediator(t, `index_flush = "20ms"`)
	const parsed, unparsed = 20, 5
	var es []*sluicev1.LogEntry
	for i := range parsed + unparsed {
		raw := fmt.Sprintf("Nov 20 08:00:%02d host-1 sshd[100%d]: Accepted password for user%d from 192.0.2.%d port %d ssh2", i%60, i, i, i+1, 1024+i)
		if i >= parsed {
			raw = fmt.Sprintf("nothing a rule knows %d", i)
		}
		es = append(es, &sluicev1.LogEntry{Seq: uint64(i + 1), SourceType: "linux-auth", Raw: []byte(raw)})
	}
	sendEntries(t, m.Addr(), &sluicev1.Hello{AgentId: "web-01", Organization: "acme"}, es)
	if _, _, err := dialHello(t, m.Addr(), &sluicev1.Hello{AgentId: "not an id!"}); err == nil {
		t.Fatal("a bad hello was welcomed")
	} else {
		wantRefusal(t, err, codes.InvalidArgument, refusal.BadHello)
	}
	const total = parsed + unparsed
	testkit.Eventually(t, 20*time.Second, "entries indexed", func() bool { return m.pipeline.indexed.Load() == total && m.state.q.Len() == 0 })

	text := promtest.Scrape(t, "http://"+m.HTTPAddr()+"/metrics", "")
	fams := promtest.Parse(t, text)
	st := m.Status()
	const any = -1.0 // present, whatever its value
	for _, tc := range []struct {
		name   string
		typ    dto.MetricType
		labels []string
		want   float64
	}{
		{"sluice_mediator_received_entries_total", dto.MetricType_COUNTER, nil, total},
		{"sluice_mediator_received_batches_total", dto.MetricType_COUNTER, nil, 1},
		{"sluice_mediator_batches_throttled_total", dto.MetricType_COUNTER, nil, 0},
		{"sluice_mediator_agents_connected", dto.MetricType_GAUGE, nil, any},
		{"sluice_mediator_agents_max", dto.MetricType_GAUGE, nil, float64(m.cfg.MaxAgents)},
		{"sluice_mediator_agent_refusals_total", dto.MetricType_COUNTER, []string{"reason", "bad_hello"}, 1},
		{"sluice_mediator_agent_refusals_total", dto.MetricType_COUNTER, []string{"reason", "suspense"}, 0},
		{"sluice_mediator_agent_refusals_total", dto.MetricType_COUNTER, []string{"reason", "duplicate_identity"}, 0},
		{"sluice_mediator_suspense", dto.MetricType_GAUGE, nil, 0},
		{"sluice_mediator_pipeline_stalled", dto.MetricType_GAUGE, nil, 0},
		{"sluice_mediator_pipeline_stalls_total", dto.MetricType_COUNTER, nil, 0},
		{"sluice_mediator_state_entries", dto.MetricType_GAUGE, nil, 0},
		{"sluice_mediator_state_bytes", dto.MetricType_GAUGE, nil, any},
		{"sluice_mediator_organization_backlog_entries", dto.MetricType_GAUGE, []string{"organization", "acme"}, 0},
		{"sluice_mediator_mpe_lines_total", dto.MetricType_COUNTER, []string{"log_source_type", "linux-auth"}, total},
		{"sluice_mediator_mpe_unmatched_lines_total", dto.MetricType_COUNTER, []string{"log_source_type", "linux-auth"}, unparsed},
		{"sluice_mediator_rule_matches_total", dto.MetricType_COUNTER, []string{"kind", "rule"}, any},
		{"sluice_mediator_mpe_panics_total", dto.MetricType_COUNTER, nil, 0},
		{"sluice_mediator_mpe_dropped_events_total", dto.MetricType_COUNTER, nil, any},
		{"sluice_mediator_mpe_alarms_total", dto.MetricType_COUNTER, nil, any},
		{"sluice_mediator_rules", dto.MetricType_GAUGE, nil, float64(st.Rules)},
		{"sluice_mediator_rule_reloads_total", dto.MetricType_COUNTER, nil, 0},
		{"sluice_mediator_index_documents_written_total", dto.MetricType_COUNTER, nil, total},
		{"sluice_mediator_index_documents_retried_total", dto.MetricType_COUNTER, nil, 0},
		{"sluice_mediator_index_documents_dead_lettered_total", dto.MetricType_COUNTER, nil, 0},
		{"sluice_mediator_index_retrying", dto.MetricType_GAUGE, nil, 0},
		{"sluice_mediator_index_write_duration_seconds", dto.MetricType_HISTOGRAM, nil, any},
		{"sluice_mediator_deadletter_entries", dto.MetricType_GAUGE, nil, 0},
		{"sluice_mediator_processing_errors_total", dto.MetricType_COUNTER, nil, 0},
		{"sluice_mediator_timestamps_out_of_range_total", dto.MetricType_COUNTER, nil, any},
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
			if fam.GetHelp() == "" {
				t.Errorf("%s has no help", tc.name)
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

	// The rules matched every parsed line (each line is matched by one
	// rule; event rules add their own matches under kind="event_rule").
	var ruleMatches float64
	for _, s := range fams["sluice_mediator_rule_matches_total"].GetMetric() {
		for _, l := range s.GetLabel() {
			if l.GetName() == "kind" && l.GetValue() == "rule" {
				ruleMatches += s.GetCounter().GetValue()
			}
		}
	}
	if ruleMatches != parsed {
		t.Errorf("rule matches (kind=rule) sum to %v, want %d", ruleMatches, parsed)
	}
	if n, _ := promtest.Value(fams["sluice_mediator_index_write_duration_seconds"]); n < 1 {
		t.Errorf("index write histogram observed %v writes, want at least 1", n)
	}
	// /v1/status and /metrics are views of the same counters.
	for _, c := range []struct {
		name   string
		status float64
	}{
		{"sluice_mediator_received_entries_total", float64(st.Received)},
		{"sluice_mediator_received_batches_total", float64(st.ReceivedBatches)},
		{"sluice_mediator_index_documents_written_total", float64(st.Indexed)},
		{"sluice_mediator_processing_errors_total", float64(st.Errors)},
		{"sluice_mediator_deadletter_entries", float64(st.DeadLetter)},
		{"sluice_mediator_state_entries", float64(st.StateDepth)},
		{"sluice_mediator_pipeline_stalls_total", float64(st.Stalls)},
	} {
		if got, _ := promtest.Value(fams[c.name]); got != c.status {
			t.Errorf("%s = %v, /v1/status says %v", c.name, got, c.status)
		}
	}

	problems, err := testutil.GatherAndLint(m.Registry())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("promlint: %s: %s", p.Metric, p.Text)
	}
	promtest.CheckMetrics(t, text)
}

// TestMetricsAccess: /metrics is a read endpoint behind the read token,
// and, counting every organization's events, wants a token for all of
// them.
func TestMetricsAccess(t *testing.T) {
	m, _ := tokenMediator(t, "")
	base := "http://" + m.HTTPAddr()
	for _, c := range []apiCall{
		{name: "metrics without token", path: "/metrics", code: 401},
		{name: "metrics with a wrong token", path: "/metrics", token: "wrong-token-0123456789", code: 401},
		{name: "metrics with an organization's token", path: "/metrics", token: apiAcmeTok, code: 403, want: "token for all of them"},
		{name: "metrics with the read-all token", path: "/metrics", token: apiAllTok, code: 200, want: "sluice_mediator_received_entries_total"},
		{name: "metrics with the admin token", path: "/metrics", token: apiAdminTok, code: 200, want: "sluice_mediator_state_entries"},
	} {
		c.run(t, base)
	}
}
