package arm

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sluicehq/sluice/pkg/connlimit"
	"github.com/sluicehq/sluice/pkg/datadir"
	"github.com/sluicehq/sluice/pkg/hclconf"
	"github.com/sluicehq/sluice/pkg/httpauth"
	"github.com/sluicehq/sluice/pkg/logging"
	"github.com/sluicehq/sluice/pkg/pki"
	"github.com/sluicehq/sluice/pkg/serve"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// Deps are ARM's injected dependencies.
type Deps struct {
	Logger hclog.Logger
	// Logs, when set, is where Logger comes from: the API's
	// /v1/log/level reads and changes its level (nil: no such endpoint).
	Logs    *logging.Logs
	Version string
	// Now is the clock (time.Now when nil). Tests inject a fake one.
	Now func() time.Time
	// ServerOptions are added to the gRPC server's (the tls block makes
	// its transport credentials).
	ServerOptions []grpc.ServerOption
	// Registry is where ARM registers its metrics (served at /metrics);
	// nil: a registry of its own.
	Registry *prometheus.Registry
}

// ARM is the heartbeat daemon: a gRPC service for mediators, the dashboard
// over HTTP, and the loop that raises missing-heartbeat warnings.
type ARM struct {
	cfg     *Config
	logger  hclog.Logger
	logs    *logging.Logs
	version string
	now     func() time.Time
	started time.Time

	store   *store
	tracker *Tracker
	outbox  *outbox
	stats   stats
	noisy   noisyLog

	// saveMu orders snapshots of component records with their writes, so
	// an older snapshot is never written over a newer one.
	saveMu sync.Mutex
	// unsaved holds transitions whose events could not be written yet;
	// the check loop retries them.
	unsaved []Transition

	// httpAccess is the HTTP API's access policy: tokens, Host, Origin.
	httpAccess *httpauth.Guard

	// srv serves mediators (gRPC) and the dashboard (HTTP).
	srv *serve.Server

	// promReg holds the metrics; metrics serves them.
	promReg *prometheus.Registry
	metrics http.Handler
	// stopping is set once Run is shutting down (/readyz).
	stopping atomic.Bool
}

// stats are ARM's counters, served by /v1/status.
type stats struct {
	reports        atomic.Uint64
	heartbeats     atomic.Uint64
	ignoredFuture  atomic.Uint64
	ignoredOrg     atomic.Uint64
	ignoredInvalid atomic.Uint64
	// refusedIdentity counts reports whose mediator id is not the one
	// in the client certificate.
	refusedIdentity atomic.Uint64
	events          atomic.Uint64
	eventsDropped   atomic.Uint64
	saveErrors      atomic.Uint64
	// transitions counts the warnings raised and cleared (missing,
	// returned, stalled, ...), by component kind and transition kind.
	transitions transitionCounts
}

// maxOutbox bounds the outbox: when no mediator collects ARM events (ARM
// is cut off from all of them, so everything turns red and keeps warning),
// disk use must still stop somewhere. Beyond it new events are counted
// and dropped.
const maxOutbox = 1_000_000

// New opens ARM's state, restores every known component, and binds the
// listeners. Run starts serving. When New fails part way, everything it
// opened is closed again: the state and the listeners.
func New(cfg *Config, deps Deps) (_ *ARM, err error) {
	logger := deps.Logger
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	now := deps.Now
	if now == nil {
		now = time.Now
	}
	a := &ARM{cfg: cfg, logger: logger, logs: deps.Logs, version: deps.Version, now: now, started: now()}

	// The one cleanup path: whichever step fails, what the steps before
	// it opened is closed.
	var grpcServer *grpc.Server
	defer func() {
		if err == nil {
			return
		}
		if a.srv == nil && grpcServer != nil {
			grpcServer.Stop() // not taken over by serve.Listen
		}
		a.release()
	}()
	// Transport security and the HTTP guard are settled before anything
	// is opened: a refusal leaves no state behind.
	grpcServer, httpTLS, err := a.buildServers(deps)
	if err != nil {
		return nil, err
	}
	if err := datadir.Claim(cfg.DataDir, datadir.ARM); err != nil {
		return nil, fmt.Errorf("ARM: %w", err)
	}
	// httpauth warns about its token files itself, when it reads them.
	for _, w := range hclconf.LooseSecrets(hclconf.Except(cfg.Files, "admin_token_file", "read_token_file")) {
		logger.Warn("configuration: " + w.Error())
	}
	comps, err := a.openState()
	if err != nil {
		return nil, err
	}
	a.promReg = deps.Registry
	if a.promReg == nil {
		a.promReg = prometheus.NewRegistry()
	}
	if err := a.registerMetrics(a.promReg); err != nil {
		return nil, err
	}
	a.metrics = serve.Metrics(a.promReg, logger.Named("metrics"))
	if a.srv, err = serve.Listen(serve.Config{
		Logger:      logger,
		GRPC:        grpcServer,
		GRPCAddr:    cfg.Listen,
		GRPCClients: "mediators",
		HTTP: &serve.HTTPConfig{
			Addr:    cfg.HTTP,
			Handler: a.routes(),
			TLS:     httpTLS,
			Limits:  connlimit.Config{Max: cfg.MaxHTTPConnections, PerAddress: cfg.MaxHTTPConnectionsPerAddress},
			// Requests are URLs; answers are the grid, a few MB at most.
			ReadTimeout:  30 * time.Second,
			WriteTimeout: time.Minute,
		},
	}); err != nil {
		return nil, err
	}
	if len(comps) > 0 {
		logger.Info("restored components; intervals count from now", "components", len(comps), "outbox", a.outbox.depth())
	}
	return a, nil
}

// buildServers checks the transport settings, loads the TLS
// configurations and token files, and builds the gRPC server (with the
// report service) and the HTTP API's TLS configuration. It opens nothing.
func (a *ARM) buildServers(deps Deps) (*grpc.Server, *tls.Config, error) {
	cfg, logger := a.cfg, a.logger
	if err := cfg.checkTransport(); err != nil {
		return nil, nil, err
	}
	opts := []grpc.ServerOption{
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: 10 * time.Second, PermitWithoutStream: true}),
	}
	if cfg.TLS != nil {
		tc, err := pki.ServerConfig(*cfg.TLS, pki.ServerOptions{Check: mediatorsOnly, Logger: logger.Named("tls")})
		if err != nil {
			return nil, nil, fmt.Errorf("ARM tls: %w", err)
		}
		opts = append(opts, grpc.Creds(credentials.NewTLS(tc)),
			// Mediators reconnect, and re-handshake, at least hourly: a
			// rotated CA or an expired certificate does not stay connected.
			grpc.KeepaliveParams(keepalive.ServerParameters{MaxConnectionAge: time.Hour, MaxConnectionAgeGrace: 30 * time.Second}))
	}
	opts = append(opts, deps.ServerOptions...)
	var httpTLS *tls.Config
	if cfg.HTTPTLS != nil {
		tc, err := pki.ServerOnlyConfig(cfg.HTTPTLS.Cert, cfg.HTTPTLS.Key, logger.Named("http-tls"))
		if err != nil {
			return nil, nil, fmt.Errorf("ARM http_tls: %w", err)
		}
		httpTLS = tc
	}
	guard, err := httpauth.New(httpauth.Config{Realm: "sluice-arm", Listen: cfg.HTTP, Hosts: cfg.HTTPHosts,
		AdminTokenFile: cfg.AdminTokenFile, ReadTokenFile: cfg.ReadTokenFile, Logger: logger.Named("http")})
	if err != nil {
		return nil, nil, err
	}
	a.httpAccess = guard
	g := grpc.NewServer(opts...)
	sluicev1.RegisterArmServiceServer(g, &service{arm: a, logger: logger.Named("report")})
	return g, httpTLS, nil
}

// openState opens the store and restores the components it holds into
// the tracker and the outbox. What it opened before an error is left for
// release.
func (a *ARM) openState() ([]Component, error) {
	var err error
	if a.store, err = openStore(filepath.Join(a.cfg.DataDir, "state"), a.started, a.logger.Named("badger")); err != nil {
		return nil, err
	}
	comps, err := a.store.load()
	if err != nil {
		return nil, err
	}
	a.tracker = NewTracker(TrackerConfig{Now: a.now, Interval: a.cfg.WarningInterval, HistoryLen: a.cfg.HistoryLen})
	a.tracker.Restore(comps)
	a.outbox = newOutbox(a.store, a.now, a.cfg.LeaseTimeout, a.cfg.EventsPerReport)
	return comps, nil
}

// release closes what New opened, for a New that fails: the listeners
// and the store.
func (a *ARM) release() {
	if a.srv != nil {
		a.srv.Stop()
	}
	if a.store != nil {
		if err := a.store.close(); err != nil {
			a.logger.Error("closing after a failed start", "error", err)
		}
	}
}

// warnInsecure says loudly what is exposed without protection.
func (a *ARM) warnInsecure() {
	if a.cfg.TLS == nil && !hclconf.AddrIsLoopback(a.cfg.Listen) {
		a.logger.Warn("INSECURE: mediators report over plaintext from the network, unauthenticated: anyone who reaches this port can forge heartbeats and take ARM's events (insecure = true); configure a tls block",
			"listen", a.Addr())
	}
	if hclconf.AddrIsLoopback(a.cfg.HTTP) {
		return
	}
	if a.cfg.HTTPTLS == nil {
		a.logger.Warn("the dashboard and JSON API are served over plain HTTP on a network address; configure http_tls to serve HTTPS", "http", a.HTTPAddr())
	}
	if !a.httpAccess.HasTokens() {
		a.logger.Warn("no read_token_file or admin_token_file: the dashboard's data and the write endpoints (DELETE /v1/heartbeats/{id}) answer loopback callers only", "http", a.HTTPAddr())
	} else if !a.httpAccess.HasAdminToken() {
		a.logger.Warn("no admin_token_file: write and admin endpoints (DELETE /v1/heartbeats/{id}) answer loopback callers only", "http", a.HTTPAddr())
	}
}

// Addr is the gRPC address mediators report to.
func (a *ARM) Addr() string { return a.srv.GRPCAddr() }

// HTTPAddr is the dashboard's address.
func (a *ARM) HTTPAddr() string { return a.srv.HTTPAddr() }

// Registry is the Prometheus registry ARM's metrics are in.
func (a *ARM) Registry() *prometheus.Registry { return a.promReg }

// Components lists components, as GET /v1/heartbeats does.
func (a *ARM) Components(f Filter) []Component { return a.tracker.List(f) }

// Run serves mediators and the dashboard and raises warnings until ctx is
// done, then stops the servers, saves what changed, and closes the state.
func (a *ARM) Run(ctx context.Context) error {
	a.logger.Info("ARM starting", "id", a.cfg.ID, "listen", a.Addr(), "http", a.HTTPAddr(),
		"tls", a.cfg.TLS != nil, "http_tls", a.cfg.HTTPTLS != nil, "admin_token", a.httpAccess.HasAdminToken(), "read_tokens", a.cfg.ReadTokenFile != "",
		"agent_warning_interval", a.cfg.AgentWarningInterval, "mediator_warning_interval", a.cfg.MediatorWarningInterval,
		"components", a.tracker.Len())
	a.warnInsecure()
	loopCtx, stopLoop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		a.loop(loopCtx)
	}()
	// Serve returns once ctx ends or a server fails, both servers
	// stopped (gracefully, within bounds).
	runErr := a.srv.Serve(ctx)
	a.stopping.Store(true)
	a.logger.Info("ARM stopping")
	stopLoop()
	wg.Wait()

	errs := []error{runErr}
	if err := a.save(true); err != nil {
		errs = append(errs, err)
	}
	if err := a.store.close(); err != nil {
		errs = append(errs, err)
	}
	a.logger.Info("ARM stopped")
	return errors.Join(errs...)
}

// loop checks for missed intervals every CheckInterval, saves changed
// components every FlushInterval, and newer heartbeat times of otherwise
// unchanged components every HeartbeatSaveInterval.
func (a *ARM) loop(ctx context.Context) {
	lastAll := a.now()
	runLoop(ctx, a.cfg.CheckInterval, a.cfg.FlushInterval, a.check, func() {
		all := a.now().Sub(lastAll) >= a.cfg.HeartbeatSaveInterval
		if all {
			lastAll = a.now()
		}
		if err := a.save(all); err != nil {
			a.logger.Error("cannot save component state; will retry", "error", err)
		}
	})
}

// runLoop calls check every checkEvery and flush every flushEvery until
// ctx is done. It is apart from ARM so that its timing is tested with
// testing/synctest.
func runLoop(ctx context.Context, checkEvery, flushEvery time.Duration, check, flush func()) {
	ct := time.NewTicker(checkEvery)
	defer ct.Stop()
	ft := time.NewTicker(flushEvery)
	defer ft.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ct.C:
			check()
		case <-ft.C:
			flush()
		}
	}
}

// check raises the warnings that are due and retries unsaved events.
func (a *ARM) check() {
	trs := a.tracker.Advance()
	for _, tr := range trs {
		a.logger.Warn(CommonEventMissing, "kind", tr.Component.Kind, "id", tr.Component.ID, "host", tr.Component.Hostname,
			"status", tr.Component.Status, "missed_intervals", tr.Component.MissedIntervals, "silence", roundDuration(tr.Silence))
	}
	a.record(trs)
}

// record writes the events of transitions (and the records of their
// components) to the outbox; what fails is kept and retried.
func (a *ARM) record(trs []Transition) {
	for _, tr := range trs {
		a.stats.transitions.count(tr)
	}
	a.saveMu.Lock()
	defer a.saveMu.Unlock()
	trs = append(a.unsaved, trs...)
	a.unsaved = nil
	for len(trs) > 0 {
		n := min(len(trs), saveChunk/2)
		if err := a.recordChunk(trs[:n]); err != nil {
			a.stats.saveErrors.Add(1)
			a.logger.Error("cannot write ARM events; will retry", "events", len(trs), "error", err)
			a.unsaved = trs
			return
		}
		trs = trs[n:]
	}
}

func (a *ARM) recordChunk(trs []Transition) error {
	evs := make([]*sluicev1.ArmEvent, 0, len(trs))
	recs := make([]Record, 0, len(trs))
	seen := map[string]bool{}
	for _, tr := range trs {
		if a.outbox.depth() < maxOutbox {
			evs = append(evs, a.armEvent(tr))
		} else {
			a.stats.eventsDropped.Add(1)
		}
		k := tr.Component.Key()
		if seen[k] {
			continue
		}
		seen[k] = true
		if r, ok := a.tracker.RecordOf(tr.Component); ok {
			recs = append(recs, r)
		}
	}
	if err := a.store.appendEvents(evs, recs); err != nil {
		a.tracker.MarkDirty(recs)
		return err
	}
	a.stats.events.Add(uint64(len(evs)))
	if d := len(trs) - len(evs); d > 0 {
		a.logger.Error("ARM outbox is full: no mediator collects ARM events; events dropped", "dropped", d, "outbox", a.outbox.depth())
	}
	return nil
}

// armEvent encodes a transition as the entry mediators store.
func (a *ARM) armEvent(tr Transition) *sluicev1.ArmEvent {
	ev := buildEvent(a.cfg.ID, tr)
	return &sluicev1.ArmEvent{
		Organization: ev.Organization,
		Entry: &sluicev1.LogEntry{
			SourceId:    SourceID,
			SourceType:  LogSourceType,
			CollectedAt: timestamppb.New(tr.Time),
			Raw:         ev.AppendJSON(nil),
		},
	}
}

// save writes changed components: with all, also those whose only change
// is a newer heartbeat time.
func (a *ARM) save(all bool) error {
	a.saveMu.Lock()
	defer a.saveMu.Unlock()
	recs := a.tracker.TakeDirty(all)
	if len(recs) == 0 {
		return nil
	}
	if err := a.store.saveRecords(recs); err != nil {
		a.stats.saveErrors.Add(1)
		a.tracker.MarkDirty(recs)
		return err
	}
	return nil
}

// forget removes a component from memory and disk.
func (a *ARM) forget(kind Kind, id string) (bool, error) {
	a.saveMu.Lock()
	defer a.saveMu.Unlock()
	if !a.tracker.Forget(kind, id) {
		return false, nil
	}
	if err := a.store.forget(kind, id); err != nil {
		return true, err
	}
	a.logger.Info("component forgotten", "kind", kind, "id", id)
	return true, nil
}
