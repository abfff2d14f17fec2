package mediator

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/peer"

	"github.com/sluicehq/sluice/pkg/pki"
	"github.com/sluicehq/sluice/pkg/queue"
	"github.com/sluicehq/sluice/pkg/refusal"
)

// Acceptance states of an agent id (LogRhythm's pending/accepted/rejected).
const (
	StatePending  = "pending"
	StateAccepted = "accepted"
	StateRejected = "rejected"
)

// Acceptance is what the mediator records of an agent id.
type Acceptance struct {
	ID           string    `json:"id"`
	Organization string    `json:"organization"`
	State        string    `json:"state"`
	FirstSeen    time.Time `json:"first_seen"`
	LastSeen     time.Time `json:"last_seen"`
	Hostname     string    `json:"hostname,omitempty"`
	Peer         string    `json:"peer,omitempty"`
}

// acceptance keeps the agents' acceptance states in the state store, so a
// decision survives restarts. Admitting a known agent touches memory only;
// the first visit of a new one is written to disk without holding the
// lock every other admission needs (a connect storm of thousands of new
// agents queued on it behind one disk write each), and the queue's group
// commit shares the fsyncs of those written at once.
type acceptance struct {
	mode string // "auto" or "manual"
	q    *queue.Queue

	mu    sync.Mutex
	cache map[string]Acceptance
	// saving holds, per agent being written, a channel closed when the
	// write is over: later visits of that agent wait for it.
	saving map[string]chan struct{}
	// store writes a record durably (write; tests hold it up).
	store func(Acceptance) error
}

func newAcceptance(mode string, q *queue.Queue) (*acceptance, error) {
	a := &acceptance{mode: mode, q: q, cache: map[string]Acceptance{}, saving: map[string]chan struct{}{}}
	a.store = a.write
	err := q.MetaPrefix("acc/", func(_ string, v []byte) error {
		var rec Acceptance
		if err := json.Unmarshal(v, &rec); err == nil {
			a.cache[agentKey(rec.Organization, rec.ID)] = rec
		}
		return nil
	})
	return a, err
}

func (a *acceptance) write(rec Acceptance) error {
	v, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return a.q.SetMeta(queue.KV{Key: "acc/" + agentKey(rec.Organization, rec.ID), Value: v})
}

// lockIdle takes mu once no write of key is under way.
func (a *acceptance) lockIdle(key string) {
	for {
		a.mu.Lock()
		wait, busy := a.saving[key]
		if !busy {
			return
		}
		a.mu.Unlock()
		<-wait
	}
}

// admit records the agent's visit and returns nil if it may send data, or
// the refusal to answer with.
func (a *acceptance) admit(org, id, hostname, peerAddr string, now time.Time) error {
	key := agentKey(org, id)
	a.lockIdle(key)
	rec, known := a.cache[key]
	if known {
		// Only the first visit and state changes are written: a
		// reconnecting agent costs no disk write.
		rec.LastSeen, rec.Hostname, rec.Peer = now, hostname, peerAddr
		a.cache[key] = rec
		a.mu.Unlock()
		return verdict(rec)
	}
	rec = Acceptance{ID: id, Organization: org, FirstSeen: now, LastSeen: now, Hostname: hostname, Peer: peerAddr, State: StatePending}
	if a.mode == "auto" {
		rec.State = StateAccepted
	}
	done := make(chan struct{})
	a.saving[key] = done
	a.mu.Unlock()

	err := a.store(rec)

	a.mu.Lock()
	delete(a.saving, key)
	close(done)
	if err == nil {
		a.cache[key] = rec
	}
	a.mu.Unlock()
	if err != nil {
		return refusal.Error(codes.Unavailable, refusal.Suspense, "mediator cannot record the agent")
	}
	return verdict(rec)
}

// verdict is admit's answer for an agent in rec's state.
func verdict(rec Acceptance) error {
	switch rec.State {
	case StateAccepted:
		return nil
	case StateRejected:
		return refusal.Error(codes.PermissionDenied, refusal.Rejected, fmt.Sprintf("agent %s/%s was rejected on this mediator", rec.Organization, rec.ID))
	}
	return refusal.Error(codes.PermissionDenied, refusal.Pending, fmt.Sprintf("agent %s/%s is pending acceptance: an admin runs `sluice agents accept %s`", rec.Organization, rec.ID, rec.ID))
}

// decide sets an agent's state (accept or reject). An admin's decision is
// rare: it holds the lock across its write, after any first visit of the
// same agent being written.
func (a *acceptance) decide(org, id, state string) (Acceptance, error) {
	key := agentKey(org, id)
	a.lockIdle(key)
	defer a.mu.Unlock()
	rec, known := a.cache[key]
	if !known {
		rec = Acceptance{ID: id, Organization: org, FirstSeen: time.Now()}
	}
	rec.State = state
	if err := a.store(rec); err != nil {
		return rec, err
	}
	a.cache[key] = rec
	return rec, nil
}

func (a *acceptance) list() []Acceptance {
	a.mu.Lock()
	out := make([]Acceptance, 0, len(a.cache))
	for _, r := range a.cache {
		out = append(out, r)
	}
	a.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Organization != out[j].Organization {
			return out[i].Organization < out[j].Organization
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// revocations is the set of revoked agent ids: from the config, and from a
// file (one id per line, # comments) re-read when it changes.
type revocations struct {
	static []string
	file   string
	logger hclog.Logger

	mu    sync.RWMutex
	ids   map[string]bool
	mtime time.Time
}

func newRevocations(ids []string, file string, logger hclog.Logger) (*revocations, error) {
	r := &revocations{static: ids, file: file, logger: logger}
	if err := r.reload(true); err != nil {
		return nil, err
	}
	return r, nil
}

// reload re-reads the file if it changed. At start a missing or unreadable
// file is an error; later the previous list stays in force.
func (r *revocations) reload(first bool) error {
	ids := map[string]bool{}
	for _, id := range r.static {
		ids[id] = true
	}
	var mtime time.Time
	if r.file != "" {
		fi, err := os.Stat(r.file)
		if err != nil {
			if first {
				return fmt.Errorf("revoked_file: %w", err)
			}
			r.logger.Error("cannot read revoked_file; keeping the previous list", "error", err)
			return nil
		}
		mtime = fi.ModTime()
		r.mu.RLock()
		same := !first && mtime.Equal(r.mtime)
		r.mu.RUnlock()
		if same {
			return nil
		}
		f, err := os.Open(r.file)
		if err != nil {
			return fmt.Errorf("revoked_file: %w", err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line != "" && !strings.HasPrefix(line, "#") {
				ids[line] = true
			}
		}
		_ = f.Close()
		if !first {
			r.logger.Info("revocation list reloaded", "file", r.file, "revoked", len(ids))
		}
	}
	r.mu.Lock()
	r.ids, r.mtime = ids, mtime
	r.mu.Unlock()
	return nil
}

func (r *revocations) revoked(id string) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.ids[id]
}

// check is the TLS handshake hook: a revoked agent cannot even connect.
func (r *revocations) check(id pki.Identity) error {
	if id.Kind == pki.KindAgent && r.revoked(id.ID) {
		return fmt.Errorf("agent %s is revoked", id.ID)
	}
	return nil
}

// watch reloads the file and cuts off streams of revoked agents, every
// interval until ctx ends.
func (r *revocations) watch(ctx context.Context, reg *registry, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		_ = r.reload(false)
		for _, ai := range reg.list() {
			if r.revoked(ai.ID) && reg.kickOne(ai.Organization, ai.ID, kick{revoked: true, reason: "agent revoked"}) {
				r.logger.Warn("revoked agent cut off", "agent", ai.ID, "organization", ai.Organization)
			}
		}
	}
}

// peerIdentity is the identity in the client certificate of a TLS stream
// (ok false on a plaintext stream).
func peerIdentity(ctx context.Context) (pki.Identity, bool, error) {
	p, ok := peer.FromContext(ctx)
	if !ok || p.AuthInfo == nil {
		return pki.Identity{}, false, nil
	}
	ti, ok := p.AuthInfo.(credentials.TLSInfo)
	if !ok {
		return pki.Identity{}, false, nil
	}
	if len(ti.State.PeerCertificates) == 0 {
		return pki.Identity{}, true, pki.ErrNoIdentity
	}
	id, err := pki.IdentityOf(ti.State.PeerCertificates[0])
	return id, true, err
}
