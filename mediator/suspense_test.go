package mediator

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/go-hclog"

	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// shedWorld is a suspense condition over a registry of fake sessions
// (no streams): the test sets the backlog, the free disk and what each
// agent sent, runs checks, and reads who was told to go.
type shedWorld struct {
	t       *testing.T
	s       *suspense
	backlog int64
	free    int64
	agents  []*session
}

func newShedWorld(t *testing.T, backlogMax, backlogResume, minFree int64) *shedWorld {
	w := &shedWorld{t: t, free: 1 << 40}
	w.s = &suspense{
		backlogMax: backlogMax, backlogResume: backlogResume, minFree: minFree,
		backlog:   func() int64 { return w.backlog },
		freeBytes: func(string) (int64, error) { return w.free, nil },
		registry:  newRegistry(1000),
		logger:    hclog.NewNullLogger(),
	}
	return w
}

// connect adds agents named prefix-0, prefix-1, ..., connected one second
// apart in that order (the last is the newest).
func (w *shedWorld) connect(prefix string, n int) {
	base := time.Now()
	for i := range n {
		sess := &session{
			info: AgentInfo{ID: fmt.Sprintf("%s-%d", prefix, i), Organization: "o", Connected: base.Add(time.Duration(len(w.agents)) * time.Second)},
			kick: make(chan kick, 1),
		}
		if err := w.s.registry.add(sess); err != nil {
			w.t.Fatal(err)
		}
		w.agents = append(w.agents, sess)
	}
}

// send records that agent i delivered n more entries.
func (w *shedWorld) send(i int, n uint64) {
	w.s.registry.update(w.agents[i], func(ai *AgentInfo) { ai.Received += n })
}

// told returns the ids of the agents sent a Suspend since the last call.
func (w *shedWorld) told() []string {
	w.t.Helper()
	var ids []string
	for _, sess := range w.agents {
		select {
		case k := <-sess.kick:
			if !k.suspend || k.reason == "" {
				w.t.Fatalf("%s got %+v, want a Suspend with a reason", sess.info.ID, k)
			}
			ids = append(ids, sess.info.ID)
		default:
		}
	}
	slices.Sort(ids)
	return ids
}

func (w *shedWorld) wantTold(what string, want ...string) {
	w.t.Helper()
	got := w.told()
	if !slices.Equal(got, want) {
		w.t.Fatalf("%s: suspended %v, want %v", what, got, want)
	}
}

// The backlog is 2.5× the low-water mark: the mediator keeps 40% of its
// input, suspending the biggest producers until the rest fits, and keeps
// the small ones connected.
func TestSuspenseSuspendsOnlyTheBiggestProducers(t *testing.T) {
	w := newShedWorld(t, 100, 80, 0)
	w.connect("a", 6)
	w.backlog = 50
	w.s.check() // under the limit: a baseline, nobody told
	w.wantTold("under the limit")
	for i, n := range []uint64{300, 5000, 200, 3000, 1000, 500} {
		w.send(i, n)
	}
	w.backlog = 200
	w.s.check()
	if w.s.reason() == "" || !strings.Contains(w.s.reason(), "backlog") {
		t.Fatalf("reason %q", w.s.reason())
	}
	// 40% of 10,000 entries: a-1 (5000) and a-3 (3000) go; the
	// remaining 2,000 fit.
	w.wantTold("entering suspense", "a-1", "a-3")
	// The condition holds without growing: nobody else is told.
	w.backlog = 150
	w.s.check()
	w.wantTold("holding")
}

// Idle agents weigh the same: the share kept is a share of the agents, and
// the newest-connected go first.
func TestSuspenseIdleAgentsNewestGoFirst(t *testing.T) {
	w := newShedWorld(t, 0, 0, 1000)
	w.connect("idle", 10)
	w.free = 700 // 70% of suspense_min_free: keep 7 of 10
	w.s.check()
	if !strings.Contains(w.s.reason(), "free disk") {
		t.Fatalf("reason %q", w.s.reason())
	}
	w.wantTold("disk low", "idle-7", "idle-8", "idle-9")
	if got := w.s.registry.count(); got != 10 {
		t.Fatalf("registry holds %d (fake sessions do not leave)", got)
	}
}

func TestSuspenseAtLeastOneAndEveryoneWithoutHeadroom(t *testing.T) {
	// Barely over: 99% of the input fits, but entering suspense must
	// relieve something: the newest agent goes.
	w := newShedWorld(t, 100, 100, 0)
	w.connect("b", 3)
	w.backlog = 101
	w.s.check()
	w.wantTold("barely over", "b-2")

	// No free disk at all: everyone goes, idle or not.
	w = newShedWorld(t, 0, 0, 1<<30)
	w.connect("c", 4)
	w.s.check()
	w.send(1, 100)
	w.free = 0
	w.s.check()
	w.wantTold("disk full", "c-0", "c-1", "c-2", "c-3")
}

// While the condition holds and the pressure keeps growing, the mediator
// sheds again, at most every reshedAfter, in proportion to the growth; it
// does not while the backlog is steady or falling, or in the hysteresis
// band.
func TestSuspenseShedsMoreWhilePressureGrows(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newShedWorld(t, 100, 80, 0)
		w.connect("p", 10)
		w.s.check()
		traffic := func() {
			for i := range w.agents {
				w.send(i, 100)
			}
		}
		traffic()
		w.backlog = 160 // keep half
		w.s.check()
		w.wantTold("entering", "p-5", "p-6", "p-7", "p-8", "p-9")

		traffic()
		w.backlog = 200 // worse, but the shed has not had time to show
		time.Sleep(time.Second)
		w.s.check()
		w.wantTold("within reshedAfter")

		traffic()
		time.Sleep(reshedAfter)
		w.s.check() // 0.4 kept where 0.5 was: shed 20% of the rest
		w.wantTold("pressure grew", "p-4")

		traffic()
		w.backlog = 190 // a little better
		time.Sleep(reshedAfter)
		w.s.check()
		w.wantTold("pressure eased")

		w.backlog = 90 // under the limit, over the low-water mark
		time.Sleep(reshedAfter)
		w.s.check()
		if w.s.reason() == "" {
			t.Fatal("suspense cleared above the low-water mark")
		}
		w.wantTold("hysteresis band")

		w.backlog = 70
		w.s.check()
		if w.s.reason() != "" {
			t.Fatalf("still in suspense: %s", w.s.reason())
		}
		w.wantTold("cleared")
	})
}

// On a live mediator: an agent floods the state (workers = 0, so nothing
// drains) past suspense_backlog; it is suspended, and an agent that sent
// little stays connected and keeps delivering.
func TestSuspenseKeepsSmallProducersConnected(t *testing.T) {
	m := testMediator(t, `
  workers           = 0
  suspense_backlog  = 1000
  suspense_min_free = "0"`)
	batch := func(from, to uint64) *sluicev1.ConnectRequest {
		var es []*sluicev1.LogEntry
		for s := from; s <= to; s++ {
			es = append(es, &sluicev1.LogEntry{Seq: s, SourceType: "linux-auth", Raw: []byte(fmt.Sprintf("line %d", s))})
		}
		return &sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Batch{Batch: &sluicev1.LogBatch{Entries: es}}}
	}
	// next returns the next Ack's sequence, or 0 and the reason on a Suspend.
	next := func(stream sluicev1.MediatorService_ConnectClient) (uint64, string) {
		t.Helper()
		for {
			resp, err := stream.Recv()
			if err != nil {
				t.Fatalf("stream ended: %v", err)
			}
			if a := resp.GetAck(); a != nil {
				return a.GetThroughSeq(), ""
			}
			if s := resp.GetSuspend(); s != nil {
				return 0, s.GetReason()
			}
		}
	}
	var small []sluicev1.MediatorService_ConnectClient
	for i := range 2 {
		stream, resp, err := dialAgent(t, m.Addr(), fmt.Sprintf("small-%d", i))
		if err != nil || resp.GetWelcome() == nil {
			t.Fatalf("%v %v", resp, err)
		}
		if err := stream.Send(batch(1, 10)); err != nil {
			t.Fatal(err)
		}
		if through, why := next(stream); through != 10 {
			t.Fatalf("small-%d: ack %d (%s)", i, through, why)
		}
		small = append(small, stream)
	}
	// Let the checks (every 500ms) see the small agents' entries, so the
	// flood is what the next one weighs.
	time.Sleep(1200 * time.Millisecond)
	big, resp, err := dialAgent(t, m.Addr(), "big")
	if err != nil || resp.GetWelcome() == nil {
		t.Fatalf("%v %v", resp, err)
	}
	if err := big.Send(batch(1, 1500)); err != nil {
		t.Fatal(err)
	}
	if through, _ := next(big); through != 1500 {
		t.Fatalf("big: ack %d", through)
	}
	if _, why := next(big); !strings.Contains(why, "backlog") {
		t.Fatalf("big: suspend reason %q", why)
	}
	if m.Status().Suspense == "" {
		t.Fatal("status does not show suspense")
	}
	// small-0, the longest connected with nothing recent, stays: three
	// more checks, then it still delivers. (small-1 stays too unless a
	// check fell between the flood's store and its count, when every
	// agent weighs the same and the two newest go.)
	time.Sleep(1500 * time.Millisecond)
	if err := small[0].Send(batch(11, 20)); err != nil {
		t.Fatal(err)
	}
	if through, why := next(small[0]); through != 20 {
		t.Fatalf("small-0 was suspended (%q) or not acknowledged (%d)", why, through)
	}
	if n := m.Status().Agents; n < 1 || n > 2 {
		t.Fatalf("%d agents connected, want the small ones", n)
	}
}

// Acknowledgements at 4× suspense_ack_latency: the mediator keeps a
// quarter of its input, shedding the biggest producers before their
// ack_timeout would, and clears once acknowledgements are back under
// half the limit (not before: no flapping).
func TestSuspenseOnSlowAcknowledgements(t *testing.T) {
	w := newShedWorld(t, 0, 0, 0)
	lat := 100 * time.Millisecond
	w.s.ackMax = 10 * time.Second
	w.s.ackLatency = func() time.Duration { return lat }
	logs := &logBuffer{}
	w.s.logger = hclog.New(&hclog.LoggerOptions{Output: logs})
	w.connect("s", 4)
	w.s.check()
	w.wantTold("fast acks")
	lat = 6 * time.Second // over half the limit: a warning, no suspense
	w.s.check()
	w.wantTold("slowing acks")
	if w.s.reason() != "" || !strings.Contains(logs.String(), "acknowledgements are falling behind") {
		t.Fatalf("reason %q, log %q", w.s.reason(), logs.String())
	}
	for i, n := range []uint64{100, 600, 200, 100} {
		w.send(i, n)
	}
	lat = 40 * time.Second
	w.s.check()
	if !strings.Contains(w.s.reason(), "acknowledgements take 40s") {
		t.Fatalf("reason %q", w.s.reason())
	}
	// A quarter of 1,000 entries is kept: s-1 (600) and s-2 (200) go.
	w.wantTold("entering suspense", "s-1", "s-2")
	lat = 7 * time.Second // under the limit, over half of it: holds
	w.s.check()
	if w.s.reason() == "" {
		t.Fatal("suspense cleared over half the limit")
	}
	lat = 4 * time.Second
	w.s.check()
	if w.s.reason() != "" {
		t.Fatalf("still in suspense: %q", w.s.reason())
	}
}

func TestLatencyWindow(t *testing.T) {
	now := time.Unix(1000, 0)
	w := newLatencyWindow(func() time.Time { return now })
	if w.percentile(99) != 0 {
		t.Fatal("empty window has a percentile")
	}
	for i := range 100 {
		w.add(time.Duration(i+1) * time.Millisecond) // 1..100 ms
	}
	for _, tc := range []struct {
		p    float64
		want time.Duration
	}{{50, 50 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond}} {
		got := w.percentile(tc.p)
		// Buckets are quarter powers of two: at most 19% over.
		if got < tc.want || got > tc.want*119/100 {
			t.Fatalf("p%v = %v, want %v (+19%%)", tc.p, got, tc.want)
		}
	}
	now = now.Add(5 * time.Second)
	w.add(10 * time.Second)
	if got := w.percentile(100); got < 10*time.Second {
		t.Fatalf("max = %v after a 10 s latency", got)
	}
	now = now.Add(6 * time.Second) // the first second left the window
	if got := w.percentile(50); got < 10*time.Second {
		t.Fatalf("p50 = %v: old latencies still counted", got)
	}
	now = now.Add(10 * time.Second)
	if got := w.percentile(99); got != 0 {
		t.Fatalf("p99 = %v after the window passed", got)
	}
}
