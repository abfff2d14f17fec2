package mediator

import (
	"sync"

	"github.com/sluicehq/sluice/pkg/queue"
)

// orgBacklog is each organization's backlog in state: the entries and
// value bytes of its records, which state tags with the organization
// (queue.AppendTagged). The queue keeps these counts as records come and
// go, so they are exact, also after a restart. Records stored before
// state tagged them (an upgrade) count in the state's total only.
type orgBacklog struct {
	q *queue.Queue
	// seen are the organizations each has reported: once drained they
	// are reported at 0 rather than vanish (a gauge series that vanishes
	// reads as "no data", not "nothing waiting"). Organizations are
	// bounded by the agents admitted.
	seen sync.Map
}

// get is org's backlog: entries and bytes (0, 0 for an organization
// with nothing in state). It is the default orgQuotas.backlog.
func (b *orgBacklog) get(org string) (entries, bytes int64) {
	if b == nil || org == legacyTag {
		return 0, 0
	}
	st, _ := b.q.Tag(org)
	return st.Entries, st.Bytes
}

// stored notes that org has stored entries (state calls it per append).
func (b *orgBacklog) stored(org string) {
	if _, ok := b.seen.Load(org); !ok {
		b.seen.Store(org, true)
	}
}

// each calls fn with every organization that has had entries in state
// since the start (0, 0 for those drained).
func (b *orgBacklog) each(fn func(org string, entries, bytes int64)) {
	if b == nil {
		return
	}
	tags := b.q.Tags()
	for org := range tags {
		if org != legacyTag {
			b.stored(org)
		}
	}
	b.seen.Range(func(k, _ any) bool {
		org := k.(string)
		st := tags[org]
		fn(org, st.Entries, st.Bytes)
		return true
	})
}
