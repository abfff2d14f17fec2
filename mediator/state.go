package mediator

import (
	"encoding/binary"
	"fmt"
	"sync"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/protobuf/proto"

	"github.com/sluicehq/sluice/pkg/queue"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// state is the mediator's durable store of received entries, waiting to be
// parsed and indexed (LogRhythm's state directory). It also remembers, per
// agent, the highest sequence it holds, so a resend after a lost
// acknowledgement is recognized and not stored twice.
type state struct {
	q *queue.Queue

	mu  sync.Mutex
	hwm map[string]uint64 // by agentKey
}

func openState(dir string, logger hclog.Logger) (*state, error) {
	q, err := queue.Open(queue.Options{Dir: dir, Logger: logger.Named("badger"), MemTableSize: 64 << 20})
	if err != nil {
		return nil, fmt.Errorf("open mediator state: %w", err)
	}
	s := &state{q: q, hwm: map[string]uint64{}}
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

// highWater returns the highest sequence held for the agent (0 = none).
func (s *state) highWater(org, agent string) uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hwm[agentKey(org, agent)]
}

// append stores the entries of one agent with a sequence above its high
// water mark, and the new mark, in one durable transaction. It returns the
// number of entries stored (the rest were already held). Calls for the
// same agent must not run concurrently (one stream per agent).
func (s *state) append(org, agent string, entries []*sluicev1.LogEntry) (int, error) {
	key := agentKey(org, agent)
	hw := s.highWater(org, agent)
	vals := make([][]byte, 0, len(entries))
	for _, e := range entries {
		if e.GetSeq() <= hw {
			continue // a resend of what we hold
		}
		hw = e.GetSeq()
		v, err := proto.Marshal(&sluicev1.StoredEntry{AgentId: agent, Organization: org, Entry: e})
		if err != nil {
			return 0, fmt.Errorf("encode entry: %w", err)
		}
		vals = append(vals, v)
	}
	if len(vals) == 0 {
		return 0, nil
	}
	var hb [8]byte
	binary.BigEndian.PutUint64(hb[:], hw)
	if _, err := s.q.Append(vals, queue.KV{Key: "hwm/" + key, Value: hb[:]}); err != nil {
		return 0, err
	}
	s.mu.Lock()
	if hw > s.hwm[key] {
		s.hwm[key] = hw
	}
	s.mu.Unlock()
	return len(vals), nil
}

func (s *state) close() error { return s.q.Close() }
