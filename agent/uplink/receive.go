package uplink

import (
	"fmt"
	"time"

	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// receive reads the session's stream until it ends: it applies
// acknowledgements to the spool, passes them and Throttles on to serve in
// stream order, and turns Suspend and Shutdown into errors.
func (s *session) receive() error {
	for {
		resp, err := s.stream.Recv()
		if err != nil {
			return classify(err)
		}
		s.lastRecv.Store(time.Now().UnixNano())
		switch m := resp.GetMsg().(type) {
		case *sluicev1.ConnectResponse_Ack:
			through := m.Ack.GetThroughSeq()
			if err := s.applyAck(through); err != nil {
				return err
			}
			if err := s.reply(batchReply{through: through}); err != nil {
				return err
			}
		case *sluicev1.ConnectResponse_Throttle:
			if err := s.reply(batchReply{throttle: m.Throttle}); err != nil {
				return err
			}
		case *sluicev1.ConnectResponse_Suspend:
			return fmt.Errorf("%w: %s", ErrSuspense, m.Suspend.GetReason())
		case *sluicev1.ConnectResponse_Shutdown:
			return fmt.Errorf("%w: %s", ErrShutdown, m.Shutdown.GetReason())
		case *sluicev1.ConnectResponse_Heartbeat:
			s.u.logger.Trace("mediator heartbeat", "mediator", m.Heartbeat.GetComponentId())
		}
	}
}

// applyAck removes the acknowledged entries from the spool at once, not
// when serve gets to the reply: they are the mediator's now.
func (s *session) applyAck(through uint64) error {
	u := s.u
	if err := u.spool.Ack(through); err != nil {
		return fmt.Errorf("apply ack: %w", err)
	}
	u.acks.Add(1)
	u.mu.Lock()
	u.status.LastAck = time.Now()
	u.mu.Unlock()
	return nil
}

// reply hands r to serve, unless the session ends first.
func (s *session) reply(r batchReply) error {
	select {
	case s.replies <- r:
		return nil
	case <-s.ctx.Done():
		return s.ctx.Err()
	}
}
