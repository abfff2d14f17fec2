package mediator

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/protobuf/proto"

	"github.com/sluicehq/sluice/agent/uplink"
	"github.com/sluicehq/sluice/agent/uplink/uplinktest"
	"github.com/sluicehq/sluice/pkg/queue"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

var floodLine = []byte("Nov 20 08:15:02 web-01 sshd[31]: Failed password for root from 203.0.113.9 port 4122 ssh2")

// ackSample is one batch of a well-behaved agent: when it was spooled and
// how long until the mediator acknowledged it.
type ackSample struct {
	sent    time.Time
	latency time.Duration
}

// steadyAgent is a real agent (the uplink) whose source spools a batch of
// n entries every `every`, on a fixed schedule whatever the mediator does
// (open loop: a slow ack does not delay the next batch, so slowness is
// measured, not hidden). Each batch's latency from spooling to ack goes
// to record. When the process was stalled the source skips the slots it
// missed rather than spooling them at once.
func steadyAgent(ctx context.Context, t *testing.T, addr, id string, n int, every time.Duration, record func(ackSample)) *uplink.Uplink {
	sp := uplinktest.NewMemSpool()
	sp.OnAck = func(r queue.Record, added time.Time) {
		record(ackSample{sent: added, latency: time.Since(added)})
	}
	up, err := uplink.New(uplink.Config{AgentID: id, Mediators: []string{addr}, Window: 8}, sp, hclog.NewNullLogger())
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = up.Run(ctx) }()
	t.Cleanup(func() { <-done }) // before the mediator stops
	go func() {
		for next := time.Now(); ; next = next.Add(every) {
			if time.Since(next) > every {
				next = time.Now()
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Until(next)):
			}
			sp.Add(n)
		}
	}()
	return up
}

// flooder is an agent that offers far more than its limit, open loop:
// packed batches on a fixed schedule, never waiting for acknowledgements.
// It follows the protocol only as far as it must to get anything stored
// (after a Throttle it goes back to resume_seq) and ignores retry_after,
// so it keeps offering its full rate.
type flooder struct {
	stream sluicev1.MediatorService_ConnectClient
	batch  int

	mu       sync.Mutex
	cursor   uint64 // next sequence to send
	acked    uint64 // highest acknowledged sequence
	packed   map[uint64][]byte
	offered  int // entries sent, resends included
	throttle int // Throttles received
	err      error
}

func newFlooder(stream sluicev1.MediatorService_ConnectClient, batch int) *flooder {
	f := &flooder{stream: stream, batch: batch, cursor: 1, packed: map[uint64][]byte{}}
	go func() {
		for {
			resp, err := stream.Recv()
			f.mu.Lock()
			if err != nil {
				f.err = err
				f.mu.Unlock()
				return
			}
			if a := resp.GetAck(); a != nil {
				f.acked = max(f.acked, a.GetThroughSeq())
				for first := range f.packed {
					if first <= f.acked {
						delete(f.packed, first)
					}
				}
			}
			if th := resp.GetThrottle(); th != nil {
				f.throttle++
				f.cursor = min(f.cursor, th.GetResumeSeq())
			}
			f.mu.Unlock()
		}
	}()
	return f
}

// next is the next batch to send, built once per first sequence (resends
// reuse it, as an agent resends from its spool).
func (f *flooder) next() *sluicev1.LogBatch {
	f.mu.Lock()
	defer f.mu.Unlock()
	first := f.cursor
	last := first + uint64(f.batch) - 1
	p, ok := f.packed[first]
	if !ok {
		es := make([]*sluicev1.LogEntry, f.batch)
		for i := range es {
			es[i] = &sluicev1.LogEntry{Seq: first + uint64(i), SourceType: "linux-auth", Raw: floodLine}
		}
		p, _ = proto.Marshal(&sluicev1.LogBatch{Entries: es})
		f.packed[first] = p
	}
	f.cursor = last + 1
	f.offered += f.batch
	return &sluicev1.LogBatch{Packed: p, FirstSeq: first, LastSeq: last}
}

// flood offers perSec entries a second until ctx ends.
func (f *flooder) flood(ctx context.Context, perSec int) error {
	every := time.Second * time.Duration(f.batch) / time.Duration(perSec)
	start := time.Now()
	for sent := 0; ctx.Err() == nil; sent++ {
		if d := time.Until(start.Add(time.Duration(sent) * every)); d > 0 {
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(d):
			}
		}
		if err := f.stream.Send(&sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Batch{Batch: f.next()}}); err != nil {
			return err
		}
	}
	return nil
}

func (f *flooder) counts() (offered int, acked uint64, throttles int, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.offered, f.acked, f.throttle, f.err
}

func p99(ds []time.Duration) time.Duration { return quantile(ds, 99) }
func p50(ds []time.Duration) time.Duration { return quantile(ds, 50) }

func quantile(ds []time.Duration, pct int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*pct/100)]
}

// TestFloodingAgentDoesNotStarveOthers: one agent offering twenty times
// its rate limit gets its limit through and no more, and the other
// agents' p99 acknowledgement latency beside it stays within twice what
// it is without it (issue 8, item 5).
//
// The steady agents run throughout; the flooder floods in every other
// phase (alone, flood, alone, flood, ...), and a batch counts for the
// phase it was sent in. The phases are short and many: on a shared
// 2-core machine (other packages' tests run alongside) the process stalls
// now and then for 100 ms or more whatever the mediator does, and with
// phases of seconds such a stall lands on one side and becomes its p99.
// Phases shorter than the stalls spread each over both sides.
//
// So the latencies measure what the flooding itself costs the others
// (twenty times its budget in batches to refuse); the load of what the
// flooder does get stored, spread over both sides as well, is bounded by
// the assertion on its accepted rate. (With the limiter disabled, that
// is the assertion that fails: the flooder gets ~2,000 entries/s through
// and slows everyone, both sides alike.)
func TestFloodingAgentDoesNotStarveOthers(t *testing.T) {
	if testing.Short() {
		t.Skip("measures latencies for several seconds")
	}
	const (
		limit      = 250        // entries/s, every agent's
		offer      = 20 * limit // what the flooder offers
		floodBatch = 125
		steady     = 4                     // well-behaved agents,
		steadyN    = 10                    // each a batch of 10 entries
		steadyDt   = 50 * time.Millisecond // every 50 ms: 200 entries/s, within the limit
		minPairs   = 35
		maxPairs   = 150
		phase      = 200 * time.Millisecond
		minSamples = 500
		// Below this a p99 is scheduler noise on a loaded 2-core machine
		// running the race detector, not a measure of the mediator: 5 ms
		// against 9 ms is no doubling.
		floor = 10 * time.Millisecond
	)
	m := testMediator(t, fmt.Sprintf("rate_limit {\n entries_per_second = %d\n}\n", limit))

	fstream, _, err := dialAgent(t, m.Addr(), "flooder")
	if err != nil {
		t.Fatal(err)
	}
	fl := newFlooder(fstream, floodBatch)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var (
		mu      sync.Mutex
		samples []ackSample
		started bool
	)
	record := func(s ackSample) {
		mu.Lock()
		if started {
			samples = append(samples, s)
		}
		mu.Unlock()
	}
	var ups []*uplink.Uplink
	for i := range steady {
		ups = append(ups, steadyAgent(ctx, t, m.Addr(), fmt.Sprintf("steady-%d", i), steadyN, steadyDt, record))
	}
	for _, up := range ups {
		for up.Status().Current == "" {
			time.Sleep(10 * time.Millisecond)
		}
	}
	time.Sleep(300 * time.Millisecond) // warm up
	mu.Lock()
	started = true
	mu.Unlock()
	var sessions []time.Time
	for _, up := range ups {
		sessions = append(sessions, up.Status().Connected)
	}

	type span struct {
		from, to time.Time
		flood    bool
	}
	var spans []span
	var floodTime time.Duration
	sampled := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(samples)
	}
	// At least minPairs; more while the machine is too slow to give
	// minSamples a side (its load comes and goes), up to maxPairs.
	for pair := 0; pair < minPairs || (sampled() < 2*minSamples+100 && pair < maxPairs); pair++ {
		from := time.Now()
		time.Sleep(phase)
		spans = append(spans, span{from, time.Now(), false})

		fctx, fcancel := context.WithTimeout(ctx, phase)
		from = time.Now()
		err := fl.flood(fctx, offer)
		fcancel()
		if err != nil {
			t.Fatalf("flooder: %v", err)
		}
		spans = append(spans, span{from, time.Now(), true})
		floodTime += time.Since(from)
	}
	window := spans[len(spans)-1].to.Sub(spans[1].from) // first flood to last
	time.Sleep(50 * time.Millisecond)                   // the last acks
	mu.Lock()
	all := slices.Clone(samples)
	started = false
	mu.Unlock()
	var alone, beside []time.Duration
	for _, s := range all {
		for _, sp := range spans {
			if !s.sent.Before(sp.from) && s.sent.Before(sp.to) {
				if sp.flood {
					beside = append(beside, s.latency)
				} else {
					alone = append(alone, s.latency)
				}
				break
			}
		}
	}
	offered, accepted, throttles, ferr := fl.counts()
	offeredRate := float64(offered) / floodTime.Seconds()
	// The budget refills while the flooder is quiet and it spends that
	// at the start of its next flood, so its rate is over the whole
	// window, flooding on and off, less the one-second burst.
	acceptedRate := float64(int(accepted)-limit) / window.Seconds()
	pa, pb := p99(alone), p99(beside)
	t.Logf("steady agents' ack p99: %v alone (%d batches), %v beside the flooder (%d batches): %.2fx; p50 %v alone, %v beside",
		pa.Round(100*time.Microsecond), len(alone), pb.Round(100*time.Microsecond), len(beside), float64(pb)/float64(pa),
		p50(alone).Round(100*time.Microsecond), p50(beside).Round(100*time.Microsecond))
	t.Logf("flooder offered %.0f entries/s while flooding (%.1fx its limit of %d/s) and got %.0f/s through over %v; %d throttles, %d batches discarded behind them",
		offeredRate, offeredRate/limit, limit, acceptedRate, window.Round(time.Millisecond), throttles, m.intake.discarded.Load())

	if ferr != nil {
		t.Fatalf("the flooder's stream ended (%v): it must be throttled, not disconnected", ferr)
	}
	if offeredRate < 10*limit {
		t.Fatalf("the flooder offered only %.0f entries/s: the test needs at least ten times the limit", offeredRate)
	}
	// The bucket is exact; a batch of slack for where the window's
	// edges fall.
	if max := limit + floodBatch/window.Seconds(); acceptedRate > max {
		t.Fatalf("the flooder got %.0f entries/s through a %d/s limit", acceptedRate, limit)
	}
	if acceptedRate < limit/2 {
		t.Fatalf("the flooder got only %.0f entries/s through: its limit is %d/s", acceptedRate, limit)
	}
	if len(alone) < minSamples || len(beside) < minSamples {
		t.Fatalf("too few samples for a p99: %d alone, %d beside", len(alone), len(beside))
	}
	if pb > 2*max(pa, floor) {
		t.Fatalf("the flooder raised the others' p99 ack latency from %v to %v: more than 2x", pa, pb)
	}
	if a := m.Agents(); len(a) != steady+1 {
		t.Fatalf("%d agents connected, want %d: nobody is disconnected", len(a), steady+1)
	}
	for i, up := range ups {
		if st := up.Status(); !st.Connected.Equal(sessions[i]) {
			t.Fatalf("steady agent %d reconnected during the test", i)
		}
	}
}
