package armtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sluicehq/sluice/pkg/logging"
)

// proc is a sluice subprocess.
type proc struct {
	name string
	cmd  *exec.Cmd
	out  *logging.Buffer
	done chan struct{}
}

// start runs `sluice args...`; its output is shown if the test fails.
func start(t *testing.T, name string, args ...string) *proc {
	t.Helper()
	p := &proc{name: name, cmd: exec.Command(sluiceBin, args...), out: &logging.Buffer{}, done: make(chan struct{})}
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	p.cmd.Env = append(os.Environ(), "SLUICE_LOG_LEVEL=info")
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		_ = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			t.Logf("--- %s output:\n%s", name, p.out.String())
		}
	})
	return p
}

// waitOutput waits until a line of p's output holds every one of parts.
func waitOutput(t *testing.T, p *proc, within time.Duration, parts ...string) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		out := p.out.String()
		for l := range strings.SplitSeq(out, "\n") {
			found := true
			for _, part := range parts {
				found = found && strings.Contains(l, part)
			}
			if found {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s logged no line with %q within %s", p.name, parts, within)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// kill is kill -9.
func (p *proc) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// stop is a clean stop (SIGTERM), then kill -9 after 15s.
func (p *proc) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		p.kill()
	}
}

// writeFile writes a config file into dir.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// heartbeat is what `sluice heartbeats -json` prints per component.
type heartbeat struct {
	ID            string    `json:"id"`
	Kind          string    `json:"kind"`
	Host          string    `json:"host"`
	Organization  string    `json:"organization"`
	Status        string    `json:"status"`
	LastHeartbeat time.Time `json:"last_heartbeat"`
	LastMediator  string    `json:"last_mediator"`
	Stalled       string    `json:"stalled"`
	Spool         string    `json:"spool"`
	Duplicate     string    `json:"duplicate_identity"`
}

// heartbeatsJSON runs `sluice heartbeats -addr URL -json` and decodes it.
func heartbeatsJSON(t *testing.T, httpAddr string, extra ...string) ([]heartbeat, error) {
	t.Helper()
	args := append([]string{"heartbeats", "-addr", "http://" + httpAddr, "-json"}, extra...)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, sluiceBin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("sluice heartbeats: %w: %s", err, stderr.String())
	}
	var hbs []heartbeat
	if err := json.Unmarshal(out, &hbs); err != nil {
		return nil, fmt.Errorf("sluice heartbeats -json printed %q: %w", out, err)
	}
	return hbs, nil
}

// waitStatus polls `sluice heartbeats -json` until component id of kind
// has status, and returns it.
func waitStatus(t *testing.T, httpAddr, kind, id, status string, within time.Duration) heartbeat {
	t.Helper()
	deadline := time.Now().Add(within)
	var last []heartbeat
	var lastErr error
	for time.Now().Before(deadline) {
		last, lastErr = heartbeatsJSON(t, httpAddr)
		for _, h := range last {
			if h.ID == id && h.Kind == kind && h.Status == status {
				return h
			}
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Fatalf("%s %s not %s within %s; last: %+v %v", kind, id, status, within, last, lastErr)
	return heartbeat{}
}

// waitHTTP waits until ARM's API answers.
func waitHTTP(t *testing.T, httpAddr string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + httpAddr + "/v1/status")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("ARM at %s did not answer within %s", httpAddr, within)
}

// execSluice runs a short sluice command and returns its output.
func execSluice(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, sluiceBin, args...).CombinedOutput()
	return string(out), err
}
