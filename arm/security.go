package arm

import (
	"context"
	"errors"
	"fmt"

	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/peer"

	"github.com/sluicehq/sluice/pkg/pki"
)

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
