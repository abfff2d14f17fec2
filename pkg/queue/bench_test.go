package queue

import (
	"fmt"
	"testing"
)

// BenchmarkAppend measures what durability costs: appends of batches of
// 200-byte entries with an fsync per commit (SyncWrites, what Sluice runs
// with) and without (the page cache only; what a crash of the machine,
// not of the process, could lose) — stored one key per entry, and one
// record per batch.
func BenchmarkAppend(b *testing.B) {
	for _, sync := range []bool{true, false} {
		for _, batch := range []int{100, 1000, 5000} {
			name := fmt.Sprintf("sync=%v/entries/batch=%d", sync, batch)
			b.Run(name, func(b *testing.B) {
				q, err := Open(Options{Dir: b.TempDir(), NoSync: !sync})
				if err != nil {
					b.Fatal(err)
				}
				defer q.Close()
				vals := make([][]byte, batch)
				for i := range vals {
					vals[i] = make([]byte, 200)
				}
				b.SetBytes(int64(200 * batch))
				b.ResetTimer()
				for range b.N {
					if _, err := q.Append(vals); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "entries/s")
			})
			// The same entries as one record per batch, as the spool and
			// the mediator's state store them.
			name = fmt.Sprintf("sync=%v/record/batch=%d", sync, batch)
			b.Run(name, func(b *testing.B) {
				q, err := Open(Options{Dir: b.TempDir(), NoSync: !sync})
				if err != nil {
					b.Fatal(err)
				}
				defer q.Close()
				val := make([]byte, 200*batch)
				b.SetBytes(int64(len(val)))
				b.ResetTimer()
				for range b.N {
					if _, err := q.AppendRecord(batch, func(uint64) ([]byte, error) { return val, nil }); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "entries/s")
			})
		}
	}
}
