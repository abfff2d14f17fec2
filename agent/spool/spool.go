// Package spool is the agent's durable buffer: collected lines wait here,
// in a Badger queue, until a mediator acknowledged them. A batch of lines
// and the checkpoint of the source that read them are committed in one
// transaction, so after a crash a source neither re-reads what it spooled
// nor skips what it did not.
package spool

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/protobuf/proto"

	"github.com/sluicehq/sluice/agent/source"
	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/osfile"
	"github.com/sluicehq/sluice/pkg/queue"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

const (
	checkpointPrefix = "cp/"
	// statePrefix holds sources' own records (source.Batch.State).
	statePrefix = "st/"
)

// ErrFull is returned (wrapping source.ErrBackpressure) when the spool has
// reached max_spool_bytes or its disk is under the free-space floor: the
// source stops reading and tries again later, so nothing is lost.
var ErrFull = fmt.Errorf("spool full: %w", source.ErrBackpressure)

// Spool is the agent's queue of unacknowledged entries.
type Spool struct {
	q       *queue.Queue
	logger  hclog.Logger
	dir     string
	maxSize int64
	minFree int64
	free    func(dir string) (int64, error)

	// incarnation identifies this spool (see Incarnation).
	incarnation string

	mu        sync.Mutex
	freeAt    time.Time // when free was last measured
	freeBytes int64
	acked     atomic.Uint64 // highest acknowledged sequence seen

	// counts are what each source committed (see Counts); marks are
	// when recent batches were appended, for onAcked.
	countsMu sync.Mutex
	counts   map[string]*SourceCount
	marksMu  sync.Mutex
	marks    []appendMark
	onAcked  func(age time.Duration)
}

// SourceCount is what one source committed to the spool since it was
// opened: its lines, their bytes (as read, before truncation, without
// line terminators) and how many of them were cut to max_line_bytes.
type SourceCount struct {
	Lines     uint64 `json:"lines"`
	Bytes     uint64 `json:"bytes"`
	Truncated uint64 `json:"truncated"`
}

// appendMark is when the batch ending at last was appended.
type appendMark struct {
	last uint64
	at   time.Time
}

// maxAppendMarks bounds the batches whose append time is kept for
// OnAcked: past it (a long outage), batches appended meanwhile are not
// timed, so the spool's memory does not grow with its backlog.
const maxAppendMarks = 8192

// Metadata keys of the spool's incarnation.
const incarnationKey = "incarnation"

// Options configure a spool.
type Options struct {
	Dir    string
	Logger hclog.Logger
	// NoSync disables fsync (benchmarks only).
	NoSync bool
	// Now is the clock used to seed the sequence of a new spool.
	Now func() time.Time
	// MaxBytes caps the spooled entries' size (0: no cap).
	MaxBytes int64
	// MinFree is the free disk space below which nothing more is spooled
	// (0: no floor). Badger dies with SIGBUS when its disk fills up, so
	// the floor must stay well above what it maps ahead of writing.
	MinFree int64
	// FreeBytes measures free space; DiskFree when nil (tests fake it).
	FreeBytes func(dir string) (int64, error)
	// OnAcked, when set, is told for each acknowledged batch how long it
	// was in the spool, from its append to the acknowledgement (the
	// agent's ack latency histogram). Batches appended before the spool
	// was opened, or while maxAppendMarks batches waited, are not timed.
	OnAcked func(age time.Duration)
}

// Open opens or creates the spool.
func Open(opts Options) (*Spool, error) {
	if opts.Logger == nil {
		opts.Logger = hclog.NewNullLogger()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	q, err := queue.Open(queue.Options{
		Dir:    opts.Dir,
		Logger: opts.Logger.Named("badger"),
		NoSync: opts.NoSync,
		// A new spool numbers its entries from the current time in
		// microseconds: a spool that is deleted and re-created never
		// reuses a sequence, so it never reuses a document id.
		FirstSeq: uint64(opts.Now().UnixMicro()),
		// Batches live in segment files; Badger's tree holds pointers
		// and checkpoints only, so a small memtable does (it is most of
		// the agent's resident memory: 67 → 47–53 MiB at 10,000 lines/s;
		// 4 MiB cost 10–20% of throughput in rotating its write-ahead file).
		MemTableSize: 8 << 20,
	})
	if err != nil {
		return nil, fmt.Errorf("open spool: %w", err)
	}
	if opts.FreeBytes == nil {
		opts.FreeBytes = DiskFree
	}
	s := &Spool{q: q, logger: opts.Logger, dir: opts.Dir, maxSize: opts.MaxBytes, minFree: opts.MinFree, free: opts.FreeBytes,
		counts: map[string]*SourceCount{}, onAcked: opts.OnAcked}
	if err := s.loadIncarnation(); err != nil {
		_ = q.Close()
		return nil, err
	}
	return s, nil
}

// loadIncarnation reads the spool's incarnation, or makes one: a new
// spool gets a random id, kept in the spool from then on.
func (s *Spool) loadIncarnation() error {
	inc, err := s.q.Meta(incarnationKey)
	if err != nil {
		return fmt.Errorf("open spool: %w", err)
	}
	if inc != nil {
		if !event.ValidIncarnation(string(inc)) {
			return fmt.Errorf("open spool %s: invalid incarnation %q in its metadata", s.dir, inc)
		}
		s.incarnation = string(inc)
		return nil
	}
	id, err := event.NewIncarnation()
	if err != nil {
		return err
	}
	if err := s.q.SetMeta(queue.KV{Key: incarnationKey, Value: []byte(id)}); err != nil {
		return fmt.Errorf("open spool: store its incarnation: %w", err)
	}
	s.incarnation = id
	s.logger.Info("new spool incarnation", "spool", event.SpoolTag(id))
	return nil
}

// Incarnation is the spool's incarnation id (random, made with the spool
// and kept in it). The agent says it in its hello: the mediator acknowledges an
// entry as held only on the strength of the same incarnation's entries,
// and refuses a second live stream of the agent id from another one. It
// is not for showing: logs name the spool by event.SpoolTag.
func (s *Spool) Incarnation() string { return s.incarnation }

// DiskFree is the space available to unprivileged writers in dir.
func DiskFree(dir string) (int64, error) { return osfile.FreeBytes(dir) }

// room checks the size cap and the disk floor before an append of n bytes.
// Free space is measured at most every 250ms.
func (s *Spool) room(n int64) error {
	// An empty spool takes any batch, so one batch larger than the cap
	// cannot stall a source forever.
	if s.maxSize > 0 && s.q.Bytes() > 0 && s.q.Bytes()+n > s.maxSize {
		return fmt.Errorf("%w (%d bytes spooled, max_spool_bytes %d)", ErrFull, s.q.Bytes(), s.maxSize)
	}
	if s.minFree <= 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if time.Since(s.freeAt) > 250*time.Millisecond {
		free, err := s.free(s.dir)
		if err != nil {
			return nil // cannot tell: do not stop collecting over it
		}
		s.freeAt, s.freeBytes = time.Now(), free
	}
	if s.freeBytes-n < s.minFree {
		return fmt.Errorf("%w (%d MiB free in %s, min_free_disk %d MiB)", ErrFull, s.freeBytes>>20, s.dir, s.minFree>>20)
	}
	s.freeBytes -= n
	return nil
}

// Accepting reports whether the spool takes a small batch now: nil, or
// why not (ErrFull: max_spool_bytes reached or the disk under
// min_free_disk), for the agent's readiness.
func (s *Spool) Accepting() error { return s.room(0) }

// Commit implements source.Store: the lines become entries and the checkpoint
// (file sources only) and the source's state records are stored with
// them, in one durable transaction.
func (s *Spool) Commit(_ context.Context, b source.Batch) error {
	var size int64
	for _, l := range b.Lines {
		size += int64(len(l.Raw)) + 64
	}
	if len(b.Lines) > 0 {
		if err := s.room(size); err != nil {
			return err
		}
	}
	cps := b.Also
	if !b.Checkpoint.IsZero() {
		cps = append([]source.Checkpoint{b.Checkpoint}, cps...)
	}
	meta := make([]queue.KV, 0, len(cps)+len(b.State))
	for _, r := range b.State {
		meta = append(meta, queue.KV{Key: stateKey(b.SourceID, r.Key), Value: r.Value})
	}
	for _, c := range cps {
		v, err := json.Marshal(c)
		if err != nil {
			return fmt.Errorf("encode checkpoint: %w", err)
		}
		meta = append(meta, queue.KV{Key: checkpointKey(b.SourceID, c.Key()), Value: v})
	}
	// One record per batch, encoded once as the LogBatch the uplink sends
	// and the mediator stores: no entry is encoded or decoded again before
	// the MPE reads it.
	rec, err := s.q.AppendRecord(len(b.Lines), func(first uint64) ([]byte, error) {
		return encodeBatch(b, first), nil
	}, meta...)
	if err != nil || len(b.Lines) == 0 {
		return err
	}
	s.count(b)
	if s.onAcked != nil {
		s.marksMu.Lock()
		if len(s.marks) < maxAppendMarks {
			s.marks = append(s.marks, appendMark{last: rec.Last, at: time.Now()})
		}
		s.marksMu.Unlock()
	}
	return nil
}

// count adds a committed batch to its source's counts: once per batch,
// so the lines cost a loop over their lengths and no lock.
func (s *Spool) count(b source.Batch) {
	var bytes, truncated uint64
	for _, l := range b.Lines {
		n := l.Length
		if n < len(l.Raw) {
			n = len(l.Raw)
		}
		bytes += uint64(n)
		if l.Truncated {
			truncated++
		}
	}
	s.countsMu.Lock()
	c := s.counts[b.SourceID]
	if c == nil {
		c = &SourceCount{}
		s.counts[b.SourceID] = c
	}
	c.Lines += uint64(len(b.Lines))
	c.Bytes += bytes
	c.Truncated += truncated
	s.countsMu.Unlock()
}

// Counts returns what each source committed since the spool was opened,
// by source id: the lines the sources read (a file source re-reads
// nothing it committed, and commits nothing twice).
func (s *Spool) Counts() map[string]SourceCount {
	s.countsMu.Lock()
	defer s.countsMu.Unlock()
	out := make(map[string]SourceCount, len(s.counts))
	for id, c := range s.counts {
		out[id] = *c
	}
	return out
}

// Checkpoints implements source.Store.
func (s *Spool) Checkpoints(sourceID string) ([]source.Checkpoint, error) {
	var out []source.Checkpoint
	err := s.q.MetaPrefix(checkpointPrefix+sourceID+"/", func(key string, val []byte) error {
		var cp source.Checkpoint
		if err := json.Unmarshal(val, &cp); err != nil {
			return fmt.Errorf("checkpoint %s: %w", key, err)
		}
		out = append(out, cp)
		return nil
	})
	return out, err
}

// ForgetCheckpoint implements source.Store.
func (s *Spool) ForgetCheckpoint(sourceID, key string) error {
	return s.q.SetMeta(queue.KV{Key: checkpointKey(sourceID, key)})
}

// State implements source.StateStore.
func (s *Spool) State(sourceID string, fn func(key string, value []byte) error) error {
	prefix := stateKey(sourceID, "")
	return s.q.MetaPrefix(prefix, func(key string, val []byte) error {
		return fn(strings.TrimPrefix(key, prefix), val)
	})
}

// SetState implements source.StateStore.
func (s *Spool) SetState(sourceID string, recs ...source.StateRecord) error {
	meta := make([]queue.KV, len(recs))
	for i, r := range recs {
		meta[i] = queue.KV{Key: stateKey(sourceID, r.Key), Value: r.Value}
	}
	return s.q.SetMeta(meta...)
}

func stateKey(sourceID, key string) string {
	return statePrefix + strings.ReplaceAll(sourceID, "/", "_") + "/" + key
}

func checkpointKey(sourceID, fileKey string) string {
	return checkpointPrefix + strings.ReplaceAll(sourceID, "/", "_") + "/" + fileKey
}

// ReadRecords returns spooled records (each an encoded LogBatch) holding
// entries with seq >= from; the first may start before from.
func (s *Spool) ReadRecords(from uint64, max, maxBytes int) ([]queue.Record, error) {
	return s.q.Read(from, max, maxBytes)
}

// Read returns up to max decoded entries with seq >= from (tests and tools;
// the uplink sends records as they are).
func (s *Spool) Read(from uint64, max, maxBytes int) ([]*sluicev1.LogEntry, error) {
	recs, err := s.q.Read(from, max, maxBytes)
	if err != nil {
		return nil, err
	}
	var out []*sluicev1.LogEntry
	for _, r := range recs {
		var b sluicev1.LogBatch
		if err := proto.Unmarshal(r.Value, &b); err != nil {
			return nil, fmt.Errorf("spool record %d-%d: %w", r.First, r.Last, err)
		}
		for _, e := range b.GetEntries() {
			if e.GetSeq() >= from && len(out) < max {
				out = append(out, e)
			}
		}
	}
	return out, nil
}

// Ack forgets every entry with seq <= through (whole records only: a
// record partly acknowledged stays until the rest is).
func (s *Spool) Ack(through uint64) error {
	for {
		old := s.acked.Load()
		if through <= old || s.acked.CompareAndSwap(old, through) {
			break
		}
	}
	_, err := s.q.DeleteThrough(through)
	if err == nil && s.onAcked != nil {
		s.timeAcked(through, time.Now())
	}
	return err
}

// timeAcked reports the age of each timed batch acknowledged through a
// sequence to onAcked.
func (s *Spool) timeAcked(through uint64, now time.Time) {
	s.marksMu.Lock()
	n := 0
	for n < len(s.marks) && s.marks[n].last <= through {
		n++
	}
	done := s.marks[:n:n]
	s.marks = s.marks[n:]
	if len(s.marks) == 0 {
		s.marks = nil // let the backing array go after a backlog
	}
	s.marksMu.Unlock()
	for _, m := range done {
		s.onAcked(now.Sub(m.at))
	}
}

// Notify signals appends.
func (s *Spool) Notify() <-chan struct{} { return s.q.Notify() }

// Depth is the number of unacknowledged entries.
func (s *Spool) Depth() int64 { return s.q.Len() }

// Bytes is the approximate size of unacknowledged entries.
func (s *Spool) Bytes() int64 { return s.q.Bytes() }

// NextSeq is the sequence the next spooled entry gets.
func (s *Spool) NextSeq() uint64 { return s.q.NextSeq() }

// FirstSeq is the oldest unacknowledged sequence, 0 when the spool is
// empty.
func (s *Spool) FirstSeq() uint64 {
	seq, ok, err := s.q.First()
	if err != nil || !ok {
		return 0
	}
	return max(seq, s.acked.Load()+1)
}

// Close closes the spool.
func (s *Spool) Close() error { return s.q.Close() }
