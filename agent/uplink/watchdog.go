package uplink

import (
	"errors"
	"fmt"
	"io"
	"time"
)

// watch ends the session when its stream is dead: the oldest batch went
// unacknowledged for AckTimeout, or nothing at all came from the mediator
// for the silence limit. It reports why on dead, then cancels the stream.
// It runs beside serve's loop because that loop can be stuck in Send:
// once HTTP/2 flow control runs out (the peer reads nothing, as on a
// half-open or blackholed connection) a Send blocks until the stream is
// cancelled.
func (s *session) watch() {
	u := s.u
	// The mediator answers every heartbeat, so a stream that stays
	// silent longer than this is dead even when nothing is in flight (a
	// half-open connection, a blackholed route).
	silenceLimit := max(u.cfg.AckTimeout, u.cfg.HeartbeatInterval*5/2)
	t := time.NewTicker(min(u.cfg.AckTimeout/4, time.Second))
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
		}
		var err error
		if o := s.oldestSent.Load(); o != 0 && time.Since(time.Unix(0, o)) > u.cfg.AckTimeout {
			err = fmt.Errorf("%w: oldest batch sent %s ago", ErrAckTimeout, time.Since(time.Unix(0, o)).Round(time.Second))
		} else if quiet := time.Since(time.Unix(0, s.lastRecv.Load())); quiet > silenceLimit {
			err = fmt.Errorf("%w: nothing heard from the mediator for %s", ErrAckTimeout, quiet.Round(time.Second))
		}
		if err != nil {
			s.dead <- err
			s.cancel()
			return
		}
	}
}

// streamError explains a failed Send: gRPC reports only io.EOF there, and
// the stream's real end (a status, a Shutdown) arrives on the receive side.
func streamError(err error, errc <-chan error) error {
	if errors.Is(err, io.EOF) {
		select {
		case rerr := <-errc:
			return rerr
		case <-time.After(time.Second):
		}
	}
	return fmt.Errorf("send batch: %w", err)
}
