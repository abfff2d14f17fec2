package archive

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/klauspost/compress/zstd"

	"github.com/sluicehq/sluice/pkg/event"
)

// ErrClosed is returned by every method of an Archive after Close.
var ErrClosed = errors.New("archive closed")

// DefaultLevel is the zstd level used when Config.Level is 0. See the
// package documentation for the measurements behind it.
const DefaultLevel = 1

// Config configures an Archive.
type Config struct {
	// Dir is the root; created if missing. Layout: <Dir>/<orgdir>/...
	Dir string
	// Retention is how long closed files are kept after their hour ended;
	// 0 keeps them forever. Prune applies it.
	Retention time.Duration
	// OrgRetention overrides Retention per organization (by name; "" and
	// "default" are the same organization). A zero value keeps forever.
	OrgRetention map[string]time.Duration
	// Clock is the archive clock that picks the hour of a file; nil is
	// time.Now. Tests inject one.
	Clock func() time.Time
	// Logger receives recoveries, rotations and errors; nil discards.
	Logger hclog.Logger
	// Level is the zstd level (1-22, mapped to the encoder's nearest speed);
	// 0 is DefaultLevel.
	Level int
}

// Stats are counters since Open, for metrics and status.
type Stats struct {
	// Bytes is the compressed bytes written, RawBytes the record values
	// appended (the payload, without record headers).
	Bytes    int64 `json:"bytes"`
	RawBytes int64 `json:"raw_bytes"`
	// Records appended, FilesClosed hashed and chained, FilesPruned removed.
	Records     int64 `json:"records"`
	FilesClosed int64 `json:"files_closed"`
	FilesPruned int64 `json:"files_pruned"`
	// OpenFiles is the number of files being written now.
	OpenFiles int `json:"open_files"`
	// LastError is the last write error ("" if none), at LastErrorTime.
	LastError     string    `json:"last_error,omitempty"`
	LastErrorTime time.Time `json:"last_error_time,omitzero"`
}

// Archive writes records into per-organization hourly archive files.
// Its methods are safe for concurrent use.
type Archive struct {
	dir   string
	cfg   Config
	clock func() time.Time
	log   hclog.Logger
	level zstd.EncoderLevel

	mu     sync.Mutex
	closed bool
	orgs   map[string]*orgState // by directory name
	byName map[string]*orgState // by the names Append was given
	stats  Stats
}

// orgState is the writer's view of one organization.
type orgState struct {
	name    string // organization as named by the caller or its directory
	dirName string
	dir     string

	// mark is the highest last appended, durable the highest known to be
	// on disk; after an error mark falls back to durable.
	mark, durable uint64

	cur *openFile

	// The manifest chain: number and hash of its last record.
	seq  uint64
	head string
	// last is the newest chained file's (hour, part): new files sort after.
	last    diskFile
	hasLast bool
	// files are the chained, unpruned files, oldest first.
	files []manifestRecord
	// unremoved are files recorded as pruned but still on disk.
	unremoved []string

	// broken is the error that left the organization's files in an unknown
	// state; the next use recovers them from disk first.
	broken error
	// lost is an error that dropped unsynced records without the caller
	// being told (in Rotate, Prune, Close); the next Sync returns it.
	lost error
}

// openFile is a file being written.
type openFile struct {
	path  string // the .open path
	name  string // the closed name
	hour  time.Time
	part  int
	f     *os.File
	cw    *countWriter
	enc   *zstd.Encoder
	stats fileStats // records in the file, recovered and appended
	chunk chunk     // records appended since the last chunk was written
	dirty bool      // appended since the last Sync
	// syncDirs are directories to fsync at the next Sync: the file (and
	// maybe its organization directory) was created since.
	syncDirs []string
}

// countWriter counts and hashes the compressed bytes written to the file.
// Every byte of an open file goes through it (a new file and a recovery
// rewrite both start empty), so closing needs no second read of the file
// under the lock.
type countWriter struct {
	w io.Writer
	n int64
	h hash.Hash
}

func newCountWriter(w io.Writer) *countWriter {
	return &countWriter{w: w, h: sha256.New()}
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.h.Write(p[:n])
	return n, err
}

// Open opens (creating) the archive in cfg.Dir and recovers what a crash
// left: files being written are cut back to their complete records and
// rewritten, files whose hour has passed are closed and chained, and each
// organization's durable mark is restored. An organization that cannot be
// recovered (an unreadable file, say) does not fail Open: its Appends and
// every Sync fail, naming the cause, until a retry succeeds.
func Open(cfg Config) (*Archive, error) {
	if cfg.Dir == "" {
		return nil, errors.New("archive: no directory")
	}
	a := &Archive{dir: cfg.Dir, cfg: cfg, clock: cfg.Clock, log: cfg.Logger, orgs: map[string]*orgState{}, byName: map[string]*orgState{}}
	if a.clock == nil {
		a.clock = time.Now
	}
	if a.log == nil {
		a.log = hclog.NewNullLogger()
	}
	level := cfg.Level
	if level == 0 {
		level = DefaultLevel
	}
	a.level = zstd.EncoderLevelFromZstd(level)
	if err := os.MkdirAll(cfg.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("create archive directory %s: %w", cfg.Dir, err)
	}
	dirs, err := orgDirs(cfg.Dir)
	if err != nil {
		return nil, err
	}
	for _, d := range dirs {
		o := &orgState{name: orgName(d), dirName: d, dir: filepath.Join(cfg.Dir, d)}
		if err := a.recoverOrg(o); err != nil {
			// One organization's damage does not stop the others: it stays
			// broken, and each use retries its recovery and reports why.
			a.drop(o)
			*o = orgState{name: o.name, dirName: o.dirName, dir: o.dir}
			o.broken = fmt.Errorf("archive %q: recover at open: %w", o.name, err)
			a.setError(o.broken)
			a.log.Error("archive organization not recovered; its appends fail until it is", "organization", o.name, "error", err)
		}
		a.orgs[d] = o
	}
	return a, nil
}

// org returns the state of org, creating it in memory.
// byName caches the escaping, which Append would otherwise pay per record.
func (a *Archive) org(org string) *orgState {
	if o := a.byName[org]; o != nil {
		return o
	}
	d := event.OrgDirName(org)
	o := a.orgs[d]
	if o == nil {
		name := org
		if name == "" {
			name = event.DefaultOrganization
		}
		o = &orgState{name: name, dirName: d, dir: filepath.Join(a.dir, d)}
		a.orgs[d] = o
	}
	if len(a.byName) < 100000 {
		a.byName[org] = o
	}
	return o
}

func (a *Archive) hourNow() (now, hour time.Time) {
	now = a.clock().UTC()
	return now, now.Truncate(time.Hour)
}

// Append archives one record of org; first and last are the mediator-state
// sequence range the record came from, and records of one organization
// come in increasing first order. A record whose last is at or below the
// organization's mark is skipped and Append returns false: that is the
// dedupe after a crash, when the caller appends again from the start of its
// state. The mark is the highest last appended; after an error it falls
// back to the highest last known to be durable, so the caller re-appends
// whatever was not synced: after an Append or Sync error, or when the next
// Sync fails because an error in Rotate, Prune or Close dropped unsynced
// records. true means appended, not yet durable (see Sync).
func (a *Archive) Append(org string, first, last uint64, value []byte) (bool, error) {
	if len(value) > MaxRecordSize {
		return false, fmt.Errorf("archive %q: record of %d bytes over the %d byte limit", org, len(value), MaxRecordSize)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return false, ErrClosed
	}
	o := a.org(org)
	if err := a.repair(o); err != nil {
		return false, err
	}
	if last <= o.mark {
		return false, nil
	}
	_, hour := a.hourNow()
	if o.cur != nil && hour.After(o.cur.hour) {
		if err := a.closeFile(o); err != nil {
			return false, a.failTold(o, err)
		}
	}
	if o.cur == nil {
		if err := a.newFile(o, hour); err != nil {
			return false, a.failTold(o, err)
		}
	}
	o.cur.chunk.add(first, last, value)
	if o.cur.chunk.full() {
		if err := a.writeChunk(o.cur); err != nil {
			return false, a.failTold(o, err)
		}
	}
	st := &o.cur.stats
	st.records++
	st.raw += int64(len(value))
	if st.records == 1 {
		st.first = first
	}
	st.last = max(st.last, last)
	o.cur.dirty = true
	o.mark = last
	a.stats.Records++
	a.stats.RawBytes += int64(len(value))
	return true, nil
}

// writeChunk passes c's chunk to its encoder.
func (a *Archive) writeChunk(c *openFile) error {
	before := c.cw.n
	err := c.chunk.writeTo(c.enc)
	a.stats.Bytes += c.cw.n - before
	if err != nil {
		if pe := (*os.PathError)(nil); errors.As(err, &pe) {
			return err // names the file already
		}
		return fmt.Errorf("write %s: %w", c.path, err)
	}
	return nil
}

// Sync makes every record appended so far durable: it flushes each dirty
// file's zstd block (the encoder keeps its window, so small syncs still
// compress well), fsyncs the file, and the directories a new file was
// created in. It is cheap when nothing was appended. The caller deletes
// records from its state only after Sync returned nil.
func (a *Archive) Sync() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return ErrClosed
	}
	var errs []error
	for _, o := range a.sorted() {
		if err := a.repair(o); err != nil {
			errs = append(errs, err)
			continue
		}
		if o.lost != nil {
			errs = append(errs, fmt.Errorf("archive %q: records appended before this error were not archived, append them again: %w", o.name, o.lost))
			o.lost = nil
		}
		if err := a.syncFile(o); err != nil {
			errs = append(errs, a.failTold(o, err))
		}
	}
	return errors.Join(errs...)
}

func (a *Archive) syncFile(o *orgState) error {
	c := o.cur
	if c == nil || !c.dirty {
		return nil
	}
	if err := a.writeChunk(c); err != nil {
		return err
	}
	before := c.cw.n
	if err := c.enc.Flush(); err != nil {
		return fmt.Errorf("flush %s: %w", c.path, err)
	}
	a.stats.Bytes += c.cw.n - before
	if err := c.f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", c.path, err)
	}
	for _, d := range c.syncDirs {
		if err := syncDir(d); err != nil {
			return err
		}
	}
	c.syncDirs = nil
	c.dirty = false
	o.durable = o.mark
	return nil
}

// Rotate closes every open file whose hour (by the archive clock) has
// ended: it ends the zstd frame, fsyncs, hashes the file, renames it to
// its closed name and appends it to the organization's manifest chain.
// The caller runs it every minute; Append also rotates when the hour
// changed.
func (a *Archive) Rotate() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return ErrClosed
	}
	_, hour := a.hourNow()
	var errs []error
	for _, o := range a.sorted() {
		if err := a.repair(o); err != nil {
			errs = append(errs, err)
			continue
		}
		if o.cur != nil && hour.After(o.cur.hour) {
			if err := a.closeFile(o); err != nil {
				errs = append(errs, a.fail(o, err))
			}
		}
	}
	return errors.Join(errs...)
}

// Close closes and chains every open file, whatever its hour; a restart in
// the same hour writes a new part of it (<hour>.1.arc.zst). Later calls
// return ErrClosed.
func (a *Archive) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return ErrClosed
	}
	var errs []error
	for _, o := range a.sorted() {
		if err := a.repair(o); err != nil {
			errs = append(errs, err)
			continue
		}
		if o.cur != nil {
			if err := a.closeFile(o); err != nil {
				errs = append(errs, a.fail(o, err))
			}
		}
	}
	a.closeAll()
	a.closed = true
	return errors.Join(errs...)
}

// closeAll releases every open file descriptor without closing the files
// (they stay .open and are recovered by the next Open).
func (a *Archive) closeAll() {
	for _, o := range a.orgs {
		a.drop(o)
	}
}

// Prune deletes the closed files whose hour ended before now minus the
// retention of their organization. It first appends a prune record naming
// them to the manifest chain, so that Verify knows them gone rather than
// missing, then removes them. It returns the files removed.
func (a *Archive) Prune() ([]FileInfo, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return nil, ErrClosed
	}
	now, _ := a.hourNow()
	var removed []FileInfo
	var errs []error
	for _, o := range a.sorted() {
		ret := a.retention(o)
		if ret <= 0 {
			continue
		}
		if err := a.repair(o); err != nil {
			errs = append(errs, err)
			continue
		}
		cutoff := now.Add(-ret)
		var victims []manifestRecord
		for _, f := range o.files {
			if !f.hour().Add(time.Hour).After(cutoff) {
				victims = append(victims, f)
			}
		}
		if len(victims) > 0 {
			rec := manifestRecord{PrunedThrough: victims[len(victims)-1].Hour}
			for _, v := range victims {
				rec.PrunedFiles = append(rec.PrunedFiles, v.File)
			}
			if err := a.chain(o, rec); err != nil {
				errs = append(errs, a.fail(o, err))
				continue
			}
			o.files = o.files[len(victims):]
			o.unremoved = append(o.unremoved, rec.PrunedFiles...)
			for _, v := range victims {
				removed = append(removed, recordInfo(o.name, o.dir, v))
			}
			a.log.Info("pruning archive files", "organization", o.name, "files", len(victims), "through", rec.PrunedThrough)
		}
		if err := a.removePruned(o); err != nil {
			errs = append(errs, err)
		}
	}
	return removed, errors.Join(errs...)
}

// removePruned removes the files the manifest records as pruned.
func (a *Archive) removePruned(o *orgState) error {
	if len(o.unremoved) == 0 {
		return nil
	}
	var left []string
	var errs []error
	for _, name := range o.unremoved {
		p := filepath.Join(o.dir, name)
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			left = append(left, name)
			errs = append(errs, fmt.Errorf("remove pruned archive file %s: %w", p, err))
			continue
		}
		a.stats.FilesPruned++
	}
	o.unremoved = left
	if err := syncDir(o.dir); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		a.setError(err)
		return err
	}
	return nil
}

func (a *Archive) retention(o *orgState) time.Duration {
	for k, v := range a.cfg.OrgRetention {
		if event.OrgDirName(k) == o.dirName {
			return v
		}
	}
	return a.cfg.Retention
}

// Stats returns the counters since Open.
func (a *Archive) Stats() Stats {
	a.mu.Lock()
	defer a.mu.Unlock()
	s := a.stats
	for _, o := range a.orgs {
		if o.cur != nil {
			s.OpenFiles++
		}
	}
	return s
}

func (a *Archive) sorted() []*orgState {
	out := make([]*orgState, 0, len(a.orgs))
	for _, o := range a.orgs {
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].dirName < out[j].dirName })
	return out
}

func (a *Archive) setError(err error) {
	a.stats.LastError = err.Error()
	a.stats.LastErrorTime = a.clock()
}

// fail records a write error of o: its open file is in an unknown state,
// so it is dropped and recovered from disk at the next use, and the mark
// falls back to what is durable. If that drops records appended since the
// last Sync, the next Sync fails: the caller learns to append them again
// even when the error came from Rotate, Prune or Close.
func (a *Archive) fail(o *orgState, err error) error {
	err = fmt.Errorf("archive %q: %w", o.name, err)
	a.drop(o)
	o.broken = err
	if o.mark > o.durable && o.lost == nil {
		o.lost = err
	}
	o.mark = o.durable
	a.setError(err)
	a.log.Error("archive write failed; unsynced records must be appended again", "organization", o.name, "error", err)
	return err
}

// failTold is fail for an error returned by Append or Sync: the caller,
// told, appends again whatever was not synced.
func (a *Archive) failTold(o *orgState, err error) error {
	err = a.fail(o, err)
	o.lost = nil
	return err
}

// drop closes o's open file descriptor without finishing the file.
func (a *Archive) drop(o *orgState) {
	if o.cur != nil {
		_ = o.cur.f.Close()
		o.cur = nil
	}
}

// repair recovers o from disk after a write error.
func (a *Archive) repair(o *orgState) error {
	if o.broken == nil {
		return nil
	}
	// Recover into a fresh state: a failed recovery leaves o as it was
	// (broken, mark at the durable mark) for the next attempt.
	n := &orgState{name: o.name, dirName: o.dirName, dir: o.dir}
	if err := a.recoverOrg(n); err != nil {
		a.drop(n)
		err = fmt.Errorf("archive %q: recover after %v: %w", o.name, o.broken, err)
		a.setError(err)
		return err
	}
	n.lost = o.lost
	*o = *n
	a.log.Info("archive recovered after a write error", "organization", o.name, "mark", o.mark)
	return nil
}

func (a *Archive) newEncoder(w io.Writer) (*zstd.Encoder, error) {
	return zstd.NewWriter(w, zstd.WithEncoderLevel(a.level), zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(1<<20), zstd.WithLowerEncoderMem(true))
}

// newFile starts o's file of hour. If that hour (or a later one, when the
// clock went back) is already chained, the file is the next part of the
// newest chained hour, so that files stay in chain order.
func (a *Archive) newFile(o *orgState, hour time.Time) error {
	part := 0
	if o.hasLast && !hour.After(o.last.hour) {
		hour, part = o.last.hour, o.last.part+1
	}
	var dirs []string
	if _, err := os.Stat(o.dir); os.IsNotExist(err) {
		if err := os.Mkdir(o.dir, 0o750); err != nil && !os.IsExist(err) {
			return fmt.Errorf("create organization directory %s: %w", o.dir, err)
		}
		dirs = append(dirs, a.dir)
	}
	dirs = append(dirs, o.dir)
	// A closed file of the hour not in the chain (left for verify) is never
	// overwritten: the next free part is taken.
	name, path := "", ""
	for ; ; part++ {
		name = fileName(hour, part)
		path = filepath.Join(o.dir, name[:len(name)-len(closedExt)]+openExt)
		if _, err := os.Stat(filepath.Join(o.dir, name)); os.IsNotExist(err) {
			break
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return fmt.Errorf("create archive file: %w", err)
	}
	of := &openFile{path: path, name: name, hour: hour, part: part, f: f, cw: newCountWriter(f), syncDirs: dirs}
	if of.enc, err = a.newEncoder(of.cw); err != nil {
		_ = f.Close()
		return err
	}
	o.cur = of
	a.log.Debug("archive file opened", "organization", o.name, "path", path)
	return nil
}

// closeFile finishes o's open file and chains it.
func (a *Archive) closeFile(o *orgState) error {
	c := o.cur
	if c.stats.records == 0 {
		// Nothing to keep (a recovered file without a complete record).
		_ = c.f.Close()
		o.cur = nil
		if err := os.Remove(c.path); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("remove empty archive file %s: %w", c.path, err)
		}
		return syncDir(o.dir)
	}
	if err := a.writeChunk(c); err != nil {
		return err
	}
	before := c.cw.n
	if err := c.enc.Close(); err != nil {
		return fmt.Errorf("finish %s: %w", c.path, err)
	}
	a.stats.Bytes += c.cw.n - before
	if err := c.f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", c.path, err)
	}
	if err := c.f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", c.path, err)
	}
	o.cur = nil
	// Chain first, rename after: a closed file is always in the manifest,
	// so one that is not was put there by someone else. A crash between the
	// two leaves the chained file under its .open name; Open renames it.
	closed := filepath.Join(o.dir, c.name)
	sum := hex.EncodeToString(c.cw.h.Sum(nil))
	if err := a.chainFile(o, diskFile{name: c.name, path: closed, hour: c.hour, part: c.part}, c.stats, sum, c.cw.n); err != nil {
		return err
	}
	return finishClose(c.path, closed, o.dir)
}

// finishClose renames a chained file to its closed name.
func finishClose(open, closed, dir string) error {
	if err := os.Rename(open, closed); err != nil {
		return fmt.Errorf("close archive file: %w", err)
	}
	return syncDir(dir)
}

// chainFile appends the closed file d, of SHA-256 sum and size bytes, to
// o's manifest.
func (a *Archive) chainFile(o *orgState, d diskFile, st fileStats, sum string, size int64) error {
	rec := manifestRecord{
		File: d.name, Hour: d.hour.UTC().Format(time.RFC3339), SHA256: sum, Bytes: size,
		RawBytes: st.raw, Records: st.records, FirstSeq: st.first, LastSeq: st.last,
	}
	if err := a.chain(o, rec); err != nil {
		return err
	}
	o.files = append(o.files, rec)
	o.last, o.hasLast = d, true
	o.mark = max(o.mark, st.last)
	o.durable = max(o.durable, st.last)
	a.stats.FilesClosed++
	// The chain's head in the log too: a copy of the newest hash kept
	// away from the archive is what shows a manifest rewritten whole.
	a.log.Info("archive file closed", "organization", o.name, "file", d.name, "records", st.records, "bytes", size, "sha256", sum, "chain_head", o.head)
	return nil
}

// chain appends rec to o's manifest chain.
func (a *Archive) chain(o *orgState, rec manifestRecord) error {
	rec, err := appendManifest(o.dir, rec, o.seq+1, o.head)
	if err != nil {
		return err
	}
	o.seq, o.head = rec.Seq, rec.Hash
	return nil
}

// recoverOrg rebuilds o from its directory: the manifest (a torn last line
// is cut off), files chained but not yet renamed (a crash between the two)
// are renamed, and open files are cut back to their complete records;
// those whose hour has ended are closed.
//
// o must be fresh (only its names set); on error the caller drops it.
func (a *Archive) recoverOrg(o *orgState) error {
	if _, err := os.Stat(o.dir); os.IsNotExist(err) {
		return nil
	}
	mpath := filepath.Join(o.dir, manifestName)
	lines, complete, torn, err := readManifest(mpath)
	if err != nil {
		return err
	}
	if torn {
		a.log.Warn("cutting the torn last line of an archive manifest", "path", mpath, "length", complete)
		if err := truncateSync(mpath, complete); err != nil {
			return err
		}
	}
	chained := map[string]bool{}
	records := map[string]manifestRecord{}
	pruned := map[string]bool{}
	for _, l := range lines {
		if l.err != nil {
			a.log.Warn("archive manifest line does not parse; run verify", "path", mpath, "line", l.n, "error", l.err)
			continue
		}
		r := l.rec
		if r.Prev != o.head || r.Hash != r.computeHash() {
			a.log.Warn("archive manifest chain broken; run verify", "path", mpath, "line", l.n)
		}
		o.seq, o.head = r.Seq, r.Hash
		if r.File != "" {
			hour, part, _, ok := parseFileName(r.File)
			if ok {
				o.last, o.hasLast = diskFile{name: r.File, hour: hour, part: part}, true
			}
			chained[r.File] = true
			records[r.File] = r
			o.files = append(o.files, r)
			o.mark = max(o.mark, r.LastSeq)
		}
		for _, p := range r.PrunedFiles {
			pruned[p] = true
		}
	}
	kept := o.files[:0]
	for _, f := range o.files {
		if !pruned[f.File] {
			kept = append(kept, f)
		}
	}
	o.files = kept

	files, tmps, err := listDir(o.dir)
	if err != nil {
		return err
	}
	for _, t := range tmps {
		if err := os.Remove(t); err != nil {
			return fmt.Errorf("remove leftover %s: %w", t, err)
		}
	}
	_, hour := a.hourNow()
	var opens []diskFile
	for _, f := range files {
		closedName := fileName(f.hour, f.part)
		switch {
		case f.open && chained[closedName]:
			// Chained, then a crash before the rename.
			if err := a.completeClose(o, f, records[closedName]); err != nil {
				return err
			}
		case f.open:
			opens = append(opens, f)
		case pruned[f.name]:
			o.unremoved = append(o.unremoved, f.name)
		case !chained[f.name]:
			a.log.Error("closed archive file is not in the manifest (not written by the archive); left for verify", "path", f.path)
		}
	}
	for i, f := range opens {
		of, err := a.recoverOpen(o, f)
		if err != nil {
			return err
		}
		o.cur = of
		o.mark = max(o.mark, of.stats.last)
		if i < len(opens)-1 || hour.After(f.hour) {
			if err := a.closeFile(o); err != nil {
				return err
			}
		}
	}
	o.durable = o.mark
	return nil
}

// completeClose renames the open file f that the manifest already holds as
// rec, if it is what was chained; otherwise it is left for verify, which
// reports the chained file missing.
func (a *Archive) completeClose(o *orgState, f diskFile, rec manifestRecord) error {
	sum, _, err := hashFile(f.path)
	if err != nil {
		return fmt.Errorf("hash archive file: %w", err)
	}
	if sum != rec.SHA256 {
		a.log.Error("archive file chained before a crash differs from its manifest record; left for verify", "path", f.path, "sha256", sum, "manifest", rec.SHA256)
		return nil
	}
	a.log.Info("completing the close of an archive file chained before a crash", "path", f.path)
	return finishClose(f.path, filepath.Join(o.dir, rec.File), o.dir)
}

// recoverOpen rewrites the open file f to hold exactly its complete, valid
// records (temporary file, fsync, rename), and returns it ready to append:
// the new zstd frame written has the recovered records in its window.
func (a *Archive) recoverOpen(o *orgState, f diskFile) (*openFile, error) {
	tmp := f.path + tmpExt
	w, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return nil, fmt.Errorf("recover archive file: %w", err)
	}
	of := &openFile{path: f.path, name: fileName(f.hour, f.part), hour: f.hour, part: f.part, f: w, cw: newCountWriter(w)}
	fail := func(err error) (*openFile, error) {
		_ = w.Close()
		_ = os.Remove(tmp)
		return nil, err
	}
	if of.enc, err = a.newEncoder(of.cw); err != nil {
		return fail(err)
	}
	st, err := readFile(f.path, 0, func(first, last uint64, value []byte) error {
		of.chunk.add(first, last, value)
		if of.chunk.full() {
			return of.chunk.writeTo(of.enc)
		}
		return nil
	})
	if err == nil {
		var cb *callbackError
		if errors.As(st.decompressErr, &cb) {
			err = fmt.Errorf("rewrite %s: %w", tmp, cb.err)
		}
	}
	if err != nil {
		return fail(fmt.Errorf("recover archive file %s: %w", f.path, err))
	}
	of.stats = fileStats{records: st.records, raw: st.raw, first: st.first, last: st.last}
	if err := of.chunk.writeTo(of.enc); err != nil {
		return fail(fmt.Errorf("recover archive file: write %s: %w", tmp, err))
	}
	if err := of.enc.Flush(); err != nil {
		return fail(fmt.Errorf("recover archive file: flush %s: %w", tmp, err))
	}
	if err := w.Sync(); err != nil {
		return fail(fmt.Errorf("recover archive file: sync %s: %w", tmp, err))
	}
	if err := os.Rename(tmp, f.path); err != nil {
		return fail(fmt.Errorf("recover archive file: %w", err))
	}
	if err := syncDir(o.dir); err != nil {
		_ = w.Close()
		return nil, err
	}
	a.log.Info("recovered open archive file", "organization", o.name, "path", f.path, "records", st.records, "last", st.last, "tail", errString(st.decompressErr))
	return of, nil
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func truncateSync(path string, size int64) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("truncate %s: %w", path, err)
	}
	err = f.Truncate(size)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("truncate %s: %w", path, err)
	}
	return nil
}
