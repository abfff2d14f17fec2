package uplink

import (
	"github.com/sluicehq/sluice/pkg/queue"
)

// maxCoalesce is how many spool records one message may gather.
const maxCoalesce = 256

// outBatch is consecutive spool records on their way as one message.
type outBatch struct {
	first, last uint64
	recs        []queue.Record
	size        int
}

func (b *outBatch) entries() int { return int(b.last - b.first + 1) }

// packed is the message's payload. A record is an encoded LogBatch of
// entries only, and protobuf decodes concatenated messages as one whose
// repeated fields are concatenated: the records' bytes joined are the
// batch of all their entries, in order.
func (b *outBatch) packed() []byte {
	if len(b.recs) == 1 {
		return b.recs[0].Value
	}
	out := make([]byte, 0, b.size)
	for _, r := range b.recs {
		out = append(out, r.Value...)
	}
	return out
}

// coalesce groups consecutive records (no gap in their sequences) into
// batches of at most maxEntries entries and maxBytes bytes; a record larger
// than either goes alone.
func coalesce(recs []queue.Record, maxEntries, maxBytes int) []outBatch {
	var out []outBatch
	for _, r := range recs {
		n := int(r.Last - r.First + 1)
		if k := len(out) - 1; k >= 0 {
			b := &out[k]
			if r.First == b.last+1 && b.entries()+n <= maxEntries && b.size+len(r.Value) <= maxBytes && len(b.recs) < maxCoalesce {
				b.recs = append(b.recs, r)
				b.last = r.Last
				b.size += len(r.Value)
				continue
			}
		}
		out = append(out, outBatch{first: r.First, last: r.Last, recs: []queue.Record{r}, size: len(r.Value)})
	}
	return out
}

// recordsOf is the records of batches, in order.
func recordsOf(batches []outBatch) []queue.Record {
	var out []queue.Record
	for _, b := range batches {
		out = append(out, b.recs...)
	}
	return out
}

// small reports whether a batch is small enough to linger for more: under
// a quarter of both of a message's bounds.
func (u *Uplink) small(b outBatch) bool {
	return b.entries() < u.cfg.BatchEntries/4 && b.size < u.cfg.BatchBytes/4
}
