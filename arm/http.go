package arm

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/sluicehq/sluice/pkg/httpauth"
	"github.com/sluicehq/sluice/pkg/logging"
	"github.com/sluicehq/sluice/pkg/serve"
)

// ListResponse is the body of GET /v1/heartbeats.
type ListResponse struct {
	// Time is ARM's clock: ages in the page are computed against it.
	Time time.Time `json:"time"`
	// Counts is the number of listed components per status.
	Counts map[Status]int `json:"counts"`
	// Stalled is the number of listed components whose pipeline is
	// stalled, whatever their status.
	Stalled int `json:"stalled"`
	// Duplicates is the number of listed agents whose id two processes
	// present.
	Duplicates int         `json:"duplicate_identities"`
	Heartbeats []Component `json:"heartbeats"`
}

// StatusResponse is the body of GET /v1/status: ARM's own health.
type StatusResponse struct {
	// Kind is "arm" (a mediator's and an agent's status say theirs).
	Kind       string         `json:"kind"`
	ID         string         `json:"id"`
	Version    string         `json:"version"`
	Started    time.Time      `json:"started"`
	Time       time.Time      `json:"time"`
	Components int            `json:"components"`
	Counts     map[Status]int `json:"counts"`
	// Stalled counts components whose pipeline is stalled.
	Stalled int `json:"stalled"`
	// Duplicates counts agents whose id two processes present.
	Duplicates int `json:"duplicate_identities"`
	// Reports and Heartbeats count what mediators delivered.
	Reports    uint64 `json:"reports"`
	Heartbeats uint64 `json:"heartbeats"`
	// Ignored* count heartbeats that were refused.
	IgnoredFuture  uint64 `json:"ignored_future"`
	IgnoredOrg     uint64 `json:"ignored_unknown_organization"`
	IgnoredInvalid uint64 `json:"ignored_invalid"`
	// RefusedIdentity counts reports refused because the mediator id
	// was not the one in its TLS certificate.
	RefusedIdentity uint64 `json:"refused_identity"`
	// Events counts ARM events written; OutboxDepth is how many wait for
	// a mediator to store them; LeaseHolder is the mediator holding them.
	Events        uint64 `json:"events"`
	EventsDropped uint64 `json:"events_dropped"`
	OutboxDepth   int64  `json:"outbox_depth"`
	LeaseHolder   string `json:"lease_holder,omitempty"`
	SaveErrors    uint64 `json:"save_errors"`
}

type errorResponse struct {
	Error string `json:"error"`
}

// routes is the API behind its guard: every request is checked for Host
// and Origin; reads need a read or admin token once one is configured,
// the write endpoint the admin token. The page itself holds no data: it
// is served to anyone who may reach it, and asks for a token when the
// API wants one.
func (a *ARM) routes() http.Handler {
	g := a.httpAccess
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", servePage)
	mux.HandleFunc("GET /v1/heartbeats", g.Read(a.handleList))
	mux.HandleFunc("GET /v1/heartbeats/{id}", g.Read(a.handleGet))
	mux.HandleFunc("DELETE /v1/heartbeats/{id}", g.Admin(a.handleForget))
	mux.HandleFunc("GET /v1/organizations", g.Read(a.handleOrganizations))
	mux.HandleFunc("GET /v1/status", g.Read(a.handleStatus))
	if a.logs != nil {
		level := logging.LevelHandler(a.logs)
		mux.HandleFunc("GET /v1/log/level", g.Read(level))
		mux.HandleFunc("PUT /v1/log/level", g.Admin(level))
	}
	mux.HandleFunc("GET /metrics", g.Read(a.handleMetrics))
	// The probes stay open: they say nothing of the components.
	mux.HandleFunc("GET /healthz", a.handleHealthz)
	mux.HandleFunc("GET /readyz", a.handleReadyz)
	return g.Handler(mux)
}

// parseFilter reads status, kind, organization and mediator from the
// query string; status and kind take comma-separated lists.
func parseFilter(r *http.Request) (Filter, error) {
	q := r.URL.Query()
	var f Filter
	for _, s := range splitList(q["status"]) {
		st := Status(strings.ToLower(s))
		switch st {
		case StatusGreen, StatusYellow, StatusRed:
			f.Statuses = append(f.Statuses, st)
		default:
			return f, fmt.Errorf("status %q: want green, yellow or red", s)
		}
	}
	for _, s := range splitList(q["kind"]) {
		k := Kind(strings.ToLower(s))
		switch k {
		case KindAgent, KindMediator:
			f.Kinds = append(f.Kinds, k)
		default:
			return f, fmt.Errorf("kind %q: want agent or mediator", s)
		}
	}
	f.Organization = q.Get("organization")
	f.Mediator = q.Get("mediator")
	return f, nil
}

func splitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

func (a *ARM) handleList(w http.ResponseWriter, r *http.Request) {
	f, err := parseFilter(r)
	if err != nil {
		serve.WriteJSON(w, http.StatusBadRequest, errorResponse{Error: err.Error()})
		return
	}
	list, ok := a.visible(w, r, f)
	if !ok {
		return
	}
	s := summarize(list)
	serve.WriteJSON(w, http.StatusOK, ListResponse{Time: a.now().UTC(), Counts: s.counts, Stalled: s.stalled, Duplicates: s.duplicates, Heartbeats: list})
}

// inScope keeps the components of the organizations scope covers. A
// token limited to organizations sees none of the mediators: they serve
// every organization.
func inScope(list []Component, scope httpauth.Scope) []Component {
	if scope.All() {
		return list
	}
	out := list[:0]
	for _, c := range list {
		if c.Kind == KindAgent && scope.Allows(c.Organization) {
			out = append(out, c)
		}
	}
	return out
}

// component finds the component named in the path; ?kind= picks one when
// an agent and a mediator share the id. One the caller's token may not
// read is not found.
func (a *ARM) component(w http.ResponseWriter, r *http.Request) (Component, bool) {
	id := r.PathValue("id")
	matches := inScope(a.tracker.Lookup(id), httpauth.GrantFrom(r.Context()).Scope)
	if k := Kind(r.URL.Query().Get("kind")); k != "" {
		var only []Component
		for _, c := range matches {
			if c.Kind == k {
				only = append(only, c)
			}
		}
		matches = only
	}
	switch len(matches) {
	case 0:
		serve.WriteJSON(w, http.StatusNotFound, errorResponse{Error: fmt.Sprintf("no component %q", id)})
		return Component{}, false
	case 1:
		return matches[0], true
	default:
		serve.WriteJSON(w, http.StatusConflict, errorResponse{Error: fmt.Sprintf("%q is both an agent and a mediator: add ?kind=agent or ?kind=mediator", id)})
		return Component{}, false
	}
}

func (a *ARM) handleGet(w http.ResponseWriter, r *http.Request) {
	if c, ok := a.component(w, r); ok {
		serve.WriteJSON(w, http.StatusOK, c)
	}
}

func (a *ARM) handleForget(w http.ResponseWriter, r *http.Request) {
	c, ok := a.component(w, r)
	if !ok {
		return
	}
	if _, err := a.forget(c.Kind, c.ID); err != nil {
		serve.WriteJSON(w, http.StatusInternalServerError, errorResponse{Error: err.Error()})
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// handleStatus serves ARM's health. Its component counts cover what the
// caller may see, and ?organization= narrows them to one organization's
// agents, as in the grid: a token limited to acme must not learn how many
// of globex's agents are red from here. The counters of reports,
// heartbeats and events are ARM's own and stay whole; the lease holder,
// a mediator, is kept from a limited token as the mediators are.
func (a *ARM) handleStatus(w http.ResponseWriter, r *http.Request) {
	st := a.Status()
	grant := httpauth.GrantFrom(r.Context())
	org := r.URL.Query().Get("organization")
	if !grant.Scope.All() || org != "" {
		list, ok := a.visible(w, r, Filter{Organization: org})
		if !ok {
			return
		}
		s := summarize(list)
		st.Components, st.Counts, st.Stalled, st.Duplicates = len(list), s.counts, s.stalled, s.duplicates
	}
	if !grant.Scope.All() {
		st.LeaseHolder = ""
	}
	serve.WriteJSON(w, http.StatusOK, st)
}

// Status reports ARM's own counters.
func (a *ARM) Status() StatusResponse {
	return StatusResponse{
		Kind:            "arm",
		ID:              a.cfg.ID,
		Version:         a.version,
		Started:         a.started.UTC(),
		Time:            a.now().UTC(),
		Components:      a.tracker.Len(),
		Counts:          a.tracker.Counts(),
		Stalled:         a.tracker.StalledCount(),
		Duplicates:      a.tracker.DuplicateCount(),
		Reports:         a.stats.reports.Load(),
		Heartbeats:      a.stats.heartbeats.Load(),
		IgnoredFuture:   a.stats.ignoredFuture.Load(),
		IgnoredOrg:      a.stats.ignoredOrg.Load(),
		IgnoredInvalid:  a.stats.ignoredInvalid.Load(),
		RefusedIdentity: a.stats.refusedIdentity.Load(),
		Events:          a.stats.events.Load(),
		EventsDropped:   a.stats.eventsDropped.Load(),
		OutboxDepth:     a.outbox.depth(),
		LeaseHolder:     a.outbox.holder(),
		SaveErrors:      a.stats.saveErrors.Load(),
	}
}
