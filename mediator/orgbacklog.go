package mediator

import (
	"sync"
	"sync/atomic"
)

// orgBacklog counts, per organization, the entries stored in state since
// the mediator started and not yet taken out of it (indexed or kept as
// dead letters). State itself keeps no count per organization, and
// counting what it held at the start would mean reading all of it: the
// entries stored before the start are counted in the state's total only.
type orgBacklog struct {
	// since is the first state sequence stored after the start: records
	// from below it were never counted here, so their removal is not
	// taken off either.
	since uint64

	// orgs maps an organization to its *atomic.Int64: a sync.Map, so
	// the per-batch lookup takes no lock once the organization is known.
	orgs sync.Map
}

func newOrgBacklog(since uint64) *orgBacklog {
	return &orgBacklog{since: since}
}

// counter returns org's count, created on first use. Organizations are
// bounded by the configuration and the acceptance registry.
func (b *orgBacklog) counter(org string) *atomic.Int64 {
	if c, ok := b.orgs.Load(org); ok {
		return c.(*atomic.Int64)
	}
	c, _ := b.orgs.LoadOrStore(org, new(atomic.Int64))
	return c.(*atomic.Int64)
}

// add counts n entries of org stored in state (negative: an append
// counted ahead that failed). It is called before the append, so the
// pipeline never takes off what was not counted yet.
func (b *orgBacklog) add(org string, n int) {
	if b == nil || n == 0 {
		return
	}
	b.counter(org).Add(int64(n))
}

// removed takes off n entries of org whose record starts at first, when
// they were counted.
func (b *orgBacklog) removed(org string, first uint64, n int64) {
	if b == nil || first < b.since || n <= 0 {
		return
	}
	b.counter(org).Add(-n)
}

// each calls fn with every organization's count.
func (b *orgBacklog) each(fn func(org string, n int64)) {
	if b == nil {
		return
	}
	b.orgs.Range(func(org, c any) bool {
		fn(org.(string), c.(*atomic.Int64).Load())
		return true
	})
}
