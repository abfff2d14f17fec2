// Package agentcmd is the agent's command (`sluice agent`, and
// `sluice-agent agent` in the agent-only binary of make cross): flags,
// configuration, logs, and the daemon run until ctx ends. It lives here,
// not in package main, so that both binaries run the same code.
package agentcmd

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/sluicehq/sluice/agent"
	"github.com/sluicehq/sluice/internal/daemon"
	"github.com/sluicehq/sluice/pkg/gctune"
	"github.com/sluicehq/sluice/pkg/logging"
	"github.com/sluicehq/sluice/pkg/profiling"
)

// Run runs the agent with the command line args (after the command's
// name, which is name) and returns the process exit code.
func Run(ctx context.Context, name string, args []string, stderr io.Writer, version string) int {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", DefaultConfig, "agent config file (HCL)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, err := agent.LoadConfig(*cfgPath)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	gctune.LimitRaised(cfg.MemoryLimit, agent.MemoryLimitRaise)
	logs, err := logging.Open("agent", cfg.Log, stderr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	defer logs.Close()
	logger := logs.Logger
	defer daemon.OnHUP(ctx, daemon.ReloadLogLevel(logs, Log(*cfgPath)))()
	a, err := agent.New(cfg, agent.Deps{Logger: logger, Version: version})
	if err != nil {
		logger.Error("cannot start agent", "error", err)
		return 1
	}
	defer profiling.Start("agent", stderr)()
	defer daemon.NotifySystemd(ctx, logger)()
	if err := a.Run(ctx); err != nil {
		logger.Error("agent failed", "error", err)
		return 1
	}
	return 0
}

// Log re-reads the agent configuration at path for its log settings.
func Log(path string) func() (logging.Config, error) {
	return func() (logging.Config, error) {
		c, err := agent.LoadConfig(path)
		if err != nil {
			return logging.Config{}, err
		}
		return c.Log, nil
	}
}
