package mediator

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/protobuf/proto"

	"github.com/sluicehq/sluice/pkg/queue"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// deadLetters keeps the entries whose events the index refused
// permanently, with the reason, until an admin replays them (after fixing
// the mapping or the rule) — LogRhythm never drops a log it cannot
// index, and neither do we. It holds the original entry, not the event, so
// a replay parses it again with the rules in force then.
type deadLetters struct {
	q *queue.Queue
}

// deadLetter is one stored record.
type deadLetter struct {
	Reason string    `json:"reason"`
	Time   time.Time `json:"time"`
	Entry  []byte    `json:"entry"` // a StoredEntry, protobuf-encoded
}

// DeadLetter is a dead letter as the API lists it.
type DeadLetter struct {
	ID           uint64    `json:"id"`
	Time         time.Time `json:"time"`
	Reason       string    `json:"reason"`
	Agent        string    `json:"agent"`
	Organization string    `json:"organization"`
	Seq          uint64    `json:"seq"`
	SourceType   string    `json:"log_source_type"`
	Message      string    `json:"message"`
}

func openDeadLetters(dir string, logger hclog.Logger) (*deadLetters, error) {
	q, err := queue.Open(queue.Options{Dir: dir, Logger: logger.Named("badger"), MemTableSize: 8 << 20})
	if err != nil {
		return nil, fmt.Errorf("open dead-letter store: %w", err)
	}
	return &deadLetters{q: q}, nil
}

// Dead letters are appended in groups of at most deadLetterGroup entries
// and deadLetterGroupBytes: one Badger transaction of the store's 8 MiB
// memtable holds about 1.2 MiB, less than an index batch of rejections
// (10,000 entries of a few hundred bytes).
const (
	deadLetterGroup      = 1000
	deadLetterGroupBytes = 256 << 10
)

// add stores entries (StoredEntry encodings) with the index's reasons. If
// it fails part way, the groups before stay stored; the caller keeps the
// entries in state, so they are not lost, and may be kept twice.
func (d *deadLetters) add(entries [][]byte, reasons []string, now time.Time) error {
	var group [][]byte
	size := 0
	for i, e := range entries {
		v, err := json.Marshal(deadLetter{Reason: reasons[i], Time: now, Entry: e})
		if err != nil {
			return err
		}
		if len(group) > 0 && (len(group) == deadLetterGroup || size+len(v) > deadLetterGroupBytes) {
			if _, err := d.q.Append(group); err != nil {
				return err
			}
			group, size = nil, 0
		}
		group = append(group, v)
		size += len(v)
	}
	if len(group) == 0 {
		return nil
	}
	_, err := d.q.Append(group)
	return err
}

// A listing reads at most deadLetterListBytes of records, and at most
// deadLetterScan records looking for those of the caller's organizations:
// a token for one organization cannot make one listing read a whole store
// of the others'.
const (
	deadLetterListBytes = 64 << 20
	deadLetterScan      = 100000
)

// list returns up to limit dead letters of the organizations keep accepts,
// oldest first. An undecodable one has no organization: it is listed to
// callers that read every organization (keep("") is true).
func (d *deadLetters) list(limit int, keep func(org string) bool) ([]DeadLetter, error) {
	out := make([]DeadLetter, 0, min(limit, 1024))
	var from uint64
	scanned, size := 0, 0
	for len(out) < limit && scanned < deadLetterScan && size < deadLetterListBytes {
		items, err := d.q.Read(from, min(max(limit-len(out), 256), deadLetterScan-scanned), deadLetterListBytes-size)
		if err != nil {
			return nil, err
		}
		if len(items) == 0 {
			break
		}
		for _, it := range items {
			scanned++
			size += len(it.Value)
			from = it.Last + 1
			dl, se, err := decodeDeadLetter(it.Value)
			if err != nil {
				if keep("") {
					out = append(out, DeadLetter{ID: it.First, Reason: "undecodable dead letter: " + err.Error()})
				}
			} else if keep(se.GetOrganization()) {
				out = append(out, DeadLetter{
					ID:           it.First,
					Time:         dl.Time,
					Reason:       dl.Reason,
					Agent:        se.GetAgentId(),
					Organization: se.GetOrganization(),
					Seq:          se.GetEntry().GetSeq(),
					SourceType:   se.GetEntry().GetSourceType(),
					Message:      string(se.GetEntry().GetRaw()),
				})
			}
			if len(out) == limit {
				break
			}
		}
	}
	return out, nil
}

func decodeDeadLetter(v []byte) (deadLetter, *sluicev1.StoredEntry, error) {
	var dl deadLetter
	if err := json.Unmarshal(v, &dl); err != nil {
		return dl, nil, err
	}
	var se sluicev1.StoredEntry
	if err := proto.Unmarshal(dl.Entry, &se); err != nil {
		return dl, nil, err
	}
	return dl, &se, nil
}

func (d *deadLetters) len() int64 { return d.q.Len() }

func (d *deadLetters) close() error { return d.q.Close() }
