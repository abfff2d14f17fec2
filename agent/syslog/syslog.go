// Package syslog is the agent's network source: it receives syslog
// messages over UDP, TCP or TLS (RFC 3164 and RFC 5424 alike, as lines;
// the mediator's rules parse them) and commits them to the spool.
//
// A TCP or TLS message counts as accepted once it is committed. While the
// spool pushes back, connections stop reading their sockets, so TCP flow
// control holds the senders back and nothing read is lost. UDP has no flow
// control: what arrives while the spool cannot take it is dropped and
// counted (Stats), never silently (DESIGN.md §1).
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
	"github.com/sluicehq/sluice/pkg/pki"
)

// Defaults.
const (
	DefaultMaxConnections = 1024
	DefaultIdleTimeout    = 5 * time.Minute
	DefaultFlushInterval  = 50 * time.Millisecond
	// handshakeTimeout bounds a TLS handshake, so a client that connects
	// and says nothing does not hold a connection slot.
	handshakeTimeout = 10 * time.Second
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
	// MaxConnections bounds concurrent TCP/TLS connections; more are
	// closed as they arrive.
	MaxConnections int
	// IdleTimeout closes a TCP/TLS connection that sent nothing this long.
	// Time spent held back by the spool does not count.
	IdleTimeout time.Duration
	// UDPBuffer is the socket receive buffer to request (0: the system's).
	UDPBuffer int
	// BatchLines and BatchBytes bound one commit.
	BatchLines int
	BatchBytes int
	// FlushInterval is the longest a received line waits for its batch to
	// fill before it is committed.
	FlushInterval time.Duration
	// Retry paces commit retries while the store refuses.
	Retry backoff.Policy
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
	// Truncated is messages cut to max_line_bytes.
	Truncated uint64 `json:"truncated"`
	// Connections is TCP/TLS connections open now.
	Connections int64 `json:"connections"`
	// Rejected is connections closed because max_connections were open.
	Rejected uint64 `json:"rejected"`
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
	listener net.Listener   // tcp, tls
	packet   net.PacketConn // udp

	received, committed, truncated, rejected atomic.Uint64
	conns                                    atomic.Int64
	drops                                    dropLog

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
		cfg.MaxLineBytes = 64 << 10
	}
	if cfg.MaxConnections <= 0 {
		cfg.MaxConnections = DefaultMaxConnections
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.BatchLines <= 0 {
		cfg.BatchLines = 2000
	}
	if cfg.BatchBytes <= 0 {
		cfg.BatchBytes = 1 << 20
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
	s.drops.logger = logger
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
		if s.cfg.UDPBuffer > 0 {
			if uc, ok := pc.(*net.UDPConn); ok {
				if err := uc.SetReadBuffer(s.cfg.UDPBuffer); err != nil {
					_ = pc.Close()
					return fmt.Errorf("syslog source %s: udp_buffer: %w", s.cfg.SourceID, err)
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
	s.listener = l
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
	return Stats{
		Received:    s.received.Load(),
		Committed:   s.committed.Load(),
		DroppedUDP:  s.drops.total.Load(),
		Truncated:   s.truncated.Load(),
		Connections: s.conns.Load(),
		Rejected:    s.rejected.Load(),
	}
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
	s.logger.Info("syslog source listening", "listen", s.cfg.Listen, "addr", s.Addr().String(), "framing", s.cfg.Framing.String())

	// Closing the sockets is what ends blocked Accept and Read calls.
	stop := context.AfterFunc(ctx, func() {
		if l != nil {
			_ = l.Close()
		}
		if pc != nil {
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
	s.drops.flush()
	st := s.Stats()
	s.logger.Info("syslog source stopped", "received", st.Received, "committed", st.Committed, "dropped_udp", st.DroppedUDP, "truncated", st.Truncated)
	return nil
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
