package uplink

import (
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/sluicehq/sluice/agent/uplink/uplinktest"
	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/backoff"
	"github.com/sluicehq/sluice/pkg/refusal"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// Counters count what the uplink did: a refused attempt and a lost
// session by reason (and the last as LastError), the sessions
// established, and every batch sent acknowledged once all is delivered.
func TestCounters(t *testing.T) {
	med := startFake(t, "dp-a")
	var once sync.Once
	med.refuse = func(*sluicev1.Hello) error {
		var err error
		once.Do(func() {
			err = refusal.Error(codes.PermissionDenied, refusal.DuplicateIdentity, "agent id web-01 already connected")
		})
		return err
	}
	sp := uplinktest.NewMemSpool()
	sp.Add(50)
	u := runUplink(t, Config{Mediators: []string{med.addr}, Backoff: backoff.Policy{Base: 10 * time.Millisecond, Max: 20 * time.Millisecond}}, sp, &syncBuffer{})
	testkit.Eventually(t, 10*time.Second, "every entry delivered", func() bool { return sp.Depth() == 0 })
	// The window empty too, so no batch is left unacknowledged by the
	// session's end.
	testkit.Eventually(t, 10*time.Second, "the window empty", func() bool { c := u.Counters(); return c.BatchesAcked == c.BatchesSent && c.Inflight == 0 })
	med.kick <- "test"
	testkit.Eventually(t, 10*time.Second, "the second session", func() bool { return u.Counters().Sessions == 2 })
	sp.Add(10)
	testkit.Eventually(t, 10*time.Second, "the new entries delivered", func() bool { return sp.Depth() == 0 })
	c := u.Counters()
	if c.ConnectFailures["refused"] != 1 || len(c.ConnectFailures) != 1 {
		t.Errorf("connect failures %v, want refused: 1", c.ConnectFailures)
	}
	if c.SessionsLost["shutdown"] != 1 || len(c.SessionsLost) != 1 {
		t.Errorf("sessions lost %v, want shutdown: 1", c.SessionsLost)
	}
	if !strings.Contains(c.LastError, med.addr) || c.LastErrorAt.IsZero() {
		t.Errorf("last error %q at %v", c.LastError, c.LastErrorAt)
	}
	if c.BatchesSent < 2 || c.Acks < 2 {
		t.Errorf("batches sent %d, acks %d", c.BatchesSent, c.Acks)
	}
	testkit.Eventually(t, 10*time.Second, "every batch acknowledged", func() bool { c = u.Counters(); return c.BatchesAcked == c.BatchesSent && c.Inflight == 0 })
	if c.Switches != nil {
		t.Errorf("switches %v", c.Switches)
	}
}
