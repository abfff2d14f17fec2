// Package uplink streams the agent's spool to a mediator over one gRPC
// bidirectional stream, keeps a window of batches in flight, and removes
// entries from the spool only when the mediator acknowledged them. It picks
// the mediator from the ordered list and moves on when one fails, refuses,
// suspends or shuts down.
//
// Run (this file) chooses the mediator; open (handshake.go) makes a
// session with one, and the session (session.go) sends the spool's
// batches and applies what comes back (receive.go), watched for a dead
// stream (watchdog.go). Its window of unacknowledged batches is in
// window.go, the gathering of spool records into messages in batches.go,
// the pacing after a Throttle in pacing.go, the stall report in stall.go
// and the gRPC connections in conns.go.
package uplink

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc"

	"github.com/sluicehq/sluice/agent/failover"
	"github.com/sluicehq/sluice/pkg/backoff"
	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/queue"
	"github.com/sluicehq/sluice/pkg/wirecompress"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// Sentinel errors describing why a session ended; callers branch on them
// with errors.Is.
var (
	ErrMaxAgents = errors.New("mediator refused: max agents reached")
	ErrSuspense  = errors.New("mediator in suspense")
	ErrShutdown  = errors.New("mediator shutting down")
	ErrAuth      = errors.New("mediator refused our credentials")
	// ErrDuplicateIdentity: the mediator serves a live stream of this
	// agent id from another spool (a cloned host or certificate, a second
	// install). The entries stay in the spool; the uplink backs off and
	// retries, and delivers once that stream is gone.
	ErrDuplicateIdentity = errors.New("mediator refused: this agent id is connected from another spool")
	ErrHandshakeTimeout  = errors.New("mediator did not answer the handshake in time")
	ErrAckTimeout        = errors.New("mediator did not acknowledge in time")
)

// Spool is what the uplink needs of the agent's spool. Records are
// encoded LogBatches, sent as they are (LogBatch.packed).
type Spool interface {
	ReadRecords(from uint64, max, maxBytes int) ([]queue.Record, error)
	Ack(through uint64) error
	Notify() <-chan struct{}
	Depth() int64
	NextSeq() uint64
	// FirstSeq is the oldest unacknowledged sequence (0 when empty).
	FirstSeq() uint64
}

// Config configures the uplink.
type Config struct {
	AgentID      string
	Organization string
	Hostname     string
	Version      string
	// Host is what the agent knows of its host, sent in each hello
	// (nil: nothing).
	Host *sluicev1.AgentHost
	// Incarnation is the spool's (spool.Incarnation),
	// said in every hello: the mediator acknowledges entries as held only
	// on the strength of this spool's, and refuses a second live stream of
	// the agent id from another spool. "" (tests): none. Logs name the
	// spool by its tag (event.SpoolTag), never by its incarnation.
	Incarnation string
	// Mediators is the ordered list of mediator addresses.
	Mediators []string

	// BatchEntries and BatchBytes bound one message: consecutive spool
	// records are sent together up to them.
	BatchEntries int
	BatchBytes   int
	Window       int
	// BatchLinger is how long after a small batch the next small batch
	// waits, gathering what arrives meanwhile (0: send at once). A host
	// with several quiet sources then sends a few messages a second, not
	// one per source poll, and the mediator pays its per-batch cost
	// (a commit, an acknowledgement) that much less often.
	BatchLinger       time.Duration
	HeartbeatInterval time.Duration
	HandshakeTimeout  time.Duration
	AckTimeout        time.Duration
	// Backoff spaces out full rounds of failed attempts.
	Backoff backoff.Policy
	// FailbackDelay, LoadBalanceDelay: 0 disables (docs/architecture.md,
	// "Choosing a mediator").
	FailbackDelay    time.Duration
	LoadBalanceDelay time.Duration
	// FailbackJitter and LoadBalanceJitter bound the random extra wait
	// before a probe; zero values mean LogRhythm's 1–30 s and 1–30 min.
	FailbackJitter    [2]time.Duration
	LoadBalanceJitter [2]time.Duration
	// ReconnectJitter bounds the random wait after a session is lost.
	ReconnectJitter time.Duration
	// DrainTimeout bounds how long a switch waits for in-flight batches
	// to be acknowledged by the mediator being left.
	DrainTimeout time.Duration
	// Compression is the gRPC compressor streams are opened with
	// (pkg/wirecompress: "zstd", "s2", "gzip"); "" or "none" sends
	// uncompressed. A mediator without it gets the stream uncompressed.
	Compression string
	// DialOptions carry transport credentials; plaintext when empty.
	DialOptions []grpc.DialOption
	// StallWarning is how long the spool may hold entries, with a
	// mediator connected, without any being acknowledged before the
	// uplink reports itself stalled (log, heartbeat); 0 disables.
	StallWarning time.Duration
}

// Status is the uplink's view of where it sends.
//
// Current is where the agent sends now. Last is the mediator it was on
// before that one, so after a failover, failback or load-balancing move
// the pair says where the agent came from and where it went. A reconnect
// to the same mediator is no move and leaves Last alone; while between
// sessions Current is empty and Last still names the mediator before the
// one just lost (the log line of the loss names that one).
//
// LogRhythm's "Last Data Processor" column shows the data processor the
// agent last sent data to. That is Current here while connected, and
// heartbeats are only sent while connected, so ARM shows a heartbeat's
// current_mediator (kept after the agent goes silent) in that column and
// last_mediator as the previous one.
type Status struct {
	// Current is the mediator the agent is connected to ("" when none).
	Current string
	// Last is the mediator the agent was connected to before Current (""
	// until the agent has moved once).
	Last string
	// CurrentID and LastID are those mediators' ids (from their Welcome);
	// heartbeats carry these names (current_mediator, last_mediator) and
	// the "data processor changed" log line the same.
	CurrentID, LastID string
	// Connected is when the current session was accepted.
	Connected time.Time
	// LastAck is when the last acknowledgement arrived.
	LastAck time.Time
}

// Uplink delivers the spool to mediators.
type Uplink struct {
	cfg    Config
	spool  Spool
	logger hclog.Logger

	mu     sync.Mutex
	status Status
	// recent and recentID are the mediator of the latest session, kept
	// across a disconnection: the Last of the next switch.
	recent, recentID string
	conns            map[string]*grpc.ClientConn
	throttleLog      *throttleLog

	// acks counts acknowledgements (the progress the stall watch
	// follows); inflight is the batches sent and not yet acknowledged;
	// stalled is why the uplink is stalled (nil while it moves).
	acks     atomic.Uint64
	inflight atomic.Int64
	stalled  atomic.Pointer[string]

	// sent and acked count batches (messages) sent and acknowledged;
	// the rest of the counters are under mu (see Counters).
	sent, acked atomic.Uint64
	counters    Counters

	// wire counts the bytes sent, before and after compression;
	// fallbacks the sessions opened uncompressed because the mediator
	// lacked the compressor, fellBack (under mu) the addresses that did
	// (their next fallback logs at debug level); compression is the
	// current session's ("" between sessions).
	wire        wirecompress.Bytes
	fallbacks   atomic.Uint64
	fellBack    map[string]bool
	compression atomic.Pointer[string]
}

// Counters are the uplink's counts since it started, for the agent's
// /v1/status and /metrics. The maps are keyed by reason: a
// failover.Outcome ("unreachable", "max_agents", "suspense", "shutdown",
// "refused") or "ack_timeout" for sessions and attempts, the probe's kind
// ("failback", "load_balance") for switches.
type Counters struct {
	// BatchesSent and BatchesAcked are batch messages sent to mediators
	// and acknowledged by them (resent batches count again); Acks is the
	// acknowledgements received (one may cover several batches).
	BatchesSent  uint64 `json:"batches_sent"`
	BatchesAcked uint64 `json:"batches_acknowledged"`
	Acks         uint64 `json:"acks"`
	// Inflight is the batches sent and not yet acknowledged.
	Inflight int64 `json:"inflight"`
	// Sessions is the sessions established (the first connection, and
	// every reconnection or switch after it).
	Sessions uint64 `json:"sessions"`
	// ConnectFailures are attempts to open a session that failed.
	ConnectFailures map[string]uint64 `json:"connect_failures,omitempty"`
	// SessionsLost are established sessions that ended, each followed by
	// a failover (to the next mediator in order, or the same one again).
	SessionsLost map[string]uint64 `json:"sessions_lost,omitempty"`
	// Switches are moves to a better mediator while connected.
	Switches map[string]uint64 `json:"switches,omitempty"`
	// Compression is what the current session sends with ("zstd",
	// "none" when the mediator does not accept the configured one; ""
	// while not connected).
	Compression string `json:"compression"`
	// MessageBytesSent and WireBytesSent are the bytes of the messages
	// sent to mediators before compression and on the wire (compressed,
	// with gRPC's message headers): their ratio is what compression
	// saves.
	MessageBytesSent uint64 `json:"message_bytes_sent"`
	WireBytesSent    uint64 `json:"wire_bytes_sent"`
	// CompressionFallbacks counts the sessions opened uncompressed
	// because the mediator did not accept the configured compression.
	CompressionFallbacks uint64 `json:"compression_fallbacks"`
	// LastError is the latest failed attempt or lost session, and when.
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitempty"`
}

// New makes an uplink.
func New(cfg Config, spool Spool, logger hclog.Logger) (*Uplink, error) {
	if len(cfg.Mediators) == 0 {
		return nil, errors.New("uplink: no mediators configured")
	}
	if cfg.BatchEntries <= 0 {
		cfg.BatchEntries = 8000
	}
	if cfg.BatchBytes <= 0 {
		cfg.BatchBytes = 4 << 20
	}
	if cfg.Window <= 0 {
		cfg.Window = 8
	}
	if cfg.HeartbeatInterval <= 0 {
		cfg.HeartbeatInterval = 30 * time.Second
	}
	if cfg.HandshakeTimeout <= 0 {
		cfg.HandshakeTimeout = 10 * time.Second
	}
	if cfg.AckTimeout <= 0 {
		cfg.AckTimeout = 60 * time.Second
	}
	if cfg.Backoff == (backoff.Policy{}) {
		cfg.Backoff = backoff.Default
	}
	if cfg.DrainTimeout <= 0 {
		cfg.DrainTimeout = 5 * time.Second
	}
	return &Uplink{cfg: cfg, spool: spool, logger: logger, conns: map[string]*grpc.ClientConn{}, throttleLog: newThrottleLog(), fellBack: map[string]bool{}}, nil
}

// Status reports the current and last mediator.
func (u *Uplink) Status() Status {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.status
}

// Counters reports the uplink's counts (a copy).
func (u *Uplink) Counters() Counters {
	u.mu.Lock()
	c := u.counters
	c.ConnectFailures = maps.Clone(c.ConnectFailures)
	c.SessionsLost = maps.Clone(c.SessionsLost)
	c.Switches = maps.Clone(c.Switches)
	u.mu.Unlock()
	c.BatchesSent, c.BatchesAcked, c.Acks = u.sent.Load(), u.acked.Load(), u.acks.Load()
	c.Inflight = u.inflight.Load()
	if p := u.compression.Load(); p != nil {
		c.Compression = *p
	}
	c.MessageBytesSent, c.WireBytesSent = u.wire.Message(), u.wire.Wire()
	c.CompressionFallbacks = u.fallbacks.Load()
	return c
}

// ReasonAckTimeout is the reason counted for an attempt or session that
// ended waiting for an acknowledgement (beside failover.Outcome's names).
const ReasonAckTimeout = "ack_timeout"

// countEnd counts a failed attempt (into ConnectFailures) or a lost
// session (into SessionsLost) and keeps it as the last error.
func (u *Uplink) countEnd(lost bool, addr string, err error) {
	reason := outcome(err).String()
	if errors.Is(err, ErrAckTimeout) {
		reason = ReasonAckTimeout
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	m := &u.counters.ConnectFailures
	if lost {
		m = &u.counters.SessionsLost
	}
	if *m == nil {
		*m = map[string]uint64{}
	}
	(*m)[reason]++
	u.counters.LastError, u.counters.LastErrorAt = fmt.Sprintf("%s: %v", addr, err), time.Now()
}

// countSwitch counts a move to a better mediator.
func (u *Uplink) countSwitch(kind string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.counters.Switches == nil {
		u.counters.Switches = map[string]uint64{}
	}
	u.counters.Switches[kind]++
}

// Run delivers until ctx is done, moving between mediators as the
// failover selector decides.
func (u *Uplink) Run(ctx context.Context) error {
	defer u.closeConns()
	if u.cfg.StallWarning > 0 {
		wctx, stopWatch := context.WithCancel(ctx)
		watched := make(chan struct{})
		go func() {
			defer close(watched)
			u.watchStall(wctx, min(u.cfg.StallWarning/4, 5*time.Second))
		}()
		defer func() { stopWatch(); <-watched }()
	}
	fc := failover.DefaultConfig(len(u.cfg.Mediators))
	fc.FailbackDelay = u.cfg.FailbackDelay
	fc.LoadBalanceDelay = u.cfg.LoadBalanceDelay
	fc.Backoff = u.cfg.Backoff
	fc.ReconnectJitter = u.cfg.ReconnectJitter
	if u.cfg.FailbackJitter != [2]time.Duration{} {
		fc.FailbackJitter = u.cfg.FailbackJitter
	}
	if u.cfg.LoadBalanceJitter != [2]time.Duration{} {
		fc.LoadBalanceJitter = u.cfg.LoadBalanceJitter
	}
	sel := failover.New(fc)
	for ctx.Err() == nil {
		idx, wait := sel.Next()
		if wait > 0 {
			u.logger.Debug("waiting before the next connection attempt", "delay", wait.String(), "mediator", u.cfg.Mediators[idx])
			if !sleep(ctx, wait) {
				return nil
			}
		}
		c, err := u.open(ctx, u.cfg.Mediators[idx])
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if errors.Is(err, ErrDuplicateIdentity) {
				u.logDuplicate(u.cfg.Mediators[idx], err)
			} else {
				u.logger.Warn("mediator did not accept us; trying the next in order", "mediator", u.cfg.Mediators[idx], "reason", err)
			}
			u.countEnd(false, u.cfg.Mediators[idx], err)
			sel.Failed(idx, outcome(err))
			continue
		}
		for c != nil {
			sel.Connected(idx, time.Now())
			u.setStatus(c.addr, c.welcome.GetMediatorId())
			u.compression.Store(&c.compression)
			next, nextIdx, err := c.serve(ctx, sel)
			if next == nil {
				u.setStatus("", "")
				u.compression.Store(nil)
				if ctx.Err() != nil {
					return nil
				}
				u.logger.Warn("mediator session ended; failing over", "mediator", c.addr, "reason", err)
				u.countEnd(true, c.addr, err)
				if errors.Is(err, ErrAckTimeout) {
					// The connection under a dead stream is dead too (a
					// half-open TCP connection): dial afresh rather than
					// open the next stream on it.
					u.dropConn(c.addr)
				}
				sel.Lost(idx, outcome(err), time.Now())
				break
			}
			c, idx = next, nextIdx
		}
	}
	return nil
}

// logDuplicate says, at error level, that a mediator refused this agent
// because its id is connected from another spool: someone must give one
// of the two hosts its own id. Nothing is lost meanwhile, and the log says
// so, with what waits.
func (u *Uplink) logDuplicate(addr string, err error) {
	u.logger.Error("DUPLICATE AGENT IDENTITY: the mediator refused this agent: its id is connected there from another spool. "+
		"Nothing is lost: entries stay in this agent's spool until a mediator acknowledges them, and it keeps retrying (backing off). "+
		"Give each agent its own id (and certificate)",
		"mediator", addr, "agent", u.cfg.AgentID, "spool", event.SpoolTag(u.cfg.Incarnation),
		"spool_depth", u.spool.Depth(), "spool_first_seq", u.spool.FirstSeq(), "reason", err)
}

// outcome maps a session error to what the selector needs to know.
func outcome(err error) failover.Outcome {
	switch {
	case errors.Is(err, ErrMaxAgents):
		return failover.MaxAgents
	case errors.Is(err, ErrSuspense):
		return failover.Suspense
	case errors.Is(err, ErrShutdown):
		return failover.Shutdown
	case errors.Is(err, ErrAuth), errors.Is(err, ErrDuplicateIdentity):
		return failover.Refused
	}
	return failover.Unreachable
}

// sleep waits d, or until ctx is done (false).
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// setStatus records the mediator of a new session (current is its
// address, id its Welcome's mediator id), or none ("").
func (u *Uplink) setStatus(current, id string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if current == "" {
		u.status.Current, u.status.CurrentID = "", ""
		return
	}
	if id == "" {
		id = current
	}
	// Mediators are told apart by id (what heartbeats carry); two
	// addresses of one mediator are no move.
	if u.recentID != "" && u.recentID != id {
		u.status.Last, u.status.LastID = u.recent, u.recentID
		u.logger.Info("data processor changed", "last_mediator", u.status.LastID, "current_mediator", id, "address", current, "last_address", u.status.Last)
	} else if u.recentID == "" {
		u.logger.Info("data processor", "current_mediator", id, "address", current)
	}
	u.recent, u.recentID = current, id
	u.counters.Sessions++
	u.status.Current, u.status.CurrentID = current, id
	u.status.Connected = time.Now()
}
