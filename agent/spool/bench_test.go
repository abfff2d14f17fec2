package spool_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/sluicehq/sluice/agent/source"
	"github.com/sluicehq/sluice/agent/spool"
)

// BenchmarkReadAfterAcks is the uplink's read of the next 8 batches after
// 0 and after 1,000,000 batches were spooled and acknowledged: what the
// spool forgot must not slow what it reads (a long-running agent on a
// busy host acknowledges millions of batches a day).
func BenchmarkReadAfterAcks(b *testing.B) {
	for _, acked := range []int{0, 1000000} {
		sp, from := spoolAfterAcks(b, acked)
		b.Run(fmt.Sprintf("acked=%d", acked), func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				recs, err := sp.ReadRecords(from, 8, 4<<20)
				if err != nil {
					b.Fatal(err)
				}
				if len(recs) != 8 {
					b.Fatalf("read %d records", len(recs))
				}
			}
		})
		if err := sp.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

func spoolAfterAcks(b *testing.B, acked int) (*spool.Spool, uint64) {
	b.Helper()
	sp, err := spool.Open(spool.Options{Dir: b.TempDir(), NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	line := source.Batch{SourceID: "bench", LogSourceType: "syslog", Lines: []source.Line{{Raw: []byte("Dec  7 10:00:00 host sshd[1]: Accepted password for bob from 10.0.0.5 port 51234 ssh2")}}}
	for i := range acked {
		if err := sp.Commit(context.Background(), line); err != nil {
			b.Fatal(err)
		}
		if i%1000 == 999 {
			if err := sp.Ack(sp.NextSeq() - 1); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := sp.Ack(sp.NextSeq() - 1); err != nil {
		b.Fatal(err)
	}
	from := sp.NextSeq()
	for range 8 {
		if err := sp.Commit(context.Background(), line); err != nil {
			b.Fatal(err)
		}
	}
	return sp, from
}
