package arm

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/internal/testkit"
)

// readInitechToken reads an organization that has no agents yet.
const readInitechToken = "arm-read-initech-token-0123456789"

// orgARM runs an ARM over the seeded grid (acme: web-01 red, app-01 and
// the agent dp-01 green; globex: db-01 yellow; mediators dp-01 green,
// dp-02 red) with the admin token and read tokens for every
// organization, for acme, and for initech.
func orgARM(t *testing.T) string {
	t.Helper()
	clock := newFakeClock(t0)
	cfg := testConfig(t, t.TempDir())
	cfg.CheckInterval = time.Hour
	cfg.AdminTokenFile = writeToken(t, testToken)
	p := filepath.Join(t.TempDir(), "read.tokens")
	tokens := readAllToken + " *\n" + readAcmeToken + " acme\n" + readInitechToken + " initech\n"
	if err := os.WriteFile(p, []byte(tokens), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg.ReadTokenFile = p
	a, _ := bufferedARM(t, cfg, clock)
	testkit.Run(t, a.Run)
	seedGrid(t, a, clock)
	return "http://" + a.HTTPAddr()
}

// countsString renders counts per status as "r1 y0 g2".
func countsString(c map[Status]int) string {
	return fmt.Sprintf("r%d y%d g%d", c[StatusRed], c[StatusYellow], c[StatusGreen])
}

// TestOrganizationViews: the grid, ARM's status and the organizations
// list answer each token and ?organization= consistently: the admin and
// a read token for every organization see what they select; a token
// limited to acme sees acme's agents, no mediator, and is refused any
// other organization rather than shown an empty one.
func TestOrganizationViews(t *testing.T) {
	base := orgARM(t)
	const (
		all     = "a:app-01 a:db-01 a:dp-01 a:web-01 m:dp-01 m:dp-02 | r2 y1 g3"
		acme    = "a:app-01 a:dp-01 a:web-01 | r1 y0 g2"
		globex  = "a:db-01 | r0 y1 g0"
		none    = " | r0 y0 g0"
		orgsAll = "all acme:3(r1 y0 g2) globex:1(r0 y1 g0)"
	)
	for _, tc := range []struct {
		name, token, org string
		code             int
		// grid is the components listed (sorted) and the counts, which
		// /v1/status must agree with; orgs is /v1/organizations.
		grid, orgs string
	}{
		{name: "no token", code: 401},
		{name: "no token, acme", org: "acme", code: 401},
		{name: "admin", token: testToken, code: 200, grid: all, orgs: orgsAll},
		{name: "admin, acme", token: testToken, org: "acme", code: 200, grid: acme},
		{name: "admin, globex", token: testToken, org: "globex", code: 200, grid: globex},
		{name: "admin, unknown organization", token: testToken, org: "nobody", code: 200, grid: none},
		{name: "admin, the mediators' default organization", token: testToken, org: defaultOrganization, code: 200, grid: none},
		{name: "read all", token: readAllToken, code: 200, grid: all, orgs: orgsAll},
		{name: "read all, acme", token: readAllToken, org: "acme", code: 200, grid: acme},
		{name: "read all, globex", token: readAllToken, org: "globex", code: 200, grid: globex},
		{name: "acme", token: readAcmeToken, code: 200, grid: acme, orgs: "limited acme:3(r1 y0 g2)"},
		{name: "acme, acme", token: readAcmeToken, org: "acme", code: 200, grid: acme},
		{name: "acme, globex", token: readAcmeToken, org: "globex", code: 403},
		{name: "acme, unknown organization", token: readAcmeToken, org: "nobody", code: 403},
		{name: "initech, no agents yet", token: readInitechToken, code: 200, grid: none, orgs: "limited initech:0(r0 y0 g0)"},
		{name: "initech, acme", token: readInitechToken, org: "acme", code: 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := ""
			if tc.org != "" {
				q = "?organization=" + tc.org
			}
			code, body := call(t, http.MethodGet, base+"/v1/heartbeats"+q, tc.token, nil)
			if code != tc.code {
				t.Fatalf("heartbeats: %d %s, want %d", code, body, tc.code)
			}
			scode, sbody := call(t, http.MethodGet, base+"/v1/status"+q, tc.token, nil)
			if scode != tc.code {
				t.Fatalf("status: %d %s, want %d", scode, sbody, tc.code)
			}
			if code != http.StatusOK {
				if code == http.StatusForbidden && !strings.Contains(body, tc.org) {
					t.Errorf("refusal does not name %q: %s", tc.org, body)
				}
				return
			}
			var l ListResponse
			if err := json.Unmarshal([]byte(body), &l); err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, c := range l.Heartbeats {
				ids = append(ids, c.Kind.short()+":"+c.ID)
			}
			slices.Sort(ids)
			if got := strings.Join(ids, " ") + " | " + countsString(l.Counts); got != tc.grid {
				t.Errorf("heartbeats:\n got %s\nwant %s", got, tc.grid)
			}

			var st StatusResponse
			if err := json.Unmarshal([]byte(sbody), &st); err != nil {
				t.Fatal(err)
			}
			if st.Components != len(l.Heartbeats) || countsString(st.Counts) != countsString(l.Counts) {
				t.Errorf("status: %d components %s, the grid %d %s", st.Components, countsString(st.Counts), len(l.Heartbeats), countsString(l.Counts))
			}

			if tc.orgs == "" {
				return
			}
			code, body = call(t, http.MethodGet, base+"/v1/organizations", tc.token, nil)
			if code != http.StatusOK {
				t.Fatalf("organizations: %d %s", code, body)
			}
			var o OrganizationsResponse
			if err := json.Unmarshal([]byte(body), &o); err != nil {
				t.Fatal(err)
			}
			got := "limited"
			if o.AllOrganizations {
				got = "all"
			}
			for _, s := range o.Organizations {
				got += fmt.Sprintf(" %s:%d(%s)", s.Name, s.Agents, countsString(s.Counts))
			}
			if got != tc.orgs {
				t.Errorf("organizations:\n got %s\nwant %s", got, tc.orgs)
			}
		})
	}
	if code, body := call(t, http.MethodGet, base+"/v1/organizations", "", nil); code != http.StatusUnauthorized {
		t.Errorf("organizations without a token: %d %s", code, body)
	}
}

// TestClientOrganizations: the client reads the organizations its token
// may see.
func TestClientOrganizations(t *testing.T) {
	base := orgARM(t)
	c := NewClient(base)
	c.Token = readAcmeToken
	o, err := c.Organizations(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if o.AllOrganizations || len(o.Organizations) != 1 || o.Organizations[0].Name != "acme" || o.Organizations[0].Agents != 3 {
		t.Fatalf("acme's organizations: %+v", o)
	}
	c.Token = ""
	if _, err := c.Organizations(t.Context()); err == nil {
		t.Fatal("no error without a token")
	}
}
