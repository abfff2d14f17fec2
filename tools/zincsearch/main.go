// Command zincsearch runs ZincSearch's HTTP API (its Elasticsearch-compatible
// bulk and search endpoints under /es) for Sluice's indexer tests. It is
// upstream's main without telemetry, sentry and pyroscope: the test machine
// has no network, and pyroscope's dependencies do not compile on current Go.
package main

import (
	"context"
	"errors"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/rs/zerolog/log"

	"github.com/zincsearch/zincsearch/pkg/config"
	"github.com/zincsearch/zincsearch/pkg/core"
	"github.com/zincsearch/zincsearch/pkg/metadata"
	"github.com/zincsearch/zincsearch/pkg/routes"
)

func main() {
	gin.SetMode(gin.ReleaseMode)
	app := gin.New()
	routes.Setup(app)

	server := &http.Server{
		Addr:              config.Global.ServerAddress + ":" + config.Global.ServerPort,
		Handler:           app,
		ReadHeaderTimeout: 10 * time.Second,
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = server.Shutdown(sctx)
	}()
	log.Info().Msg("zincsearch test server listening on " + server.Addr)
	if err := server.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal().Err(err).Msg("listen")
	}
	if err := core.ZINC_INDEX_LIST.Close(); err != nil {
		log.Error().Err(err).Msg("close indexes")
	}
	if err := metadata.Close(); err != nil {
		log.Error().Err(err).Msg("close metadata")
	}
}
