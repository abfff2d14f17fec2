// Package tail is the agent's file source: it follows files matching globs
// through appends, rename rotation and copytruncate, and hands complete
// lines to a Store together with a checkpoint (file identity + offset) that
// the store commits in the same transaction.
package tail

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"time"

	"github.com/hashicorp/go-hclog"
)

// fingerprintMax is how many leading bytes identify a file's content. It
// tells a truncated or replaced file from the one we read, and the copy a
// copytruncate rotation makes from a new file.
const fingerprintMax = 1024

// Checkpoint is how far a file was read, and which file that was.
type Checkpoint struct {
	Dev    uint64 `json:"dev"`
	Ino    uint64 `json:"ino"`
	Path   string `json:"path"`
	Offset int64  `json:"offset"`
	// FPLen and FP fingerprint the file's first FPLen bytes (FNV-64a).
	FPLen int    `json:"fp_len"`
	FP    uint64 `json:"fp"`
}

// Key identifies the file a checkpoint belongs to.
func (c Checkpoint) Key() string { return fmt.Sprintf("%d:%d", c.Dev, c.Ino) }

// Batch is what the source commits: lines read from one file and the
// checkpoint just after the last of them.
type Batch struct {
	SourceID      string
	LogSourceType string
	Lines         []Line
	Checkpoint    Checkpoint
	Collected     time.Time
}

// Store persists batches. Commit must store the lines and the checkpoint
// atomically and durably: a checkpoint never gets ahead of its lines.
type Store interface {
	Commit(ctx context.Context, b Batch) error
	Checkpoints(sourceID string) ([]Checkpoint, error)
	ForgetCheckpoint(sourceID, key string) error
}

// Config configures a file source.
type Config struct {
	SourceID      string
	LogSourceType string
	Paths         []string
	Exclude       []string
	StartAtEnd    bool
	PollInterval  time.Duration
	MaxLineBytes  int
	BatchLines    int
	BatchBytes    int
	// Now is the clock for collection times; time.Now when nil.
	Now func() time.Time
}

// Source tails the files of one `source "file"` block.
type Source struct {
	cfg    Config
	store  Store
	logger hclog.Logger

	files    map[string]*tracked   // open files by Checkpoint.Key
	cps      map[string]Checkpoint // last committed checkpoint per key
	firstRun bool
	readBuf  []byte
}

type tracked struct {
	fh    *os.File
	cp    Checkpoint
	split Splitter
	gone  bool // no longer matched by the globs: read to EOF, then close
	idle  int  // polls in a row that found nothing new
}

// New makes a file source.
func New(cfg Config, store Store, logger hclog.Logger) (*Source, error) {
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 250 * time.Millisecond
	}
	if cfg.MaxLineBytes <= 0 {
		cfg.MaxLineBytes = 64 << 10
	}
	if cfg.BatchLines <= 0 {
		cfg.BatchLines = 2000
	}
	if cfg.BatchBytes <= 0 {
		cfg.BatchBytes = 1 << 20
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	for _, p := range append(append([]string(nil), cfg.Paths...), cfg.Exclude...) {
		if _, err := filepath.Match(p, ""); err != nil {
			return nil, fmt.Errorf("source %s: bad glob %q: %w", cfg.SourceID, p, err)
		}
	}
	return &Source{
		cfg:      cfg,
		store:    store,
		logger:   logger,
		files:    map[string]*tracked{},
		cps:      map[string]Checkpoint{},
		firstRun: true,
		readBuf:  make([]byte, 64<<10),
	}, nil
}

// Run polls and reads until ctx is done.
func (s *Source) Run(ctx context.Context) error {
	cps, err := s.store.Checkpoints(s.cfg.SourceID)
	if err != nil {
		return fmt.Errorf("source %s: load checkpoints: %w", s.cfg.SourceID, err)
	}
	for _, cp := range cps {
		s.cps[cp.Key()] = cp
	}
	defer s.closeAll()
	t := time.NewTicker(s.cfg.PollInterval)
	defer t.Stop()
	for {
		if err := s.Poll(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			s.logger.Error("poll failed; retrying", "error", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Poll runs one discovery and read cycle: find files, open new ones, read
// everything new, and close files that are gone and fully read.
func (s *Source) Poll(ctx context.Context) error {
	found := s.discover()
	// Opening new files consults the checkpoints as they were before this
	// poll touched any file: a copytruncate copy must match the original's
	// fingerprint from before the original was found truncated.
	prior := make(map[string]Checkpoint, len(s.cps))
	for k, v := range s.cps {
		prior[k] = v
	}
	for key, f := range s.files {
		if p, ok := found[key]; ok {
			f.cp.Path = p
			f.gone = false
		} else {
			f.gone = true
		}
	}
	keys := make([]string, 0, len(found))
	for k := range found {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		if _, ok := s.files[key]; ok {
			continue
		}
		if err := s.open(found[key], prior); err != nil {
			s.logger.Warn("cannot open file", "path", found[key], "error", err)
		}
	}
	var firstErr error
	for key, f := range s.files {
		if err := s.read(ctx, f); err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if f.gone && f.idle >= 2 {
			s.logger.Info("file gone and fully read; closing", "path", f.cp.Path)
			_ = f.fh.Close()
			delete(s.files, key)
			delete(s.cps, key)
			if err := s.store.ForgetCheckpoint(s.cfg.SourceID, key); err != nil {
				s.logger.Warn("cannot forget checkpoint", "path", f.cp.Path, "error", err)
			}
		}
	}
	if s.firstRun && firstErr == nil {
		s.firstRun = false
		// Checkpoints of files that no longer exist only mattered for
		// matching rotated copies on this first poll.
		for key := range s.cps {
			if _, ok := s.files[key]; !ok {
				delete(s.cps, key)
				_ = s.store.ForgetCheckpoint(s.cfg.SourceID, key)
			}
		}
	}
	return firstErr
}

// discover returns the regular files the globs match, by identity.
func (s *Source) discover() map[string]string {
	found := map[string]string{}
	for _, pattern := range s.cfg.Paths {
		matches, _ := filepath.Glob(pattern)
		for _, p := range matches {
			if s.excluded(p) {
				continue
			}
			fi, err := os.Stat(p)
			if err != nil || !fi.Mode().IsRegular() {
				continue
			}
			dev, ino := identity(fi)
			key := Checkpoint{Dev: dev, Ino: ino}.Key()
			if prev, ok := found[key]; ok && prev < p {
				continue // the same file under two names: keep one, stably
			}
			found[key] = p
		}
	}
	return found
}

func (s *Source) excluded(p string) bool {
	for _, ex := range s.cfg.Exclude {
		if ok, _ := filepath.Match(ex, p); ok {
			return true
		}
		if ok, _ := filepath.Match(ex, filepath.Base(p)); ok {
			return true
		}
	}
	return false
}

func (s *Source) open(path string, prior map[string]Checkpoint) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	fi, err := fh.Stat()
	if err != nil {
		_ = fh.Close()
		return err
	}
	dev, ino := identity(fi)
	cp := Checkpoint{Dev: dev, Ino: ino, Path: path}
	key := cp.Key()
	if _, dup := s.files[key]; dup {
		_ = fh.Close() // replaced between stat and open by a file we track
		return nil
	}
	size := fi.Size()
	start, why := int64(0), "new file"
	if old, ok := prior[key]; ok {
		if old.FPLen > 0 && old.Offset <= size && matches(fh, old.FPLen, old.FP) {
			start, why = old.Offset, "resuming at checkpoint"
		} else {
			why = "file at a known inode has other content (truncated or inode reused); reading from the start"
		}
	} else if src, ok := copySource(fh, size, prior); ok {
		start, why = min(src.Offset, size), "copy of "+src.Path+" (copytruncate); skipping what was read there"
	} else if s.firstRun && s.cfg.StartAtEnd {
		start, why = size, "start_at = end"
	}
	if _, err := fh.Seek(start, io.SeekStart); err != nil {
		_ = fh.Close()
		return err
	}
	cp.Offset = start
	cp.FPLen, cp.FP = fingerprint(fh, size)
	t := &tracked{fh: fh, cp: cp, split: Splitter{Max: s.cfg.MaxLineBytes}}
	t.split.Reset(start)
	s.files[key] = t
	s.cps[key] = cp
	s.logger.Info("following file", "path", path, "offset", start, "reason", why)
	return nil
}

// read reads everything new in f, committing batches as they fill.
func (s *Source) read(ctx context.Context, f *tracked) error {
	fi, err := f.fh.Stat()
	if err != nil {
		return err
	}
	pos := f.split.Consumed() + int64(f.split.Pending())
	if fi.Size() < pos || (f.cp.FPLen > 0 && !matches(f.fh, f.cp.FPLen, f.cp.FP)) {
		s.logger.Warn("file truncated or rewritten; reading it from the start", "path", f.cp.Path, "size", fi.Size(), "offset", pos)
		if _, err := f.fh.Seek(0, io.SeekStart); err != nil {
			return err
		}
		f.split.Reset(0)
		f.cp.Offset = 0
		f.cp.FPLen, f.cp.FP = fingerprint(f.fh, fi.Size())
		// Record the reset now, so a crash before the next line does
		// not resume at the stale offset.
		if err := s.commit(ctx, f, nil); err != nil {
			return err
		}
		pos = 0
	}
	if fi.Size() == pos {
		f.idle++
		return nil
	}
	f.idle = 0
	var lines []Line
	batchBytes := 0
	for {
		n, rerr := f.fh.Read(s.readBuf)
		if n > 0 {
			f.split.Feed(s.readBuf[:n], func(l Line) {
				lines = append(lines, l)
				batchBytes += len(l.Raw)
			})
			if len(lines) >= s.cfg.BatchLines || batchBytes >= s.cfg.BatchBytes {
				if err := s.commit(ctx, f, lines); err != nil {
					return err
				}
				lines, batchBytes = nil, 0
			}
		}
		if rerr == io.EOF || n == 0 {
			break
		}
		if rerr != nil {
			return rerr
		}
	}
	if len(lines) > 0 || f.split.Consumed() != f.cp.Offset {
		return s.commit(ctx, f, lines)
	}
	return nil
}

// commit hands lines and the checkpoint after them to the store. On error
// the file position is rewound to the last committed checkpoint, so the
// lines are read again on the next poll: nothing is skipped.
func (s *Source) commit(ctx context.Context, f *tracked, lines []Line) error {
	cp := f.cp
	cp.Offset = f.split.Consumed()
	if cp.FPLen < fingerprintMax {
		if fi, err := f.fh.Stat(); err == nil {
			cp.FPLen, cp.FP = fingerprint(f.fh, fi.Size())
		}
	}
	err := s.store.Commit(ctx, Batch{
		SourceID:      s.cfg.SourceID,
		LogSourceType: s.cfg.LogSourceType,
		Lines:         lines,
		Checkpoint:    cp,
		Collected:     s.cfg.Now(),
	})
	if err != nil {
		if _, serr := f.fh.Seek(f.cp.Offset, io.SeekStart); serr != nil {
			return errors.Join(err, serr)
		}
		f.split.Reset(f.cp.Offset)
		return fmt.Errorf("commit %s: %w", f.cp.Path, err)
	}
	f.cp = cp
	s.cps[cp.Key()] = cp
	return nil
}

func (s *Source) closeAll() {
	for k, f := range s.files {
		_ = f.fh.Close()
		delete(s.files, k)
	}
}

// copySource finds the checkpoint of a file whose content fh starts with:
// a copytruncate rotation copies the file we were reading to a new name.
func copySource(fh *os.File, size int64, prior map[string]Checkpoint) (Checkpoint, bool) {
	keys := make([]string, 0, len(prior))
	for k := range prior {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		cp := prior[k]
		if cp.FPLen == 0 || int64(cp.FPLen) > size || cp.Offset == 0 {
			continue
		}
		if matches(fh, cp.FPLen, cp.FP) {
			return cp, true
		}
	}
	return Checkpoint{}, false
}

// fingerprint hashes the first min(size, fingerprintMax) bytes.
func fingerprint(fh *os.File, size int64) (int, uint64) {
	n := int(min(size, fingerprintMax))
	if n == 0 {
		return 0, 0
	}
	buf := make([]byte, n)
	got, err := fh.ReadAt(buf, 0)
	if err != nil && got < n {
		return 0, 0
	}
	h := fnv.New64a()
	_, _ = h.Write(buf)
	return n, h.Sum64()
}

func matches(fh *os.File, n int, want uint64) bool {
	buf := make([]byte, n)
	got, _ := fh.ReadAt(buf, 0)
	if got < n {
		return false
	}
	h := fnv.New64a()
	_, _ = h.Write(buf)
	return h.Sum64() == want
}

func identity(fi os.FileInfo) (dev, ino uint64) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Dev), st.Ino
	}
	return 0, 0
}
