package queue

import (
	"encoding/binary"
)

// Keys. Records and metadata share one Badger keyspace, told apart by
// their first byte (FORMAT.md, "Keys").
const (
	prefixEntry = 'e'
	prefixMeta  = 'm'
	metaNext    = "\x00next"
)

// recordKey is 'e', first, last: records sort by their first sequence,
// and a key alone tells what a record holds.
func recordKey(first, last uint64) []byte {
	k := make([]byte, 17)
	k[0] = prefixEntry
	binary.BigEndian.PutUint64(k[1:], first)
	binary.BigEndian.PutUint64(k[9:], last)
	return k
}

// rangeOf is the entries a record key names; ok is false for a key of
// another length, which a queue never writes.
func rangeOf(key []byte) (first, last uint64, ok bool) {
	if len(key) != 17 {
		return 0, 0, false
	}
	return binary.BigEndian.Uint64(key[1:]), binary.BigEndian.Uint64(key[9:]), true
}

func metaKey(name string) []byte { return append([]byte{prefixMeta}, name...) }
