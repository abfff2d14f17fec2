// Package daemon is the process glue every Sluice daemon command shares:
// reloads on SIGHUP, the log level re-read from the configuration, and
// readiness told to systemd. What an OS lacks (SIGHUP and systemd on
// Windows, systemd on macOS) is a no-op there, in per-OS files.
package daemon

import (
	"context"
	"os"
	"os/signal"

	"github.com/sluicehq/sluice/pkg/logging"
)

// OnHUP runs reloads (the mediator's rules, a daemon's log level) on
// SIGHUP until ctx ends or the returned stop is called. Where the OS has
// no SIGHUP (Windows) it does nothing: a change there takes a restart.
func OnHUP(ctx context.Context, reloads ...func()) (stop func()) {
	if len(hupSignals) == 0 {
		return func() {}
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, hupSignals...)
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

// ReloadLogLevel is a SIGHUP reload: it re-reads the daemon's
// configuration with load and sets the log level it says (info when it
// says none). A file that no longer loads is logged and changes nothing.
// Only the level changes at run time: file, json and rotation take a
// restart.
func ReloadLogLevel(logs *logging.Logs, load func() (logging.Config, error)) func() {
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
