package arm

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/sluicehq/sluice/pkg/httpauth"
	"github.com/sluicehq/sluice/pkg/serve"
)

// OrganizationsResponse is the body of GET /v1/organizations: what the
// dashboard's organization selector lists.
type OrganizationsResponse struct {
	// Time is ARM's clock.
	Time time.Time `json:"time"`
	// AllOrganizations is set when the caller sees every organization
	// (and the mediators); unset for a token limited to organizations.
	AllOrganizations bool `json:"all_organizations"`
	// Organizations are those with agents the caller may see and, for a
	// token limited to organizations, each of its own even without
	// agents yet; sorted by name.
	Organizations []OrganizationSummary `json:"organizations"`
}

// OrganizationSummary counts one organization's agents. Mediators serve
// every organization and are counted in none.
type OrganizationSummary struct {
	Name   string         `json:"name"`
	Agents int            `json:"agents"`
	Counts map[Status]int `json:"counts"`
	// Stalled and Duplicates count agents whose pipeline is stalled and
	// whose id two processes present.
	Stalled    int `json:"stalled"`
	Duplicates int `json:"duplicate_identities"`
}

// summary is what the list, the status and the organizations endpoints
// count over a set of components.
type summary struct {
	counts              map[Status]int
	stalled, duplicates int
}

func summarize(list []Component) summary {
	s := summary{counts: map[Status]int{StatusGreen: 0, StatusYellow: 0, StatusRed: 0}}
	for i := range list {
		s.add(&list[i])
	}
	return s
}

func (s *summary) add(c *Component) {
	s.counts[c.Status]++
	if c.Stalled != "" {
		s.stalled++
	}
	if c.DuplicateIdentity != "" {
		s.duplicates++
	}
}

// visible is the components f selects that the request's token may see.
// An organization outside the token's scope is refused (403) rather than
// answered empty: the caller asked for something it may not read, and
// an empty grid would say that organization has no agents.
func (a *ARM) visible(w http.ResponseWriter, r *http.Request, f Filter) ([]Component, bool) {
	scope := httpauth.GrantFrom(r.Context()).Scope
	if f.Organization != "" && !scope.Allows(f.Organization) {
		serve.WriteJSON(w, http.StatusForbidden, errorResponse{Error: fmt.Sprintf("this token may not read organization %q", f.Organization)})
		return nil, false
	}
	return inScope(a.tracker.List(f), scope), true
}

// handleOrganizations lists the organizations the caller may see, with
// their agents' counts per status.
func (a *ARM) handleOrganizations(w http.ResponseWriter, r *http.Request) {
	scope := httpauth.GrantFrom(r.Context()).Scope
	by := map[string]*summary{}
	// A limited token's own organizations are listed even before their
	// first agent: the selector shows what the token is for.
	for _, o := range scope.Orgs() {
		s := summarize(nil)
		by[o] = &s
	}
	for _, c := range inScope(a.tracker.List(Filter{Kinds: []Kind{KindAgent}}), scope) {
		s := by[c.Organization]
		if s == nil {
			n := summarize(nil)
			s = &n
			by[c.Organization] = s
		}
		s.add(&c)
	}
	out := OrganizationsResponse{Time: a.now().UTC(), AllOrganizations: scope.All(), Organizations: make([]OrganizationSummary, 0, len(by))}
	for name, s := range by {
		out.Organizations = append(out.Organizations, OrganizationSummary{
			Name: name, Agents: s.counts[StatusGreen] + s.counts[StatusYellow] + s.counts[StatusRed],
			Counts: s.counts, Stalled: s.stalled, Duplicates: s.duplicates,
		})
	}
	slices.SortFunc(out.Organizations, func(x, y OrganizationSummary) int { return strings.Compare(x.Name, y.Name) })
	serve.WriteJSON(w, http.StatusOK, out)
}
