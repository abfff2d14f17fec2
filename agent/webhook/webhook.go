// Package webhook is the agent's HTTP intake source (NetEye Tornado's
// webhook collector): senders POST log lines with a bearer token, and the
// intake answers 200 only once the lines are durably in the spool. What
// it answered 200 for is "accepted" in the sense of docs/architecture.md
// ("Invariants of the data path"): it reaches the index exactly once.
// Anything else (401, 413, 400, 415, 503, 500, 409, 422) means nothing of
// the request was kept, and the sender may retry it whole. A sender that
// got no answer at all may retry too: with an Idempotency-Key the retry
// is answered from the key and stored once (idempotency.go); without
// one it may be stored twice.
package webhook

import (
	"compress/gzip"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/agent/source"
	"github.com/sluicehq/sluice/pkg/connlimit"
	"github.com/sluicehq/sluice/pkg/hclconf"
	"github.com/sluicehq/sluice/pkg/httpauth"
	"github.com/sluicehq/sluice/pkg/logging"
	"github.com/sluicehq/sluice/pkg/pki"
)

// Defaults and bounds of Config.
const (
	DefaultPath               = "/v1/logs"
	DefaultMaxLineBytes       = source.DefaultMaxLineBytes
	DefaultMaxBodyBytes       = 10 << 20
	DefaultMaxLinesPerRequest = 10000
	DefaultRetryAfter         = time.Second
	DefaultReadTimeout        = time.Minute
	DefaultShutdownTimeout    = 10 * time.Second

	// MaxBodyBytesLimit and MaxLinesLimit bound what one request may
	// carry. A request is committed as one spool record, and the uplink
	// sends a record in one LogBatch: it must stay under the mediator's
	// default max_batch_bytes (32 MiB) and max_batch_entries (20000), or
	// the mediator would refuse the batch forever.
	MaxBodyBytesLimit = 24 << 20
	MaxLinesLimit     = 20000

	// MinTokenBytes is the shortest token accepted: a short token is
	// guessed over the network.
	MinTokenBytes = 16

	// TokenHeader is the header that may carry the token instead of
	// "Authorization: Bearer", for senders that cannot set the latter.
	TokenHeader = "X-Sluice-Token"
)

// Config configures one `source "webhook"` block.
type Config struct {
	// SourceID and LogSourceType label every line (the block's labels and
	// its log_source_type).
	SourceID      string
	LogSourceType string
	// Listen is the TCP address to serve on ("0.0.0.0:8514";
	// "127.0.0.1:0" picks a free port, see Addr).
	Listen string
	// Tokens are the accepted bearer tokens, at least one, each at least
	// MinTokenBytes long. Several let operators rotate: add the new one,
	// move the senders, remove the old one.
	Tokens []string
	// Path is the URL path lines are POSTed to (DefaultPath).
	Path string
	// MaxLineBytes is the longest line kept whole (DefaultMaxLineBytes);
	// longer lines are cut, flagged truncated and kept.
	MaxLineBytes int
	// MaxBodyBytes is the largest request body, after gzip decoding
	// (DefaultMaxBodyBytes, at most MaxBodyBytesLimit). Larger ones are
	// refused with 413.
	MaxBodyBytes int64
	// MaxLinesPerRequest is the most lines one request may carry
	// (DefaultMaxLinesPerRequest, at most MaxLinesLimit). Larger ones are
	// refused with 413 rather than committed in parts, so a request is
	// always one atomic commit and a retried 503 never duplicates.
	MaxLinesPerRequest int
	// TLS, when set, serves HTTPS with TLS.Cert and TLS.Key (re-read when
	// the files change). With TLS.CA set, clients must also present a
	// certificate signed by that CA (mutual TLS; any client certificate
	// of the CA with client-auth usage, it needs no Sluice identity). The
	// token is required either way.
	TLS *pki.Files
	// RetryAfter is what a 503 tells the sender to wait when the spool
	// is full (DefaultRetryAfter; sent in whole seconds, at least 1).
	RetryAfter time.Duration
	// ReadTimeout bounds reading one request, headers and body
	// (DefaultReadTimeout), so slow clients cannot hold connections.
	ReadTimeout time.Duration
	// ShutdownTimeout bounds how long Run waits, once its context is
	// done, for requests in flight to finish (DefaultShutdownTimeout).
	ShutdownTimeout time.Duration
	// MaxConnections and MaxConnectionsPerAddress bound the connections
	// open at once, in all and from one address (connlimit.DefaultMaxHTTP
	// and DefaultMaxHTTPPerAddress when 0). Senders that have not sent a
	// request yet, and idle keep-alives, make room for new ones.
	MaxConnections           int
	MaxConnectionsPerAddress int
	// IdempotencyWindow is how long a committed request's
	// Idempotency-Key is remembered (DefaultIdempotencyWindow).
	IdempotencyWindow time.Duration
	// MaxIdempotencyKeys bounds the keys remembered, the oldest evicted
	// first past it (DefaultMaxIdempotencyKeys).
	MaxIdempotencyKeys int
	// Now is the clock for the lines' collection time and the keys'
	// window; time.Now when nil.
	Now func() time.Time
}

// Stats are a source's counters since it was made.
type Stats struct {
	// Accepted is requests committed and answered 200 (retries answered
	// from their key count in Replayed); Lines the lines they committed.
	Accepted uint64 `json:"accepted"`
	Lines    uint64 `json:"lines"`
	// Truncated is committed lines that were cut to MaxLineBytes.
	Truncated uint64 `json:"truncated"`
	// Unauthorized is requests refused for a missing or wrong token (401).
	Unauthorized uint64 `json:"unauthorized"`
	// TooLarge is requests refused for their body or line count (413).
	TooLarge uint64 `json:"too_large"`
	// Busy is requests refused because the spool was full (503).
	Busy uint64 `json:"busy"`
	// BadRequest is requests refused for their body, content type or
	// method (400, 404, 405, 415).
	BadRequest uint64 `json:"bad_request"`
	// Failed is requests the store failed to commit for another reason
	// than back-pressure (500).
	Failed uint64 `json:"failed"`
	// ConnectionsRefused is connections closed as they arrived because
	// a connection limit was reached with every connection busy;
	// ConnectionsReclaimed is connections without a request in progress
	// closed to make room for new ones.
	ConnectionsRefused   uint64 `json:"connections_refused"`
	ConnectionsReclaimed uint64 `json:"connections_reclaimed"`
	// Replayed is retries of committed requests answered from their
	// Idempotency-Key (200, nothing stored again); KeyMismatch is
	// requests refused for reusing a key with another body (422); KeyInUse
	// is requests refused while their key's request was being committed
	// (409). Requests with an invalid key count in BadRequest.
	Replayed    uint64 `json:"replayed"`
	KeyMismatch uint64 `json:"key_mismatch"`
	KeyInUse    uint64 `json:"key_in_use"`
	// IdempotencyKeys is the keys remembered now; KeysExpired those
	// forgotten at the end of the window, KeysEvicted those forgotten
	// earlier because MaxIdempotencyKeys were held.
	IdempotencyKeys uint64 `json:"idempotency_keys"`
	KeysExpired     uint64 `json:"keys_expired"`
	KeysEvicted     uint64 `json:"keys_evicted"`
}

// Source is an HTTP intake. Make it with New, then call Run.
type Source struct {
	cfg    Config
	store  source.StateStore
	keys   *keyTable
	logger hclog.Logger
	tokens [][sha256.Size]byte
	tlsCfg *tls.Config

	mu       sync.Mutex
	ln       *connlimit.Listener
	running  bool
	stopping bool // Run is waiting for handlers: no new one enters

	// handlers counts requests in flight, so Run returns only after the
	// last one did, even when shutdown had to close their connections.
	handlers sync.WaitGroup

	accepted, lines, truncated   atomic.Uint64
	unauthorized, tooLarge, busy atomic.Uint64
	badRequest, failed           atomic.Uint64
	replayed, keyMismatch        atomic.Uint64
	keyInUse                     atomic.Uint64
	authLog                      logging.Limiter
	busyLog                      logging.Limiter
}

// New checks cfg, fills its defaults, loads its TLS files and the
// idempotency keys the store holds. It does not listen yet: Listen or Run
// do. The logger is used as given; the agent passes
// logger.Named("source").With("source", id) as for file sources.
func New(cfg Config, store source.StateStore, logger hclog.Logger) (*Source, error) {
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	if store == nil {
		return nil, fmt.Errorf("webhook source %s: no store", cfg.SourceID)
	}
	fail := func(format string, args ...any) (*Source, error) {
		return nil, fmt.Errorf("webhook source %s: "+format, append([]any{cfg.SourceID}, args...)...)
	}
	if cfg.Listen == "" {
		return fail("listen address required")
	}
	// Intake without authentication is not offered, even on loopback:
	// anything that reaches the port could write into the index.
	if len(cfg.Tokens) == 0 {
		return fail("at least one token required")
	}
	s := &Source{store: store, logger: logger}
	for i, t := range cfg.Tokens {
		if len(t) < MinTokenBytes {
			return fail("token %d is shorter than %d bytes (make one with `openssl rand -hex 24`)", i+1, MinTokenBytes)
		}
		if strings.TrimSpace(t) != t || strings.ContainsAny(t, " \t\r\n") {
			return fail("token %d contains whitespace", i+1)
		}
		// Only hashes are kept: comparing hashes takes the same time
		// whatever the lengths of the token sent and the tokens held.
		s.tokens = append(s.tokens, sha256.Sum256([]byte(t)))
	}
	if cfg.Path == "" {
		cfg.Path = DefaultPath
	}
	if !strings.HasPrefix(cfg.Path, "/") {
		return fail("path %q must start with /", cfg.Path)
	}
	if cfg.MaxLineBytes <= 0 {
		cfg.MaxLineBytes = DefaultMaxLineBytes
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxBodyBytes > MaxBodyBytesLimit {
		return fail("max body size %d is over %d (a request is one batch to the mediator)", cfg.MaxBodyBytes, MaxBodyBytesLimit)
	}
	if cfg.MaxLinesPerRequest <= 0 {
		cfg.MaxLinesPerRequest = DefaultMaxLinesPerRequest
	}
	if cfg.MaxLinesPerRequest > MaxLinesLimit {
		return fail("max lines per request %d is over %d (a request is one batch to the mediator)", cfg.MaxLinesPerRequest, MaxLinesLimit)
	}
	if cfg.RetryAfter <= 0 {
		cfg.RetryAfter = DefaultRetryAfter
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = DefaultReadTimeout
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = DefaultShutdownTimeout
	}
	if cfg.MaxConnections <= 0 {
		cfg.MaxConnections = connlimit.DefaultMaxHTTP
	}
	if cfg.MaxConnectionsPerAddress <= 0 {
		cfg.MaxConnectionsPerAddress = connlimit.DefaultMaxHTTPPerAddress
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.IdempotencyWindow <= 0 {
		cfg.IdempotencyWindow = DefaultIdempotencyWindow
	}
	if cfg.MaxIdempotencyKeys <= 0 {
		cfg.MaxIdempotencyKeys = DefaultMaxIdempotencyKeys
	}
	s.keys = newKeyTable(cfg.IdempotencyWindow, cfg.MaxIdempotencyKeys)
	bad, err := s.keys.load(cfg.Now(), func(fn func(string, []byte) error) error { return store.State(cfg.SourceID, fn) })
	if err != nil {
		return fail("read idempotency keys: %w", err)
	}
	if bad > 0 {
		logger.Warn("unreadable idempotency key records in the spool dropped: retries of those requests would be stored again", "records", bad)
	}
	if cfg.TLS != nil {
		tc, err := pki.ListenerConfig(*cfg.TLS, logger.Named("tls"))
		if err != nil {
			return fail("tls: %w", err)
		}
		s.tlsCfg = tc
	}
	s.cfg = cfg
	s.authLog.Every = 10 * time.Second
	s.busyLog.Every = 10 * time.Second
	return s, nil
}

// Listen binds cfg.Listen, so Addr is known before Run (tests use port
// 0). Run calls it when it was not called.
func (s *Source) Listen() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return nil
	}
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("webhook source %s: listen on %s: %w", s.cfg.SourceID, s.cfg.Listen, err)
	}
	s.ln = connlimit.New(ln, connlimit.Config{
		Max:               s.cfg.MaxConnections,
		PerAddress:        s.cfg.MaxConnectionsPerAddress,
		MaxSetting:        "max_connections",
		PerAddressSetting: "max_connections_per_address",
		Logger:            s.logger,
	})
	return nil
}

// Addr is the address served on, nil before Listen or Run bound it.
func (s *Source) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// Run serves until ctx is done, then stops taking connections, lets the
// requests in flight finish (within ShutdownTimeout, after which their
// connections are closed), and returns nil. It returns an error when it
// cannot listen or serving fails. A Source runs once.
func (s *Source) Run(ctx context.Context) error {
	if err := s.Listen(); err != nil {
		return err
	}
	s.mu.Lock()
	if s.running {
		s.mu.Unlock()
		return fmt.Errorf("webhook source %s: already run", s.cfg.SourceID)
	}
	s.running = true
	ln := s.ln
	s.mu.Unlock()

	srv := &http.Server{
		Handler:           s,
		TLSConfig:         s.tlsCfg,
		ReadHeaderTimeout: min(connlimit.DefaultReadHeaderTimeout, s.cfg.ReadTimeout),
		ReadTimeout:       s.cfg.ReadTimeout,
		// Counted from the end of the headers, so it covers reading the
		// body and committing it, with room to spare: a response cut off
		// after a commit makes the sender retry, and that duplicates.
		WriteTimeout:   s.cfg.ReadTimeout + 30*time.Second,
		IdleTimeout:    connlimit.DefaultIdleTimeout,
		MaxHeaderBytes: 64 << 10,
		// Connections waiting for a request are what the connection
		// limits reclaim first.
		ConnState: ln.ConnState,
		// TLS handshake failures (a client without certificate) and the
		// like go to the agent's log, not stderr.
		ErrorLog: s.logger.Named("http").StandardLogger(&hclog.StandardLoggerOptions{ForceLevel: hclog.Info}),
	}
	s.logger.Info("webhook intake listening", "addr", ln.Addr().String(), "path", s.cfg.Path,
		"tls", s.tlsCfg != nil, "client_certs", s.tlsCfg != nil && s.tlsCfg.ClientCAs != nil, "tokens", len(s.tokens))
	if s.tlsCfg == nil && !hclconf.AddrIsLoopback(ln.Addr().String()) {
		s.logger.Warn("INSECURE: webhook tokens and logs travel in plaintext on a network address; configure tls", "addr", ln.Addr().String())
	}

	errc := make(chan error, 1)
	go func() {
		var err error
		if s.tlsCfg != nil {
			err = srv.ServeTLS(ln, "", "")
		} else {
			err = srv.Serve(ln)
		}
		errc <- err
	}()

	sweep := time.NewTicker(keySweepInterval)
	defer sweep.Stop()
	s.dropKeys()
	for done := false; !done; {
		select {
		case err := <-errc:
			s.waitHandlers()
			return fmt.Errorf("webhook source %s: serve: %w", s.cfg.SourceID, err)
		case <-sweep.C:
			s.dropKeys()
		case <-ctx.Done():
			done = true
		}
	}
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		s.logger.Warn("requests still in flight at shutdown: closing their connections", "timeout", s.cfg.ShutdownTimeout, "error", err)
		_ = srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		s.logger.Warn("serve ended with an error", "error", err)
	}
	// Close does not wait for handlers: their request contexts are
	// cancelled, so a commit in flight ends, and Run waits for it.
	s.waitHandlers()
	s.logger.Info("webhook intake stopped")
	return nil
}

// dropKeys deletes from the spool the keys that expired or were evicted
// and that no request's commit took along.
func (s *Source) dropKeys() {
	drops := s.keys.takeDrops(s.cfg.Now())
	if len(drops) == 0 {
		return
	}
	if err := s.store.SetState(s.cfg.SourceID, drops...); err != nil {
		// They are gone from memory; the next start drops them again.
		s.logger.Warn("cannot delete expired idempotency keys from the spool", "keys", len(drops), "error", err)
	}
}

// enter counts a request in, unless Run is past its shutdown.
func (s *Source) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping {
		return false
	}
	s.handlers.Add(1)
	return true
}

// waitHandlers waits for the requests in flight. Setting stopping under
// the lock first means no Add can race with the Wait.
func (s *Source) waitHandlers() {
	s.mu.Lock()
	s.stopping = true
	s.mu.Unlock()
	s.handlers.Wait()
}

// Stats returns the source's counters.
func (s *Source) Stats() Stats {
	var ls connlimit.Stats
	s.mu.Lock()
	if s.ln != nil {
		ls = s.ln.Stats()
	}
	s.mu.Unlock()
	ks := s.keys.stats()
	return Stats{
		Replayed:             s.replayed.Load(),
		KeyMismatch:          s.keyMismatch.Load(),
		KeyInUse:             s.keyInUse.Load(),
		IdempotencyKeys:      ks.Held,
		KeysExpired:          ks.Expired,
		KeysEvicted:          ks.Evicted,
		ConnectionsRefused:   ls.Refused,
		ConnectionsReclaimed: ls.Reclaimed,
		Accepted:             s.accepted.Load(),
		Lines:                s.lines.Load(),
		Truncated:            s.truncated.Load(),
		Unauthorized:         s.unauthorized.Load(),
		TooLarge:             s.tooLarge.Load(),
		Busy:                 s.busy.Load(),
		BadRequest:           s.badRequest.Load(),
		Failed:               s.failed.Load(),
	}
}

// ServeHTTP handles one request. Checks run cheapest first, and the body
// is read only from an authenticated sender.
func (s *Source) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.enter() {
		w.Header().Set("Retry-After", "1")
		s.reply(w, http.StatusServiceUnavailable, errorBody("shutting down: retry"))
		return
	}
	defer s.handlers.Done()
	log := s.logger.With("remote", r.RemoteAddr)

	if r.URL.Path != s.cfg.Path {
		s.badRequest.Add(1)
		s.reply(w, http.StatusNotFound, errorBody("not found: POST logs to %s", s.cfg.Path))
		return
	}
	if r.Method != http.MethodPost {
		s.badRequest.Add(1)
		w.Header().Set("Allow", http.MethodPost)
		s.reply(w, http.StatusMethodNotAllowed, errorBody("method %s not allowed: POST logs to %s", r.Method, s.cfg.Path))
		return
	}
	if reason, ok := s.authorize(r); !ok {
		s.unauthorized.Add(1)
		// The token sent is never logged: it may be a valid token of
		// another source, or one a sender is about to be given.
		if n := s.authLog.Allow(time.Now()); n >= 0 {
			log.Warn("webhook request refused: "+reason, logging.Suppressed([]any{"user_agent", r.UserAgent()}, n)...)
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="sluice"`)
		s.reply(w, http.StatusUnauthorized, errorBody("%s", reason))
		return
	}
	contentType := r.Header.Get("Content-Type")
	mt, err := mediaType(contentType)
	if err != nil {
		s.badRequest.Add(1)
		s.reply(w, http.StatusUnsupportedMediaType, errorBody("%v", err))
		return
	}
	key, hasKey, err := requestKey(r)
	if err != nil {
		s.badRequest.Add(1)
		s.reply(w, http.StatusBadRequest, errorBody("%v", err))
		return
	}
	body, status, err := s.readBody(w, r)
	if err != nil {
		if status == http.StatusRequestEntityTooLarge {
			s.tooLarge.Add(1)
		} else {
			s.badRequest.Add(1)
		}
		log.Debug("webhook request refused", "status", status, "error", err)
		s.reply(w, status, errorBody("%v", err))
		return
	}
	lines, err := ParseBody(contentType, body, s.cfg.MaxLineBytes)
	if err != nil {
		s.badRequest.Add(1)
		log.Debug("webhook body refused", "error", err)
		s.reply(w, http.StatusBadRequest, errorBody("%v", err))
		return
	}
	if len(lines) > s.cfg.MaxLinesPerRequest {
		s.tooLarge.Add(1)
		s.reply(w, http.StatusRequestEntityTooLarge, errorBody("%d lines is over the limit of %d per request: split it", len(lines), s.cfg.MaxLinesPerRequest))
		return
	}
	truncated := 0
	for _, l := range lines {
		if l.Truncated {
			truncated++
		}
	}
	answer := acceptedBody{Accepted: len(lines), Truncated: truncated}
	if len(lines) == 0 && !hasKey {
		s.accepted.Add(1)
		s.reply(w, http.StatusOK, answer)
		return
	}

	now := s.cfg.Now()
	batch := source.Batch{
		SourceID:      s.cfg.SourceID,
		LogSourceType: s.cfg.LogSourceType,
		Lines:         lines,
		Collected:     now,
	}
	var entry *keyEntry
	if hasKey {
		entry = &keyEntry{id: sha256.Sum256([]byte(key)), at: now, fp: requestFingerprint(mt, body), answer: answer}
		switch verdict, first := s.keys.begin(entry.id, entry.fp, now); verdict {
		case keyReplay:
			s.replayed.Add(1)
			w.Header().Set(ReplayedHeader, "true")
			s.reply(w, http.StatusOK, first)
			return
		case keyMismatch:
			s.keyMismatch.Add(1)
			s.reply(w, http.StatusUnprocessableEntity, errorBody("%s was already used for a request with another body within the last %s: nothing stored; send a new request with a new key", IdempotencyKeyHeader, s.cfg.IdempotencyWindow))
			return
		case keyBusy:
			s.keyInUse.Add(1)
			w.Header().Set("Retry-After", "1")
			s.reply(w, http.StatusConflict, errorBody("a request with this %s is being processed: retry later", IdempotencyKeyHeader))
			return
		}
		// The key is stored with the lines, so a crash keeps both or
		// neither.
		batch.State = s.keys.records(entry)
	}

	// One request, one commit: the spool takes all of its lines or none,
	// so a 503 or 500 leaves nothing behind that a retry would duplicate.
	err = s.store.Commit(r.Context(), batch)
	if entry != nil {
		if err == nil {
			s.keys.committed(entry)
		} else {
			s.keys.release(entry.id, batch.State)
		}
	}
	switch {
	case errors.Is(err, source.ErrBackpressure):
		s.busy.Add(1)
		if n := s.busyLog.Allow(time.Now()); n >= 0 {
			log.Warn("spool full: webhook request refused with 503 and Retry-After (nothing of it was kept; the sender must retry)", logging.Suppressed([]any{"reason", err}, n)...)
		}
		secs := max(1, int((s.cfg.RetryAfter+time.Second-1)/time.Second))
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		s.reply(w, http.StatusServiceUnavailable, errorBody("spool full: retry after %d s", secs))
		return
	case err != nil:
		s.failed.Add(1)
		log.Error("webhook commit failed", "lines", len(lines), "error", err)
		s.reply(w, http.StatusInternalServerError, errorBody("lines not stored: internal error"))
		return
	}
	s.accepted.Add(1)
	s.lines.Add(uint64(len(lines)))
	s.truncated.Add(uint64(truncated))
	s.reply(w, http.StatusOK, answer)
}

// requestKey is the request's Idempotency-Key, if it has one.
func requestKey(r *http.Request) (key string, ok bool, err error) {
	vs := r.Header.Values(IdempotencyKeyHeader)
	switch len(vs) {
	case 0:
		return "", false, nil
	case 1:
	default:
		return "", false, fmt.Errorf("%w: sent %d times", errKeyInvalid, len(vs))
	}
	key, err = ParseIdempotencyKey(vs[0])
	if err != nil {
		return "", false, err
	}
	return key, true, nil
}

// authorize checks the request's token against every configured one.
// Both sides are SHA-256 hashes, compared in constant time, and every
// token is compared: neither the time taken nor the answer tells which
// token matched or how long they are.
func (s *Source) authorize(r *http.Request) (reason string, ok bool) {
	tok, found := requestToken(r)
	if !found {
		return "no token (send Authorization: Bearer TOKEN or " + TokenHeader + ")", false
	}
	sum := sha256.Sum256([]byte(tok))
	match := 0
	for i := range s.tokens {
		match |= subtle.ConstantTimeCompare(sum[:], s.tokens[i][:])
	}
	if match != 1 {
		return "token not accepted", false
	}
	return "", true
}

// requestToken is the bearer token of the Authorization header (read as
// the daemons' APIs read it), or else the TokenHeader's value.
func requestToken(r *http.Request) (string, bool) {
	if tok, err := httpauth.BearerToken(r); err == nil {
		return tok, true
	}
	if tok := strings.TrimSpace(r.Header.Get(TokenHeader)); tok != "" {
		return tok, true
	}
	return "", false
}

// readBody reads the body, gzip-decoded when its Content-Encoding says so,
// up to MaxBodyBytes (after decoding). On error it returns the status to
// answer.
func (s *Source) readBody(w http.ResponseWriter, r *http.Request) ([]byte, int, error) {
	limit := s.cfg.MaxBodyBytes
	tooLarge := fmt.Errorf("body over the limit of %d bytes: split it", limit)
	if r.ContentLength > limit {
		return nil, http.StatusRequestEntityTooLarge, tooLarge
	}
	var rd io.Reader = http.MaxBytesReader(w, r.Body, limit)
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(rd)
		if err != nil {
			return nil, s.readStatus(err), fmt.Errorf("gzip body: %w", err)
		}
		defer zr.Close()
		// Decoded bytes have the same limit: a small bomb must not
		// become a huge allocation.
		rd = io.LimitReader(zr, limit+1)
	default:
		return nil, http.StatusUnsupportedMediaType, fmt.Errorf("content encoding %q not supported (send gzip or none)", enc)
	}
	body, err := io.ReadAll(rd)
	if err != nil {
		status := s.readStatus(err)
		if status == http.StatusRequestEntityTooLarge {
			return nil, status, tooLarge
		}
		return nil, status, fmt.Errorf("read body: %w", err)
	}
	if int64(len(body)) > limit {
		return nil, http.StatusRequestEntityTooLarge, tooLarge
	}
	return body, 0, nil
}

// readStatus is the status for an error reading the body.
func (s *Source) readStatus(err error) int {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}

// acceptedBody is the 200 answer: how many lines were committed, and how
// many of them were cut to the line limit.
type acceptedBody struct {
	Accepted  int `json:"accepted"`
	Truncated int `json:"truncated,omitempty"`
}

// errorMessage is every other answer.
type errorMessage struct {
	Error string `json:"error"`
}

func errorBody(format string, args ...any) errorMessage {
	return errorMessage{Error: fmt.Sprintf(format, args...)}
}

func (s *Source) reply(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"encode response"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}
