package mediator

import (
	"sync"
)

// orgBacklog counts, per organization, the entries stored in state since
// the mediator started and not yet taken out of it (indexed or kept as
// dead letters), and their bytes (the stored records' values). State
// itself keeps no count per organization, and counting what it held at
// the start would mean reading all of it: the entries stored before the
// start are counted in the state's total only.
//
// Bytes are exact as records are stored; as they are taken out, the
// pipeline knows a record's entries but no longer its size (it drops the
// value once decoded), so an organization's bytes go down in proportion
// to its entries: exact for batches of one size, never negative, and back
// to zero whenever its entries are. pkg/queue's per-tag statistics are to
// replace this count (orgQuotas.backlog is the hook).
type orgBacklog struct {
	// since is the first state sequence stored after the start: records
	// from below it were never counted here, so their removal is not
	// taken off either.
	since uint64

	// orgs maps an organization to its *orgCount: a sync.Map, so the
	// per-batch lookup takes no map lock once the organization is known.
	orgs sync.Map
}

// orgCount is one organization's backlog.
type orgCount struct {
	mu      sync.Mutex
	entries int64
	bytes   int64
}

func newOrgBacklog(since uint64) *orgBacklog {
	return &orgBacklog{since: since}
}

// counter returns org's count, created on first use. Organizations are
// bounded by the configuration and the acceptance registry.
func (b *orgBacklog) counter(org string) *orgCount {
	if c, ok := b.orgs.Load(org); ok {
		return c.(*orgCount)
	}
	c, _ := b.orgs.LoadOrStore(org, new(orgCount))
	return c.(*orgCount)
}

// add counts n entries of size bytes of org stored in state (negative:
// an append counted ahead that failed). It is called before the append,
// so the pipeline never takes off what was not counted yet.
func (b *orgBacklog) add(org string, n int, size int) {
	if b == nil || (n == 0 && size == 0) {
		return
	}
	c := b.counter(org)
	c.mu.Lock()
	c.entries += int64(n)
	c.bytes += int64(size)
	c.mu.Unlock()
}

// removed takes off n entries of org whose record starts at first, when
// they were counted, and their share of its bytes.
func (b *orgBacklog) removed(org string, first uint64, n int64) {
	if b == nil || first < b.since || n <= 0 {
		return
	}
	c := b.counter(org)
	c.mu.Lock()
	defer c.mu.Unlock()
	if n >= c.entries {
		c.entries, c.bytes = c.entries-n, 0
		return
	}
	c.bytes -= int64(float64(c.bytes) * float64(n) / float64(c.entries))
	c.entries -= n
}

// get is org's backlog: entries and bytes (0, 0 for an organization
// never seen). It is the default orgQuotas.backlog.
func (b *orgBacklog) get(org string) (entries, bytes int64) {
	if b == nil {
		return 0, 0
	}
	c, ok := b.orgs.Load(org)
	if !ok {
		return 0, 0
	}
	oc := c.(*orgCount)
	oc.mu.Lock()
	defer oc.mu.Unlock()
	return oc.entries, oc.bytes
}

// each calls fn with every organization's count.
func (b *orgBacklog) each(fn func(org string, entries, bytes int64)) {
	if b == nil {
		return
	}
	b.orgs.Range(func(org, c any) bool {
		oc := c.(*orgCount)
		oc.mu.Lock()
		e, by := oc.entries, oc.bytes
		oc.mu.Unlock()
		fn(org.(string), e, by)
		return true
	})
}
