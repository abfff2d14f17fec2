package uplink

import (
	"context"
	"errors"
	"fmt"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"

	"github.com/sluicehq/sluice/agent/failover"
	"github.com/sluicehq/sluice/pkg/refusal"
	"github.com/sluicehq/sluice/pkg/wirecompress"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// open connects to addr and completes the handshake: the session it
// returns is accepted, and serve runs it. It opens the stream with the
// configured compression, and again without when the mediator does not
// have it (compress.go).
func (u *Uplink) open(ctx context.Context, addr string) (*session, error) {
	comp := u.compressor()
	s, err := u.openWith(ctx, addr, comp)
	if comp != "" && encodingRefused(err) {
		u.noteFallback(addr, comp, err)
		s, err = u.openWith(ctx, addr, "")
	}
	return s, err
}

// openWith opens a session to addr whose stream is compressed with comp
// ("" none).
func (u *Uplink) openWith(ctx context.Context, addr, comp string) (*session, error) {
	conn, err := u.conn(addr)
	if err != nil {
		return nil, err
	}
	sctx, cancel := context.WithCancel(ctx)
	// The timeout covers opening the stream too: a peer that accepts TCP
	// but never speaks HTTP/2 would otherwise hold Connect forever.
	timedOut := make(chan struct{})
	timer := time.AfterFunc(u.cfg.HandshakeTimeout, func() { close(timedOut); cancel() })
	welcome, stream, err := u.handshake(sctx, conn, comp)
	if !timer.Stop() {
		<-timedOut
		cancel()
		u.dropConn(addr)
		return nil, fmt.Errorf("%w (%s)", ErrHandshakeTimeout, u.cfg.HandshakeTimeout)
	}
	if err != nil {
		cancel()
		return nil, err
	}
	if comp == "" {
		comp = wirecompress.None
	}
	u.logger.Info("connected to mediator", "mediator", addr, "mediator_id", welcome.GetMediatorId(), "held_through", welcome.GetHeldThroughSeq(), "spool_depth", u.spool.Depth(), "compression", comp)
	return &session{u: u, addr: addr, stream: stream, ctx: sctx, cancel: cancel, welcome: welcome, compression: comp}, nil
}

// handshake opens the stream (compressed with comp, "" none), says
// Hello and waits for the Welcome.
func (u *Uplink) handshake(ctx context.Context, conn *grpc.ClientConn, comp string) (*sluicev1.Welcome, sluicev1.MediatorService_ConnectClient, error) {
	var opts []grpc.CallOption
	if comp != "" {
		opts = append(opts, grpc.UseCompressor(comp))
	}
	stream, err := sluicev1.NewMediatorServiceClient(conn).Connect(ctx, opts...)
	if err != nil {
		return nil, nil, classify(err)
	}
	err = stream.Send(&sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Hello{Hello: &sluicev1.Hello{
		AgentId:      u.cfg.AgentID,
		Organization: u.cfg.Organization,
		Hostname:     u.cfg.Hostname,
		Version:      u.cfg.Version,
		ResumeSeq:    u.spool.FirstSeq(),

		Incarnation: u.cfg.Incarnation,
		Host:        u.cfg.Host,
	}}})
	if err != nil {
		// Send reports io.EOF when the stream ended; Recv gives the status.
		_, err = stream.Recv()
		return nil, nil, classify(err)
	}
	resp, err := stream.Recv()
	if err != nil {
		return nil, nil, classify(err)
	}
	w := resp.GetWelcome()
	if w == nil {
		return nil, nil, fmt.Errorf("mediator answered the hello with %T, not a welcome", resp.GetMsg())
	}
	return w, stream, nil
}

// classify maps a stream error to a sentinel where the mediator said why.
func classify(err error) error {
	code, reason := refusal.Reason(err)
	switch {
	case reason == refusal.MaxAgents:
		return fmt.Errorf("%w (%v)", ErrMaxAgents, err)
	case reason == refusal.Suspense:
		return fmt.Errorf("%w (%v)", ErrSuspense, err)
	case reason == refusal.Shutdown:
		return fmt.Errorf("%w (%v)", ErrShutdown, err)
	case reason == refusal.DuplicateIdentity:
		return fmt.Errorf("%w (%v)", ErrDuplicateIdentity, err)
	case code == codes.Unauthenticated || code == codes.PermissionDenied:
		return fmt.Errorf("%w (%v)", ErrAuth, err)
	}
	return err
}

// openProbe tries the probe's candidates in order and returns the first
// accepted session.
func (u *Uplink) openProbe(ctx context.Context, p *failover.Probe, sel *failover.Selector) (*session, int) {
	for _, idx := range p.Candidates {
		addr := u.cfg.Mediators[idx]
		nc, err := u.open(ctx, addr)
		if err == nil {
			return nc, idx
		}
		sel.ProbeRefused(outcome(err))
		if errors.Is(err, ErrDuplicateIdentity) {
			u.logDuplicate(addr, err)
			continue
		}
		u.logger.Info("probe: mediator did not accept us; staying", "kind", p.Kind, "mediator", addr, "reason", err)
	}
	return nil, 0
}
