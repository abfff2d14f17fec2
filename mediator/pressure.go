package mediator

import (
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// Pressure is how far behind the mediator's intake is: what agents feel
// before anything fails. /v1/status reports it, suspense acts on the
// acknowledgement latency, and the log says when it grows.
type Pressure struct {
	// AckP50ms and AckP99ms are the latency from receiving a batch to
	// acknowledging it, over the last 10 s.
	AckP50ms float64 `json:"ack_p50_ms"`
	AckP99ms float64 `json:"ack_p99_ms"`
	// WaitingBatches are batches received and not yet acknowledged, on
	// every stream.
	WaitingBatches int64 `json:"waiting_batches"`
	// Admitting is how many agents are in their handshake now;
	// HandshakeP99ms is how long handshakes took over the last 10 s.
	Admitting      int64   `json:"admitting"`
	HandshakeP99ms float64 `json:"handshake_p99_ms"`
}

// latencyWindow keeps the latencies of the last windowSlots seconds, in
// log-scale buckets per second, so percentiles follow the present and
// forget the past at a fixed cost. Safe for concurrent use.
type latencyWindow struct {
	now func() time.Time

	mu    sync.Mutex
	slots [windowSlots]latencySlot
}

const (
	windowSlots = 10
	// Buckets are quarter powers of two of milliseconds, up to
	// 2^(latencyBuckets/4) ms (about 18 minutes).
	latencyBuckets = 80
)

type latencySlot struct {
	sec     int64
	buckets [latencyBuckets]int64
}

func newLatencyWindow(now func() time.Time) *latencyWindow {
	if now == nil {
		now = time.Now
	}
	return &latencyWindow{now: now}
}

// bucketOf is the bucket of a latency: the smallest b with d below
// 2^(b/4) ms, so a percentile read from it overstates by at most 19%.
func bucketOf(d time.Duration) int {
	ms := float64(d) / float64(time.Millisecond)
	if ms < 1 {
		return 0
	}
	return min(int(math.Ceil(4*math.Log2(ms))), latencyBuckets-1)
}

func bucketUpper(b int) time.Duration {
	return time.Duration(math.Exp2(float64(b)/4) * float64(time.Millisecond))
}

func (w *latencyWindow) add(d time.Duration) {
	sec := w.now().Unix()
	w.mu.Lock()
	s := &w.slots[sec%windowSlots]
	if s.sec != sec {
		*s = latencySlot{sec: sec}
	}
	s.buckets[bucketOf(d)]++
	w.mu.Unlock()
}

// percentile returns the p-th percentile (0–100) of the window's
// latencies, 0 when it holds none.
func (w *latencyWindow) percentile(p float64) time.Duration {
	sec := w.now().Unix()
	var sum [latencyBuckets]int64
	var total int64
	w.mu.Lock()
	for i := range w.slots {
		s := &w.slots[i]
		if sec-s.sec >= windowSlots || s.sec > sec {
			continue
		}
		for b, n := range s.buckets {
			sum[b] += n
			total += n
		}
	}
	w.mu.Unlock()
	if total == 0 {
		return 0
	}
	want := int64(math.Ceil(float64(total) * p / 100))
	var seen int64
	for b, n := range sum {
		if seen += n; seen >= want {
			return bucketUpper(b)
		}
	}
	return bucketUpper(latencyBuckets - 1)
}

// pressureGauges are the intake's measurements behind Pressure.
type pressureGauges struct {
	acks       *latencyWindow
	handshakes *latencyWindow
	waiting    atomic.Int64
	admitting  atomic.Int64
}

func newPressureGauges(now func() time.Time) *pressureGauges {
	return &pressureGauges{acks: newLatencyWindow(now), handshakes: newLatencyWindow(now)}
}

func (g *pressureGauges) snapshot() Pressure {
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	return Pressure{
		AckP50ms:       ms(g.acks.percentile(50)),
		AckP99ms:       ms(g.acks.percentile(99)),
		WaitingBatches: g.waiting.Load(),
		Admitting:      g.admitting.Load(),
		HandshakeP99ms: ms(g.handshakes.percentile(99)),
	}
}
