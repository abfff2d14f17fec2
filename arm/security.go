package arm

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"

	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/peer"

	"github.com/sluicehq/sluice/pkg/pki"
)

// MinTokenLength is the shortest admin token accepted: a short one can be
// guessed over the network.
const MinTokenLength = 16

// readToken reads a bearer token file (its first line, trimmed).
func readToken(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("admin_token_file: %w", err)
	}
	tok := strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0])
	if len(tok) < MinTokenLength {
		return "", fmt.Errorf("admin_token_file %s: the token must be at least %d characters", path, MinTokenLength)
	}
	return tok, nil
}

// adminOnly guards write and admin endpoints: with admin_token_file, the
// request must carry "Authorization: Bearer <token>" (compared in constant
// time); without one, only loopback callers are served. The token is never
// logged, nor what a caller sent instead.
func (a *ARM) adminOnly(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if a.adminToken == "" {
			host, _, _ := net.SplitHostPort(r.RemoteAddr)
			if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
				a.logger.Warn("admin request refused: no admin_token_file, and the caller is not on loopback", "method", r.Method, "path", r.URL.Path, "remote", r.RemoteAddr)
				writeJSON(w, http.StatusForbidden, errorResponse{Error: "admin endpoints answer loopback callers only unless admin_token_file is configured"})
				return
			}
			next(w, r)
			return
		}
		got, ok := bearer(r.Header.Get("Authorization"))
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(a.adminToken)) != 1 {
			a.logger.Warn("admin request refused: bad or missing bearer token", "method", r.Method, "path", r.URL.Path, "remote", r.RemoteAddr)
			w.Header().Set("WWW-Authenticate", `Bearer realm="sluice-arm"`)
			writeJSON(w, http.StatusUnauthorized, errorResponse{Error: "missing or wrong bearer token"})
			return
		}
		next(w, r)
	}
}

// bearer takes the token out of an Authorization header value.
func bearer(h string) (string, bool) {
	const scheme = "bearer "
	if len(h) <= len(scheme) || !strings.EqualFold(h[:len(scheme)], scheme) {
		return "", false
	}
	return strings.TrimSpace(h[len(scheme):]), true
}

// errNotMediator refuses, at the TLS handshake, a certificate of the CA
// that is not a mediator's: an agent must not report heartbeats (its own
// or anyone's) to ARM directly.
var errNotMediator = errors.New("only mediator certificates may report to ARM")

func mediatorsOnly(id pki.Identity) error {
	if id.Kind != pki.KindMediator {
		return fmt.Errorf("%w: this is a %s certificate (%s)", errNotMediator, id.Kind, id.ID)
	}
	return nil
}

// peerMediator is the mediator id in the client certificate of a TLS
// connection; ok is false on a plaintext one.
func peerMediator(ctx context.Context) (id string, ok bool) {
	p, found := peer.FromContext(ctx)
	if !found || p.AuthInfo == nil {
		return "", false
	}
	ti, isTLS := p.AuthInfo.(credentials.TLSInfo)
	if !isTLS {
		return "", false
	}
	// The handshake verified the chain and the kind (mediatorsOnly): a TLS
	// connection without an identity does not get this far.
	if len(ti.State.PeerCertificates) == 0 {
		return "", true
	}
	pid, err := pki.IdentityOf(ti.State.PeerCertificates[0])
	if err != nil {
		return "", true
	}
	return pid.ID, true
}
