// Package queue is a durable FIFO on Badger. Entries are numbered with a
// monotonic sequence and stored in records: one record holds a run of
// consecutive entries (a batch), encoded by the caller as one value, so
// Badger does one write and one delete per batch, not per line. The agent's
// spool and the mediator's state are both queues: records are appended
// (together with metadata such as a file checkpoint, in the same
// transaction), read in order, and deleted once the next hop confirmed
// them.
package queue

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/hashicorp/go-hclog"
)

// ErrClosed is returned by operations on a closed queue.
var ErrClosed = errors.New("queue closed")

// ErrCorrupt wraps errors opening a directory that is not a readable queue.
var ErrCorrupt = errors.New("queue directory unreadable")

const (
	prefixEntry = 'e'
	prefixMeta  = 'm'
	metaNext    = "\x00next"
)

// Options configure a queue.
type Options struct {
	// Dir is the Badger directory; created if missing.
	Dir string
	// Logger receives Badger's messages at debug/warn level.
	Logger hclog.Logger
	// FirstSeq is the sequence of the first entry of a new queue (ignored
	// when the queue already exists). The agent starts its sequence at the
	// spool's creation time so a re-created spool never reuses document ids.
	FirstSeq uint64
	// NoSync turns off fsync per commit. Only for benchmarks and tests that
	// measure what durability costs.
	NoSync bool
	// MemTableSize bounds Badger's memory; the largest transaction is about
	// 15% of it. Default 16 MiB.
	MemTableSize int64
	// GCInterval is how often value-log GC runs. Default 1 minute.
	GCInterval time.Duration
}

// Record is a run of consecutive entries First..Last stored as one value.
type Record struct {
	First, Last uint64
	Value       []byte
}

// Entries is how many entries the record holds.
func (r Record) Entries() int64 { return int64(r.Last - r.First + 1) }

// KV is a metadata key/value written with an append.
type KV struct {
	Key   string
	Value []byte
}

// Queue is a durable FIFO. It is safe for concurrent use.
type Queue struct {
	db     *badger.DB
	logger hclog.Logger

	segs *segments

	mu      sync.Mutex // orders sequence assignment, segment writes and tickets
	next    uint64     // next sequence to assign
	tickets uint64     // appends started; each commits in its turn
	// appends counts appends under way: Close waits for them.
	appends sync.WaitGroup
	// commits carries appends to commitLoop (commit.go), which commits
	// them in ticket order, those waiting together in one transaction.
	commits    chan *commitReq
	commitStop chan struct{}
	commitDone chan struct{}
	idx        index // the live records, in sequence order
	length     atomic.Int64
	bytes      atomic.Int64 // approximate bytes of queued values

	notify chan struct{}
	stop   chan struct{}
	done   chan struct{}
	closed atomic.Bool
}

// Open opens or creates the queue in opts.Dir.
func Open(opts Options) (*Queue, error) {
	if opts.Logger == nil {
		opts.Logger = hclog.NewNullLogger()
	}
	if opts.MemTableSize == 0 {
		opts.MemTableSize = 16 << 20
	}
	if opts.GCInterval == 0 {
		opts.GCInterval = time.Minute
	}
	if err := checkDir(opts.Dir); err != nil {
		return nil, err
	}
	bopts := badger.DefaultOptions(opts.Dir).
		WithLogger(badgerLogger{opts.Logger}).
		WithSyncWrites(!opts.NoSync).
		WithMemTableSize(opts.MemTableSize).
		WithNumMemtables(2).
		WithNumLevelZeroTables(2).
		WithNumLevelZeroTablesStall(8).
		WithNumCompactors(2).
		WithBlockCacheSize(8 << 20).
		WithValueLogFileSize(64 << 20).
		// Values this large go to segment files, never to Badger, so
		// nothing needs its value log; the threshold also lets a small
		// memtable pass Badger's checks.
		WithValueThreshold(segmentMin).
		WithMetricsEnabled(false).
		WithDetectConflicts(false)
	db, err := badger.Open(bopts)
	if err != nil {
		if strings.Contains(err.Error(), "Cannot acquire directory lock") {
			// Not damage: another process (a second agent or mediator
			// on the same directory) holds it. Moving it aside would
			// take the queue from under that process.
			return nil, fmt.Errorf("open queue %s: the directory is in use by another process (stop it, or give this one its own directory): %w", opts.Dir, err)
		}
		if errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.ENOSPC) {
			// Not damage either: moving the directory aside would
			// abandon entries that are fine once access or space is back.
			return nil, fmt.Errorf("open queue %s: %w", opts.Dir, err)
		}
		return nil, corruptErr(opts.Dir, err)
	}
	q := &Queue{
		db:         db,
		logger:     opts.Logger,
		notify:     make(chan struct{}, 1),
		stop:       make(chan struct{}),
		done:       make(chan struct{}),
		commits:    make(chan *commitReq, 256),
		commitStop: make(chan struct{}),
		commitDone: make(chan struct{}),
	}
	live, err := q.load(opts.FirstSeq)
	if err != nil {
		_ = db.Close()
		return nil, corruptErr(opts.Dir, err)
	}
	if q.segs, err = openSegments(opts.Dir, opts.NoSync, live); err != nil {
		_ = db.Close()
		return nil, corruptErr(opts.Dir, err)
	}
	go q.gcLoop(opts.GCInterval)
	go q.commitLoop()
	return q, nil
}

// corruptErr is the error for a directory Open will not use: it names the
// directory and says how to recover.
func corruptErr(dir string, cause error) error {
	return fmt.Errorf("%w: %s: %v; it is damaged or not a Sluice queue. "+
		"To recover, stop this process, move it aside "+
		"(e.g. mv %s %s.broken) and restart to begin with an empty queue; "+
		"entries still queued in the old directory are then not delivered, so keep it for inspection",
		ErrCorrupt, dir, cause, filepath.Clean(dir), filepath.Clean(dir))
}

// errNoManifest is the cause reported for Badger data files without the
// MANIFEST that lists them.
var errNoManifest = errors.New("it holds Badger data files but no MANIFEST")

// checkDir makes sure dir is a directory Open may hand to Badger: missing
// (it is created), empty, or a Badger directory with its MANIFEST. Badger
// itself treats data files without a MANIFEST as leftovers: it writes a new
// empty MANIFEST and deletes the tables, which silently drops every queued
// entry. Badger creates the MANIFEST before any other data file, so data
// files without one never come from a crash of a fresh queue: the MANIFEST
// was removed or the directory is something else.
func checkDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("create queue directory %s: %w", dir, err)
		}
		return nil
	case err != nil:
		return corruptErr(dir, err)
	case !fi.IsDir():
		return corruptErr(dir, fmt.Errorf("it is a %s, not a directory", fileKind(fi.Mode())))
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return corruptErr(dir, err)
	}
	var data []string
	manifest := false
	for _, e := range ents {
		name := e.Name()
		switch {
		case name == "MANIFEST":
			manifest = true
		case name == "KEYREGISTRY", name == "REWRITE-KEYREGISTRY", name == "DISCARD",
			strings.HasSuffix(name, ".sst"), strings.HasSuffix(name, ".vlog"), strings.HasSuffix(name, ".mem"):
			data = append(data, name)
		}
	}
	if !manifest && len(data) > 0 {
		if len(data) > 5 {
			data = append(data[:5:5], "…")
		}
		return corruptErr(dir, fmt.Errorf("%w (found %s)", errNoManifest, strings.Join(data, ", ")))
	}
	return nil
}

func fileKind(m os.FileMode) string {
	switch {
	case m.IsRegular():
		return "regular file"
	case m&os.ModeSymlink != 0:
		return "symbolic link"
	case m&os.ModeNamedPipe != 0:
		return "named pipe"
	case m&os.ModeSocket != 0:
		return "socket"
	case m&os.ModeDevice != 0:
		return "device"
	default:
		return "non-directory"
	}
}

// load restores next, length, bytes and the index of live records from
// disk, and counts the records in each segment. It is the one walk over
// Badger's records (and their tombstones).
func (q *Queue) load(firstSeq uint64) (map[uint32]int, error) {
	live := map[uint32]int{}
	return live, q.db.View(func(txn *badger.Txn) error {
		var next uint64
		item, err := txn.Get(metaKey(metaNext))
		switch {
		case err == nil:
			if err := item.Value(func(v []byte) error {
				if len(v) != 8 {
					return fmt.Errorf("bad sequence record (%d bytes)", len(v))
				}
				next = binary.BigEndian.Uint64(v)
				return nil
			}); err != nil {
				return err
			}
		case errors.Is(err, badger.ErrKeyNotFound):
			next = firstSeq
			if next == 0 {
				next = 1
			}
		default:
			return fmt.Errorf("read queue sequence: %w", err)
		}
		if err := foreignKeys(txn); err != nil {
			return err
		}
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{prefixEntry}})
		defer it.Close()
		var n, size int64
		for it.Rewind(); it.Valid(); it.Next() {
			first, last := rangeOf(it.Item().Key())
			n += int64(last - first + 1)
			p, isPtr, err := itemPointer(it.Item())
			if err != nil {
				return err
			}
			r := idxRec{first: first, last: last, state: recLive}
			if isPtr {
				live[p.seg]++
				r.ptr, r.inSeg, r.size = p, true, int64(p.length)
			} else {
				r.size = it.Item().ValueSize()
			}
			size += r.size
			q.idx.recs = append(q.idx.recs, r)
			if last >= next {
				next = last + 1
			}
		}
		q.next = next
		q.length.Store(n)
		q.bytes.Store(size)
		return nil
	})
}

// foreignKeys fails when the database holds a key a queue never writes: a
// valid Badger directory of another program.
func foreignKeys(txn *badger.Txn) error {
	it := txn.NewIterator(badger.IteratorOptions{})
	defer it.Close()
	// Keys sort bytewise; a queue has only prefixEntry ('e') and
	// prefixMeta ('m') keys, so look below, between and above them.
	for _, r := range []struct{ from, below byte }{{0, prefixEntry}, {prefixEntry + 1, prefixMeta}, {prefixMeta + 1, 0}} {
		it.Seek([]byte{r.from})
		if !it.Valid() {
			continue
		}
		k := it.Item().Key()
		if len(k) == 0 || r.below == 0 || k[0] < r.below {
			return fmt.Errorf("it holds keys a Sluice queue never writes (e.g. %q)", truncKey(k))
		}
	}
	return nil
}

func truncKey(k []byte) []byte {
	if len(k) > 32 {
		return k[:32]
	}
	return k
}

// AppendRecord stores a record of n consecutive entries, and the metadata
// in meta, in one durable transaction. encode is called with the first
// sequence of the record (under the queue's lock, keep it cheap) and
// returns the record's value, so entries can carry their sequences.
// Concurrent appends share fsyncs (group commit) while keeping sequence
// order equal to commit order, so readers never see a gap fill in later.
// With n == 0 only the metadata is written.
func (q *Queue) AppendRecord(n int, encode func(first uint64) ([]byte, error), meta ...KV) (Record, error) {
	var rec Record
	err := q.append(uint64(n), func(first uint64) ([]pendingValue, error) {
		rec = Record{First: first, Last: first + uint64(n) - 1}
		if n == 0 {
			return nil, nil
		}
		v, err := encode(first)
		rec.Value = v
		return []pendingValue{{first: rec.First, last: rec.Last, value: v}}, err
	}, meta)
	if err != nil {
		return Record{}, err
	}
	return rec, nil
}

// Append stores each value as a record of one entry, all in one durable
// transaction, and returns the first sequence.
func (q *Queue) Append(vals [][]byte, meta ...KV) (uint64, error) {
	var first uint64
	err := q.append(uint64(len(vals)), func(f uint64) ([]pendingValue, error) {
		first = f
		out := make([]pendingValue, len(vals))
		for i, v := range vals {
			out[i] = pendingValue{first: f + uint64(i), last: f + uint64(i), value: v}
		}
		return out, nil
	}, meta)
	return first, err
}

// pendingValue is a record on its way into the queue.
type pendingValue struct {
	first, last uint64
	value       []byte
	ptr         *pointer // where value went, when it went to a segment
}

// append assigns n sequences, has build make the records, writes large
// values to their segment, and commits. The steps that must follow
// sequence order (assignment, segment writes, handing the transaction to
// Badger) are ordered; the fsyncs between them, and the transactions of
// appends waiting together, are shared.
func (q *Queue) append(n uint64, build func(first uint64) ([]pendingValue, error), meta []KV) error {
	q.mu.Lock()
	if q.closed.Load() {
		q.mu.Unlock()
		return ErrClosed
	}
	q.appends.Add(1)
	defer q.appends.Done()
	first := q.next
	recs, err := build(first)
	if err != nil {
		q.mu.Unlock()
		return fmt.Errorf("queue append: %w", err)
	}
	var size int64
	for i := range recs {
		r := &recs[i]
		size += int64(len(r.value))
		if len(r.value) < segmentMin {
			continue
		}
		p, err := q.segs.write(r.value)
		if err != nil {
			q.mu.Unlock()
			q.unwrite(recs)
			return fmt.Errorf("queue append: %w", err)
		}
		r.ptr = &p
	}
	q.next = first + n
	ticket := q.tickets
	q.tickets++
	writes := q.segs.writes()
	q.mu.Unlock()

	req := &commitReq{ticket: ticket, recs: recs, next: first + n, meta: meta, done: make(chan error, 1)}
	req.irecs = make([]idxRec, len(recs))
	wroteSegment := false
	for i, r := range recs {
		req.irecs[i] = idxRec{first: r.first, last: r.last, size: int64(len(r.value))}
		if r.ptr != nil {
			req.irecs[i].ptr, req.irecs[i].inSeg = *r.ptr, true
			wroteSegment = true
		}
	}
	if wroteSegment {
		// The values are durable before the transaction that points
		// to them.
		req.failed = q.segs.syncThrough(writes)
	}
	q.commits <- req
	err = <-req.done
	if len(recs) > 0 {
		q.idx.settle(first, first+n-1, err == nil)
	}
	if err != nil {
		// The sequence numbers are burnt; that leaves a gap, never a reuse.
		q.unwrite(recs)
		return fmt.Errorf("queue commit: %w", err)
	}
	if n > 0 {
		q.length.Add(int64(n))
		q.bytes.Add(size)
		select {
		case q.notify <- struct{}{}:
		default:
		}
	}
	return nil
}

// stage puts records, the next sequence and meta into txn.
func (q *Queue) stage(txn *badger.Txn, recs []pendingValue, next uint64, meta []KV) error {
	for _, r := range recs {
		v := r.value
		if r.ptr != nil {
			v = r.ptr.encode()
		}
		if err := txn.Set(recordKey(r.first, r.last), v); err != nil {
			return err
		}
	}
	var nb [8]byte
	binary.BigEndian.PutUint64(nb[:], next)
	if err := txn.Set(metaKey(metaNext), nb[:]); err != nil {
		return err
	}
	for _, kv := range meta {
		var err error
		if kv.Value == nil {
			err = txn.Delete(metaKey(kv.Key))
		} else {
			err = txn.Set(metaKey(kv.Key), kv.Value)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (q *Queue) unwrite(recs []pendingValue) {
	for _, r := range recs {
		if r.ptr != nil {
			q.segs.unwrite(*r.ptr)
		}
	}
}

// SetMeta stores metadata values alone, durably.
func (q *Queue) SetMeta(meta ...KV) error {
	_, err := q.AppendRecord(0, nil, meta...)
	return err
}

// Meta returns the metadata value of key, or nil if unset.
func (q *Queue) Meta(key string) ([]byte, error) {
	var out []byte
	err := q.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(metaKey(key))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		out, err = item.ValueCopy(nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("queue meta %q: %w", key, err)
	}
	return out, nil
}

// MetaPrefix calls fn for each metadata key starting with prefix.
func (q *Queue) MetaPrefix(prefix string, fn func(key string, val []byte) error) error {
	return q.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, Prefix: metaKey(prefix)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			if err := fn(string(it.Item().Key()[1:]), v); err != nil {
				return err
			}
		}
		return nil
	})
}

// Read returns the records holding entries with seq >= from, in order, up
// to max records and about maxBytes of values (at least one record if any
// is there). The first record may start before from. Its cost depends on
// the records it returns, not on how many were appended or deleted before
// them (BenchmarkReadAfterDeletes).
func (q *Queue) Read(from uint64, max int, maxBytes int) ([]Record, error) {
	if q.closed.Load() {
		return nil, ErrClosed
	}
	recs := q.idx.readable(from, max)
	size := int64(0)
	for i, r := range recs {
		if i > 0 && size+r.size > int64(maxBytes) {
			recs = recs[:i]
			break
		}
		size += r.size
	}
	out := make([]Record, 0, len(recs))
	var txn *badger.Txn
	defer func() {
		if txn != nil {
			txn.Discard()
		}
	}()
	for _, r := range recs {
		var v []byte
		var err error
		if r.inSeg {
			v, err = q.segs.read(r.ptr)
			if errors.Is(err, errSegmentGone) {
				continue // deleted since the index was read
			}
		} else {
			if txn == nil {
				txn = q.db.NewTransaction(false)
			}
			var item *badger.Item
			item, err = txn.Get(recordKey(r.first, r.last))
			if errors.Is(err, badger.ErrKeyNotFound) {
				continue // deleted since the index was read
			}
			if err == nil {
				v, err = item.ValueCopy(nil)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("queue read: %w", err)
		}
		out = append(out, Record{First: r.first, Last: r.last, Value: v})
	}
	return out, nil
}

// First returns the lowest queued sequence, or (0, false) when empty.
func (q *Queue) First() (uint64, bool, error) {
	if q.closed.Load() {
		return 0, false, ErrClosed
	}
	r, ok := q.idx.first()
	return r.first, ok, nil
}

// DeleteThrough removes every record whose entries all have seq <=
// through, in one durable transaction together with meta. It returns how
// many entries it removed.
func (q *Queue) DeleteThrough(through uint64, meta ...KV) (int64, error) {
	if q.closed.Load() {
		return 0, ErrClosed
	}
	recs := q.idx.claimThrough(through)
	if len(recs) == 0 && len(meta) == 0 {
		return 0, nil
	}
	return q.remove(recs, meta)
}

// Delete removes the given records durably; those not queued (deleted
// already) are passed over.
func (q *Queue) Delete(recs []Record) error {
	if q.closed.Load() {
		return ErrClosed
	}
	// What the records take and where their values are: taken from the
	// index rather than from recs, which may be copies.
	claimed := q.idx.claim(recs)
	if len(claimed) == 0 {
		return nil
	}
	_, err := q.remove(claimed, nil)
	return err
}

// remove deletes records claimed in the index and writes meta in one
// durable batch, then lets their segments go. It returns how many entries
// it removed.
func (q *Queue) remove(recs []idxRec, meta []KV) (n int64, err error) {
	defer func() { q.idx.release(recs, err == nil) }()
	if q.closed.Load() {
		return 0, ErrClosed
	}
	wb := q.db.NewWriteBatch()
	defer wb.Cancel()
	var size int64
	var ptrs []pointer
	for _, r := range recs {
		if err := wb.Delete(recordKey(r.first, r.last)); err != nil {
			return 0, fmt.Errorf("queue delete: %w", err)
		}
		n += int64(r.last - r.first + 1)
		size += r.size
		if r.inSeg {
			ptrs = append(ptrs, r.ptr)
		}
	}
	for _, kv := range meta {
		var err error
		if kv.Value == nil {
			err = wb.Delete(metaKey(kv.Key))
		} else {
			err = wb.Set(metaKey(kv.Key), kv.Value)
		}
		if err != nil {
			return 0, fmt.Errorf("queue delete: %w", err)
		}
	}
	if err := wb.Flush(); err != nil {
		return 0, fmt.Errorf("queue delete: %w", err)
	}
	q.length.Add(-n)
	q.bytes.Add(-size)
	q.segs.release(ptrs)
	return n, nil
}

// Len is the number of queued entries.
func (q *Queue) Len() int64 { return q.length.Load() }

// Bytes is the approximate size of the queued values.
func (q *Queue) Bytes() int64 { return q.bytes.Load() }

// NextSeq is the sequence the next appended entry will get.
func (q *Queue) NextSeq() uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.next
}

// DiskSize is the size of the queue's files on disk.
func (q *Queue) DiskSize() int64 {
	lsm, vlog := q.db.Size()
	return lsm + vlog + q.segs.diskSize()
}

// Notify returns a channel that receives after appends; one signal may
// stand for several appends.
func (q *Queue) Notify() <-chan struct{} { return q.notify }

// Close waits for appends under way, stops the GC loop and closes the
// database.
func (q *Queue) Close() error {
	q.mu.Lock()
	first := q.closed.CompareAndSwap(false, true)
	q.mu.Unlock()
	if !first {
		return nil
	}
	// No append starts now (append checks closed under mu); those that
	// did are committed before the committer stops.
	q.appends.Wait()
	close(q.commitStop)
	<-q.commitDone
	close(q.stop)
	<-q.done
	err := errors.Join(q.db.Close(), q.segs.close())
	if err != nil {
		return fmt.Errorf("close queue: %w", err)
	}
	return nil
}

// gcLoop reclaims value-log space left by deleted entries, so a queue that
// drains does not keep growing on disk.
func (q *Queue) gcLoop(every time.Duration) {
	defer close(q.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-q.stop:
			return
		case <-t.C:
			for q.db.RunValueLogGC(0.5) == nil {
				select {
				case <-q.stop:
					return
				default:
				}
			}
		}
	}
}

// Dir reports the queue directory.
func (q *Queue) Dir() string { return filepath.Clean(q.db.Opts().Dir) }

// itemPointer reads a record's pointer, if its value is one.
func itemPointer(item *badger.Item) (pointer, bool, error) {
	if item.ValueSize() != pointerLen {
		return pointer{}, false, nil
	}
	var p pointer
	var ok bool
	err := item.Value(func(v []byte) error {
		p, ok = decodePointer(v)
		return nil
	})
	return p, ok, err
}

// recordKey is 'e', first, last: records sort by their first sequence,
// and a key alone tells what a record holds.
func recordKey(first, last uint64) []byte {
	k := make([]byte, 17)
	k[0] = prefixEntry
	binary.BigEndian.PutUint64(k[1:], first)
	binary.BigEndian.PutUint64(k[9:], last)
	return k
}

func rangeOf(key []byte) (first, last uint64) {
	if len(key) < 17 {
		return 0, 0
	}
	return binary.BigEndian.Uint64(key[1:]), binary.BigEndian.Uint64(key[9:])
}

func metaKey(name string) []byte { return append([]byte{prefixMeta}, name...) }

// badgerLogger routes Badger's log through hclog; Badger's info chatter
// goes to debug.
type badgerLogger struct{ l hclog.Logger }

func (b badgerLogger) Errorf(f string, a ...any)   { b.l.Error(strings.TrimSpace(fmt.Sprintf(f, a...))) }
func (b badgerLogger) Warningf(f string, a ...any) { b.l.Warn(strings.TrimSpace(fmt.Sprintf(f, a...))) }
func (b badgerLogger) Infof(f string, a ...any)    { b.l.Debug(strings.TrimSpace(fmt.Sprintf(f, a...))) }
func (b badgerLogger) Debugf(f string, a ...any)   { b.l.Trace(strings.TrimSpace(fmt.Sprintf(f, a...))) }
