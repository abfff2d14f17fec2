package mediator

import (
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluicehq/sluice/pkg/hclconf"
	"github.com/sluicehq/sluice/pkg/logging"
	"github.com/sluicehq/sluice/pkg/refusal"
)

// Organization quotas (issue 20): what one organization's agents may send
// and hold here, so that one organization cannot take the mediator from
// the others.
//
//   - max_events_per_second: a token bucket per organization, shared by
//     all its agents and streams, in addition to each agent's own
//     (limits.go). A batch over it is refused with a Throttle exactly like
//     the agent's own rate limit; the agent keeps it in its spool and
//     resends it after the retry-after.
//   - max_backlog_bytes: while the organization's entries waiting in state
//     are over it, its batches are refused with a Throttle whose reason is
//     suspense (LogRhythm's suspense, per organization), until its backlog
//     is back under orgResumeShare of it. The others are not affected.
//   - blame: when the state backlog passes suspense_backlog and more than
//     one organization holds some of it, suspense (suspense.go) suspends
//     only the organizations over their weighted fair share of it, the
//     same way (see blameOrgs).
//   - max_agents: the registry refuses an agent of an organization that
//     has that many connected (registry.add).
//
// Nothing is lost to a quota: every refusal leaves the entries in the
// agent's spool, and the agent learns why (the Throttle's limit names the
// organization and its quota).
//
// The settings are read from the table in force (Mediator.orgs) at every
// check, so a configuration reload changes them without a restart.

// orgResumeShare is the share of max_backlog_bytes (or, for blame, of its
// fair share) an organization's backlog must fall under for its suspense
// to end: the same 80% low-water mark as the global suspense, so that it
// does not flap on every indexed batch.
const orgResumeShare = 0.8

// orgSuspenseRetry is the retry-after of a batch refused for an
// organization's suspense. Its backlog drains at the index's pace, in
// seconds rather than milliseconds, and a refused batch costs the
// mediator next to nothing (it is not decoded), so a short retry lets the
// organization resume soon after its backlog drains.
const orgSuspenseRetry = 2 * time.Second

// orgQuietAfter is how long an organization must go without a refused
// batch for its throttling to be logged as over.
const orgQuietAfter = 10 * time.Second

// Reasons an organization is refused, as counted in
// sluice_mediator_organization_throttled_total.
const (
	orgReasonRate    = "max_events_per_second"
	orgReasonBacklog = "max_backlog_bytes"
	orgReasonBlame   = "suspense"
	orgReasonAgents  = "max_agents"
)

var orgReasons = []string{orgReasonRate, orgReasonBacklog, orgReasonBlame, orgReasonAgents}

// orgQuotas holds each organization's quota state: its rate bucket, its
// suspense and what it was refused. It is a state machine driven by the
// batches (admit) and the periodic check (tick, blame); the clock is the
// callers'.
type orgQuotas struct {
	// settings returns an organization's settings in force (the
	// Mediator's orgTable.get): read at every check, never copied.
	settings func(org string) OrgConfig
	// backlog returns an organization's entries and bytes in state
	// (orgBacklog.get: the queue's counts of its tagged records).
	backlog func(org string) (entries, bytes int64)
	// total is the state's backlog in entries (nil: no blame between
	// the suspense's checks).
	total func() int64
	// configured returns the organizations that have a block (nil:
	// none): /v1/status shows them before any of their agents comes.
	configured func() map[string]OrgConfig
	logger     hclog.Logger

	mu   sync.Mutex
	orgs map[string]*orgQuota
	// shares is what the suspense's last check found (setShares): the
	// organizations that hold backlog and their weights, against which
	// a batch is blamed as it comes.
	shares blameShares
}

// blameShares are the terms of the fair shares of suspense_backlog as of
// the suspense's last check.
type blameShares struct {
	limit, ceiling int64
	weights        int64           // sum over holders
	holders        map[string]bool // organizations with backlog
}

// orgQuota is one organization's quota state.
type orgQuota struct {
	// rate is the max_events_per_second the bucket was made for.
	rate   int
	bucket bucket
	// overBacklog is why it is in suspense for its own max_backlog_bytes
	// (""; not); blamed why the global suspense holds it.
	overBacklog, blamed string
	// throttled is set from the first refused batch until orgQuietAfter
	// without one; lastRefused is the last refusal's time, log limits the
	// lines about its refusals in between.
	throttled   bool
	since       time.Time
	lastRefused time.Time
	lastReason  string
	log         logging.Limiter
	// refused counts the refusals by reason (orgReasons).
	refused map[string]uint64
}

func newOrgQuotas(settings func(string) OrgConfig, backlog func(string) (int64, int64), logger hclog.Logger) *orgQuotas {
	return &orgQuotas{settings: settings, backlog: backlog, logger: logger, orgs: map[string]*orgQuota{}}
}

// get returns org's state, created on first use; the caller holds q.mu.
func (q *orgQuotas) get(org string) *orgQuota {
	o := q.orgs[org]
	if o == nil {
		o = &orgQuota{log: logging.Limiter{Every: time.Minute}, refused: map[string]uint64{}}
		q.orgs[org] = o
	}
	return o
}

// orgRefusal is a batch refused for its organization: how long to wait,
// the Throttle's reason (refusal.RateLimit or refusal.Suspense), what it
// says (naming the organization and its quota), the counted reason, and
// the organization's rate to pace to (0: none).
type orgRefusal struct {
	retryAfter time.Duration
	reason     string
	text       string
	quota      string
	rate       int
}

// admit takes a batch of n entries of org from its quotas, or refuses it
// (ok false). A batch the agent's own budget then refuses is given back
// with refund.
func (q *orgQuotas) admit(org string, n int, now time.Time) (orgRefusal, bool) {
	if q == nil {
		return orgRefusal{}, true
	}
	cfg := q.settings(org)
	q.mu.Lock()
	defer q.mu.Unlock()
	o := q.orgs[org]
	if o == nil && cfg.MaxEventsPerSecond <= 0 && cfg.MaxBacklogBytes <= 0 && q.shares.limit <= 0 {
		return orgRefusal{}, true // the common case: no quota, no state
	}
	o = q.get(org)
	q.checkBacklog(org, o, cfg)
	q.blameBatch(org, o, cfg)
	var r orgRefusal
	switch {
	case o.overBacklog != "":
		r = orgRefusal{retryAfter: orgSuspenseRetry, reason: refusal.Suspense, text: o.overBacklog, quota: orgReasonBacklog}
	case o.blamed != "":
		r = orgRefusal{retryAfter: orgSuspenseRetry, reason: refusal.Suspense, text: o.blamed, quota: orgReasonBlame}
	default:
		if w := o.take(cfg.MaxEventsPerSecond, n, now); w > 0 {
			r = orgRefusal{retryAfter: w, reason: refusal.RateLimit, quota: orgReasonRate, rate: cfg.MaxEventsPerSecond,
				text: fmt.Sprintf("organization %q over max_events_per_second=%d", org, cfg.MaxEventsPerSecond)}
		} else {
			return orgRefusal{}, true
		}
	}
	q.refusedLocked(org, o, r.quota, r.text, now)
	return r, false
}

// blameBatch blames org as its batch comes when the state backlog is
// over suspense_backlog and org's share of it over its fair share, on the
// terms of the suspense's last check (setShares); the caller holds q.mu.
// The check blames on the same terms, but only every half second: a
// flood of one organization could take the backlog past the ceiling, and
// everyone into suspense, in between.
func (q *orgQuotas) blameBatch(org string, o *orgQuota, cfg OrgConfig) {
	sh := q.shares
	if o.blamed != "" || sh.limit <= 0 || q.total == nil {
		return
	}
	total := q.total()
	if total <= sh.limit || total > sh.ceiling {
		return // under the limit, or the suspense is everyone's
	}
	entries, _ := q.backlog(org)
	w := int64(max(cfg.Weight, 1))
	weights := sh.weights
	if !sh.holders[org] {
		weights += w
	}
	if share := sh.limit * w / weights; entries > share {
		o.blamed = blameText(org, entries, total, share, sh.limit, w, weights)
		q.logger.Warn("organization in suspense: over its fair share of the state backlog; refusing its batches, the other organizations keep sending",
			"organization", org, "reason", o.blamed)
	}
}

// setShares records the terms of the fair shares the suspense found: the
// limit (suspense_backlog; 0: no blame), the ceiling and the
// organizations holding backlog.
func (q *orgQuotas) setShares(limit, ceiling int64, loads []orgLoad) {
	if q == nil {
		return
	}
	sh := blameShares{limit: limit, ceiling: ceiling, holders: map[string]bool{}}
	for _, l := range loads {
		if l.entries > 0 {
			sh.holders[l.org] = true
			sh.weights += int64(max(l.weight, 1))
		}
	}
	q.mu.Lock()
	q.shares = sh
	q.mu.Unlock()
}

// blameText is why an organization is blamed.
func blameText(org string, entries, total, share, limit, weight, weights int64) string {
	return fmt.Sprintf("organization %q in suspense: it holds %d of the state backlog's %d entries, over its fair share %d of suspense_backlog=%d (weight %d of %d)",
		org, entries, total, share, limit, weight, weights)
}

// take takes n entries from the bucket of rate per second (rate 0: no
// limit, the bucket is dropped), or says how long until they fit. A new
// rate (a reload) keeps what the bucket holds, up to its new size.
func (o *orgQuota) take(rate, n int, now time.Time) time.Duration {
	if rate <= 0 {
		o.rate, o.bucket = 0, bucket{}
		return 0
	}
	switch {
	case o.rate == 0:
		o.bucket = newBucket(float64(rate), now)
	case o.rate != rate:
		o.bucket.refill(now)
		o.bucket.rate, o.bucket.burst = float64(rate), float64(rate)
		o.bucket.tokens = min(o.bucket.tokens, o.bucket.burst)
	}
	o.rate = rate
	o.bucket.refill(now)
	if w := o.bucket.wait(float64(n)); w > 0 {
		return w
	}
	o.bucket.tokens -= float64(n)
	return 0
}

// refund gives back n entries admit took for org, when the agent's own
// budget refused the batch after all.
func (q *orgQuotas) refund(org string, n int) {
	if q == nil {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if o := q.orgs[org]; o != nil && o.rate > 0 {
		o.bucket.tokens = min(o.bucket.tokens+float64(n), o.bucket.burst)
	}
}

// checkBacklog puts org in, or takes it out of, suspense for its own
// max_backlog_bytes; the caller holds q.mu.
func (q *orgQuotas) checkBacklog(org string, o *orgQuota, cfg OrgConfig) {
	limit := cfg.MaxBacklogBytes
	if limit <= 0 {
		if o.overBacklog != "" {
			o.overBacklog = ""
			q.logger.Info("organization no longer in suspense: max_backlog_bytes removed", "organization", org)
		}
		return
	}
	entries, bytes := q.backlog(org)
	switch {
	case o.overBacklog == "" && bytes > limit:
		o.overBacklog = fmt.Sprintf("organization %q in suspense: state backlog %s over max_backlog_bytes=%s", org, hclconf.SizeText(bytes), hclconf.SizeText(limit))
		q.logger.Warn("organization in suspense: refusing its batches (its agents keep them in their spools) until its state backlog drains",
			"organization", org, "backlog_bytes", bytes, "backlog_entries", entries, "max_backlog_bytes", limit, "resume_under", int64(float64(limit)*orgResumeShare))
	case o.overBacklog != "" && float64(bytes) < float64(limit)*orgResumeShare:
		o.overBacklog = ""
		q.logger.Info("organization suspense over: its state backlog drained under the resume mark", "organization", org, "backlog_bytes", bytes, "max_backlog_bytes", limit)
	}
}

// refused counts a refusal of org for quota at now, and logs it when its
// throttling starts and then at most once a minute with the number of
// refusals not logged.
func (q *orgQuotas) refused(org, quota, text string, now time.Time) {
	if q == nil {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.refusedLocked(org, q.get(org), quota, text, now)
}

func (q *orgQuotas) refusedLocked(org string, o *orgQuota, quota, text string, now time.Time) {
	o.refused[quota]++
	o.lastRefused, o.lastReason = now, quota
	if !o.throttled {
		o.throttled, o.since = true, now
		o.log = logging.Limiter{Every: time.Minute}
	}
	n := o.log.Allow(now)
	if n < 0 {
		return
	}
	args := []any{"organization", org, "quota", quota, "reason", text}
	if n == 0 {
		q.logger.Warn("organization over its quota: refusing its batches or agents with the reason; its agents keep their entries in their spools and retry", args...)
		return
	}
	q.logger.Warn("organization still over its quota", logging.Suppressed(append(args, "since", now.Sub(o.since).Round(time.Second)), n)...)
}

// tick re-checks each organization's backlog suspense and ends the
// throttling of those quiet for orgQuietAfter, logging both; the
// suspense loop calls it.
func (q *orgQuotas) tick(now time.Time) {
	if q == nil {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	for org, o := range q.orgs {
		q.checkBacklog(org, o, q.settings(org))
		if o.throttled && o.overBacklog == "" && o.blamed == "" && now.Sub(o.lastRefused) >= orgQuietAfter {
			o.throttled = false
			var total uint64
			for _, n := range o.refused {
				total += n
			}
			q.logger.Info("organization no longer throttled", "organization", org, "last_quota", o.lastReason, "throttled_for", o.lastRefused.Sub(o.since).Round(time.Second), "refusals_total", total)
		}
	}
}

// blame puts the organizations of blamed (organization → why) in
// suspense and takes the others out of it, logging each change.
func (q *orgQuotas) blame(blamed map[string]string) {
	if q == nil {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, org := range slices.Sorted(maps.Keys(blamed)) {
		o := q.get(org)
		if o.blamed == "" {
			q.logger.Warn("organization in suspense: over its fair share of the state backlog; refusing its batches, the other organizations keep sending",
				"organization", org, "reason", blamed[org])
		}
		o.blamed = blamed[org]
	}
	for org, o := range q.orgs {
		if _, ok := blamed[org]; !ok && o.blamed != "" {
			o.blamed = ""
			q.logger.Info("organization suspense over: back under its share of the state backlog", "organization", org)
		}
	}
}

// blamedNow is the organizations blamed now (organization → why).
func (q *orgQuotas) blamedNow() map[string]string {
	out := map[string]string{}
	if q == nil {
		return out
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	for org, o := range q.orgs {
		if o.blamed != "" {
			out[org] = o.blamed
		}
	}
	return out
}

// OrgQuotaStatus is an organization's quota state, in /v1/status.
type OrgQuotaStatus struct {
	// Throttled is set while its batches or agents are being refused
	// (until orgQuietAfter without a refusal).
	Throttled bool `json:"throttled"`
	// Suspense is why it is in suspense ("": it is not).
	Suspense string `json:"suspense,omitempty"`
	// Refused counts its refusals by quota (max_events_per_second,
	// max_backlog_bytes, suspense, max_agents).
	Refused map[string]uint64 `json:"refused,omitempty"`
	// BacklogEntries and BacklogBytes are its entries waiting in state.
	BacklogEntries int64 `json:"backlog_entries"`
	BacklogBytes   int64 `json:"backlog_bytes"`
}

// status is the state of every organization with quota state or a
// block in the configuration.
func (q *orgQuotas) status() map[string]OrgQuotaStatus {
	if q == nil {
		return nil
	}
	var configured map[string]OrgConfig
	if q.configured != nil {
		configured = q.configured()
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	out := make(map[string]OrgQuotaStatus, len(q.orgs)+len(configured))
	for org := range configured {
		var st OrgQuotaStatus
		st.BacklogEntries, st.BacklogBytes = q.backlog(org)
		out[org] = st
	}
	for org, o := range q.orgs {
		st := OrgQuotaStatus{Throttled: o.throttled, Suspense: o.suspense(), Refused: maps.Clone(o.refused)}
		st.BacklogEntries, st.BacklogBytes = q.backlog(org)
		out[org] = st
	}
	return out
}

// suspense is why the organization is in suspense ("": it is not).
func (o *orgQuota) suspense() string {
	if o.overBacklog != "" {
		return o.overBacklog
	}
	return o.blamed
}

// suspended is how many organizations are in suspense.
func (q *orgQuotas) suspended() int {
	if q == nil {
		return 0
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	n := 0
	for _, o := range q.orgs {
		if o.suspense() != "" {
			n++
		}
	}
	return n
}

// each calls fn with every organization's refusal count by quota.
func (q *orgQuotas) each(fn func(org, quota string, n uint64)) {
	if q == nil {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	for org, o := range q.orgs {
		for _, r := range orgReasons {
			if n := o.refused[r]; n > 0 {
				fn(org, r, n)
			}
		}
	}
}

// orgLoad is an organization's share of the state backlog.
type orgLoad struct {
	org     string
	entries int64
	weight  int
}

// blameOrgs decides which organizations the global backlog suspense holds
// when more than one holds backlog: those over their weighted fair share
// of the limit (suspense_backlog). An organization's share is limit ×
// weight / the sum of the weights of the organizations with backlog; one
// over it is blamed while the total is over the limit, and stays blamed
// (prev) until its backlog falls under orgResumeShare of its share or the
// total under resume. The others keep sending.
func blameOrgs(loads []orgLoad, limit, resume, total int64, prev map[string]string) map[string]string {
	var weights int64
	for _, l := range loads {
		if l.entries > 0 {
			weights += int64(max(l.weight, 1))
		}
	}
	out := map[string]string{}
	if weights == 0 {
		return out
	}
	for _, l := range loads {
		if l.entries <= 0 {
			continue
		}
		w := int64(max(l.weight, 1))
		share := limit * w / weights
		switch {
		case total > limit && l.entries > share:
			out[l.org] = blameText(l.org, l.entries, total, share, limit, w, weights)
		case prev[l.org] != "" && total > resume && float64(l.entries) > float64(share)*orgResumeShare:
			out[l.org] = prev[l.org]
		}
	}
	return out
}

// wireQuotas builds the organizations' quotas and gives them to the
// intake, the registry (max_agents) and the suspense (blame). They read
// the settings from m.orgs at every check.
func (m *Mediator) wireQuotas() {
	q := newOrgQuotas(m.orgs.get, m.state.orgs.get, m.logger.Named("quotas"))
	q.total = m.state.q.Len
	q.configured = m.orgs.configured
	m.intake.quotas = q
	m.registry.orgMax = func(org string) int { return m.orgs.get(org).MaxAgents }
	m.suspense.orgs = q
	m.suspense.orgLoads = func() []orgLoad {
		var loads []orgLoad
		m.state.orgs.each(func(org string, entries, _ int64) {
			if entries > 0 {
				loads = append(loads, orgLoad{org: org, entries: entries, weight: m.orgs.get(org).Weight})
			}
		})
		return loads
	}
}

// orgQuotaCollector emits the organizations' quota metrics at each
// scrape. Organizations come from the configuration and the agents
// admitted, never from anything unauthenticated.
type orgQuotaCollector struct {
	q                               *orgQuotas
	state                           *orgBacklog
	throttled, suspended, backlogBy *prometheus.Desc
}

func newOrgQuotaCollector(q *orgQuotas, state *orgBacklog) *orgQuotaCollector {
	return &orgQuotaCollector{
		q: q, state: state,
		throttled: prometheus.NewDesc("sluice_mediator_organization_throttled_total",
			"Batches (or, for max_agents, agents) of an organization refused for its quota, by reason: max_events_per_second, max_backlog_bytes, suspense (over its share of suspense_backlog), max_agents. Its agents keep the entries and resend them.",
			[]string{"organization", "reason"}, nil),
		suspended: prometheus.NewDesc("sluice_mediator_organizations_suspended",
			"Organizations in suspense (over max_backlog_bytes, or over their share of suspense_backlog): their batches are refused.", nil, nil),
		backlogBy: prometheus.NewDesc("sluice_mediator_organization_backlog_bytes",
			"Bytes of an organization's entries in state since the mediator started (what max_backlog_bytes bounds).", []string{"organization"}, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *orgQuotaCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.throttled
	ch <- c.suspended
	ch <- c.backlogBy
}

// Collect implements prometheus.Collector.
func (c *orgQuotaCollector) Collect(ch chan<- prometheus.Metric) {
	c.q.each(func(org, reason string, n uint64) {
		ch <- prometheus.MustNewConstMetric(c.throttled, prometheus.CounterValue, float64(n), org, reason)
	})
	ch <- prometheus.MustNewConstMetric(c.suspended, prometheus.GaugeValue, float64(c.q.suspended()))
	c.state.each(func(org string, _, bytes int64) {
		ch <- prometheus.MustNewConstMetric(c.backlogBy, prometheus.GaugeValue, float64(max(bytes, 0)), org)
	})
}
