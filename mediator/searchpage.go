package mediator

import (
	_ "embed"
	"net/http"
	"slices"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/pkg/httpauth"
	"github.com/sluicehq/sluice/pkg/serve"
)

// searchPage is the search page served at GET /: one self-contained HTML
// file (styles and script inline, no external assets), so that it works
// offline, like ARM's heartbeat page. It holds no data: everything it
// shows comes from the read endpoints, with the caller's token.
//
//go:embed ui/index.html
var searchPage []byte

func serveSearchPage(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	// The page loads nothing from elsewhere; say so to the browser too.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(searchPage)
}

// OrganizationsResponse is the body of GET /v1/organizations: the
// organizations the caller's token may read (for a token for all of them,
// those the index holds events of), for the page's selector.
type OrganizationsResponse struct {
	Organizations []string `json:"organizations"`
	// All is set when the token reads every organization, so that a
	// search without org= spans them all.
	All bool `json:"all"`
}

func (m *Mediator) handleOrganizations(w http.ResponseWriter, r *http.Request) {
	scope := httpauth.GrantFrom(r.Context()).Scope
	if !scope.All() {
		orgs := scope.Orgs()
		slices.Sort(orgs)
		serve.WriteJSON(w, http.StatusOK, OrganizationsResponse{Organizations: orgs})
		return
	}
	resp := OrganizationsResponse{Organizations: []string{}, All: true}
	if p, ok := m.index.(indexer.Pruner); ok {
		ctx, cancel := m.searchContext(r)
		defer cancel()
		orgs, err := p.Organizations(ctx)
		if err != nil {
			m.writeSearchError(w, r, err)
			return
		}
		slices.Sort(orgs)
		resp.Organizations = append(resp.Organizations, orgs...)
	}
	serve.WriteJSON(w, http.StatusOK, resp)
}
