package arm

import (
	"context"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// service implements ArmService.Report.
type service struct {
	sluicev1.UnimplementedArmServiceServer
	arm    *ARM
	logger hclog.Logger
}

var _ sluicev1.ArmServiceServer = (*service)(nil)

// Report applies a mediator's heartbeats, then exchanges ARM events with
// it: its acknowledgement in, the events it should store out.
func (s *service) Report(ctx context.Context, req *sluicev1.ReportRequest) (*sluicev1.ReportResponse, error) {
	a := s.arm
	med := req.GetMediator()
	mid := med.GetComponentId()
	if !validID.MatchString(mid) {
		return nil, status.Errorf(codes.InvalidArgument, "report: mediator heartbeat with a valid component_id is required, got %q", mid)
	}
	now := a.now()
	// Over mutual TLS a mediator reports as the id in its certificate: it
	// cannot speak (or take ARM's events) for another mediator.
	if certID, isTLS := peerMediator(ctx); isTLS && certID != mid {
		a.stats.refusedIdentity.Add(1)
		s.noisy(now, "identity/"+certID, "report refused: the mediator claims another id than its certificate's", "certificate_id", certID, "claimed_id", mid)
		return nil, status.Errorf(codes.PermissionDenied, "report: the certificate is mediator %q's, the report claims %q", certID, mid)
	}
	a.stats.reports.Add(1)

	var trs []Transition
	if s.accept(KindMediator, med, now, mid) {
		trs = append(trs, a.tracker.Apply(Observation{Kind: KindMediator, Heartbeat: med, Seen: now, ReportedBy: mid})...)
	}
	for _, ah := range req.GetAgents() {
		hb := ah.GetHeartbeat()
		if !s.accept(KindAgent, hb, now, mid) {
			continue
		}
		// The age is the mediator's measure of how old the heartbeat is;
		// a negative one is a bug upstream and counts as fresh.
		age := max(ah.GetAge().AsDuration(), 0)
		trs = append(trs, a.tracker.Apply(Observation{Kind: KindAgent, Heartbeat: hb, Seen: now.Add(-age), ReportedBy: mid})...)
	}
	for i := range trs {
		s.logTransition(&trs[i], mid)
	}
	if len(trs) > 0 {
		a.record(trs)
	}

	evs, more, err := a.outbox.exchange(mid, req.GetAckThrough())
	if err != nil {
		// Heartbeats were applied; only the events wait for the next report.
		s.logger.Error("ARM outbox", "mediator", mid, "error", err)
		evs, more = nil, false
	}
	return &sluicev1.ReportResponse{
		ArmId:        a.cfg.ID,
		EventAgentId: EventAgentID(a.cfg.ID),
		Events:       evs,
		More:         more,
		Time:         timestamppb.New(now),
	}, nil
}

// logTransition logs what a heartbeat changed: a stall or a duplicate
// identity at warning level, as missing heartbeats are, since someone has
// to act on it.
func (s *service) logTransition(tr *Transition, via string) {
	c := &tr.Component
	switch tr.Kind {
	case TransitionReturned:
		s.logger.Info(CommonEventReturned, "kind", c.Kind, "id", c.ID, "host", c.Hostname,
			"silence", roundDuration(tr.Silence), "via", via)
	case TransitionStalled:
		s.logger.Warn(tr.CommonEvent(), "kind", c.Kind, "id", c.ID, "host", c.Hostname,
			"reason", tr.Reason, "status", c.Status, "via", via)
	case TransitionResumed:
		s.logger.Info(tr.CommonEvent(), "kind", c.Kind, "id", c.ID, "host", c.Hostname,
			"stalled_for", roundDuration(tr.StalledFor), "reason", tr.Reason, "via", via)
	case TransitionWarning:
		s.logger.Warn(tr.CommonEvent(), "kind", c.Kind, "id", c.ID, "host", c.Hostname,
			"warning", tr.WarningKind, "text", tr.Reason, "via", via)
	case TransitionWarningCleared:
		s.logger.Info(tr.CommonEvent(), "kind", c.Kind, "id", c.ID, "host", c.Hostname,
			"warning", tr.WarningKind, "after", roundDuration(tr.WarningFor), "text", tr.Reason, "via", via)
	case TransitionDuplicate:
		s.logger.Warn(tr.CommonEvent(), "kind", c.Kind, "id", c.ID, "host", c.Hostname,
			"reason", tr.Reason, "spool", c.Spool, "via", via)
	}
}

// accept checks a heartbeat before it is applied: bad ones are counted and
// ignored, with a log line (once in a while per component).
func (s *service) accept(kind Kind, hb *sluicev1.Heartbeat, now time.Time, via string) bool {
	a := s.arm
	id := hb.GetComponentId()
	if !validID.MatchString(id) {
		a.stats.ignoredInvalid.Add(1)
		s.noisy(now, "invalid/"+via, "heartbeat with an invalid component id ignored", "kind", kind, "id", id, "via", via)
		return false
	}
	a.stats.heartbeats.Add(1)
	if ts := hb.GetTime(); ts != nil && ts.IsValid() {
		if ahead := ts.AsTime().Sub(now); ahead > a.cfg.MaxClockSkew {
			a.stats.ignoredFuture.Add(1)
			s.noisy(now, "future/"+key(kind, id), "heartbeat from the future ignored: the component's clock is ahead of ARM's",
				"kind", kind, "id", id, "ahead", roundDuration(ahead), "max_clock_skew", a.cfg.MaxClockSkew, "via", via)
			return false
		}
	}
	// Organizations apply to agents: mediators serve them all.
	if kind == KindAgent {
		org := hb.GetOrganization()
		if org == "" {
			org = defaultOrganization
		}
		if !a.cfg.KnownOrganization(org) {
			a.stats.ignoredOrg.Add(1)
			s.noisy(now, "org/"+key(kind, id), "heartbeat for an unknown organization ignored",
				"kind", kind, "id", id, "organization", org, "known", a.cfg.Organizations, "via", via)
			return false
		}
	}
	return true
}

func (s *service) noisy(now time.Time, k, msg string, args ...any) {
	if s.arm.noisy.allow(now, k) {
		s.logger.Warn(msg, args...)
	} else {
		s.logger.Debug(msg, args...)
	}
}

// noisyLog limits repeated warnings about the same thing: a mediator
// forwards a misconfigured agent's heartbeat every few seconds.
type noisyLog struct {
	mu   sync.Mutex
	last map[string]time.Time
}

const (
	noisyEvery = 10 * time.Minute
	noisyMax   = 10000
)

func (n *noisyLog) allow(now time.Time, k string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.last == nil || len(n.last) >= noisyMax {
		n.last = map[string]time.Time{}
	}
	if t, ok := n.last[k]; ok && now.Sub(t) < noisyEvery {
		return false
	}
	n.last[k] = now
	return true
}
