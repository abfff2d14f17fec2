package mediator

import (
	"context"
	"maps"
)

// dedicatedPool is a running pool of one organization's own workers.
type dedicatedPool struct {
	workers int
	st      *poolStatus
	cancel  context.CancelFunc
	done    chan struct{}
}

// supervise runs the dedicated pools the organization settings ask for,
// until ctx is done, and changes them when told the settings changed
// (reconfigure). An organization moving to its own pool is dropped by the
// shared pool first (it stops taking it at its next read) and taken by
// the new pool once nothing of it is in flight; one moving back has its
// pool stopped before the shared pool takes it. Entries are never taken
// by two pools at once.
func (p *pipeline) supervise(ctx context.Context) {
	p.applyPools(ctx)
	for {
		select {
		case <-ctx.Done():
			p.dedicatedMu.Lock()
			running := maps.Clone(p.dedicated)
			p.dedicatedMu.Unlock()
			for _, d := range running {
				<-d.done
			}
			return
		case <-p.reconfigure:
			p.applyPools(ctx)
		}
	}
}

// wantedPools is the dedicated workers per organization the settings in
// force ask for.
func (p *pipeline) wantedPools() map[string]int {
	want := map[string]int{}
	if p.orgs == nil || p.workers == 0 {
		// workers = 0 is the maintenance mode: nothing is processed.
		return want
	}
	for org, o := range p.orgs.configured() {
		if o.DedicatedWorkers > 0 {
			want[org] = o.DedicatedWorkers
		}
	}
	return want
}

// applyPools starts, stops and resizes dedicated pools to match the
// settings.
func (p *pipeline) applyPools(ctx context.Context) {
	want := p.wantedPools()
	p.dedicatedMu.RLock()
	have := maps.Clone(p.dedicated)
	p.dedicatedMu.RUnlock()
	for org, d := range have {
		if n, ok := want[org]; ok && n == d.workers {
			delete(want, org) // running as wanted
			continue
		}
		// Stopped first: what it had in flight is finished (or left in
		// state) before another pool takes the organization. A resized
		// pool stays in dedicated until its successor replaces it, so
		// the shared pool never takes the organization meanwhile.
		d.cancel()
		<-d.done
		if _, ok := want[org]; !ok {
			p.dedicatedMu.Lock()
			delete(p.dedicated, org)
			p.dedicatedMu.Unlock()
			p.logger.Info("organization back in the shared pool", "organization", org)
		}
	}
	for org, n := range want {
		pctx, cancel := context.WithCancel(ctx)
		d := &dedicatedPool{workers: n, st: &poolStatus{}, cancel: cancel, done: make(chan struct{})}
		p.dedicatedMu.Lock()
		if p.dedicated == nil {
			p.dedicated = map[string]*dedicatedPool{}
		}
		p.dedicated[org] = d
		p.dedicatedMu.Unlock()
		p.logger.Info("organization has its own workers", "organization", org, "workers", n)
		go func() {
			defer close(d.done)
			p.runPool(pctx, &pool{org: org, workers: n, st: d.st})
		}()
	}
}

// reconfigured tells the pipeline the organization settings changed.
func (p *pipeline) reconfigured() {
	select {
	case p.reconfigure <- struct{}{}:
	default:
	}
}

// pools reports the dedicated pools running: workers per organization.
func (p *pipeline) pools() map[string]int {
	p.dedicatedMu.RLock()
	defer p.dedicatedMu.RUnlock()
	out := make(map[string]int, len(p.dedicated))
	for org, d := range p.dedicated {
		out[org] = d.workers
	}
	return out
}
