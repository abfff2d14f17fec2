package mediator

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/protobuf/proto"

	"github.com/sluicehq/sluice/pkg/queue"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// state is the mediator's durable store of received entries, waiting to be
// parsed and indexed (LogRhythm's state directory). It also remembers, per
// agent spool (organization, agent id, incarnation), the highest sequence
// it holds, so a resend after a lost acknowledgement is recognized and not
// stored twice, and never on the strength of another spool's entries: two
// spools of one agent id (a cloned host, a reinstall beside the old
// install) number their entries independently.
type state struct {
	q *queue.Queue

	mu  sync.Mutex
	hwm map[string]uint64 // by spoolKey
	// orgs is each organization's backlog in state.
	orgs *orgBacklog
}

// spool is where a stream's entries come from: an agent's spool.
type spool struct {
	org, agent string
	// incarnation is the spool's (the hello's; "" for a source without
	// one, such as ARM's own events), tag its public name
	// (event.SpoolTag).
	incarnation, tag string
	// hostname, version and host are the agent's own facts from its
	// hello, stored with each batch (see sluicev1.StoredBatch).
	hostname, version string
	host              *sluicev1.AgentHost
}

// spoolKey is where a spool's high-water mark is kept:
// "ORG/AGENT/INCARNATION" ("ORG/AGENT/" without incarnation), so that the
// marks of every spool of an agent share the prefix "ORG/AGENT/". Ids and
// incarnations hold no '/'.
func spoolKey(org, agent, incarnation string) string {
	return agentKey(org, agent) + "/" + incarnation
}

func (s spool) key() string { return spoolKey(s.org, s.agent, s.incarnation) }

func openState(dir string, logger hclog.Logger) (*state, error) {
	// Batches live in segment files and Badger's tree holds a pointer
	// per batch, so a small memtable does, as in the agent's spool. Its
	// arena is allocated whole and counts as live heap: 64 MiB made
	// 83 MiB that the GC multiplied by GOGC (gctune.Tune), hundreds of MiB
	// of resident memory for a tree of a few KiB.
	//
	// A new state numbers its records from its creation time, as the
	// agent's spool does: the archive skips records at or below the
	// highest it holds (its dedupe after a crash), so a state made again
	// (moved, wiped) must never reuse numbers an older one archived.
	q, err := queue.Open(queue.Options{Dir: dir, Logger: logger.Named("badger"), MemTableSize: 8 << 20, FirstSeq: uint64(time.Now().UnixNano())})
	if err != nil {
		return nil, fmt.Errorf("open mediator state: %w", err)
	}
	s := &state{q: q, hwm: map[string]uint64{}, orgs: &orgBacklog{q: q}}
	err = q.MetaPrefix("hwm/", func(key string, val []byte) error {
		if len(val) == 8 {
			s.hwm[key[len("hwm/"):]] = binary.BigEndian.Uint64(val)
		}
		return nil
	})
	if err != nil {
		_ = q.Close()
		return nil, fmt.Errorf("load mediator state: %w", err)
	}
	return s, nil
}

func agentKey(org, agent string) string { return org + "/" + agent }

// highWater returns the highest sequence held of the spool (0 = none).
func (s *state) highWater(sp spool) uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hwm[sp.key()]
}

// agentHighWater returns the highest sequence held of any spool of the
// agent (tests and benchmarks: how far one agent got).
func (s *state) agentHighWater(org, agent string) uint64 {
	prefix := spoolKey(org, agent, "")
	s.mu.Lock()
	defer s.mu.Unlock()
	var hw uint64
	for k, v := range s.hwm {
		if strings.HasPrefix(k, prefix) {
			hw = max(hw, v)
		}
	}
	return hw
}

// append stores entries of a source without incarnation (ARM's own
// events; see appendBatch).
func (s *state) append(org, agent string, entries []*sluicev1.LogEntry) (int, error) {
	n, _, err := s.appendBatch(spool{org: org, agent: agent}, &sluicev1.LogBatch{Entries: entries})
	return n, err
}

// errBadBatch is wrapped for batches that contradict themselves.
var errBadBatch = errors.New("malformed batch")

// appendBatch stores the part of one spool's batch above the spool's
// high-water mark, and the new mark, in one durable transaction: one
// record per batch. A packed batch is stored as the agent sent it, without
// decoding it; only a batch that overlaps what is held is decoded and
// trimmed. The record is tagged with the spool's organization, so the
// pipeline reads each organization's records apart (fair sharing). It
// returns how many entries it stored and the batch's last
// sequence (to acknowledge). Calls for the same spool must not run
// concurrently (one stream per agent).
func (s *state) appendBatch(sp spool, b *sluicev1.LogBatch) (int, uint64, error) {
	first, last, packed := b.GetFirstSeq(), b.GetLastSeq(), b.GetPacked()
	var entries []*sluicev1.LogEntry
	if packed == nil {
		entries = b.GetEntries()
		if len(entries) == 0 {
			return 0, 0, nil
		}
		first, last = entries[0].GetSeq(), entries[0].GetSeq()
		for _, e := range entries {
			first, last = min(first, e.GetSeq()), max(last, e.GetSeq())
		}
	}
	if last < first || last == 0 {
		return 0, 0, fmt.Errorf("%w: sequences %d..%d", errBadBatch, first, last)
	}
	key := sp.key()
	hw := s.highWater(sp)
	if last <= hw {
		return 0, last, nil // a resend of what we hold
	}
	count := int(last - first + 1)
	if packed == nil || first <= hw {
		if packed != nil {
			var full sluicev1.LogBatch
			if err := proto.Unmarshal(packed, &full); err != nil {
				return 0, 0, fmt.Errorf("%w: %v", errBadBatch, err)
			}
			entries = full.GetEntries()
		}
		keep := make([]*sluicev1.LogEntry, 0, len(entries))
		for _, e := range entries {
			if e.GetSeq() > hw {
				keep = append(keep, e)
			}
		}
		var err error
		if packed, err = proto.Marshal(&sluicev1.LogBatch{Entries: keep}); err != nil {
			return 0, 0, fmt.Errorf("encode batch: %w", err)
		}
		count = len(keep)
	}
	if count == 0 {
		return 0, last, nil
	}
	value, err := proto.Marshal(&sluicev1.StoredBatch{AgentId: sp.agent, Organization: sp.org, Packed: packed, Spool: sp.tag,
		Hostname: sp.hostname, AgentVersion: sp.version, Host: sp.host})
	if err != nil {
		return 0, 0, fmt.Errorf("encode batch: %w", err)
	}
	var hb [8]byte
	binary.BigEndian.PutUint64(hb[:], last)
	s.orgs.stored(sp.org)
	if _, err := s.q.AppendTagged(sp.org, count, func(uint64) ([]byte, error) { return value, nil }, queue.KV{Key: "hwm/" + key, Value: hb[:]}); err != nil {
		return 0, 0, err
	}
	s.mu.Lock()
	if last > s.hwm[key] {
		s.hwm[key] = last
	}
	s.mu.Unlock()
	return count, last, nil
}

func (s *state) close() error { return s.q.Close() }
