package mediator

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/httpauth"
	"github.com/sluicehq/sluice/pkg/queue"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

const (
	apiAdminTok  = "mediator-admin-token-0123456789"
	apiAllTok    = "mediator-read-all-0123456789"
	apiAcmeTok   = "mediator-read-acme-0123456789"
	apiTwoOrgTok = "mediator-read-two-0123456789"
)

func writeTokenFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "tokens")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// tokenMediator runs a mediator on 127.0.0.1:0 with an admin token and
// read tokens (all organizations; acme; acme and globex) plus extra
// config lines, and indexes two events of acme and one of globex.
func tokenMediator(t *testing.T, extra string) (*Mediator, *logBuffer) {
	t.Helper()
	admin := writeTokenFile(t, apiAdminTok+"\n")
	read := writeTokenFile(t, "# tenants\n"+apiAllTok+" *\n"+apiAcmeTok+" acme\n"+apiTwoOrgTok+" acme,globex\n")
	cfg, err := ParseConfig([]byte(fmt.Sprintf("mediator {\n listen = \"127.0.0.1:0\"\n http = \"127.0.0.1:0\"\n data_dir = %q\n admin_token_file = %q\n read_token_file = %q\n %s\n}\n",
		t.TempDir(), admin, read, extra)), "m.hcl")
	if err != nil {
		t.Fatal(err)
	}
	logs := &logBuffer{}
	m := startWithLogs(t, cfg, logs)
	now := time.Now().UTC()
	var events []*event.Event
	for i, org := range []string{"acme", "acme", "globex"} {
		events = append(events, &event.Event{ID: fmt.Sprintf("ev-%d", i), Organization: org, Timestamp: now, Message: "secret of " + org})
	}
	if err := m.Index().Write(context.Background(), events); err != nil {
		t.Fatal(err)
	}
	for _, a := range []struct{ org, id string }{{"acme", "web-01"}, {"globex", "db-01"}} {
		if _, err := m.accept.decide(a.org, a.id, StateAccepted); err != nil {
			t.Fatal(err)
		}
	}
	return m, logs
}

type apiCall struct {
	name    string
	method  string
	path    string
	token   string
	headers map[string]string
	code    int
	want    string // a part of the body
	not     string // must not be in the body
}

func (c apiCall) run(t *testing.T, base string) string {
	t.Helper()
	method := c.method
	if method == "" {
		method = http.MethodGet
	}
	req, err := http.NewRequest(method, base+c.path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range c.headers {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	body := string(b)
	if resp.StatusCode != c.code || !strings.Contains(body, c.want) || c.not != "" && strings.Contains(body, c.not) {
		t.Errorf("%s: %s %s → %d %s\nwant %d with %q without %q", c.name, method, c.path, resp.StatusCode, body, c.code, c.want, c.not)
	}
	if resp.StatusCode == http.StatusUnauthorized && resp.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("%s: 401 without WWW-Authenticate", c.name)
	}
	return body
}

// TestReadsNeedTokens: once a token file is configured every read needs a
// token, from loopback too; a scoped token only ever sees its
// organizations whatever org= says; admin endpoints take the admin token
// only, and never from another origin.
func TestReadsNeedTokens(t *testing.T) {
	m, logs := tokenMediator(t, "")
	base := "http://" + m.HTTPAddr()
	for _, c := range []apiCall{
		// Without a token, every read is refused.
		{name: "search without token", path: "/v1/search?q=*", code: 401, want: "missing or wrong bearer token"},
		{name: "count without token", path: "/v1/count?q=*", code: 401},
		{name: "dead letters without token", path: "/v1/deadletter", code: 401},
		{name: "agents without token", path: "/v1/agents", code: 401},
		{name: "status without token", path: "/v1/status", code: 401},
		{name: "rule stats without token", path: "/v1/rules/stats", code: 401},
		{name: "wrong token", path: "/v1/search?q=*", token: "not-a-token-0123456789abc", code: 401},
		{name: "token in the URL", path: "/v1/search?q=*&access_token=" + apiAllTok, code: 400, want: "never in a URL"},
		// Probes stay open: they carry no events.
		{name: "healthz", path: "/healthz", code: 200},
		{name: "readyz", path: "/readyz", code: 200},

		// A token for every organization, and the admin token, read all.
		{name: "read-all search", path: "/v1/search?q=*", token: apiAllTok, code: 200, want: "secret of globex"},
		{name: "read-all count", path: "/v1/count?q=*", token: apiAllTok, code: 200, want: `"count":3`},
		{name: "admin search", path: "/v1/search?q=*", token: apiAdminTok, code: 200, want: "secret of globex"},
		{name: "read-all agents", path: "/v1/agents", token: apiAllTok, code: 200, want: "db-01"},
		{name: "read-all rule stats", path: "/v1/rules/stats", token: apiAllTok, code: 200},

		// A token for acme sees acme, whatever org= says.
		{name: "acme search", path: "/v1/search?q=*", token: apiAcmeTok, code: 200, want: "secret of acme", not: "globex"},
		{name: "acme count", path: "/v1/count?q=*", token: apiAcmeTok, code: 200, want: `"count":2`},
		{name: "acme search org=acme", path: "/v1/search?q=*&org=acme", token: apiAcmeTok, code: 200, want: "secret of acme", not: "globex"},
		{name: "acme search org=globex", path: "/v1/search?q=*&org=globex", token: apiAcmeTok, code: 403, want: `may not read organization \"globex\"`},
		{name: "acme count org=globex", path: "/v1/count?q=*&org=globex", token: apiAcmeTok, code: 403},
		{name: "acme search org= twice", path: "/v1/search?q=*&org=acme&org=globex", token: apiAcmeTok, code: 200, not: "globex"},
		{name: "acme search org=* ", path: "/v1/search?q=*&org=*", token: apiAcmeTok, code: 403},
		{name: "acme search org=ACME", path: "/v1/search?q=*&org=ACME", token: apiAcmeTok, code: 403},
		{name: "acme search query names globex", path: "/v1/search?q=organization.id:globex", token: apiAcmeTok, code: 200, not: "secret of globex"},
		{name: "acme agents", path: "/v1/agents", token: apiAcmeTok, code: 200, want: "web-01", not: "db-01"},
		{name: "acme rule stats", path: "/v1/rules/stats", token: apiAcmeTok, code: 403, want: "every organization"},
		{name: "acme status", path: "/v1/status", token: apiAcmeTok, code: 200, want: `"id":`},
		{name: "acme dead letters", path: "/v1/deadletter", token: apiAcmeTok, code: 200},

		// A token for two organizations names one of them.
		{name: "two-org search without org=", path: "/v1/search?q=*", token: apiTwoOrgTok, code: 400, want: "say which with org="},
		{name: "two-org search org=globex", path: "/v1/search?q=*&org=globex", token: apiTwoOrgTok, code: 200, want: "secret of globex", not: "secret of acme"},
		{name: "two-org search org=initech", path: "/v1/search?q=*&org=initech", token: apiTwoOrgTok, code: 403},

		// Admin endpoints: the admin token, from this origin only.
		{name: "reload without token", method: "POST", path: "/v1/rules/reload", code: 401},
		{name: "reload with a read token", method: "POST", path: "/v1/rules/reload", token: apiAllTok, code: 403, want: "may read, not administer"},
		{name: "config reload without token", method: "POST", path: "/v1/config/reload", code: 401},
		{name: "config reload with a read token", method: "POST", path: "/v1/config/reload", token: apiAllTok, code: 403, want: "may read, not administer"},
		{name: "config reload from evil origin", method: "POST", path: "/v1/config/reload", token: apiAdminTok, headers: map[string]string{"Origin": "http://evil.example"}, code: 403},
		{name: "config reload of a mediator not started from a file", method: "POST", path: "/v1/config/reload", token: apiAdminTok, code: 422, want: "not started from a configuration file"},
		{name: "archive replay without token", method: "POST", path: "/v1/archive/replay", code: 401},
		{name: "archive replay with a read token", method: "POST", path: "/v1/archive/replay", token: apiAllTok, code: 403, want: "may read, not administer"},
		{name: "index prune without token", method: "POST", path: "/v1/index/prune?before=2026-01-01", code: 401},
		{name: "index prune with a read token", method: "POST", path: "/v1/index/prune?before=2026-01-01", token: apiAllTok, code: 403, want: "may read, not administer"},
		{name: "index prune from evil origin", method: "POST", path: "/v1/index/prune?before=2026-01-01", token: apiAdminTok, headers: map[string]string{"Origin": "http://evil.example"}, code: 403},
		{name: "accept with a scoped token", method: "POST", path: "/v1/agents/x-01/accept?org=acme", token: apiAcmeTok, code: 403},
		{name: "reload from evil origin", method: "POST", path: "/v1/rules/reload", token: apiAdminTok, headers: map[string]string{"Origin": "http://evil.example"}, code: 403},
		{name: "accept from evil origin", method: "POST", path: "/v1/agents/x-01/accept", token: apiAdminTok, headers: map[string]string{"Origin": "http://evil.example"}, code: 403},
		{name: "replay from evil origin", method: "POST", path: "/v1/deadletter/replay", token: apiAdminTok, headers: map[string]string{"Origin": "http://evil.example"}, code: 403},
		{name: "reject as a form", method: "POST", path: "/v1/agents/x-01/reject", token: apiAdminTok, headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, code: 415},
		{name: "reload", method: "POST", path: "/v1/rules/reload", token: apiAdminTok, code: 200},
		{name: "reload from own origin", method: "POST", path: "/v1/rules/reload", token: apiAdminTok, headers: map[string]string{"Origin": base}, code: 200},

		// DNS rebinding: another name for this address is refused.
		{name: "rebound search", path: "/v1/search?q=*", token: apiAllTok, headers: map[string]string{"Host": "evil.example:" + strings.Split(m.HTTPAddr(), ":")[1]}, code: 421, want: "http_hosts"},
		{name: "localhost search", path: "/v1/search?q=*", token: apiAllTok, headers: map[string]string{"Host": "localhost:" + strings.Split(m.HTTPAddr(), ":")[1]}, code: 200},
	} {
		c.run(t, base)
	}
	if _, ok := m.accept.cache[agentKey("acme", "x-01")]; ok {
		t.Fatal("a refused accept was applied")
	}
	for _, tok := range []string{apiAdminTok, apiAllTok, apiAcmeTok, apiTwoOrgTok} {
		if strings.Contains(logs.String(), tok[:16]) {
			t.Fatalf("a token is in the log:\n%s", logs.String())
		}
	}
	logs.waitLog(t, "read request refused: bad or missing bearer token", "path=/v1/search")
}

// TestHTTPHosts: a name in http_hosts is served; without it, refused.
func TestHTTPHosts(t *testing.T) {
	m, _ := tokenMediator(t, `http_hosts = ["sluice.example.net"]`)
	base := "http://" + m.HTTPAddr()
	for _, c := range []apiCall{
		{name: "listed name", path: "/v1/count?q=*", token: apiAllTok, headers: map[string]string{"Host": "sluice.example.net"}, code: 200},
		{name: "listed name, upper case, port", path: "/healthz", headers: map[string]string{"Host": "SLUICE.example.net:443"}, code: 200},
		{name: "unlisted name", path: "/healthz", headers: map[string]string{"Host": "other.example.net"}, code: 421},
	} {
		c.run(t, base)
	}
}

// TestNetworkAPIWithoutTokens: a mediator whose API is on a network
// address with no token file answers loopback callers only, reads
// included (they used to be open to the network), and says so at start.
func TestNetworkAPIWithoutTokens(t *testing.T) {
	cfg, err := ParseConfig([]byte(fmt.Sprintf("mediator {\n listen = \"127.0.0.1:0\"\n http = \"0.0.0.0:0\"\n data_dir = %q\n}\n", t.TempDir())), "m.hcl")
	if err != nil {
		t.Fatal(err)
	}
	logs := &logBuffer{}
	m := startWithLogs(t, cfg, logs)
	logs.waitLog(t, "no read_token_file or admin_token_file: the API answers loopback callers only")
	h := m.routes()
	for _, tc := range []struct {
		method, path, remote string
		want                 int
	}{
		{"GET", "/v1/search?q=*", "192.0.2.10:40000", http.StatusForbidden},
		{"GET", "/v1/deadletter", "[2001:db8::1]:40000", http.StatusForbidden},
		{"GET", "/v1/status", "192.0.2.10:40000", http.StatusForbidden},
		{"POST", "/v1/rules/reload", "192.0.2.10:40000", http.StatusForbidden},
		{"GET", "/healthz", "192.0.2.10:40000", http.StatusOK},
		{"GET", "/v1/search?q=*", "127.0.0.1:40000", http.StatusOK},
		{"GET", "/v1/status", "[::1]:40000", http.StatusOK},
	} {
		req := httptest.NewRequest(tc.method, tc.path, nil)
		req.Host, req.RemoteAddr = "10.0.0.5:7480", tc.remote
		req = req.WithContext(context.WithValue(req.Context(), http.LocalAddrContextKey, &netAddr{"10.0.0.5:7480"}))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Errorf("%s %s from %s: %d %s, want %d", tc.method, tc.path, tc.remote, rec.Code, rec.Body, tc.want)
		}
	}
	logs.waitLog(t, "read request refused: no token is configured, and the caller is not on loopback", "remote=192.0.2.10:40000")
}

// netAddr is a net.Addr given as text.
type netAddr struct{ s string }

func (a *netAddr) Network() string { return "tcp" }
func (a *netAddr) String() string  { return a.s }

// TestStatusHidesPathsFromUnauthenticated: a loopback caller of a
// mediator without tokens reads /v1/status and /readyz without the
// absolute paths in them (here the data directory, named by the
// suspense reason); a token for every organization sees them.
func TestStatusHidesPathsFromUnauthenticated(t *testing.T) {
	for _, withToken := range []bool{false, true} {
		t.Run(fmt.Sprintf("token=%v", withToken), func(t *testing.T) {
			dataDir := t.TempDir()
			extra := ""
			if withToken {
				extra = fmt.Sprintf("read_token_file = %q", writeTokenFile(t, apiAllTok))
			}
			// No disk has this much free: the mediator enters suspense,
			// and its reason names the data directory.
			cfg, err := ParseConfig([]byte(fmt.Sprintf("mediator {\n listen = \"127.0.0.1:0\"\n http = \"127.0.0.1:0\"\n data_dir = %q\n suspense_min_free = \"1000000GiB\"\n %s\n}\n", dataDir, extra)), "m.hcl")
			if err != nil {
				t.Fatal(err)
			}
			m := startWithLogs(t, cfg, &logBuffer{})
			deadline := time.Now().Add(10 * time.Second)
			for !strings.Contains(m.Status().Suspense, dataDir) {
				if time.Now().After(deadline) {
					t.Fatalf("no suspense naming %s: %+v", dataDir, m.Status())
				}
				time.Sleep(20 * time.Millisecond)
			}
			base := "http://" + m.HTTPAddr()
			tok := ""
			if withToken {
				tok = apiAllTok
			}
			var st StatusResponse
			if err := json.Unmarshal([]byte(apiCall{name: "status", path: "/v1/status", token: tok, code: 200}.run(t, base)), &st); err != nil {
				t.Fatal(err)
			}
			if withToken != strings.Contains(st.Suspense, dataDir) || !strings.Contains(st.Suspense, "/"+filepath.Base(dataDir)) {
				t.Fatalf("status suspense %q (data dir %s, token %v)", st.Suspense, dataDir, withToken)
			}
			ready := apiCall{name: "readyz", path: "/readyz", code: 503, want: "…/" + filepath.Base(dataDir)}.run(t, base)
			if strings.Contains(ready, dataDir) {
				t.Fatalf("readyz shows the data directory: %s", ready)
			}
		})
	}
}

func TestRedactPaths(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"no path here", "no path here"},
		{"/etc/sluice/rules/bad.hcl:3:7: unknown tag", "…/bad.hcl:3:7: unknown tag"},
		{"free disk 10 MiB in /var/lib/sluice/mediator under suspense_min_free 512 MiB", "free disk 10 MiB in …/mediator under suspense_min_free 512 MiB"},
		{`open "/var/lib/x/2026-01-01.db": permission denied`, `open "…/2026-01-01.db": permission denied`},
		{"file=/a/b/c, other=/d/e", "file=…/c, other=…/e"},
		{"(/tmp/x)", "(…/x)"},
		{"10 MiB/s and a/b/c relative", "10 MiB/s and a/b/c relative"},
		{"http://es.example:9200/_bulk failed", "http://es.example:9200/_bulk failed"},
	} {
		if got := redactPaths(tc.in); got != tc.want {
			t.Errorf("redactPaths(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	st := StatusResponse{RulesError: "/r/x.hcl:1:1: bad", Pipeline: PipelineState{Organizations: map[string]int{"acme": 1, "globex": 2}, Parked: []string{"globex"}}}
	if got := statusFor(st, httpauth.Grant{Token: true, Scope: httpauth.AllOrganizations()}); got.RulesError != st.RulesError || len(got.Pipeline.Organizations) != 2 {
		t.Errorf("a full grant sees %+v", got)
	}
	got := statusFor(st, httpauth.Grant{Token: true, Scope: httpauth.Organizations("acme")})
	if got.RulesError != "…/x.hcl:1:1: bad" || len(got.Pipeline.Organizations) != 1 || got.Pipeline.Organizations["acme"] != 1 || len(got.Pipeline.Parked) != 0 {
		t.Errorf("a scoped grant sees %+v", got)
	}
}

// TestDeadLetterListing: a listing is bounded, and keeps to the caller's
// organizations.
func TestDeadLetterListing(t *testing.T) {
	q, err := queue.Open(queue.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	d := &deadLetters{q: q}
	t.Cleanup(func() { _ = d.close() })
	var entries [][]byte
	var reasons []string
	for i := range 30 {
		org := "acme"
		if i%3 != 0 {
			org = "globex"
		}
		b, err := proto.Marshal(&sluicev1.StoredEntry{AgentId: "a", Organization: org, Entry: &sluicev1.LogEntry{Seq: uint64(i + 1), Raw: []byte(org)}})
		if err != nil {
			t.Fatal(err)
		}
		entries, reasons = append(entries, b), append(reasons, "refused")
	}
	if err := d.add(entries, reasons, time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		limit int
		scope httpauth.Scope
		want  int
	}{
		{1000, httpauth.AllOrganizations(), 30},
		{5, httpauth.AllOrganizations(), 5},
		{1000, httpauth.Organizations("acme"), 10},
		{4, httpauth.Organizations("acme"), 4},
		{1000, httpauth.Organizations("initech"), 0},
		{1000, httpauth.Scope{}, 0},
	} {
		list, err := d.list(tc.limit, tc.scope.Allows)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != tc.want {
			t.Errorf("limit %d scope %q: %d dead letters, want %d", tc.limit, tc.scope, len(list), tc.want)
		}
		for _, dl := range list {
			if !tc.scope.Allows(dl.Organization) {
				t.Errorf("scope %q listed one of %s", tc.scope, dl.Organization)
			}
		}
	}

	m, _ := tokenMediator(t, "")
	base := "http://" + m.HTTPAddr()
	for _, c := range []apiCall{
		{name: "limit at the bound", path: fmt.Sprintf("/v1/deadletter?limit=%d", maxDeadLetterLimit), token: apiAllTok, code: 200},
		{name: "limit over the bound", path: fmt.Sprintf("/v1/deadletter?limit=%d", maxDeadLetterLimit+1), token: apiAllTok, code: 400, want: "between 1 and 10000"},
		{name: "huge limit", path: "/v1/deadletter?limit=9223372036854775807", token: apiAllTok, code: 400},
		{name: "zero limit", path: "/v1/deadletter?limit=0", token: apiAllTok, code: 400},
	} {
		c.run(t, base)
	}
}

// TestParseConfigAccess: the API's token files and names are read with
// file:line:col diagnostics.
func TestParseConfigAccess(t *testing.T) {
	cfg, err := ParseConfig([]byte("mediator {\n  admin_token_file = \"/etc/sluice/admin.token\"\n  read_token_file = \"/etc/sluice/read.tokens\"\n  http_hosts = [\"sluice.example.net\", \"10.0.0.5\", \"::1\"]\n}\n"), "m.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.AdminTokenFile != "/etc/sluice/admin.token" || cfg.ReadTokenFile != "/etc/sluice/read.tokens" || len(cfg.HTTPHosts) != 3 {
		t.Fatalf("cfg %+v", cfg)
	}
	for _, tc := range []struct{ name, src, want string }{
		{"empty admin_token_file", "mediator {\n  admin_token_file = \"\"\n}\n", "m.hcl:2:3: admin_token_file must not be empty"},
		{"blank read_token_file", "mediator {\n  read_token_file = \"  \"\n}\n", "m.hcl:2:3: read_token_file must not be empty"},
		{"URL in http_hosts", "mediator {\n\n  http_hosts = [\"https://sluice.example.net\"]\n}\n", `m.hcl:3:3: http_hosts: "https://sluice.example.net" is not a host name`},
		{"port in http_hosts", "mediator {\n  http_hosts = [\"sluice.example.net:7480\"]\n}\n", `m.hcl:2:3: http_hosts: "sluice.example.net:7480"`},
		{"http_hosts not a list", "mediator {\n  http_hosts = \"sluice.example.net\"\n}\n", "m.hcl:2:17: Unsuitable value type"},
	} {
		if _, err := ParseConfig([]byte(tc.src), "m.hcl"); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
}
