package mediator

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/sluicehq/sluice/pkg/refusal"
)

// AgentInfo is what the mediator knows of a connected agent.
type AgentInfo struct {
	ID              string    `json:"id"`
	Organization    string    `json:"organization"`
	Hostname        string    `json:"hostname"`
	Version         string    `json:"version"`
	Peer            string    `json:"peer"`
	Connected       time.Time `json:"connected"`
	LastHeartbeat   time.Time `json:"last_heartbeat,omitzero"`
	CurrentMediator string    `json:"current_mediator,omitempty"`
	LastMediator    string    `json:"last_mediator,omitempty"`
	SpoolDepth      uint64    `json:"spool_depth"`
	// Stalled is the agent's own word that its uplink is stalled.
	Stalled  string `json:"stalled,omitempty"`
	Received uint64 `json:"received"`
	// Spool is the tag of the agent's spool incarnation ("" when the hello
	// named none).
	Spool string `json:"spool,omitempty"`
	// DuplicateIdentity says that another spool presented this agent id
	// while it was connected, and was refused ("" when none did in the
	// last duplicateWindow).
	DuplicateIdentity string `json:"duplicate_identity,omitempty"`
}

// registry tracks connected agents, enforces max_agents and one live
// stream per agent id.
type registry struct {
	max int
	now func() time.Time
	// orgMax is an organization's max_agents in force (-1: no limit but
	// max); nil: none. It is read at every admission, so a reload
	// changes it.
	orgMax func(org string) int

	mu     sync.Mutex
	agents map[string]*session // by agentKey
	// perOrg counts the connected agents by organization.
	perOrg map[string]int
	// clashes are the agent ids whose live stream another spool
	// presented, by agentKey, kept duplicateWindow after the last
	// refusal.
	clashes map[string]*clash
	// duplicates counts the streams refused for it.
	duplicates uint64
}

// duplicateWindow is how long after the last refusal of another spool an
// agent id is said to have a duplicate identity (in its forwarded
// heartbeats, from which ARM raises Duplicate Agent Identity, and in
// /v1/agents). A refused agent retries at least every 30 s (its backoff's
// cap), so while it keeps trying the flag stays up; once it gives up or
// finds another mediator, the flag falls after this long.
const duplicateWindow = 5 * time.Minute

// clash is another spool presenting an agent id that had a live stream.
type clash struct {
	// refused is the latest refused stream's spool tag and address;
	// connected the one holding the agent id then.
	refusedSpool, refusedPeer     string
	connectedSpool, connectedPeer string
	first, last                   time.Time
	refusals                      int
}

// reason is what the clash says, in heartbeats and /v1/agents.
func (c *clash) reason() string {
	return fmt.Sprintf("spool %s from %s was refused %d time(s) since %s: spool %s from %s held the agent id's stream",
		spoolName(c.refusedSpool), c.refusedPeer, c.refusals, c.first.UTC().Format(time.RFC3339), spoolName(c.connectedSpool), c.connectedPeer)
}

// spoolName is how a spool tag is shown; a hello without incarnation
// has none.
func spoolName(tag string) string {
	if tag == "" {
		return "(none: an agent older than spool incarnations)"
	}
	return tag
}

// duplicateError refuses a stream because its agent id has a live stream
// from another spool.
type duplicateError struct {
	connected AgentInfo
	refusals  int
}

func (e *duplicateError) Error() string {
	return fmt.Sprintf("agent id %s already connected from %s, spool %s", e.connected.ID, e.connected.Peer, spoolName(e.connected.Spool))
}

// session is one connected agent stream.
type session struct {
	info AgentInfo
	// spool is where its entries come from (the hello's incarnation).
	spool  spool
	cancel context.CancelCauseFunc
	// kick tells the stream to send Shutdown or Suspend and end.
	kick chan kick
	// limiter holds the stream's rate limits (nil: none).
	limiter *sessionLimiter
}

// kick is an order to end a stream, telling the agent why.
type kick struct {
	suspend bool // Suspend (come back later) rather than Shutdown
	revoked bool // end with PERMISSION_DENIED: the agent may not come back
	reason  string
}

func newRegistry(max int) *registry {
	return &registry{max: max, now: time.Now, agents: map[string]*session{}, perOrg: map[string]int{}, clashes: map[string]*clash{}}
}

// add registers a session. An agent id has one live stream at a time:
//   - a stream from the same spool (incarnation) replaces the older one:
//     the agent reconnected before we noticed the old stream died (a
//     half-open connection is only found by keepalives, after a minute);
//   - a stream from another spool is refused with a *duplicateError while
//     the older one lives: two processes hold the agent id (a cloned host
//     or certificate, a second install). Letting it in would cut the
//     other off in turn, and each would end the other's stream over and
//     over. Its entries wait in its spool until the other stream ends.
//
// It refuses with max_agents when full, and with an *orgFullError when
// the agent's organization has its max_agents connected.
func (r *registry) add(s *session) error {
	key := agentKey(s.info.Organization, s.info.ID)
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.agents[key]; ok {
		if old.spool.incarnation != s.spool.incarnation {
			now := r.now()
			c := r.clashes[key]
			if c == nil || now.Sub(c.last) > duplicateWindow {
				// A new clash (rare): forget the ones that are over.
				for k, old := range r.clashes {
					if now.Sub(old.last) > duplicateWindow {
						delete(r.clashes, k)
					}
				}
				c = &clash{first: now}
				r.clashes[key] = c
			}
			c.refusedSpool, c.refusedPeer = s.info.Spool, s.info.Peer
			c.connectedSpool, c.connectedPeer = old.info.Spool, old.info.Peer
			c.last = now
			c.refusals++
			r.duplicates++
			return &duplicateError{connected: old.info, refusals: c.refusals}
		}
		old.cancel(errReplaced)
		r.deleteLocked(key, old)
	}
	if len(r.agents) >= r.max {
		return refusal.Error(codes.ResourceExhausted, refusal.MaxAgents, "mediator serves its maximum number of agents")
	}
	org := s.info.Organization
	if r.orgMax != nil {
		if limit := r.orgMax(org); limit >= 0 && r.perOrg[org] >= limit {
			return &orgFullError{org: org, max: limit}
		}
	}
	r.agents[key] = s
	r.perOrg[org]++
	return nil
}

// deleteLocked takes the session s of key out; the caller holds r.mu.
func (r *registry) deleteLocked(key string, s *session) {
	delete(r.agents, key)
	org := s.info.Organization
	if r.perOrg[org]--; r.perOrg[org] <= 0 {
		delete(r.perOrg, org)
	}
}

// othersConnected reports whether an organization other than org has
// agents connected.
func (r *registry) othersConnected(org string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for o := range r.perOrg {
		if o != org {
			return true
		}
	}
	return false
}

// orgFullError refuses an agent whose organization has its max_agents
// connected. It is a max_agents refusal (RESOURCE_EXHAUSTED), like the
// mediator's own: the agent tries its other mediators and comes back
// later, keeping its entries in its spool.
type orgFullError struct {
	org string
	max int
}

func (e *orgFullError) Error() string {
	return fmt.Sprintf("organization %q serves its max_agents=%d", e.org, e.max)
}

// GRPCStatus is the refusal the agent gets.
func (e *orgFullError) GRPCStatus() *status.Status {
	st, _ := status.FromError(refusal.Error(codes.ResourceExhausted, refusal.MaxAgents, e.Error()))
	return st
}

func (r *registry) remove(s *session) {
	key := agentKey(s.info.Organization, s.info.ID)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.agents[key] == s {
		r.deleteLocked(key, s)
	}
}

func (r *registry) update(s *session, fn func(*AgentInfo)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fn(&s.info)
}

func (r *registry) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.agents)
}

// duplicate is why the agent id has a duplicate identity: another spool
// presented it while it had a live stream, less than duplicateWindow ago
// ("" otherwise).
func (r *registry) duplicate(org, id string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.duplicateLocked(agentKey(org, id))
}

func (r *registry) duplicateLocked(key string) string {
	c := r.clashes[key]
	if c == nil {
		return ""
	}
	if r.now().Sub(c.last) > duplicateWindow {
		delete(r.clashes, key)
		return ""
	}
	return c.reason()
}

// duplicatesRefused counts the streams refused because their agent id
// was connected from another spool.
func (r *registry) duplicatesRefused() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.duplicates
}

func (r *registry) list() []AgentInfo {
	r.mu.Lock()
	out := make([]AgentInfo, 0, len(r.agents))
	for key, s := range r.agents {
		info := s.info
		info.DuplicateIdentity = r.duplicateLocked(key)
		out = append(out, info)
	}
	r.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// kickOne tells the stream of one agent to end with k; false if the agent
// is not connected.
func (r *registry) kickOne(org, id string, k kick) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.agents[agentKey(org, id)]
	if !ok {
		return false
	}
	select {
	case s.kick <- k:
	default:
	}
	return true
}

// kickAll tells every stream to end with k.
func (r *registry) kickAll(k kick) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.agents {
		select {
		case s.kick <- k:
		default:
		}
	}
	return len(r.agents)
}
