package mediator

import (
	"slices"
	"sync"
	"time"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/sluicehq/sluice/pkg/backoff"
)

// orgGate keeps one organization's index trouble from holding back the
// others. An organization whose writes keep failing is parked: its records
// stay in state (durable, acknowledged to the agents) but the dispatcher
// passes over them, so the other organizations' entries keep flowing. When
// the park expires and none of its entries are in flight any more, the
// dispatcher reads that organization's records again from its oldest
// (state keeps each organization's records apart: queue.ReadTag).
type orgGate struct {
	policy backoff.Policy
	now    func() time.Time

	mu       sync.Mutex
	parked   map[string]*parkedOrg
	inflight map[string]int
	// parks counts consecutive parks per organization (the backoff).
	parks map[string]int
	// troubled are organizations whose last write failed.
	troubled map[string]bool
}

type parkedOrg struct {
	until time.Time
}

func newOrgGate(policy backoff.Policy) *orgGate {
	return &orgGate{
		policy:   policy,
		now:      time.Now,
		parked:   map[string]*parkedOrg{},
		inflight: map[string]int{},
		parks:    map[string]int{},
		troubled: map[string]bool{},
	}
}

// isParked reports whether org's records are being passed over.
func (g *orgGate) isParked(org string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	_, ok := g.parked[org]
	return ok
}

// park passes over org for a backoff that grows with each park in a row.
func (g *orgGate) park(org string) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.troubled[org] = true
	if p, ok := g.parked[org]; ok {
		return p.until.Sub(g.now())
	}
	d := g.policy.Delay(g.parks[org])
	g.parks[org]++
	g.parked[org] = &parkedOrg{until: g.now().Add(d)}
	return d
}

// unparkIfDue unparks org when its park expired and nothing of it is in
// flight, and reports whether it did: its records are read again from
// its oldest.
func (g *orgGate) unparkIfDue(org string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	p, ok := g.parked[org]
	if !ok || g.now().Before(p.until) || g.inflight[org] > 0 {
		return false
	}
	delete(g.parked, org)
	return true
}

// inflightOf is how many of org's entries are in flight.
func (g *orgGate) inflightOf(org string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.inflight[org]
}

// dispatched and finished count an organization's records in flight.
func (g *orgGate) dispatched(org string, n int) {
	g.mu.Lock()
	g.inflight[org] += n
	g.mu.Unlock()
}

func (g *orgGate) finished(org string, n int) {
	g.mu.Lock()
	if g.inflight[org] -= n; g.inflight[org] <= 0 {
		delete(g.inflight, org)
	}
	g.mu.Unlock()
}

// failed and succeeded track which organizations are in trouble.
func (g *orgGate) failed(org string) {
	g.mu.Lock()
	g.troubled[org] = true
	g.mu.Unlock()
}

func (g *orgGate) succeeded(org string) {
	g.mu.Lock()
	delete(g.troubled, org)
	delete(g.parks, org)
	g.mu.Unlock()
}

// snapshot reports the entries in flight per organization and the
// organizations parked now.
func (g *orgGate) snapshot() (inflight map[string]int, parked []string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	inflight = make(map[string]int, len(g.inflight))
	for o, n := range g.inflight {
		inflight[o] = n
	}
	for o := range g.parked {
		parked = append(parked, o)
	}
	slices.Sort(parked)
	return inflight, parked
}

// trouble reports whether any organization's writes are failing.
func (g *orgGate) trouble() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.troubled) > 0
}

// recordOrg reads the organization of a state record (a StoredBatch)
// without decoding its entries: field 2, before the packed batch.
func recordOrg(v []byte) string {
	for len(v) > 0 {
		num, typ, n := protowire.ConsumeTag(v)
		if n < 0 {
			return ""
		}
		v = v[n:]
		if num == 2 && typ == protowire.BytesType {
			s, m := protowire.ConsumeBytes(v)
			if m < 0 {
				return ""
			}
			return string(s)
		}
		m := protowire.ConsumeFieldValue(num, typ, v)
		if m < 0 {
			return ""
		}
		v = v[m:]
	}
	return ""
}

// parkBackoff spaces a parked organization's retries.
var parkBackoff = backoff.Policy{Base: time.Second, Max: time.Minute, Jitter: 0.5}

// defaultParkAfter is how long one organization's failing write is retried
// before it is parked and the others go ahead.
const defaultParkAfter = 10 * time.Second
