package e2e

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/sluicehq/sluice/agent"
	"github.com/sluicehq/sluice/mediator"
	"github.com/sluicehq/sluice/pkg/event"
)

// startMediatorWith is startMediator with extra lines in the mediator block.
func startMediatorWith(t testing.TB, dataDir, extra string) (*mediator.Mediator, *daemon) {
	t.Helper()
	return startMediatorConfig(t, dataDir, "127.0.0.1:0", `index_flush = "50ms"`+"\n"+extra, `indexer "embedded" {}`)
}

// TestHeartbeatsNotStuckBehindFlood is an invariant of the data path
// (docs/architecture.md) and issue 5 item 2: an agent's heartbeats are
// never stuck behind its data (Wazuh #17706, where a flood starves the
// keepalives and the agent shows disconnected).
//
// The agent streams a flood of several hundred thousand lines into a
// mediator with workers = 0, so nothing leaves state and every batch costs
// a synced Badger commit: the stream is saturated (the agent's window is
// full and its spool holds far more than the window) for the whole flood.
// The mediator records each heartbeat it reads in its registry
// (Mediator.Agents, served at /v1/agents) as it forwards it to ARM; it must
// see one about every heartbeat_interval (1 s) throughout, on the one
// stream the flood uses, without the session being dropped.
func TestHeartbeatsNotStuckBehindFlood(t *testing.T) {
	if testing.Short() {
		t.Skip("streams floods of 300,000+ lines")
	}
	// The default window and batches, and the largest window config
	// allows with small batches: 64 batches in flight ahead of each
	// heartbeat, each a synced commit on the mediator.
	for _, tc := range []struct {
		name                 string
		window, batchEntries int
	}{
		// Batches of 2,000, not the default 8,000: with 8,000 the
		// mediator keeps up with the tailer here (a window of 64,000
		// entries is never full), and the stream would not be saturated.
		{"default window", agent.DefaultWindow, 2000},
		{"max window", agent.MaxWindow, 500},
	} {
		t.Run(tc.name, func(t *testing.T) { heartbeatsDuringFlood(t, tc.window, tc.batchEntries) })
	}
}

func heartbeatsDuringFlood(t *testing.T, window, batchEntries int) {
	const (
		interval = time.Second // heartbeat_interval in agentConfig
		// maxGap is the longest silence allowed during the flood: one
		// interval plus slack for a loaded test machine, well under the
		// 3 intervals a starved stream shows (window = 1024 gave 4.2 s).
		maxGap = 2 * interval
		// The flood: at least initial lines, and fed until it has lasted
		// minFlood, with at least backlog lines always ahead of the
		// mediator, so it lasts many heartbeat intervals however fast
		// the machine.
		initial  = 300000
		chunk    = 20000
		backlog  = 150000
		minFlood = 10 * time.Second
		// The flood goes on past minFlood, up to maxFlood, until
		// minSaturated heartbeats were sent behind a full window: how
		// much faster the tailer is than the mediator's synced commits
		// varies with the machine's load, and a loaded machine has only
		// moments of saturation.
		maxFlood     = 45 * time.Second
		minSaturated = 3
	)
	// A spool deeper than this means the window was full and more waited.
	windowEntries := window * batchEntries
	dir := t.TempDir()
	// Four files, each its own source: their tailers append to the
	// spool together, several batches to one synced commit, while the
	// mediator commits the one stream's batches one at a time, a synced
	// commit each. So the agent takes lines in faster than the mediator
	// acknowledges them, on a quiet machine or a loaded one, and the
	// window fills (with one file the two were about as fast, and a
	// loaded machine saturated the stream only in moments).
	const files = 4
	var logPaths [files]string
	sources := ""
	for k := range logPaths {
		logPaths[k] = filepath.Join(dir, fmt.Sprintf("auth-%d.log", k))
		appendLines(t, logPaths[k], k*initial/files, (k+1)*initial/files)
		sources += fmt.Sprintf("source \"file\" \"auth-%d\" {\n  paths = [%q]\n  log_source_type = \"linux-auth\"\n  poll_interval = \"20ms\"\n}\n", k, logPaths[k])
	}
	written := initial

	m, _ := startMediatorWith(t, filepath.Join(dir, "mediator"), "workers = 0")
	startFloodAgent(t, filepath.Join(dir, "agent"), m.Addr(), fmt.Sprintf("window = %d\n  batch_entries = %d", window, batchEntries), sources)

	type heartbeat struct {
		at    time.Time // when the mediator received it
		depth uint64    // the agent's spool depth it reported
	}
	var (
		hbs                  []heartbeat
		connected            time.Time
		floodStart, floodEnd time.Time
		maxDepth             uint64
		saturated            int // heartbeats so far sent behind a full window
	)
	deadline := time.Now().Add(3 * time.Minute)
	for {
		if time.Now().After(deadline) {
			t.Fatalf("flood not delivered within 3 minutes: %d of %d lines received", m.Status().Received, written)
		}
		now := time.Now()
		received := m.Status().Received
		for _, a := range m.Agents() {
			if a.ID != "e2e-agent" || a.Organization != event.DefaultOrganization {
				continue
			}
			if connected.IsZero() {
				connected = a.Connected
			} else if !a.Connected.Equal(connected) {
				t.Fatalf("the agent reconnected during the flood (session of %v replaced by %v): its stream was declared dead", connected, a.Connected)
			}
			if !a.LastHeartbeat.IsZero() && (len(hbs) == 0 || a.LastHeartbeat.After(hbs[len(hbs)-1].at)) {
				hbs = append(hbs, heartbeat{at: a.LastHeartbeat, depth: a.SpoolDepth})
				if !floodStart.IsZero() && a.SpoolDepth > uint64(windowEntries) {
					saturated++
				}
			}
		}
		if floodStart.IsZero() && received > 0 {
			floodStart = now
		}
		if !floodStart.IsZero() {
			feeding := now.Sub(floodStart) < minFlood || saturated < minSaturated && now.Sub(floodStart) < maxFlood
			if feeding && uint64(written) < received+backlog {
				appendLines(t, logPaths[(written/chunk)%files], written, written+chunk)
				written += chunk
			}
			if floodEnd.IsZero() && received >= uint64(written) {
				floodEnd = now
			}
		}
		// One more heartbeat after the flood closes the last gap.
		if !floodEnd.IsZero() && len(hbs) > 0 && hbs[len(hbs)-1].at.After(floodEnd) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := m.Status().Received; got != uint64(written) {
		t.Fatalf("mediator received %d lines, want %d", got, written)
	}
	flood := floodEnd.Sub(floodStart)
	if flood < minFlood {
		t.Fatalf("flood lasted %v, want at least %v", flood, minFlood)
	}

	// The longest silence that overlaps the flood, and what the agent
	// had waiting while it sent the heartbeats.
	var worst time.Duration
	var during, behindFullWindow int
	for i, hb := range hbs {
		if hb.at.After(floodStart) && !hb.at.After(floodEnd) {
			during++
			maxDepth = max(maxDepth, hb.depth)
			if hb.depth > uint64(windowEntries) {
				behindFullWindow++
			}
		}
		if i == 0 {
			continue
		}
		prev := hbs[i-1].at
		if hb.at.After(floodStart) && prev.Before(floodEnd) {
			worst = max(worst, hb.at.Sub(prev))
		}
	}
	t.Logf("flood of %d lines over %v (%.0f lines/s): %d heartbeats received during it, longest gap %v; %d sent with more than a full window (%d entries) spooled, deepest spool %d",
		written, flood.Round(time.Millisecond), float64(written)/flood.Seconds(), during, worst.Round(time.Millisecond), behindFullWindow, windowEntries, maxDepth)

	if worst > maxGap {
		t.Errorf("longest gap between heartbeats during the flood is %v, want at most %v (heartbeat_interval %v)", worst.Round(time.Millisecond), maxGap, interval)
	}
	if want := int(flood/interval) - 1; during < want {
		t.Errorf("%d heartbeats during a %v flood, want at least %d (one per %v)", during, flood.Round(time.Millisecond), want, interval)
	}
	// The flood really was behind the heartbeats: several were sent
	// while the agent had a full window in flight and more waiting, and
	// every gap above is within maxGap.
	if behindFullWindow < minSaturated {
		t.Errorf("only %d of %d heartbeats were sent with more than a full window spooled (want %d): the stream was not saturated, the test proves nothing", behindFullWindow, during, minSaturated)
	}
}

// startFloodAgent is startAgentWith with its own sources.
func startFloodAgent(t testing.TB, dataDir, mediatorAddr, extra, sources string) {
	t.Helper()
	cfg := agentConfig(t, dataDir, mediatorAddr, extra, sources)
	a, err := agent.New(cfg, agent.Deps{Logger: logger("agent"), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	start(t, a.Run)
}
