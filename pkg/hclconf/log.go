package hclconf

import (
	"path/filepath"
	"sort"

	"github.com/hashicorp/hcl/v2"

	"github.com/sluicehq/sluice/pkg/logging"
)

// LogBlock is the `log { }` block of every daemon's block: where and how
// the daemon logs (see logging.Config).
type LogBlock struct {
	Level      string            `hcl:"level,optional"`
	JSON       *bool             `hcl:"json,optional"`
	File       string            `hcl:"file,optional"`
	MaxSize    string            `hcl:"max_size,optional"`
	MaxBackups *int              `hcl:"max_backups,optional"`
	Files      map[string]string `hcl:"files,optional"`

	DefRange hcl.Range `hcl:",def_range"`
	Body     hcl.Body  `hcl:",body"`
}

// maxLogSize bounds max_size: beyond it a value is a typo (a unit too
// many), and lumberjack counts megabytes in an int.
const maxLogSize = 1 << 40

// Log reads the daemon block's log_level (the shorthand of log { level },
// kept from before the block; SLUICE_LOG_LEVEL overrides either) and its
// log block (nil: not written) into what logging.Open takes. Level is ""
// when neither says, so that a caller can pick its own default.
// SLUICE_LOG_JSON=1 turns JSON on.
func (s *Settings) Log(logLevel string, b *LogBlock) logging.Config {
	var cfg logging.Config
	s.LogLevel(logLevel, &cfg.Level)
	if v, ok := EnvString("SLUICE_LOG_JSON"); ok && (v == "1" || v == "true") {
		cfg.JSON = true
	}
	if b == nil {
		return cfg
	}
	ls := NewSettings(b.Body, b.DefRange)
	switch {
	case b.Level == "":
	case s.EnvVar("log_level") != "":
		// The variable overrides the file, block or shorthand alike.
	case s.Written("log_level"):
		ls.Errorf("level", "log_level and log { level } both set the level: keep one (log_level is the block's shorthand)")
	default:
		ls.Enum("level", b.Level, &cfg.Level, logging.Levels...)
	}
	if b.JSON != nil && !cfg.JSON {
		cfg.JSON = *b.JSON
	}
	cfg.File = b.File
	if ls.Written("file") && b.File == "" {
		ls.Errorf("file", "file must not be empty (remove it to log to stderr)")
	}
	cfg.MaxSize, cfg.MaxBackups = logging.DefaultMaxSize, logging.DefaultMaxBackups
	ls.Size("max_size", b.MaxSize, &cfg.MaxSize, Between[int64](1<<20, maxLogSize))
	ls.Int("max_backups", b.MaxBackups, &cfg.MaxBackups, Between(1, 1000))
	if (b.MaxSize != "" || b.MaxBackups != nil) && b.File == "" && len(b.Files) == 0 {
		ls.Add(Errorf(b.DefRange, "max_size and max_backups rotate log files: set file (stderr is not rotated)"))
	}
	ls.logFiles(b, &cfg)
	s.Add(ls.Errors()...)
	return cfg
}

// logFiles checks files: every component gets a file of its own.
func (s *Settings) logFiles(b *LogBlock, cfg *logging.Config) {
	if len(b.Files) == 0 {
		return
	}
	seen := map[string]string{}
	if b.File != "" {
		seen[filepath.Clean(b.File)] = "file"
	}
	names := make([]string, 0, len(b.Files))
	for k := range b.Files {
		names = append(names, k)
	}
	sort.Strings(names)
	cfg.Files = map[string]string{}
	for _, k := range names {
		path := b.Files[k]
		switch {
		case k == "" || path == "":
			s.Errorf("files", "files: %q = %q: name a component (a sub-logger such as \"pipeline\") and a file", k, path)
			continue
		case seen[filepath.Clean(path)] != "":
			s.Errorf("files", "files: %s is also the file of %s: each needs its own (one writer rotates a file)", path, seen[filepath.Clean(path)])
			continue
		}
		seen[filepath.Clean(path)] = k
		cfg.Files[k] = path
	}
}
