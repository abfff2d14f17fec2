package serve

import (
	"net/http"

	"github.com/hashicorp/go-hclog"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics serves reg at /metrics in Prometheus' text format, logging the
// errors of a scrape (a collector that fails) to logger.
func Metrics(reg *prometheus.Registry, logger hclog.Logger) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorLog:          logger.StandardLogger(&hclog.StandardLoggerOptions{InferLevels: true}),
		EnableOpenMetrics: false,
	})
}
