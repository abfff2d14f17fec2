package queue

import (
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// Meta returns the metadata value of key, or nil if unset.
func (q *Queue) Meta(key string) ([]byte, error) {
	var out []byte
	err := q.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(metaKey(key))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		out, err = item.ValueCopy(nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("queue meta %q: %w", key, err)
	}
	return out, nil
}

// MetaPrefix calls fn for each metadata key starting with prefix.
func (q *Queue) MetaPrefix(prefix string, fn func(key string, val []byte) error) error {
	return q.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, Prefix: metaKey(prefix)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			if err := fn(string(it.Item().Key()[1:]), v); err != nil {
				return err
			}
		}
		return nil
	})
}

// Read returns the records holding entries with seq >= from, in order, up
// to max records and about maxBytes of values (at least one record if any
// is there). The first record may start before from. Its cost depends on
// the records it returns, not on how many were appended or deleted before
// them (BenchmarkReadAfterDeletes).
func (q *Queue) Read(from uint64, max int, maxBytes int) ([]Record, error) {
	if q.closed.Load() {
		return nil, ErrClosed
	}
	return q.readRecs(q.idx.readable(from, max), maxBytes)
}

// readRecs reads the values of recs, copies from the index, up to about
// maxBytes (at least one record); records deleted since the index was
// read are passed over.
func (q *Queue) readRecs(recs []idxRec, maxBytes int) ([]Record, error) {
	size := int64(0)
	for i, r := range recs {
		if i > 0 && size+r.size > int64(maxBytes) {
			recs = recs[:i]
			break
		}
		size += r.size
	}
	out := make([]Record, 0, len(recs))
	var txn *badger.Txn
	defer func() {
		if txn != nil {
			txn.Discard()
		}
	}()
	for _, r := range recs {
		var v []byte
		var err error
		if r.inSeg {
			v, err = q.segs.read(r.ptr)
			if errors.Is(err, errSegmentGone) {
				continue // deleted since the index was read
			}
		} else {
			if txn == nil {
				txn = q.db.NewTransaction(false)
			}
			var item *badger.Item
			item, err = txn.Get(recordKey(r.first, r.last))
			if errors.Is(err, badger.ErrKeyNotFound) {
				continue // deleted since the index was read
			}
			if err == nil {
				v, err = itemValue(item)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("queue read: %w", err)
		}
		out = append(out, Record{First: r.first, Last: r.last, Value: v, Tag: r.tag})
	}
	return out, nil
}

// itemValue returns a copy of the bytes of a record kept in Badger, its
// tag header (if any) left out.
func itemValue(item *badger.Item) ([]byte, error) {
	if item.UserMeta() == encPlain {
		return item.ValueCopy(nil)
	}
	var out []byte
	err := item.Value(func(val []byte) error {
		_, v, _, isPtr, err := decodeValue(item.UserMeta(), val)
		if err == nil && isPtr {
			err = errors.New("a record read from Badger is a segment pointer the index did not know")
		}
		out = append([]byte(nil), v...)
		return err
	})
	return out, err
}

// First returns the lowest queued sequence, or (0, false) when empty.
func (q *Queue) First() (uint64, bool, error) {
	if q.closed.Load() {
		return 0, false, ErrClosed
	}
	r, ok := q.idx.first()
	return r.first, ok, nil
}
