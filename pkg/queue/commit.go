package queue

import "sync"

// Group commit. Appends are numbered (tickets) when their sequences are
// assigned and are committed by one goroutine, in ticket order, as many
// in one Badger transaction as are waiting when the previous commit
// ends. With SyncWrites Badger syncs its write-ahead file once per
// transaction, not once per write round: a mediator taking one small
// batch a second from each of thousands of agents spent a third of its
// CPU in those msyncs, one per batch. Waiting appends now share one.
// Handing transactions to Badger in ticket order keeps commit order equal
// to sequence order, so readers never see a gap fill in later.

// commitReq is one append on its way to Badger.
type commitReq struct {
	ticket uint64
	recs   []pendingValue
	irecs  []idxRec
	next   uint64 // the queue's next sequence after this append
	meta   []KV
	// failed is set when the append cannot commit (its segment values
	// did not sync): it only takes its turn.
	failed error
	done   chan error
}

// commitLoop commits appends until stop is closed; Close closes it once
// no append is under way.
func (q *Queue) commitLoop() {
	defer close(q.commitDone)
	waiting := map[uint64]*commitReq{}
	var turn uint64
	for {
		select {
		case r := <-q.commits:
			waiting[r.ticket] = r
		case <-q.commitStop:
			return
		}
		for more := true; more; {
			select {
			case r := <-q.commits:
				waiting[r.ticket] = r
			default:
				more = false
			}
		}
		var run []*commitReq
		for {
			r, ok := waiting[turn]
			if !ok {
				break
			}
			delete(waiting, turn)
			run = append(run, r)
			turn++
		}
		if len(run) > 0 {
			q.commitRun(run)
		}
	}
}

// commitRun commits consecutive appends and answers each. Records enter
// the index, pending, in sequence order before their transaction goes to
// Badger.
func (q *Queue) commitRun(run []*commitReq) {
	maxSize, maxCount := q.db.MaxBatchSize()*9/10, q.db.MaxBatchCount()*9/10
	var groups [][]*commitReq
	var cur []*commitReq
	var size, count int64
	for _, r := range run {
		q.idx.add(r.irecs)
		if r.failed != nil {
			r.done <- r.failed
			continue
		}
		s, c := r.estimate()
		if len(cur) > 0 && (size+s > maxSize || count+c > maxCount) {
			groups = append(groups, cur)
			cur, size, count = nil, 0, 0
		}
		cur = append(cur, r)
		size, count = size+s, count+c
	}
	if len(cur) > 0 {
		groups = append(groups, cur)
	}
	var wg sync.WaitGroup
	for _, g := range groups {
		err := q.commitGroup(&wg, g)
		if err == nil {
			continue
		}
		if len(g) == 1 {
			g[0].done <- err
			continue
		}
		// The estimate was short: a transaction each.
		for _, r := range g {
			if err := q.commitGroup(&wg, []*commitReq{r}); err != nil {
				r.done <- err
			}
		}
	}
	wg.Wait()
}

// commitGroup hands g to Badger in one transaction; each of g is answered
// when it committed. An error staging it is returned, unanswered.
func (q *Queue) commitGroup(wg *sync.WaitGroup, g []*commitReq) error {
	txn := q.db.NewTransaction(true)
	for _, r := range g {
		if err := q.stage(txn, r.recs, r.next, r.meta); err != nil {
			txn.Discard()
			return err
		}
	}
	wg.Add(1)
	txn.CommitWith(func(err error) {
		defer wg.Done()
		for _, r := range g {
			r.done <- err
		}
	})
	return nil
}

// estimate is about what the append adds to a Badger transaction: bytes
// and entries, as Badger counts them against its limits.
func (r *commitReq) estimate() (size, count int64) {
	const perEntry = 17 + 32 // a record key and Badger's own overhead
	for _, p := range r.recs {
		v := int64(len(p.value))
		if p.ptr != nil {
			v = pointerLen
		}
		v += int64(tagHeaderLen(p.tag))
		size += perEntry + v
		count++
	}
	size += perEntry + 8 // the next sequence
	count++
	for _, kv := range r.meta {
		size += perEntry + int64(len(kv.Key)+len(kv.Value))
		count++
	}
	return size, count
}
