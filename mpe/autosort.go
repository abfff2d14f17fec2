package mpe

import (
	"slices"
	"sync/atomic"

	"github.com/sluicehq/sluice/pkg/event"
)

// Automatic sort (log_source_type's sort = "auto"), like LogRhythm's: the
// rules of a policy are tried in order of how often they matched, so the
// common lines find their rule first. sort_order still counts: it orders
// bands, and only rules of the same sort_order move relative to each
// other, so a specific rule given a lower sort_order than a catch-all
// always comes first. Rules that never overlap can share a sort_order and
// be reordered freely.

// resortEvery is how many (sampled) lines pass between re-sorts.
const resortEvery = 1024

type autoSort struct {
	// rank[i] is policy rule i's position in the current order.
	rank  atomic.Pointer[[]int32]
	lines atomic.Uint64
}

func newAutoSort(policy []*rule) *autoSort {
	a := &autoSort{}
	rank := make([]int32, len(policy))
	for i := range rank {
		rank[i] = int32(i)
	}
	a.rank.Store(&rank)
	return a
}

// resort recomputes the order from the rules' match counts: by sort_order,
// then most matches first, then the static order.
func (a *autoSort) resort(policy []*rule) {
	idx := make([]int, len(policy))
	for i := range idx {
		idx[i] = i
	}
	matches := make([]uint64, len(policy))
	for i, r := range policy {
		matches[i] = r.stats.matched.Load()
	}
	slices.SortStableFunc(idx, func(x, y int) int {
		if policy[x].order != policy[y].order {
			return policy[x].order - policy[y].order
		}
		switch {
		case matches[x] > matches[y]:
			return -1
		case matches[x] < matches[y]:
			return 1
		}
		return x - y
	})
	rank := make([]int32, len(policy))
	for pos, i := range idx {
		rank[i] = int32(pos)
	}
	a.rank.Store(&rank)
}

// match tries the candidates of sc in the current automatic order.
func (a *autoSort) match(t *logSourceType, sc *scan, line string, ev *event.Event, p *pass) (int, []int) {
	if p.timed && a.lines.Add(1)%resortEvery == 0 {
		a.resort(t.policy)
	}
	rank := *a.rank.Load()
	var buf [32]int
	cands := buf[:0]
	for i := sc.next(0); i >= 0; i = sc.next(i + 1) {
		cands = append(cands, i)
	}
	slices.SortFunc(cands, func(x, y int) int { return int(rank[x]) - int(rank[y]) })
	for _, i := range cands {
		if m, ok := t.policy[i].try(line, ev, p, sc); ok {
			return i, m
		}
	}
	return -1, nil
}
