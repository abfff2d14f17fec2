package agent

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"time"
)

// ErrMediatorRequiresTLS is the reason a plaintext agent gives when the
// mediator it dialed only speaks TLS: without it the agent would log what
// gRPC saw, an EOF or a reset, and leave the operator guessing.
var ErrMediatorRequiresTLS = errors.New("the mediator requires TLS: configure a tls { ca_file, cert_file, key_file } block in the agent")

// probeTimeout bounds the TLS probe of a mediator that hung up.
const probeTimeout = 3 * time.Second

// plaintextDialer dials mediators for a plaintext agent. A mediator with a
// tls block reads the agent's HTTP/2 preface as a broken TLS record and
// hangs up without a word; when a connection ends before a single byte
// came back, the dialer asks the address for a TLS handshake, and if it
// gets one the read fails with ErrMediatorRequiresTLS instead of EOF.
func plaintextDialer(ctx context.Context, addr string) (net.Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	return &probeConn{Conn: c, addr: addr}, nil
}

// probeConn is a connection that explains an end before any reply.
type probeConn struct {
	net.Conn
	addr string
	// replied is set once a byte was read. Only gRPC's reader goroutine
	// reads a connection, so it needs no lock.
	replied bool
}

func (c *probeConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.replied = true
	}
	if err != nil && !c.replied && (errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)) && speaksTLS(c.addr) {
		return n, fmt.Errorf("%w (it closed the plaintext connection: %v)", ErrMediatorRequiresTLS, err)
	}
	return n, err
}

// speaksTLS reports whether addr answers a TLS handshake. Nothing is
// verified and nothing is sent after it: the question is only whether
// the server speaks TLS at all.
func speaksTLS(addr string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	var d net.Dialer
	raw, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return false
	}
	defer raw.Close()
	host, _, _ := net.SplitHostPort(addr)
	tc := tls.Client(raw, &tls.Config{
		ServerName: host,
		MinVersion: tls.VersionTLS12,
		// A probe: the answer is whether a handshake happens at all.
		InsecureSkipVerify: true, //nolint:gosec // nothing is sent over it
	})
	err = tc.HandshakeContext(ctx)
	var alert tls.AlertError
	// A server that asks for a client certificate may refuse the probe
	// with an alert: that is TLS too.
	return err == nil || errors.As(err, &alert)
}
