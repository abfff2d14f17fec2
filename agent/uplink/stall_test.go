package uplink

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sluicehq/sluice/agent/uplink/uplinktest"
	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/stall"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// A connected mediator that takes batches and acknowledges none (its
// stream up, its heartbeats answered, so no ack timeout fires before
// stall_warning): the uplink reports itself stalled once nothing was
// acknowledged for stall_warning — in the log and in its heartbeats — and
// moving again when acknowledgements resume. The watch's clock is the
// test's.
func TestUplinkStallReported(t *testing.T) {
	f := startFake(t, "dp-a")
	var acking atomic.Bool
	f.onBatch = func(b *sluicev1.LogBatch) (*sluicev1.ConnectResponse, bool) {
		if !acking.Load() {
			return nil, false // swallowed, unanswered
		}
		return &sluicev1.ConnectResponse{Msg: &sluicev1.ConnectResponse_Ack{Ack: &sluicev1.Ack{ThroughSeq: b.GetLastSeq()}}}, true
	}
	sp := uplinktest.NewMemSpool()
	logs := &syncBuffer{}
	u := runUplink(t, Config{Mediators: []string{f.addr}, AckTimeout: time.Hour, StallWarning: time.Minute}, sp, logs)
	testkit.Eventually(t, 10*time.Second, "connected", func() bool { return u.Status().Current != "" })
	sp.Add(10)

	t0 := time.Now()
	w := stall.New(time.Minute)
	u.checkStall(w, t0)
	u.checkStall(w, t0.Add(59*time.Second))
	if u.Stalled() != "" {
		t.Fatalf("stalled before stall_warning: %q", u.Stalled())
	}
	u.checkStall(w, t0.Add(60*time.Second))
	if got := u.Stalled(); !strings.Contains(got, "spool holds 10 entries") || !strings.Contains(got, "dp-a") {
		t.Fatalf("Stalled() = %q", got)
	}
	if l := logs.lines("uplink stalled"); len(l) != 1 || !strings.Contains(l[0], "spool_depth=10") {
		t.Fatalf("log %q", l)
	}
	testkit.Eventually(t, 10*time.Second, "a heartbeat saying so", func() bool {
		hb := f.lastHeartbeat()
		return hb != nil && strings.Contains(hb.GetStalled(), "acknowledged none")
	})

	// The mediator acknowledges again: the next batch's acknowledgement
	// covers the swallowed one too.
	acking.Store(true)
	sp.Add(1)
	testkit.Eventually(t, 10*time.Second, "acknowledgements", func() bool { return u.acks.Load() > 0 })
	u.checkStall(w, t0.Add(61*time.Second))
	if u.Stalled() != "" {
		t.Fatalf("still stalled after an acknowledgement: %q", u.Stalled())
	}
	if l := logs.lines("uplink moving again"); len(l) != 1 {
		t.Fatalf("log %q", l)
	}
	testkit.Eventually(t, 10*time.Second, "a heartbeat without it", func() bool {
		hb := f.lastHeartbeat()
		return hb != nil && hb.GetStalled() == ""
	})
}

// Between mediators the uplink is not stalled, however long the spool
// waits: failing over is logged on its own.
func TestUplinkNotStalledWhileDisconnected(t *testing.T) {
	sp := uplinktest.NewMemSpool()
	sp.Add(5)
	u := runUplink(t, Config{Mediators: []string{"127.0.0.1:1"}, StallWarning: time.Minute}, sp, &syncBuffer{})
	t0 := time.Now()
	w := stall.New(time.Minute)
	for _, s := range []int{0, 61, 600} {
		u.checkStall(w, t0.Add(time.Duration(s)*time.Second))
	}
	if u.Stalled() != "" {
		t.Fatalf("stalled while disconnected: %q", u.Stalled())
	}
}
