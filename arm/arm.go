package arm

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sluicehq/sluice/pkg/connlimit"
	"github.com/sluicehq/sluice/pkg/datadir"
	"github.com/sluicehq/sluice/pkg/hclconf"
	"github.com/sluicehq/sluice/pkg/httpauth"
	"github.com/sluicehq/sluice/pkg/pki"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// Deps are ARM's injected dependencies.
type Deps struct {
	Logger  hclog.Logger
	Version string
	// Now is the clock (time.Now when nil). Tests inject a fake one.
	Now func() time.Time
	// ServerOptions are added to the gRPC server's (the tls block makes
	// its transport credentials).
	ServerOptions []grpc.ServerOption
}

// ARM is the heartbeat daemon: a gRPC service for mediators, the dashboard
// over HTTP, and the loop that raises missing-heartbeat warnings.
type ARM struct {
	cfg     *Config
	logger  hclog.Logger
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

	grpcLis net.Listener
	httpLis net.Listener
	grpc    *grpc.Server
	http    *http.Server
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
}

// maxOutbox bounds the outbox: when no mediator collects ARM events (ARM
// is cut off from all of them, so everything turns red and keeps warning),
// disk use must still stop somewhere. Beyond it new events are counted
// and dropped.
const maxOutbox = 1_000_000

// New opens ARM's state, restores every known component, and binds the
// listeners. Run starts serving.
func New(cfg *Config, deps Deps) (*ARM, error) {
	logger := deps.Logger
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	now := deps.Now
	if now == nil {
		now = time.Now
	}
	a := &ARM{cfg: cfg, logger: logger, version: deps.Version, now: now, started: now()}

	// Transport security is settled before anything is opened: a refusal
	// leaves no state behind.
	if err := cfg.checkTransport(); err != nil {
		return nil, err
	}
	opts := []grpc.ServerOption{
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: 10 * time.Second, PermitWithoutStream: true}),
	}
	if cfg.TLS != nil {
		tc, err := pki.ServerConfig(*cfg.TLS, pki.ServerOptions{Check: mediatorsOnly, Logger: logger.Named("tls")})
		if err != nil {
			return nil, fmt.Errorf("ARM tls: %w", err)
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
			return nil, fmt.Errorf("ARM http_tls: %w", err)
		}
		httpTLS = tc
	}
	guard, err := httpauth.New(httpauth.Config{Realm: "sluice-arm", Listen: cfg.HTTP, Hosts: cfg.HTTPHosts,
		AdminTokenFile: cfg.AdminTokenFile, ReadTokenFile: cfg.ReadTokenFile, Logger: logger.Named("http")})
	if err != nil {
		return nil, err
	}
	a.httpAccess = guard

	if err := datadir.Claim(cfg.DataDir, datadir.ARM); err != nil {
		return nil, fmt.Errorf("ARM: %w", err)
	}
	// httpauth warns about its token files itself, when it reads them.
	for _, w := range hclconf.LooseSecrets(hclconf.Except(cfg.Files, "admin_token_file", "read_token_file")) {
		logger.Warn("configuration: " + w.Error())
	}
	a.store, err = openStore(filepath.Join(cfg.DataDir, "state"), a.started, logger.Named("badger"))
	if err != nil {
		return nil, err
	}
	cleanup := []func(){func() { _ = a.store.close() }}
	fail := func(err error) (*ARM, error) {
		for i := len(cleanup) - 1; i >= 0; i-- {
			cleanup[i]()
		}
		return nil, err
	}
	comps, err := a.store.load()
	if err != nil {
		return fail(err)
	}
	a.tracker = NewTracker(TrackerConfig{Now: now, Interval: cfg.WarningInterval, HistoryLen: cfg.HistoryLen})
	a.tracker.Restore(comps)
	a.outbox = newOutbox(a.store, now, cfg.LeaseTimeout, cfg.EventsPerReport)

	a.grpcLis, err = net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fail(fmt.Errorf("listen for mediators on %s: %w", cfg.Listen, err))
	}
	cleanup = append(cleanup, func() { _ = a.grpcLis.Close() })
	httpLis, err := net.Listen("tcp", cfg.HTTP)
	if err != nil {
		return fail(fmt.Errorf("listen for HTTP on %s: %w", cfg.HTTP, err))
	}
	httpLimit := connlimit.New(httpLis, connlimit.Config{
		Max: cfg.MaxHTTPConnections, PerAddress: cfg.MaxHTTPConnectionsPerAddress,
		MaxSetting: "max_http_connections", PerAddressSetting: "max_http_connections_per_address",
		Logger: logger.Named("http"),
	})
	a.httpLis = httpLimit
	a.grpc = grpc.NewServer(opts...)
	sluicev1.RegisterArmServiceServer(a.grpc, &service{arm: a, logger: logger.Named("report")})
	a.http = &http.Server{Handler: a.routes(), TLSConfig: httpTLS,
		ReadHeaderTimeout: connlimit.DefaultReadHeaderTimeout,
		// Requests are URLs; answers are the grid, a few MB at most.
		ReadTimeout:  30 * time.Second,
		WriteTimeout: time.Minute,
		IdleTimeout:  connlimit.DefaultIdleTimeout,
		ConnState:    httpLimit.ConnState,
		// TLS handshake failures and the like go to ARM's log, not stderr.
		ErrorLog: logger.Named("http").StandardLogger(&hclog.StandardLoggerOptions{ForceLevel: hclog.Info})}
	if len(comps) > 0 {
		logger.Info("restored components; intervals count from now", "components", len(comps), "outbox", a.outbox.depth())
	}
	return a, nil
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
func (a *ARM) Addr() string { return a.grpcLis.Addr().String() }

// HTTPAddr is the dashboard's address.
func (a *ARM) HTTPAddr() string { return a.httpLis.Addr().String() }

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
	var wg sync.WaitGroup
	errc := make(chan error, 2)
	wg.Add(2)
	go func() {
		defer wg.Done()
		if err := a.grpc.Serve(a.grpcLis); err != nil {
			errc <- fmt.Errorf("grpc server: %w", err)
		}
	}()
	go func() {
		defer wg.Done()
		serve := a.http.Serve
		if a.http.TLSConfig != nil {
			serve = func(l net.Listener) error { return a.http.ServeTLS(l, "", "") }
		}
		if err := serve(a.httpLis); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("http server: %w", err)
		}
	}()
	loopCtx, stopLoop := context.WithCancel(ctx)
	wg.Add(1)
	go func() {
		defer wg.Done()
		a.loop(loopCtx)
	}()

	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
	}
	a.logger.Info("ARM stopping")
	stopLoop()
	stopped := make(chan struct{})
	go func() {
		a.grpc.GracefulStop()
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		a.grpc.Stop()
		<-stopped
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	_ = a.http.Shutdown(shutdownCtx)
	cancel()
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
