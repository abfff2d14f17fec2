package arm

import (
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/sluicehq/sluice/pkg/httpauth"
	"github.com/sluicehq/sluice/pkg/serve"
)

// ARM's Prometheus metrics (docs/operations.md, "Metrics"). Each reads
// the counter or the tracker state that /v1/status serves: the two are
// views of the same numbers.

// transitionKinds are the transitions counted, in the order of
// transitionCounts' slots.
var transitionKinds = [...]TransitionKind{TransitionMissing, TransitionReturned, TransitionStalled, TransitionResumed, TransitionDuplicate,
	TransitionWarning, TransitionWarningCleared}

// componentKinds are the component kinds counted.
var componentKinds = [...]Kind{KindAgent, KindMediator}

// transitionCounts counts transitions by component kind and transition
// kind: the warnings ARM raised (missing heartbeat, stalled, duplicate
// identity, a mediator's warning) and those it cleared (returned,
// resumed, warning cleared).
type transitionCounts struct {
	n [len(componentKinds)][len(transitionKinds)]atomic.Uint64
}

func (c *transitionCounts) count(tr Transition) {
	for i, k := range componentKinds {
		if k != tr.Component.Kind {
			continue
		}
		for j, t := range transitionKinds {
			if t == tr.Kind {
				c.n[i][j].Add(1)
				return
			}
		}
	}
}

// armCollector emits the labelled families from the current state at
// each scrape.
type armCollector struct {
	a                       *ARM
	components, transitions *prometheus.Desc
}

func newARMCollector(a *ARM) *armCollector {
	return &armCollector{
		a: a,
		components: prometheus.NewDesc("sluice_arm_components",
			"Components ARM tracks, by kind (agent, mediator) and heartbeat status (green, yellow, red).", []string{"kind", "status"}, nil),
		transitions: prometheus.NewDesc("sluice_arm_transitions_total",
			"Warnings raised (missing, stalled, duplicate_identity, warning) and returned (returned, resumed, warning_cleared), by component kind and transition.", []string{"kind", "transition"}, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *armCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.components
	ch <- c.transitions
}

// Collect implements prometheus.Collector.
func (c *armCollector) Collect(ch chan<- prometheus.Metric) {
	for kind, counts := range c.a.tracker.CountsByKind() {
		for st, n := range counts {
			ch <- prometheus.MustNewConstMetric(c.components, prometheus.GaugeValue, float64(n), string(kind), string(st))
		}
	}
	for i, k := range componentKinds {
		for j, t := range transitionKinds {
			ch <- prometheus.MustNewConstMetric(c.transitions, prometheus.CounterValue, float64(c.a.stats.transitions.n[i][j].Load()), string(k), string(t))
		}
	}
}

// registerMetrics registers ARM's metrics, and the Go and process
// collectors (unless reg already has them), with reg.
func (a *ARM) registerMetrics(reg *prometheus.Registry) error {
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
	st := &a.stats
	counter := func(name, help string, v *atomic.Uint64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 { return float64(v.Load()) })
	}
	gauge := func(name, help string, fn func() float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, fn)
	}
	for _, c := range []prometheus.Collector{
		newARMCollector(a),
		counter("sluice_arm_reports_total", "Reports mediators delivered.", &st.reports),
		counter("sluice_arm_heartbeats_total", "Heartbeats mediators delivered.", &st.heartbeats),
		counter("sluice_arm_heartbeats_ignored_future_total", "Heartbeats ignored for a time too far in the future.", &st.ignoredFuture),
		counter("sluice_arm_heartbeats_ignored_unknown_organization_total", "Heartbeats ignored for an organization ARM does not know.", &st.ignoredOrg),
		counter("sluice_arm_heartbeats_ignored_invalid_total", "Heartbeats ignored as invalid.", &st.ignoredInvalid),
		counter("sluice_arm_reports_refused_identity_total", "Reports refused because the mediator id is not its certificate's.", &st.refusedIdentity),
		counter("sluice_arm_events_total", "ARM events written to the outbox.", &st.events),
		counter("sluice_arm_events_dropped_total", "ARM events dropped because the outbox was full.", &st.eventsDropped),
		counter("sluice_arm_save_errors_total", "Failed writes of ARM's state (retried).", &st.saveErrors),
		gauge("sluice_arm_outbox_events", "ARM events waiting for a mediator to store them.", func() float64 { return float64(a.outbox.depth()) }),
		gauge("sluice_arm_components_stalled", "Components whose pipeline is stalled.", func() float64 { return float64(a.tracker.StalledCount()) }),
		gauge("sluice_arm_components_warning", "Components holding a warning of their own (a mediator's index disk low, archive failing).", func() float64 { return float64(a.tracker.WarningCount()) }),
		gauge("sluice_arm_duplicate_identities", "Agents whose id two processes present.", func() float64 { return float64(a.tracker.DuplicateCount()) }),
	} {
		if err := reg.Register(c); err != nil {
			return fmt.Errorf("register metrics: %w", err)
		}
	}
	return nil
}

// handleMetrics serves /metrics. The counts cover every organization's
// agents and the mediators: they need a token for all organizations.
func (a *ARM) handleMetrics(w http.ResponseWriter, r *http.Request) {
	if !httpauth.GrantFrom(r.Context()).Scope.All() {
		serve.WriteJSON(w, http.StatusForbidden, errorResponse{Error: "metrics count every organization's components: they need a token for all of them"})
		return
	}
	a.metrics.ServeHTTP(w, r)
}

// handleHealthz answers 200 while the process serves HTTP: a liveness
// probe.
func (a *ARM) handleHealthz(w http.ResponseWriter, _ *http.Request) {
	serve.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// ReadyResponse is the body of GET /readyz.
type ReadyResponse struct {
	Ready   bool     `json:"ready"`
	Reasons []string `json:"reasons,omitempty"`
}

// handleReadyz answers 200 while ARM takes reports: its store is open
// and it is not shutting down; 503 with the reasons otherwise.
func (a *ARM) handleReadyz(w http.ResponseWriter, _ *http.Request) {
	var why []string
	if a.stopping.Load() {
		why = append(why, "shutting down")
	}
	if !a.store.isOpen() {
		why = append(why, "state store closed")
	}
	if len(why) > 0 {
		serve.WriteJSON(w, http.StatusServiceUnavailable, ReadyResponse{Reasons: why})
		return
	}
	serve.WriteJSON(w, http.StatusOK, ReadyResponse{Ready: true})
}
