package chaos

import (
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// maxStop bounds a graceful stop: the mediator tells its agents to fail
// over, drains what it holds for a bounded time and exits; the agent
// closes its spool.
const maxStop = 20 * time.Second

// term sends SIGTERM and waits for the process to end: how long it took
// and how it ended (nil: exit status 0). A process still there after
// maxStop is killed.
func (p *proc) term() (time.Duration, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	start := time.Now()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(maxStop):
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		<-done
		err = errTimedOut
	}
	p.cmd = nil
	return time.Since(start), err
}

var errTimedOut = fmt.Errorf("did not stop within %s", maxStop)

// TestGracefulStop stops the mediator and the agent with SIGTERM (what
// systemd and an admin send), not kill -9, while lines flow, and starts
// them again: every stop ends within maxStop with exit status 0, a
// stopping mediator tells the agent to fail over (the agent's log gives
// that reason), and the index holds every line exactly once.
func TestGracefulStop(t *testing.T) {
	bin := sluiceBin(t)
	const rounds = 4
	total := min(*flagLines, 20000)
	r := newRun(t, bin, scenario{name: "sigterm", rotate: "rename"}, runOpts{})
	var stops []string
	r.runWith(total, rounds, func() {
		for i := range 2 * rounds {
			time.Sleep(time.Duration(600+200*(i%3)) * time.Millisecond)
			p := r.mediator
			if i%2 == 1 {
				p = r.agent
			}
			took, err := p.term()
			if err != nil {
				t.Errorf("SIGTERM %s: %v after %s", p.name, err, took.Round(time.Millisecond))
			}
			stops = append(stops, p.name+"="+took.Round(time.Millisecond).String())
			time.Sleep(200 * time.Millisecond)
			p.start(t, r.bin)
		}
	})
	t.Logf("graceful stops: %s", strings.Join(stops, " "))
	agentLog := filepath.Join(r.dir, "agent.log")
	if !logHas(t, agentLog, "mediator session ended; failing over") || !logHas(t, agentLog, "mediator shutting down") {
		t.Errorf("the agent's log does not say a stopping mediator told it to fail over")
	}
}
