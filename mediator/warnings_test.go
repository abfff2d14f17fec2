package mediator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/test/promtest"
)

// The warnings set: raised once, its text kept current without a log
// line per check unless it says something new, listed by kind, cleared
// once; safe for the parts and the heartbeat to use at once.
func TestWarningsSet(t *testing.T) {
	logs := &logBuffer{}
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	w := newWarnings(hclog.New(&hclog.LoggerOptions{Output: logs, Level: hclog.Info}), func() time.Time { return now })
	lines := func() int { return strings.Count(logs.String(), "\n") }

	if got := w.list(); got == nil || len(got) != 0 {
		t.Fatalf("empty set lists %#v, want an empty non-nil list", got)
	}
	w.set(WarningIndexDiskLow, "index disk low: 1.2 GiB free on /var/lib/sluice/mediator/index (floor 2 GiB)")
	if n := lines(); n != 1 || !strings.Contains(logs.String(), "[WARN]") || !strings.Contains(logs.String(), "kind=index_disk_low") {
		t.Fatalf("raising logged %d line(s):\n%s", n, logs.String())
	}
	since := now
	now = now.Add(time.Minute)
	// The next check measures less free space: the text follows, the log
	// does not repeat.
	w.set(WarningIndexDiskLow, "index disk low: 1.1 GiB free on /var/lib/sluice/mediator/index (floor 2 GiB)")
	if n := lines(); n != 1 {
		t.Fatalf("a new figure logged again:\n%s", logs.String())
	}
	w.set(WarningArchiveFailing, "archive: cannot write /srv/archive/acme/x: permission denied")
	// A new cause is news.
	w.set(WarningArchiveFailing, "archive: cannot write /srv/archive/acme/x: no space left on device")
	if n := lines(); n != 3 || !strings.Contains(logs.String(), "warning changed") {
		t.Fatalf("want raised, raised, changed:\n%s", logs.String())
	}
	w.set("", "no kind") // ignored
	got := w.list()
	if len(got) != 2 || got[0].Kind != WarningArchiveFailing || got[1].Kind != WarningIndexDiskLow ||
		!strings.Contains(got[1].Text, "1.1 GiB") || !got[1].Since.Equal(since) || !strings.Contains(got[0].Text, "no space") {
		t.Fatalf("list %+v", got)
	}
	now = now.Add(time.Hour)
	w.clear(WarningIndexDiskLow)
	w.clear(WarningIndexDiskLow) // not raised: nothing to say
	w.clear(WarningRetentionFailing)
	if n := lines(); n != 4 || !strings.Contains(logs.String(), "[INFO]  warning cleared: kind=index_disk_low after=1h1m0s") {
		t.Fatalf("clearing logged:\n%s", logs.String())
	}
	if got := w.list(); len(got) != 1 || got[0].Kind != WarningArchiveFailing {
		t.Fatalf("after clear: %+v", got)
	}

	// Parts raise and clear while the heartbeat and the API list.
	c := newWarnings(nil, nil)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			kind := fmt.Sprintf("kind_%d", i%3)
			for j := range 200 {
				c.set(kind, fmt.Sprintf("text %d", j))
				_ = c.list()
				if j%7 == 0 {
					c.clear(kind)
				}
			}
		})
	}
	wg.Wait()
}

// A warning set in the mediator goes in its heartbeat to ARM, /v1/status
// (paths redacted for a caller without a full token) and
// sluice_mediator_warning; /readyz stays ready. Cleared, it is gone from
// all three.
func TestWarningsReportedToARM(t *testing.T) {
	stub, armAddr := startArmStub(t)
	m := testMediator(t, fmt.Sprintf("arm = %q\n arm_interval = \"100ms\"", armAddr))
	const text = "archive: cannot write /srv/archive/acme/2026-03-01: permission denied"
	m.SetWarning(WarningArchiveFailing, text)
	testkit.Eventually(t, 20*time.Second, "ARM told of the warning", func() bool { return stub.lastWarnings() == "archive_failing="+text })

	base := "http://" + m.HTTPAddr()
	resp, body := promtest.Get(t, base+"/v1/status", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/v1/status %d %s", resp.StatusCode, body)
	}
	var st struct {
		Warnings []struct {
			Kind, Text string
			Since      time.Time
		} `json:"warnings"`
	}
	if err := json.Unmarshal(body, &st); err != nil {
		t.Fatal(err)
	}
	if len(st.Warnings) != 1 || st.Warnings[0].Kind != WarningArchiveFailing || st.Warnings[0].Since.IsZero() ||
		st.Warnings[0].Text != "archive: cannot write …/2026-03-01: permission denied" {
		t.Fatalf("/v1/status warnings %s", body)
	}
	if ws := m.Status().Warnings; len(ws) != 1 || ws[0].Text != text {
		t.Fatalf("Status().Warnings %+v: the full text is for full tokens", ws)
	}
	fams := promtest.Parse(t, promtest.Scrape(t, base+"/metrics", ""))
	if v, ok := promtest.Value(fams["sluice_mediator_warning"], "kind", WarningArchiveFailing); !ok || v != 1 {
		t.Fatalf("sluice_mediator_warning{kind=archive_failing} = %v, %v", v, ok)
	}
	if code, body := getReady(t, m); code != http.StatusOK {
		t.Fatalf("/readyz %d %s: a warning is not unreadiness", code, body)
	}

	m.ClearWarning(WarningArchiveFailing)
	testkit.Eventually(t, 20*time.Second, "ARM told the warning cleared", func() bool { return stub.lastWarnings() == "" })
	if _, body := promtest.Get(t, base+"/v1/status", ""); !strings.Contains(string(body), `"warnings":[]`) {
		t.Fatalf("/v1/status after clearing: %s", body)
	}
	if fams := promtest.Parse(t, promtest.Scrape(t, base+"/metrics", "")); fams["sluice_mediator_warning"] != nil {
		t.Fatalf("sluice_mediator_warning still present: %v", fams["sluice_mediator_warning"])
	}
}
