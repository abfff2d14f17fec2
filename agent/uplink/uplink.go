// Package uplink streams the agent's spool to a mediator over one gRPC
// bidirectional stream, keeps a window of batches in flight, and removes
// entries from the spool only when the mediator acknowledged them. It picks
// the mediator from the ordered list and moves on when one fails, refuses,
// suspends or shuts down.
package uplink

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sluicehq/sluice/agent/failover"
	"github.com/sluicehq/sluice/pkg/backoff"
	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/queue"
	"github.com/sluicehq/sluice/pkg/refusal"
	"github.com/sluicehq/sluice/pkg/stall"
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
	// Incarnation and IncarnationSince are the spool's (spool.Incarnation),
	// said in every hello: the mediator acknowledges entries as held only
	// on the strength of this spool's, and refuses a second live stream of
	// the agent id from another spool. "" (tests): none. Logs name the
	// spool by its tag (event.SpoolTag), never by its incarnation.
	Incarnation      string
	IncarnationSince uint64
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
	throttleLog      throttleLog
	conns            map[string]*grpc.ClientConn

	// acks counts acknowledgements (the progress the stall watch
	// follows); inflight is the batches sent and not yet acknowledged;
	// stalled is why the uplink is stalled (nil while it moves).
	acks     atomic.Uint64
	inflight atomic.Int64
	stalled  atomic.Pointer[string]
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
	return &Uplink{cfg: cfg, spool: spool, logger: logger, conns: map[string]*grpc.ClientConn{}}, nil
}

// Status reports the current and last mediator.
func (u *Uplink) Status() Status {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.status
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
			sel.Failed(idx, outcome(err))
			continue
		}
		for c != nil {
			sel.Connected(idx, time.Now())
			u.setStatus(c.addr, c.welcome.GetMediatorId())
			next, nextIdx, err := u.serve(ctx, c, sel)
			if next == nil {
				u.setStatus("", "")
				if ctx.Err() != nil {
					return nil
				}
				u.logger.Warn("mediator session ended; failing over", "mediator", c.addr, "reason", err)
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

func (u *Uplink) conn(addr string) (*grpc.ClientConn, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if c, ok := u.conns[addr]; ok {
		return c, nil
	}
	opts := []grpc.DialOption{
		grpc.WithKeepaliveParams(keepalive.ClientParameters{Time: 20 * time.Second, Timeout: 10 * time.Second}),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(16 << 20)),
	}
	if len(u.cfg.DialOptions) == 0 {
		opts = append(opts, grpc.WithTransportCredentials(insecure.NewCredentials()))
	}
	opts = append(opts, u.cfg.DialOptions...)
	c, err := grpc.NewClient(addr, opts...)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", addr, err)
	}
	u.conns[addr] = c
	return c, nil
}

// dropConn closes and forgets the connection to addr, so the next attempt
// dials a new one.
func (u *Uplink) dropConn(addr string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if c, ok := u.conns[addr]; ok {
		_ = c.Close()
		delete(u.conns, addr)
	}
}

func (u *Uplink) closeConns() {
	u.mu.Lock()
	defer u.mu.Unlock()
	for a, c := range u.conns {
		_ = c.Close()
		delete(u.conns, a)
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
	u.status.Current, u.status.CurrentID = current, id
	u.status.Connected = time.Now()
}

// mconn is an accepted stream to one mediator.
type mconn struct {
	addr    string
	stream  sluicev1.MediatorService_ConnectClient
	ctx     context.Context
	cancel  context.CancelFunc
	welcome *sluicev1.Welcome
}

// open connects to addr and completes the handshake.
func (u *Uplink) open(ctx context.Context, addr string) (*mconn, error) {
	conn, err := u.conn(addr)
	if err != nil {
		return nil, err
	}
	sctx, cancel := context.WithCancel(ctx)
	// The timeout covers opening the stream too: a peer that accepts TCP
	// but never speaks HTTP/2 would otherwise hold Connect forever.
	timedOut := make(chan struct{})
	timer := time.AfterFunc(u.cfg.HandshakeTimeout, func() { close(timedOut); cancel() })
	welcome, stream, err := u.handshake(sctx, conn)
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
	u.logger.Info("connected to mediator", "mediator", addr, "mediator_id", welcome.GetMediatorId(), "held_through", welcome.GetHeldThroughSeq(), "spool_depth", u.spool.Depth())
	return &mconn{addr: addr, stream: stream, ctx: sctx, cancel: cancel, welcome: welcome}, nil
}

// handshake opens the stream, says Hello and waits for the Welcome.
func (u *Uplink) handshake(ctx context.Context, conn *grpc.ClientConn) (*sluicev1.Welcome, sluicev1.MediatorService_ConnectClient, error) {
	stream, err := sluicev1.NewMediatorServiceClient(conn).Connect(ctx)
	if err != nil {
		return nil, nil, classify(err)
	}
	err = stream.Send(&sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Hello{Hello: &sluicev1.Hello{
		AgentId:      u.cfg.AgentID,
		Organization: u.cfg.Organization,
		Hostname:     u.cfg.Hostname,
		Version:      u.cfg.Version,
		ResumeSeq:    u.spool.FirstSeq(),

		Incarnation:      u.cfg.Incarnation,
		IncarnationSince: u.cfg.IncarnationSince,
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

// maxCoalesce is how many spool records one message may gather.
const maxCoalesce = 256

// outBatch is consecutive spool records on their way as one message.
type outBatch struct {
	first, last uint64
	recs        []queue.Record
	size        int
}

func (b *outBatch) entries() int { return int(b.last - b.first + 1) }

// packed is the message's payload. A record is an encoded LogBatch of
// entries only, and protobuf decodes concatenated messages as one whose
// repeated fields are concatenated: the records' bytes joined are the
// batch of all their entries, in order.
func (b *outBatch) packed() []byte {
	if len(b.recs) == 1 {
		return b.recs[0].Value
	}
	out := make([]byte, 0, b.size)
	for _, r := range b.recs {
		out = append(out, r.Value...)
	}
	return out
}

// coalesce groups consecutive records (no gap in their sequences) into
// batches of at most maxEntries entries and maxBytes bytes; a record larger
// than either goes alone.
func coalesce(recs []queue.Record, maxEntries, maxBytes int) []outBatch {
	var out []outBatch
	for _, r := range recs {
		n := int(r.Last - r.First + 1)
		if k := len(out) - 1; k >= 0 {
			b := &out[k]
			if r.First == b.last+1 && b.entries()+n <= maxEntries && b.size+len(r.Value) <= maxBytes && len(b.recs) < maxCoalesce {
				b.recs = append(b.recs, r)
				b.last = r.Last
				b.size += len(r.Value)
				continue
			}
		}
		out = append(out, outBatch{first: r.First, last: r.Last, recs: []queue.Record{r}, size: len(r.Value)})
	}
	return out
}

// recordsOf is the records of batches, in order.
func recordsOf(batches []outBatch) []queue.Record {
	var out []queue.Record
	for _, b := range batches {
		out = append(out, b.recs...)
	}
	return out
}

// small reports whether a batch is small enough to linger for more: under
// a quarter of both of a message's bounds.
func (u *Uplink) small(b outBatch) bool {
	return b.entries() < u.cfg.BatchEntries/4 && b.size < u.cfg.BatchBytes/4
}

type inflight struct {
	first, last uint64
	size        int // bytes (the packed record)
	sentAt      time.Time
}

// down is what the receive side hands serve, in stream order: an
// acknowledgement, or a Throttle (a batch refused for the rate limit).
type down struct {
	through  uint64
	throttle *sluicev1.Throttle
}

// maxRetryAfter caps a Throttle's retry_after: after it the agent offers
// the batch again (and is throttled again if still over its budget).
const maxRetryAfter = time.Minute

// throttled applies a Throttle: the mediator stored nothing from
// resume_seq on and discards the batches behind it that are on their way,
// so they leave the window (they stay in the spool) and the cursor goes
// back to resume_seq. It returns the window, the cursor, how long to wait
// before sending again, and the refused batch (zero if not in the window).
func throttled(window []inflight, cursor uint64, th *sluicev1.Throttle) ([]inflight, uint64, time.Duration, inflight) {
	from := th.GetResumeSeq()
	var refused inflight
	keep := window[:0]
	for _, f := range window {
		if f.first < from {
			keep = append(keep, f)
		} else if f.first == from {
			refused = f
		}
	}
	wait := min(max(th.GetRetryAfter().AsDuration(), 0), maxRetryAfter)
	return keep, min(cursor, from), wait, refused
}

// paceHeadroom is the share of its budget an agent paces itself to, so
// that batches arriving a little early (network jitter) are not refused.
const paceHeadroom = 0.95

// pacer keeps the agent within the budget a Throttle announced: it sends
// what the mediator will take instead of a window of batches to be
// refused and resent. It mirrors the mediator's token buckets (one
// second's worth; a larger batch goes into debt).
type pacer struct {
	entries, bytes paceBucket
}

type paceBucket struct {
	rate, burst, tokens float64
	at                  time.Time
}

// newPacer starts at `from` (when the refused batch may be resent) with
// what the mediator's bucket will hold then: enough for that batch.
func newPacer(th *sluicev1.Throttle, refused inflight, from time.Time) *pacer {
	if th.GetEntriesPerSecond() == 0 && th.GetBytesPerSecond() == 0 {
		return nil
	}
	mk := func(perSec uint64, n int) paceBucket {
		if perSec == 0 {
			return paceBucket{}
		}
		r := float64(perSec) * paceHeadroom
		return paceBucket{rate: r, burst: r, tokens: min(float64(n), r), at: from}
	}
	n := int(refused.last - refused.first + 1)
	if refused.last < refused.first {
		n = 0
	}
	return &pacer{entries: mk(th.GetEntriesPerSecond(), n), bytes: mk(th.GetBytesPerSecond(), refused.size)}
}

func (b *paceBucket) wait(n float64, now time.Time) time.Duration {
	if b.rate <= 0 {
		return 0
	}
	if now.After(b.at) {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.at).Seconds()*b.rate)
		b.at = now
	}
	deficit := max(min(n, b.burst)-b.tokens, 0)
	// The bucket may start in the future (at the end of a retry_after).
	return max(b.at.Sub(now)+time.Duration(math.Ceil(deficit/b.rate*float64(time.Second))), 0)
}

// wait is how long until a batch of n entries and size bytes fits (0:
// now, and it is taken from the budget).
func (p *pacer) wait(n, size int, now time.Time) time.Duration {
	if p == nil {
		return 0
	}
	if w := max(p.entries.wait(float64(n), now), p.bytes.wait(float64(size), now)); w > 0 {
		return w
	}
	if p.entries.rate > 0 {
		p.entries.tokens -= float64(n)
	}
	if p.bytes.rate > 0 {
		p.bytes.tokens -= float64(size)
	}
	return 0
}

// throttleLog logs rate limiting when it starts and then at most once a
// minute with a count, never once per batch.
type throttleLog struct {
	at    time.Time
	count int
}

func (u *Uplink) logThrottle(addr string, th *sluicev1.Throttle, wait time.Duration) {
	now := time.Now()
	u.mu.Lock()
	tl := &u.throttleLog
	tl.count++
	if !tl.at.IsZero() && now.Sub(tl.at) < time.Minute {
		u.mu.Unlock()
		return
	}
	first := tl.at.IsZero() || now.Sub(tl.at) > 2*time.Minute
	count, since := tl.count, now.Sub(tl.at)
	tl.at, tl.count = now, 0
	u.mu.Unlock()
	args := []any{"mediator", addr, "limit", th.GetLimit(), "reason", th.GetReason(), "retry_after", wait.Round(time.Millisecond), "resume_seq", th.GetResumeSeq()}
	if first {
		u.logger.Warn("mediator rate limits this agent (RESOURCE_EXHAUSTED): keeping the refused batches in the spool and resending them after retry_after on the same stream", args...)
		return
	}
	u.logger.Warn("mediator still rate limits this agent", append(args, "throttled_batches", count, "since", since.Round(time.Second))...)
}

// serve sends batches from the spool on c, keeps up to Window
// unacknowledged, and applies acknowledgements. It returns when the
// session fails (next == nil, with the reason) or when a failback or
// load-balancing probe found a better mediator (next is the accepted
// stream there, after the in-flight batches were acknowledged here).
func (u *Uplink) serve(ctx context.Context, c *mconn, sel *failover.Selector) (next *mconn, nextIdx int, err error) {
	defer c.cancel()
	stream := c.stream
	held := c.welcome.GetHeldThroughSeq()
	nextSeq := u.spool.NextSeq()
	if held > 0 {
		if held >= nextSeq {
			u.logger.Warn("mediator claims to hold entries this agent never spooled; ignoring (was the spool replaced?)", "held_through", held, "next_seq", nextSeq)
			held = 0
		} else if err := u.spool.Ack(held); err != nil {
			return nil, 0, fmt.Errorf("apply welcome ack: %w", err)
		}
	}
	// Entries at or below held are gone from the spool; Read seeks to the
	// first one above. (Deriving the start from NextSeq and Depth would race
	// with an append in flight and skip it.)
	cursor := held + 1

	acks := make(chan down, u.cfg.Window+1)
	errc := make(chan error, 1)
	var lastRecv atomic.Int64 // unix nanos of the last message from the mediator
	lastRecv.Store(time.Now().UnixNano())
	go func() { errc <- u.receive(c.ctx, stream, acks, &lastRecv) }()
	// The mediator answers every heartbeat, so a stream that stays silent
	// longer than this is dead even when nothing is in flight (a
	// half-open connection, a blackholed route).
	silenceLimit := max(u.cfg.AckTimeout, u.cfg.HeartbeatInterval*5/2)
	var oldestSent atomic.Int64 // unix nanos the oldest unacknowledged batch was sent; 0 when none
	dead := make(chan error, 1)
	go u.watch(c, &lastRecv, &oldestSent, silenceLimit, dead)
	// ended prefers the watchdog's verdict: the error that cancelling the
	// stream caused says less.
	ended := func(err error) error {
		select {
		case d := <-dead:
			return d
		default:
			return err
		}
	}

	var window []inflight
	defer u.inflight.Store(0)
	setOldest := func() {
		u.inflight.Store(int64(len(window)))
		if len(window) > 0 {
			oldestSent.Store(window[0].sentAt.UnixNano())
		} else {
			oldestSent.Store(0)
		}
	}
	hb := time.NewTicker(u.cfg.HeartbeatInterval)
	defer hb.Stop()
	probe := sel.NextProbe()
	probeTimer := time.NewTimer(time.Hour)
	defer probeTimer.Stop()
	armProbe := func() {
		probeTimer.Stop()
		if probe != nil {
			probeTimer.Reset(max(time.Until(probe.At), 0))
		}
	}
	armProbe()
	// After a Throttle nothing is sent until pausedUntil; resume wakes
	// the loop then. From the first Throttle on, pace keeps the agent
	// within the budget the mediator announced.
	var pausedUntil time.Time
	var pace *pacer
	// pending are records read from the spool, from cursor on, that the
	// pacer held back: sent first instead of reading them again.
	var pending []queue.Record
	resume := time.NewTimer(time.Hour)
	resume.Stop()
	defer resume.Stop()
	// A small batch sent less than BatchLinger after the previous one
	// waits for the rest of that time (linger wakes the loop then), and
	// goes with whatever arrived meanwhile.
	var lastSent time.Time
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	defer linger.Stop()
	if err := u.sendHeartbeat(stream); err != nil {
		return nil, 0, ended(err)
	}
	for {
		// Fill the window: consecutive spool records (each a batch as
		// a source read it) go in one message up to BatchEntries and
		// BatchBytes, sent without decoding them.
		if room := u.cfg.Window - len(window); room > 0 && !time.Now().Before(pausedUntil) {
			recs := pending
			pending = nil
			if len(recs) == 0 {
				var err error
				if recs, err = u.spool.ReadRecords(cursor, room*maxCoalesce, u.cfg.BatchBytes*room); err != nil {
					return nil, 0, fmt.Errorf("read spool: %w", err)
				}
			}
			batches := coalesce(recs, u.cfg.BatchEntries, u.cfg.BatchBytes)
			if len(batches) == 1 && u.small(batches[0]) && u.cfg.BatchLinger > 0 {
				if wait := time.Until(lastSent.Add(u.cfg.BatchLinger)); wait > 0 {
					// Read again when the linger ends: more may be
					// there by then.
					linger.Reset(wait)
					batches = nil
				}
			}
			for i, b := range batches {
				if i == room {
					pending = recordsOf(batches[i:])
					break
				}
				if w := pace.wait(b.entries(), b.size, time.Now()); w > 0 {
					// Over the budget the mediator announced: wait
					// rather than send a batch it would refuse, and
					// keep what was read for then.
					pending = recordsOf(batches[i:])
					pausedUntil = time.Now().Add(w)
					resume.Reset(w)
					break
				}
				msg := &sluicev1.LogBatch{Packed: b.packed(), FirstSeq: b.first, LastSeq: b.last}
				if err := stream.Send(&sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Batch{Batch: msg}}); err != nil {
					return nil, 0, ended(streamError(err, errc))
				}
				lastSent = time.Now()
				window = append(window, inflight{first: b.first, last: b.last, size: b.size, sentAt: lastSent})
				u.inflight.Store(int64(len(window)))
				cursor = b.last + 1
				if len(window) == 1 {
					setOldest()
				}
			}
		}
		select {
		case <-ctx.Done():
			return nil, 0, ctx.Err()
		case err := <-errc:
			return nil, 0, ended(err)
		case err := <-dead:
			return nil, 0, err
		case d := <-acks:
			if th := d.throttle; th != nil {
				var wait time.Duration
				var refused inflight
				window, cursor, wait, refused = throttled(window, cursor, th)
				pending = nil // cursor moved back: read again from there
				u.logThrottle(c.addr, th, wait)
				pausedUntil = time.Now().Add(wait)
				pace = newPacer(th, refused, pausedUntil)
				resume.Reset(wait)
			} else {
				window = ackWindow(window, d.through)
			}
			setOldest()
		case <-resume.C:
		case <-linger.C:
		case <-hb.C:
			if err := u.sendHeartbeat(stream); err != nil {
				return nil, 0, ended(err)
			}
		case <-u.spool.Notify():
		case <-probeTimer.C:
			if probe == nil {
				continue
			}
			nc, idx := u.runProbe(ctx, probe, sel)
			if nc == nil {
				sel.ProbeFailed(probe, time.Now())
				probe = sel.NextProbe()
				armProbe()
				continue
			}
			// Let the mediator we leave acknowledge what it has, so the
			// switch resends (and duplicates) as little as possible.
			window, err = u.drain(ctx, window, acks, errc)
			if err != nil {
				u.logger.Debug("mediator left before draining", "mediator", c.addr, "error", err)
			}
			u.logger.Info("switched mediator", "reason", probe.Kind, "from", c.addr, "to", nc.addr, "unacknowledged", len(window))
			return nc, idx, nil
		}
	}
}

// watch ends the session when its stream is dead: the oldest batch went
// unacknowledged for AckTimeout, or nothing at all came from the mediator
// for silenceLimit. It reports why on dead, then cancels the stream. It runs
// beside serve's loop because that loop can be stuck in Send: once HTTP/2
// flow control runs out (the peer reads nothing, as on a half-open or
// blackholed connection) a Send blocks until the stream is cancelled.
func (u *Uplink) watch(c *mconn, lastRecv, oldestSent *atomic.Int64, silenceLimit time.Duration, dead chan<- error) {
	t := time.NewTicker(min(u.cfg.AckTimeout/4, time.Second))
	defer t.Stop()
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-t.C:
		}
		var err error
		if o := oldestSent.Load(); o != 0 && time.Since(time.Unix(0, o)) > u.cfg.AckTimeout {
			err = fmt.Errorf("%w: oldest batch sent %s ago", ErrAckTimeout, time.Since(time.Unix(0, o)).Round(time.Second))
		} else if quiet := time.Since(time.Unix(0, lastRecv.Load())); quiet > silenceLimit {
			err = fmt.Errorf("%w: nothing heard from the mediator for %s", ErrAckTimeout, quiet.Round(time.Second))
		}
		if err != nil {
			dead <- err
			c.cancel()
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

// runProbe tries the probe's candidates in order and returns the first
// accepted stream.
func (u *Uplink) runProbe(ctx context.Context, p *failover.Probe, sel *failover.Selector) (*mconn, int) {
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

// drain waits (up to DrainTimeout) for the in-flight batches' acks.
func (u *Uplink) drain(ctx context.Context, window []inflight, acks <-chan down, errc <-chan error) ([]inflight, error) {
	t := time.NewTimer(u.cfg.DrainTimeout)
	defer t.Stop()
	for len(window) > 0 {
		select {
		case <-ctx.Done():
			return window, ctx.Err()
		case err := <-errc:
			return window, err
		case d := <-acks:
			if d.throttle != nil {
				// The rest will not be acknowledged here: it goes to
				// the next mediator.
				return window, nil
			}
			window = ackWindow(window, d.through)
		case <-t.C:
			return window, ErrAckTimeout
		}
	}
	return window, nil
}

func ackWindow(window []inflight, through uint64) []inflight {
	for len(window) > 0 && window[0].last <= through {
		window = window[1:]
	}
	return window
}

// receive applies acknowledgements, passes them and Throttles on in stream
// order, and turns Suspend/Shutdown into errors.
func (u *Uplink) receive(ctx context.Context, stream sluicev1.MediatorService_ConnectClient, acks chan<- down, lastRecv *atomic.Int64) error {
	for {
		resp, err := stream.Recv()
		if err != nil {
			return classify(err)
		}
		lastRecv.Store(time.Now().UnixNano())
		switch m := resp.GetMsg().(type) {
		case *sluicev1.ConnectResponse_Ack:
			through := m.Ack.GetThroughSeq()
			if err := u.spool.Ack(through); err != nil {
				return fmt.Errorf("apply ack: %w", err)
			}
			u.acks.Add(1)
			u.mu.Lock()
			u.status.LastAck = time.Now()
			u.mu.Unlock()
			select {
			case acks <- down{through: through}:
			case <-ctx.Done():
				return ctx.Err()
			}
		case *sluicev1.ConnectResponse_Throttle:
			select {
			case acks <- down{throttle: m.Throttle}:
			case <-ctx.Done():
				return ctx.Err()
			}
		case *sluicev1.ConnectResponse_Suspend:
			return fmt.Errorf("%w: %s", ErrSuspense, m.Suspend.GetReason())
		case *sluicev1.ConnectResponse_Shutdown:
			return fmt.Errorf("%w: %s", ErrShutdown, m.Shutdown.GetReason())
		case *sluicev1.ConnectResponse_Heartbeat:
			u.logger.Trace("mediator heartbeat", "mediator", m.Heartbeat.GetComponentId())
		}
	}
}

func (u *Uplink) sendHeartbeat(stream sluicev1.MediatorService_ConnectClient) error {
	st := u.Status()
	err := stream.Send(&sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Heartbeat{Heartbeat: &sluicev1.Heartbeat{
		Time:            timestamppb.Now(),
		ComponentId:     u.cfg.AgentID,
		Hostname:        u.cfg.Hostname,
		Version:         u.cfg.Version,
		Organization:    u.cfg.Organization,
		CurrentMediator: st.CurrentID,
		LastMediator:    st.LastID,
		SpoolDepth:      uint64(max(u.spool.Depth(), 0)),
		Stalled:         u.Stalled(),
	}}})
	if err != nil {
		return fmt.Errorf("send heartbeat: %w", err)
	}
	return nil
}

// Stalled is why the uplink is stalled: its spool holds entries, a
// mediator is connected, and nothing has been acknowledged for
// StallWarning. "" while it moves.
func (u *Uplink) Stalled() string {
	if s := u.stalled.Load(); s != nil {
		return *s
	}
	return ""
}

// watchStall checks the uplink every interval until ctx is done.
func (u *Uplink) watchStall(ctx context.Context, every time.Duration) {
	w := stall.New(u.cfg.StallWarning)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		u.checkStall(w, time.Now())
	}
}

// checkStall makes one observation and acts on a change: a stall is
// logged with the uplink's state and carried in every heartbeat (to the
// mediator's agent list and ARM, which raises Agent Stalled) until
// acknowledgements move again. Between mediators the uplink is not
// stalled: failing over is its own, logged, story.
func (u *Uplink) checkStall(w *stall.Watch, now time.Time) {
	st := u.Status()
	depth := u.spool.Depth()
	stalled, changed := w.Observe(stall.Observation{
		Now:      now,
		Pending:  depth > 0,
		Progress: u.acks.Load(),
		Excused:  st.Current == "",
	})
	if !changed {
		return
	}
	quiet := now.Sub(w.Since()).Round(time.Second)
	if !stalled {
		u.stalled.Store(nil)
		u.logger.Info("uplink moving again: the mediator acknowledges", "mediator", st.CurrentID, "stalled_for", quiet)
		return
	}
	reason := fmt.Sprintf("spool holds %d entries and mediator %s has acknowledged none for %s", depth, st.CurrentID, quiet)
	u.stalled.Store(&reason)
	lastAck := "never"
	if !st.LastAck.IsZero() {
		lastAck = st.LastAck.Format(time.RFC3339)
	}
	u.logger.Warn("uplink stalled: entries wait in the spool and the connected mediator acknowledges nothing",
		"reason", reason, "mediator", st.Current, "mediator_id", st.CurrentID, "connected_since", st.Connected.Format(time.RFC3339),
		"last_ack", lastAck, "spool_depth", depth, "spool_first_seq", u.spool.FirstSeq(), "spool_next_seq", u.spool.NextSeq(),
		"batches_in_flight", u.inflight.Load())
}
