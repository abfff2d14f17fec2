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
// dispatcher rescans state from the lowest record it left behind and hands
// that organization's records to the workers again.
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
	// from is the lowest sequence of this organization's records left in
	// state behind the dispatcher's cursor.
	from uint64
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

// leftBehind notes a record of a parked org the dispatcher passed over;
// it reports false (and notes nothing) if org is not parked.
func (g *orgGate) leftBehind(org string, first uint64) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	p, ok := g.parked[org]
	if ok && first < p.from {
		p.from = first
	}
	return ok
}

// park passes over org for a backoff that grows with each park in a row;
// from is the lowest sequence of its records that stay in state.
func (g *orgGate) park(org string, from uint64) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.troubled[org] = true
	if p, ok := g.parked[org]; ok {
		if from < p.from {
			p.from = from
		}
		return p.until.Sub(g.now())
	}
	d := g.policy.Delay(g.parks[org])
	g.parks[org]++
	g.parked[org] = &parkedOrg{until: g.now().Add(d), from: from}
	return d
}

// due unparks one organization whose park expired and that has nothing in
// flight, and returns where its rescan starts.
func (g *orgGate) due() (org string, from uint64, ok bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	for o, p := range g.parked {
		if now.Before(p.until) || g.inflight[o] > 0 {
			continue
		}
		delete(g.parked, o)
		return o, p.from, true
	}
	return "", 0, false
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
