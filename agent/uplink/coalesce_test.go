package uplink

import (
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/sluicehq/sluice/agent/uplink/uplinktest"
	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/queue"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// record encodes entries first..last as a spool record.
func record(t *testing.T, first, last uint64) queue.Record {
	t.Helper()
	var b sluicev1.LogBatch
	for s := first; s <= last; s++ {
		b.Entries = append(b.Entries, &sluicev1.LogEntry{Seq: s, Raw: []byte("line")})
	}
	v, err := proto.Marshal(&b)
	if err != nil {
		t.Fatal(err)
	}
	return queue.Record{First: first, Last: last, Value: v}
}

func TestCoalesce(t *testing.T) {
	recs := []queue.Record{record(t, 1, 2), record(t, 3, 3), record(t, 4, 6), record(t, 9, 9), record(t, 10, 12), record(t, 13, 20)}
	got := coalesce(recs, 6, 1<<20)
	want := [][2]uint64{{1, 6}, {9, 12}, {13, 20}} // a gap splits; so do the entry bound and a record over it
	if len(got) != len(want) {
		t.Fatalf("%d batches, want %d", len(got), len(want))
	}
	for i, b := range got {
		if b.first != want[i][0] || b.last != want[i][1] {
			t.Fatalf("batch %d is %d-%d, want %d-%d", i, b.first, b.last, want[i][0], want[i][1])
		}
		// The joined records decode as one batch of every entry.
		var lb sluicev1.LogBatch
		if err := proto.Unmarshal(b.packed(), &lb); err != nil {
			t.Fatal(err)
		}
		if len(lb.GetEntries()) != b.entries() {
			t.Fatalf("batch %d decodes to %d entries, want %d", i, len(lb.GetEntries()), b.entries())
		}
		for j, e := range lb.GetEntries() {
			if e.GetSeq() != b.first+uint64(j) {
				t.Fatalf("batch %d entry %d has seq %d", i, j, e.GetSeq())
			}
		}
	}
	if got := coalesce(recs, 100, len(recs[0].Value)+1); len(got) != len(recs) {
		t.Fatalf("a byte bound under two records made %d batches, want %d", len(got), len(recs))
	}
}

// A host that spools a line every 10 ms sends a few batches a second with
// a linger (at most one per linger, and one more), each holding what
// arrived meanwhile, and every entry arrives once and in order. Without a
// linger it sends about one per line (logged, not asserted: on a loaded
// machine lines pile up and go together anyway).
func TestSmallBatchesLinger(t *testing.T) {
	for _, tc := range []struct {
		linger time.Duration
	}{
		{200 * time.Millisecond},
		{0},
	} {
		f := startFake(t, "dp-a")
		var mu sync.Mutex
		batches := 0
		var seqs []uint64
		f.onBatch = func(b *sluicev1.LogBatch) (*sluicev1.ConnectResponse, bool) {
			var lb sluicev1.LogBatch
			if err := proto.Unmarshal(b.GetPacked(), &lb); err != nil {
				t.Error(err)
			}
			mu.Lock()
			batches++
			for _, e := range lb.GetEntries() {
				seqs = append(seqs, e.GetSeq())
			}
			mu.Unlock()
			return &sluicev1.ConnectResponse{Msg: &sluicev1.ConnectResponse_Ack{Ack: &sluicev1.Ack{ThroughSeq: b.GetLastSeq()}}}, true
		}
		sp := uplinktest.NewMemSpool()
		runUplink(t, Config{Mediators: []string{f.addr}, BatchLinger: tc.linger, HeartbeatInterval: time.Second}, sp, &syncBuffer{})
		const lines = 150
		start := time.Now()
		for range lines {
			sp.Add(1)
			time.Sleep(10 * time.Millisecond)
		}
		testkit.Eventually(t, 10*time.Second, "every line acknowledged", func() bool { return sp.Depth() == 0 })
		took := time.Since(start)
		mu.Lock()
		if len(seqs) != lines {
			t.Fatalf("linger %v: %d entries arrived, want %d", tc.linger, len(seqs), lines)
		}
		for i, s := range seqs {
			if s != uint64(i+1) {
				t.Fatalf("linger %v: entry %d has seq %d", tc.linger, i, s)
			}
		}
		t.Logf("linger %v: %d lines in %d batches over %v", tc.linger, lines, batches, took.Round(time.Millisecond))
		if tc.linger > 0 {
			if most := int(took/tc.linger) + 2; batches > most {
				t.Fatalf("linger %v: %d batches for %d lines over %v, want at most %d", tc.linger, batches, lines, took, most)
			}
		}
		mu.Unlock()
	}
}
