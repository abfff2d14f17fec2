package queue

import (
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// Tagged records (FORMAT.md, "Tags"). A record's tag is kept in the Badger
// value stored under its key, behind a header, and Badger's user-meta byte
// of that key says which encoding the value is in: no extra key per record
// and no extra Badger work per append. Records without a tag are written
// exactly as before tags existed (user meta 0), so a queue written before
// opens unchanged, each of its records with tag "".
const (
	// encPlain: the value is the record's bytes, or a segment pointer
	// (decodePointer). Every record without a tag.
	encPlain byte = 0
	// encTagged: tag length (1 byte), tag, the record's bytes.
	encTagged byte = 1
	// encTaggedPointer: tag length (1 byte), tag, a segment pointer.
	encTaggedPointer byte = 2
)

// MaxTagLen is the longest tag AppendTagged takes, in bytes.
const MaxTagLen = 255

// ErrTagTooLong is returned by AppendTagged for a tag over MaxTagLen bytes.
var ErrTagTooLong = errors.New("queue tag longer than 255 bytes")

// tagHeaderLen is how many bytes a record's tag adds to its Badger value.
func tagHeaderLen(tag string) int {
	if tag == "" {
		return 0
	}
	return 1 + len(tag)
}

// encodeValue returns the Badger value and user meta of a record: its
// bytes v, or the pointer p to them when p is not nil, behind its tag.
func encodeValue(tag string, v []byte, p *pointer) ([]byte, byte) {
	enc := encTagged
	if p != nil {
		v, enc = p.encode(), encTaggedPointer
	}
	if tag == "" {
		return v, encPlain
	}
	b := make([]byte, 0, 1+len(tag)+len(v))
	b = append(b, byte(len(tag)))
	b = append(b, tag...)
	return append(b, v...), enc
}

// decodeValue splits a record's Badger value, stored with user meta enc,
// into its tag and either its bytes (v) or a pointer to them (isPtr). v
// aliases val. It fails for an encoding a queue does not write.
func decodeValue(enc byte, val []byte) (tag string, v []byte, p pointer, isPtr bool, err error) {
	switch enc {
	case encPlain:
		p, isPtr = decodePointer(val)
		if isPtr {
			return "", nil, p, true, nil
		}
		return "", val, pointer{}, false, nil
	case encTagged, encTaggedPointer:
		if len(val) < 2 || int(val[0]) == 0 || len(val) < 1+int(val[0]) {
			return "", nil, pointer{}, false, fmt.Errorf("a tagged record value of %d bytes is cut short", len(val))
		}
		n := 1 + int(val[0])
		tag, v = string(val[1:n]), val[n:]
		if enc == encTagged {
			return tag, v, pointer{}, false, nil
		}
		if p, isPtr = decodePointer(v); !isPtr {
			return "", nil, pointer{}, false, fmt.Errorf("a tagged record value of %d bytes holds no segment pointer", len(val))
		}
		return tag, nil, p, true, nil
	default:
		return "", nil, pointer{}, false, fmt.Errorf("a record value in encoding %d, which this version does not know", enc)
	}
}

// setRecord stages a record's key and value in txn.
func setRecord(txn *badger.Txn, r pendingValue) error {
	v, enc := encodeValue(r.tag, r.value, r.ptr)
	key := recordKey(r.first, r.last)
	if enc == encPlain {
		return txn.Set(key, v)
	}
	return txn.SetEntry(badger.NewEntry(key, v).WithMeta(enc))
}

// AppendTagged is AppendRecord for a record carrying tag (at most
// MaxTagLen bytes; "" is AppendRecord). The tag is stored with the record
// and comes back in Record.Tag from Read and ReadTag, also after a
// reopen; ReadTag reads the records of one tag and Tags counts them.
func (q *Queue) AppendTagged(tag string, n int, encode func(first uint64) ([]byte, error), meta ...KV) (Record, error) {
	if len(tag) > MaxTagLen {
		return Record{}, fmt.Errorf("queue append: %w (%d)", ErrTagTooLong, len(tag))
	}
	var rec Record
	err := q.append(uint64(n), func(first uint64) ([]pendingValue, error) {
		rec = Record{First: first, Last: first + uint64(n) - 1, Tag: tag}
		if n == 0 {
			return nil, nil
		}
		v, err := encode(first)
		rec.Value = v
		return []pendingValue{{first: rec.First, last: rec.Last, value: v, tag: tag}}, err
	}, meta)
	if err != nil {
		return Record{}, err
	}
	return rec, nil
}

// ReadTag is Read for the records of one tag: the live records tagged tag
// holding entries with seq >= from, in order, up to max records and about
// maxBytes of values (at least one record if any is there). It stops at
// the first record of the tag whose append has not committed, so it never
// returns a later record of the tag before an earlier one. Its cost
// depends on the records it returns, not on the records of other tags
// queued or on those deleted (BenchmarkReadTagAmongOthers).
func (q *Queue) ReadTag(tag string, from uint64, max int, maxBytes int) ([]Record, error) {
	if q.closed.Load() {
		return nil, ErrClosed
	}
	return q.readRecs(q.idx.readableTag(tag, from, max), maxBytes)
}

// Tags returns, for each tag with live records, how many records and
// entries they are and the size of their values. Records appended with
// AppendRecord or Append are under "". Its cost depends on the number of
// tags only.
func (q *Queue) Tags() map[string]TagStats { return q.idx.tagStats() }

// Tag is Tags for one tag, without building the map (false when the tag
// has no live records): cheap enough for a check per append.
func (q *Queue) Tag(tag string) (TagStats, bool) { return q.idx.tagStat(tag) }
