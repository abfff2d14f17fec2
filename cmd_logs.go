package main

import (
	"github.com/sluicehq/sluice/agent"
	"github.com/sluicehq/sluice/arm"
	"github.com/sluicehq/sluice/mediator"
	"github.com/sluicehq/sluice/pkg/logging"
)

// reloadLogLevel is a SIGHUP reload: it re-reads the daemon's
// configuration with load and sets the log level it says (info when it
// says none). A file that no longer loads is logged and changes nothing.
// Only the level changes at run time: file, json and rotation take a
// restart.
func reloadLogLevel(logs *logging.Logs, load func() (logging.Config, error)) func() {
	return func() {
		cfg, err := load()
		if err != nil {
			logs.Logger.Error("SIGHUP: configuration does not load; log level unchanged", "level", logs.Level(), "error", err)
			return
		}
		prev := logs.Level()
		if err := logs.SetLevel(cfg.Level); err != nil {
			logs.Logger.Error("SIGHUP: log level unchanged", "error", err)
			return
		}
		if now := logs.Level(); now != prev {
			// Warn, so that it is written whatever the new level.
			logs.Logger.Warn("SIGHUP: log level changed", "level", now, "previous", prev)
		}
	}
}

// agentLog re-reads the agent configuration at path for its log settings.
func agentLog(path string) func() (logging.Config, error) {
	return func() (logging.Config, error) {
		c, err := agent.LoadConfig(path)
		if err != nil {
			return logging.Config{}, err
		}
		return c.Log, nil
	}
}

// mediatorLog re-reads the mediator configuration at path for its log settings.
func mediatorLog(path string) func() (logging.Config, error) {
	return func() (logging.Config, error) {
		c, err := mediator.LoadConfig(path)
		if err != nil {
			return logging.Config{}, err
		}
		return c.Log, nil
	}
}

// armLog re-reads the ARM configuration at path for its log settings.
func armLog(path string) func() (logging.Config, error) {
	return func() (logging.Config, error) {
		c, err := arm.LoadConfig(path)
		if err != nil {
			return logging.Config{}, err
		}
		return c.Log, nil
	}
}
