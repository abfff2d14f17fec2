package arm

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/internal/testkit"
)

const (
	readAllToken  = "arm-read-all-token-0123456789"
	readAcmeToken = "arm-read-acme-token-0123456789"
)

// tokenARM runs an ARM with the admin token and read tokens for every
// organization and for acme, over the seeded grid.
func tokenARM(t *testing.T) (*ARM, string) {
	t.Helper()
	clock := newFakeClock(t0)
	cfg := testConfig(t, t.TempDir())
	cfg.CheckInterval = time.Hour
	cfg.AdminTokenFile = writeToken(t, testToken)
	p := filepath.Join(t.TempDir(), "read.tokens")
	if err := os.WriteFile(p, []byte(readAllToken+" *\n"+readAcmeToken+" acme\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg.ReadTokenFile = p
	a, _ := bufferedARM(t, cfg, clock)
	testkit.Run(t, a.Run)
	seedGrid(t, a, clock)
	return a, "http://" + a.HTTPAddr()
}

// call makes one request and returns its status and body.
func call(t *testing.T, method, url, token string, headers map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range headers {
		if k == "Host" {
			req.Host = v
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusUnauthorized && resp.Header.Get("WWW-Authenticate") != `Bearer realm="sluice-arm"` && !strings.Contains(resp.Header.Get("WWW-Authenticate"), "error=") {
		t.Errorf("%s %s: 401 with WWW-Authenticate %q", method, url, resp.Header.Get("WWW-Authenticate"))
	}
	return resp.StatusCode, string(b)
}

// TestReadTokensARM: with a token configured ARM's reads need one; a
// token for acme sees acme's agents only, whatever ?organization= says;
// the write endpoint takes the admin token from ARM's own origin only.
func TestReadTokensARM(t *testing.T) {
	a, base := tokenARM(t)
	port := a.HTTPAddr()[strings.LastIndex(a.HTTPAddr(), ":")+1:]
	for _, tc := range []struct {
		name, method, path, token string
		headers                   map[string]string
		code                      int
		want, not                 []string
	}{
		{name: "page", path: "/", code: 200, want: []string{"Sluice ARM"}},
		{name: "grid without token", path: "/v1/heartbeats", code: 401},
		{name: "component without token", path: "/v1/heartbeats/web-01", code: 401},
		{name: "status without token", path: "/v1/status", code: 401},
		{name: "token in the URL", path: "/v1/heartbeats?access_token=" + readAllToken, code: 400},
		{name: "grid, every organization", path: "/v1/heartbeats", token: readAllToken, code: 200, want: []string{`"web-01"`, `"db-01"`, `"dp-02"`}},
		{name: "grid, admin token", path: "/v1/heartbeats", token: testToken, code: 200, want: []string{`"db-01"`}},
		{name: "grid, acme", path: "/v1/heartbeats", token: readAcmeToken, code: 200, want: []string{`"web-01"`, `"app-01"`}, not: []string{`"db-01"`, `"dp-02"`, `"globex"`, `"kind":"mediator"`}},
		{name: "grid, acme asks for globex", path: "/v1/heartbeats?organization=globex", token: readAcmeToken, code: 403},
		{name: "grid, acme asks for acme", path: "/v1/heartbeats?organization=acme", token: readAcmeToken, code: 200, want: []string{`"web-01"`}, not: []string{`"db-01"`}},
		{name: "acme reads its agent", path: "/v1/heartbeats/web-01", token: readAcmeToken, code: 200, want: []string{`"history"`}},
		{name: "acme reads globex's agent", path: "/v1/heartbeats/db-01", token: readAcmeToken, code: 404, not: []string{"globex"}},
		{name: "acme reads a mediator", path: "/v1/heartbeats/dp-02", token: readAcmeToken, code: 404},
		{name: "acme status", path: "/v1/status", token: readAcmeToken, code: 200},
		{name: "forget with a read token", method: "DELETE", path: "/v1/heartbeats/db-01", token: readAllToken, code: 403},
		{name: "forget from evil origin", method: "DELETE", path: "/v1/heartbeats/db-01", token: testToken, headers: map[string]string{"Origin": "http://evil.example"}, code: 403},
		{name: "forget cross-site", method: "DELETE", path: "/v1/heartbeats/db-01", token: testToken, headers: map[string]string{"Sec-Fetch-Site": "cross-site"}, code: 403},
		{name: "rebound page", path: "/", headers: map[string]string{"Host": "evil.example:" + port}, code: 421},
		{name: "rebound grid", path: "/v1/heartbeats", token: readAllToken, headers: map[string]string{"Host": "evil.example:" + port}, code: 421},
		{name: "forget from own origin", method: "DELETE", path: "/v1/heartbeats/db-01", token: testToken, headers: map[string]string{"Origin": base}, code: 204},
	} {
		method := tc.method
		if method == "" {
			method = http.MethodGet
		}
		code, body := call(t, method, base+tc.path, tc.token, tc.headers)
		if code != tc.code {
			t.Errorf("%s: %s %s → %d %s, want %d", tc.name, method, tc.path, code, body, tc.code)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: no %s in %s", tc.name, w, body)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(body, n) {
				t.Errorf("%s: %s in %s", tc.name, n, body)
			}
		}
	}

	// The client sends its token with reads.
	c := NewClient(a.HTTPAddr())
	if _, err := c.List(t.Context(), Filter{}); err == nil || !strings.Contains(err.Error(), "missing or wrong bearer token") {
		t.Fatalf("List without token: %v", err)
	}
	c.Token = readAcmeToken
	l, err := c.List(t.Context(), Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, comp := range l.Heartbeats {
		if comp.Organization != "acme" || comp.Kind != KindAgent {
			t.Fatalf("acme's token listed %s %s of %q", comp.Kind, comp.ID, comp.Organization)
		}
	}
	if len(l.Heartbeats) != 3 || l.Counts[StatusRed]+l.Counts[StatusYellow]+l.Counts[StatusGreen] != 3 {
		t.Fatalf("acme's grid: %+v", l)
	}
}

// TestParseConfigAccess: read_token_file and http_hosts mistakes fail at
// load with file:line:col.
func TestParseConfigAccess(t *testing.T) {
	cfg, err := ParseConfig([]byte("arm {\n  read_token_file = \"/etc/sluice/arm-read.tokens\"\n  http_hosts = [\"arm.example.net\"]\n}\n"), "arm.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ReadTokenFile != "/etc/sluice/arm-read.tokens" || len(cfg.HTTPHosts) != 1 || cfg.HTTPHosts[0] != "arm.example.net" {
		t.Fatalf("cfg %+v", cfg)
	}
	for _, tc := range []struct{ src, want string }{
		{"arm {\n  read_token_file = \"\"\n}\n", "arm.hcl:2:3: read_token_file must not be empty"},
		{"arm {\n  admin_token_file = \" \"\n}\n", "arm.hcl:2:3: admin_token_file must not be empty"},
		{"arm {\n  http_hosts = [\"arm.example.net:7580\"]\n}\n", `arm.hcl:2:3: http_hosts: "arm.example.net:7580" is not a host name`},
		{"arm {\n  http_hosts = [\"https://arm.example.net\"]\n}\n", `arm.hcl:2:3: http_hosts: "https://arm.example.net"`},
	} {
		if _, err := ParseConfig([]byte(tc.src), "arm.hcl"); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want %q", tc.src, err, tc.want)
		}
	}
	// A bad read token file stops the start, naming the file and line.
	c := testConfig(t, t.TempDir())
	c.ReadTokenFile = writeToken(t, readAllToken+" acme,*")
	if _, err := New(c, Deps{}); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("read_token_file: bad token file: %s line 1", c.ReadTokenFile)) {
		t.Fatalf("New: %v", err)
	}
}
