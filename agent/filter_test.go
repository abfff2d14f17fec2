package agent

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/logging"
)

// include_lines and exclude_lines work on every source kind, with
// Filebeat's order (include, then exclude): what they leave out never
// reaches the spool, and is counted per source in /v1/status and
// /metrics. The file source's checkpoint moves past dropped lines.
func TestSourceFilters(t *testing.T) {
	dir := t.TempDir()
	logPath := filepath.Join(dir, "app.log")
	// 2 kept (ERROR, WARN), 2 excluded (ERROR healthcheck), 2 not included.
	if err := os.WriteFile(logPath, []byte("ERROR disk full\nINFO started\nERROR healthcheck ok\nWARN slow\nDEBUG x\nWARN healthcheck\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sysAddr, hookAddr := testkit.FreeAddr(t), testkit.FreeAddr(t)
	const token = "0123456789abcdef0123"
	filters := `
  include_lines   = ["^ERROR", "^WARN"]
  exclude_lines   = ["healthcheck"]`
	cfg, err := ParseConfig([]byte(fmt.Sprintf(`
agent {
  id        = "a1"
  data_dir  = %q
  mediators = ["127.0.0.1:1"]
  http      = "127.0.0.1:0"
}
source "file" "app" {
  paths           = [%q]
  log_source_type = "app"
  poll_interval   = "20ms"%s
}
source "syslog" "net" {
  log_source_type = "syslog"
  listen          = "tcp://%s"
  exclude_lines   = ["sshd\\[\\d+\\]: Accepted"]
}
source "webhook" "hook" {
  log_source_type = "webhook"
  listen          = %q
  tokens          = [%q]
  include_lines   = ["\"level\":\"error\""]
}
source "file" "plain" {
  paths           = [%q]
  log_source_type = "app"
  poll_interval   = "20ms"
}
`, filepath.Join(dir, "data"), logPath, filters, sysAddr, hookAddr, token, logPath)), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	logs := &logging.Buffer{}
	a, err := New(cfg, Deps{Logger: hclog.New(&hclog.LoggerOptions{Output: logs, Level: hclog.Info})})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Run(t, a.Run)
	// Never silent: each filtering source says so at start, the others not.
	waitLog(t, logs, `source filters lines: kind=file source=app include_lines=["^ERROR", "^WARN"] exclude_lines=["healthcheck"]`)
	waitLog(t, logs, `source filters lines: kind=webhook source=hook include_lines=["\"level\":\"error\""] exclude_lines=[]`)
	if strings.Contains(logs.String(), "source=plain include_lines") {
		t.Fatalf("a source without filters logged some:\n%s", logs.String())
	}

	var c net.Conn
	testkit.Eventually(t, 10*time.Second, "syslog listening", func() bool {
		c, err = net.Dial("tcp", sysAddr)
		return err == nil
	})
	defer c.Close()
	if _, err := io.WriteString(c, "<38>Dec  7 10:00:00 h sshd[1]: Accepted publickey for a\n<38>Dec  7 10:00:01 h sshd[2]: Failed password for b\n<38>Dec  7 10:00:02 h sshd[3]: Accepted password for c\n"); err != nil {
		t.Fatal(err)
	}
	var code int
	testkit.Eventually(t, 10*time.Second, "webhook answers", func() bool {
		req, _ := http.NewRequest(http.MethodPost, "http://"+hookAddr+"/v1/logs", strings.NewReader(`{"level":"error","msg":"a"}`+"\n"+`{"level":"info","msg":"b"}`+"\n"))
		req.Header.Set("Content-Type", "application/x-ndjson")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return false
		}
		_ = resp.Body.Close()
		code = resp.StatusCode
		return true
	})
	if code != http.StatusOK {
		t.Fatalf("webhook answered %d", code)
	}

	want := map[string]struct{ lines, filtered uint64 }{
		"app": {2, 4}, "net": {1, 2}, "hook": {1, 1}, "plain": {6, 0},
	}
	testkit.Eventually(t, 10*time.Second, "lines counted", func() bool {
		for _, s := range a.Status().Sources {
			if w := want[s.ID]; s.Lines != w.lines || s.Filtered != w.filtered {
				return false
			}
		}
		return true
	})
	entries, err := a.Spool().Read(0, 100, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		if e.GetSourceId() != "plain" {
			got = append(got, e.GetSourceId()+": "+string(e.GetRaw()))
		}
	}
	slices.Sort(got)
	wantLines := []string{
		"app: ERROR disk full", "app: WARN slow",
		`hook: {"level":"error","msg":"a"}`,
		"net: <38>Dec  7 10:00:01 h sshd[2]: Failed password for b",
	}
	if !slices.Equal(got, wantLines) {
		t.Fatalf("spooled\n%q\nwant\n%q", got, wantLines)
	}
	// The checkpoint of the filtered file is at its end.
	cps, err := a.Spool().Checkpoints("app")
	if err != nil || len(cps) != 1 {
		t.Fatalf("checkpoints %v %v", cps, err)
	}
	if fi, _ := os.Stat(logPath); cps[0].Offset != fi.Size() {
		t.Fatalf("checkpoint at %d of %d", cps[0].Offset, fi.Size())
	}

	fams, text := scrape(t, "http://"+a.HTTPAddr(), "")
	for id, w := range want {
		kind := map[string]string{"app": "file", "plain": "file", "net": "syslog", "hook": "webhook"}[id]
		if v, _, ok := value(fams, "sluice_agent_lines_filtered_total", "source", id, "kind", kind); !ok || v != float64(w.filtered) {
			t.Fatalf("sluice_agent_lines_filtered_total{source=%q} = %v (%v)\n%s", id, v, ok, text)
		}
	}
	promtoolCheck(t, text)
}
