package queue

import (
	"encoding/binary"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// AppendRecord stores a record of n consecutive entries, and the metadata
// in meta, in one durable transaction. encode is called with the first
// sequence of the record (under the queue's lock, keep it cheap) and
// returns the record's value, so entries can carry their sequences.
// Concurrent appends share fsyncs (group commit) while keeping sequence
// order equal to commit order, so readers never see a gap fill in later.
// With n == 0 only the metadata is written.
func (q *Queue) AppendRecord(n int, encode func(first uint64) ([]byte, error), meta ...KV) (Record, error) {
	return q.AppendTagged("", n, encode, meta...)
}

// Append stores each value as a record of one entry, all in one durable
// transaction, and returns the first sequence.
func (q *Queue) Append(vals [][]byte, meta ...KV) (uint64, error) {
	var first uint64
	err := q.append(uint64(len(vals)), func(f uint64) ([]pendingValue, error) {
		first = f
		out := make([]pendingValue, len(vals))
		for i, v := range vals {
			out[i] = pendingValue{first: f + uint64(i), last: f + uint64(i), value: v}
		}
		return out, nil
	}, meta)
	return first, err
}

// pendingValue is a record on its way into the queue.
type pendingValue struct {
	first, last uint64
	value       []byte
	tag         string
	ptr         *pointer // where value went, when it went to a segment
}

// append assigns n sequences, has build make the records, writes large
// values to their segment, and commits. The steps that must follow
// sequence order (assignment, segment writes, handing the transaction to
// Badger) are ordered; the fsyncs between them, and the transactions of
// appends waiting together, are shared.
func (q *Queue) append(n uint64, build func(first uint64) ([]pendingValue, error), meta []KV) error {
	q.mu.Lock()
	if q.closed.Load() {
		q.mu.Unlock()
		return ErrClosed
	}
	q.appends.Add(1)
	defer q.appends.Done()
	first := q.next
	recs, err := build(first)
	if err != nil {
		q.mu.Unlock()
		return fmt.Errorf("queue append: %w", err)
	}
	var size int64
	for i := range recs {
		r := &recs[i]
		size += int64(len(r.value))
		// What Badger would store, tag included: values of segmentMin
		// and more never go to its value log.
		if len(r.value)+tagHeaderLen(r.tag) < segmentMin {
			continue
		}
		p, err := q.segs.write(r.value)
		if err != nil {
			q.mu.Unlock()
			q.unwrite(recs)
			return fmt.Errorf("queue append: %w", err)
		}
		r.ptr = &p
	}
	q.next = first + n
	ticket := q.tickets
	q.tickets++
	writes := q.segs.writes()
	q.mu.Unlock()

	req := &commitReq{ticket: ticket, recs: recs, next: first + n, meta: meta, done: make(chan error, 1)}
	req.irecs = make([]idxRec, len(recs))
	wroteSegment := false
	for i, r := range recs {
		req.irecs[i] = idxRec{first: r.first, last: r.last, tag: r.tag, size: int64(len(r.value))}
		if r.ptr != nil {
			req.irecs[i].ptr, req.irecs[i].inSeg = *r.ptr, true
			wroteSegment = true
		}
	}
	if wroteSegment {
		// The values are durable before the transaction that points
		// to them.
		req.failed = q.segs.syncThrough(writes)
	}
	q.commits <- req
	err = <-req.done
	if len(recs) > 0 {
		q.idx.settle(first, first+n-1, err == nil)
	}
	if err != nil {
		// The sequence numbers are burnt; that leaves a gap, never a reuse.
		q.unwrite(recs)
		return fmt.Errorf("queue commit: %w", err)
	}
	if n > 0 {
		q.length.Add(int64(n))
		q.bytes.Add(size)
		select {
		case q.notify <- struct{}{}:
		default:
		}
	}
	return nil
}

// stage puts records, the next sequence and meta into txn.
func (q *Queue) stage(txn *badger.Txn, recs []pendingValue, next uint64, meta []KV) error {
	for _, r := range recs {
		if err := setRecord(txn, r); err != nil {
			return err
		}
	}
	var nb [8]byte
	binary.BigEndian.PutUint64(nb[:], next)
	if err := txn.Set(metaKey(metaNext), nb[:]); err != nil {
		return err
	}
	for _, kv := range meta {
		var err error
		if kv.Value == nil {
			err = txn.Delete(metaKey(kv.Key))
		} else {
			err = txn.Set(metaKey(kv.Key), kv.Value)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (q *Queue) unwrite(recs []pendingValue) {
	for _, r := range recs {
		if r.ptr != nil {
			q.segs.unwrite(*r.ptr)
		}
	}
}

// SetMeta stores metadata values alone, durably.
func (q *Queue) SetMeta(meta ...KV) error {
	_, err := q.AppendRecord(0, nil, meta...)
	return err
}
