package spool

import (
	"sort"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/sluicehq/sluice/agent/source"
)

// Field numbers of sluice.v1.LogBatch and LogEntry (mediator.proto) and
// google.protobuf.Timestamp. encodeBatch writes the wire format by hand:
// it is the agent's hot path, and proto.Marshal would allocate a message
// per line. TestEncodeBatchMatchesProto keeps the two in step.
const (
	batchEntries = 1

	entrySeq         = 1
	entrySourceID    = 2
	entrySourceType  = 3
	entryCollectedAt = 4
	entryRaw         = 5
	entryTruncated   = 6
	entryOrigLength  = 7
	entryFields      = 8

	// A map<string,string> entry is a message of key = 1, value = 2.
	mapKey   = 1
	mapValue = 2

	tsSeconds = 1
	tsNanos   = 2
)

// encodeBatch encodes b's lines as a LogBatch whose entries have the
// sequences first, first+1, ….
func encodeBatch(b source.Batch, first uint64) []byte {
	// What every entry of the batch shares, encoded once.
	var common []byte
	common = protowire.AppendTag(common, entrySourceID, protowire.BytesType)
	common = protowire.AppendString(common, b.SourceID)
	common = protowire.AppendTag(common, entrySourceType, protowire.BytesType)
	common = protowire.AppendString(common, b.LogSourceType)
	var ts []byte
	if secs := b.Collected.Unix(); secs != 0 {
		ts = protowire.AppendTag(ts, tsSeconds, protowire.VarintType)
		ts = protowire.AppendVarint(ts, uint64(secs))
	}
	if nanos := b.Collected.Nanosecond(); nanos != 0 {
		ts = protowire.AppendTag(ts, tsNanos, protowire.VarintType)
		ts = protowire.AppendVarint(ts, uint64(nanos))
	}
	common = protowire.AppendTag(common, entryCollectedAt, protowire.BytesType)
	common = protowire.AppendBytes(common, ts)

	size := 0
	for _, l := range b.Lines {
		size += len(l.Raw) + len(common) + 32
	}
	out := make([]byte, 0, size)
	for i, l := range b.Lines {
		seq := first + uint64(i)
		n := protowire.SizeTag(entrySeq) + protowire.SizeVarint(seq) + len(common) +
			protowire.SizeTag(entryRaw) + protowire.SizeBytes(len(l.Raw))
		if l.Truncated {
			n += protowire.SizeTag(entryTruncated) + 1 +
				protowire.SizeTag(entryOrigLength) + protowire.SizeVarint(origLength(l))
		}
		var fields []byte
		if len(l.Fields) > 0 {
			fields = encodeFields(l.Fields)
			n += len(fields)
		}
		out = protowire.AppendTag(out, batchEntries, protowire.BytesType)
		out = protowire.AppendVarint(out, uint64(n))
		out = protowire.AppendTag(out, entrySeq, protowire.VarintType)
		out = protowire.AppendVarint(out, seq)
		out = append(out, common...)
		out = protowire.AppendTag(out, entryRaw, protowire.BytesType)
		out = protowire.AppendBytes(out, l.Raw)
		if l.Truncated {
			out = protowire.AppendTag(out, entryTruncated, protowire.VarintType)
			out = protowire.AppendVarint(out, 1)
			out = protowire.AppendTag(out, entryOrigLength, protowire.VarintType)
			out = protowire.AppendVarint(out, origLength(l))
		}
		out = append(out, fields...)
	}
	return out
}

// encodeFields encodes a line's fields as LogEntry.fields map entries, in
// key order so that a batch encodes the same every time.
func encodeFields(fields map[string]string) []byte {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []byte
	for _, k := range keys {
		v := fields[k]
		n := protowire.SizeTag(mapKey) + protowire.SizeBytes(len(k)) +
			protowire.SizeTag(mapValue) + protowire.SizeBytes(len(v))
		out = protowire.AppendTag(out, entryFields, protowire.BytesType)
		out = protowire.AppendVarint(out, uint64(n))
		out = protowire.AppendTag(out, mapKey, protowire.BytesType)
		out = protowire.AppendString(out, k)
		out = protowire.AppendTag(out, mapValue, protowire.BytesType)
		out = protowire.AppendString(out, v)
	}
	return out
}

func origLength(l source.Line) uint64 { return uint64(min(l.Length, 1<<32-1)) }
