package mediator

import (
	"fmt"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/pkg/httpauth"
	"github.com/sluicehq/sluice/pkg/serve"
)

// newGuard is the API's access policy, from the config: the token files,
// and the names the API answers to.
func newGuard(cfg *Config, logger hclog.Logger) (*httpauth.Guard, error) {
	return httpauth.New(httpauth.Config{
		Realm:          "sluice-mediator",
		Listen:         cfg.HTTP,
		Hosts:          cfg.HTTPHosts,
		AdminTokenFile: cfg.AdminTokenFile,
		ReadTokenFile:  cfg.ReadTokenFile,
		Logger:         logger,
	})
}

// scopeSearch narrows a search or count to the organizations the
// caller's token may read: org= may name one of them, never another; a
// token for one organization searches it without org=. It answers the
// request and returns false when the search may not run.
func scopeSearch(w http.ResponseWriter, r *http.Request, req *indexer.SearchRequest) bool {
	scope := httpauth.GrantFrom(r.Context()).Scope
	switch {
	case scope.All():
		return true
	case req.Organization != "":
		if scope.Allows(req.Organization) {
			return true
		}
		serve.WriteJSON(w, http.StatusForbidden, errorResponse{fmt.Sprintf("this token may not read organization %q", req.Organization)})
		return false
	}
	orgs := scope.Orgs()
	if len(orgs) == 1 {
		req.Organization = orgs[0]
		return true
	}
	serve.WriteJSON(w, http.StatusBadRequest, errorResponse{fmt.Sprintf("this token reads organizations %s: say which with org=", strings.Join(orgs, ", "))})
	return false
}

// absPath finds absolute file paths in messages (rule errors name their
// file, suspense the data directory, index errors their files). A path
// starts the text or follows a space, quote, bracket, '=' or ','; it ends
// at a space, quote, bracket, ',', ';' or ':' (so "file:line:col" keeps
// its line and column).
var absPath = regexp.MustCompile(`(^|[\s"'(\[=,])/[^\s"'()\[\],:;]+`)

// redactPaths replaces each absolute path in s by "…/" and its last
// element: a caller learns which file, not where the mediator keeps it.
func redactPaths(s string) string {
	if !strings.Contains(s, "/") {
		return s
	}
	return absPath.ReplaceAllStringFunc(s, func(m string) string {
		lead := ""
		if m[0] != '/' {
			lead, m = m[:1], m[1:]
		}
		return lead + "…/" + path.Base(m)
	})
}

// statusFor is the status a caller with grant sees: everything for a
// token that reads every organization; without one (a loopback caller of
// a mediator with no token), or with a token limited to organizations,
// no absolute paths, and of the organizations in flight only its own.
func statusFor(st StatusResponse, grant httpauth.Grant) StatusResponse {
	if grant.Full() {
		return st
	}
	for _, s := range []*string{&st.RulesError, &st.Suspense, &st.StalledReason, &st.LastError, &st.Pipeline.Dispatcher, &st.Pipeline.Writer} {
		*s = redactPaths(*s)
	}
	st.Warnings = slices.Clone(st.Warnings)
	for i := range st.Warnings {
		st.Warnings[i].Text = redactPaths(st.Warnings[i].Text)
	}
	if !grant.Scope.All() {
		orgs := map[string]int{}
		for o, n := range st.Pipeline.Organizations {
			if grant.Scope.Allows(o) {
				orgs[o] = n
			}
		}
		var parked []string
		for _, o := range st.Pipeline.Parked {
			if grant.Scope.Allows(o) {
				parked = append(parked, o)
			}
		}
		st.Pipeline.Organizations, st.Pipeline.Parked = orgs, parked
		quotas := map[string]OrgQuotaStatus{}
		for o, q := range st.Organizations {
			if grant.Scope.Allows(o) {
				quotas[o] = q
			}
		}
		st.Organizations = quotas
	}
	return st
}

// agentsFor keeps the agents of the organizations the caller may read.
func agentsFor(resp AgentsResponse, scope httpauth.Scope) AgentsResponse {
	if scope.All() {
		return resp
	}
	connected := []AgentInfo{}
	for _, a := range resp.Connected {
		if scope.Allows(a.Organization) {
			connected = append(connected, a)
		}
	}
	known := []Acceptance{}
	for _, a := range resp.Known {
		if scope.Allows(a.Organization) {
			known = append(known, a)
		}
	}
	resp.Connected, resp.Known = connected, known
	return resp
}
