// Package embedded is Sluice's default event index: SQLite files on local
// disk, no server needed.
//
// Events are stored per organization and UTC day of their @timestamp:
//
//	<Dir>/<org>/<YYYY-MM-DD>.db      events (typed columns for the common
//	                                 ECS fields), docs (each event's JSON)
//	                                 and counts of events per minute
//	                                 (minute_totals, minute_counts…)
//	<Dir>/<org>/<YYYY-MM-DD>.fts.db  contentless FTS5 index of the messages
//
// so that retention is deleting a day's files (Prune, which holds up
// neither writes nor searches) and a query for the last hour opens one
// file. Replace overwrites events by id in the day file of their
// @timestamp, full text and counts included. The full-text index has its
// own file so that a second connection fills it on a second core while
// the first inserts the events; a crash between the two commits is
// repaired when the day is next opened for writing. Files are in WAL
// mode: searches, and other processes such as another Sluice or the
// sqlite3 shell, read while the writer writes:
//
//	sqlite3 -readonly acme/2026-01-10.db \
//	  "ATTACH 'acme/2026-01-10.fts.db' AS f;
//	   SELECT doc FROM docs WHERE rowid IN (SELECT rowid FROM f.fts WHERE fts MATCH 'sudo') LIMIT 5"
//
// Queries (package query) translate to SQL with bound parameters only:
//
//   - words and "phrases" without a field (or on message) match the
//     message through FTS5: case- and accent-insensitive, a phrase's words
//     in order; word* is a prefix match; other wildcards, and terms without
//     letters or digits ("->"), scan the messages (LIKE, substring);
//   - field:value is exact, case-sensitive equality on a typed column
//     (host.hostname, source.ip, user.name, …) or, for any other field,
//     on the value (or an array element) in the JSON document; wildcards
//     use GLOB; field:* means the field exists;
//   - ranges work on @timestamp (the ts column, in nanoseconds), on the
//     numeric columns (ports, pid, sluice.risk) and on numbers or times in
//     the document; a day bound (2026-01-10) stands for the whole day.
//
// Building requires cgo and the sqlite_fts5 build tag.
package embedded

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/pkg/event"
)

var (
	_ indexer.Index    = (*Index)(nil)
	_ indexer.Pruner   = (*Index)(nil)
	_ indexer.Replacer = (*Index)(nil)
)

// Config configures the embedded index. Zero values take the defaults.
type Config struct {
	// Dir is the root directory of the index files. Required.
	Dir string

	// MaxOpenWriters is how many day files are kept open for writing
	// (default 4): today, yesterday and late stragglers for a few
	// organizations. The least recently used one is closed beyond it.
	// Each holds four connections: events, full text and a checkpointer
	// for each.
	MaxOpenWriters int
	// MaxOpenReaders is how many day files are kept open for searching
	// (default 32).
	MaxOpenReaders int
	// ReadConns is the number of read connections per day file (default 4).
	ReadConns int
	// IdleTimeout closes files unused for this long (default 2m).
	IdleTimeout time.Duration
	// CacheSizeKiB is SQLite's page cache of each writer connection
	// (default 65536, 64 MiB). Readers use a quarter of it.
	CacheSizeKiB int
	// PageSize is the page size of new files in bytes (default 4096).
	PageSize int
	// WALAutocheckpoint is the WAL size in pages beyond which a
	// background checkpoint copies the WAL back into the database
	// (default 10000, 40 MB with 4 KiB pages).
	WALAutocheckpoint int
	// JournalSizeLimit caps the WAL file left on disk after a checkpoint,
	// in bytes (default 64 MiB).
	JournalSizeLimit int64
	// SyncFull makes each commit survive a power failure (synchronous=FULL)
	// instead of only a crash of the process (NORMAL, the default).
	SyncFull bool
	// MaxLimit caps SearchRequest.Limit (default 10000).
	MaxLimit int
}

// Defaults of Config.
const (
	DefaultMaxOpenWriters    = 4
	DefaultMaxOpenReaders    = 32
	DefaultReadConns         = 4
	DefaultIdleTimeout       = 2 * time.Minute
	DefaultCacheSizeKiB      = 64 << 10
	DefaultPageSize          = 4096
	DefaultWALAutocheckpoint = 10000
	DefaultJournalSizeLimit  = 64 << 20
	DefaultSearchLimit       = 100
	DefaultMaxLimit          = 10000
)

func (c *Config) setDefaults() {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.MaxOpenWriters, DefaultMaxOpenWriters)
	def(&c.MaxOpenReaders, DefaultMaxOpenReaders)
	def(&c.ReadConns, DefaultReadConns)
	def(&c.CacheSizeKiB, DefaultCacheSizeKiB)
	def(&c.PageSize, DefaultPageSize)
	def(&c.WALAutocheckpoint, DefaultWALAutocheckpoint)
	def(&c.MaxLimit, DefaultMaxLimit)
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.JournalSizeLimit <= 0 {
		c.JournalSizeLimit = DefaultJournalSizeLimit
	}
}

// Index is the embedded event index.
//
// Concurrency: all methods are safe for concurrent use. Writes (and
// Replace) are serialized (one writer connection per file, and SQLite
// allows one writer at a time anyway); Search and Count run in parallel
// with each other and with a Write, each on read-only connections that
// see the last committed state. Prune takes the write lock for one day
// at a time, only to unlink its files and close its writer. Only one
// process may write to a directory at a time (the full-text bookkeeping
// assumes it); any number may read.
type Index struct {
	cfg    Config
	logger hclog.Logger

	// mu guards writers, orgLocks and closed; it is held only to find,
	// open and close writers, never across a write, so organizations
	// write at once.
	mu      sync.Mutex
	writers map[string]*writer
	closed  bool
	// orgLocks serializes the writes (and day removals) of one
	// organization directory: one organization's long write does not
	// hold another's (the mediator writes each organization's batch on
	// its own). Taken before mu.
	orgLocks map[string]*sync.Mutex
	// writes counts stores in progress; Close waits for them.
	writes sync.WaitGroup

	// rmu guards readers and rclosed.
	rmu     sync.Mutex
	readers map[string]*reader
	rclosed bool

	stop chan struct{}
	wg   sync.WaitGroup

	// noCounts makes Count ignore the rollup tables (tests compare).
	noCounts bool
}

// Open opens the index rooted at cfg.Dir, creating the directory if needed.
// Day files are opened as they are needed.
func Open(cfg Config, logger hclog.Logger) (*Index, error) {
	if cfg.Dir == "" {
		return nil, errors.New("embedded index: no directory configured")
	}
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	cfg.setDefaults()
	if cfg.PageSize < 512 || cfg.PageSize > 65536 || cfg.PageSize&(cfg.PageSize-1) != 0 {
		return nil, fmt.Errorf("embedded index: page size %d is not a power of two between 512 and 65536", cfg.PageSize)
	}
	if err := os.MkdirAll(cfg.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("create index directory: %w", err)
	}
	x := &Index{
		cfg:     cfg,
		logger:  logger,
		writers: map[string]*writer{},
		readers: map[string]*reader{},
		stop:    make(chan struct{}),
	}
	x.wg.Add(1)
	go x.janitor()
	logger.Debug("embedded index open", "dir", cfg.Dir)
	return x, nil
}

// Write stores events, grouped by organization and day, one transaction per
// day file. It returns nil only when every transaction has committed.
// Events whose id is already stored are skipped, so a retried batch adds
// nothing. On error some day files may have committed: writing the whole
// batch again is safe.
func (x *Index) Write(ctx context.Context, events []*event.Event) error {
	return x.store(ctx, events, false)
}

// Replace stores events like Write, but an event whose id is already
// stored overwrites it: its document, columns, full-text entry and its
// place in the rollup counts (so that counts do not change). Within the
// batch the last event of an id wins. The stored event is looked for in
// the day file of the new event's @timestamp: an event replaced by one
// of another day stays where it is, next to its replacement.
//
// Each day file's replacement is one transaction on each of its two
// files; searches see the old events or the new ones, except that a
// full-text search may miss the replaced events for the moment between
// the two commits.
func (x *Index) Replace(ctx context.Context, events []*event.Event) error {
	return x.store(ctx, events, true)
}

// store is Write, or Replace with replace.
func (x *Index) store(ctx context.Context, events []*event.Event, replace bool) error {
	if len(events) == 0 {
		return nil
	}
	if replace {
		events = lastOfEachID(events)
	}
	now := time.Now()
	groups := groupEvents(events, now)

	for _, g := range groups {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := x.storeGroup(ctx, g, now, replace); err != nil {
			return err
		}
	}
	return nil
}

// orgLock returns the write lock of organization directory org. x.mu is
// held.
func (x *Index) orgLock(org string) *sync.Mutex {
	l := x.orgLocks[org]
	if l == nil {
		if x.orgLocks == nil {
			x.orgLocks = map[string]*sync.Mutex{}
		}
		l = &sync.Mutex{}
		x.orgLocks[org] = l
	}
	return l
}

// lockOrg takes the write lock of organization directory org, unless the
// index is closed; unlock gives it back.
func (x *Index) lockOrg(org string) (unlock func(), err error) {
	x.mu.Lock()
	if x.closed {
		x.mu.Unlock()
		return nil, errors.New("embedded index: closed")
	}
	l := x.orgLock(org)
	x.writes.Add(1)
	x.mu.Unlock()
	l.Lock()
	return func() { l.Unlock(); x.writes.Done() }, nil
}

// storeGroup writes one organization's events of one day, holding that
// organization's write lock and marking its writer busy, so that the
// janitor, a prune or the open-files bound closes it only once the write
// is over.
func (x *Index) storeGroup(ctx context.Context, g eventGroup, now time.Time, replace bool) error {
	unlock, err := x.lockOrg(g.org)
	if err != nil {
		return err
	}
	defer unlock()
	path := filepath.Join(x.cfg.Dir, g.org, dayName(g.day)+fileExt)
	x.mu.Lock()
	if x.closed {
		x.mu.Unlock()
		return errors.New("embedded index: closed")
	}
	w, err := x.writer(path)
	if err != nil {
		x.mu.Unlock()
		return err
	}
	w.busy, w.lastUsed = true, time.Now()
	x.mu.Unlock()

	start := time.Now()
	var ids []string
	if replace {
		ids = make([]string, len(g.events))
		for i, e := range g.events {
			ids[i] = e.ID
		}
	}
	chunks, stop := encodeAsync(g.events, now)
	n, err := w.write(ctx, chunks, ids)
	stop()

	x.mu.Lock()
	defer x.mu.Unlock()
	w.busy, w.lastUsed = false, time.Now()
	if err != nil {
		// The connection may be in a bad state: reopen next time.
		if x.writers[path] == w {
			delete(x.writers, path)
		}
		w.doomed = true
	}
	if w.doomed {
		x.closeDoomed(w)
	}
	if err != nil {
		return fmt.Errorf("write %d events to %s: %w", len(g.events), path, err)
	}
	x.logger.Trace("wrote events", "file", path, "events", len(g.events), "new", n, "duration", time.Since(start))
	return nil
}

// lastOfEachID returns events without the ones whose id comes again
// later in the batch: Replace keeps the last, where Write (INSERT OR
// IGNORE) keeps the first.
func lastOfEachID(events []*event.Event) []*event.Event {
	type key struct{ org, id string }
	seen := make(map[key]bool, len(events))
	out := make([]*event.Event, 0, len(events))
	for i := len(events) - 1; i >= 0; i-- {
		k := key{orgDir(events[i].Organization), events[i].ID}
		if !seen[k] {
			seen[k] = true
			out = append(out, events[i])
		}
	}
	slices.Reverse(out)
	return out
}

// writer returns the open writer of path, opening it (and closing the
// least recently used one beyond MaxOpenWriters) if needed. x.mu is held.
func (x *Index) writer(path string) (*writer, error) {
	if w, ok := x.writers[path]; ok {
		return w, nil
	}
	for len(x.writers) >= x.cfg.MaxOpenWriters {
		var oldest *writer
		for _, w := range x.writers {
			if oldest == nil || w.lastUsed.Before(oldest.lastUsed) {
				oldest = w
			}
		}
		x.closeWriter(oldest.path)
	}
	w, err := openWriter(path, &x.cfg, x.logger)
	if err != nil {
		return nil, err
	}
	x.logger.Debug("opened day file for writing", "file", path)
	x.writers[path] = w
	return w, nil
}

// closeWriter closes and forgets the writer of path; one in the middle
// of a write is forgotten now and closed when the write is over. x.mu is
// held.
func (x *Index) closeWriter(path string) {
	w, ok := x.writers[path]
	if !ok {
		return
	}
	delete(x.writers, path)
	w.doomed = true
	if w.busy {
		return
	}
	x.closeDoomed(w)
}

// closeDoomed closes a writer already forgotten. x.mu is held.
func (x *Index) closeDoomed(w *writer) {
	path := w.path
	if err := w.close(); err != nil {
		x.logger.Warn("closing day file failed", "file", path, "error", err)
		return
	}
	x.logger.Debug("closed day file", "file", path)
}

// Organizations lists the organizations that have day files, by name
// (see orgName); directories that orgDir does not make are skipped. It
// takes no lock.
func (x *Index) Organizations(ctx context.Context) ([]string, error) {
	dirs, err := x.orgDirs("")
	if err != nil {
		return nil, err
	}
	var orgs []string
	for _, dir := range dirs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		days, err := listDays(x.cfg.Dir, dir)
		if err != nil {
			return nil, err
		}
		if len(days) > 0 { // every day pruned: the directory is left empty
			name, _ := orgName(dir)
			orgs = append(orgs, name)
		}
	}
	slices.Sort(orgs)
	return orgs, nil
}

// Prune removes the day files (events and full text, with their WAL and
// shared-memory files) of org, or of every organization when org is "",
// for the UTC days that end at or before before: retention is deleting
// files. It returns the days removed, oldest first (per organization),
// with the size of their files when listed; with dryRun it removes
// nothing and returns what it would remove.
//
// Prune never holds up writes or searches for more than one file's
// removal. It lists the files without any lock, then removes each day
// under x.mu (the write lock), held only to unlink that day's files and
// close its writer: a few system calls. The unlinking comes first, so
// that closing the writer does not copy a WAL into a file being deleted
// (SQLite skips the checkpoint of an unlinked file). Because Write also
// holds x.mu while it opens a writer and commits, a Write of the same
// day runs entirely before or entirely after the removal: before, its
// events are removed with the day (they are past the horizon, as the
// caller asked); after, it opens a new writer that creates new files.
// A writer is never left open on removed files, nor a new events file
// paired with the old full-text file. Days inside the horizon are never
// touched, so their events are never lost, whatever the timing.
//
// Searches do not take x.mu. One that has a day file open finishes on
// the deleted file (unix keeps it until closed); its reader is evicted
// after the unlinking, so that no later search reuses a connection to
// the deleted file. One that listed the day before its removal and opens
// it after finds it gone and counts it as empty (see Index.query).
//
// Events written later for a removed day create its files again.
func (x *Index) Prune(ctx context.Context, org string, before time.Time, dryRun bool) ([]indexer.PrunedDay, error) {
	select {
	case <-x.stop: // closed, without waiting for x.mu
		return nil, errors.New("embedded index: closed")
	default:
	}
	if before.Year() < 1678 { // before any day a file can hold
		return nil, nil
	}
	end := int64(math.MaxInt64) // first day kept
	if before.Year() <= 2261 {
		end = dayOf(before.UnixNano())
	}
	dirs, err := x.orgDirs(org)
	if err != nil {
		return nil, err
	}
	var pruned []indexer.PrunedDay
	var errs []error
	for _, dir := range dirs {
		name, _ := orgName(dir)
		days, err := listDays(x.cfg.Dir, dir)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, d := range days {
			if d.day >= end {
				break // oldest first
			}
			if err := ctx.Err(); err != nil {
				return pruned, err
			}
			if !dryRun {
				if err := x.removeDay(&d); err != nil {
					errs = append(errs, err)
					continue
				}
				x.logger.Info("pruned day", "organization", name, "day", dayName(d.day), "bytes", d.bytes)
			}
			pruned = append(pruned, indexer.PrunedDay{Organization: name, Day: dayName(d.day), Name: d.path(), Bytes: d.bytes})
		}
	}
	if err := errors.Join(errs...); err != nil {
		return pruned, fmt.Errorf("prune: %w", err)
	}
	return pruned, nil
}

// removeDay unlinks the files of d, then closes its writer and evicts its
// reader, all under x.mu (see Prune).
func (x *Index) removeDay(d *dayFiles) error {
	// No write of the organization is under way while its files go.
	unlock, err := x.lockOrg(d.org)
	if err != nil {
		return err
	}
	defer unlock()
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.closed {
		return errors.New("embedded index: closed")
	}
	var errs []error
	for _, suffix := range dayFileSuffixes {
		if err := os.Remove(d.base + suffix); err != nil && !os.IsNotExist(err) {
			errs = append(errs, err)
		}
	}
	// Whatever was removed, the open handles must go: a writer reopens
	// the files from scratch (repairing a full-text file left behind),
	// and a search opens what is there now.
	path := d.path()
	x.closeWriter(path)
	x.rmu.Lock()
	if r, ok := x.readers[path]; ok {
		x.evictReader(r)
	}
	x.rmu.Unlock()
	return errors.Join(errs...)
}

// orgDirs returns the directory of org, or of every organization when
// org is "".
func (x *Index) orgDirs(org string) ([]string, error) {
	if org != "" {
		return []string{orgDir(org)}, nil
	}
	entries, err := os.ReadDir(x.cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("list organizations in %s: %w", x.cfg.Dir, err)
	}
	var dirs []string
	for _, e := range entries {
		if _, ok := orgName(e.Name()); ok && e.IsDir() {
			dirs = append(dirs, e.Name())
		}
	}
	return dirs, nil
}

// DiskUsage returns the bytes on disk of the day files of org (every
// organization when org is "") and how many days they hold, WAL files
// included: what status pages, metrics and sizing report. It takes no
// lock; files written meanwhile may be counted or not.
func (x *Index) DiskUsage(org string) (bytes int64, days int, err error) {
	dirs, err := x.orgDirs(org)
	if err != nil {
		return 0, 0, err
	}
	for _, dir := range dirs {
		list, err := listDays(x.cfg.Dir, dir)
		if err != nil {
			return 0, 0, err
		}
		for _, d := range list {
			bytes += d.bytes
		}
		days += len(list)
	}
	return bytes, days, nil
}

// janitor closes files that have not been used for IdleTimeout, so that
// yesterday's file is checkpointed and released.
func (x *Index) janitor() {
	defer x.wg.Done()
	tick := time.NewTicker(max(x.cfg.IdleTimeout/4, time.Second))
	defer tick.Stop()
	for {
		select {
		case <-x.stop:
			return
		case <-tick.C:
		}
		cutoff := time.Now().Add(-x.cfg.IdleTimeout)
		x.mu.Lock()
		for path, w := range x.writers {
			if w.lastUsed.Before(cutoff) {
				x.closeWriter(path)
			}
		}
		x.mu.Unlock()
		x.closeIdleReaders(cutoff)
	}
}

// Close closes every file. Writes and searches after Close fail; Close
// waits for running ones.
func (x *Index) Close() error {
	x.mu.Lock()
	if x.closed {
		x.mu.Unlock()
		return nil
	}
	x.closed = true
	close(x.stop)
	x.mu.Unlock()
	// Writes under way finish (no new one starts) before the files close.
	x.writes.Wait()
	x.mu.Lock()
	var errs []error
	for path, w := range x.writers {
		delete(x.writers, path)
		if err := w.close(); err != nil {
			errs = append(errs, err)
		}
	}
	x.mu.Unlock()
	x.wg.Wait()
	errs = append(errs, x.closeReaders())
	x.logger.Debug("embedded index closed")
	return errors.Join(errs...)
}
