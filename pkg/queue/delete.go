package queue

import (
	"fmt"
)

// DeleteThrough removes every record whose entries all have seq <=
// through, in one durable transaction together with meta. It returns how
// many entries it removed.
func (q *Queue) DeleteThrough(through uint64, meta ...KV) (int64, error) {
	if q.closed.Load() {
		return 0, ErrClosed
	}
	recs := q.idx.claimThrough(through)
	if len(recs) == 0 && len(meta) == 0 {
		return 0, nil
	}
	return q.remove(recs, meta)
}

// Delete removes the given records durably; those not queued (deleted
// already) are passed over.
func (q *Queue) Delete(recs []Record) error {
	if q.closed.Load() {
		return ErrClosed
	}
	// What the records take and where their values are: taken from the
	// index rather than from recs, which may be copies.
	claimed := q.idx.claim(recs)
	if len(claimed) == 0 {
		return nil
	}
	_, err := q.remove(claimed, nil)
	return err
}

// remove deletes records claimed in the index and writes meta in one
// durable batch, then lets their segments go. It returns how many entries
// it removed.
func (q *Queue) remove(recs []idxRec, meta []KV) (n int64, err error) {
	defer func() { q.idx.release(recs, err == nil) }()
	if q.closed.Load() {
		return 0, ErrClosed
	}
	wb := q.db.NewWriteBatch()
	defer wb.Cancel()
	var size int64
	var ptrs []pointer
	for _, r := range recs {
		if err := wb.Delete(recordKey(r.first, r.last)); err != nil {
			return 0, fmt.Errorf("queue delete: %w", err)
		}
		n += int64(r.last - r.first + 1)
		size += r.size
		if r.inSeg {
			ptrs = append(ptrs, r.ptr)
		}
	}
	for _, kv := range meta {
		var err error
		if kv.Value == nil {
			err = wb.Delete(metaKey(kv.Key))
		} else {
			err = wb.Set(metaKey(kv.Key), kv.Value)
		}
		if err != nil {
			return 0, fmt.Errorf("queue delete: %w", err)
		}
	}
	if err := wb.Flush(); err != nil {
		return 0, fmt.Errorf("queue delete: %w", err)
	}
	q.length.Add(-n)
	q.bytes.Add(-size)
	q.segs.release(ptrs)
	return n, nil
}
