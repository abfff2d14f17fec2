package mediator

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/sluicehq/sluice/pkg/httpauth"
	"github.com/sluicehq/sluice/pkg/serve"
)

// The mediator's Prometheus metrics (docs/operations.md, "Metrics").
// Where a counter already exists (what /v1/status and /v1/rules/stats
// serve), the metric reads it: /v1/status and /metrics are two views of
// the same numbers. Only what nothing counted before (the index write
// histogram) is a native Prometheus metric.

// registerMetrics registers the mediator's metrics, and the Go and
// process collectors, with reg. A registry shared with another daemon of
// the process (Deps.Registry) may already have the Go and process
// collectors: that is not an error.
func (m *Mediator) registerMetrics(reg *prometheus.Registry) error {
	for _, c := range []prometheus.Collector{
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	} {
		if err := reg.Register(c); err != nil {
			if are := (prometheus.AlreadyRegisteredError{}); !errors.As(err, &are) {
				return fmt.Errorf("register metrics: %w", err)
			}
		}
	}
	writes := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "sluice_mediator_index_write_duration_seconds",
		Help: "Duration of each index bulk write attempt (one organization's share of an index batch), failed attempts included.",
		// An embedded index's bulk write of a batch takes milliseconds,
		// an Elasticsearch bulk request tens to hundreds, a cluster in
		// trouble seconds (a request times out at 30 s).
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	})
	m.pipeline.writeSeconds = writes
	cs := []prometheus.Collector{writes, newMediatorCollector(m), newOrgQuotaCollector(m.intake.quotas, m.state.orgs)}
	cs = append(cs, m.funcMetrics()...)
	cs = append(cs, m.lifecycleMetrics()...)
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return fmt.Errorf("register metrics: %w", err)
		}
	}
	return nil
}

// counterFunc and gaugeFunc make an unlabelled metric that reads fn.
func counterFunc(name, help string, fn func() uint64) prometheus.Collector {
	return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 { return float64(fn()) })
}

func gaugeFunc(name, help string, fn func() float64) prometheus.Collector {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, fn)
}

// boolValue is 1 for true.
func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// funcMetrics are the unlabelled metrics, each reading the counter or
// state /v1/status reads.
func (m *Mediator) funcMetrics() []prometheus.Collector {
	p, in := m.pipeline, m.intake
	return []prometheus.Collector{
		gaugeFunc("sluice_mediator_agents_connected", "Agents with a live stream.", func() float64 { return float64(m.registry.count()) }),
		gaugeFunc("sluice_mediator_agents_max", "The max_agents setting.", func() float64 { return float64(m.cfg.MaxAgents) }),
		counterFunc("sluice_mediator_received_entries_total", "Entries received from agents and stored in state.", in.received.Load),
		counterFunc("sluice_mediator_received_batches_total", "Batches received from agents and stored in state.", in.batches.Load),
		counterFunc("sluice_mediator_received_message_bytes_total", "Bytes of the messages received on agent streams, decompressed.", in.wire.Message),
		counterFunc("sluice_mediator_received_wire_bytes_total", "Bytes of the messages received on agent streams as they came over the wire (compressed, with gRPC message headers).", in.wire.Wire),
		counterFunc("sluice_mediator_batches_throttled_total", "Batches refused for an agent's rate limit (rate_limit).", in.throttled.Load),
		gaugeFunc("sluice_mediator_suspense", "1 while the mediator is in suspense (refusing new agents).", func() float64 { return boolValue(m.suspense.reason() != "") }),
		gaugeFunc("sluice_mediator_pipeline_stalled", "1 while state holds entries that nothing indexes, the index being healthy.", func() float64 { return boolValue(m.stall.get() != "") }),
		counterFunc("sluice_mediator_pipeline_stalls_total", "Pipeline stalls since the start.", m.stall.count.Load),
		gaugeFunc("sluice_mediator_state_entries", "Entries in state: stored and acknowledged, not yet indexed (the backlog).", func() float64 { return float64(m.state.q.Len()) }),
		gaugeFunc("sluice_mediator_state_bytes", "Approximate size of the entries in state.", func() float64 { return float64(m.state.q.Bytes()) }),
		gaugeFunc("sluice_mediator_rules", "Rules and event rules loaded.", func() float64 { return float64(m.rules.current.Load().Len()) }),
		counterFunc("sluice_mediator_rule_reloads_total", "Rule set reloads that took effect.", m.rules.reloads.Load),
		counterFunc("sluice_mediator_index_documents_written_total", "Events the index confirmed (dead letters replayed included).", p.indexed.Load),
		counterFunc("sluice_mediator_index_documents_retried_total", "Events whose index write failed and was retried, once per failed attempt.", p.retried.Load),
		counterFunc("sluice_mediator_index_documents_dead_lettered_total", "Entries kept in the dead-letter store because the index refused their events permanently.", p.rejected.Load),
		gaugeFunc("sluice_mediator_index_retrying", "1 while an index write is failing and retried (or an organization is parked).", func() float64 { return boolValue(p.retrying.Load()) }),
		gaugeFunc("sluice_mediator_deadletter_entries", "Entries in the dead-letter store.", func() float64 { return float64(m.dead.len()) }),
		counterFunc("sluice_mediator_processing_errors_total", "Entries kept as error events: undecodable state records and MPE panics.", p.errors.Load),
		counterFunc("sluice_mediator_timestamps_out_of_range_total", "Events filed under their collection time, their own being out of range.", p.outOfRange.Load),
	}
}

// mediatorCollector emits the labelled families from the current state
// at each scrape: refusals by reason, backlog by organization, MPE lines
// by log source type, matches by rule. Their label values come from
// code, the configuration (rules, log source types) or the acceptance
// registry (organizations); never agent ids.
type mediatorCollector struct {
	m                                              *Mediator
	refusals, orgBacklog, typeLines, typeUnmatched *prometheus.Desc
	ruleMatches, panics, dropped, alarms           *prometheus.Desc
	warning                                        *prometheus.Desc
}

func newMediatorCollector(m *Mediator) *mediatorCollector {
	return &mediatorCollector{
		m: m,
		refusals: prometheus.NewDesc("sluice_mediator_agent_refusals_total",
			"Agent streams refused at admission, by reason (pkg/refusal's words; other: no reason given, such as a handshake timeout).", []string{"reason"}, nil),
		orgBacklog: prometheus.NewDesc("sluice_mediator_organization_backlog_entries",
			"Entries of an organization stored in state since the mediator started and not yet indexed (entries held from before the start count in sluice_mediator_state_entries only).", []string{"organization"}, nil),
		typeLines: prometheus.NewDesc("sluice_mediator_mpe_lines_total",
			"Lines the MPE processed, by log source type (since the rule set was loaded).", []string{"log_source_type"}, nil),
		typeUnmatched: prometheus.NewDesc("sluice_mediator_mpe_unmatched_lines_total",
			"Lines no rule matched (kept as Unknown), by log source type (since the rule set was loaded).", []string{"log_source_type"}, nil),
		ruleMatches: prometheus.NewDesc("sluice_mediator_rule_matches_total",
			"Lines a rule or event rule matched (since the rule set that holds it was loaded).", []string{"rule", "kind"}, nil),
		panics:  prometheus.NewDesc("sluice_mediator_mpe_panics_total", "Entries whose processing panicked in the MPE (kept as error events).", nil, nil),
		dropped: prometheus.NewDesc("sluice_mediator_mpe_dropped_events_total", "Events an event rule dropped.", nil, nil),
		alarms:  prometheus.NewDesc("sluice_mediator_mpe_alarms_total", "Alarm events raised.", nil, nil),
		// One series per warning raised, none when there are none: an
		// alert on the series' presence needs no list of kinds.
		warning: prometheus.NewDesc("sluice_mediator_warning",
			"1 while the mediator holds a warning of this kind (index_disk_low, archive_failing, retention_failing); absent otherwise.", []string{"kind"}, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *mediatorCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.refusals, c.orgBacklog, c.typeLines, c.typeUnmatched, c.ruleMatches, c.panics, c.dropped, c.alarms, c.warning} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *mediatorCollector) Collect(ch chan<- prometheus.Metric) {
	m := c.m
	counter := func(d *prometheus.Desc, v uint64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
	}
	m.intake.refusals.each(func(reason string, n uint64) { counter(c.refusals, n, reason) })
	counter(c.refusals, m.registry.duplicatesRefused(), "duplicate_identity")
	m.state.orgs.each(func(org string, n, _ int64) {
		ch <- prometheus.MustNewConstMetric(c.orgBacklog, prometheus.GaugeValue, float64(max(n, 0)), org)
	})
	rs := m.rules.current.Load()
	for _, t := range rs.TypeStats() {
		counter(c.typeLines, t.Lines, t.LogSourceType)
		counter(c.typeUnmatched, t.Unmatched, t.LogSourceType)
	}
	// A name may appear twice (a rule and an event rule, or one name
	// under two log source types): one series per name and kind, summed.
	type ruleKey struct{ rule, kind string }
	matches := map[ruleKey]uint64{}
	for _, r := range rs.Stats() {
		matches[ruleKey{r.Rule, r.Kind}] += r.Matches
	}
	for k, n := range matches {
		counter(c.ruleMatches, n, k.rule, k.kind)
	}
	tot := rs.Totals()
	counter(c.panics, tot.Panics)
	counter(c.dropped, tot.Dropped)
	counter(c.alarms, tot.Alarms)
	for _, w := range m.warnings.list() {
		ch <- prometheus.MustNewConstMetric(c.warning, prometheus.GaugeValue, 1, w.Kind)
	}
}

// handleMetrics serves /metrics. Like the rule statistics, the metrics
// count every organization's events (and name the organizations): they
// need a token for all of them.
func (m *Mediator) handleMetrics(w http.ResponseWriter, r *http.Request) {
	if !httpauth.GrantFrom(r.Context()).Scope.All() {
		serve.WriteJSON(w, http.StatusForbidden, errorResponse{"metrics count the events of every organization: they need a token for all of them"})
		return
	}
	m.metrics.ServeHTTP(w, r)
}
