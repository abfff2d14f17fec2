package arm

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/protobuf/proto"

	"github.com/sluicehq/sluice/pkg/queue"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// store is ARM's state on disk, one Badger database (through pkg/queue):
// the outbox of ARM events is the queue itself, so an event's outbox
// sequence is its queue sequence; components and their histories are
// metadata keys written in the same transaction as the events they raise.
//
//	c/<kind>/<id>  component record (JSON, without history)
//	h/<kind>/<id>  its recent status changes (JSON)
type store struct {
	q *queue.Queue
	// closed is set by close (/readyz).
	closed atomic.Bool
}

const (
	prefixComponent = "c/"
	prefixHistory   = "h/"
	// saveChunk bounds the records of one transaction: Badger refuses a
	// transaction over ~15% of its memtable.
	saveChunk = 500
)

// openStore opens or creates the store in dir. A new outbox starts its
// sequence at the creation time in microseconds, like the agent's spool:
// an ARM whose data directory was wiped never reuses a document id.
func openStore(dir string, now time.Time, logger hclog.Logger) (*store, error) {
	q, err := queue.Open(queue.Options{
		Dir:      dir,
		Logger:   logger,
		FirstSeq: uint64(now.UnixMicro()),
	})
	if err != nil {
		return nil, fmt.Errorf("open ARM state: %w", err)
	}
	return &store{q: q}, nil
}

func (s *store) close() error {
	s.closed.Store(true)
	return s.q.Close()
}

// isOpen reports whether the store is open (false for a nil store).
func (s *store) isOpen() bool { return s != nil && !s.closed.Load() }

// load returns every saved component with its history.
func (s *store) load() ([]Component, error) {
	byKey := map[string]*Component{}
	var order []string
	err := s.q.MetaPrefix(prefixComponent, func(k string, v []byte) error {
		var c Component
		if err := json.Unmarshal(v, &c); err != nil {
			return fmt.Errorf("component record %q: %w", k, err)
		}
		byKey[strings.TrimPrefix(k, prefixComponent)] = &c
		order = append(order, strings.TrimPrefix(k, prefixComponent))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load components: %w", err)
	}
	err = s.q.MetaPrefix(prefixHistory, func(k string, v []byte) error {
		c := byKey[strings.TrimPrefix(k, prefixHistory)]
		if c == nil {
			return nil
		}
		if err := json.Unmarshal(v, &c.History); err != nil {
			return fmt.Errorf("history record %q: %w", k, err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load histories: %w", err)
	}
	out := make([]Component, 0, len(order))
	for _, k := range order {
		out = append(out, *byKey[k])
	}
	return out, nil
}

// recordKVs encodes a record as metadata writes.
func recordKVs(r Record) ([]queue.KV, error) {
	k := r.Component.Key()
	c := r.Component
	c.History = nil
	v, err := json.Marshal(&c)
	if err != nil {
		return nil, fmt.Errorf("encode component %s: %w", k, err)
	}
	kvs := []queue.KV{{Key: prefixComponent + k, Value: v}}
	if r.History != nil {
		h, err := json.Marshal(r.History)
		if err != nil {
			return nil, fmt.Errorf("encode history %s: %w", k, err)
		}
		kvs = append(kvs, queue.KV{Key: prefixHistory + k, Value: h})
	}
	return kvs, nil
}

// saveRecords writes records durably, in chunks.
func (s *store) saveRecords(rs []Record) error {
	for len(rs) > 0 {
		n := min(len(rs), saveChunk)
		var kvs []queue.KV
		for _, r := range rs[:n] {
			kv, err := recordKVs(r)
			if err != nil {
				return err
			}
			kvs = append(kvs, kv...)
		}
		if err := s.q.SetMeta(kvs...); err != nil {
			return fmt.Errorf("save components: %w", err)
		}
		rs = rs[n:]
	}
	return nil
}

// appendEvents adds events to the outbox and saves records, in one durable
// transaction: a status change is never on disk without its event.
func (s *store) appendEvents(evs []*sluicev1.ArmEvent, rs []Record) error {
	vals := make([][]byte, len(evs))
	for i, e := range evs {
		v, err := proto.Marshal(e)
		if err != nil {
			return fmt.Errorf("encode ARM event: %w", err)
		}
		vals[i] = v
	}
	var kvs []queue.KV
	for _, r := range rs {
		kv, err := recordKVs(r)
		if err != nil {
			return err
		}
		kvs = append(kvs, kv...)
	}
	if _, err := s.q.Append(vals, kvs...); err != nil {
		return fmt.Errorf("append ARM events: %w", err)
	}
	return nil
}

// forget deletes a component and its history.
func (s *store) forget(kind Kind, id string) error {
	k := key(kind, id)
	if err := s.q.SetMeta(queue.KV{Key: prefixComponent + k}, queue.KV{Key: prefixHistory + k}); err != nil {
		return fmt.Errorf("forget %s: %w", k, err)
	}
	return nil
}

// readEvents returns up to max outbox events with seq >= from, with
// entry.seq set to their outbox sequence.
func (s *store) readEvents(from uint64, max, maxBytes int) ([]*sluicev1.ArmEvent, error) {
	items, err := s.q.Read(from, max, maxBytes)
	if err != nil {
		return nil, fmt.Errorf("read ARM outbox: %w", err)
	}
	out := make([]*sluicev1.ArmEvent, 0, len(items))
	for _, it := range items {
		e := &sluicev1.ArmEvent{}
		if err := proto.Unmarshal(it.Value, e); err != nil {
			return nil, fmt.Errorf("decode ARM event %d: %w", it.First, err)
		}
		if e.Entry == nil {
			e.Entry = &sluicev1.LogEntry{}
		}
		e.Entry.Seq = it.First
		out = append(out, e)
	}
	return out, nil
}
