package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"syscall"

	"github.com/sluicehq/sluice/agent"
	"github.com/sluicehq/sluice/mediator"
	"github.com/sluicehq/sluice/pkg/logging"
	"github.com/sluicehq/sluice/pkg/profiling"
)

func cmdAgent(ctx context.Context, args []string, _, stderr io.Writer) int {
	fs := flag.NewFlagSet("sluice agent", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "/etc/sluice/agent.hcl", "agent config file (HCL)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, err := agent.LoadConfig(*cfgPath)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	logger := logging.New("agent", cfg.LogLevel, stderr)
	a, err := agent.New(cfg, agent.Deps{Logger: logger, Version: version})
	if err != nil {
		logger.Error("cannot start agent", "error", err)
		return 1
	}
	defer profiling.Start("agent", stderr)()
	if err := a.Run(ctx); err != nil {
		logger.Error("agent failed", "error", err)
		return 1
	}
	return 0
}

func cmdMediator(ctx context.Context, args []string, _, stderr io.Writer) int {
	fs := flag.NewFlagSet("sluice mediator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "/etc/sluice/mediator.hcl", "mediator config file (HCL)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, err := mediator.LoadConfig(*cfgPath)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	logger := logging.New("mediator", cfg.LogLevel, stderr)
	tuneGC()
	limitMemory(cfg.MemoryLimit)
	armDial, err := mediator.ARMDialOptions(cfg, logger.Named("arm"))
	if err != nil {
		logger.Error("cannot start mediator", "error", err)
		fmt.Fprintln(stderr, err)
		return 1
	}
	m, err := mediator.New(cfg, mediator.Deps{Logger: logger, Version: version, ARMDialOptions: armDial})
	if err != nil {
		logger.Error("cannot start mediator", "error", err)
		fmt.Fprintln(stderr, err)
		return 1
	}
	stopHUP := reloadOnHUP(ctx, m)
	defer stopHUP()
	defer profiling.Start("mediator", stderr)()
	if err := m.Run(ctx); err != nil {
		logger.Error("mediator failed", "error", err)
		return 1
	}
	return 0
}

// tuneGC trades memory for CPU in the mediator: parsing allocates a
// little per line, and at the default GOGC=100 the collector takes about a
// seventh of the MPE's time. GOGC=400 gives that back (≈10% more lines
// per core, measured). It multiplies whatever the heap holds live,
// though, so the mediator daemon bounds it with limitMemory. An explicit
// GOGC in the environment wins.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}

// limitMemory bounds the memory GOGC=400 trades for CPU: a soft limit
// (memory_limit) makes the collector run more often as the heap nears
// it, so a mediator under overload does not hold five times its live
// heap. The limit is raised to 2.5 times the live heap after each
// collection when that is more, so a large live heap (many agents) is
// collected no more often than at GOGC=100 instead of continuously. An
// explicit GOMEMLIMIT in the environment wins; 0 sets no limit.
func limitMemory(limit int64) {
	if limit <= 0 || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(limit)
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var watch func()
	watch = func() {
		// The cleanup runs once the collection that finds the sentinel
		// unreachable is over: once per cycle.
		runtime.AddCleanup(&gcSentinel{}, func(struct{}) {
			metrics.Read(live)
			if live[0].Value.Kind() == metrics.KindUint64 {
				debug.SetMemoryLimit(max(limit, int64(live[0].Value.Uint64())*5/2))
			}
			watch()
		}, struct{}{})
	}
	watch()
}

// gcSentinel holds a pointer so that it is not a tiny allocation, whose
// cleanups may never run.
type gcSentinel struct{ _ *int }

// reloadOnHUP reloads the mediator's rules on SIGHUP until ctx ends or
// the returned stop is called.
func reloadOnHUP(ctx context.Context, m *mediator.Mediator) (stop func()) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-done:
				return
			case <-hup:
				_ = m.Reload() // logged by the mediator either way
			}
		}
	}()
	return func() {
		signal.Stop(hup)
		close(done)
	}
}
