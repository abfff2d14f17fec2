// Package uplinktest holds an in-memory uplink.Spool for tests that need
// an agent's stream without a Badger spool on disk (the uplink's own tests,
// and the mediator's tests that drive real uplinks).
package uplinktest

import (
	"fmt"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/sluicehq/sluice/pkg/queue"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// MemSpool is an in-memory spool of packed records of consecutive
// entries. Its lines are sshd lines the starter rules parse.
type MemSpool struct {
	mu     sync.Mutex
	recs   []queue.Record
	added  []time.Time // when each of recs was spooled
	next   uint64
	notify chan struct{}
	// OnAck, when set before use, is told of each record acknowledged and
	// when it was spooled.
	OnAck func(r queue.Record, added time.Time)
}

// NewMemSpool returns an empty spool whose first entry is sequence 1.
func NewMemSpool() *MemSpool { return &MemSpool{next: 1, notify: make(chan struct{}, 1)} }

// Add spools a record of n entries.
func (s *MemSpool) Add(n int) {
	s.mu.Lock()
	es := make([]*sluicev1.LogEntry, n)
	for i := range es {
		seq := s.next + uint64(i)
		es[i] = &sluicev1.LogEntry{Seq: seq, SourceType: "linux-auth", Raw: fmt.Appendf(nil, "Nov 20 08:15:02 web-01 sshd[31]: Failed password for root from 203.0.113.9 port %d ssh2", seq)}
	}
	v, err := proto.Marshal(&sluicev1.LogBatch{Entries: es})
	if err != nil {
		panic(err)
	}
	s.recs = append(s.recs, queue.Record{First: s.next, Last: s.next + uint64(n) - 1, Value: v})
	s.added = append(s.added, time.Now())
	s.next += uint64(n)
	s.mu.Unlock()
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

// ReadRecords returns the records holding entries from seq from on.
func (s *MemSpool) ReadRecords(from uint64, max, maxBytes int) ([]queue.Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []queue.Record
	size := 0
	for _, r := range s.recs {
		if r.Last < from {
			continue
		}
		if len(out) == max || (len(out) > 0 && size+len(r.Value) > maxBytes) {
			break
		}
		size += len(r.Value)
		out = append(out, r)
	}
	return out, nil
}

// Ack drops the records acknowledged through seq.
func (s *MemSpool) Ack(through uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.recs) > 0 && s.recs[0].Last <= through {
		if s.OnAck != nil {
			s.OnAck(s.recs[0], s.added[0])
		}
		s.recs, s.added = s.recs[1:], s.added[1:]
	}
	return nil
}

// Notify is signalled when a record is added.
func (s *MemSpool) Notify() <-chan struct{} { return s.notify }

// NextSeq is the sequence the next entry gets.
func (s *MemSpool) NextSeq() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.next
}

// Depth is the number of entries not acknowledged.
func (s *MemSpool) Depth() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := int64(0)
	for _, r := range s.recs {
		n += r.Entries()
	}
	return n
}

// FirstSeq is the first sequence not acknowledged (0 when empty).
func (s *MemSpool) FirstSeq() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.recs) == 0 {
		return 0
	}
	return s.recs[0].First
}
