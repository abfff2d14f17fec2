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
)

// readBufSize is one connection's read buffer. With the framer's buffer
// (max_line_bytes) it bounds what a connection holds, whatever it sends.
const readBufSize = 16 << 10

// serveTCP accepts connections until the listener is closed, and returns
// once every connection ended.
func (s *Source) serveTCP(ctx context.Context, l net.Listener) {
	var wg sync.WaitGroup
	defer wg.Wait()
	slots := make(chan struct{}, s.cfg.MaxConnections)
	var lastReject time.Time
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
		select {
		case slots <- struct{}{}:
		default:
			s.rejected.Add(1)
			if time.Since(lastReject) >= time.Minute {
				lastReject = time.Now()
				s.logger.Warn("max_connections reached: closing new connections", "max_connections", s.cfg.MaxConnections, "remote", c.RemoteAddr().String(), "rejected_total", s.rejected.Load())
			}
			_ = c.Close()
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			s.serveConn(ctx, c)
		}()
	}
}

// serveConn reads one connection until it ends, is idle too long, or ctx
// is done. While the queue is full it does not read, so the socket's
// buffers fill and TCP flow control holds the sender back.
func (s *Source) serveConn(ctx context.Context, c net.Conn) {
	s.conns.Add(1)
	defer s.conns.Add(-1)
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { _ = c.Close() })
	defer stop()
	logger := s.logger.With("remote", c.RemoteAddr().String())

	var conn net.Conn = c
	if s.tls != nil {
		tc := tls.Server(c, s.tls)
		_ = c.SetDeadline(time.Now().Add(handshakeTimeout))
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
	for {
		_ = conn.SetReadDeadline(time.Now().Add(s.cfg.IdleTimeout))
		n, err := conn.Read(buf)
		fr.Feed(buf[:n], emit)
		if err != nil {
			// What the sender left unterminated was still sent: keep it.
			fr.Flush(emit)
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
			case errors.Is(err, os.ErrDeadlineExceeded):
				logger.Debug("syslog connection idle; closing", "idle_timeout", s.cfg.IdleTimeout)
			default:
				logger.Debug("syslog connection failed", "error", err)
			}
			return
		}
	}
}
