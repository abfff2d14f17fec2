// Package serve is the serving skeleton the daemons share: it binds a
// gRPC listener and an HTTP listener (the latter under pkg/connlimit's
// caps), serves gRPC and HTTP (optionally over TLS) with the same timeouts
// and error logging, and stops both with bounded graceful shutdowns.
//
// Either half is optional: the mediator and ARM serve both, an HTTP-only
// endpoint (an agent's metrics and health) leaves out gRPC.
//
// The lifecycle is Listen (bind; on error nothing stays bound), then
// either Serve (both halves until a context ends or one fails) or RunGRPC
// and RunHTTP under the caller's own supervisor, then Shutdown or Stop.
// A Server that is never served is released by Stop.
package serve

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc"

	"github.com/sluicehq/sluice/pkg/connlimit"
)

// Bounds of a shutdown: what is not done by then is cut.
const (
	// GracefulTimeout bounds gRPC's GracefulStop: streams still open
	// after it are closed (their clients see a dropped connection).
	GracefulTimeout = 5 * time.Second
	// ShutdownTimeout bounds the HTTP server's Shutdown: requests still
	// running after it are cut.
	ShutdownTimeout = 5 * time.Second
)

// Config says what a Server listens on and serves.
type Config struct {
	// Logger is the daemon's logger; the HTTP server logs under "http"
	// (its listener's refusals, TLS handshake failures and the like).
	Logger hclog.Logger
	// GRPC is served on GRPCAddr; nil for no gRPC. Listen takes it
	// over: on Listen's error, and on Stop or Shutdown, it is stopped.
	GRPC     *grpc.Server
	GRPCAddr string
	// GRPCClients names who connects over gRPC ("agents"), in errors.
	GRPCClients string
	// HTTP is the HTTP server; nil for no HTTP.
	HTTP *HTTPConfig
}

// HTTPConfig is an HTTP server's setup. The header-read and idle timeouts
// are connlimit's defaults for every server.
type HTTPConfig struct {
	// Addr is host:port to listen on.
	Addr    string
	Handler http.Handler
	// TLS, when set, serves HTTPS with it.
	TLS *tls.Config
	// Limits caps the connections (Max, PerAddress and the settings'
	// names; Logger defaults to the server's). Setting names default to
	// max_http_connections and max_http_connections_per_address.
	Limits connlimit.Config
	// ReadTimeout bounds reading a whole request (0: no bound).
	ReadTimeout time.Duration
	// WriteTimeout bounds writing an answer (0: no bound, for answers
	// that may take long; a slow reader then holds at most its address's
	// share of connections).
	WriteTimeout time.Duration
}

// Server is a bound gRPC and/or HTTP server.
type Server struct {
	logger  hclog.Logger
	grpc    *grpc.Server
	grpcLis net.Listener
	http    *http.Server
	httpLis *connlimit.Listener

	stopOnce sync.Once
}

// Listen binds the configured listeners and builds the HTTP server. On
// error every listener it bound is closed again and cfg.GRPC is stopped.
func Listen(cfg Config) (*Server, error) {
	logger := cfg.Logger
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	s := &Server{logger: logger, grpc: cfg.GRPC}
	if cfg.GRPC != nil {
		l, err := net.Listen("tcp", cfg.GRPCAddr)
		if err != nil {
			s.Stop()
			who := cfg.GRPCClients
			if who == "" {
				who = "gRPC"
			}
			return nil, fmt.Errorf("listen for %s on %s: %w", who, cfg.GRPCAddr, err)
		}
		s.grpcLis = l
	}
	if h := cfg.HTTP; h != nil {
		l, err := net.Listen("tcp", h.Addr)
		if err != nil {
			s.Stop()
			return nil, fmt.Errorf("listen for HTTP on %s: %w", h.Addr, err)
		}
		httpLog := logger.Named("http")
		lim := h.Limits
		if lim.Logger == nil {
			lim.Logger = httpLog
		}
		if lim.MaxSetting == "" {
			lim.MaxSetting = "max_http_connections"
		}
		if lim.PerAddressSetting == "" {
			lim.PerAddressSetting = "max_http_connections_per_address"
		}
		s.httpLis = connlimit.New(l, lim)
		s.http = &http.Server{
			Handler:           h.Handler,
			TLSConfig:         h.TLS,
			ReadHeaderTimeout: connlimit.DefaultReadHeaderTimeout,
			ReadTimeout:       h.ReadTimeout,
			WriteTimeout:      h.WriteTimeout,
			IdleTimeout:       connlimit.DefaultIdleTimeout,
			ConnState:         s.httpLis.ConnState,
			// TLS handshake failures and the like go to the daemon's
			// log, not to stderr.
			ErrorLog: httpLog.StandardLogger(&hclog.StandardLoggerOptions{ForceLevel: hclog.Info}),
		}
	}
	return s, nil
}

// GRPCAddr is the address gRPC listens on ("" without gRPC).
func (s *Server) GRPCAddr() string {
	if s.grpcLis == nil {
		return ""
	}
	return s.grpcLis.Addr().String()
}

// HTTPAddr is the address HTTP listens on ("" without HTTP).
func (s *Server) HTTPAddr() string {
	if s.httpLis == nil {
		return ""
	}
	return s.httpLis.Addr().String()
}

// HTTPServer is the HTTP server (nil without HTTP), for inspection.
func (s *Server) HTTPServer() *http.Server { return s.http }

// HTTPListener is the HTTP listener (nil without HTTP): its Stats count
// the connections refused and reclaimed.
func (s *Server) HTTPListener() *connlimit.Listener { return s.httpLis }

// RunGRPC serves gRPC until the server is stopped, then returns nil; it
// returns nil at once without gRPC. Another error means the listener
// failed.
func (s *Server) RunGRPC() error {
	if s.grpc == nil {
		return nil
	}
	// ErrServerStopped: stopped before it began serving (the daemon
	// failed elsewhere first).
	if err := s.grpc.Serve(s.grpcLis); err != nil && !errors.Is(err, grpc.ErrServerStopped) {
		return err
	}
	return nil
}

// RunHTTP serves HTTP (HTTPS with a TLS config) until the server is shut
// down, then returns nil; it returns nil at once without HTTP. Another
// error means the listener failed.
func (s *Server) RunHTTP() error {
	if s.http == nil {
		return nil
	}
	var err error
	if s.http.TLSConfig != nil {
		err = s.http.ServeTLS(s.httpLis, "", "")
	} else {
		err = s.http.Serve(s.httpLis)
	}
	if !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Serve runs RunGRPC and RunHTTP until ctx ends or one of them fails,
// then shuts both down (Shutdown) and returns the failure, named "grpc
// server" or "http server"; nil when ctx ended.
func (s *Server) Serve(ctx context.Context) error {
	errc := make(chan error, 2)
	parts := 0
	start := func(name string, run func() error) {
		parts++
		go func() {
			err := run()
			if err != nil {
				err = fmt.Errorf("%s: %w", name, err)
			}
			errc <- err
		}()
	}
	if s.grpc != nil {
		start("grpc server", s.RunGRPC)
	}
	if s.http != nil {
		start("http server", s.RunHTTP)
	}
	var errs []error
	select {
	case <-ctx.Done():
	case err := <-errc:
		parts--
		errs = append(errs, err)
	}
	s.Shutdown()
	for ; parts > 0; parts-- {
		errs = append(errs, <-errc)
	}
	return errors.Join(errs...)
}

// Shutdown stops serving gracefully: gRPC lets its streams finish for up
// to GracefulTimeout and then cuts them, HTTP lets its requests finish
// for up to ShutdownTimeout and then cuts them. Only the first Shutdown
// or Stop acts.
func (s *Server) Shutdown() { s.stop(true) }

// Stop drops the gRPC connections at once (to its clients it looks like a
// crash: no stream is let finish), shuts HTTP down as Shutdown does, and
// closes the listeners. It releases a Server that was never served. Only
// the first Shutdown or Stop acts.
func (s *Server) Stop() { s.stop(false) }

func (s *Server) stop(graceful bool) {
	s.stopOnce.Do(func() {
		if s.grpc != nil {
			if graceful {
				stopGRPC(s.grpc, GracefulTimeout)
			} else {
				s.grpc.Stop()
			}
		}
		// Stopping a server closes only the listeners it serves: one
		// never served is closed here.
		if s.grpcLis != nil {
			_ = s.grpcLis.Close()
		}
		if s.http != nil {
			ctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
			if err := s.http.Shutdown(ctx); err != nil {
				s.logger.Warn("HTTP requests still running at shutdown were cut", "error", err)
				_ = s.http.Close()
			}
			cancel()
		}
		if s.httpLis != nil {
			_ = s.httpLis.Close()
		}
	})
}

// stopGRPC stops g gracefully, cutting what is still open after bound.
func stopGRPC(g *grpc.Server, bound time.Duration) {
	stopped := make(chan struct{})
	go func() {
		g.GracefulStop()
		close(stopped)
	}()
	t := time.NewTimer(bound)
	defer t.Stop()
	select {
	case <-stopped:
	case <-t.C:
		g.Stop()
		<-stopped
	}
}
