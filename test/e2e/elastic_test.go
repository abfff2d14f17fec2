package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/mediator"
	"github.com/sluicehq/sluice/test/zinc"
)

// startElasticMediator starts a mediator that indexes into the
// Elasticsearch-API server at url.
func startElasticMediator(t testing.TB, dataDir, listen, url string) (*mediator.Mediator, *daemon) {
	t.Helper()
	return startMediatorConfig(t, dataDir, listen, "", fmt.Sprintf(`indexer "elasticsearch" {
  addresses      = [%q]
  username       = %q
  password       = %q
  bulk_actions   = 1000
  flush_interval = "100ms"
}`, url, zinc.User, zinc.Password))
}

// sluiceCount runs `sluice search -count` against a mediator's API, as a
// user would.
func sluiceCount(t testing.TB, httpAddr, query string) int64 {
	t.Helper()
	bin, err := filepath.Abs("../../bin/sluice")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("%v: run `make build` first (make test does)", err)
	}
	out, err := exec.Command(bin, "search", "-addr", "http://"+httpAddr, "-count", query).CombinedOutput()
	if err != nil {
		t.Fatalf("sluice search -count %q: %v: %s", query, err, out)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	if err != nil {
		t.Fatalf("sluice search -count printed %q", out)
	}
	return n
}

// Agent -> mediator -> Elasticsearch API (ZincSearch), with the mediator
// crashing mid-stream and coming back: every line searchable once, counted
// through `sluice search`.
func TestElasticsearchEndToEnd(t *testing.T) {
	srv := zinc.Start(t)
	dir := t.TempDir()
	logPath := filepath.Join(dir, "auth.log")
	const n1, total = 6000, 10000
	appendLines(t, logPath, 0, n1)

	m, md := startElasticMediator(t, filepath.Join(dir, "mediator"), "127.0.0.1:0", srv.URL)
	addr := m.Addr()
	startAgent(t, filepath.Join(dir, "agent"), addr, logPath)

	// Mid-stream: some lines indexed, not all.
	if n := waitAtLeast(t, m.Index(), 1000); n < 1000 {
		t.Fatalf("only %d events indexed before the crash", n)
	}
	m.Abort()
	md.stop(t)
	appendLines(t, logPath, n1, total)
	m, _ = startElasticMediator(t, filepath.Join(dir, "mediator"), addr, srv.URL)

	deadline := time.Now().Add(90 * time.Second)
	var n int64
	for time.Now().Before(deadline) {
		if n = sluiceCount(t, m.HTTPAddr(), "*"); n >= total {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	if n != total {
		t.Fatalf("sluice search -count '*' = %d, want %d", n, total)
	}
	// Each line's own id: nothing else under its user name.
	for _, i := range []int{0, 1, n1 - 1, n1, total - 1} {
		if c := sluiceCount(t, m.HTTPAddr(), fmt.Sprintf("user.name:user%d", i)); c != 1 {
			t.Errorf("user.name:user%d matches %d events, want 1", i, c)
		}
	}
	if c := sluiceCount(t, m.HTTPAddr(), `"Accepted password" AND source.port:[1024 TO 1033]`); c != 10 {
		t.Errorf("phrase + range count = %d, want 10", c)
	}
	checkExactlyOnce(t, m.Index(), total, "e2e-agent")
	if st := m.Status(); st.StateDepth != 0 {
		t.Errorf("mediator state still holds %d entries", st.StateDepth)
	}
}

// A mediator whose cluster is down keeps accepting into its state, says
// so once at start, and drains everything when the cluster comes back;
// a second outage mid-stream loses nothing either.
func TestElasticsearchOutage(t *testing.T) {
	srv := zinc.Start(t)
	srv.Stop()
	dir := t.TempDir()
	logPath := filepath.Join(dir, "auth.log")
	const n1, total = 3000, 5000
	appendLines(t, logPath, 0, n1)

	m, _ := startElasticMediator(t, filepath.Join(dir, "mediator"), "127.0.0.1:0", srv.URL)
	startAgent(t, filepath.Join(dir, "agent"), m.Addr(), logPath)

	// Accepted and acknowledged into state while the index is down.
	deadline := time.Now().Add(60 * time.Second)
	for st := m.Status(); (st.StateDepth < n1 || !st.IndexRetry) && time.Now().Before(deadline); st = m.Status() {
		time.Sleep(50 * time.Millisecond)
	}
	st := m.Status()
	if st.StateDepth != n1 || st.Indexed != 0 {
		t.Fatalf("with the cluster down: state depth %d, indexed %d; want %d queued, 0 indexed", st.StateDepth, st.Indexed, n1)
	}
	if !st.IndexRetry || !strings.Contains(st.LastError, "cannot reach") {
		t.Errorf("status should show the index retrying and why: %+v", st)
	}

	srv.Restart(t)
	waitCount(t, m.Index(), n1)
	// Down again mid-stream, then back.
	srv.Stop()
	appendLines(t, logPath, n1, total)
	time.Sleep(time.Second)
	srv.Restart(t)
	waitCount(t, m.Index(), total)
	checkExactlyOnce(t, m.Index(), total, "e2e-agent")
}
