package queue

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/hashicorp/go-hclog"
)

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
			first, last, ok := rangeOf(it.Item().Key())
			if !ok || last < first {
				return fmt.Errorf("it holds a record key a Sluice queue never writes (%q)", truncKey(it.Item().Key()))
			}
			n += int64(last - first + 1)
			r, err := loadRecord(it.Item())
			if err != nil {
				return fmt.Errorf("record %d-%d: %w", first, last, err)
			}
			r.first, r.last = first, last
			if r.inSeg {
				live[r.ptr.seg]++
			}
			size += r.size
			q.idx.load(r)
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

// loadRecord returns what the index keeps of a record read at Open: its
// tag and where its value is. A plain value is read only when it may be a
// pointer, as it was before records had tags.
func loadRecord(item *badger.Item) (idxRec, error) {
	enc := item.UserMeta()
	if enc == encPlain && item.ValueSize() != pointerLen {
		return idxRec{size: item.ValueSize()}, nil
	}
	var r idxRec
	err := item.Value(func(val []byte) error {
		tag, v, p, isPtr, err := decodeValue(enc, val)
		if err != nil {
			return err
		}
		r.tag = tag
		if isPtr {
			r.ptr, r.inSeg, r.size = p, true, int64(p.length)
		} else {
			r.size = int64(len(v))
		}
		return nil
	})
	return r, err
}

// badgerLogger routes Badger's log through hclog; Badger's info chatter
// goes to debug.
type badgerLogger struct{ l hclog.Logger }

func (b badgerLogger) Errorf(f string, a ...any)   { b.l.Error(strings.TrimSpace(fmt.Sprintf(f, a...))) }
func (b badgerLogger) Warningf(f string, a ...any) { b.l.Warn(strings.TrimSpace(fmt.Sprintf(f, a...))) }
func (b badgerLogger) Infof(f string, a ...any)    { b.l.Debug(strings.TrimSpace(fmt.Sprintf(f, a...))) }
func (b badgerLogger) Debugf(f string, a ...any)   { b.l.Trace(strings.TrimSpace(fmt.Sprintf(f, a...))) }
