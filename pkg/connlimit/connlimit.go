// Package connlimit bounds the connections a listener holds open, in total
// and per client address, so that neither one client nor a crowd of
// clients that connect and send nothing can take every slot.
//
// A connection is either busy (serving a request, streaming messages) or
// reclaimable: it has not proven itself yet (connected, no request or
// message so far) or it waits idle between requests (an HTTP keep-alive).
// When a limit is reached, the connection reclaimable the longest is
// closed to make room for the new one, the way nginx drains its idle
// keep-alives when it runs out of connections; only when every
// connection in the way is busy is the new one refused (closed at once).
// So a thousand slow senders holding one byte each cannot keep a
// legitimate sender out, and busy connections are never cut.
//
// One Listener serves the mediator's and ARM's HTTP APIs, the agent's
// webhook intake (through ConnState) and the syslog TCP/TLS source
// (through Busy).
package connlimit

import (
	"net"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/pkg/logging"
)

// Defaults shared by the HTTP servers: how long a client may take to send
// its request headers, and how long an idle keep-alive connection is kept.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	// DefaultIdleTimeout is above the 90 s after which Go's and most
	// other HTTP clients close their own idle connections, so the client
	// usually closes first and a request is rarely sent on a connection
	// the server is closing.
	DefaultIdleTimeout = 2 * time.Minute
	// DefaultMaxHTTP and DefaultMaxHTTPPerAddress bound an HTTP server's
	// connections: far more than a CLI, a dashboard or a fleet of
	// webhook senders keep open, far fewer than the file descriptors a
	// daemon has (Go raises the soft limit to the hard one, 524288 under
	// systemd), and one address gets a sixteenth of them.
	DefaultMaxHTTP           = 1024
	DefaultMaxHTTPPerAddress = 64
	// MaxLimit bounds the settings: a connection is a file descriptor
	// and some memory.
	MaxLimit = 1 << 20
)

// Reason says why a connection was refused or reclaimed.
type Reason string

// Reasons.
const (
	// ReasonMax: Max connections were open.
	ReasonMax Reason = "max"
	// ReasonPerAddress: PerAddress connections from the same address
	// were open.
	ReasonPerAddress Reason = "per_address"
)

// Config bounds a Listener.
type Config struct {
	// Max is the most connections open at once (0: no limit).
	Max int
	// PerAddress is the most connections open at once from one client
	// address (0: no limit). IPv6 clients are counted per /64: that is
	// what one host, or one customer, is usually given.
	PerAddress int
	// MaxSetting and PerAddressSetting name the settings in log messages
	// ("max_connections"; defaults "max" and "per_address").
	MaxSetting, PerAddressSetting string
	// Logger receives refusals and reclaims, at most once per LogEvery
	// each (a flood must not flood the log).
	Logger   hclog.Logger
	LogEvery time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Stats are a Listener's counters.
type Stats struct {
	// Open is connections open now.
	Open int `json:"open"`
	// Refused is connections closed at once because a limit was reached
	// and every connection in the way was busy.
	Refused uint64 `json:"refused"`
	// Reclaimed is reclaimable connections closed to make room.
	Reclaimed uint64 `json:"reclaimed"`
}

// Listener is a net.Listener that enforces Config. Accept never returns a
// connection over a limit.
type Listener struct {
	net.Listener
	cfg Config

	mu      sync.Mutex
	conns   map[*conn]struct{}
	perAddr map[netip.Prefix]int

	refused, reclaimed    atomic.Uint64
	refuseLog, reclaimLog logging.Limiter
}

// New wraps l.
func New(l net.Listener, cfg Config) *Listener {
	if cfg.Logger == nil {
		cfg.Logger = hclog.NewNullLogger()
	}
	if cfg.LogEvery <= 0 {
		cfg.LogEvery = time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxSetting == "" {
		cfg.MaxSetting = "max"
	}
	if cfg.PerAddressSetting == "" {
		cfg.PerAddressSetting = "per_address"
	}
	return &Listener{
		Listener:   l,
		cfg:        cfg,
		conns:      map[*conn]struct{}{},
		perAddr:    map[netip.Prefix]int{},
		refuseLog:  logging.Limiter{Every: cfg.LogEvery},
		reclaimLog: logging.Limiter{Every: cfg.LogEvery},
	}
}

// Accept waits for the next connection that fits the limits. Connections
// that do not fit are closed here and never returned.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if lc := l.admit(c); lc != nil {
			return lc, nil
		}
	}
}

// Stats returns the counters.
func (l *Listener) Stats() Stats {
	l.mu.Lock()
	open := len(l.conns)
	l.mu.Unlock()
	return Stats{Open: open, Refused: l.refused.Load(), Reclaimed: l.reclaimed.Load()}
}

// Busy marks c (a connection Accept returned, or one wrapping it such as a
// *tls.Conn) as doing work: it is not reclaimed.
func (l *Listener) Busy(c net.Conn) { l.mark(c, true) }

// Idle marks c reclaimable again (it waits for its next request).
func (l *Listener) Idle(c net.Conn) { l.mark(c, false) }

// ConnState is an http.Server's ConnState hook: a connection is busy
// while it serves a request (or was hijacked), reclaimable before its
// first request and between requests.
func (l *Listener) ConnState(c net.Conn, s http.ConnState) {
	switch s {
	case http.StateNew, http.StateIdle:
		l.Idle(c)
	case http.StateActive, http.StateHijacked:
		l.Busy(c)
	}
}

func (l *Listener) mark(c net.Conn, busy bool) {
	lc := unwrap(c)
	if lc == nil || lc.l != l {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if lc.busy != busy {
		lc.busy = busy
		lc.since = l.cfg.Now()
	}
}

// unwrap finds our conn under wrappers such as *tls.Conn.
func unwrap(c net.Conn) *conn {
	for c != nil {
		switch x := c.(type) {
		case *conn:
			return x
		case interface{ NetConn() net.Conn }:
			c = x.NetConn()
		default:
			return nil
		}
	}
	return nil
}

// admit registers c if it fits, reclaiming connections in its way, or
// closes it and returns nil.
func (l *Listener) admit(c net.Conn) *conn {
	key := addressKey(c.RemoteAddr())
	now := l.cfg.Now()
	l.mu.Lock()
	// One victim at most: reclaiming a connection of the same address
	// also makes room under Max.
	var victim *conn
	why := ReasonPerAddress
	if l.cfg.PerAddress > 0 && l.perAddr[key] >= l.cfg.PerAddress {
		victim = l.oldestIdle(func(x *conn) bool { return x.key == key })
		if victim == nil {
			l.mu.Unlock()
			l.refuse(c, ReasonPerAddress, now)
			return nil
		}
		l.forget(victim)
	} else if l.cfg.Max > 0 && len(l.conns) >= l.cfg.Max {
		why = ReasonMax
		victim = l.oldestIdle(nil)
		if victim == nil {
			l.mu.Unlock()
			l.refuse(c, ReasonMax, now)
			return nil
		}
		l.forget(victim)
	}
	lc := &conn{Conn: c, l: l, key: key, since: now}
	l.conns[lc] = struct{}{}
	l.perAddr[key]++
	l.mu.Unlock()

	if victim != nil {
		// Counted before the close, so a peer that sees the close sees the count.
		l.reclaimed.Add(1)
		_ = victim.Conn.Close()
		if n := l.reclaimLog.Allow(now); n >= 0 {
			setting, limit := l.limit(why)
			l.cfg.Logger.Warn("connection limit reached: closing connections that sent nothing yet or wait idle, oldest first, to make room",
				logging.Suppressed([]any{"limit", setting, "value", limit, "closed_remote", victim.RemoteAddr().String(), "new_remote", c.RemoteAddr().String(), "reclaimed_total", l.reclaimed.Load()}, n)...)
		}
	}
	return lc
}

// oldestIdle is the reclaimable connection (matching match, when given)
// that has been reclaimable the longest, or nil. A linear scan: it runs
// only when a limit is reached, over at most Max connections.
func (l *Listener) oldestIdle(match func(*conn) bool) *conn {
	var best *conn
	for c := range l.conns {
		if c.busy || (match != nil && !match(c)) {
			continue
		}
		if best == nil || c.since.Before(best.since) {
			best = c
		}
	}
	return best
}

// forget removes c from the counts (l.mu held). It is idempotent.
func (l *Listener) forget(c *conn) {
	if _, ok := l.conns[c]; !ok {
		return
	}
	delete(l.conns, c)
	if l.perAddr[c.key]--; l.perAddr[c.key] <= 0 {
		delete(l.perAddr, c.key)
	}
}

func (l *Listener) refuse(c net.Conn, why Reason, now time.Time) {
	// Counted before the close, so a peer that sees the close sees the count.
	l.refused.Add(1)
	_ = c.Close()
	if n := l.refuseLog.Allow(now); n >= 0 {
		setting, limit := l.limit(why)
		l.cfg.Logger.Warn("connection limit reached and every connection in the way is busy: refusing new connections",
			logging.Suppressed([]any{"limit", setting, "value", limit, "remote", c.RemoteAddr().String(), "refused_total", l.refused.Load()}, n)...)
	}
}

// limit names the setting behind a reason, and its value.
func (l *Listener) limit(why Reason) (string, int) {
	if why == ReasonPerAddress {
		return l.cfg.PerAddressSetting, l.cfg.PerAddress
	}
	return l.cfg.MaxSetting, l.cfg.Max
}

// conn releases its slot when closed.
type conn struct {
	net.Conn
	l    *Listener
	key  netip.Prefix
	once sync.Once

	// Guarded by l.mu.
	busy  bool
	since time.Time // when it became reclaimable (or busy)
}

func (c *conn) Close() error {
	c.once.Do(func() {
		c.l.mu.Lock()
		c.l.forget(c)
		c.l.mu.Unlock()
	})
	return c.Conn.Close()
}

// addressKey is what PerAddress counts by: the IPv4 address, or the /64
// of an IPv6 address. Addresses that are not IP (unix sockets, tests)
// share one key.
func addressKey(a net.Addr) netip.Prefix {
	var ip netip.Addr
	switch x := a.(type) {
	case *net.TCPAddr:
		ip, _ = netip.AddrFromSlice(x.IP)
	default:
		if ap, err := netip.ParseAddrPort(a.String()); err == nil {
			ip = ap.Addr()
		}
	}
	ip = ip.Unmap()
	if !ip.IsValid() {
		return netip.Prefix{}
	}
	bits := 32
	if ip.Is6() {
		bits = 64
	}
	p, _ := ip.Prefix(bits)
	return p
}
