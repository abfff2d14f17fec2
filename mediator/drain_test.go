package mediator

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/pkg/logging"
)

// While state drains at shutdown the backlog left is logged
// periodically, then that it drained.
func TestDrainStateLogsBacklog(t *testing.T) {
	var buf logging.Buffer
	logger := hclog.New(&hclog.LoggerOptions{Output: &buf, Level: hclog.Info})
	var left atomic.Int64
	left.Store(1000)
	go func() {
		for left.Load() > 0 {
			time.Sleep(10 * time.Millisecond)
			left.Add(-10) // 1 s in all
		}
	}()
	drainState(context.Background(), left.Load, logger, 200*time.Millisecond)
	out := buf.String()
	if !strings.Contains(out, "draining state before stopping: backlog=1000") || !strings.Contains(out, "state drained") {
		t.Fatalf("log:\n%s", out)
	}
	if n := strings.Count(out, "draining state: backlog="); n < 2 {
		t.Errorf("%d periodic backlog lines in a 1 s drain reported every 200 ms:\n%s", n, out)
	}

	// Out of time: what is left is said.
	buf = logging.Buffer{}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	drainState(ctx, func() int64 { return 7 }, logger, time.Second)
	if out := buf.String(); !strings.Contains(out, "state not drained in time: the rest is processed at the next start: backlog=7") {
		t.Errorf("log:\n%s", out)
	}
	// Nothing to drain: nothing said.
	buf = logging.Buffer{}
	drainState(context.Background(), func() int64 { return 0 }, logger, time.Second)
	if out := buf.String(); out != "" {
		t.Errorf("log: %q", out)
	}
}
