// Package mediator is the Sluice mediator daemon (LogRhythm's Data
// Processor): it accepts agent streams, stores batches durably in its state
// before acknowledging them, parses entries with the MPE and writes events
// to the indexer, removing entries from state only once indexed.
package mediator

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/oklog/run"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/keepalive"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/indexer/elastic"
	"github.com/sluicehq/sluice/indexer/embedded"
	"github.com/sluicehq/sluice/mediator/armlink"
	"github.com/sluicehq/sluice/mpe"
	"github.com/sluicehq/sluice/pkg/archive"
	"github.com/sluicehq/sluice/pkg/connlimit"
	"github.com/sluicehq/sluice/pkg/datadir"
	"github.com/sluicehq/sluice/pkg/hclconf"
	"github.com/sluicehq/sluice/pkg/httpauth"
	"github.com/sluicehq/sluice/pkg/logging"
	"github.com/sluicehq/sluice/pkg/pki"
	"github.com/sluicehq/sluice/pkg/serve"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// Deps are the mediator's injected dependencies.
type Deps struct {
	Logger hclog.Logger
	// Logs, when set, is where Logger comes from: the API's
	// /v1/log/level reads and changes its level (nil: no such endpoint).
	Logs    *logging.Logs
	Version string
	// Index overrides the configured indexer (tests share one index
	// between mediators). The mediator does not close an injected index.
	Index indexer.Index
	// Observers are told about indexed events.
	Observers []Observer
	// ServerOptions carry transport credentials (TLS).
	ServerOptions []grpc.ServerOption
	// ARMDialOptions carry transport credentials to ARM (TLS).
	ARMDialOptions []grpc.DialOption
	// Registry is where the mediator registers its metrics (served at
	// /metrics); nil: a registry of its own.
	Registry *prometheus.Registry
}

// Mediator is the mediator daemon.
type Mediator struct {
	cfg       *Config
	logger    hclog.Logger
	logs      *logging.Logs
	version   string
	started   time.Time
	state     *state
	dead      *deadLetters
	index     indexer.Index
	ownsIndex bool
	rules     *ruleKeeper
	// orgRules are the organizations' own rule sets (orgrules.go).
	orgRules *orgRules
	// orgs are the organization settings in force (config_orgs.go).
	orgs *orgTable
	// orgReload serialises reloads of the organization settings.
	orgReload sync.Mutex
	webhooks  *mpe.WebhookRunner
	registry  *registry
	suspense  *suspense
	accept    *acceptance
	revoked   *revocations
	intake    *intake
	// httpAccess is the HTTP API's access policy: tokens, Host, Origin.
	httpAccess *httpauth.Guard
	arm        *armlink.Reporter // nil without ARM
	pipeline   *pipeline
	// archive keeps raw entries (nil: no archive); retention prunes the
	// index and the archive; disk warns before the index volume fills;
	// replaying is set while an archive replay runs.
	archive   *archive.Archive
	retention *retention
	disk      *diskWatch
	replaying atomic.Bool
	// stall is the pipeline stall watch's verdict.
	stall stallReport
	// warnings are what someone should look at although the pipeline
	// may move (warnings.go): the parts raise and clear them.
	warnings *warnings
	// slowSearches limits the log of searches stopped at search_timeout.
	slowSearches logging.Limiter
	// promReg holds the metrics; metrics serves them.
	promReg *prometheus.Registry
	metrics http.Handler

	// srv serves the agents (gRPC) and the API (HTTP).
	srv *serve.Server

	abort     chan struct{}
	abortOnce sync.Once
}

// Abort stops the mediator the way a crash would look to its agents:
// connections are dropped without a Shutdown message. Run then returns.
// Fault tests use it; operators stop a mediator with a signal.
func (m *Mediator) Abort() {
	m.abortOnce.Do(func() { close(m.abort) })
}

// New loads the rules, opens state and index and binds the listeners. A
// rule set that does not load is an error: the mediator does not start
// without its rules. When New fails part way, everything it opened is
// closed again: state, dead letters, an index it opened, the listeners.
func New(cfg *Config, deps Deps) (_ *Mediator, err error) {
	logger := deps.Logger
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	if err := datadir.Claim(cfg.DataDir, datadir.Mediator); err != nil {
		return nil, fmt.Errorf("mediator: %w", err)
	}
	// httpauth warns about its token files itself, when it reads them.
	for _, w := range hclconf.LooseSecrets(hclconf.Except(cfg.Files, "admin_token_file", "read_token_file")) {
		logger.Warn("configuration: " + w.Error())
	}
	m := &Mediator{cfg: cfg, logger: logger, logs: deps.Logs, version: deps.Version, started: time.Now(), registry: newRegistry(cfg.MaxAgents), abort: make(chan struct{})}
	m.orgs = newOrgTable(cfg.Organizations)
	m.warnings = newWarnings(logger.Named("warnings"), nil)
	m.slowSearches.Every = time.Minute
	m.webhooks = mpe.NewWebhookRunner(mpe.WebhookConfig{Logger: logger.Named("webhooks")})
	if m.rules, err = newRuleKeeper(cfg.Rules, m.webhooks, logger.Named("rules")); err != nil {
		return nil, err
	}
	if m.orgRules, err = newOrgRules(cfg.Organizations, m.webhooks, logger.Named("rules")); err != nil {
		return nil, err
	}
	// The one cleanup path: release closes whatever the steps below
	// opened, whichever of them failed.
	defer func() {
		if err != nil {
			m.release()
		}
	}()
	if err := m.openStorage(deps.Index); err != nil {
		return nil, err
	}
	if err := m.buildIntake(deps); err != nil {
		return nil, err
	}
	if err := m.listen(deps); err != nil {
		return nil, err
	}
	m.buildPipeline(deps.Observers)
	m.buildLifecycle()
	m.promReg = deps.Registry
	if m.promReg == nil {
		m.promReg = prometheus.NewRegistry()
	}
	if err := m.registerMetrics(m.promReg); err != nil {
		return nil, err
	}
	m.metrics = serve.Metrics(m.promReg, logger.Named("metrics"))
	return m, nil
}

// release closes what New opened, for a New that fails: the listeners
// and the storage.
func (m *Mediator) release() {
	if m.srv != nil {
		m.srv.Stop()
	}
	if err := m.closeStorage(); err != nil {
		m.logger.Error("closing after a failed start", "error", err)
	}
}

// openStorage opens state, the dead letters and the index (unless one is
// injected). What it opened before an error is left for closeStorage.
func (m *Mediator) openStorage(injected indexer.Index) error {
	var err error
	if m.state, err = openState(filepath.Join(m.cfg.DataDir, "state"), m.logger.Named("state")); err != nil {
		return err
	}
	if m.dead, err = openDeadLetters(filepath.Join(m.cfg.DataDir, "deadletter"), m.logger.Named("deadletter")); err != nil {
		return err
	}
	if err := m.openArchive(); err != nil {
		return err
	}
	if injected != nil {
		m.index = injected
		return nil
	}
	idx, err := OpenIndex(m.cfg.Indexer, m.logger.Named("index"))
	if err != nil {
		return fmt.Errorf("open index: %w", err)
	}
	m.index, m.ownsIndex = idx, true
	return nil
}

// closeStorage closes the index (if the mediator opened it), state and
// the dead letters, those of them that are open.
func (m *Mediator) closeStorage() error {
	var errs []error
	if m.ownsIndex && m.index != nil {
		if err := m.index.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close index: %w", err))
		}
	}
	if m.state != nil {
		if err := m.state.close(); err != nil {
			errs = append(errs, err)
		}
	}
	if m.dead != nil {
		if err := m.dead.close(); err != nil {
			errs = append(errs, err)
		}
	}
	if m.archive != nil {
		// Its open files are closed and join the hash chain.
		if err := m.archive.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close archive: %w", err))
		}
	}
	return errors.Join(errs...)
}

// buildIntake builds what admits agents and their batches: suspense, the
// ARM link, acceptance, revocations, the API's guard and the intake. It
// opens nothing (acceptance reads state, revocations their file).
func (m *Mediator) buildIntake(deps Deps) error {
	cfg, logger := m.cfg, m.logger
	m.suspense = &suspense{
		backlogMax:    int64(cfg.SuspenseBacklog),
		backlogResume: int64(cfg.SuspenseResume),
		minFree:       cfg.SuspenseMinFree,
		dir:           cfg.DataDir,
		backlog:       m.state.q.Len,
		freeBytes:     diskFree,
		ackMax:        cfg.SuspenseAckLatency,
		registry:      m.registry,
		logger:        logger.Named("suspense"),
		slowLog:       logging.Limiter{Every: time.Minute},
	}
	if cfg.ARM != "" {
		host, _ := os.Hostname()
		m.arm = armlink.NewReporter(armlink.ReporterConfig{
			Addr:        cfg.ARM,
			MediatorID:  cfg.ID,
			Hostname:    host,
			Version:     deps.Version,
			Interval:    cfg.ARMInterval,
			DialOptions: deps.ARMDialOptions,
			// ARM raises Data Processor Stalled from it.
			Stalled: m.stall.get,
			// ARM raises Data Processor Warning and Warning Cleared
			// from them.
			Warnings: m.warnings.list,
			// ARM's own events enter state like any entry: durable,
			// parsed by the sluice-arm policy, indexed exactly once.
			EventSink: func(_ context.Context, agentID, org string, entries []*sluicev1.LogEntry) error {
				_, err := m.state.append(org, agentID, entries)
				return err
			},
		}, logger.Named("arm"))
	}
	var err error
	if m.accept, err = newAcceptance(cfg.Accept, m.state.q); err != nil {
		return fmt.Errorf("load agent acceptance: %w", err)
	}
	if m.revoked, err = newRevocations(cfg.Revoked, cfg.RevokedFile, logger.Named("revocation")); err != nil {
		return err
	}
	if m.httpAccess, err = newGuard(cfg, logger.Named("http")); err != nil {
		return err
	}
	m.intake = &intake{
		suspense:         m.suspense,
		accept:           m.accept,
		revoked:          m.revoked,
		id:               cfg.ID,
		state:            m.state,
		registry:         m.registry,
		handshakeTimeout: cfg.HandshakeTimeout,
		logger:           logger.Named("intake"),
		inflight:         newByteBudget(cfg.MaxInflightBytes),
		pressure:         newPressureGauges(nil),
		limits: limits{
			entriesPerSec:   cfg.AgentRateEntries,
			bytesPerSec:     cfg.AgentRateBytes,
			maxBatchEntries: cfg.MaxBatchEntries,
			maxBatchBytes:   cfg.MaxBatchBytes,
		},
	}
	m.intake.wire.Inbound = true // counts what agents send
	m.wireQuotas()
	m.suspense.ackLatency = func() time.Duration { return m.intake.pressure.acks.percentile(99) }
	m.suspense.pressure = m.intake.pressure.snapshot
	if m.arm != nil {
		m.intake.heartbeats = m.arm
	}
	return nil
}

// listen loads the TLS configurations, builds the gRPC server and the
// API's, and binds their listeners. The listeners come last: a bad
// certificate binds nothing.
func (m *Mediator) listen(deps Deps) error {
	cfg, logger := m.cfg, m.logger
	opts := []grpc.ServerOption{
		// A batch's size is bounded at the transport, before it is decoded.
		grpc.MaxRecvMsgSize(int(cfg.MaxBatchBytes) + 1<<20),
		grpc.MaxConcurrentStreams(uint32(cfg.MaxStreams)),
		// A client that opens TCP but never finishes the TLS handshake is
		// dropped, not held for gRPC's default 120 s.
		grpc.ConnectionTimeout(cfg.HandshakeTimeout),
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: 10 * time.Second, PermitWithoutStream: true}),
		// MaxConnectionAge makes every agent reconnect, and re-handshake,
		// periodically: a revoked or expired certificate does not stay
		// connected.
		grpc.KeepaliveParams(keepalive.ServerParameters{Time: 30 * time.Second, Timeout: 10 * time.Second, MaxConnectionAge: cfg.MaxConnectionAge, MaxConnectionAgeGrace: 30 * time.Second}),
		// A connection's write buffer (taken from a pool per write) is
		// 8 KiB, not 32: the mediator writes acks and heartbeats, a few
		// hundred bytes at a time. With 10,000 agents the buffers were a
		// third of the live heap (issue 24).
		grpc.WriteBufferSize(8 << 10),
		// Counts received bytes before and after decompression.
		grpc.StatsHandler(&m.intake.wire),
	}
	if cfg.TLS != nil {
		tc, err := pki.ServerConfig(*cfg.TLS, pki.ServerOptions{Check: m.revoked.check, Logger: logger.Named("tls")})
		if err != nil {
			return fmt.Errorf("mediator tls: %w", err)
		}
		opts = append(opts, grpc.Creds(credentials.NewTLS(tc)))
	} else if !hclconf.AddrIsLoopback(cfg.Listen) {
		logger.Warn("INSECURE: agents connect over plaintext from the network, unauthenticated (insecure = true); configure a tls block", "listen", cfg.Listen)
	}
	var httpTLS *tls.Config
	if cfg.HTTPTLS != nil {
		tc, err := pki.ServerOnlyConfig(cfg.HTTPTLS.Cert, cfg.HTTPTLS.Key, logger.Named("http-tls"))
		if err != nil {
			return fmt.Errorf("mediator http_tls: %w", err)
		}
		httpTLS = tc
	}
	if !hclconf.AddrIsLoopback(cfg.HTTP) {
		// The API returns events and raw lines: say so when they cross
		// the network in the clear, or when no token lets anyone read.
		if cfg.HTTPTLS == nil {
			logger.Warn("the JSON API (searches, status) is served over plaintext HTTP on a network address; configure http_tls", "http", cfg.HTTP)
		}
		if !m.httpAccess.HasTokens() {
			logger.Warn("no read_token_file or admin_token_file: the API answers loopback callers only", "http", cfg.HTTP)
		} else if !m.httpAccess.HasAdminToken() {
			logger.Warn("no admin_token_file: admin endpoints answer loopback callers only", "http", cfg.HTTP)
		}
	}
	opts = append(opts, deps.ServerOptions...)
	g := grpc.NewServer(opts...)
	sluicev1.RegisterMediatorServiceServer(g, m.intake)
	srv, err := serve.Listen(serve.Config{
		Logger:      logger,
		GRPC:        g,
		GRPCAddr:    cfg.Listen,
		GRPCClients: "agents",
		HTTP: &serve.HTTPConfig{
			Addr:    cfg.HTTP,
			Handler: m.routes(),
			TLS:     httpTLS,
			Limits:  connlimit.Config{Max: cfg.MaxHTTPConnections, PerAddress: cfg.MaxHTTPConnectionsPerAddress},
			// A request is a URL and at most a small JSON body.
			ReadTimeout: 30 * time.Second,
			// No WriteTimeout: a large search answer or a dead-letter
			// replay may take long; a slow reader holds at most
			// max_http_connections_per_address connections.
		},
	})
	if err != nil {
		return err
	}
	m.srv = srv
	return nil
}

// buildPipeline builds the pipeline from state to the index.
func (m *Mediator) buildPipeline(observers []Observer) {
	cfg := m.cfg
	m.pipeline = &pipeline{
		mediatorID:  cfg.ID,
		state:       m.state,
		rules:       &m.rules.current,
		orgRules:    m.orgRules,
		sink:        m.index,
		workers:     cfg.Workers,
		batch:       cfg.IndexBatch,
		flush:       cfg.IndexFlush,
		observers:   observers,
		dead:        m.dead,
		logger:      m.logger.Named("pipeline"),
		gate:        newOrgGate(parkBackoff),
		maxLine:     int(cfg.MaxLineBytes),
		parkAfter:   defaultParkAfter,
		window:      timeWindow{past: cfg.MaxPastAge, future: cfg.MaxFutureSkew},
		orgs:        m.orgs,
		readTag:     m.state.q.ReadTag,
		tags:        m.state.q.Tags,
		reconfigure: make(chan struct{}, 1),
	}
	m.pipeline.outOfRangeLog.Every = time.Minute
}

// Addr is the agents' gRPC address the mediator listens on.
func (m *Mediator) Addr() string { return m.srv.GRPCAddr() }

// HTTPAddr is the JSON API's address.
func (m *Mediator) HTTPAddr() string { return m.srv.HTTPAddr() }

// Index is the index events go to (and searches read).
func (m *Mediator) Index() indexer.Index { return m.index }

// Reload compiles the rule files again and swaps them in if they load and
// their tests pass (SIGHUP does this); the previous rules stay in force
// otherwise. The global set and each organization's own set reload
// independently: a broken one is refused (the error names the
// organization) without holding back the others. A mediator started from
// a file also reads its organization blocks again (ReloadOrganizations).
// No agent is disconnected.
func (m *Mediator) Reload() error {
	var errs []error
	if m.cfg.Path != "" {
		if _, err := m.ReloadOrganizations(); err != nil {
			errs = append(errs, err)
		}
	}
	errs = append(errs, m.rules.reload("reload requested"), m.orgRules.reload("reload requested"))
	return errors.Join(errs...)
}

// HighWater is the highest sequence of an agent the mediator holds, of
// whichever of its spools got furthest.
func (m *Mediator) HighWater(org, agent string) uint64 { return m.state.agentHighWater(org, agent) }

// Registry is the Prometheus registry the mediator's metrics are in.
func (m *Mediator) Registry() *prometheus.Registry { return m.promReg }

// Agents lists the connected agents.
func (m *Mediator) Agents() []AgentInfo { return m.registry.list() }

// Status reports counters for /v1/status.
func (m *Mediator) Status() StatusResponse {
	stalled := m.stall.get()
	le, _ := m.pipeline.lastError.Load().(string)
	now := time.Now()
	return StatusResponse{
		Kind:            "mediator",
		ID:              m.cfg.ID,
		Version:         m.version,
		Started:         m.started.UTC(),
		Uptime:          now.Sub(m.started).Seconds(),
		Agents:          m.registry.count(),
		MaxAgents:       m.cfg.MaxAgents,
		StateDepth:      m.state.q.Len(),
		Received:        m.intake.received.Load(),
		Pressure:        m.intake.pressure.snapshot(),
		ReceivedBatches: m.intake.batches.Load(),
		Indexed:         m.pipeline.indexed.Load(),
		Errors:          m.pipeline.errors.Load(),
		Rules:           m.rules.current.Load().Len(),
		RulesError:      m.rules.lastError.Load().(string),
		IndexRetry:      m.pipeline.retrying.Load(),
		Suspense:        m.suspense.reason(),
		Organizations:   m.intake.quotas.status(),
		Stalled:         stalled != "",
		StalledReason:   stalled,
		Stalls:          m.stall.count.Load(),
		Warnings:        m.warnings.list(),
		Pipeline:        m.pipelineState(),
		DeadLetter:      m.dead.len(),
		OutOfRange:      m.pipeline.outOfRange.Load(),
		LastError:       le,
		Retention:       m.retention.status(),
		Archive:         m.archiveStatus(),
		IndexDiskFree:   m.indexDiskFree(),

		RefusedDuplicateIdentity: m.registry.duplicatesRefused(),
	}
}

// errAborted is how Abort stops Run's group; Run does not return it.
var errAborted = errors.New("mediator aborted")

// Run serves agents and the API and runs the pipeline until ctx is done.
// On shutdown it tells every agent to fail over (Shutdown) before closing.
// Its parts run in one run.Group: the first to fail (a listener closed,
// the ARM link or webhook runner unable to run) stops the others, and its
// error is Run's. On ctx's end Run returns nil unless closing fails.
func (m *Mediator) Run(ctx context.Context) error {
	m.logger.Info("mediator starting", "id", m.cfg.ID, "listen", m.Addr(), "http", m.HTTPAddr(), "rules", m.rules.current.Load().Len(), "state_depth", m.state.q.Len())
	pctx, stopPipeline := context.WithCancel(context.Background())
	defer stopPipeline()
	var (
		g        run.Group
		mu       sync.Mutex
		errs     []error // of the parts, in the order they stopped
		stopOnce sync.Once
	)
	stopped := make(chan struct{})
	// stop shuts the mediator down once, in order: agents told to fail
	// over, the API closed, the pipeline drained, then the rest stopped.
	stop := func(cause error) {
		stopOnce.Do(func() {
			close(stopped)
			m.shutdown(errors.Is(cause, errAborted))
			stopPipeline()
		})
	}
	// The first part: ctx's end or Abort.
	g.Add(func() error {
		select {
		case <-ctx.Done():
			return nil
		case <-m.abort:
			return errAborted
		case <-stopped:
			return nil
		}
	}, stop)
	// add adds a part. Only a part's error stops the others: one that is
	// done early without error (no revocation file to watch, no webhook
	// workers) waits for the shutdown.
	add := func(name string, execute func() error) {
		g.Add(func() error {
			err := execute()
			if err == nil {
				<-pctx.Done()
				return nil
			}
			if name != "" {
				err = fmt.Errorf("%s: %w", name, err)
			}
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
			return err
		}, stop)
	}
	add("grpc server", m.srv.RunGRPC)
	add("http server", m.srv.RunHTTP)
	add("", func() error {
		if m.cfg.Workers == 0 {
			m.logger.Warn("workers = 0: entries are stored but not processed; they wait in state")
			<-pctx.Done()
			return nil
		}
		m.pipeline.run(pctx)
		return nil
	})
	add("", func() error { m.suspense.run(pctx, 500*time.Millisecond); return nil })
	if m.cfg.StallWarning > 0 {
		add("", func() error {
			m.watchPipeline(pctx, min(m.cfg.StallWarning/4, 5*time.Second), time.Now)
			return nil
		})
	}
	add("", func() error { m.revoked.watch(pctx, m.registry, 5*time.Second); return nil })
	add("", func() error { m.rules.watch(pctx, 2*time.Second); return nil })
	add("", func() error { m.orgRules.watch(pctx, 2*time.Second); return nil })
	add("webhooks", func() error { return m.webhooks.Run(pctx) })
	if m.arm != nil {
		add("arm link", func() error { return m.arm.Run(pctx) })
	}
	m.runLifecycle(pctx, add)
	_ = g.Run() // its first error is errs[0]

	mu.Lock()
	runErrs := errs
	mu.Unlock()
	if err := m.closeStorage(); err != nil {
		runErrs = append(runErrs, err)
	}
	m.logger.Info("mediator stopped")
	return errors.Join(runErrs...)
}

// shutdown stops serving: agents are told to fail over (or, aborting,
// dropped), the API is closed, and the pipeline gets a moment to finish
// what it holds; what it does not finish stays in state for the next
// start.
func (m *Mediator) shutdown(aborted bool) {
	m.intake.draining.Store(true)
	if aborted {
		m.logger.Warn("mediator aborting: dropping agent connections")
		m.srv.Stop()
	} else {
		m.logger.Info("mediator stopping: telling agents to fail over")
		m.registry.kickAll(kick{reason: "mediator shutting down"})
		m.srv.Shutdown()
	}
	drainFor := 2 * time.Second
	if m.cfg.Workers == 0 {
		drainFor = 0
	}
	drainCtx, cancelDrain := context.WithTimeout(context.Background(), drainFor)
	m.pipeline.drain(drainCtx)
	cancelDrain()
}

// OpenIndex opens the configured backend (the mediator's, and `sluice
// index prune`'s on a stopped mediator). An Elasticsearch cluster that
// cannot be used yet (down, wrong credentials, not Elasticsearch) is one
// clear error in the log, not a failed start: the mediator keeps accepting
// into its state, and the pipeline retries until the cluster answers.
func OpenIndex(cfg IndexerConfig, logger hclog.Logger) (indexer.Index, error) {
	switch cfg.Kind {
	case "elasticsearch":
		idx, err := elastic.Open(cfg.Elastic, logger)
		if err != nil {
			return nil, err
		}
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := idx.Check(ctx); err != nil {
			logger.Error("the Elasticsearch cluster cannot be used yet; entries stay queued in state and are retried", "error", err)
		}
		return idx, nil
	default:
		return embedded.Open(embedded.Config{Dir: cfg.Dir, MaxLimit: maxSearchLimit}, logger)
	}
}
