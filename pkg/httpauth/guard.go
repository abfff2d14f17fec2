package httpauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/pkg/logging"
)

// RefusalLogEvery is how often each kind of refusal (admin, read, Host,
// cross-origin, token in a URL) is logged at most: a scanner or a
// password guesser costs one log line per interval, with the count of
// those left out.
const RefusalLogEvery = 10 * time.Second

// Config is a server's access policy, as its config file says it.
type Config struct {
	// Realm names the server in WWW-Authenticate ("sluice-mediator").
	Realm string
	// Listen is the HTTP address (host:port) the server is configured
	// with: its host, and loopback names when it is loopback, are valid
	// Host headers.
	Listen string
	// Hosts are more names clients use (http_hosts): DNS names and proxy
	// names the server is reached by. "*" turns the Host check off.
	Hosts []string
	// AdminTokenFile holds the admin token(s) ("" = none: admin endpoints
	// answer loopback callers only).
	AdminTokenFile string
	// ReadTokenFile holds read tokens, each for every organization or for
	// a list of them ("" = none).
	ReadTokenFile string
	// Logger receives start-up warnings and (rate-limited) refusals.
	Logger hclog.Logger
}

// Guard enforces a server's access policy: Handler wraps the whole API,
// Read and Admin its endpoints.
type Guard struct {
	realm  string
	keys   *Keyring
	hosts  hostList
	logger hclog.Logger
	now    func() time.Time

	// One limiter per kind of refusal, so a flood of one kind does not
	// hide the first of another.
	logAdmin, logRead, logHost, logOrigin, logURL logging.Limiter
}

// New reads the token files and builds the Guard. Problems with a token
// file are errors naming the file and line, never a token; a token file
// that group or others may read is logged as a warning.
func New(cfg Config) (*Guard, error) {
	logger := cfg.Logger
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	hosts, err := newHostList(cfg.Listen, cfg.Hosts)
	if err != nil {
		return nil, fmt.Errorf("http_hosts: %w", err)
	}
	g := &Guard{realm: cfg.Realm, keys: &Keyring{}, hosts: hosts, logger: logger, now: time.Now}
	for _, l := range []*logging.Limiter{&g.logAdmin, &g.logRead, &g.logHost, &g.logOrigin, &g.logURL} {
		l.Every = RefusalLogEvery
	}
	for _, f := range []struct {
		setting, path string
		add           func([]byte, string) error
	}{
		{"admin_token_file", cfg.AdminTokenFile, g.keys.AddAdmin},
		{"read_token_file", cfg.ReadTokenFile, g.keys.AddRead},
	} {
		if f.path == "" {
			continue
		}
		src, loose, mode, err := readTokenFile(f.path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.setting, err)
		}
		if loose {
			logger.Warn("token file is readable by group or others: chmod 600 it", "setting", f.setting, "file", f.path, "mode", fmt.Sprintf("%#o", mode))
		}
		if err := f.add(src, f.path); err != nil {
			return nil, fmt.Errorf("%s: %w", f.setting, err)
		}
	}
	return g, nil
}

// HasAdminToken reports whether admin endpoints need a token.
func (g *Guard) HasAdminToken() bool { return g.keys.HasAdmin() }

// HasTokens reports whether any token is configured: then every read
// needs one, from loopback too.
func (g *Guard) HasTokens() bool { return g.keys.Len() > 0 }

type grantKey struct{}

// GrantFrom returns the grant Read or Admin put in a request's context;
// without one, the zero Grant, which reads nothing.
func GrantFrom(ctx context.Context) Grant {
	g, _ := ctx.Value(grantKey{}).(Grant)
	return g
}

// Handler wraps a server's whole API: every request must name the server
// in Host; a request carrying an Origin must come from the API's own;
// a state-changing one (any method but GET, HEAD and OPTIONS) must not
// be a browser's cross-site request and must send JSON or no body; and
// no request may carry a token in its URL.
func (g *Guard) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// JSON answers are never run as script or sniffed into HTML.
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if tokenInURL(r.URL) {
			g.refuse(w, r, &g.logURL, http.StatusBadRequest, "request refused: a bearer token in the URL",
				"bearer tokens go in the Authorization header, never in a URL (URLs end up in logs and browser history): if that was a real token, replace it")
			return
		}
		if !g.hosts.allowed(r) {
			g.refuse(w, r, &g.logHost, http.StatusMisdirectedRequest, "request refused: Host is not a name of this server",
				fmt.Sprintf("Host %q is not a name of this server: reach it by its configured address, or add the name to http_hosts", r.Host), "host", r.Host)
			return
		}
		if origin := r.Header.Get("Origin"); origin != "" && !sameOrigin(origin, r) {
			g.refuse(w, r, &g.logOrigin, http.StatusForbidden, "request refused: cross-origin",
				fmt.Sprintf("cross-origin request refused: Origin %q is not this API's own", origin), "origin", origin)
			return
		}
		if safeMethod(r.Method) {
			next.ServeHTTP(w, r)
			return
		}
		// A browser says where a request comes from even when it sends
		// no Origin; only the page's own origin, or a user typing, may
		// change state.
		if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
			g.refuse(w, r, &g.logOrigin, http.StatusForbidden, "request refused: cross-origin",
				"cross-origin request refused: Sec-Fetch-Site is "+site, "sec_fetch_site", site)
			return
		}
		// A form or a no-CORS fetch can only send form and text types:
		// refusing them leaves a page no way to write without a
		// preflight, which this API never grants.
		if ct := r.Header.Get("Content-Type"); ct != "" {
			if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
				g.refuse(w, r, &g.logOrigin, http.StatusUnsupportedMediaType, "request refused: not JSON",
					fmt.Sprintf("state-changing requests send application/json or no body, not %q", ct), "content_type", ct)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// Read guards a read endpoint. With a token configured, the request must
// present a valid one (admin or read, from loopback too); the grant's
// scope says which organizations it may see. Without any token, only
// callers on loopback are served.
func (g *Guard) Read(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !g.HasTokens() {
			if !remoteLoopback(r) {
				g.refuse(w, r, &g.logRead, http.StatusForbidden, "read request refused: no token is configured, and the caller is not on loopback",
					"reads answer loopback callers only unless read_token_file or admin_token_file is configured")
				return
			}
			next(w, withGrant(r, Grant{Scope: AllOrganizations()}))
			return
		}
		grant, ok := g.authenticate(w, r, &g.logRead, "read request refused: bad or missing bearer token")
		if !ok {
			return
		}
		next(w, withGrant(r, grant))
	}
}

// Admin guards a write or admin endpoint. With admin_token_file, the
// request must present the admin token (from loopback too); a read token
// is refused. Without it, only callers on loopback are served.
func (g *Guard) Admin(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !g.HasAdminToken() {
			if !remoteLoopback(r) {
				g.refuse(w, r, &g.logAdmin, http.StatusForbidden, "admin request refused: no admin_token_file, and the caller is not on loopback",
					"admin endpoints answer loopback callers only unless admin_token_file is configured")
				return
			}
			next(w, withGrant(r, Grant{Admin: true, Scope: AllOrganizations()}))
			return
		}
		grant, ok := g.authenticate(w, r, &g.logAdmin, "admin request refused: bad or missing bearer token")
		if !ok {
			return
		}
		if !grant.Admin {
			g.refuse(w, r, &g.logAdmin, http.StatusForbidden, "admin request refused: a read token cannot administer",
				"this token may read, not administer: admin endpoints need the admin token")
			return
		}
		next(w, withGrant(r, grant))
	}
}

// authenticate checks the request's bearer token against the keyring and
// answers 401 when there is none or it is wrong.
func (g *Guard) authenticate(w http.ResponseWriter, r *http.Request, lim *logging.Limiter, logMsg string) (Grant, bool) {
	tok, err := BearerToken(r)
	if err == nil {
		if grant, ok := g.keys.Lookup(tok); ok {
			return grant, true
		}
	}
	// RFC 6750 §3: no error code when no credential was sent.
	challenge := fmt.Sprintf("Bearer realm=%q", g.realm)
	msg := "missing or wrong bearer token"
	switch {
	case errors.Is(err, ErrMalformed):
		challenge += `, error="invalid_request"`
		msg += " (" + err.Error() + ")"
	case err == nil:
		challenge += `, error="invalid_token"`
	}
	w.Header().Set("WWW-Authenticate", challenge)
	g.refuse(w, r, lim, http.StatusUnauthorized, logMsg, msg)
	return Grant{}, false
}

// refuse answers code with msg, and logs logMsg (with the request's
// method, path and caller, never its headers or query) at most once per
// RefusalLogEvery for lim.
func (g *Guard) refuse(w http.ResponseWriter, r *http.Request, lim *logging.Limiter, code int, logMsg, msg string, kv ...any) {
	if n := lim.Allow(g.now()); n >= 0 {
		kv = append([]any{"method", r.Method, "path", r.URL.Path, "remote", r.RemoteAddr, "status", code}, kv...)
		g.logger.Warn(logMsg, logging.Suppressed(kv, n)...)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(struct {
		Error string `json:"error"`
	}{msg})
}

func withGrant(r *http.Request, g Grant) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), grantKey{}, g))
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// tokenInURL reports whether a query parameter is named like a token
// (RFC 6750 §2.3's access_token, or token): refused rather than ignored,
// so that whoever put it there learns it leaked.
func tokenInURL(u *url.URL) bool {
	if u.RawQuery == "" {
		return false
	}
	q, _ := url.ParseQuery(u.RawQuery)
	for k := range q {
		switch strings.ToLower(k) {
		case "access_token", "token", "bearer":
			return true
		}
	}
	return false
}

// sameOrigin reports whether origin is the origin the request was made
// to: the scheme it arrived by, and its Host (default ports made
// explicit).
func sameOrigin(origin string, r *http.Request) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Opaque != "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return false // "null" lands here too: no scheme, no host
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if !strings.EqualFold(u.Scheme, scheme) || u.Host == "" || r.Host == "" {
		return false
	}
	return withPort(u.Host, scheme) == withPort(r.Host, scheme)
}

// withPort lower-cases host:port and writes the scheme's default port
// when none is given.
func withPort(hostport, scheme string) string {
	hostport = strings.ToLower(hostport)
	if h, p, err := net.SplitHostPort(hostport); err == nil {
		return net.JoinHostPort(h, p)
	}
	port := "80"
	if scheme == "https" {
		port = "443"
	}
	return net.JoinHostPort(strings.Trim(hostport, "[]"), port)
}

// remoteLoopback reports whether the caller is on this machine.
func remoteLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
