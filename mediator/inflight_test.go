package mediator

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

func TestByteBudget(t *testing.T) {
	var none *byteBudget
	if err := none.acquire(context.Background(), 1<<40); err != nil {
		t.Fatal(err)
	}
	none.release(1 << 40)

	b := newByteBudget(100)
	ctx := context.Background()
	// Under the limit a batch is taken whole, even past it.
	for _, n := range []int64{60, 60} {
		if err := b.acquire(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	got := make(chan error, 1)
	go func() { got <- b.acquire(ctx, 500) }()
	select {
	case err := <-got:
		t.Fatalf("acquire over the limit returned %v, want it to wait", err)
	case <-time.After(50 * time.Millisecond):
	}
	b.release(10) // still at the limit: keeps waiting
	select {
	case err := <-got:
		t.Fatalf("acquire at the limit returned %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	b.release(50)
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	go func() { got <- b.acquire(cctx, 1) }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := <-got; !errors.Is(err, context.Canceled) {
		t.Fatalf("acquire after cancel: %v", err)
	}
	b.release(60 + 500)
	if b.used != 0 || b.waiting != 0 {
		t.Fatalf("used %d, waiting %d", b.used, b.waiting)
	}
}

func TestSlotsBoundEntries(t *testing.T) {
	s := newSlots(10)
	ctx := context.Background()
	if !s.wait(ctx) {
		t.Fatal("no room in an empty pipeline")
	}
	s.take(8000) // one record larger than the bound passes
	waited := make(chan bool, 1)
	go func() { waited <- s.wait(ctx) }()
	select {
	case <-waited:
		t.Fatal("room over the bound")
	case <-time.After(50 * time.Millisecond):
	}
	s.give(8000)
	if !<-waited {
		t.Fatal("wait failed")
	}
	s.take(10)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if s.wait(cctx) {
		t.Fatal("wait at the bound with a cancelled context")
	}
}

// Streams that together send more than max_inflight_bytes are held back,
// not refused: everything is stored and acknowledged, and every byte of
// the budget comes back, also from streams that end with batches queued.
func TestInflightBudgetHoldsBackStreams(t *testing.T) {
	m := testMediator(t, "workers = 0\n  max_inflight_bytes = \"1MiB\"")
	const agents, batches, per = 4, 20, 500
	line := strings.Repeat("x", 200)
	var wg sync.WaitGroup
	errs := make(chan error, agents)
	for a := range agents {
		stream, _, err := dialAgent(t, m.Addr(), fmt.Sprintf("agent-%d", a))
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			go func() {
				for b := range uint64(batches) {
					var es []*sluicev1.LogEntry
					for s := b*per + 1; s <= (b+1)*per; s++ {
						es = append(es, &sluicev1.LogEntry{Seq: s, SourceType: "linux-auth", Raw: []byte(line)})
					}
					if err := stream.Send(&sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Batch{Batch: &sluicev1.LogBatch{Entries: es}}}); err != nil {
						return
					}
				}
			}()
			for {
				resp, err := stream.Recv()
				if err != nil {
					errs <- err
					return
				}
				if resp.GetAck().GetThroughSeq() == batches*per {
					_ = stream.CloseSend()
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if got := m.intake.received.Load(); got != agents*batches*per {
		t.Fatalf("stored %d entries, want %d", got, agents*batches*per)
	}
	// A stream that ends with batches still queued gives their bytes back.
	stream, _, err := dialAgent(t, m.Addr(), "leaver")
	if err != nil {
		t.Fatal(err)
	}
	for b := range uint64(10) {
		_ = stream.Send(entriesBatch(b*100+1, (b+1)*100))
	}
	_ = stream.CloseSend()
	deadline := time.Now().Add(10 * time.Second)
	for {
		b := m.intake.inflight
		b.mu.Lock()
		used := b.used
		b.mu.Unlock()
		if used == 0 && m.registry.count() == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d bytes of the budget still taken after every stream ended", used)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
