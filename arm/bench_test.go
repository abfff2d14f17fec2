package arm

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sluicehq/sluice/internal/testkit"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// The scale of the benchmarks: 10,000 components heartbeating every 30s
// through 5 mediators that report every 5s, each report carrying the
// agents heard from in those 5s (a sixth of its 2,000).
const (
	benchAgents    = 10000
	benchMediators = 5
	benchRed       = 1000 // silent agents, red in the grid
	benchReports   = 6    // reports per mediator per 30s cycle
)

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// benchARM is an ARM with 10,000 components, benchRed of them red.
type benchARM struct {
	a       *ARM
	clock   *fakeClock
	svc     *service
	heapMB  float64
	healthy [][]string // agent ids per mediator that keep heartbeating
	cycles  int
}

func setupBench(b *testing.B) *benchARM {
	b.Helper()
	clock := newFakeClock(t0)
	cfg := testConfig(b, b.TempDir())
	cfg.CheckInterval = time.Hour // driven by hand
	cfg.FlushInterval = time.Hour // saved by hand too
	before := heapInUse()
	a := newARM(b, cfg, clock)
	ba := &benchARM{a: a, clock: clock, svc: &service{arm: a, logger: a.logger}, healthy: make([][]string, benchMediators)}
	testkit.Run(b, a.Run)

	// Everyone reports once; the red ones never again.
	for m := range benchMediators {
		med := fmt.Sprintf("dp-%02d", m)
		req := &sluicev1.ReportRequest{Mediator: &sluicev1.Heartbeat{ComponentId: med, Time: timestamppb.New(clock.Now())}}
		for i := m; i < benchAgents; i += benchMediators {
			id := fmt.Sprintf("agent-%05d", i)
			req.Agents = append(req.Agents, &sluicev1.AgentHeartbeat{Heartbeat: agentHB(id, "acme", med, clock.Now())})
			if i >= benchRed {
				ba.healthy[m] = append(ba.healthy[m], id)
			}
		}
		if _, err := ba.svc.Report(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
	// 25 minutes of the healthy ones heartbeating.
	for range 50 {
		ba.cycleDirect(b, 30*time.Second, 1)
	}
	if n := a.tracker.Counts()[StatusRed]; n != benchRed {
		b.Fatalf("%d red, want %d", n, benchRed)
	}
	ba.heapMB = float64(heapInUse()-before) / (1 << 20)
	return ba
}

// requests builds one cycle's reports: each mediator's healthy agents in
// benchReports slices, ages spread over the report interval.
func (ba *benchARM) requests() []*sluicev1.ReportRequest {
	now := ba.clock.Now()
	var out []*sluicev1.ReportRequest
	for r := range benchReports {
		for m, ids := range ba.healthy {
			req := &sluicev1.ReportRequest{Mediator: &sluicev1.Heartbeat{ComponentId: fmt.Sprintf("dp-%02d", m), Time: timestamppb.New(now)}}
			for i := r; i < len(ids); i += benchReports {
				age := time.Duration(i%5) * time.Second
				req.Agents = append(req.Agents, &sluicev1.AgentHeartbeat{Heartbeat: agentHB(ids[i], "acme", fmt.Sprintf("dp-%02d", m), now.Add(-age)), Age: durationpb.New(age)})
			}
			out = append(out, req)
		}
	}
	return out
}

// cycleDirect advances the clock by step per report round and runs n
// cycles through the handler without gRPC, with the check and the flush
// the daemon's loop would do.
func (ba *benchARM) cycleDirect(b *testing.B, step time.Duration, n int) {
	for range n {
		reqs := ba.requests()
		ba.clock.Advance(step)
		for _, req := range reqs {
			if _, err := ba.svc.Report(context.Background(), req); err != nil {
				b.Fatal(err)
			}
		}
		ba.a.check()
		ba.persist(b)
	}
}

// persist saves as the daemon's loop does: changed components every 15s
// (twice a cycle), heartbeat times every 5 minutes (every 10th cycle).
func (ba *benchARM) persist(b *testing.B) {
	ba.cycles++
	for range 2 {
		if err := ba.a.save(false); err != nil {
			b.Fatal(err)
		}
	}
	if ba.cycles%10 == 0 {
		if err := ba.a.save(true); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkARM10k: one op is one 30-second cycle of 10,000 heartbeats
// (30 reports of ~300 agents), plus the check and the flush to Badger.
//
//	handler: ARM's own work (requests prebuilt, no gRPC)
//	grpc:    over gRPC on loopback; the CPU includes the 5 mediator
//	         clients' marshalling in the same process
//	list-red: GET /v1/heartbeats?status=red (1,000 of 10,000) over HTTP
func BenchmarkARM10k(b *testing.B) {
	ba := setupBench(b)

	b.Run("handler", func(b *testing.B) {
		b.ReportAllocs()
		var cpu time.Duration
		for b.Loop() {
			b.StopTimer()
			reqs := ba.requests()
			ba.clock.Advance(30 * time.Second)
			b.StartTimer()
			c0 := testkit.CPUTime()
			for _, req := range reqs {
				if _, err := ba.svc.Report(context.Background(), req); err != nil {
					b.Fatal(err)
				}
			}
			ba.a.check()
			ba.persist(b)
			cpu += testkit.CPUTime() - c0
		}
		b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/cycle")
		b.ReportMetric(ba.heapMB, "heap-MB")
	})

	b.Run("grpc", func(b *testing.B) {
		client := dial(b, ba.a.Addr())
		var cpu time.Duration
		for b.Loop() {
			b.StopTimer()
			reqs := ba.requests()
			ba.clock.Advance(30 * time.Second)
			b.StartTimer()
			c0 := testkit.CPUTime()
			for _, req := range reqs {
				if _, err := client.Report(context.Background(), req); err != nil {
					b.Fatal(err)
				}
			}
			ba.a.check()
			ba.persist(b)
			cpu += testkit.CPUTime() - c0
		}
		b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/cycle")
	})

	// The tracker alone (the heap above includes Badger's memtables and
	// caches, which do not grow with the number of components).
	b.Run("tracker-memory", func(b *testing.B) {
		for b.Loop() {
			before := heapInUse()
			tr := NewTracker(TrackerConfig{Interval: DefaultConfig().WarningInterval})
			for i := range benchAgents {
				id := fmt.Sprintf("agent-%05d", i)
				tr.Observe(Observation{Kind: KindAgent, Heartbeat: agentHB(id, "acme", "dp-01", t0), Seen: t0})
			}
			tr.TakeDirty(true)
			b.ReportMetric(float64(heapInUse()-before)/(1<<20), "tracker-MB")
			runtime.KeepAlive(tr)
		}
	})

	b.Run("list-red", func(b *testing.B) {
		url := "http://" + ba.a.HTTPAddr() + "/v1/heartbeats?status=red"
		get := func() int {
			resp, err := http.Get(url)
			if err != nil {
				b.Fatal(err)
			}
			n, _ := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("status %d", resp.StatusCode)
			}
			return int(n)
		}
		size := get() // warm the connection
		var lat []time.Duration
		for b.Loop() {
			t := time.Now()
			get()
			lat = append(lat, time.Since(t))
		}
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(size)/1024, "body-KiB")
	})
}
