// Package logging builds the hclog loggers every Sluice daemon uses.
package logging

import (
	"io"
	"os"

	"github.com/hashicorp/go-hclog"
)

// New returns a named root logger at level ("trace", "debug", "info",
// "warn", "error"; "" means info). SLUICE_LOG_LEVEL overrides level, and
// SLUICE_LOG_JSON=1 switches to JSON output for log shippers.
func New(name, level string, out io.Writer) hclog.Logger {
	if v := os.Getenv("SLUICE_LOG_LEVEL"); v != "" {
		level = v
	}
	lvl := hclog.LevelFromString(level)
	if lvl == hclog.NoLevel {
		lvl = hclog.Info
	}
	if out == nil {
		out = os.Stderr
	}
	return hclog.New(&hclog.LoggerOptions{
		Name:       name,
		Level:      lvl,
		Output:     out,
		JSONFormat: os.Getenv("SLUICE_LOG_JSON") == "1",
		TimeFormat: "2006-01-02T15:04:05.000Z0700",
	})
}
