package armlink

import (
	"bytes"
	"sync"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// syncBuffer is a bytes.Buffer safe for a logger and a test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// agentHB is an agent heartbeat as the agent sends it.
func agentHB(id, org, mediator string, at time.Time) *sluicev1.Heartbeat {
	return &sluicev1.Heartbeat{
		Time:            timestamppb.New(at),
		ComponentId:     id,
		Hostname:        id + ".example.net",
		Version:         "1.2.3",
		Organization:    org,
		CurrentMediator: mediator,
		LastMediator:    mediator,
		SpoolDepth:      7,
	}
}
