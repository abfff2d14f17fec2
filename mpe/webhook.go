package mpe

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/hcl/v2"

	"github.com/sluicehq/sluice/pkg/backoff"
	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/hclconf"
)

// Webhook actions. An event rule's webhook block renders, per event, an
// HTTP request (URL, headers, JSON payload; all templates) and hands it
// to a WebhookRunner, which sends it from its own goroutines with a
// timeout and retries. The pipeline never waits: when the runner's queue
// is full the call is dropped and counted.

// webhookSpec is a compiled webhook block.
type webhookSpec struct {
	url     *template
	method  string
	headers []webhookHeader
	payload *payload // nil: the whole event
	timeout time.Duration
	retries int // -1: the runner's default
}

type webhookHeader struct {
	name  string
	value *template
}

// webhookCall is one request to send.
type webhookCall struct {
	rule    string
	method  string
	url     string
	headers []headerValue
	body    []byte
	timeout time.Duration
	retries int
}

type headerValue struct{ name, value string }

func compileWebhook(src *source, b *webhookBlock, sch *schema) (*webhookSpec, hclconf.Errors) {
	var errs hclconf.Errors
	h := &webhookSpec{method: http.MethodPost, retries: -1}
	c := &tplCompiler{src: src, sch: sch, allowEnv: true}
	u, es := c.compile(b.URL)
	errs = append(errs, es...)
	h.url = u
	if len(es) == 0 && !u.hasFields() {
		if pu, err := url.Parse(u.render(&event.Event{})); err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
			if !c.secret { // do not quote a URL that holds a secret
				errs = append(errs, src.errorf(b.URL.Range(), "webhook url must be an http:// or https:// URL"))
			}
		}
	}
	if b.Method != nil {
		m := strings.ToUpper(*b.Method)
		if m != http.MethodPost && m != http.MethodPut && m != http.MethodPatch && m != http.MethodGet {
			errs = append(errs, src.errorf(b.MethodRange, "method must be POST, PUT, PATCH or GET"))
		}
		h.method = m
	}
	if present(b.Headers) {
		pairs, diags := hcl.ExprMap(b.Headers)
		if diags.HasErrors() {
			errs = append(errs, src.diags(diags)...)
		}
		for _, kv := range pairs {
			name, ok := keyString(kv.Key)
			if !ok || name == "" {
				errs = append(errs, src.errorf(kv.Key.Range(), "headers: a key must be a header name"))
				continue
			}
			v, es := c.compile(kv.Value)
			errs = append(errs, es...)
			h.headers = append(h.headers, webhookHeader{name: name, value: v})
		}
	}
	if present(b.Payload) {
		c.allowEnv = false
		p, es := c.compilePayload(b.Payload)
		errs = append(errs, es...)
		h.payload = p
	}
	if b.Timeout != nil {
		d, err := time.ParseDuration(*b.Timeout)
		if err != nil || d <= 0 || d > 5*time.Minute {
			errs = append(errs, src.errorf(b.TimeoutRange, "timeout must be a duration between 1ms and 5m, such as \"5s\""))
		}
		h.timeout = d
	}
	if b.Retries != nil {
		if *b.Retries < 0 || *b.Retries > 10 {
			errs = append(errs, src.errorf(b.RetriesRange, "retries must be between 0 and 10"))
		}
		h.retries = *b.Retries
	}
	return h, errs
}

// call renders the request for ev.
func (h *webhookSpec) call(rule string, ev *event.Event) *webhookCall {
	c := &webhookCall{rule: rule, method: h.method, timeout: h.timeout, retries: h.retries}
	c.url = h.url.render(ev)
	for _, hd := range h.headers {
		c.headers = append(c.headers, headerValue{name: hd.name, value: hd.value.render(ev)})
	}
	if h.payload != nil {
		c.body = h.payload.render(nil, ev)
	} else {
		c.body = ev.AppendJSON(nil)
	}
	return c
}

// WebhookConfig configures a WebhookRunner. Zero fields take defaults.
type WebhookConfig struct {
	// Queue is how many calls may wait to be sent (default 1000); when
	// full, new calls are dropped and counted.
	Queue int
	// Workers is how many calls are sent at once (default 2).
	Workers int
	// Timeout is the time for one attempt when the webhook block sets
	// none (default 10s).
	Timeout time.Duration
	// Retries is how many times a failed call is retried when the block
	// sets none (default 3; -1 for none).
	Retries int
	// Backoff spaces retries (default 500ms doubling to 30s, jittered).
	Backoff backoff.Policy
	// Client sends the requests (default: a client with no overall
	// timeout; each attempt has its own).
	Client *http.Client
	Logger hclog.Logger
}

// WebhookStats are a runner's counters since it was made.
type WebhookStats struct {
	Queued  uint64 `json:"queued"`  // accepted into the queue
	Sent    uint64 `json:"sent"`    // answered 2xx
	Failed  uint64 `json:"failed"`  // gave up after retries (or a 4xx)
	Dropped uint64 `json:"dropped"` // queue full, or left at shutdown
	Retries uint64 `json:"retries"` // attempts after the first
	Pending int    `json:"pending"` // in the queue now
}

// WebhookRunner sends webhook calls in the background: a bounded queue,
// worker goroutines, a timeout per attempt, retries with backoff. The
// mediator makes one, runs it for its lifetime and hands it to every rule
// set it loads (LoadOptions.Webhooks), so reloads lose no queued call.
type WebhookRunner struct {
	cfg    WebhookConfig
	q      chan *webhookCall
	logger hclog.Logger

	queued, sent, failed, dropped, retries atomic.Uint64

	logMu   sync.Mutex
	lastLog time.Time
	quiet   int // failures not logged since lastLog
}

// NewWebhookRunner makes a runner; nothing is sent until Run.
func NewWebhookRunner(cfg WebhookConfig) *WebhookRunner {
	if cfg.Queue <= 0 {
		cfg.Queue = 1000
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 2
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Retries < 0 {
		cfg.Retries = 0
	} else if cfg.Retries == 0 {
		cfg.Retries = 3
	}
	if cfg.Backoff.Base <= 0 {
		cfg.Backoff = backoff.Policy{Base: 500 * time.Millisecond, Max: 30 * time.Second, Jitter: 0.5}
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{}
	}
	logger := cfg.Logger
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	return &WebhookRunner{cfg: cfg, q: make(chan *webhookCall, cfg.Queue), logger: logger}
}

// enqueue hands a call to the runner without blocking. A nil runner (no
// runner configured) drops the call.
func (w *WebhookRunner) enqueue(c *webhookCall) {
	if w == nil {
		return
	}
	select {
	case w.q <- c:
		w.queued.Add(1)
	default:
		w.logFailure(c, "queue full: call dropped", nil)
		w.dropped.Add(1)
	}
}

// Stats returns the runner's counters.
func (w *WebhookRunner) Stats() WebhookStats {
	if w == nil {
		return WebhookStats{}
	}
	return WebhookStats{
		Queued:  w.queued.Load(),
		Sent:    w.sent.Load(),
		Failed:  w.failed.Load(),
		Dropped: w.dropped.Load(),
		Retries: w.retries.Load(),
		Pending: len(w.q),
	}
}

// Run sends queued calls until ctx is done, then lets the attempts in
// flight finish (each within its timeout), counts the calls still queued
// as dropped, and returns. It always returns nil; the error is for
// run.Group and errgroup.
func (w *WebhookRunner) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for range w.cfg.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				select {
				case <-ctx.Done():
					return
				case c := <-w.q:
					w.deliver(ctx, c)
				}
			}
		}()
	}
	wg.Wait()
	for {
		select {
		case <-w.q:
			w.dropped.Add(1)
		default:
			return nil
		}
	}
}

// deliver sends one call, retrying failures that may pass on a retry
// (connection errors, timeouts, 408, 429, 5xx). Retries stop when ctx is
// done.
func (w *WebhookRunner) deliver(ctx context.Context, c *webhookCall) {
	retries := c.retries
	if retries < 0 {
		retries = w.cfg.Retries
	}
	timeout := c.timeout
	if timeout <= 0 {
		timeout = w.cfg.Timeout
	}
	var err error
	for attempt := 0; ; attempt++ {
		var retry bool
		retry, err = w.attempt(ctx, c, timeout)
		if err == nil {
			w.sent.Add(1)
			return
		}
		if !retry || attempt >= retries || ctx.Err() != nil {
			break
		}
		w.retries.Add(1)
		t := time.NewTimer(w.cfg.Backoff.Delay(attempt))
		select {
		case <-ctx.Done():
			t.Stop()
		case <-t.C:
		}
		if ctx.Err() != nil {
			break
		}
	}
	w.logFailure(c, "webhook call failed", err)
	w.failed.Add(1)
}

// attempt sends the request once. The attempt is not cancelled by
// shutdown, only by its timeout, so a call in flight completes.
func (w *WebhookRunner) attempt(ctx context.Context, c *webhookCall, timeout time.Duration) (retry bool, err error) {
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	var body io.Reader
	if c.method != http.MethodGet {
		body = bytes.NewReader(c.body)
	}
	req, err := http.NewRequestWithContext(actx, c.method, c.url, body)
	if err != nil {
		return false, fmt.Errorf("bad request: %w", redactURLError(err))
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", "sluice-mpe")
	for _, h := range c.headers {
		req.Header.Set(h.name, h.value)
	}
	resp, err := w.cfg.Client.Do(req)
	if err != nil {
		return true, redactURLError(err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	switch s := resp.StatusCode; {
	case s >= 200 && s < 300:
		return false, nil
	case s == http.StatusRequestTimeout || s == http.StatusTooManyRequests || s >= 500:
		return true, fmt.Errorf("HTTP %d", s)
	default:
		return false, fmt.Errorf("HTTP %d (not retried)", s)
	}
}

// redactURLError removes the URL from net/http errors: it may hold a
// token.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}

// safeURL is what of a URL may be logged: scheme and host. User info,
// query and even the path may hold a token (chat webhooks put it there).
func safeURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Scheme + "://" + u.Host
}

// logFailure logs a failure at most once every 10 seconds, with the
// number of failures it did not log.
func (w *WebhookRunner) logFailure(c *webhookCall, msg string, err error) {
	w.logMu.Lock()
	now := time.Now()
	if now.Sub(w.lastLog) < 10*time.Second {
		w.quiet++
		w.logMu.Unlock()
		return
	}
	quiet := w.quiet
	w.lastLog, w.quiet = now, 0
	w.logMu.Unlock()
	args := []any{"event_rule", c.rule, "url", safeURL(c.url)}
	if err != nil {
		args = append(args, "error", err.Error())
	}
	if quiet > 0 {
		args = append(args, "failures_not_logged", quiet)
	}
	w.logger.Warn(msg, args...)
}
