package mediator

import (
	"context"
	"sort"
	"sync"
	"time"

	"google.golang.org/grpc/codes"

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
}

// registry tracks connected agents and enforces max_agents.
type registry struct {
	max int

	mu     sync.Mutex
	agents map[string]*session // by agentKey
}

// session is one connected agent stream.
type session struct {
	info   AgentInfo
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
	return &registry{max: max, agents: map[string]*session{}}
}

// add registers a session, replacing an older stream of the same agent (the
// agent reconnected before we noticed the old one died). It refuses with
// max_agents when full.
func (r *registry) add(s *session) error {
	key := agentKey(s.info.Organization, s.info.ID)
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.agents[key]; ok {
		old.cancel(errReplaced)
		delete(r.agents, key)
	}
	if len(r.agents) >= r.max {
		return refusal.Error(codes.ResourceExhausted, refusal.MaxAgents, "mediator serves its maximum number of agents")
	}
	r.agents[key] = s
	return nil
}

func (r *registry) remove(s *session) {
	key := agentKey(s.info.Organization, s.info.ID)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.agents[key] == s {
		delete(r.agents, key)
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

func (r *registry) list() []AgentInfo {
	r.mu.Lock()
	out := make([]AgentInfo, 0, len(r.agents))
	for _, s := range r.agents {
		out = append(out, s.info)
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
