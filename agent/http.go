package agent

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluicehq/sluice/pkg/connlimit"
	"github.com/sluicehq/sluice/pkg/hclconf"
	"github.com/sluicehq/sluice/pkg/httpauth"
	"github.com/sluicehq/sluice/pkg/pki"
	"github.com/sluicehq/sluice/pkg/serve"
)

// The agent's HTTP endpoint (`http` in the agent block; off by default)
// serves its probes, its metrics and its status under the mediator's
// access rules: every request is checked for Host and Origin, /metrics
// and /v1/status need a read token once read_token_file is set and
// answer loopback callers only without one; the probes stay open, they
// say nothing of the logs.

// Connection limits of the HTTP endpoint: a scraper, a probe and an
// operator, not a public API. They are fixed, so the refusal log names no
// setting.
const (
	httpMaxConns        = 64
	httpMaxConnsPerAddr = 16
)

// listenHTTP builds the endpoint's guard and binds it, when configured.
func (a *Agent) listenHTTP(cfg *Config) error {
	if cfg.HTTP == "" {
		return nil
	}
	logger := a.logger.Named("http")
	guard, err := httpauth.New(httpauth.Config{
		Realm:         "sluice-agent",
		Listen:        cfg.HTTP,
		Hosts:         cfg.HTTPHosts,
		ReadTokenFile: cfg.ReadTokenFile,
		Logger:        logger,
	})
	if err != nil {
		return fmt.Errorf("agent http: %w", err)
	}
	var httpTLS *tls.Config
	if cfg.HTTPTLS != nil {
		if httpTLS, err = pki.ServerOnlyConfig(cfg.HTTPTLS.Cert, cfg.HTTPTLS.Key, a.logger.Named("http-tls")); err != nil {
			return fmt.Errorf("agent http_tls: %w", err)
		}
	}
	if !hclconf.AddrIsLoopback(cfg.HTTP) {
		// As the mediator: say so when the status crosses the network
		// in the clear, or when no token lets anyone but loopback read.
		if cfg.HTTPTLS == nil {
			a.logger.Warn("the agent's HTTP endpoint (metrics, status) is served over plaintext HTTP on a network address; configure http_tls", "http", cfg.HTTP)
		}
		if !guard.HasTokens() {
			a.logger.Warn("no read_token_file: /metrics and /v1/status answer loopback callers only", "http", cfg.HTTP)
		}
	}
	srv, err := serve.Listen(serve.Config{
		Logger: a.logger,
		HTTP: &serve.HTTPConfig{
			Addr:    cfg.HTTP,
			Handler: a.routes(guard, logger),
			TLS:     httpTLS,
			Limits: connlimit.Config{
				Max: httpMaxConns, PerAddress: httpMaxConnsPerAddr,
				MaxSetting: "the agent endpoint's fixed limit", PerAddressSetting: "the agent endpoint's fixed per-address limit",
			},
			ReadTimeout:  30 * time.Second,
			WriteTimeout: 30 * time.Second,
		},
	})
	if err != nil {
		return fmt.Errorf("agent http: %w", err)
	}
	a.srv = srv
	return nil
}

// HTTPAddr is the address the HTTP endpoint listens on ("" without one).
func (a *Agent) HTTPAddr() string {
	if a.srv == nil {
		return ""
	}
	return a.srv.HTTPAddr()
}

// Registry is the agent's Prometheus registry (what /metrics serves).
func (a *Agent) Registry() *prometheus.Registry { return a.metrics.registry }

func (a *Agent) routes(g *httpauth.Guard, logger hclog.Logger) http.Handler {
	metrics := serve.Metrics(a.metrics.registry, logger)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", a.handleHealthz)
	mux.HandleFunc("GET /readyz", a.handleReadyz)
	mux.HandleFunc("GET /metrics", g.Read(metrics.ServeHTTP))
	mux.HandleFunc("GET /v1/status", g.Read(a.handleStatus))
	return g.Handler(mux)
}

// handleHealthz answers 200 while the process serves HTTP: a liveness
// probe, never a sign that logs flow (that is /readyz).
func (a *Agent) handleHealthz(w http.ResponseWriter, _ *http.Request) {
	serve.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// ReadyResponse is the body of the agent's GET /readyz.
type ReadyResponse struct {
	Ready   bool     `json:"ready"`
	Reasons []string `json:"reasons,omitempty"`
}

// handleReadyz answers 200 when logs flow: a mediator session is
// established, the uplink is not stalled and the spool takes lines; 503
// with the reasons otherwise. An agent that is not ready still collects
// into its spool while it has room: not ready means "logs are not
// reaching a mediator now", which is what an operator or an orchestrator
// waits for after a deploy.
func (a *Agent) handleReadyz(w http.ResponseWriter, _ *http.Request) {
	var why []string
	if !a.running.Load() {
		why = append(why, "not running (starting or shutting down)")
	}
	// Probes are unauthenticated: no addresses, paths or errors in the
	// reasons (/v1/status has them).
	if a.uplink.Status().Current == "" {
		why = append(why, "no mediator session")
	}
	if a.uplink.Stalled() != "" {
		why = append(why, "uplink stalled: nothing acknowledged for stall_warning")
	}
	if a.spool.Accepting() != nil {
		why = append(why, "spool full: sources wait")
	}
	if len(why) > 0 {
		serve.WriteJSON(w, http.StatusServiceUnavailable, ReadyResponse{Reasons: why})
		return
	}
	serve.WriteJSON(w, http.StatusOK, ReadyResponse{Ready: true})
}

func (a *Agent) handleStatus(w http.ResponseWriter, _ *http.Request) {
	serve.WriteJSON(w, http.StatusOK, a.Status())
}
