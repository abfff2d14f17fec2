// Package armlink is the mediator's link to ARM: it reports the mediator's
// own heartbeat and its agents' latest heartbeats to ARM's gRPC service,
// and stores the ARM events each answer carries in the mediator's state.
// The mediator reaches ARM only through this client (docs/architecture.md,
// "Dependency direction").
package armlink

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// EventSink stores ARM events in a mediator's state, durably, before it
// returns nil: the events of one organization, in sequence order, under
// agent id agentID (ARM's EventAgentID) and log source type
// LogSourceType. It must be idempotent by (agentID, seq): events not
// acknowledged in time are offered again.
type EventSink func(ctx context.Context, agentID, org string, entries []*sluicev1.LogEntry) error

// ReporterConfig configures a Reporter.
type ReporterConfig struct {
	// Addr is ARM's gRPC address (host:port).
	Addr string
	// MediatorID, Hostname and Version describe the reporting mediator:
	// they make its own heartbeat.
	MediatorID string
	Hostname   string
	Version    string
	// Interval is how often to report (default 5s). It must be well
	// under ARM's mediator_warning_interval.
	Interval time.Duration
	// Timeout bounds one Report call (default 10s).
	Timeout time.Duration
	// DialOptions carry transport credentials; plaintext when empty.
	DialOptions []grpc.DialOption
	// EventSink stores the ARM events of each response; nil drops them
	// unacknowledged (ARM keeps them for another mediator).
	EventSink EventSink
	// Stalled says why the mediator's pipeline cannot make progress, ""
	// while it moves; nil: never stalled. It is asked on every report
	// (outside the reporter's lock, so it may take the mediator's) and
	// goes in the mediator's own heartbeat, from which ARM raises Data
	// Processor Stalled and Resumed. It must not block.
	Stalled func() string
	// Warnings are what the mediator wants someone to look at although
	// its pipeline may move (index disk low, archive failing): the set it
	// holds now, nil or empty when none; nil: never any. Asked like
	// Stalled, on every report and outside the reporter's lock, it goes
	// in the mediator's own heartbeat (kind and text; Since stays here),
	// from which ARM raises Data Processor Warning and Warning Cleared.
	// The whole set goes every time, so a report lost while ARM is away
	// loses nothing. It must not block.
	Warnings func() []Warning
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Warning is one of a mediator's warnings: not a stall, but something
// someone should look at (a disk filling, an archive that cannot be
// written). Kind is a stable short key ("index_disk_low"), ARM tracks
// warnings by it; Text says what is wrong, for people; Since is when it
// was raised (the mediator's /v1/status shows it; ARM dates a warning by
// the heartbeat that first carries it, so it is not sent).
type Warning struct {
	Kind  string    `json:"kind"`
	Text  string    `json:"text"`
	Since time.Time `json:"since"`
}

// Reporter is the mediator's side of ARM: it keeps the latest heartbeat
// of each agent and reports them, with the mediator's own heartbeat, every
// Interval. While ARM is unreachable it keeps only the latest heartbeat
// per agent (no backlog) and delivers it later, dated by its age.
type Reporter struct {
	cfg    ReporterConfig
	logger hclog.Logger
	now    func() time.Time

	mu      sync.Mutex
	pending map[string]pendingHeartbeat
	// ackThrough is the highest ARM event sequence stored through the
	// sink; it is repeated in every report (acknowledgements are
	// idempotent, and a lost response must not lose one).
	ackThrough uint64

	// Connection state, touched only by Run's goroutine.
	down      bool
	downSince time.Time
	lastOK    time.Time
	lastWarn  time.Time
	failures  int
	armID     string
	skewWarn  time.Time
}

type pendingHeartbeat struct {
	hb       *sluicev1.Heartbeat
	received time.Time
}

// Defaults of ReporterConfig.
const (
	DefaultReportInterval = 5 * time.Second
	DefaultReportTimeout  = 10 * time.Second
	// armMissingAfter is how long without an answer from ARM before the
	// mediator says ARM's heartbeat is absent, and how often it repeats.
	armMissingAfter = time.Minute
)

// NewReporter returns a Reporter; Run starts reporting.
func NewReporter(cfg ReporterConfig, logger hclog.Logger) *Reporter {
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultReportInterval
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultReportTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	return &Reporter{cfg: cfg, logger: logger, now: cfg.Now, pending: map[string]pendingHeartbeat{}}
}

// Heartbeat records an agent's heartbeat for the next report, replacing
// an earlier one of the same agent not yet delivered. It never blocks.
// The heartbeat is forwarded as the agent sent it (its stalled field
// included: ARM raises Agent Stalled from it), and must not be modified
// afterwards.
func (r *Reporter) Heartbeat(hb *sluicev1.Heartbeat) {
	if hb.GetComponentId() == "" {
		return
	}
	now := r.now()
	r.mu.Lock()
	r.pending[hb.GetComponentId()] = pendingHeartbeat{hb: hb, received: now}
	r.mu.Unlock()
}

// Pending is the number of agent heartbeats waiting to be delivered.
func (r *Reporter) Pending() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.pending)
}

// Run reports every Interval until ctx is done. It returns nil on
// cancellation and an error only if it cannot start.
func (r *Reporter) Run(ctx context.Context) error {
	opts := r.cfg.DialOptions
	if len(opts) == 0 {
		opts = []grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}
	}
	// gRPC's default reconnect backoff grows to two minutes: too slow to
	// notice that ARM is back. A report is small; retry at most every 10s.
	opts = append(opts, grpc.WithConnectParams(grpc.ConnectParams{
		Backoff:           backoff.Config{BaseDelay: time.Second, Multiplier: 1.6, Jitter: 0.2, MaxDelay: 10 * time.Second},
		MinConnectTimeout: 5 * time.Second,
	}))
	conn, err := grpc.NewClient(r.cfg.Addr, opts...)
	if err != nil {
		return fmt.Errorf("ARM client for %s: %w", r.cfg.Addr, err)
	}
	defer conn.Close()
	r.logger.Info("reporting heartbeats to ARM", "arm", r.cfg.Addr, "interval", r.cfg.Interval)
	r.run(ctx, sluicev1.NewArmServiceClient(conn))
	return nil
}

// run is Run's loop over a client (tests pass a fake one).
func (r *Reporter) run(ctx context.Context, client sluicev1.ArmServiceClient) {
	r.lastOK = r.now()

	t := time.NewTicker(r.cfg.Interval)
	defer t.Stop()
	for {
		// more: ARM has further events waiting, or there are more
		// heartbeats than one report carries; go again at once, but not
		// forever in one go.
		for range 10 {
			more, err := r.ReportOnce(ctx, client)
			if err != nil || !more || ctx.Err() != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// ReportOnce sends one report and stores the events of the answer. It
// returns whether more is waiting: events at ARM, or heartbeats here. Run
// calls it; tests call it directly.
func (r *Reporter) ReportOnce(ctx context.Context, client sluicev1.ArmServiceClient) (bool, error) {
	now := r.now()
	req, sent, moreHere := r.request(now)
	cctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	// Wait for a connection up to the timeout rather than fail at once
	// while the channel is between reconnect attempts.
	resp, err := client.Report(cctx, req, grpc.WaitForReady(true))
	cancel()
	if err != nil {
		if ctx.Err() == nil {
			r.unreachable(now, err)
		}
		return false, err
	}
	r.reachable(now, resp)
	r.delivered(sent)
	if err := r.store(ctx, resp); err != nil {
		r.logger.Warn("cannot store ARM events; ARM will offer them again", "events", len(resp.GetEvents()), "error", err)
		return moreHere, nil
	}
	return resp.GetMore() || moreHere, nil
}

// maxAgentsPerReport bounds a report (about 200 bytes per heartbeat, well
// under gRPC's 4 MiB); a mediator with more pending sends the rest at once
// in the next report.
const maxAgentsPerReport = 5000

// request builds a report of the pending heartbeats (at most
// maxAgentsPerReport) and returns, per agent, the heartbeat it carries,
// and whether more are pending.
func (r *Reporter) request(now time.Time) (*sluicev1.ReportRequest, map[string]pendingHeartbeat, bool) {
	var stalled string
	if r.cfg.Stalled != nil {
		stalled = r.cfg.Stalled()
	}
	var warnings []*sluicev1.Warning
	if r.cfg.Warnings != nil {
		for _, w := range r.cfg.Warnings() {
			warnings = append(warnings, &sluicev1.Warning{Kind: w.Kind, Text: w.Text})
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	n := min(len(r.pending), maxAgentsPerReport)
	req := &sluicev1.ReportRequest{
		Mediator: &sluicev1.Heartbeat{
			Time:        timestamppb.New(now),
			ComponentId: r.cfg.MediatorID,
			Hostname:    r.cfg.Hostname,
			Version:     r.cfg.Version,
			Stalled:     stalled,
			Warnings:    warnings,
		},
		Agents:     make([]*sluicev1.AgentHeartbeat, 0, n),
		AckThrough: r.ackThrough,
	}
	sent := make(map[string]pendingHeartbeat, n)
	for id, p := range r.pending {
		if len(sent) == n {
			break
		}
		req.Agents = append(req.Agents, &sluicev1.AgentHeartbeat{Heartbeat: p.hb, Age: durationpb.New(max(now.Sub(p.received), 0))})
		sent[id] = p
	}
	return req, sent, len(r.pending) > n
}

// delivered forgets the heartbeats ARM received, unless a newer one of the
// same agent arrived meanwhile.
func (r *Reporter) delivered(sent map[string]pendingHeartbeat) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for id, p := range sent {
		if cur, ok := r.pending[id]; ok && cur.hb == p.hb {
			delete(r.pending, id)
		}
	}
}

// store hands the events of a response to the sink, one run of the same
// organization at a time, and advances the acknowledgement past each run
// stored. It stops at the first failure: acknowledgements are cumulative.
func (r *Reporter) store(ctx context.Context, resp *sluicev1.ReportResponse) error {
	evs := resp.GetEvents()
	if len(evs) == 0 {
		return nil
	}
	if r.cfg.EventSink == nil {
		return errors.New("no event sink configured")
	}
	agentID := resp.GetEventAgentId()
	if agentID == "" {
		agentID = "arm-" + resp.GetArmId() // older ARMs did not say
	}
	for i := 0; i < len(evs); {
		org := evs[i].GetOrganization()
		j := i + 1
		for j < len(evs) && evs[j].GetOrganization() == org {
			j++
		}
		entries := make([]*sluicev1.LogEntry, 0, j-i)
		for _, e := range evs[i:j] {
			entries = append(entries, e.GetEntry())
		}
		if err := r.cfg.EventSink(ctx, agentID, org, entries); err != nil {
			return fmt.Errorf("organization %s: %w", org, err)
		}
		last := entries[len(entries)-1].GetSeq()
		r.mu.Lock()
		if last > r.ackThrough {
			r.ackThrough = last
		}
		r.mu.Unlock()
		i = j
	}
	return nil
}

// unreachable logs a failed report: at once when ARM was fine, then once
// a minute while ARM stays silent, saying how long.
func (r *Reporter) unreachable(now time.Time, err error) {
	r.failures++
	if !r.down {
		r.down, r.downSince, r.lastWarn = true, now, now
		r.logger.Warn("ARM unreachable: keeping the latest heartbeat per agent until it answers", "arm", r.cfg.Addr, "error", err)
		return
	}
	if now.Sub(r.lastWarn) >= armMissingAfter {
		r.lastWarn = now
		r.logger.Error("ARM heartbeat absent: no answer from ARM", "arm", r.cfg.Addr, "for", now.Sub(r.lastOK).Round(time.Second),
			"failed_reports", r.failures, "pending_heartbeats", r.Pending(), "error", err)
	}
}

func (r *Reporter) reachable(now time.Time, resp *sluicev1.ReportResponse) {
	if r.down {
		r.logger.Info("ARM reachable again", "arm", r.cfg.Addr, "arm_id", resp.GetArmId(), "after", now.Sub(r.downSince).Round(time.Second), "failed_reports", r.failures)
	} else if r.armID == "" {
		r.logger.Info("ARM answered", "arm", r.cfg.Addr, "arm_id", resp.GetArmId())
	}
	if t := resp.GetTime(); t != nil && t.IsValid() {
		if skew := t.AsTime().Sub(now); (skew > time.Minute || skew < -time.Minute) && now.Sub(r.skewWarn) >= time.Hour {
			r.skewWarn = now
			r.logger.Warn("clock skew with ARM", "arm_id", resp.GetArmId(), "arm_ahead_by", skew.Round(time.Second))
		}
	}
	r.down, r.failures, r.lastOK, r.armID = false, 0, now, resp.GetArmId()
}
