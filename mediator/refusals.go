package mediator

import (
	"sync/atomic"

	"github.com/sluicehq/sluice/pkg/refusal"
)

// refusalReasons are the reasons a stream is refused for, as counted:
// pkg/refusal's words, and "other" for a stream that ended before it was
// admitted without one (a handshake timeout, a client gone). A stream
// refused for a duplicate identity is counted by the registry.
var refusalReasons = [...]string{
	refusal.MaxAgents, refusal.Suspense, refusal.Shutdown, refusal.BadHello,
	refusal.Identity, refusal.Pending, refusal.Rejected, "other",
}

// refusalCounts counts the streams refused, by reason: one increment per
// refused connection, never per batch.
type refusalCounts struct {
	n [len(refusalReasons)]atomic.Uint64
}

// count counts the refusal err (nil: none). Duplicate identities are the
// registry's count (registry.duplicatesRefused), so they are not counted
// twice.
func (c *refusalCounts) count(err error) {
	if err == nil {
		return
	}
	_, reason := refusal.Reason(err)
	if reason == refusal.DuplicateIdentity {
		return
	}
	i := len(refusalReasons) - 1 // other
	for j, r := range refusalReasons {
		if r == reason {
			i = j
			break
		}
	}
	c.n[i].Add(1)
}

// each calls fn with each reason's count.
func (c *refusalCounts) each(fn func(reason string, n uint64)) {
	for i, r := range refusalReasons {
		fn(r, c.n[i].Load())
	}
}
