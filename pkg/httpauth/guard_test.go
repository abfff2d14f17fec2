package httpauth

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/pkg/logging"
)

// writeFile writes a token file with mode and returns its path.
func writeFile(t *testing.T, name, content string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil { // past the umask
		t.Fatal(err)
	}
	return p
}

// guarded serves a read endpoint (GET /r) and an admin one (POST /a)
// behind a Guard on 127.0.0.1:0; both answer the grant they were given.
func guarded(t *testing.T, cfg Config) (*Guard, *httptest.Server, *logging.Buffer) {
	t.Helper()
	logs := &logging.Buffer{}
	cfg.Logger = hclog.New(&hclog.LoggerOptions{Output: logs, Level: hclog.Info})
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	g, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	answer := func(w http.ResponseWriter, r *http.Request) {
		gr := GrantFrom(r.Context())
		fmt.Fprintf(w, "admin=%v scope=%s token=%v", gr.Admin, gr.Scope, gr.Token)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /r", g.Read(answer))
	mux.HandleFunc("POST /a", g.Admin(answer))
	mux.HandleFunc("GET /open", answer)
	srv := httptest.NewServer(g.Handler(mux))
	t.Cleanup(srv.Close)
	return g, srv, logs
}

type call struct {
	name    string
	method  string
	path    string
	headers map[string]string
	host    string // Host header ("" = the server's address)
	code    int
	body    string // a part of the body to expect
}

func (c call) do(t *testing.T, srv *httptest.Server) {
	t.Helper()
	req, err := http.NewRequest(c.method, srv.URL+c.path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	if c.host != "" {
		req.Host = c.host
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != c.code || !strings.Contains(string(body), c.body) {
		t.Errorf("%s: %s %s → %d %s, want %d with %q", c.name, c.method, c.path, resp.StatusCode, body, c.code, c.body)
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("%s: no nosniff", c.name)
	}
	if resp.StatusCode == http.StatusUnauthorized && !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), `Bearer realm="test"`) {
		t.Errorf("%s: 401 with WWW-Authenticate %q", c.name, resp.Header.Get("WWW-Authenticate"))
	}
}

func bearer(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }

// TestGuardWithTokens: once a token is configured, reads need one (from
// loopback too), a scoped token carries its scope, only the admin token
// administers, and malformed or misplaced credentials are refused.
func TestGuardWithTokens(t *testing.T) {
	_, srv, logs := guarded(t, Config{
		Realm:          "test",
		AdminTokenFile: writeFile(t, "admin", adminTok+"\n", 0o600),
		ReadTokenFile:  writeFile(t, "read", readTok+"\n"+scopedTok+" acme,globex\n", 0o600),
	})
	for _, c := range []call{
		{name: "read without token", method: "GET", path: "/r", code: 401, body: "missing or wrong bearer token"},
		{name: "read token", method: "GET", path: "/r", headers: bearer(readTok), code: 200, body: "admin=false scope=* token=true"},
		{name: "scoped token", method: "GET", path: "/r", headers: bearer(scopedTok), code: 200, body: "scope=acme,globex token=true"},
		{name: "admin token reads", method: "GET", path: "/r", headers: bearer(adminTok), code: 200, body: "admin=true scope=*"},
		{name: "lower-case bearer", method: "GET", path: "/r", headers: map[string]string{"Authorization": "bearer " + readTok}, code: 200},
		{name: "upper-case bearer", method: "GET", path: "/r", headers: map[string]string{"Authorization": "BEARER " + readTok}, code: 200},
		{name: "empty token", method: "GET", path: "/r", headers: map[string]string{"Authorization": "Bearer "}, code: 401},
		{name: "whitespace token", method: "GET", path: "/r", headers: map[string]string{"Authorization": "Bearer     "}, code: 401},
		{name: "wrong token", method: "GET", path: "/r", headers: bearer("wrong-token-0123456789abcdef"), code: 401},
		{name: "token prefix", method: "GET", path: "/r", headers: bearer(readTok[:20]), code: 401},
		{name: "basic", method: "GET", path: "/r", headers: map[string]string{"Authorization": "Basic " + readTok}, code: 401},
		{name: "no scheme", method: "GET", path: "/r", headers: map[string]string{"Authorization": readTok}, code: 401},
		{name: "token in the query", method: "GET", path: "/r?access_token=" + readTok, code: 400, body: "never in a URL"},
		{name: "token= in the query", method: "GET", path: "/r?token=" + readTok, code: 400},
		{name: "token in the query beside a header", method: "GET", path: "/r?Access_Token=x", headers: bearer(readTok), code: 400},
		{name: "unguarded endpoint", method: "GET", path: "/open", code: 200, body: "scope= token=false"},
		{name: "admin without token", method: "POST", path: "/a", code: 401},
		{name: "admin with read token", method: "POST", path: "/a", headers: bearer(readTok), code: 403, body: "may read, not administer"},
		{name: "admin with scoped token", method: "POST", path: "/a", headers: bearer(scopedTok), code: 403},
		{name: "admin", method: "POST", path: "/a", headers: bearer(adminTok), code: 200, body: "admin=true"},
	} {
		c.do(t, srv)
	}
	out := logs.String()
	for _, tok := range []string{adminTok, readTok, scopedTok, "wrong-token-0123"} {
		if strings.Contains(out, tok[:12]) {
			t.Fatalf("a token is in the log:\n%s", out)
		}
	}
}

// TestGuardWithoutTokens: with no token configured, reads and admin
// endpoints answer callers on loopback only.
func TestGuardWithoutTokens(t *testing.T) {
	g, srv, _ := guarded(t, Config{Realm: "test"})
	for _, c := range []call{
		{name: "read from loopback", method: "GET", path: "/r", code: 200, body: "admin=false scope=* token=false"},
		{name: "admin from loopback", method: "POST", path: "/a", code: 200, body: "admin=true scope=* token=false"},
		// A token sent to a server that has none is not an error.
		{name: "read with a token", method: "GET", path: "/r", headers: bearer(readTok), code: 200},
	} {
		c.do(t, srv)
	}
	h := g.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.Read(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })(w, r)
	}))
	for _, tc := range []struct {
		remote string
		want   int
	}{
		{"127.0.0.1:40000", http.StatusOK},
		{"[::1]:40000", http.StatusOK},
		{"192.0.2.10:40000", http.StatusForbidden},
		{"[2001:db8::1]:40000", http.StatusForbidden},
		{"garbage", http.StatusForbidden},
	} {
		req := httptest.NewRequest(http.MethodGet, "/r", nil)
		req.Host, req.RemoteAddr = "127.0.0.1:7480", tc.remote
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Errorf("read from %s: %d %s, want %d", tc.remote, rec.Code, rec.Body, tc.want)
		}
	}
}

// TestGuardCrossOrigin: a state-changing request from another origin, a
// browser's cross-site request, and a non-JSON body are refused whatever
// the token; the API's own origin, and no Origin at all (CLI), pass.
func TestGuardCrossOrigin(t *testing.T) {
	_, srv, logs := guarded(t, Config{Realm: "test", AdminTokenFile: writeFile(t, "admin", adminTok, 0o600)})
	own := srv.URL // http://127.0.0.1:PORT
	port := strings.TrimPrefix(own, "http://127.0.0.1:")
	with := func(kv ...string) map[string]string {
		h := bearer(adminTok)
		for i := 0; i < len(kv); i += 2 {
			h[kv[i]] = kv[i+1]
		}
		return h
	}
	for _, c := range []call{
		{name: "no Origin", method: "POST", path: "/a", headers: with(), code: 200},
		{name: "own Origin", method: "POST", path: "/a", headers: with("Origin", own), code: 200},
		{name: "own Origin upper-case", method: "POST", path: "/a", headers: with("Origin", strings.ToUpper(own)), code: 200},
		{name: "evil Origin", method: "POST", path: "/a", headers: with("Origin", "http://evil.example"), code: 403, body: "cross-origin request refused"},
		{name: "null Origin", method: "POST", path: "/a", headers: with("Origin", "null"), code: 403},
		{name: "other port", method: "POST", path: "/a", headers: with("Origin", "http://127.0.0.1:1"), code: 403},
		{name: "default port", method: "POST", path: "/a", headers: with("Origin", "http://127.0.0.1"), code: 403},
		{name: "other scheme", method: "POST", path: "/a", headers: with("Origin", "https://127.0.0.1:"+port), code: 403},
		{name: "file scheme", method: "POST", path: "/a", headers: with("Origin", "file://"), code: 403},
		{name: "localhost is another origin", method: "POST", path: "/a", headers: with("Origin", "http://localhost:"+port), code: 403},
		{name: "Origin with a path", method: "POST", path: "/a", headers: with("Origin", own+"/x"), code: 403},
		{name: "evil Origin without token", method: "POST", path: "/a", headers: map[string]string{"Origin": "http://evil.example"}, code: 403},
		{name: "evil Origin on a read", method: "GET", path: "/r", headers: with("Origin", "http://evil.example"), code: 403},
		{name: "cross-site fetch", method: "POST", path: "/a", headers: with("Sec-Fetch-Site", "cross-site"), code: 403},
		{name: "same-site fetch", method: "POST", path: "/a", headers: with("Sec-Fetch-Site", "same-site"), code: 403},
		{name: "same-origin fetch", method: "POST", path: "/a", headers: with("Sec-Fetch-Site", "same-origin", "Origin", own), code: 200},
		{name: "typed by the user", method: "POST", path: "/a", headers: with("Sec-Fetch-Site", "none"), code: 200},
		{name: "form", method: "POST", path: "/a", headers: with("Content-Type", "application/x-www-form-urlencoded"), code: 415, body: "application/json"},
		{name: "multipart", method: "POST", path: "/a", headers: with("Content-Type", "multipart/form-data; boundary=x"), code: 415},
		{name: "text", method: "POST", path: "/a", headers: with("Content-Type", "text/plain;charset=UTF-8"), code: 415},
		{name: "bad media type", method: "POST", path: "/a", headers: with("Content-Type", ";;"), code: 415},
		{name: "JSON", method: "POST", path: "/a", headers: with("Content-Type", "application/json"), code: 200},
		{name: "JSON with charset", method: "POST", path: "/a", headers: with("Content-Type", "Application/JSON; charset=utf-8"), code: 200},
		{name: "DNS rebinding read", method: "GET", path: "/r", headers: with(), host: "evil.example:" + port, code: 421, body: "http_hosts"},
		{name: "DNS rebinding write", method: "POST", path: "/a", headers: with("Origin", "http://evil.example:"+port), host: "evil.example:" + port, code: 421},
		{name: "localhost Host", method: "GET", path: "/r", headers: with(), host: "localhost:" + port, code: 200},
		{name: "IPv6 loopback Host", method: "GET", path: "/r", headers: with(), host: "[::1]:" + port, code: 200},
	} {
		c.do(t, srv)
	}
	if !strings.Contains(logs.String(), "request refused: cross-origin") || !strings.Contains(logs.String(), "request refused: Host is not a name of this server") {
		t.Fatalf("refusals not logged:\n%s", logs.String())
	}
}

// TestRefusalsLoggedAtALimitedRate: a flood of refused requests costs one
// log line per RefusalLogEvery per kind, and the next one says how many
// were left out.
func TestRefusalsLoggedAtALimitedRate(t *testing.T) {
	g, srv, logs := guarded(t, Config{Realm: "test", AdminTokenFile: writeFile(t, "admin", adminTok, 0o600)})
	var mu sync.Mutex
	now := time.Unix(1_000_000, 0)
	g.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	bad := call{name: "wrong admin token", method: "POST", path: "/a", headers: bearer("wrong-token-0123456789abcdef"), code: 401}
	for range 50 {
		bad.do(t, srv)
	}
	// Another kind of refusal is not hidden by the flood.
	call{name: "read without token", method: "GET", path: "/r", code: 401}.do(t, srv)
	if n := strings.Count(logs.String(), "admin request refused: bad or missing bearer token"); n != 1 {
		t.Fatalf("%d admin refusal lines for 50 refusals, want 1:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "read request refused") {
		t.Fatalf("the read refusal was not logged:\n%s", logs.String())
	}
	mu.Lock()
	now = now.Add(RefusalLogEvery)
	mu.Unlock()
	bad.do(t, srv)
	if n := strings.Count(logs.String(), "admin request refused"); n != 2 || !strings.Contains(logs.String(), "suppressed=49") {
		t.Fatalf("after %v: %d lines, want 2 and suppressed=49:\n%s", RefusalLogEvery, n, logs.String())
	}
	if strings.Contains(logs.String(), "wrong-token") {
		t.Fatal("the token sent is in the log")
	}
}

// TestTokenFileChecks: a token file that others may read is warned about
// at start; a missing, short or unreadable one stops the start.
func TestTokenFileChecks(t *testing.T) {
	logs := &logging.Buffer{}
	logger := hclog.New(&hclog.LoggerOptions{Output: logs})
	loose := writeFile(t, "loose", readTok+"\n", 0o644)
	if _, err := New(Config{Listen: "127.0.0.1:0", ReadTokenFile: loose, Logger: logger}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "token file is readable by group or others") || !strings.Contains(logs.String(), "mode=0644") {
		t.Fatalf("no warning for a 0644 token file:\n%s", logs.String())
	}
	before := logs.String()
	if _, err := New(Config{Listen: "127.0.0.1:0", AdminTokenFile: writeFile(t, "tight", adminTok, 0o600), Logger: logger}); err != nil {
		t.Fatal(err)
	}
	if logs.String() != before {
		t.Fatalf("a warning for a 0600 token file:\n%s", logs.String())
	}
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Listen: "127.0.0.1:0", AdminTokenFile: filepath.Join(t.TempDir(), "nope")}, "admin_token_file: stat"},
		{Config{Listen: "127.0.0.1:0", ReadTokenFile: writeFile(t, "short", "short\n", 0o600)}, "read_token_file: bad token file:"},
		{Config{Listen: "127.0.0.1:0", ReadTokenFile: t.TempDir()}, "is not a regular file"},
		{Config{Listen: "127.0.0.1:0", Hosts: []string{"http://x"}}, "http_hosts"},
		{Config{Listen: "127.0.0.1:0", AdminTokenFile: writeFile(t, "a", adminTok, 0o600), ReadTokenFile: writeFile(t, "r", adminTok+" acme", 0o600)}, "also the admin token"},
	} {
		if _, err := New(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want %q", err, tc.want)
		}
	}
}
