package syslog_test

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/agent/syslog"
	"github.com/sluicehq/sluice/internal/testkit"
)

// A flood of 100,000 datagrams from one goroutine, as fast as the kernel
// takes them: whatever is lost is counted. Every datagram sent is either
// received (then committed to a real spool or counted as dropped_udp) or
// counted as dropped by the kernel (dropped_udp_kernel): nothing vanishes
// silently. The small buffer makes the kernel drop; the default one shows
// how much it keeps.
func TestUDPFloodIsCounted(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 100,000 datagrams per case")
	}
	const sent = 100_000
	cases := []struct {
		name       string
		readBuffer int
		mustDrop   bool
	}{
		{"16KiB buffer: the kernel drops, and it is counted", 16 << 10, true},
		{"default read_buffer", 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sp := openSpool(t)
			src := start(t, syslog.Config{Listen: "udp://127.0.0.1:0", ReadBuffer: tc.readBuffer, BatchLines: 8000, BatchBytes: 4 << 20}, sp)
			c, err := net.Dial("udp", src.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			softnet := softnetDrops(t)
			began := time.Now()
			pad := strings.Repeat("x", 60)
			for i := range sent {
				if _, err := fmt.Fprintf(c, "<13>Dec  7 06:00:00 host flood: %06d %s", i, pad); err != nil {
					t.Fatal(err)
				}
			}
			took := time.Since(began)
			testkit.Eventually(t, 10*time.Second, "every datagram received or counted as dropped by the kernel", func() bool {
				st := src.Stats()
				return st.Received+st.DroppedUDPKernel >= sent
			})
			testkit.Eventually(t, 10*time.Second, "every datagram received committed or counted", func() bool {
				st := src.Stats()
				return st.Committed+st.DroppedUDP == st.Received
			})
			st := src.Stats()
			t.Logf("sent %d in %s (%.0f/s); read_buffer granted %d: received %d, committed %d, dropped_udp %d, dropped_udp_kernel %d (%.1f%%); loopback backlog drops %d",
				sent, took.Round(time.Millisecond), sent/took.Seconds(), st.ReadBuffer, st.Received, st.Committed, st.DroppedUDP, st.DroppedUDPKernel,
				100*float64(st.DroppedUDPKernel)/sent, softnetDrops(t)-softnet)
			if st.Received+st.DroppedUDPKernel != sent {
				t.Fatalf("received %d + dropped by the kernel %d != sent %d", st.Received, st.DroppedUDPKernel, sent)
			}
			if tc.mustDrop && st.DroppedUDPKernel == 0 {
				t.Fatalf("a %d-byte buffer and nothing dropped: the flood did not test the count", tc.readBuffer)
			}
			if es, err := sp.Read(0, 1<<30, 1<<40); err != nil || uint64(len(es)) != st.Committed {
				t.Fatalf("spool holds %d entries (%v), committed %d", len(es), err, st.Committed)
			}
		})
	}
}

// softnetDrops sums the packets the kernel dropped from its per-CPU input
// backlog (/proc/net/softnet_stat, second column): loopback traffic over
// netdev_max_backlog is lost there, before any socket sees it.
func softnetDrops(t *testing.T) uint64 {
	t.Helper()
	b, err := os.ReadFile("/proc/net/softnet_stat")
	if err != nil {
		return 0
	}
	var n uint64
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseUint(f[1], 16, 64)
		n += v
	}
	return n
}
