package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/coreos/go-systemd/v22/daemon"
	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/agent"
	"github.com/sluicehq/sluice/mediator"
	"github.com/sluicehq/sluice/pkg/gctune"
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
	logs, err := logging.Open("agent", cfg.Log, stderr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	defer logs.Close()
	logger := logs.Logger
	defer reloadOnHUP(ctx, reloadLogLevel(logs, agentLog(*cfgPath)))()
	a, err := agent.New(cfg, agent.Deps{Logger: logger, Version: version})
	if err != nil {
		logger.Error("cannot start agent", "error", err)
		return 1
	}
	defer profiling.Start("agent", stderr)()
	defer notifySystemd(ctx, logger)()
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
	logs, err := logging.Open("mediator", cfg.Log, stderr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	defer logs.Close()
	logger := logs.Logger
	gctune.Tune()
	gctune.Limit(cfg.MemoryLimit)
	armDial, err := mediator.ARMDialOptions(cfg, logger.Named("arm"))
	if err != nil {
		logger.Error("cannot start mediator", "error", err)
		fmt.Fprintln(stderr, err)
		return 1
	}
	m, err := mediator.New(cfg, mediator.Deps{Logger: logger, Logs: logs, Version: version, ARMDialOptions: armDial})
	if err != nil {
		logger.Error("cannot start mediator", "error", err)
		fmt.Fprintln(stderr, err)
		return 1
	}
	stopHUP := reloadOnHUP(ctx, func() { _ = m.Reload() }, // logged by the mediator either way
		reloadLogLevel(logs, mediatorLog(*cfgPath)))
	defer stopHUP()
	defer profiling.Start("mediator", stderr)()
	defer notifySystemd(ctx, logger)()
	if err := m.Run(ctx); err != nil {
		logger.Error("mediator failed", "error", err)
		return 1
	}
	return 0
}

// reloadOnHUP runs reloads (the mediator's rules, a daemon's log level)
// on SIGHUP until ctx ends or the returned stop is called.
func reloadOnHUP(ctx context.Context, reloads ...func()) (stop func()) {
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
				for _, r := range reloads {
					r()
				}
			}
		}
	}()
	return func() {
		signal.Stop(hup)
		close(done)
	}
}

// notifySystemd tells systemd that the daemon is ready, and that it is
// stopping once ctx ends, for units of Type=notify (packaging/systemd):
// call it when New has succeeded, so its listeners are open and its
// state loaded, and defer the returned stop. Without NOTIFY_SOCKET (not
// started by systemd) it does nothing. A failed notification is only
// logged: systemd then times the start out, which says more than we could.
func notifySystemd(ctx context.Context, logger hclog.Logger) (stop func()) {
	logger = logger.Named("systemd")
	send := func(state string) {
		if _, err := daemon.SdNotify(false, state); err != nil {
			logger.Warn("cannot notify systemd", "state", state, "error", err)
		}
	}
	send(daemon.SdNotifyReady)
	stopAfter := context.AfterFunc(ctx, func() { send(daemon.SdNotifyStopping) })
	return func() { stopAfter() }
}
