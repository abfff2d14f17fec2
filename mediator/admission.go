package mediator

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"

	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/pki"
	"github.com/sluicehq/sluice/pkg/refusal"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// Admission: a stream is served once its Hello is valid, the identity it
// claims is the certificate's, the agent is neither revoked nor
// unaccepted, the mediator is neither draining nor in suspense, and the
// registry has room for it. Every refusal is logged with why and tells the
// agent why (pkg/refusal), so it knows whether to fail over or back off.

// validID is what agent ids and organizations may look like: they end up
// in document ids and file names.
var validID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$`)

// admit reads the Hello and decides whether the agent may stream here. It
// returns the stream's session, not yet registered: Connect gives it its
// rate limits and registers it.
func (in *intake) admit(ctx context.Context, cancel context.CancelCauseFunc, stream sluicev1.MediatorService_ConnectServer) (*agentStream, error) {
	peerAddr := ""
	if p, ok := peer.FromContext(ctx); ok {
		peerAddr = p.Addr.String()
	}
	log := in.logger.With("peer", peerAddr)

	hello, err := in.receiveHello(ctx, stream)
	if err != nil {
		log.Warn("agent refused: bad handshake", "error", err)
		return nil, err
	}
	org, err := helloOrganization(ctx, hello, log)
	if err != nil {
		return nil, err
	}
	sp := spool{org: org, agent: hello.GetAgentId(), incarnation: hello.GetIncarnation(), tag: event.SpoolTag(hello.GetIncarnation()),
		hostname: hello.GetHostname(), version: hello.GetVersion(), host: hello.GetHost()}
	log = log.With("agent", hello.GetAgentId(), "organization", org, "spool", spoolName(sp.tag))
	if err := in.admissible(org, hello, peerAddr, log); err != nil {
		return nil, err
	}
	return &agentStream{
		in:     in,
		ctx:    ctx,
		stream: stream,
		log:    log,
		hello:  hello,
		sess: &session{
			info: AgentInfo{
				ID:           hello.GetAgentId(),
				Organization: org,
				Hostname:     hello.GetHostname(),
				Version:      hello.GetVersion(),
				Peer:         peerAddr,
				Connected:    time.Now(),
				Spool:        sp.tag,
			},
			spool:  sp,
			cancel: cancel,
			kick:   make(chan kick, 1),
		},
	}, nil
}

// helloOrganization checks the identity the Hello claims against the
// client certificate's, and returns the organization the agent streams
// for: the certificate's over TLS, else the Hello's, else the default.
func helloOrganization(ctx context.Context, hello *sluicev1.Hello, log hclog.Logger) (string, error) {
	org := hello.GetOrganization()
	id, tlsStream, err := peerIdentity(ctx)
	switch {
	case err != nil:
		log.Warn("agent refused: its certificate names no agent", "error", err)
		return "", refusal.Error(codes.PermissionDenied, refusal.Identity, "client certificate names no sluice agent")
	case tlsStream && id.Kind != pki.KindAgent:
		log.Warn("agent refused: certificate is not an agent certificate", "kind", id.Kind, "id", id.ID)
		return "", refusal.Error(codes.PermissionDenied, refusal.Identity, "client certificate is not an agent certificate")
	case tlsStream && (id.ID != hello.GetAgentId() || (org != "" && org != id.Organization)):
		// The certificate is who the agent is; a hello claiming someone
		// else is refused, never corrected.
		log.Warn("agent refused: hello claims another identity than its certificate", "certificate_agent", id.ID, "certificate_organization", id.Organization, "hello_agent", hello.GetAgentId(), "hello_organization", org)
		return "", refusal.Error(codes.PermissionDenied, refusal.Identity, fmt.Sprintf("certificate is for %s/%s, hello claims %s/%s", id.Organization, id.ID, org, hello.GetAgentId()))
	case tlsStream:
		org = id.Organization
	}
	if org == "" {
		org = event.DefaultOrganization
	}
	return org, nil
}

// admissible refuses an identified agent that may not stream here now
// (nil: it may): it is revoked or not accepted, or the mediator is
// shutting down or in suspense.
func (in *intake) admissible(org string, hello *sluicev1.Hello, peerAddr string, log hclog.Logger) error {
	if in.revoked != nil && in.revoked.revoked(hello.GetAgentId()) {
		log.Warn("agent refused: revoked")
		return refusal.Error(codes.PermissionDenied, refusal.Rejected, "agent is revoked")
	}
	if in.accept != nil {
		if err := in.accept.admit(org, hello.GetAgentId(), hello.GetHostname(), peerAddr, time.Now()); err != nil {
			_, reason := refusal.Reason(err)
			log.Warn("agent refused: not accepted on this mediator", "state", reason)
			return err
		}
	}
	if in.draining.Load() {
		log.Info("agent refused: mediator is shutting down")
		return refusal.Error(codes.Unavailable, refusal.Shutdown, "mediator is shutting down")
	}
	if why := in.suspense.reason(); why != "" {
		log.Warn("agent refused: mediator in suspense", "reason", why)
		return refusal.Error(codes.Unavailable, refusal.Suspense, "mediator in suspense: "+why)
	}
	return nil
}

// register adds the session to the registry, which refuses a second live
// stream of the agent id from another spool and agents beyond max_agents.
func (in *intake) register(sess *session, log hclog.Logger) error {
	err := in.registry.add(sess)
	if err == nil {
		return nil
	}
	var dup *duplicateError
	if errors.As(err, &dup) {
		// Two processes present one agent id. The one connected
		// keeps its stream; this one keeps its entries in its spool
		// and retries: each spool's entries are acknowledged only
		// on the strength of its own, so neither loses any.
		log.Warn("agent refused: agent id already connected from another spool (duplicate agent identity: a cloned host or certificate, or a second install)",
			"connected_peer", dup.connected.Peer, "connected_spool", spoolName(dup.connected.Spool), "connected_since", dup.connected.Connected.UTC().Format(time.RFC3339),
			"refusals", dup.refusals)
		return refusal.Error(codes.PermissionDenied, refusal.DuplicateIdentity, dup.Error())
	}
	var full *orgFullError
	if errors.As(err, &full) {
		log.Warn("agent refused: its organization's max_agents reached", "max_agents", full.max)
		in.quotas.refused(full.org, orgReasonAgents, full.Error(), time.Now())
		return err
	}
	log.Warn("agent refused: max agents reached", "max_agents", in.registry.max)
	return err
}

// receiveHello waits for the first message, which must be a valid Hello,
// for at most the handshake timeout.
func (in *intake) receiveHello(ctx context.Context, stream sluicev1.MediatorService_ConnectServer) (*sluicev1.Hello, error) {
	type result struct {
		req *sluicev1.ConnectRequest
		err error
	}
	ch := make(chan result, 1)
	go func() {
		req, err := stream.Recv()
		ch <- result{req, err}
	}()
	t := time.NewTimer(in.handshakeTimeout)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-t.C:
		return nil, status.Error(codes.DeadlineExceeded, "no hello within the handshake timeout")
	case r := <-ch:
		if r.err != nil {
			return nil, r.err
		}
		h := r.req.GetHello()
		if h == nil {
			return nil, refusal.Error(codes.InvalidArgument, refusal.BadHello, "the first message must be a hello")
		}
		if !validID.MatchString(h.GetAgentId()) {
			return nil, refusal.Error(codes.InvalidArgument, refusal.BadHello, fmt.Sprintf("invalid agent id %q", h.GetAgentId()))
		}
		if h.GetOrganization() != "" && !validID.MatchString(h.GetOrganization()) {
			return nil, refusal.Error(codes.InvalidArgument, refusal.BadHello, fmt.Sprintf("invalid organization %q", h.GetOrganization()))
		}
		if h.GetIncarnation() != "" && !event.ValidIncarnation(h.GetIncarnation()) {
			// Not echoed: an incarnation is not for showing.
			return nil, refusal.Error(codes.InvalidArgument, refusal.BadHello, "invalid spool incarnation (16 lowercase hex digits)")
		}
		return h, nil
	}
}
