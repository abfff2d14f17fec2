// Package source holds what every agent source shares with the spool: the
// line, the batch a source commits, the store it commits to, and the
// back-pressure signal. The file source (tail), the network sources
// (syslog) and the HTTP intake (webhook) all commit through it, so the
// spool depends on none of them.
package source

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Defaults every source kind takes for what its configuration leaves at
// zero (the agent's config sets them for each source; tests and other
// callers get the same).
const (
	// DefaultMaxLineBytes is the longest line kept whole; longer ones are
	// cut and flagged truncated.
	DefaultMaxLineBytes = 64 << 10
	// DefaultBatchLines and DefaultBatchBytes bound one commit.
	DefaultBatchLines = 2000
	DefaultBatchBytes = 1 << 20
)

// ErrBackpressure is wrapped by Store.Commit errors that mean "not now":
// the store is full. A file source keeps its position and tries again at
// the next poll; a TCP source stops reading its sockets; a UDP source
// counts what it drops; the HTTP intake answers 503 with Retry-After.
var ErrBackpressure = errors.New("store cannot take more now")

// Line is one line a source read.
type Line struct {
	// Raw is the line without its terminator. The store may keep it.
	Raw []byte
	// Truncated is set when the line was longer than the source's limit.
	Truncated bool
	// Length is the line's full length before truncation.
	Length int
	// End is the stream offset just after the line (file sources).
	End int64
	// Fields are event fields by ECS name that came with the line from a
	// structured record (the journald source); nil for text sources. They
	// travel as LogEntry.fields, and the mediator then reads no header
	// from Raw.
	Fields map[string]string
}

// Checkpoint is how far a file was read, and which file that was.
type Checkpoint struct {
	Dev    uint64 `json:"dev"`
	Ino    uint64 `json:"ino"`
	Path   string `json:"path"`
	Offset int64  `json:"offset"`
	// Ahead marks an offset beyond the file's end: a copy still being
	// written, whose first Offset bytes were read from its original.
	Ahead bool `json:"ahead,omitempty"`
	// FPLen and FP fingerprint the file's first FPLen bytes (FNV-64a).
	FPLen int    `json:"fp_len"`
	FP    uint64 `json:"fp"`
	// Cursor is the journald source's position: the journal cursor of
	// the last entry committed (its Dev and Ino are zero, so its Key is
	// always the same).
	Cursor string `json:"cursor,omitempty"`
}

// Key identifies the file a checkpoint belongs to.
func (c Checkpoint) Key() string { return fmt.Sprintf("%d:%d", c.Dev, c.Ino) }

// IsZero reports a batch without a checkpoint (network sources).
func (c Checkpoint) IsZero() bool { return c == Checkpoint{} }

// Batch is what a source commits: lines, and for a file source the
// checkpoint just after the last of them.
type Batch struct {
	SourceID      string
	LogSourceType string
	Lines         []Line
	// Checkpoint is zero for sources that have none (syslog, webhook).
	Checkpoint Checkpoint
	// Also are checkpoints of other files that must move in the same
	// transaction (a copytruncate copy and its original).
	Also      []Checkpoint
	Collected time.Time
	// State are records of the source's own (the webhook's idempotency
	// keys) that must be stored in the same transaction as the lines,
	// kept under the source's id; a nil Value deletes the record.
	State []StateRecord
}

// StateRecord is one record of a source's own state.
type StateRecord struct {
	Key   string
	Value []byte
}

// StateStore is a Store that also keeps what sources commit in
// Batch.State, so a source can learn after a restart what it committed
// before (the webhook's idempotency keys).
type StateStore interface {
	Store
	// State calls fn with each of the source's state records.
	State(sourceID string, fn func(key string, value []byte) error) error
	// SetState stores (or with a nil Value deletes) state records
	// without lines, durably.
	SetState(sourceID string, recs ...StateRecord) error
}

// Store persists batches. Commit must store the lines and the checkpoint
// atomically and durably before it returns: a checkpoint never gets ahead
// of its lines, and a network source may tell its sender "accepted".
type Store interface {
	Commit(ctx context.Context, b Batch) error
	Checkpoints(sourceID string) ([]Checkpoint, error)
	ForgetCheckpoint(sourceID, key string) error
}
