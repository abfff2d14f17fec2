package spool_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/agent/source"
	"github.com/sluicehq/sluice/agent/spool"
)

// BenchmarkCommitAck is a source's commit of a batch of 500 lines of 100
// bytes and its acknowledgement (no fsync), timed for the ack latency
// histogram as the agent does: the spool's share of the agent's hot path,
// per batch.
func BenchmarkCommitAck(b *testing.B) {
	sp, err := spool.Open(spool.Options{Dir: b.TempDir(), NoSync: true, OnAcked: func(time.Duration) {}})
	if err != nil {
		b.Fatal(err)
	}
	defer sp.Close()
	raw := []byte(strings.Repeat("x", 100))
	lines := make([]source.Line, 500)
	for i := range lines {
		lines[i] = source.Line{Raw: raw, Length: len(raw)}
	}
	batch := source.Batch{SourceID: "bench", LogSourceType: "t", Lines: lines, Collected: time.Now()}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := sp.Commit(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
		if err := sp.Ack(sp.NextSeq() - 1); err != nil {
			b.Fatal(err)
		}
	}
}
