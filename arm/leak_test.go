package arm

import (
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/mediator/armlink"
)

// TestRunLeavesNoGoroutines runs ARM and a Reporter, uses both, stops
// them, and checks that none of their goroutines (or Badger's) remain.
func TestRunLeavesNoGoroutines(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	a, err := New(cfg, Deps{Logger: testkit.Logger(t, "arm")})
	if err != nil {
		t.Fatal(err)
	}
	stopARM := testkit.Run(t, a.Run)

	rep := armlink.NewReporter(armlink.ReporterConfig{Addr: a.Addr(), MediatorID: "dp-01", Interval: 50 * time.Millisecond}, testkit.Logger(t, "rep"))
	stopReporter := testkit.Run(t, rep.Run)
	rep.Heartbeat(agentHB("web-01", "acme", "dp-01", time.Now()))
	deadline := time.Now().Add(10 * time.Second)
	for len(a.Components(Filter{})) < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := len(a.Components(Filter{})); n != 2 {
		t.Fatalf("%d components", n)
	}
	resp, err := http.Get("http://" + a.HTTPAddr() + "/v1/heartbeats")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	http.DefaultClient.CloseIdleConnections()

	if err := stopReporter(); err != nil {
		t.Fatal(err)
	}
	if err := stopARM(); err != nil {
		t.Fatal(err)
	}
	var stacks string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		buf := make([]byte, 1<<20)
		stacks = string(buf[:runtime.Stack(buf, true)])
		if !leaked(stacks) {
			return
		}
	}
	t.Fatalf("goroutines left after Run returned:\n%s", stacks)
}

func leaked(stacks string) bool {
	for _, g := range strings.Split(stacks, "\n\n") {
		if first, _, _ := strings.Cut(g, "\n"); strings.Contains(first, "[running]") {
			continue // the goroutine looking
		}
		if strings.Contains(g, "sluicehq/sluice/arm.") || strings.Contains(g, "dgraph-io/badger") || strings.Contains(g, "sluice/pkg/queue") {
			return true
		}
	}
	return false
}
