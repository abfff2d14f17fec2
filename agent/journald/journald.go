// Package journald is the agent's systemd journal source. It follows the
// journal through `journalctl --output=export --follow` (a subprocess:
// the agent stays free of cgo and libsystemd, and journalctl does the
// journal's own file handling: rotation, vacuuming, new files), maps each
// entry's fields to ECS, and commits entries to the spool in batches
// together with the journal cursor of the last one, in the same
// transaction: after a restart or a kill -9 reading resumes just after
// the last entry committed, so each entry is stored exactly once.
package journald

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/agent/source"
)

// Fields the source sets on each line (LogEntry.fields), by ECS name.
// ECS has no field for the systemd unit: FieldUnit is ours, named as
// Elastic's own journald input names it.
const (
	FieldTimestamp = "@timestamp"
	FieldHostname  = "host.hostname"
	FieldProcess   = "process.name"
	FieldPID       = "process.pid"
	FieldLevel     = "log.level"
	FieldSeverity  = "log.syslog.severity.code"
	FieldUnit      = "systemd.unit"
	FieldUserUnit  = "systemd.user_unit"
)

// Levels are the syslog severities by PRIORITY value, as log.level
// carries them and as the priority setting takes them.
var Levels = []string{"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"}

// DefaultJournalDirs are where journald keeps the system journal: on disk
// (Storage=persistent) and in memory (volatile).
var DefaultJournalDirs = []string{"/var/log/journal", "/run/log/journal"}

// Config configures a journald source.
type Config struct {
	SourceID      string
	LogSourceType string
	// Units keep entries of these systemd units only (journalctl -u).
	Units []string
	// Priority keeps entries of this severity or more severe (a name of
	// Levels or 0-7; "" keeps all).
	Priority string
	// Match keeps entries whose fields have these values (journalctl
	// FIELD=value matches: all must hold).
	Match map[string]string
	// Directory reads the journal files in this directory instead of the
	// system journal.
	Directory string
	// StartAtEnd skips what the journal holds on the very first start
	// (default: read it all). Once a cursor is committed it is always
	// resumed from.
	StartAtEnd bool
	// MaxLineBytes cuts MESSAGE; BatchLines and BatchBytes bound a batch.
	MaxLineBytes int
	BatchLines   int
	BatchBytes   int
	// Linger is how long a partial batch waits for more entries before it
	// is committed.
	Linger time.Duration
	// Retry is the wait before journalctl is started again after it
	// ended, and between commits the spool pushed back.
	Retry time.Duration
	// Journalctl is the journalctl binary ("journalctl" on $PATH).
	Journalctl string
	// JournalDirs are where the system journal is looked for
	// (DefaultJournalDirs; tests).
	JournalDirs []string
	// MachineIDFile holds this machine's id, whose entries the system
	// journal's are (/etc/machine-id; tests).
	MachineIDFile string
	// Now is the clock for collection times; time.Now when nil.
	Now func() time.Time
}

// Stats are a journald source's counters.
type Stats struct {
	Entries uint64 `json:"entries"` // entries committed
	// Gaps counts resumptions whose cursor was no longer in the journal
	// (rotated or vacuumed away while the agent was down or behind):
	// entries between it and the oldest entry left were lost.
	Gaps     uint64 `json:"gaps"`
	Restarts uint64 `json:"journalctl_restarts"` // journalctl ended and was started again
}

// Source follows the journal for one `source "journald"` block.
type Source struct {
	cfg    Config
	store  source.Store
	logger hclog.Logger
	bin    string
	// paused is set while the spool pushes back (logged once).
	paused bool
	// machineID is this machine's id (/etc/machine-id) when the source
	// reads the system journal.
	machineID string

	entries, gaps, restarts atomic.Uint64
}

var fieldName = regexp.MustCompile(`^[A-Z_][A-Z0-9_]{0,63}$`)

// ValidField reports a journal field name a match may use.
func ValidField(name string) bool { return fieldName.MatchString(name) }

// New checks the configuration and that there is a journal to read: a
// host without one (a container without journald, no journalctl) is an
// error here, at start, rather than a source that never reads anything.
func New(cfg Config, store source.Store, logger hclog.Logger) (*Source, error) {
	if cfg.MaxLineBytes <= 0 {
		cfg.MaxLineBytes = source.DefaultMaxLineBytes
	}
	if cfg.BatchLines <= 0 {
		cfg.BatchLines = source.DefaultBatchLines
	}
	if cfg.BatchBytes <= 0 {
		cfg.BatchBytes = source.DefaultBatchBytes
	}
	if cfg.Linger <= 0 {
		cfg.Linger = 200 * time.Millisecond
	}
	if cfg.Retry <= 0 {
		cfg.Retry = time.Second
	}
	if cfg.Journalctl == "" {
		cfg.Journalctl = "journalctl"
	}
	if cfg.JournalDirs == nil {
		cfg.JournalDirs = DefaultJournalDirs
	}
	if cfg.MachineIDFile == "" {
		cfg.MachineIDFile = "/etc/machine-id"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if _, err := ParsePriority(cfg.Priority); err != nil {
		return nil, fmt.Errorf("source %s: %w", cfg.SourceID, err)
	}
	for k := range cfg.Match {
		if !fieldName.MatchString(k) {
			return nil, fmt.Errorf("source %s: match: %q is not a journal field name (upper-case letters, digits, _)", cfg.SourceID, k)
		}
	}
	bin, err := exec.LookPath(cfg.Journalctl)
	if err != nil {
		return nil, fmt.Errorf("source %s: no journal to read: %s not found (%w); the journald source needs systemd's journalctl on the host", cfg.SourceID, cfg.Journalctl, err)
	}
	if err := checkJournal(cfg); err != nil {
		return nil, fmt.Errorf("source %s: %w", cfg.SourceID, err)
	}
	src := &Source{cfg: cfg, store: store, logger: logger, bin: bin}
	if cfg.Directory == "" {
		if b, err := os.ReadFile(cfg.MachineIDFile); err == nil {
			src.machineID = strings.TrimSpace(string(b))
		}
	}
	return src, nil
}

// checkJournal reports a journal that is not there.
func checkJournal(cfg Config) error {
	if cfg.Directory != "" {
		fi, err := os.Stat(cfg.Directory)
		if err != nil {
			return fmt.Errorf("no journal to read: directory: %w", err)
		}
		if !fi.IsDir() {
			return fmt.Errorf("no journal to read: directory %s is not a directory", cfg.Directory)
		}
		return nil
	}
	for _, d := range cfg.JournalDirs {
		if hasJournalFiles(d) {
			return nil
		}
	}
	return fmt.Errorf("no journal to read: no journal files in %s (journald is not running on this host, as in most containers, or keeps no journal: Storage=none); read files through a file source, or set directory to a copied journal", strings.Join(cfg.JournalDirs, " or "))
}

// hasJournalFiles reports *.journal files in dir or its subdirectories
// (one per machine id).
func hasJournalFiles(dir string) bool {
	found := false
	_ = filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if !d.IsDir() && (strings.HasSuffix(d.Name(), ".journal") || strings.HasSuffix(d.Name(), ".journal~")) {
			found = true
			return filepath.SkipAll
		}
		return nil
	})
	return found
}

// ParsePriority returns the PRIORITY value a priority setting names:
// a name of Levels or a digit 0-7; -1 for "" (all).
func ParsePriority(p string) (int, error) {
	if p == "" {
		return -1, nil
	}
	for i, l := range Levels {
		if p == l || p == strconv.Itoa(i) {
			return i, nil
		}
	}
	switch p { // the aliases syslog and journalctl take
	case "emergency", "panic":
		return 0, nil
	case "critical":
		return 2, nil
	case "error":
		return 3, nil
	case "warn":
		return 4, nil
	}
	return 0, fmt.Errorf("priority %q: want one of %s, or 0-7", p, strings.Join(Levels, ", "))
}

// ID returns the source id.
func (s *Source) ID() string { return s.cfg.SourceID }

// Stats returns the source's counters.
func (s *Source) Stats() Stats {
	return Stats{Entries: s.entries.Load(), Gaps: s.gaps.Load(), Restarts: s.restarts.Load()}
}

// Run follows the journal until ctx is done: journalctl is started from
// the committed cursor, and again from the new one whenever it ends.
// A journalctl that keeps failing before it delivers anything (an
// unreadable journal, a cursor it refuses) is retried less and less
// often, up to once a minute.
func (s *Source) Run(ctx context.Context) error {
	wait := s.cfg.Retry
	for {
		cursor, err := s.cursor()
		if err != nil {
			return fmt.Errorf("source %s: load cursor: %w", s.cfg.SourceID, err)
		}
		before := s.entries.Load()
		err = s.follow(ctx, cursor)
		if ctx.Err() != nil {
			return nil
		}
		if s.entries.Load() != before {
			wait = s.cfg.Retry
		}
		s.restarts.Add(1)
		s.logger.Warn("journalctl ended; starting it again from the last committed entry", "error", err, "retry_in", wait)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Minute)
	}
}

// cursor returns the committed cursor ("" before the first commit).
func (s *Source) cursor() (string, error) {
	cps, err := s.store.Checkpoints(s.cfg.SourceID)
	if err != nil {
		return "", err
	}
	for _, cp := range cps {
		if cp.Cursor != "" {
			return cp.Cursor, nil
		}
	}
	return "", nil
}

// Args returns journalctl's arguments to follow the journal from cursor
// (the entry at the cursor comes first, if it is still there).
func (s *Source) Args(cursor string) []string {
	// --merge: without it, systemd 252's --follow keeps to the latest
	// boot only, even from a cursor (the end of the boot before a reboot
	// would be lost), and fails on a journal with no entries yet.
	args := []string{"--output=export", "--follow", "--merge", "--no-pager", "--quiet"}
	if s.cfg.Directory != "" {
		args = append(args, "--directory="+s.cfg.Directory)
	}
	switch {
	case cursor != "":
		// --cursor rather than --after-cursor: journalctl's
		// --after-cursor skips one entry more when the cursor's entry is
		// gone (systemd 252), which would lose it. The entry at the
		// cursor is recognized and skipped here instead.
		args = append(args, "--cursor="+cursor)
	case s.cfg.StartAtEnd:
		args = append(args, "--lines=0")
	default:
		args = append(args, "--lines=all")
	}
	if p, _ := ParsePriority(s.cfg.Priority); p >= 0 {
		args = append(args, "--priority="+strconv.Itoa(p))
	}
	for _, u := range s.cfg.Units {
		args = append(args, "--unit="+u)
	}
	match := s.cfg.Match
	if _, set := match["_MACHINE_ID"]; !set && s.machineID != "" {
		// --merge reads every journal in the journal directories, other
		// machines' too (a journal-remote collector, a cloned VM's old
		// machine id): the system journal is this machine's entries.
		match = maps.Clone(match)
		if match == nil {
			match = map[string]string{}
		}
		match["_MACHINE_ID"] = s.machineID
	}
	keys := make([]string, 0, len(match))
	for k := range match {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		args = append(args, k+"="+match[k])
	}
	return args
}

// follow runs one journalctl and commits what it prints until it ends or
// ctx is done.
func (s *Source) follow(ctx context.Context, cursor string) error {
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := exec.CommandContext(cctx, s.bin, s.Args(cursor)...)
	var stderr bytes.Buffer
	cmd.Stderr = &limitedWriter{w: &stderr, n: 4 << 10}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.bin, err)
	}
	s.logger.Info("following the journal", "directory", s.cfg.Directory, "cursor", cursor != "", "args", strings.Join(s.Args(cursor), " "))
	entries := make(chan *Entry, 2*s.cfg.BatchLines)
	decodeErr := make(chan error, 1)
	go func() {
		defer close(entries)
		dec := NewDecoder(out, s.cfg.MaxLineBytes)
		for {
			e := &Entry{}
			if err := dec.Next(e); err != nil {
				if err == io.EOF {
					err = nil
				}
				decodeErr <- err
				return
			}
			select {
			case entries <- e:
			case <-cctx.Done():
				decodeErr <- nil
				return
			}
		}
	}()
	err = s.commitLoop(cctx, entries, cursor)
	cancel()
	// Drain so the decoder goroutine ends, then reap journalctl.
	for range entries {
	}
	derr := <-decodeErr
	werr := cmd.Wait()
	if err == nil {
		err = derr
	}
	if err == nil && werr != nil && ctx.Err() == nil {
		err = fmt.Errorf("journalctl: %w: %s", werr, strings.TrimSpace(stderr.String()))
	}
	if err == nil && ctx.Err() == nil {
		err = fmt.Errorf("journalctl ended: %s", strings.TrimSpace(stderr.String()))
	}
	return err
}

// commitLoop batches entries and commits each batch with the cursor of
// its last entry. The first entry is the one at the resumed cursor when
// that is still in the journal: it was committed already and is skipped.
// When it is not, the cursor's entry was rotated or vacuumed away: reading
// goes on from the oldest entry after it, and the gap is counted.
func (s *Source) commitLoop(ctx context.Context, entries <-chan *Entry, cursor string) error {
	first := cursor != ""
	var (
		batch = source.Batch{SourceID: s.cfg.SourceID, LogSourceType: s.cfg.LogSourceType}
		bytes int
		last  string
	)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	flush := func() error {
		if len(batch.Lines) == 0 {
			return nil
		}
		batch.Checkpoint = source.Checkpoint{Cursor: last}
		batch.Collected = s.cfg.Now()
		if err := s.commit(ctx, batch); err != nil {
			return err
		}
		s.entries.Add(uint64(len(batch.Lines)))
		batch.Lines, bytes = batch.Lines[:0:0], 0
		return nil
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
			if err := flush(); err != nil {
				return err
			}
		case e, ok := <-entries:
			if !ok {
				return flush()
			}
			if first {
				first = false
				if SameEntry(e.Cursor, cursor) {
					continue
				}
				s.gaps.Add(1)
				s.logger.Warn("the committed cursor is no longer in the journal (rotated or vacuumed away, or the source's filters changed): reading on from the oldest entry after it; entries in between are lost",
					"cursor", cursor, "resumed_at", e.Cursor)
			}
			if e.Cursor == "" {
				return fmt.Errorf("%w: entry without __CURSOR", ErrFormat)
			}
			l := s.line(e)
			batch.Lines = append(batch.Lines, l)
			bytes += len(l.Raw)
			last = e.Cursor
			if len(batch.Lines) == 1 {
				timer.Reset(s.cfg.Linger)
			}
			if len(batch.Lines) >= s.cfg.BatchLines || bytes >= s.cfg.BatchBytes {
				timer.Stop()
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
}

// commit commits a batch, waiting while the spool pushes back: reading
// stops meanwhile (journalctl blocks on its full pipe), nothing is lost.
// A pause is logged once, and its end when a batch went in at the first
// try: a spool that takes one batch whenever the uplink frees room for
// one is still full, and logs nothing per batch.
func (s *Source) commit(ctx context.Context, b source.Batch) error {
	for try := 0; ; try++ {
		err := s.store.Commit(ctx, b)
		if err == nil {
			if s.paused && try == 0 {
				s.paused = false
				s.logger.Info("spool has room again: reading resumed")
			}
			return nil
		}
		if !errors.Is(err, source.ErrBackpressure) {
			return fmt.Errorf("commit: %w", err)
		}
		if !s.paused {
			s.paused = true
			s.logger.Warn("spool cannot take more: reading paused (nothing is lost; the journal is read on when there is room)", "reason", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(s.cfg.Retry):
		}
	}
}

// line maps an entry to a line: MESSAGE is the raw line the rules run
// on; the rest are fields by ECS name.
func (s *Source) line(e *Entry) source.Line {
	raw := append([]byte(nil), e.Message...)
	l := source.Line{Raw: raw, Length: e.MessageLen, Truncated: e.MessageLen > len(raw)}
	f := make(map[string]string, 8)
	if e.Realtime > 0 {
		f[FieldTimestamp] = time.UnixMicro(e.Realtime).UTC().Format(time.RFC3339Nano)
	}
	put := func(k, v string) {
		if v != "" {
			f[k] = v
		}
	}
	put(FieldHostname, e.Hostname)
	if e.Identifier != "" {
		put(FieldProcess, e.Identifier)
	} else {
		put(FieldProcess, e.Comm)
	}
	put(FieldPID, e.PID)
	if p, err := strconv.Atoi(e.Priority); err == nil && p >= 0 && p < len(Levels) {
		f[FieldLevel] = Levels[p]
		f[FieldSeverity] = e.Priority
	}
	put(FieldUnit, e.Unit)
	put(FieldUserUnit, e.UserUnit)
	l.Fields = f
	return l
}

// SameEntry reports whether two cursors name the same entry: the same
// sequence number (i=) in the same file sequence (s=). Cursors of one
// entry may differ in their other parts.
func SameEntry(a, b string) bool {
	sa, ia := cursorParts(a)
	sb, ib := cursorParts(b)
	return sa != "" && ia != "" && sa == sb && ia == ib
}

func cursorParts(c string) (seqID, seq string) {
	for _, p := range strings.Split(c, ";") {
		switch {
		case strings.HasPrefix(p, "s="):
			seqID = p[2:]
		case strings.HasPrefix(p, "i="):
			seq = p[2:]
		}
	}
	return seqID, seq
}

// limitedWriter keeps the first n bytes written (journalctl's stderr).
type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(len(p), l.n)
		_, _ = l.w.Write(p[:k])
		l.n -= k
	}
	return len(p), nil
}
