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
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/agent/source"
	"github.com/sluicehq/sluice/pkg/multiline"
	"github.com/sluicehq/sluice/pkg/osfile"
)

// fingerprintMax is how many leading bytes identify a file's content. It
// tells a truncated or replaced file from the one we read, and the copy a
// copytruncate rotation makes from a new file.
const fingerprintMax = 1024

// The shared source types, named here so the file source reads as before.
type (
	// Checkpoint is source.Checkpoint.
	Checkpoint = source.Checkpoint
	// Batch is source.Batch.
	Batch = source.Batch
	// Store is source.Store.
	Store = source.Store
	// Line is source.Line.
	Line = source.Line
)

// ErrBackpressure is source.ErrBackpressure.
var ErrBackpressure = source.ErrBackpressure

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
	// PartialLineTimeout is how long a last line without its newline is
	// held for the writer to finish it; then it is emitted as it is, once.
	PartialLineTimeout time.Duration
	// Multiline joins the lines of one event (nil: every line is an
	// event). Checkpoints then only move at event boundaries.
	Multiline *multiline.Config
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
	paused   bool // the store pushed back; logged once
	// claims are, per original file, the end of what a copytruncate copy
	// found in this poll holds: those bytes are read from the copy, so
	// the original skips them.
	claims map[string]int64
	// settling are copies seen still changing size, by key, with their
	// size: a copy is opened once copying is over, and its original is
	// not read meanwhile (held), so no byte is read from both.
	settling map[string]settle
	held     map[string]bool
}

// settle is a copy waiting for its copying to end, and what it copies.
type settle struct {
	size int64
	src  Checkpoint
}

type tracked struct {
	fh    *os.File
	cp    Checkpoint
	split Splitter
	// join is the multi-line joiner (nil without multiline): lines go
	// through it, and the checkpoint is its Boundary.
	join *multiline.Joiner
	gone bool // no longer matched by the globs: read to EOF, then close
	idle int  // polls in a row that found nothing new
	// grew is when the file last had new bytes: a partial last line is
	// flushed once the file stayed still for PartialLineTimeout.
	grew time.Time
}

// New makes a file source.
func New(cfg Config, store Store, logger hclog.Logger) (*Source, error) {
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 250 * time.Millisecond
	}
	if cfg.MaxLineBytes <= 0 {
		cfg.MaxLineBytes = source.DefaultMaxLineBytes
	}
	if cfg.BatchLines <= 0 {
		cfg.BatchLines = source.DefaultBatchLines
	}
	if cfg.BatchBytes <= 0 {
		cfg.BatchBytes = source.DefaultBatchBytes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.PartialLineTimeout <= 0 {
		cfg.PartialLineTimeout = 5 * time.Second
	}
	for _, p := range append(append([]string(nil), cfg.Paths...), cfg.Exclude...) {
		if _, err := filepath.Match(p, ""); err != nil {
			return nil, fmt.Errorf("source %s: bad glob %q: %w", cfg.SourceID, p, err)
		}
	}
	if cfg.Multiline != nil {
		ml := *cfg.Multiline
		if err := ml.Validate(); err != nil {
			return nil, fmt.Errorf("source %s: %w", cfg.SourceID, err)
		}
		cfg.Multiline = &ml
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
		err := s.Poll(ctx)
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, ErrBackpressure):
			if !s.paused {
				s.paused = true
				s.logger.Warn("spool cannot take more: reading paused (nothing is lost; files are read on when there is room)", "reason", err)
			}
		case err != nil:
			s.logger.Error("poll failed; retrying", "error", err)
		case s.paused:
			s.paused = false
			s.logger.Info("spool has room again: reading resumed")
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
	if s.firstRun {
		s.recoverRotated(found, prior)
	}
	// Files we have a checkpoint for open first: a file new to us is then
	// compared with them all, to tell a copy (copytruncate) from a new log.
	keys := make([]string, 0, len(found))
	for k := range found {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		_, ki := prior[keys[i]]
		_, kj := prior[keys[j]]
		if ki != kj {
			return ki
		}
		return keys[i] < keys[j]
	})
	for _, key := range keys {
		if _, ok := s.files[key]; ok {
			continue
		}
		if err := s.open(ctx, found[key], prior); err != nil {
			s.logger.Warn("cannot open file", "path", found[key], "error", err)
		}
	}
	var firstErr error
	for key, f := range s.files {
		if s.held[key] {
			continue
		}
		if err := s.read(ctx, f); err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if f.gone && f.idle >= 2 {
			if err := s.flushHeld(ctx, f); err != nil {
				if firstErr == nil {
					firstErr = err
				}
				continue
			}
			s.logger.Info("file gone and fully read; closing", "path", f.cp.Path)
			_ = f.fh.Close()
			delete(s.files, key)
			delete(s.cps, key)
			if err := s.store.ForgetCheckpoint(s.cfg.SourceID, key); err != nil {
				s.logger.Warn("cannot forget checkpoint", "path", f.cp.Path, "error", err)
			}
		}
	}
	s.claims = nil
	s.held = nil
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

// recoverRotated finds, at start, files that rotated out of the globs while
// the agent was down, so the lines written to them before the rotation are
// still read: a file renamed in its directory (same inode), or the copy a
// copytruncate left (same leading bytes) when the original now holds other
// content. Such files are read to their end and then let go.
func (s *Source) recoverRotated(found map[string]string, prior map[string]Checkpoint) {
	keys := make([]string, 0, len(prior))
	for k := range prior {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		cp := prior[key]
		if cp.Path == "" || cp.FPLen == 0 {
			continue
		}
		path, ok := found[key]
		if ok {
			if intact(path, cp) {
				continue // still the same content: nothing rotated away
			}
		}
		entries, err := os.ReadDir(filepath.Dir(cp.Path))
		if err != nil {
			continue
		}
		for _, de := range entries {
			p := filepath.Join(filepath.Dir(cp.Path), de.Name())
			fi, id, err := osfile.Stat(p)
			if err != nil || !fi.Mode().IsRegular() {
				continue
			}
			k := Checkpoint{Dev: id.Dev, Ino: id.Ino}.Key()
			if _, tracked := found[k]; tracked {
				continue
			}
			if _, open := s.files[k]; open {
				continue
			}
			if (k == key && intact(p, cp)) || (k != key && fi.Size() >= cp.Offset && intact(p, cp)) {
				s.logger.Info("found a file rotated while the agent was down; reading what is left of it", "path", p, "was", cp.Path)
				if err := s.open(context.Background(), p, prior); err != nil {
					s.logger.Warn("cannot open rotated file", "path", p, "error", err)
				}
				break
			}
		}
	}
}

// intact reports whether the file at path starts with the bytes the
// checkpoint fingerprinted.
func intact(path string, cp Checkpoint) bool {
	fh, err := osfile.Open(path)
	if err != nil {
		return false
	}
	defer fh.Close()
	return matches(fh, cp.FPLen, cp.FP)
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
			fi, id, err := osfile.Stat(p)
			if err != nil || !fi.Mode().IsRegular() {
				continue
			}
			key := Checkpoint{Dev: id.Dev, Ino: id.Ino}.Key()
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

func (s *Source) open(ctx context.Context, path string, prior map[string]Checkpoint) error {
	// osfile.Open, so that holding the file never stops its writer
	// from rotating it (Windows).
	fh, err := osfile.Open(path)
	if err != nil {
		return err
	}
	fi, id, err := osfile.StatFile(fh)
	if err != nil {
		_ = fh.Close()
		return err
	}
	cp := Checkpoint{Dev: id.Dev, Ino: id.Ino, Path: path}
	key := cp.Key()
	if _, dup := s.files[key]; dup {
		_ = fh.Close() // replaced between stat and open by a file we track
		return nil
	}
	size := fi.Size()
	start, why := int64(0), "new file"
	var also []Checkpoint
	record := false // commit the starting checkpoint at once
	if old, ok := prior[key]; ok {
		if old.FPLen > 0 && (old.Offset <= size || old.Ahead) && matches(fh, old.FPLen, old.FP) {
			start, why = old.Offset, "resuming at checkpoint"
			if claim, ok := s.claims[key]; ok && claim > start && claim <= size {
				start, why, record = claim, "resuming after what its copytruncate copy holds", true
			}
		} else {
			why = "file at a known inode has other content (truncated or inode reused); reading from the start"
		}
	} else if src, orig, ok := s.copyOf(key, fh, size, prior); ok {
		if orig != nil && s.stillCopying(key, size, src) {
			// Look again next poll; until then the original waits too.
			if s.held == nil {
				s.held = map[string]bool{}
			}
			s.held[src.Key()] = true
			_ = fh.Close()
			return nil
		}
		// A copytruncate copy holds the original's [0, size): the part not
		// read yet is read from the copy, and the original, if it still
		// holds those bytes, skips them, so they are read once. Both
		// checkpoints move together, before any byte is read.
		// The copy may still be being written: what was read of the
		// original is skipped even if the copy does not reach that far yet.
		start, why, record = src.Offset, "copy of "+src.Path+" (copytruncate); skipping what was read there", true
		if s.claims == nil {
			s.claims = map[string]int64{}
		}
		s.claims[src.Key()] = max(s.claims[src.Key()], size)
		if orig != nil {
			if adv, ok := skipTo(orig, fh, size); ok {
				s.cps[src.Key()] = adv
				also = append(also, adv)
			}
		}

	} else if s.firstRun && s.cfg.StartAtEnd {
		start, why = size, "start_at = end"
	}
	if _, err := fh.Seek(start, io.SeekStart); err != nil {
		_ = fh.Close()
		return err
	}
	cp.Offset = start
	cp.Ahead = start > size
	cp.FPLen, cp.FP = fingerprint(fh, size)
	t := &tracked{fh: fh, cp: cp, split: Splitter{Max: s.cfg.MaxLineBytes}}
	if s.cfg.Multiline != nil {
		t.join, _ = multiline.New(*s.cfg.Multiline, s.cfg.Now) // validated by New
	}
	t.reset(start)
	if record {
		err := s.store.Commit(ctx, Batch{SourceID: s.cfg.SourceID, LogSourceType: s.cfg.LogSourceType, Checkpoint: cp, Also: also, Collected: s.cfg.Now()})
		if err != nil {
			_ = fh.Close()
			return fmt.Errorf("record checkpoint of %s: %w", path, err)
		}
	}
	s.files[key] = t
	s.cps[key] = cp
	s.logger.Info("following file", "path", path, "offset", start, "reason", why)
	return nil
}

// stillCopying reports whether a copy is still growing: a first sighting,
// or a size other than at the last poll.
func (s *Source) stillCopying(key string, size int64, src Checkpoint) bool {
	if s.settling == nil {
		s.settling = map[string]settle{}
	}
	last, seen := s.settling[key]
	if seen && last.size == size {
		delete(s.settling, key)
		return false
	}
	s.settling[key] = settle{size: size, src: src}
	return true
}

// copyOf is copySource, except that a copy already waiting for its copying
// to end keeps the original it was matched to then: the original may have
// been truncated and reopened since, and its checkpoint with it.
func (s *Source) copyOf(key string, fh *os.File, size int64, prior map[string]Checkpoint) (Checkpoint, *tracked, bool) {
	if st, ok := s.settling[key]; ok && st.src.FPLen > 0 && int64(st.src.FPLen) <= size && matches(fh, st.src.FPLen, st.src.FP) {
		return st.src, s.files[st.src.Key()], true
	}
	return s.copySource(fh, size, prior)
}

// skipTo moves an open original past the bytes its copy holds, if it still
// holds the same bytes itself (not truncated yet) and has not read that far.
func skipTo(orig *tracked, copy *os.File, end int64) (Checkpoint, bool) {
	fi, err := orig.fh.Stat()
	if err != nil || fi.Size() < end || !sameBytes(orig.fh, copy, end) {
		return Checkpoint{}, false
	}
	if matches(orig.fh, orig.cp.FPLen, orig.cp.FP) && orig.split.Consumed() >= end {
		return Checkpoint{}, false // already read past the copy's end
	}
	// Either it read less of these same bytes, or it was rewritten with
	// what the copy holds: both ways it goes on after them.
	if _, err := orig.fh.Seek(end, io.SeekStart); err != nil {
		return Checkpoint{}, false
	}
	orig.reset(end)
	orig.cp.Offset = end
	orig.cp.FPLen, orig.cp.FP = fingerprint(orig.fh, fi.Size())
	return orig.cp, true
}

// read reads everything new in f, committing batches as they fill.
func (s *Source) read(ctx context.Context, f *tracked) error {
	fi, err := f.fh.Stat()
	if err != nil {
		return err
	}
	pos := f.split.Consumed() + int64(f.split.Pending())
	if f.cp.Ahead && fi.Size() >= pos {
		f.cp.Ahead = false // the copy caught up
	}
	if (fi.Size() < pos && !f.cp.Ahead) || (f.cp.FPLen > 0 && !matches(f.fh, f.cp.FPLen, f.cp.FP)) {
		s.logger.Warn("file truncated or rewritten; reading it from the start", "path", f.cp.Path, "size", fi.Size(), "offset", pos)
		if _, err := f.fh.Seek(0, io.SeekStart); err != nil {
			return err
		}
		// An event held from before the truncation is dropped with the
		// bytes it came from: a copytruncate copy holds it and is read
		// from the checkpoint, the start of that event.
		f.reset(0)
		f.cp.Offset, f.cp.Ahead = 0, false
		f.cp.FPLen, f.cp.FP = fingerprint(f.fh, fi.Size())
		// Record the reset now, so a crash before the next line does
		// not resume at the stale offset.
		if err := s.commit(ctx, f, nil, 0); err != nil {
			return err
		}
		pos = 0
	}
	if fi.Size() == pos {
		f.idle++
		still := s.cfg.Now().Sub(f.grew)
		var lines []Line
		if f.split.Pending() > 0 && still >= s.cfg.PartialLineTimeout {
			f.split.Flush(f.emitter(func(l Line) { lines = append(lines, l) }))
			s.logger.Debug("emitting a last line that stayed without newline", "path", f.cp.Path, "bytes", f.split.Consumed()-f.cp.Offset)
		}
		if f.join != nil && f.join.Pending() && f.split.Pending() == 0 && still >= s.cfg.Multiline.FlushTimeout {
			f.join.Flush(func(e multiline.Event) { lines = append(lines, eventLine(e)) })
			s.logger.Debug("emitting a last multi-line event: no line came for flush_timeout", "path", f.cp.Path)
		}
		if len(lines) > 0 || f.safe() != f.cp.Offset {
			return s.commit(ctx, f, lines, f.safe())
		}
		return nil
	}
	f.idle = 0
	f.grew = s.cfg.Now()
	var lines []Line
	batchBytes := 0
	emit := f.emitter(func(l Line) {
		lines = append(lines, l)
		batchBytes += len(l.Raw)
	})
	for {
		n, rerr := f.fh.Read(s.readBuf)
		if n > 0 {
			f.split.Feed(s.readBuf[:n], emit)
			// One read can complete many lines: commit them in batches
			// of at most BatchLines / about BatchBytes.
			for len(lines) >= s.cfg.BatchLines || batchBytes >= s.cfg.BatchBytes {
				cut, size := 0, 0
				for cut < len(lines) && cut < s.cfg.BatchLines && (cut == 0 || size+len(lines[cut].Raw) <= s.cfg.BatchBytes) {
					size += len(lines[cut].Raw)
					cut++
				}
				if err := s.commit(ctx, f, lines[:cut], lines[cut-1].End); err != nil {
					return err
				}
				lines, batchBytes = lines[cut:], batchBytes-size
			}
		}
		if rerr == io.EOF || n == 0 {
			break
		}
		if rerr != nil {
			return rerr
		}
	}
	if len(lines) > 0 || f.safe() != f.cp.Offset {
		return s.commit(ctx, f, lines, f.safe())
	}
	return nil
}

// emitter is where the splitter's lines go: to emit, or through the
// joiner, whose events go to emit.
func (f *tracked) emitter(emit func(Line)) func(Line) {
	if f.join == nil {
		return emit
	}
	events := func(e multiline.Event) { emit(eventLine(e)) }
	return func(l Line) { f.join.Feed(l.Raw, l.End, l.Truncated, l.Length, events) }
}

// eventLine is a joined event as the line the store keeps.
func eventLine(e multiline.Event) Line {
	return Line{Raw: e.Raw, Truncated: e.Truncated, Length: e.Length, End: e.End}
}

// safe is the offset a checkpoint may hold now: after the last complete
// line, or, with multiline, where the event still held starts.
func (f *tracked) safe() int64 {
	if f.join != nil && f.join.Pending() {
		return f.join.Boundary()
	}
	return f.split.Consumed()
}

// reset starts reading over at offset, dropping anything held.
func (f *tracked) reset(offset int64) {
	f.split.Reset(offset)
	if f.join != nil {
		f.join.Reset(offset)
	}
}

// flushHeld emits, when a file is let go, what it still holds: a last line
// without newline and an incomplete multi-line event. Nothing more will be
// written to it, so they are complete.
func (s *Source) flushHeld(ctx context.Context, f *tracked) error {
	var lines []Line
	f.split.Flush(f.emitter(func(l Line) { lines = append(lines, l) }))
	if f.join != nil {
		f.join.Flush(func(e multiline.Event) { lines = append(lines, eventLine(e)) })
	}
	if len(lines) == 0 && f.safe() == f.cp.Offset {
		return nil
	}
	return s.commit(ctx, f, lines, f.safe())
}

// commit hands lines and the checkpoint after them (offset) to the store.
// On error the file position is rewound to the last committed checkpoint,
// so the lines are read again on the next poll: nothing is skipped.
func (s *Source) commit(ctx context.Context, f *tracked, lines []Line, offset int64) error {
	cp := f.cp
	cp.Offset = offset
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
		f.reset(f.cp.Offset)
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

// minCopyPrint is the least fingerprint length that can make a file a
// copy of another: a few bytes in common prove nothing.
const minCopyPrint = 32

// copySource finds what the new file fh (size bytes) is a copy of, as a
// copytruncate rotation (or any copy) makes: a file we follow whose content
// fh starts with — then orig is that file — or, on the first poll after a
// restart, a checkpoint from before whose file may already have been
// truncated (orig is nil).
func (s *Source) copySource(fh *os.File, size int64, prior map[string]Checkpoint) (cp Checkpoint, orig *tracked, ok bool) {
	keys := make([]string, 0, len(s.files))
	for k := range s.files {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t := s.files[k]
		c := t.cp
		fi, err := t.fh.Stat()
		if err != nil {
			continue
		}
		// A copy holds the same bytes as its original, as far as both go.
		n := min(size, fi.Size())
		if n == 0 || (n < minCopyPrint && n < fi.Size()) || !sameBytes(t.fh, fh, n) {
			continue
		}
		if c.FPLen == 0 || matches(t.fh, c.FPLen, c.FP) {
			// What was read of the original is in the copy too (or will
			// be, when the copy is still being written).
			return c, t, true
		}
		// The original was rewritten since we last read it (truncated and
		// written again) and then copied: the copy holds new content we
		// have not read any of.
		return Checkpoint{Dev: c.Dev, Ino: c.Ino, Path: c.Path}, t, true
	}
	// Checkpoints as they were before this poll: the original may have
	// been truncated (and reopened from 0) since.
	keys = keys[:0]
	for k := range prior {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		c := prior[k]
		// A short fingerprint is enough when it covers all that was read:
		// what the copy then skips is exactly those bytes.
		short := c.FPLen < minCopyPrint && int64(c.FPLen) < c.Offset
		if c.FPLen == 0 || short || int64(c.FPLen) > size || c.Offset == 0 {
			continue
		}
		if matches(fh, c.FPLen, c.FP) {
			return c, s.files[k], true
		}
	}
	return Checkpoint{}, nil, false
}

// sameBytes reports whether a and b hold the same first n bytes.
func sameBytes(a, b *os.File, n int64) bool {
	const chunk = 64 << 10
	ba, bb := make([]byte, chunk), make([]byte, chunk)
	for off := int64(0); off < n; off += chunk {
		m := int(min(chunk, n-off))
		ra, _ := a.ReadAt(ba[:m], off)
		rb, _ := b.ReadAt(bb[:m], off)
		if ra != m || rb != m || string(ba[:m]) != string(bb[:m]) {
			return false
		}
	}
	return true
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
