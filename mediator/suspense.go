package mediator

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/pkg/logging"
)

// suspendRetryAfter is what a Suspend asks the agent to wait before
// coming back to this mediator.
const suspendRetryAfter = 30 * time.Second

// reshedAfter is how long a shed is given to show in the backlog (or the
// disk) before the mediator, still over its limit and under more pressure
// than when it last shed, suspends more agents.
const reshedAfter = 5 * time.Second

// suspense is the mediator's suspense condition (LogRhythm): when its
// state backlog or its disk is over the limit, or its acknowledgements
// take longer than suspense_ack_latency (it is taking more than it can
// commit: agents would otherwise wait until their ack_timeout), it
// refuses new agents and
// sends Suspend to the connected ones beyond what it can hold, so they fail
// over to another mediator instead of piling more onto this one; the rest
// stay connected. It clears when the backlog has drained below the
// low-water mark and the disk has room again.
//
// What it can hold: the share of the agents' input it keeps taking is its
// headroom — the low-water mark over the backlog (the state must drain
// back to that mark), the free disk over suspense_min_free, or the
// latency limit over the acknowledgement latency, whichever is smaller.
// It clears once acknowledgements are back under half the limit. It suspends agents, biggest producers first, until what the
// remaining agents sent since the previous check is within that share (see
// pickSuspend). While the condition holds and the pressure keeps growing,
// it sheds again every reshedAfter, in proportion to the growth.
//
// A backlog over suspense_backlog that more than one organization holds
// is first blamed on the organizations over their weighted share of it
// (blameOrgs): only their batches are refused (orgQuotas), and the
// mediator takes the others' agents as before, up to backlogCeiling.
// Past it, or with one organization holding the whole backlog, the
// condition is the mediator's as above.
type suspense struct {
	backlogMax    int64
	backlogResume int64
	minFree       int64
	dir           string
	backlog       func() int64
	freeBytes     func(dir string) (int64, error)
	// ackMax is suspense_ack_latency (0: off); ackLatency reports the
	// acknowledgement latency now (p99 over the last seconds) and
	// pressure the rest of the intake's figures, for the log.
	ackMax     time.Duration
	ackLatency func() time.Duration
	pressure   func() Pressure
	registry   *registry
	logger     hclog.Logger
	// slowLog limits the warning that acknowledgements fall behind.
	slowLog logging.Limiter
	// orgs enforces the organizations' quotas (nil: none), and orgLoads
	// reports each organization's share of the backlog: with both, a
	// backlog over suspense_backlog that more than one organization holds
	// suspends only those over their fair share of it (blameOrgs), up
	// to the ceiling (backlogCeiling).
	orgs     *orgQuotas
	orgLoads func() []orgLoad

	mu  sync.Mutex
	why string
	// seen is each connected session's Received count at the previous
	// check: the difference is what it sent since, which weighs it when
	// the mediator sheds.
	seen map[*session]uint64
	// told are the sessions already sent a Suspend whose streams have
	// not ended yet: a later shed does not count them again.
	told map[*session]bool
	// shedShare and shedAt are the share kept at, and the time of, the
	// last shed.
	shedShare float64
	shedAt    time.Time
}

// reason is why the mediator is in suspense, "" when it is not.
func (s *suspense) reason() string {
	if s == nil {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.why
}

// check evaluates the condition once and acts on a change.
func (s *suspense) check() {
	backlog := s.backlog()
	free, ferr := s.freeBytes(s.dir)
	var lat time.Duration
	if s.ackLatency != nil {
		lat = s.ackLatency()
	}
	blamed, blaming := s.blame(backlog)
	s.mu.Lock()
	loads := s.snapshot()
	was := s.why
	why := ""
	share := 1.0 // of the current input the mediator can keep taking
	// While the organizations over their share are held back, the
	// others keep sending up to the ceiling; past it, or when one
	// organization holds the whole backlog, everyone is suspended.
	overBacklog := s.backlogMax > 0 && backlog > s.backlogMax && !(blaming && was == "" && backlog <= s.backlogCeiling())
	lowDisk := s.minFree > 0 && ferr == nil && free < s.minFree
	slowAcks := s.ackMax > 0 && lat > s.ackMax
	if overBacklog {
		why = fmt.Sprintf("state backlog %d entries over suspense_backlog %d", backlog, s.backlogMax)
		share = min(share, ratio(s.backlogResume, backlog))
	}
	if lowDisk {
		if why == "" {
			why = fmt.Sprintf("free disk %d MiB in %s under suspense_min_free %d MiB", free>>20, s.dir, s.minFree>>20)
		}
		share = min(share, ratio(free, s.minFree))
	}
	if slowAcks {
		if why == "" {
			why = fmt.Sprintf("acknowledgements take %s (p99 over 10 s), over suspense_ack_latency %s", lat.Round(time.Millisecond), s.ackMax)
		}
		share = min(share, ratio(int64(s.ackMax), int64(lat)))
	}
	switch {
	case why != "":
	case was != "" && s.backlogMax > 0 && backlog > s.backlogResume:
		why = was // hold until the backlog is under the low-water mark
	case was != "" && s.minFree > 0 && ferr == nil && free < s.minFree+s.minFree/10:
		why = was
	case was != "" && s.ackMax > 0 && lat > s.ackMax/2:
		why = was
	}
	entering := was == "" && why != ""
	var victims []*session
	keep := share
	switch {
	case entering:
		victims = pickSuspend(loads, share)
		s.shedShare, s.shedAt = share, time.Now()
	case why != "" && (overBacklog || lowDisk || slowAcks) && share < s.shedShare && time.Since(s.shedAt) >= reshedAfter:
		// Still over the limit, and worse than at the last shed: what
		// is left is still too much. Shed in proportion to the growth.
		keep = share / s.shedShare
		victims = pickSuspend(loads, keep)
		s.shedShare, s.shedAt = share, time.Now()
	}
	for _, v := range victims {
		s.told[v] = true
	}
	s.why = why
	s.mu.Unlock()
	s.orgs.blame(blamed)
	s.orgs.tick(time.Now())

	n := s.registry.suspend(victims, kick{suspend: true, reason: why})
	switch {
	case entering:
		s.logger.Warn("entering suspense: refusing new agents and suspending the connected ones beyond what it can hold",
			"reason", why, "connected", len(loads), "agents_suspended", n, "agents_kept", len(loads)-n, "input_share_kept", fmt.Sprintf("%.2f", keep))
	case len(victims) > 0:
		s.logger.Warn("still in suspense and under growing pressure: suspending more agents",
			"reason", why, "connected", len(loads), "agents_suspended", n, "agents_kept", len(loads)-n, "input_share_kept", fmt.Sprintf("%.2f", keep))
	case was != "" && why == "":
		s.logger.Info("suspense cleared: accepting agents again", "backlog", backlog)
	case why == "" && s.ackMax > 0 && lat > s.ackMax/2:
		// Not yet in suspense, but on the way: say so while it helps.
		if n := s.slowLog.Allow(time.Now()); n >= 0 {
			kv := []any{"ack_p99", lat.Round(time.Millisecond), "suspense_ack_latency", s.ackMax}
			if s.pressure != nil {
				p := s.pressure()
				kv = append(kv, "waiting_batches", p.WaitingBatches, "admitting", p.Admitting, "handshake_p99_ms", p.HandshakeP99ms)
			}
			s.logger.Warn("acknowledgements are falling behind: the mediator takes in more than it commits", logging.Suppressed(kv, n)...)
		}
	}
}

// backlogCeiling is the backlog past which everyone is suspended although
// only some organizations are to blame: suspense_backlog plus a quarter.
// The blamed organizations' refusals take effect at their next batch, and
// their batches already on the way still land, while the others keep
// sending: the quarter is room for that, and for the others' input while
// the index works the backlog down. A backlog that grows through it anyway
// is one the organizations within their shares make too (the index cannot
// keep up with them either), and only suspending everyone relieves it.
func (s *suspense) backlogCeiling() int64 { return s.backlogMax + s.backlogMax/4 }

// blame is which organizations the backlog suspense holds now
// (blameOrgs), and whether more than one organization holds backlog (the
// suspense then holds only those, up to the ceiling).
func (s *suspense) blame(total int64) (map[string]string, bool) {
	if s.orgs == nil || s.orgLoads == nil || s.backlogMax <= 0 {
		return nil, false
	}
	loads := s.orgLoads()
	holders, counted, holder := 0, int64(0), ""
	for _, l := range loads {
		if l.entries > 0 {
			holders++
			counted += l.entries
			holder = l.org
		}
	}
	// One organization holding the whole backlog while others are
	// connected is blamed alone too: with fair sharing the others' few
	// entries are indexed as they come, so their backlog is often none,
	// and suspending them would make them pay for the flood. With no
	// other organization connected, the suspense is everyone's, as
	// before: its agents fail over to another mediator.
	if holders == 1 && s.registry != nil && s.registry.othersConnected(holder) {
		holders = 2
	}
	// The organizations' counts may not cover the whole backlog (records
	// stored before state tagged them with their organization are
	// nobody's):
	// when more than the ceiling's margin is nobody's, shares of it
	// cannot be told, and the suspense is everyone's, as before.
	if total-counted > s.backlogCeiling()-s.backlogMax {
		s.orgs.setShares(0, 0, nil)
		return nil, false
	}
	s.orgs.setShares(s.backlogMax, s.backlogCeiling(), loads)
	if holders < 2 {
		return nil, false
	}
	return blameOrgs(loads, s.backlogMax, s.backlogResume, total, s.orgs.blamedNow()), true
}

// ratio is num/den clamped to [0, 1].
func ratio(num, den int64) float64 {
	if den <= 0 || num <= 0 {
		return 0
	}
	return min(float64(num)/float64(den), 1)
}

// agentLoad is a connected session and what it sent since the previous
// check.
type agentLoad struct {
	s         *session
	id        string
	connected time.Time
	recent    uint64
}

// snapshot reads the connected sessions not yet told to go, and what each
// sent since the previous check, and remembers their counters for the next
// one. The caller holds s.mu.
func (s *suspense) snapshot() []agentLoad {
	if s.registry == nil || (s.backlogMax <= 0 && s.minFree <= 0 && s.ackMax <= 0) {
		return nil
	}
	r := s.registry
	r.mu.Lock()
	loads := make([]agentLoad, 0, len(r.agents))
	seen := make(map[*session]uint64, len(r.agents))
	told := make(map[*session]bool, len(s.told))
	for _, sess := range r.agents {
		got := sess.info.Received
		seen[sess] = got
		if s.told[sess] {
			told[sess] = true
			continue
		}
		loads = append(loads, agentLoad{s: sess, id: agentKey(sess.info.Organization, sess.info.ID), connected: sess.info.Connected, recent: got - min(s.seen[sess], got)})
	}
	r.mu.Unlock()
	s.seen, s.told = seen, told
	return loads
}

// pickSuspend chooses the agents to suspend so that the input the mediator
// keeps taking is at most share of what it takes now.
//
// Agents weigh what they sent since the previous check, and the heaviest
// go first: suspending the biggest producers relieves the mediator most
// while moving the fewest agents. Among equals (every agent idle, say) the
// newest-connected go first: they have been here the least, often just
// failed over from elsewhere, and the long-standing sessions stay put.
// When nobody sent anything, every agent weighs the same, so the number
// kept is share of the agents. At least one agent is suspended when any is
// connected (the condition must relieve something), and all of them when
// there is no headroom at all.
func pickSuspend(loads []agentLoad, share float64) []*session {
	if len(loads) == 0 {
		return nil
	}
	var total uint64
	for _, l := range loads {
		total += l.recent
	}
	weight := func(l agentLoad) float64 {
		if total == 0 {
			return 1
		}
		return float64(l.recent)
	}
	sorted := loads // a fresh slice from snapshot: sorted in place
	slices.SortFunc(sorted, func(a, b agentLoad) int {
		return cmp.Or(
			cmp.Compare(b.recent, a.recent),
			b.connected.Compare(a.connected),
			cmp.Compare(a.id, b.id),
		)
	})
	remaining := float64(total)
	if total == 0 {
		remaining = float64(len(sorted)) // idle agents weigh 1 each
	}
	keep := share * remaining
	var out []*session
	for _, l := range sorted {
		if len(out) > 0 && share > 0 && remaining <= keep {
			break
		}
		out = append(out, l.s)
		remaining -= weight(l)
	}
	return out
}

// suspend tells the given streams to end with k (a Suspend); it returns
// how many were told.
func (r *registry) suspend(victims []*session, k kick) int {
	if r == nil || len(victims) == 0 {
		return 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range victims {
		select {
		case s.kick <- k:
		default:
		}
	}
	return len(victims)
}

// run checks every interval until ctx is done.
func (s *suspense) run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		s.check()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// diskFree is the space available to unprivileged writers in dir.
func diskFree(dir string) (int64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, fmt.Errorf("statfs %s: %w", dir, err)
	}
	return int64(st.Bavail) * int64(st.Bsize), nil
}
