package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/sluicehq/sluice/internal/agentcmd"
	"github.com/sluicehq/sluice/internal/daemon"
	"github.com/sluicehq/sluice/mediator"
	"github.com/sluicehq/sluice/pkg/gctune"
	"github.com/sluicehq/sluice/pkg/logging"
	"github.com/sluicehq/sluice/pkg/profiling"
)

func cmdAgent(ctx context.Context, args []string, _, stderr io.Writer) int {
	return agentcmd.Run(ctx, "sluice agent", args, stderr, version)
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
	stopHUP := daemon.OnHUP(ctx, func() { _ = m.Reload() }, // logged by the mediator either way
		daemon.ReloadLogLevel(logs, mediatorLog(*cfgPath)))
	defer stopHUP()
	defer profiling.Start("mediator", stderr)()
	defer daemon.NotifySystemd(ctx, logger)()
	if err := m.Run(ctx); err != nil {
		logger.Error("mediator failed", "error", err)
		return 1
	}
	return 0
}
