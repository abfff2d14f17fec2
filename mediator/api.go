package mediator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/mediator/armlink"
	"github.com/sluicehq/sluice/mpe"
	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/hclconf"
	"github.com/sluicehq/sluice/pkg/httpauth"
	"github.com/sluicehq/sluice/pkg/logging"
	"github.com/sluicehq/sluice/pkg/serve"
)

// SearchResponse is the body of GET /v1/search.
type SearchResponse struct {
	Events []json.RawMessage `json:"events"`
	// Truncated is set when the events stopped at max_result_bytes
	// rather than at the limit or the last match.
	Truncated bool `json:"truncated,omitempty"`
}

// CountResponse is the body of GET /v1/count.
type CountResponse struct {
	Count int64 `json:"count"`
}

// StatusResponse is the body of GET /v1/status.
type StatusResponse struct {
	// Kind is "mediator" (an agent's and ARM's status say theirs).
	Kind       string    `json:"kind"`
	ID         string    `json:"id"`
	Version    string    `json:"version"`
	Started    time.Time `json:"started"`
	Uptime     float64   `json:"uptime_seconds"`
	Agents     int       `json:"agents"`
	MaxAgents  int       `json:"max_agents"`
	StateDepth int64     `json:"state_depth"`
	Received   uint64    `json:"received"`
	// ReceivedBatches counts the batches stored (Received counts entries).
	ReceivedBatches uint64 `json:"received_batches"`
	// Pressure is how far behind acknowledgements and handshakes are.
	Pressure   Pressure `json:"pressure"`
	Indexed    uint64   `json:"indexed"`
	Errors     uint64   `json:"errors"`
	Rules      int      `json:"rules"`
	RulesError string   `json:"rules_error,omitempty"`
	IndexRetry bool     `json:"index_retrying"`
	Suspense   string   `json:"suspense,omitempty"`
	// Organizations is the quota state of the organizations that have
	// some (orgquota.go): throttled, in suspense and why, refusals.
	Organizations map[string]OrgQuotaStatus `json:"organizations,omitempty"`
	// Stalled is set while state holds entries that nothing indexes (with
	// the index healthy) for stall_warning; StalledReason says more, and
	// Stalls counts the stalls since the start.
	Stalled       bool   `json:"stalled"`
	StalledReason string `json:"stalled_reason,omitempty"`
	Stalls        uint64 `json:"stalls"`
	// Warnings are what someone should look at although the pipeline
	// may move (index disk low, archive or retention failing), sorted by
	// kind; [] when none. They do not make /readyz fail.
	Warnings   []armlink.Warning `json:"warnings"`
	Pipeline   PipelineState     `json:"pipeline"`
	DeadLetter int64             `json:"dead_letters"`
	LastError  string            `json:"last_index_error,omitempty"`
	// RefusedDuplicateIdentity counts the streams refused because their
	// agent id was connected from another spool.
	RefusedDuplicateIdentity uint64 `json:"refused_duplicate_identity"`
	// OutOfRange counts events filed under their collection time, their
	// own being outside max_past_age / max_future_skew.
	OutOfRange uint64 `json:"timestamps_out_of_range"`
	// Retention is what the pruner did; Archive the raw archive's state
	// (absent without one); IndexDiskFree the free bytes on the embedded
	// index's volume (-1: not watched).
	Retention     RetentionStatus `json:"retention"`
	Archive       *ArchiveStatus  `json:"archive,omitempty"`
	IndexDiskFree int64           `json:"index_disk_free_bytes"`
}

// maxSearchLimit caps how many events one search returns.
const maxSearchLimit = 100000

// maxDeadLetterLimit caps how many dead letters one listing returns: each
// holds a raw line of up to max_line_bytes.
const maxDeadLetterLimit = 10000

type errorResponse struct {
	Error string `json:"error"`
}

// routes is the API behind its guard: every request is checked for Host
// and Origin; reads need a read or admin token once one is configured,
// admin endpoints the admin token. The probes stay open: they say
// nothing of the events.
func (m *Mediator) routes() http.Handler {
	g := m.httpAccess
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/search", g.Read(m.handleSearch))
	mux.HandleFunc("GET /v1/count", g.Read(m.handleCount))
	mux.HandleFunc("GET /v1/histogram", g.Read(m.handleHistogram))
	mux.HandleFunc("GET /v1/facets", g.Read(m.handleFacets))
	mux.HandleFunc("GET /v1/tail", g.Read(m.handleTail))
	mux.HandleFunc("GET /v1/organizations", g.Read(m.handleOrganizations))
	// The search page holds no data: its requests carry the token.
	mux.HandleFunc("GET /{$}", serveSearchPage)
	mux.HandleFunc("GET /v1/status", g.Read(m.handleStatus))
	mux.HandleFunc("GET /metrics", g.Read(m.handleMetrics))
	mux.HandleFunc("GET /healthz", m.handleHealthz)
	mux.HandleFunc("GET /readyz", m.handleReadyz)
	mux.HandleFunc("GET /v1/agents", g.Read(m.handleAgents))
	mux.HandleFunc("POST /v1/agents/{id}/accept", g.Admin(m.handleDecide(StateAccepted)))
	mux.HandleFunc("POST /v1/agents/{id}/reject", g.Admin(m.handleDecide(StateRejected)))
	mux.HandleFunc("GET /v1/rules/stats", g.Read(m.handleRuleStats))
	mux.HandleFunc("POST /v1/rules/reload", g.Admin(m.handleReload))
	mux.HandleFunc("POST /v1/config/reload", g.Admin(m.handleConfigReload))
	mux.HandleFunc("GET /v1/deadletter", g.Read(m.handleDeadLetterList))
	mux.HandleFunc("POST /v1/deadletter/replay", g.Admin(m.handleDeadLetterReplay))
	mux.HandleFunc("POST /v1/archive/replay", g.Admin(m.handleArchiveReplay))
	mux.HandleFunc("POST /v1/index/prune", g.Admin(m.handleIndexPrune))
	if m.logs != nil {
		level := logging.LevelHandler(m.logs)
		mux.HandleFunc("GET /v1/log/level", g.Read(level))
		mux.HandleFunc("PUT /v1/log/level", g.Admin(level))
	}
	return g.Handler(mux)
}

// searchRequest reads q, since (a duration back from now or RFC 3339),
// until, org and limit from the query string.
func searchRequest(r *http.Request) (indexer.SearchRequest, error) {
	v := r.URL.Query()
	req := indexer.SearchRequest{Query: v.Get("q"), Organization: v.Get("org"), Limit: 100}
	var err error
	if req.Since, err = parseWhen(v.Get("since")); err != nil {
		return req, errors.New("since: " + err.Error())
	}
	if req.Until, err = parseWhen(v.Get("until")); err != nil {
		return req, errors.New("until: " + err.Error())
	}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > maxSearchLimit {
			return req, fmt.Errorf("limit must be an integer between 1 and %d", maxSearchLimit)
		}
		req.Limit = n
	}
	return req, nil
}

// parseWhen accepts "" (open), a duration meaning that long ago ("15m"),
// or an RFC 3339 time.
func parseWhen(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := hclconf.ParseDuration(s); err == nil {
		return time.Now().Add(-d), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil // midnight UTC
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, errors.New("want a duration such as 15m or 7d, a day (2026-01-10, UTC) or an RFC 3339 time")
	}
	return t, nil
}

func (m *Mediator) handleSearch(w http.ResponseWriter, r *http.Request) {
	req, err := searchRequest(r)
	if err != nil {
		serve.WriteJSON(w, http.StatusBadRequest, errorResponse{err.Error()})
		return
	}
	ctx, cancel, ok := m.readySearch(w, r, &req)
	if !ok {
		return
	}
	defer cancel()
	events, err := m.index.Search(ctx, req)
	if err != nil {
		m.writeSearchError(w, r, err)
		return
	}
	if events == nil {
		events = []json.RawMessage{}
	}
	var size int64
	for _, e := range events {
		size += int64(len(e))
	}
	serve.WriteJSON(w, http.StatusOK, SearchResponse{Events: events, Truncated: truncated(req, len(events), size)})
}

func (m *Mediator) handleCount(w http.ResponseWriter, r *http.Request) {
	req, err := searchRequest(r)
	if err != nil {
		serve.WriteJSON(w, http.StatusBadRequest, errorResponse{err.Error()})
		return
	}
	ctx, cancel, ok := m.readySearch(w, r, &req)
	if !ok {
		return
	}
	defer cancel()
	n, err := m.index.Count(ctx, req)
	if err != nil {
		m.writeSearchError(w, r, err)
		return
	}
	serve.WriteJSON(w, http.StatusOK, CountResponse{Count: n})
}

func (m *Mediator) handleStatus(w http.ResponseWriter, r *http.Request) {
	serve.WriteJSON(w, http.StatusOK, statusFor(m.Status(), httpauth.GrantFrom(r.Context())))
}

// AgentsResponse is the body of GET /v1/agents: who is connected, and the
// acceptance state of every agent id the mediator has seen.
type AgentsResponse struct {
	Connected []AgentInfo  `json:"connected"`
	Known     []Acceptance `json:"known"`
	Accept    string       `json:"accept"`
}

// handleHealthz answers 200 while the process serves HTTP: a liveness
// probe, never a reason to send it traffic (that is /readyz).
func (m *Mediator) handleHealthz(w http.ResponseWriter, _ *http.Request) {
	serve.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// ReadyResponse is the body of GET /readyz.
type ReadyResponse struct {
	Ready   bool     `json:"ready"`
	Reasons []string `json:"reasons,omitempty"`
}

// handleReadyz answers 200 when the mediator takes agents and its pipeline
// moves, 503 with the reasons otherwise (suspense, a stalled pipeline,
// shutting down), so a load balancer or an orchestrator sends agents
// elsewhere. Warnings (index disk low, archive failing) leave it ready:
// they ask for someone's attention, and sending the agents to another
// mediator would not fix them; the one that must refuse agents (a disk
// near full) does so through suspense.
func (m *Mediator) handleReadyz(w http.ResponseWriter, _ *http.Request) {
	var why []string
	if m.intake.draining.Load() {
		why = append(why, "shutting down")
	}
	// Probes are unauthenticated: no absolute paths in the reasons.
	if s := m.suspense.reason(); s != "" {
		why = append(why, "suspense: "+redactPaths(s))
	}
	if s := m.stall.get(); s != "" {
		why = append(why, "pipeline stalled: "+redactPaths(s))
	}
	if len(why) > 0 {
		serve.WriteJSON(w, http.StatusServiceUnavailable, ReadyResponse{Reasons: why})
		return
	}
	serve.WriteJSON(w, http.StatusOK, ReadyResponse{Ready: true})
}

func (m *Mediator) handleAgents(w http.ResponseWriter, r *http.Request) {
	resp := AgentsResponse{Connected: m.registry.list(), Known: m.accept.list(), Accept: m.cfg.Accept}
	serve.WriteJSON(w, http.StatusOK, agentsFor(resp, httpauth.GrantFrom(r.Context()).Scope))
}

func (m *Mediator) handleDecide(state string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		org := r.URL.Query().Get("org")
		if org == "" {
			org = event.DefaultOrganization
		}
		if !validID.MatchString(id) || !validID.MatchString(org) {
			serve.WriteJSON(w, http.StatusBadRequest, errorResponse{"invalid agent id or organization"})
			return
		}
		rec, err := m.accept.decide(org, id, state)
		if err != nil {
			serve.WriteJSON(w, http.StatusInternalServerError, errorResponse{err.Error()})
			return
		}
		if state == StateRejected {
			m.registry.kickOne(org, id, kick{revoked: true, reason: "agent rejected"})
		}
		m.logger.Info("agent acceptance decided", "agent", id, "organization", org, "state", state, "remote", r.RemoteAddr)
		serve.WriteJSON(w, http.StatusOK, rec)
	}
}

// RuleStatsResponse is the body of GET /v1/rules/stats: LogRhythm's LPS
// report, per rule and per log source type.
type RuleStatsResponse struct {
	// Organization names the organization whose own rule set this is
	// (org=); empty for the global set.
	Organization string           `json:"organization,omitempty"`
	Rules        []mpe.RuleStats  `json:"rules"`
	Types        []mpe.TypeStats  `json:"types"`
	Totals       mpe.EngineStats  `json:"totals"`
	Webhooks     mpe.WebhookStats `json:"webhooks"`
	Reloads      uint64           `json:"reloads"`
	Error        string           `json:"last_reload_error,omitempty"`
}

// handleRuleStats reports the global rule set's statistics, or with
// org= that organization's own set's. The global set counts every
// organization's events, so it needs a token for all of them; an
// organization's set counts its events only, so a token for it will do.
func (m *Mediator) handleRuleStats(w http.ResponseWriter, r *http.Request) {
	scope := httpauth.GrantFrom(r.Context()).Scope
	if org := r.URL.Query().Get("org"); org != "" {
		if !scope.Allows(org) {
			serve.WriteJSON(w, http.StatusForbidden, errorResponse{fmt.Sprintf("this token may not read organization %q", org)})
			return
		}
		k := m.orgRules.keeper(org)
		if k == nil {
			serve.WriteJSON(w, http.StatusNotFound, errorResponse{fmt.Sprintf("organization %q has no rules of its own: its events get the global rules (GET /v1/rules/stats without org=)", org)})
			return
		}
		rs := k.current.Load()
		lastErr := k.lastError.Load().(string)
		if !scope.All() {
			lastErr = redactPaths(lastErr)
		}
		// Webhooks stay empty: the runner is shared by every set, its
		// counts are not the organization's.
		serve.WriteJSON(w, http.StatusOK, RuleStatsResponse{
			Organization: org,
			Rules:        rs.Stats(),
			Types:        rs.TypeStats(),
			Totals:       rs.Totals(),
			Reloads:      k.reloads.Load(),
			Error:        lastErr,
		})
		return
	}
	if !scope.All() {
		serve.WriteJSON(w, http.StatusForbidden, errorResponse{"rule statistics count the events of every organization: they need a token for all of them"})
		return
	}
	rs := m.rules.current.Load()
	serve.WriteJSON(w, http.StatusOK, RuleStatsResponse{
		Rules:    rs.Stats(),
		Types:    rs.TypeStats(),
		Totals:   rs.Totals(),
		Webhooks: m.webhooks.Stats(),
		Reloads:  m.rules.reloads.Load(),
		Error:    m.rules.lastError.Load().(string),
	})
}

func (m *Mediator) handleReload(w http.ResponseWriter, _ *http.Request) {
	if err := m.Reload(); err != nil {
		serve.WriteJSON(w, http.StatusUnprocessableEntity, errorResponse{err.Error()})
		return
	}
	serve.WriteJSON(w, http.StatusOK, map[string]int{"rules": m.rules.current.Load().Len()})
}

// ReplayResponse is the body of POST /v1/deadletter/replay.
type ReplayResponse struct {
	Indexed   int `json:"indexed"`
	Remaining int `json:"remaining"`
}

func (m *Mediator) handleDeadLetterList(w http.ResponseWriter, r *http.Request) {
	limit := 1000
	if l := r.URL.Query().Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > maxDeadLetterLimit {
			serve.WriteJSON(w, http.StatusBadRequest, errorResponse{fmt.Sprintf("limit must be an integer between 1 and %d", maxDeadLetterLimit)})
			return
		}
		limit = n
	}
	list, err := m.dead.list(limit, httpauth.GrantFrom(r.Context()).Scope.Allows)
	if err != nil {
		serve.WriteJSON(w, http.StatusInternalServerError, errorResponse{err.Error()})
		return
	}
	serve.WriteJSON(w, http.StatusOK, list)
}

func (m *Mediator) handleDeadLetterReplay(w http.ResponseWriter, r *http.Request) {
	indexed, remaining, err := m.pipeline.replay(r.Context())
	if err != nil {
		serve.WriteJSON(w, http.StatusBadGateway, errorResponse{err.Error()})
		return
	}
	m.logger.Info("dead letters replayed", "indexed", indexed, "remaining", remaining)
	serve.WriteJSON(w, http.StatusOK, ReplayResponse{Indexed: indexed, Remaining: remaining})
}
