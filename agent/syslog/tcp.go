package syslog

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"github.com/sluicehq/sluice/agent/source"
	"github.com/sluicehq/sluice/pkg/connlimit"
	"github.com/sluicehq/sluice/pkg/multiline"
)

// readBufSize is one connection's read buffer. With the framer's buffer
// (max_line_bytes) it bounds what a connection holds, whatever it sends.
const readBufSize = 16 << 10

// serveTCP accepts connections until the listener is closed, and returns
// once every connection ended. The listener (connlimit) enforces
// max_connections and max_connections_per_address.
func (s *Source) serveTCP(ctx context.Context, l *connlimit.Listener) {
	var wg sync.WaitGroup
	defer wg.Wait()
	for attempt := 0; ; {
		c, err := l.Accept()
		if err != nil {
			if ctx.Err() != nil || isClosed(err) {
				return
			}
			// Out of file descriptors and the like: wait, it may pass.
			s.logger.Warn("accept failed; retrying", "error", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(s.cfg.Retry.Delay(attempt)):
			}
			attempt++
			continue
		}
		attempt = 0
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.serveConn(ctx, l, c)
		}()
	}
}

// serveConn reads one connection until it ends, is idle too long, or ctx
// is done. While the queue is full it does not read, so the socket's
// buffers fill and TCP flow control holds the sender back.
//
// A connection has FirstMessageTimeout from its accept to deliver its
// first whole message (TLS handshake included), and until then the
// listener may reclaim it for a newcomer; after that it is a sender,
// never reclaimed, and closed only when silent for IdleTimeout. So
// connections that trickle a byte now and then cannot hold the slots,
// and a sender that went quiet is not cut off early (some senders,
// rsyslog among them, lose the message they write next on a connection
// the receiver closed).
func (s *Source) serveConn(ctx context.Context, l *connlimit.Listener, c net.Conn) {
	s.conns.Add(1)
	defer s.conns.Add(-1)
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { _ = c.Close() })
	defer stop()
	logger := s.logger.With("remote", c.RemoteAddr().String())

	silentUntil := time.Now().Add(min(s.cfg.FirstMessageTimeout, s.cfg.IdleTimeout))
	var conn net.Conn = c
	if s.tls != nil {
		tc := tls.Server(c, s.tls)
		_ = c.SetDeadline(silentUntil)
		if err := tc.HandshakeContext(ctx); err != nil {
			if ctx.Err() == nil {
				logger.Warn("TLS handshake failed", "error", err)
			}
			return
		}
		_ = c.SetDeadline(time.Time{})
		conn = tc
	}
	logger.Debug("syslog connection opened")

	fr := NewFramer(s.cfg.Framing, s.cfg.MaxLineBytes)
	buf := make([]byte, readBufSize)
	var lines []source.Line
	emit := func(l source.Line) { lines = append(lines, l) }
	framed, received := emit, false
	join, events := s.joiner(emit)
	if join != nil {
		// Messages go through the connection's joiner; its events are
		// what is committed.
		framed = func(l source.Line) {
			received = true
			join.Feed(l.Raw, 0, l.Truncated, l.Length, events)
		}
	}
	sender := false // a whole message arrived
	lastData := time.Now()
	for {
		deadline := silentUntil
		if sender {
			deadline = lastData.Add(s.cfg.IdleTimeout)
		}
		// A held multi-line event is flushed when no message came for
		// flush_timeout: the read waits until then at most.
		flushing := false
		if at, ok := s.dueAt(join); ok && at.Before(deadline) {
			deadline, flushing = at, true
		}
		_ = conn.SetReadDeadline(deadline)
		n, err := conn.Read(buf)
		if n > 0 {
			lastData = time.Now()
		}
		fr.Feed(buf[:n], framed)
		switch {
		case err != nil && flushing && errors.Is(err, os.ErrDeadlineExceeded):
			join.Flush(events)
			err = nil
		case err != nil:
			// What the sender left unterminated was still sent: keep it.
			fr.Flush(framed)
			if join != nil {
				join.Flush(events)
			}
		}
		if (len(lines) > 0 || received) && !sender {
			sender = true
			l.Busy(c)
		}
		if len(lines) > 0 {
			s.count(lines)
			if perr := s.q.put(ctx, lines); perr != nil {
				return // shutting down
			}
			lines = nil
		}
		if err != nil {
			switch {
			case ctx.Err() != nil:
			case errors.Is(err, io.EOF):
				logger.Debug("syslog connection closed by the sender")
			case errors.Is(err, os.ErrDeadlineExceeded) && !sender:
				logger.Debug("syslog connection sent no whole message in time; closing", "first_message_timeout", s.cfg.FirstMessageTimeout)
			case errors.Is(err, os.ErrDeadlineExceeded):
				logger.Debug("syslog connection idle; closing", "idle_timeout", s.cfg.IdleTimeout)
			case errors.Is(err, net.ErrClosed):
				logger.Debug("syslog connection closed to make room at a connection limit (it had sent no whole message)")
			default:
				logger.Debug("syslog connection failed", "error", err)
			}
			return
		}
	}
}

// joiner is a connection's multi-line joiner and where its events go (nil
// without multiline).
func (s *Source) joiner(emit func(source.Line)) (*multiline.Joiner, func(multiline.Event)) {
	if s.cfg.Multiline == nil {
		return nil, nil
	}
	j, _ := multiline.New(*s.cfg.Multiline, nil) // validated by New
	return j, func(e multiline.Event) {
		emit(source.Line{Raw: e.Raw, Truncated: e.Truncated, Length: e.Length})
	}
}

// dueAt is when the joiner's held event is due (ok false: no joiner, or
// nothing held).
func (s *Source) dueAt(j *multiline.Joiner) (time.Time, bool) {
	if j == nil {
		return time.Time{}, false
	}
	return j.DueAt()
}
