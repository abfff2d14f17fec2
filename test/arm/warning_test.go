package armtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/arm"
	"github.com/sluicehq/sluice/indexer/embedded"
	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/mediator"
)

// TestMediatorWarningReachesARM runs ARM and a mediator in process, over
// loopback gRPC. A warning set in the mediator (as its disk watch will)
// reaches ARM in the next heartbeat: ARM's component JSON shows it, and
// ARM raises Data Processor Warning, once, which comes back to the
// mediator as an event and is indexed, classified by the starter rules.
// Cleared, it is gone from the JSON and Data Processor Warning Cleared
// is indexed.
func TestMediatorWarningReachesARM(t *testing.T) {
	const text = "index disk low: 1.2 GiB free on /var/lib/sluice/mediator/index (floor 2 GiB; suspense at 512 MiB)"
	dir := t.TempDir()
	armCfg, err := arm.ParseConfig([]byte(fmt.Sprintf(`
arm {
  id       = "arm-it"
  listen   = "127.0.0.1:0"
  http     = "127.0.0.1:0"
  data_dir = %q
}
`, filepath.Join(dir, "arm"))), "arm.hcl")
	if err != nil {
		t.Fatal(err)
	}
	a, err := arm.New(armCfg, arm.Deps{Logger: testkit.Logger(t, "arm"), Version: "it"})
	if err != nil {
		t.Fatal(err)
	}
	runInBackground(t, "arm", a.Run)
	idx, err := embedded.Open(embedded.Config{Dir: filepath.Join(dir, "index")}, hclog.NewNullLogger())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	dp := startArmMediator(t, "dp-w", filepath.Join(dir, "dp-w"), a.Addr(), []string{"../../configs/rules"}, idx)

	// component reads dp-w from ARM's dashboard API, as the page does.
	component := func() (c struct {
		ID       string        `json:"id"`
		Warnings []arm.Warning `json:"warnings"`
	}) {
		t.Helper()
		resp, err := http.Get("http://" + a.HTTPAddr() + "/v1/heartbeats/dp-w?kind=mediator")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode == http.StatusNotFound {
			return c
		}
		if err := json.NewDecoder(resp.Body).Decode(&c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	// indexed returns the indexed ARM events of dp-w with common event ce.
	indexed := func(ce string) []map[string]any {
		var out []map[string]any
		for _, d := range searchAll(t, idx) {
			if field(d, "sluice.arm.component_id") == "dp-w" && field(d, "sluice.common_event") == ce {
				out = append(out, d)
			}
		}
		return out
	}
	testkit.Eventually(t, 15*time.Second, "dp-w known to ARM", func() bool { return component().ID == "dp-w" })

	dp.m.SetWarning(mediator.WarningIndexDiskLow, text)
	testkit.Eventually(t, 15*time.Second, "ARM shows the warning", func() bool {
		ws := component().Warnings
		return len(ws) == 1 && ws[0].Kind == "index_disk_low" && ws[0].Text == text && !ws[0].Since.IsZero()
	})
	var ev map[string]any
	testkit.Eventually(t, 30*time.Second, "Data Processor Warning indexed", func() bool {
		if evs := indexed(arm.CommonEventMediatorWarning); len(evs) > 0 {
			ev = evs[0]
			return true
		}
		return false
	})
	for path, want := range map[string]any{
		"event.action":            "warning-raised",
		"sluice.classification":   "Warning",
		"sluice.risk":             float64(5),
		"sluice.arm.warning_kind": "index_disk_low",
		"sluice.arm.warning_text": text,
		"sluice.log_source_type":  arm.LogSourceType,
	} {
		if got := field(ev, path); got != want {
			t.Errorf("%s = %#v, want %#v (%s)", path, got, want, mustJSON(ev))
		}
	}

	// The clear goes in the next heartbeats; by the time its event is
	// indexed, the warning's repeated in several reports raised no
	// second one.
	time.Sleep(2500 * time.Millisecond) // two or three more reports
	dp.m.ClearWarning(mediator.WarningIndexDiskLow)
	testkit.Eventually(t, 15*time.Second, "ARM shows no warning", func() bool { return component().Warnings == nil })
	testkit.Eventually(t, 30*time.Second, "Data Processor Warning Cleared indexed", func() bool {
		return len(indexed(arm.CommonEventMediatorWarningCleared)) == 1
	})
	if n := len(indexed(arm.CommonEventMediatorWarning)); n != 1 {
		t.Errorf("%d Data Processor Warning events, want 1", n)
	}
	if c := indexed(arm.CommonEventMediatorWarningCleared)[0]; !strings.Contains(fmt.Sprint(field(c, "message")), "index_disk_low") {
		t.Errorf("cleared: %s", mustJSON(c))
	}
}
