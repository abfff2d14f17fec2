package agent

import (
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/sluicehq/sluice/agent/failover"
	"github.com/sluicehq/sluice/agent/uplink"
)

// The agent's Prometheus metrics (docs/operations.md, "Agent metrics").
//
// One source of truth: every count /v1/status shows is read from the same
// counters at scrape time (statusCollector over Agent.Status), so the two
// never disagree and the hot paths pay nothing for /metrics. The one
// native metric is the ack latency histogram, which nothing else keeps:
// it is observed once per acknowledged batch, not per line.

// metrics are the agent's registry and its native metrics.
type metrics struct {
	registry   *prometheus.Registry
	ackLatency prometheus.Histogram
}

// newMetrics registers the Go and process collectors and the agent's
// native metrics in reg (a new registry when nil).
func newMetrics(reg *prometheus.Registry) (*metrics, error) {
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	m := &metrics{
		registry: reg,
		ackLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "sluice_agent_ack_latency_seconds",
			Help: "Time from a batch's append to the spool to its acknowledgement by a mediator.",
			// From an append to the acknowledgement: tens of
			// milliseconds when all is well (a poll interval, a batch
			// linger, an fsync on each side), minutes to hours while
			// no mediator is reachable.
			Buckets: []float64{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600},
		}),
	}
	for _, c := range []prometheus.Collector{
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.ackLatency,
	} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// observeAck is the spool's OnAcked.
func (m *metrics) observeAck(age time.Duration) { m.ackLatency.Observe(age.Seconds()) }

// desc makes a metric description.
func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(name, help, labels, nil)
}

// statusDescs describe the metrics statusCollector emits.
type statusDescs struct {
	buildInfo      *prometheus.Desc
	startTime      *prometheus.Desc
	linesRead      *prometheus.Desc
	bytesRead      *prometheus.Desc
	truncated      *prometheus.Desc
	filtered       *prometheus.Desc
	syslogReceived *prometheus.Desc
	udpDropped     *prometheus.Desc
	connections    *prometheus.Desc
	connsRefused   *prometheus.Desc
	connsReclaimed *prometheus.Desc
	webhookReqs    *prometheus.Desc
	webhookKeys    *prometheus.Desc
	webhookKeysOut *prometheus.Desc
	journalGaps    *prometheus.Desc
	journalctlRuns *prometheus.Desc
	spoolEntries   *prometheus.Desc
	spoolBytes     *prometheus.Desc
	spoolMaxBytes  *prometheus.Desc
	spoolFull      *prometheus.Desc
	batchesSent    *prometheus.Desc
	batchesAcked   *prometheus.Desc
	acks           *prometheus.Desc
	inflight       *prometheus.Desc
	sessions       *prometheus.Desc
	connectFails   *prometheus.Desc
	failovers      *prometheus.Desc
	switches       *prometheus.Desc
	mediatorInfo   *prometheus.Desc
	connected      *prometheus.Desc
	stalled        *prometheus.Desc
	lastAck        *prometheus.Desc
	messageBytes   *prometheus.Desc
	wireBytes      *prometheus.Desc
	fallbacks      *prometheus.Desc
}

func newStatusDescs() *statusDescs {
	return &statusDescs{
		buildInfo:      desc("sluice_agent_build_info", "Always 1; the version label is the agent's version.", "version"),
		startTime:      desc("sluice_agent_start_time_seconds", "When the agent started, in seconds since the Unix epoch."),
		linesRead:      desc("sluice_agent_lines_read_total", "Lines a source read and committed to the spool.", "source", "kind"),
		bytesRead:      desc("sluice_agent_bytes_read_total", "Bytes of the lines a source read and committed to the spool (before truncation, without line terminators).", "source", "kind"),
		truncated:      desc("sluice_agent_lines_truncated_total", "Lines committed cut to max_line_bytes.", "source", "kind"),
		filtered:       desc("sluice_agent_lines_filtered_total", "Lines a source read and left out by its include_lines / exclude_lines (not committed).", "source", "kind"),
		syslogReceived: desc("sluice_agent_syslog_messages_received_total", "Syslog messages read from the network (committed or dropped).", "source"),
		udpDropped:     desc("sluice_agent_udp_dropped_total", "UDP datagrams dropped: where=spool when the spool could not take them, where=kernel when the socket's receive buffer was full (Linux).", "source", "where"),
		connections:    desc("sluice_agent_syslog_connections", "Syslog TCP/TLS connections open now.", "source"),
		connsRefused:   desc("sluice_agent_connections_refused_total", "Connections to a syslog or webhook source closed as they arrived at a connection limit.", "source"),
		connsReclaimed: desc("sluice_agent_connections_reclaimed_total", "Idle connections to a syslog or webhook source closed to make room at a connection limit.", "source"),
		webhookReqs:    desc("sluice_agent_webhook_requests_total", "Webhook requests by result: accepted (200), replayed (200 from an Idempotency-Key, stored before), unauthorized (401), too_large (413), busy (503, spool full), bad_request (400/404/405/415), key_mismatch (422), key_in_use (409), failed (500).", "source", "result"),
		webhookKeys:    desc("sluice_agent_webhook_idempotency_keys", "Idempotency-Keys a webhook source remembers now.", "source"),
		webhookKeysOut: desc("sluice_agent_webhook_idempotency_keys_forgotten_total", "Idempotency-Keys forgotten: expired (after idempotency_window) or evicted (earlier, at max_idempotency_keys).", "source", "reason"),
		journalGaps:    desc("sluice_agent_journal_gaps_total", "Resumptions of a journald source whose cursor was no longer in the journal (vacuumed before it was read): entries in between were lost.", "source"),
		journalctlRuns: desc("sluice_agent_journalctl_restarts_total", "Times a journald source's journalctl ended and was started again.", "source"),
		spoolEntries:   desc("sluice_agent_spool_entries", "Entries in the spool, not yet acknowledged by a mediator."),
		spoolBytes:     desc("sluice_agent_spool_bytes", "Approximate size of the entries in the spool."),
		spoolMaxBytes:  desc("sluice_agent_spool_max_bytes", "max_spool_bytes (0: no cap)."),
		spoolFull:      desc("sluice_agent_spool_full", "1 while the spool takes nothing (max_spool_bytes or min_free_disk reached): sources wait."),
		batchesSent:    desc("sluice_agent_batches_sent_total", "Batch messages sent to mediators (a resent batch counts again)."),
		batchesAcked:   desc("sluice_agent_batches_acknowledged_total", "Batch messages acknowledged by mediators."),
		acks:           desc("sluice_agent_acks_total", "Acknowledgements received (one may cover several batches)."),
		inflight:       desc("sluice_agent_batches_inflight", "Batches sent and not yet acknowledged."),
		sessions:       desc("sluice_agent_sessions_total", "Mediator sessions established: the first connection, every reconnection and every switch."),
		connectFails:   desc("sluice_agent_connect_failures_total", "Attempts to open a mediator session that failed, by reason.", "reason"),
		failovers:      desc("sluice_agent_failovers_total", "Established mediator sessions lost, each followed by a failover, by reason.", "reason"),
		switches:       desc("sluice_agent_mediator_switches_total", "Moves to a better mediator while connected, by reason (failback, load_balance).", "reason"),
		mediatorInfo:   desc("sluice_agent_mediator_info", "1 for the mediator the agent sends to now, 0 for the other configured ones.", "mediator"),
		connected:      desc("sluice_agent_connected", "1 while a mediator session is established."),
		stalled:        desc("sluice_agent_stalled", "1 while the uplink is stalled (entries wait, a mediator is connected, nothing is acknowledged for stall_warning)."),
		lastAck:        desc("sluice_agent_last_ack_time_seconds", "When the last acknowledgement arrived, in seconds since the Unix epoch (0: none yet)."),
		messageBytes:   desc("sluice_agent_sent_message_bytes_total", "Bytes of the messages sent to mediators, before compression."),
		wireBytes:      desc("sluice_agent_sent_wire_bytes_total", "Bytes of the messages sent to mediators as they went on the wire (compressed, with gRPC message headers)."),
		fallbacks:      desc("sluice_agent_compression_fallbacks_total", "Mediator sessions opened uncompressed because the mediator did not accept the configured compression."),
	}
}

// all lists the descriptions, for Describe.
func (d *statusDescs) all() []*prometheus.Desc {
	return []*prometheus.Desc{
		d.buildInfo, d.startTime, d.linesRead, d.bytesRead, d.truncated, d.filtered, d.syslogReceived, d.udpDropped, d.connections, d.connsRefused, d.connsReclaimed, d.webhookReqs, d.webhookKeys, d.webhookKeysOut, d.journalGaps, d.journalctlRuns, d.spoolEntries, d.spoolBytes, d.spoolMaxBytes, d.spoolFull, d.batchesSent, d.batchesAcked, d.acks, d.inflight, d.sessions, d.connectFails, d.failovers, d.switches, d.mediatorInfo, d.connected, d.stalled, d.lastAck,
		d.messageBytes, d.wireBytes, d.fallbacks,
	}
}

// endReasons are why an attempt or a session ends (failover.Outcome's
// names, and the uplink's ack_timeout); switchReasons why a connected
// agent moves (failover.KindFailback, KindLoadBalance).
var (
	endReasons = []string{failover.Unreachable.String(), failover.MaxAgents.String(), failover.Suspense.String(),
		failover.Shutdown.String(), failover.Refused.String(), uplink.ReasonAckTimeout}
	switchReasons = []string{failover.KindFailback, failover.KindLoadBalance}
)

// statusCollector emits the agent's Status as metrics at each scrape.
type statusCollector struct {
	d      *statusDescs
	status func() Status
}

// Describe implements prometheus.Collector.
func (c statusCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.d.all() {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c statusCollector) Collect(ch chan<- prometheus.Metric) {
	st, d := c.status(), c.d
	counter := func(m *prometheus.Desc, v uint64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(m, prometheus.CounterValue, float64(v), labels...)
	}
	gauge := func(m *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(m, prometheus.GaugeValue, v, labels...)
	}
	flag := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}
	gauge(d.buildInfo, 1, st.Version)
	gauge(d.startTime, float64(st.Started.UnixNano())/1e9)
	for _, s := range st.Sources {
		counter(d.linesRead, s.Lines, s.ID, s.Kind)
		counter(d.bytesRead, s.Bytes, s.ID, s.Kind)
		counter(d.truncated, s.Truncated, s.ID, s.Kind)
		counter(d.filtered, s.Filtered, s.ID, s.Kind)
		if sy := s.Syslog; sy != nil {
			counter(d.syslogReceived, sy.Received, s.ID)
			counter(d.udpDropped, sy.DroppedUDP, s.ID, "spool")
			counter(d.udpDropped, sy.DroppedUDPKernel, s.ID, "kernel")
			gauge(d.connections, float64(sy.Connections), s.ID)
			counter(d.connsRefused, sy.Rejected, s.ID)
			counter(d.connsReclaimed, sy.Reclaimed, s.ID)
		}
		if w := s.Webhook; w != nil {
			for _, r := range []struct {
				result string
				n      uint64
			}{
				{"accepted", w.Accepted}, {"unauthorized", w.Unauthorized}, {"too_large", w.TooLarge},
				{"busy", w.Busy}, {"bad_request", w.BadRequest}, {"failed", w.Failed},
				{"replayed", w.Replayed}, {"key_mismatch", w.KeyMismatch}, {"key_in_use", w.KeyInUse},
			} {
				counter(d.webhookReqs, r.n, s.ID, r.result)
			}
			gauge(d.webhookKeys, float64(w.IdempotencyKeys), s.ID)
			counter(d.webhookKeysOut, w.KeysExpired, s.ID, "expired")
			counter(d.webhookKeysOut, w.KeysEvicted, s.ID, "evicted")
			counter(d.connsRefused, w.ConnectionsRefused, s.ID)
			counter(d.connsReclaimed, w.ConnectionsReclaimed, s.ID)
		}
		if j := s.Journal; j != nil {
			counter(d.journalGaps, j.Gaps, s.ID)
			counter(d.journalctlRuns, j.Restarts, s.ID)
		}
	}
	gauge(d.spoolEntries, float64(st.Spool.Entries))
	gauge(d.spoolBytes, float64(st.Spool.Bytes))
	gauge(d.spoolMaxBytes, float64(st.Spool.MaxBytes))
	gauge(d.spoolFull, flag(st.Spool.Full != ""))
	u := st.Uplink
	counter(d.batchesSent, u.BatchesSent)
	counter(d.messageBytes, u.MessageBytesSent)
	counter(d.wireBytes, u.WireBytesSent)
	counter(d.fallbacks, u.CompressionFallbacks)
	counter(d.batchesAcked, u.BatchesAcked)
	counter(d.acks, u.Acks)
	gauge(d.inflight, float64(u.Inflight))
	counter(d.sessions, u.Sessions)
	for _, r := range []struct {
		desc   *prometheus.Desc
		counts map[string]uint64
		known  []string
	}{{d.connectFails, u.ConnectFailures, endReasons}, {d.failovers, u.SessionsLost, endReasons}, {d.switches, u.Switches, switchReasons}} {
		// Every known reason from the start, at 0 until it happens, so
		// that increase() and alerts see the first one.
		reasons := slices.Clone(r.known)
		for reason := range r.counts {
			if !slices.Contains(reasons, reason) {
				reasons = append(reasons, reason)
			}
		}
		slices.Sort(reasons)
		for _, reason := range reasons {
			counter(r.desc, r.counts[reason], reason)
		}
	}
	for _, m := range st.Mediators {
		gauge(d.mediatorInfo, flag(m == st.Mediator), m)
	}
	gauge(d.connected, flag(st.Mediator != ""))
	gauge(d.stalled, flag(st.Stalled != ""))
	lastAck := 0.0
	if !st.LastAck.IsZero() {
		lastAck = float64(st.LastAck.UnixNano()) / 1e9
	}
	gauge(d.lastAck, lastAck)
}
