package mediator

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// ackLatencies sends a batch of n entries every `every` on stream and
// records how long each took to be acknowledged, until ctx ends.
func ackLatencies(ctx context.Context, stream sluicev1.MediatorService_ConnectClient, n int, every time.Duration) ([]time.Duration, error) {
	var out []time.Duration
	seq := uint64(1)
	raw := []byte("Nov 20 08:15:02 web-01 sshd[31]: Failed password for root from 203.0.113.9 port 4122 ssh2")
	for ctx.Err() == nil {
		es := make([]*sluicev1.LogEntry, n)
		for i := range es {
			es[i] = &sluicev1.LogEntry{Seq: seq, SourceType: "linux-auth", Raw: raw}
			seq++
		}
		start := time.Now()
		if err := stream.Send(&sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Batch{Batch: &sluicev1.LogBatch{Entries: es}}}); err != nil {
			return out, err
		}
		for {
			resp, err := stream.Recv()
			if err != nil {
				return out, err
			}
			if a := resp.GetAck(); a != nil && a.GetThroughSeq() == seq-1 {
				break
			}
		}
		out = append(out, time.Since(start))
		if every > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(every):
			}
		}
	}
	return out, nil
}

func p99(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*99/100)]
}

// TestFloodingAgentDoesNotStarveOthers: one agent sending ten times its
// rate limit is slowed down; the other agents' acknowledgements stay fast.
func TestFloodingAgentDoesNotStarveOthers(t *testing.T) {
	if testing.Short() {
		t.Skip("measures latencies for several seconds")
	}
	const limit = 2000 // entries/s per agent
	m := testMediator(t, fmt.Sprintf("rate_limit {\n entries_per_second = %d\n}\n", limit))
	normals := func(ctx context.Context) []time.Duration {
		var mu sync.Mutex
		var all []time.Duration
		var wg sync.WaitGroup
		for i := range 4 {
			stream, _, err := dialAgent(t, m.Addr(), fmt.Sprintf("normal-%d-%d", i, time.Now().UnixNano()))
			if err != nil {
				t.Fatal(err)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				ds, err := ackLatencies(ctx, stream, 100, 100*time.Millisecond) // 1,000 entries/s: under the limit
				if err != nil && ctx.Err() == nil {
					t.Error(err)
				}
				mu.Lock()
				all = append(all, ds...)
				mu.Unlock()
			}()
		}
		wg.Wait()
		return all
	}

	// Alone and beside the flooder, interleaved three times, so a change
	// in the machine's load (other tests run alongside) hits both alike.
	flooder, _, err := dialAgent(t, m.Addr(), "flooder")
	if err != nil {
		t.Fatal(err)
	}
	var alone, busy, flood []time.Duration
	const phase = 1500 * time.Millisecond
	for range 3 {
		ctx, cancel := context.WithTimeout(context.Background(), phase)
		alone = append(alone, normals(ctx)...)
		cancel()
		ctx, cancel = context.WithTimeout(context.Background(), phase)
		var fwg sync.WaitGroup
		fwg.Add(1)
		go func() {
			defer fwg.Done()
			f, _ := ackLatencies(ctx, flooder, 2000, 0) // as fast as it can: far over the limit
			flood = append(flood, f...)
		}()
		busy = append(busy, normals(ctx)...)
		fwg.Wait()
		cancel()
	}
	floodRate := float64(2000*len(flood)) / (3 * phase.Seconds())
	t.Logf("normal agents' ack p99: %v alone, %v beside a flooder; flooder got %.0f entries/s through (limit %d)", p99(alone), p99(busy), floodRate, limit)
	// Over 1.5 s phases the limiter's one-second burst (refilled while the
	// flooder waits) adds up to a batch or two per phase on top of the
	// rate; what matters is that it is far from the 10x it tried.
	if floodRate > 3*limit {
		t.Fatalf("flooder got %.0f entries/s through a %d/s limit", floodRate, limit)
	}
	// Twice the baseline, with 25ms of slack for a noisy machine's fsyncs.
	if p99(busy) > 2*p99(alone)+25*time.Millisecond {
		t.Fatalf("a flooder raised the others' p99 ack latency from %v to %v", p99(alone), p99(busy))
	}
	connected := false
	for _, a := range m.Agents() {
		connected = connected || a.ID == "flooder"
	}
	if !connected {
		t.Fatal("the flooder was disconnected: it should only be slowed down")
	}
}
