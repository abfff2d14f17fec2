package e2e

import (
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/agent/uplink"
	"github.com/sluicehq/sluice/pkg/queue"
)

// emptySpool is a spool with nothing to send: the storm test only needs
// agents that connect and heartbeat, not 200 Badger directories.
type emptySpool struct{ notify chan struct{} }

func (s *emptySpool) ReadRecords(uint64, int, int) ([]queue.Record, error) { return nil, nil }
func (s *emptySpool) Ack(uint64) error                                     { return nil }
func (s *emptySpool) Notify() <-chan struct{}                              { return s.notify }
func (s *emptySpool) Depth() int64                                         { return 0 }
func (s *emptySpool) NextSeq() uint64                                      { return 1 }

func newMemAgent(t testing.TB, id string, mediators []string, jitter time.Duration) *uplink.Uplink {
	t.Helper()
	up, err := uplink.New(uplink.Config{
		AgentID:           id,
		Hostname:          id,
		Mediators:         mediators,
		HeartbeatInterval: 5 * time.Second,
		ReconnectJitter:   jitter,
	}, &emptySpool{notify: make(chan struct{})}, hclog.NewNullLogger())
	if err != nil {
		t.Fatal(err)
	}
	return up
}

func (s *emptySpool) FirstSeq() uint64 { return 0 }
