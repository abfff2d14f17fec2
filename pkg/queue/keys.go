package queue

import (
	"encoding/binary"
)

// Keys. Records and metadata share one Badger keyspace, told apart by
// their first byte (FORMAT.md).
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

func rangeOf(key []byte) (first, last uint64) {
	if len(key) < 17 {
		return 0, 0
	}
	return binary.BigEndian.Uint64(key[1:]), binary.BigEndian.Uint64(key[9:])
}

func metaKey(name string) []byte { return append([]byte{prefixMeta}, name...) }
