package armlink

import (
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

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
