// Package agent is the Sluice agent daemon: sources read lines into the
// durable spool, and the uplink streams the spool to the mediators.
//
// The agent imports only pkg/ and proto/ (docs/architecture.md, "Dependency
// direction"), so it stays small enough to install on every host.
package agent

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/oklog/run"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/sluicehq/sluice/agent/journald"
	"github.com/sluicehq/sluice/agent/source"
	"github.com/sluicehq/sluice/agent/spool"
	"github.com/sluicehq/sluice/agent/syslog"
	"github.com/sluicehq/sluice/agent/tail"
	"github.com/sluicehq/sluice/agent/uplink"
	"github.com/sluicehq/sluice/agent/webhook"
	"github.com/sluicehq/sluice/pkg/datadir"
	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/hclconf"
	"github.com/sluicehq/sluice/pkg/hostinfo"
	"github.com/sluicehq/sluice/pkg/pki"
	"github.com/sluicehq/sluice/pkg/serve"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// Deps are the agent's injected dependencies.
type Deps struct {
	Logger  hclog.Logger
	Version string
	// DialOptions carry transport credentials to the uplink (TLS).
	DialOptions []grpc.DialOption
	// FailbackJitter and LoadBalanceJitter bound the random extra wait
	// before a failback or load-balancing try. The configuration does not
	// expose them (LogRhythm fixes them at 1–30 s and 1–30 min, the zero
	// value here); tests that scale failback_delay and load_balance_delay
	// down scale these with them.
	FailbackJitter    [2]time.Duration
	LoadBalanceJitter [2]time.Duration
	// Registry is where the agent registers its metrics (with the Go and
	// process collectors); a new one when nil. It is what the HTTP
	// endpoint's /metrics serves.
	Registry *prometheus.Registry
}

// runner is a source: it reads until its context is done.
type runner interface {
	Run(ctx context.Context) error
}

// Agent collects and forwards logs.
type Agent struct {
	cfg     *Config
	logger  hclog.Logger
	spool   *spool.Spool
	uplink  *uplink.Uplink
	sources []runner
	syslogs []*syslog.Source
	// info is each source's id, kind and counters, for Status.
	info []sourceInfo

	version string
	started time.Time
	metrics *metrics
	// srv is the HTTP endpoint (nil without http).
	srv *serve.Server
	// running is set while Run runs (for /readyz).
	running atomic.Bool
}

// New opens the spool and builds sources and uplink. Call Run to start.
func New(cfg *Config, deps Deps) (*Agent, error) {
	logger := deps.Logger
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	if err := datadir.Claim(cfg.DataDir, datadir.Agent); err != nil {
		return nil, fmt.Errorf("agent: %w", err)
	}
	for _, w := range cfg.Warnings {
		logger.Warn("configuration: " + w.Error())
	}
	// httpauth warns about the read token file itself, when it reads it.
	for _, w := range hclconf.LooseSecrets(hclconf.Except(cfg.Files, "read_token_file")) {
		logger.Warn("configuration: " + w.Error())
	}
	met, err := newMetrics(deps.Registry)
	if err != nil {
		return nil, fmt.Errorf("agent metrics: %w", err)
	}
	sp, err := spool.Open(spool.Options{
		Dir:      filepath.Join(cfg.DataDir, "spool"),
		Logger:   logger.Named("spool"),
		MaxBytes: cfg.MaxSpoolBytes,
		MinFree:  cfg.MinFreeDisk,
		OnAcked:  met.observeAck,
	})
	if err != nil {
		return nil, err
	}
	a := &Agent{cfg: cfg, logger: logger, spool: sp, version: deps.Version, started: time.Now(), metrics: met}
	dial := deps.DialOptions
	if cfg.TLS != nil {
		tc, err := pki.ClientConfig(*cfg.TLS, logger.Named("tls"))
		if err != nil {
			_ = sp.Close()
			return nil, fmt.Errorf("agent tls: %w", err)
		}
		dial = append([]grpc.DialOption{grpc.WithTransportCredentials(credentials.NewTLS(tc))}, dial...)
		checkCertificate(cfg.TLS.Cert, time.Now(), logger)
	} else {
		// First, so the caller's options (tests) win.
		dial = append([]grpc.DialOption{
			grpc.WithTransportCredentials(insecure.NewCredentials()),
			grpc.WithContextDialer(plaintextDialer),
		}, dial...)
		for _, m := range cfg.Mediators {
			if !hclconf.AddrIsLoopback(m) {
				logger.Warn("INSECURE: logs go to mediators in plaintext, unauthenticated (insecure = true); configure a tls block", "mediator", m)
				break
			}
		}
	}
	incarnation := sp.Incarnation()
	up, err := uplink.New(uplink.Config{
		AgentID:           cfg.ID,
		Organization:      cfg.Organization,
		Hostname:          cfg.Hostname,
		Version:           deps.Version,
		Host:              agentHost(cfg, hostinfo.Collect()),
		Incarnation:       incarnation,
		Mediators:         cfg.Mediators,
		BatchEntries:      cfg.BatchEntries,
		BatchBytes:        cfg.BatchBytes,
		Window:            cfg.Window,
		BatchLinger:       cfg.BatchLinger,
		Compression:       cfg.Compression,
		StallWarning:      cfg.StallWarning,
		HeartbeatInterval: cfg.HeartbeatInterval,
		HandshakeTimeout:  cfg.HandshakeTimeout,
		AckTimeout:        cfg.AckTimeout,
		FailbackDelay:     cfg.FailbackDelay,
		LoadBalanceDelay:  cfg.LoadBalanceDelay,
		ReconnectJitter:   cfg.ReconnectJitter,
		FailbackJitter:    deps.FailbackJitter,
		LoadBalanceJitter: deps.LoadBalanceJitter,
		DialOptions:       dial,
	}, sp, logger.Named("uplink"))
	if err != nil {
		_ = sp.Close()
		return nil, err
	}
	a.uplink = up
	for _, sc := range cfg.Sources {
		src, err := a.newSource(sc)
		if err != nil {
			_ = sp.Close()
			return nil, err
		}
		a.sources = append(a.sources, src)
	}
	if err := met.registry.Register(statusCollector{d: newStatusDescs(), status: a.Status}); err != nil {
		_ = sp.Close()
		return nil, fmt.Errorf("agent metrics: %w", err)
	}
	if err := a.listenHTTP(cfg); err != nil {
		_ = sp.Close()
		return nil, err
	}
	return a, nil
}

// agentHost is the host description the agent sends in its hello. The
// lines of syslog and webhook sources come from other hosts: they are
// named as forwarded, so their events never get this host's host.*.
func agentHost(cfg *Config, info hostinfo.Info) *sluicev1.AgentHost {
	h := &sluicev1.AgentHost{
		Ips:          info.IPs,
		OsType:       info.OS.Type,
		OsFamily:     info.OS.Family,
		OsName:       info.OS.Name,
		OsVersion:    info.OS.Version,
		OsPlatform:   info.OS.Platform,
		OsKernel:     info.OS.Kernel,
		Architecture: info.Architecture,
	}
	for _, sc := range cfg.Sources {
		if sc.Kind == "syslog" || sc.Kind == "webhook" {
			h.ForwardedSources = append(h.ForwardedSources, sc.ID)
		}
	}
	return h
}

// certificateWarning is how long before its certificate expires an agent
// starts saying so at start.
const certificateWarning = 30 * 24 * time.Hour

// checkCertificate says at start when the agent's own certificate cannot
// be used (expired, not valid yet) or soon cannot: mediators refuse it,
// and without this the operator sees only refused handshakes. The agent
// starts anyway: its sources keep filling the spool, and a certificate
// written over the file is picked up without a restart.
func checkCertificate(certFile string, now time.Time, logger hclog.Logger) {
	if err := pki.Validity(certFile, now); err != nil {
		logger.Error("the agent's own certificate cannot be used: mediators will refuse this agent until it is replaced (sluice tls cert; the new files are picked up without a restart, and lines wait in the spool meanwhile)", "error", err)
		return
	}
	if left, err := pki.ExpiresIn(certFile, now); err == nil && left < certificateWarning {
		logger.Warn("the agent's own certificate expires soon: renew it (sluice tls cert)", "cert", certFile, "expires_in", left.Round(time.Hour).String())
	}
}

// newSource builds the source of one `source "KIND" "ID"` block.
func (a *Agent) newSource(sc SourceConfig) (runner, error) {
	logger := a.logger.Named("source").With("source", sc.ID, "kind", sc.Kind)
	info := sourceInfo{id: sc.ID, kind: sc.Kind}
	defer func() { a.info = append(a.info, info) }()
	var store source.StateStore = a.spool
	if !sc.Filter.Empty() {
		info.filter = source.NewFilteredStore(a.spool, sc.Filter)
		store = info.filter
		// Never silent: what a source leaves out is said at start, and
		// counted (lines_filtered).
		logger.Info("source filters lines", "include_lines", sc.IncludeLines, "exclude_lines", sc.ExcludeLines)
	}
	switch sc.Kind {
	case "file":
		src, err := tail.New(tail.Config{
			SourceID:      sc.ID,
			LogSourceType: sc.LogSourceType,
			Paths:         sc.Paths,
			Exclude:       sc.Exclude,
			StartAtEnd:    sc.StartAtEnd,
			PollInterval:  sc.PollInterval,
			MaxLineBytes:  sc.MaxLineBytes,
			BatchLines:    a.cfg.BatchEntries,
			BatchBytes:    a.cfg.BatchBytes,

			PartialLineTimeout: sc.PartialLineTimeout,
			Multiline:          sc.Multiline,
		}, store, logger)
		if err != nil {
			return nil, err
		}
		return src, nil
	case "syslog":
		src, err := syslog.New(syslog.Config{
			SourceID:       sc.ID,
			LogSourceType:  sc.LogSourceType,
			Listen:         sc.Listen,
			TLS:            sc.TLS,
			Framing:        sc.Framing,
			MaxLineBytes:   sc.MaxLineBytes,
			MaxConnections: sc.MaxConnections,
			IdleTimeout:    sc.IdleTimeout,
			ReadBuffer:     sc.ReadBuffer,
			BatchLines:     a.cfg.BatchEntries,
			BatchBytes:     a.cfg.BatchBytes,
			Multiline:      sc.Multiline,

			MaxConnectionsPerAddress: sc.MaxConnectionsPerAddress,
		}, store, logger)
		if err != nil {
			return nil, err
		}
		a.syslogs = append(a.syslogs, src)
		info.syslog = src
		return src, nil
	case "webhook":
		src, err := webhook.New(webhook.Config{
			SourceID:           sc.ID,
			LogSourceType:      sc.LogSourceType,
			Listen:             sc.Listen,
			Tokens:             sc.Tokens,
			Path:               sc.Path,
			MaxLineBytes:       sc.MaxLineBytes,
			MaxBodyBytes:       sc.MaxBodyBytes,
			MaxLinesPerRequest: sc.MaxLines,
			TLS:                sc.TLS,
			IdempotencyWindow:  sc.IdempotencyWindow,
			MaxIdempotencyKeys: sc.MaxIdempotencyKeys,

			MaxConnections:           sc.MaxConnections,
			MaxConnectionsPerAddress: sc.MaxConnectionsPerAddress,
		}, store, logger)
		if err != nil {
			return nil, err
		}
		info.webhook = src
		return src, nil
	case "journald":
		src, err := journald.New(journald.Config{
			SourceID:      sc.ID,
			LogSourceType: sc.LogSourceType,
			Units:         sc.Units,
			Priority:      sc.Priority,
			Match:         sc.Match,
			Directory:     sc.Directory,
			StartAtEnd:    sc.StartAtEnd,
			MaxLineBytes:  sc.MaxLineBytes,
			BatchLines:    a.cfg.BatchEntries,
			BatchBytes:    a.cfg.BatchBytes,
		}, store, logger)
		if err != nil {
			return nil, err
		}
		info.journal = src
		return src, nil
	}
	return nil, fmt.Errorf("source %s: unknown kind %q", sc.ID, sc.Kind)
}

// SyslogStats are the counters of the syslog sources, by source id.
func (a *Agent) SyslogStats() map[string]syslog.Stats {
	out := make(map[string]syslog.Stats, len(a.syslogs))
	for _, s := range a.syslogs {
		out[s.ID()] = s.Stats()
	}
	return out
}

// Uplink exposes the uplink's status (current and last mediator).
func (a *Agent) Uplink() *uplink.Uplink { return a.uplink }

// Spool exposes the spool depth for status reporting.
func (a *Agent) Spool() *spool.Spool { return a.spool }

// Run runs sources and uplink until ctx is done, then closes the spool.
// They run in one run.Group: the first to fail stops the others, and its
// error leads Run's.
func (a *Agent) Run(ctx context.Context) error {
	incarnation := a.spool.Incarnation()
	a.logger.Info("agent starting", "id", a.cfg.ID, "organization", a.cfg.Organization, "mediators", a.cfg.Mediators, "sources", len(a.sources), "spool_depth", a.spool.Depth(), "spool", event.SpoolTag(incarnation), "http", a.HTTPAddr())
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	a.running.Store(true)
	// Not ready from the moment anything stops.
	context.AfterFunc(runCtx, func() { a.running.Store(false) })
	var (
		g    run.Group
		mu   sync.Mutex
		errs []error // in the order the parts failed
	)
	// add adds a part. Only an error stops the others: a part done early
	// without one waits for the end.
	add := func(execute func(context.Context) error) {
		g.Add(func() error {
			err := execute(runCtx)
			if err == nil {
				<-runCtx.Done()
				return nil
			}
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
			return err
		}, func(error) { cancel() })
	}
	for _, s := range a.sources {
		add(s.Run)
	}
	add(a.uplink.Run)
	if a.srv != nil {
		g.Add(func() error {
			if err := a.srv.RunHTTP(); err != nil {
				err = fmt.Errorf("http server: %w", err)
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
				return err
			}
			return nil
		}, func(error) { cancel(); a.srv.Shutdown() })
	}
	// ctx's end stops the group too.
	g.Add(func() error { <-runCtx.Done(); return nil }, func(error) { cancel() })
	_ = g.Run()
	mu.Lock()
	defer mu.Unlock()
	if err := a.spool.Close(); err != nil {
		errs = append(errs, err)
	}
	a.logger.Info("agent stopped")
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("agent: %w", err)
	}
	return nil
}
