// Package queue is a durable FIFO on Badger. Entries are numbered with a
// monotonic sequence and stored in records: one record holds a run of
// consecutive entries (a batch), encoded by the caller as one value, so
// Badger does one write and one delete per batch, not per line. The agent's
// spool and the mediator's state are both queues: records are appended
// (together with metadata such as a file checkpoint, in the same
// transaction), read in order, and deleted once the next hop confirmed
// them.
//
// FORMAT.md describes the directory: keys, record values and segment
// files, what is synced when, and what Open recovers. The code is in
// files of one concern: open.go (checking the directory, the walk at
// open), append.go and commit.go (group commit), read.go, delete.go,
// index.go (the live records in memory), tags.go (tagged records: their
// encoding, AppendTagged, ReadTag, Tags), segments.go and keys.go.
//
// A record may carry a tag (AppendTagged): the mediator tags its state
// records with their organization, reads one organization's records
// (ReadTag) without walking the others', and schedules by each one's
// backlog (Tags).
package queue

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/hashicorp/go-hclog"
)

// ErrClosed is returned by operations on a closed queue.
var ErrClosed = errors.New("queue closed")

// ErrCorrupt wraps errors opening a directory that is not a readable queue.
var ErrCorrupt = errors.New("queue directory unreadable")

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
	// Tag is the tag the record was appended with (AppendTagged); ""
	// for AppendRecord and Append.
	Tag string
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

// gcLoop reclaims Badger value-log space left by overwritten or deleted
// metadata values of 4 KiB and more (such as ARM's histories): record
// values never go there (segments.go), but those would otherwise keep
// growing on disk.
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
