// Package syslog is the agent's network source: it receives syslog
// messages over UDP, TCP or TLS (RFC 3164 and RFC 5424 alike, as lines;
// the mediator's rules parse them) and commits them to the spool.
//
// A TCP or TLS message counts as accepted once it is committed. While the
// spool pushes back, connections stop reading their sockets, so TCP flow
// control holds the senders back and nothing read is lost. UDP has no flow
// control: what arrives while the spool cannot take it is dropped and
// counted (Stats), never silently (docs/architecture.md, "Invariants of
// the data path").
package syslog

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/agent/source"
	"github.com/sluicehq/sluice/pkg/backoff"
	"github.com/sluicehq/sluice/pkg/connlimit"
	"github.com/sluicehq/sluice/pkg/multiline"
	"github.com/sluicehq/sluice/pkg/pki"
)

// Defaults.
const (
	DefaultMaxConnections = 1024
	// DefaultMaxConnectionsPerAddress lets one host hold an eighth of
	// the slots: room for a relay, or a host whose containers each open
	// their own connection (Docker's syslog driver does), not for all.
	DefaultMaxConnectionsPerAddress = 128
	// DefaultIdleTimeout is for senders: a connection that delivered a
	// message is closed after this long without another.
	DefaultIdleTimeout = 5 * time.Minute
	// DefaultFirstMessageTimeout is what a new connection has to deliver
	// its first whole message, TLS handshake included (like the
	// mediator's handshake_timeout): senders write as soon as they
	// connect.
	DefaultFirstMessageTimeout = 10 * time.Second
	DefaultFlushInterval       = 50 * time.Millisecond
	// DefaultReadBuffer holds about 10,000 typical datagrams (the kernel
	// charges each its payload and about 700 bytes of bookkeeping):
	// a burst of a second or two of a busy network while the reader
	// waits for the spool. Linux's default (rmem_default, 208 KiB) holds
	// a few hundred.
	DefaultReadBuffer = 8 << 20
)

// Config configures one syslog source.
type Config struct {
	SourceID      string
	LogSourceType string
	// Listen is udp://host:port, tcp://host:port or tls://host:port. Port
	// 0 picks a free port (see Addr).
	Listen string
	// TLS is the server's certificate and key, required for tls://. When
	// TLS.CA is set, clients must present a certificate signed by it.
	TLS *pki.Files
	// Framing applies to TCP and TLS.
	Framing      Framing
	MaxLineBytes int
	// MaxConnections bounds concurrent TCP/TLS connections, and
	// MaxConnectionsPerAddress those from one address (an IPv6 /64).
	// When one is reached, the connection that has sent no whole message
	// for the longest is closed to make room; when all are senders the
	// new connection is closed (see connlimit).
	MaxConnections           int
	MaxConnectionsPerAddress int
	// IdleTimeout closes a TCP/TLS connection that delivered messages
	// and then sent nothing this long. Time spent held back by the spool
	// does not count.
	IdleTimeout time.Duration
	// FirstMessageTimeout closes a connection that delivered no whole
	// message this long after it was accepted (TLS handshake included).
	FirstMessageTimeout time.Duration
	// ReadBuffer is the UDP socket receive buffer to ask the kernel for
	// (DefaultReadBuffer when 0): what a burst may hold while the reader
	// catches up. The kernel caps it at net.core.rmem_max unless the
	// agent may exceed it (CAP_NET_ADMIN); the granted size is logged
	// when smaller, and in Stats.
	ReadBuffer int
	// BatchLines and BatchBytes bound one commit.
	BatchLines int
	BatchBytes int
	// FlushInterval is the longest a received line waits for its batch to
	// fill before it is committed.
	FlushInterval time.Duration
	// Retry paces commit retries while the store refuses.
	Retry backoff.Policy
	// Multiline joins the messages of one event, per TCP/TLS connection
	// (nil: every message is an event). The pattern sees each message as
	// it arrived, syslog header included. UDP refuses it.
	Multiline *multiline.Config
	// Now is the clock for collection times; time.Now when nil.
	Now func() time.Time
}

// Stats are a source's counters since it started.
type Stats struct {
	// Received is messages read from the network.
	Received uint64 `json:"received"`
	// Committed is messages committed to the store.
	Committed uint64 `json:"committed"`
	// DroppedUDP is datagrams dropped because the store could not take
	// them (spool full, or the spool slower than the senders).
	DroppedUDP uint64 `json:"dropped_udp"`
	// DroppedUDPKernel is datagrams the kernel dropped before the source
	// read them: its receive buffer (ReadBuffer) was full. Sent =
	// Received + DroppedUDPKernel, for what reached this host. Linux
	// only (the socket's drop counter); 0 elsewhere.
	DroppedUDPKernel uint64 `json:"dropped_udp_kernel"`
	// ReadBuffer is the UDP receive buffer the kernel granted (bytes).
	ReadBuffer int `json:"read_buffer,omitempty"`
	// Truncated is messages cut to max_line_bytes.
	Truncated uint64 `json:"truncated"`
	// Connections is TCP/TLS connections open now.
	Connections int64 `json:"connections"`
	// Rejected is connections closed as they arrived: a connection limit
	// was reached and every connection in the way was a sender.
	Rejected uint64 `json:"rejected"`
	// Reclaimed is connections that had sent no whole message, closed
	// to make room for new ones at a connection limit.
	Reclaimed uint64 `json:"reclaimed"`
}

// Source receives syslog on one address.
type Source struct {
	cfg    Config
	scheme string // udp, tcp or tls
	addr   string
	tls    *tls.Config
	store  source.Store
	logger hclog.Logger
	q      *queue

	mu       sync.Mutex
	listener *connlimit.Listener // tcp, tls
	packet   net.PacketConn      // udp

	received, committed, truncated atomic.Uint64
	conns                          atomic.Int64
	// drops counts datagrams the queue could not take; kernelDrops and
	// kernelLog those the kernel dropped.
	drops       dropLog
	kernelDrops dropCounter
	kernelLog   dropLog
	readBuffer  int // granted (udp)

	paused bool // the store refuses commits (committer goroutine only)
}

// New validates cfg and makes a source. Call Listen (optional) and Run.
func New(cfg Config, store source.Store, logger hclog.Logger) (*Source, error) {
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	scheme, addr, err := ParseListen(cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("syslog source %s: %w", cfg.SourceID, err)
	}
	if cfg.MaxLineBytes <= 0 {
		cfg.MaxLineBytes = source.DefaultMaxLineBytes
	}
	if cfg.Multiline != nil {
		if scheme == "udp" {
			return nil, fmt.Errorf("syslog source %s: multiline applies to tcp:// and tls:// (per connection), not to UDP datagrams", cfg.SourceID)
		}
		ml := *cfg.Multiline
		if err := ml.Validate(); err != nil {
			return nil, fmt.Errorf("syslog source %s: %w", cfg.SourceID, err)
		}
		cfg.Multiline = &ml
	}
	if cfg.MaxConnections <= 0 {
		cfg.MaxConnections = DefaultMaxConnections
	}
	if cfg.MaxConnectionsPerAddress <= 0 {
		cfg.MaxConnectionsPerAddress = DefaultMaxConnectionsPerAddress
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.ReadBuffer <= 0 {
		cfg.ReadBuffer = DefaultReadBuffer
	}
	if cfg.FirstMessageTimeout <= 0 {
		cfg.FirstMessageTimeout = DefaultFirstMessageTimeout
	}
	if cfg.BatchLines <= 0 {
		cfg.BatchLines = source.DefaultBatchLines
	}
	if cfg.BatchBytes <= 0 {
		cfg.BatchBytes = source.DefaultBatchBytes
	}
	if cfg.FlushInterval <= 0 {
		cfg.FlushInterval = DefaultFlushInterval
	}
	if cfg.Retry.Base <= 0 {
		cfg.Retry = backoff.Policy{Base: 100 * time.Millisecond, Max: 2 * time.Second, Jitter: 0.2}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Source{
		cfg:    cfg,
		scheme: scheme,
		addr:   addr,
		store:  store,
		logger: logger,
		// Room for two batches: one being committed, the next filling.
		q: newQueue(2*cfg.BatchLines, 2*cfg.BatchBytes),
	}
	s.drops = dropLog{logger: logger, msg: "spool cannot keep up: dropping UDP datagrams (UDP has no flow control; drops are counted)"}
	s.kernelLog = dropLog{logger: logger,
		msg: "the kernel dropped UDP datagrams before the agent read them: the socket's receive buffer was full (raise read_buffer; drops are counted)",
		kv:  func() []any { return []any{"read_buffer", s.readBuffer} }}
	switch {
	case scheme == "tls" && (cfg.TLS == nil || cfg.TLS.Cert == "" || cfg.TLS.Key == ""):
		return nil, fmt.Errorf("syslog source %s: tls:// needs a certificate and key", cfg.SourceID)
	case scheme != "tls" && cfg.TLS != nil:
		return nil, fmt.Errorf("syslog source %s: TLS files given for %s://: use tls://", cfg.SourceID, scheme)
	case scheme == "tls":
		s.tls, err = pki.ListenerConfig(*cfg.TLS, logger.Named("tls"))
		if err != nil {
			return nil, fmt.Errorf("syslog source %s: %w", cfg.SourceID, err)
		}
	}
	return s, nil
}

// ParseListen splits a listen address, udp://host:port, tcp://host:port or
// tls://host:port, into its scheme and host:port. An empty host means all
// interfaces.
func ParseListen(listen string) (scheme, addr string, err error) {
	scheme, addr, ok := strings.Cut(listen, "://")
	if !ok {
		return "", "", fmt.Errorf("listen %q must be udp://host:port, tcp://host:port or tls://host:port", listen)
	}
	switch scheme {
	case "udp", "tcp", "tls":
	default:
		return "", "", fmt.Errorf("listen %q: scheme %q is not udp, tcp or tls", listen, scheme)
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", "", fmt.Errorf("listen %q: not host:port: %w", listen, err)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return "", "", fmt.Errorf("listen %q: port %q is not a number between 0 and 65535", listen, port)
	}
	return scheme, addr, nil
}

// Listen binds the address. Run calls it when it was not called before;
// calling it first lets a caller learn the address (Addr) before Run.
func (s *Source) Listen() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.listener != nil || s.packet != nil {
		return nil
	}
	if s.scheme == "udp" {
		pc, err := net.ListenPacket("udp", s.addr)
		if err != nil {
			return fmt.Errorf("syslog source %s: %w", s.cfg.SourceID, err)
		}
		if uc, ok := pc.(*net.UDPConn); ok {
			s.readBuffer, err = s.setReadBuffer(uc, s.cfg.ReadBuffer)
			if err != nil {
				_ = pc.Close()
				return fmt.Errorf("syslog source %s: %w", s.cfg.SourceID, err)
			}
			if rc, err := uc.SyscallConn(); err == nil {
				if err := s.kernelDrops.start(rc); err != nil {
					s.logger.Warn("cannot read the UDP socket's drop counter: datagrams the kernel drops go uncounted", "error", err)
				}
			}
		}
		s.packet = pc
		return nil
	}
	l, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("syslog source %s: %w", s.cfg.SourceID, err)
	}
	s.listener = connlimit.New(l, connlimit.Config{
		Max:               s.cfg.MaxConnections,
		PerAddress:        s.cfg.MaxConnectionsPerAddress,
		MaxSetting:        "max_connections",
		PerAddressSetting: "max_connections_per_address",
		Logger:            s.logger,
	})
	return nil
}

// Addr is the bound address, nil before Listen.
func (s *Source) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.listener != nil:
		return s.listener.Addr()
	case s.packet != nil:
		return s.packet.LocalAddr()
	}
	return nil
}

// ID is the source's id.
func (s *Source) ID() string { return s.cfg.SourceID }

// Stats returns the source's counters.
func (s *Source) Stats() Stats {
	st := Stats{
		Received:         s.received.Load(),
		Committed:        s.committed.Load(),
		DroppedUDP:       s.drops.total.Load(),
		DroppedUDPKernel: s.kernelDrops.poll(),
		Truncated:        s.truncated.Load(),
		Connections:      s.conns.Load(),
	}
	s.mu.Lock()
	l := s.listener
	st.ReadBuffer = s.readBuffer
	s.mu.Unlock()
	if l != nil {
		ls := l.Stats()
		st.Rejected, st.Reclaimed = ls.Refused, ls.Reclaimed
	}
	return st
}

// Run receives until ctx is done, then closes the socket and every
// connection, commits what was read if the store takes it, and returns
// once all its goroutines have ended. It fails only when it cannot listen.
func (s *Source) Run(ctx context.Context) error {
	if err := s.Listen(); err != nil {
		return err
	}
	s.mu.Lock()
	l, pc := s.listener, s.packet
	s.mu.Unlock()
	if pc != nil {
		s.logger.Info("syslog source listening", "listen", s.cfg.Listen, "addr", s.Addr().String(), "read_buffer", s.readBuffer)
	} else {
		s.logger.Info("syslog source listening", "listen", s.cfg.Listen, "addr", s.Addr().String(), "framing", s.cfg.Framing.String(),
			"max_connections", s.cfg.MaxConnections, "max_connections_per_address", s.cfg.MaxConnectionsPerAddress)
	}

	// Closing the sockets is what ends blocked Accept and Read calls.
	stop := context.AfterFunc(ctx, func() {
		if l != nil {
			_ = l.Close()
		}
		if pc != nil {
			// What the kernel dropped up to now is counted first.
			s.kernelDrops.stop()
			_ = pc.Close()
		}
	})
	defer stop()

	readersDone := make(chan struct{})
	committerDone := make(chan struct{})
	go func() {
		defer close(committerDone)
		s.commitLoop(ctx, readersDone)
	}()
	if pc != nil {
		s.readUDP(ctx, pc)
	} else {
		s.serveTCP(ctx, l)
	}
	close(readersDone)
	<-committerDone
	s.countKernelDrops()
	s.drops.flush()
	s.kernelLog.flush()
	st := s.Stats()
	kv := []any{"received", st.Received, "committed", st.Committed, "truncated", st.Truncated}
	if pc != nil {
		kv = append(kv, "dropped_udp", st.DroppedUDP, "dropped_udp_kernel", st.DroppedUDPKernel, "read_buffer", st.ReadBuffer)
	} else {
		kv = append(kv, "rejected", st.Rejected, "reclaimed", st.Reclaimed)
	}
	s.logger.Info("syslog source stopped", kv...)
	return nil
}

// countKernelDrops logs what the kernel dropped since the last call.
// The committer calls it every flush tick, Run once at the end.
func (s *Source) countKernelDrops() {
	s.kernelLog.add(s.kernelDrops.poll() - s.kernelLog.total.Load())
}

// count updates the receive counters for lines read.
func (s *Source) count(lines []source.Line) {
	s.received.Add(uint64(len(lines)))
	for _, l := range lines {
		if l.Truncated {
			s.truncated.Add(1)
		}
	}
}

// isClosed reports an error from a socket closed under a blocked call.
func isClosed(err error) bool {
	return errors.Is(err, net.ErrClosed)
}
