package logging

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/go-hclog"
	"gopkg.in/natefinch/lumberjack.v2"
)

// Rotation defaults, as LogRhythm's own service logs: a few files of
// tens of megabytes per daemon, the oldest removed.
const (
	DefaultMaxSize    = 100 << 20
	DefaultMaxBackups = 5
)

// Levels are the level names a configuration and the admin API accept.
var Levels = []string{"trace", "debug", "info", "warn", "error"}

// timeFormat is the same in every output, so that files from several
// daemons sort and merge.
const timeFormat = "2006-01-02T15:04:05.000Z0700"

// Config is what a daemon's `log { }` block says.
type Config struct {
	// Level is one of Levels ("" is info).
	Level string
	// JSON writes one JSON object per line (for log shippers).
	JSON bool
	// File is the log file ("" writes to the stderr Open is given,
	// unrotated: journald or a container runtime keeps it).
	File string
	// MaxSize is the size (bytes) at which a file is rotated; lumberjack
	// counts whole megabytes, so it is rounded up to one. 0 is
	// DefaultMaxSize.
	MaxSize int64
	// MaxBackups is how many rotated files are kept beside each file;
	// older ones are removed. 0 is DefaultMaxBackups.
	MaxBackups int
	// Files routes a component's sub-logger (the name given to Named
	// under the daemon's logger: "pipeline", "http") and the loggers
	// named under it to a file of its own, rotated like File; they are
	// no longer written to File.
	Files map[string]string
}

// Logs is a daemon's logger and what it writes to: its level can be
// changed while it runs, in every sub-logger at once.
type Logs struct {
	// Logger is the daemon's root logger.
	Logger hclog.Logger

	// roots are the loggers made with hclog.New (the daemon's and one
	// per component file); every logger named under one shares its
	// level, so setting theirs sets every logger's.
	roots   []hclog.Logger
	closers []io.Closer

	mu    sync.Mutex
	level hclog.Level
}

// Open builds the daemon name's logger from cfg; stderr is where it
// writes when cfg names no file. Close the Logs when the daemon is done.
func Open(name string, cfg Config, stderr io.Writer) (*Logs, error) {
	lvl, err := ParseLevel(cfg.Level)
	if err != nil {
		return nil, err
	}
	l := &Logs{level: lvl}
	out := stderr
	if out == nil {
		out = os.Stderr
	}
	if cfg.File != "" {
		if out, err = l.open(cfg.File, cfg); err != nil {
			return nil, err
		}
	}
	root := l.newRoot(name, out, cfg.JSON)
	r := &router{Logger: root, comps: map[string]hclog.Logger{}}
	keys := make([]string, 0, len(cfg.Files))
	for k := range cfg.Files {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		full := name + "." + k
		w, err := l.open(cfg.Files[k], cfg)
		if err != nil {
			_ = l.Close()
			return nil, err
		}
		r.comps[full] = l.newRoot(full, w, cfg.JSON)
	}
	l.Logger = r
	return l, nil
}

// open opens a rotated log file, making its directory.
func (l *Logs) open(path string, cfg Config) (io.Writer, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("log file %s: %w", path, err)
	}
	// Opened now, not at the first line, so that a file that cannot be
	// written stops the daemon at its start.
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o640)
	if err != nil {
		return nil, fmt.Errorf("log file: %w", err)
	}
	_ = f.Close()
	size, backups := cfg.MaxSize, cfg.MaxBackups
	if size <= 0 {
		size = DefaultMaxSize
	}
	if backups <= 0 {
		backups = DefaultMaxBackups
	}
	lj := &lumberjack.Logger{
		Filename:   path,
		MaxSize:    int((size + 1<<20 - 1) >> 20),
		MaxBackups: backups,
	}
	l.closers = append(l.closers, lj)
	return lj, nil
}

func (l *Logs) newRoot(name string, out io.Writer, json bool) hclog.Logger {
	root := hclog.New(&hclog.LoggerOptions{
		Name:       name,
		Level:      l.level,
		Output:     out,
		JSONFormat: json,
		TimeFormat: timeFormat,
	})
	l.roots = append(l.roots, root)
	return root
}

// ParseLevel reads one of Levels; "" is info.
func ParseLevel(s string) (hclog.Level, error) {
	if s == "" {
		return hclog.Info, nil
	}
	for _, name := range Levels {
		if strings.EqualFold(s, name) {
			return hclog.LevelFromString(name), nil
		}
	}
	return hclog.NoLevel, fmt.Errorf("log level %q: want one of %s", s, strings.Join(Levels, ", "))
}

// SetLevel changes the level of the daemon's logger and of every logger
// named under it, those already made included.
func (l *Logs) SetLevel(level string) error {
	lvl, err := ParseLevel(level)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.level = lvl
	for _, r := range l.roots {
		r.SetLevel(lvl)
	}
	return nil
}

// Level is the current level's name.
func (l *Logs) Level() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.level.String()
}

// Close closes the log files (not stderr).
func (l *Logs) Close() error {
	var errs []error
	for _, c := range l.closers {
		if err := c.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// router is a logger that, when a sub-logger is named after a component
// with a file of its own, hands out that component's logger instead.
// Loggers named under a component's stay in its file.
type router struct {
	hclog.Logger
	// comps maps a component's full name ("mediator.pipeline") to its
	// logger; shared, never written after Open.
	comps map[string]hclog.Logger
}

// Named is hclog's Named, routed to a component's file.
func (r *router) Named(name string) hclog.Logger {
	full := name
	if n := r.Name(); n != "" {
		full = n + "." + name
	}
	return r.to(full, r.Logger.Named(name))
}

// ResetNamed is hclog's ResetNamed, routed to a component's file.
func (r *router) ResetNamed(name string) hclog.Logger {
	return r.to(name, r.Logger.ResetNamed(name))
}

// With keeps the routing of the logger it adds arguments to.
func (r *router) With(args ...any) hclog.Logger {
	return &router{Logger: r.Logger.With(args...), comps: r.comps}
}

func (r *router) to(full string, next hclog.Logger) hclog.Logger {
	if c, ok := r.comps[full]; ok {
		if implied := r.ImpliedArgs(); len(implied) > 0 {
			return c.With(implied...)
		}
		return c
	}
	return &router{Logger: next, comps: r.comps}
}
