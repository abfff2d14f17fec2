package syslog_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/agent/syslog"
	"github.com/sluicehq/sluice/internal/testkit"
)

// While the store pushes back, a TCP connection stops reading: the
// sender's writes block (TCP flow control), what was read is held, not
// dropped. Once the store takes lines again every line arrives exactly
// once, in order, in batches no larger than BatchLines.
func TestBackpressureTCPBlocksSender(t *testing.T) {
	store := &fakeStore{refuse: true}
	src := start(t, syslog.Config{Listen: "tcp://127.0.0.1:0", BatchLines: 10, BatchBytes: 4 << 10}, store)
	c, err := net.Dial("tcp", src.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.(*net.TCPConn).SetWriteBuffer(4 << 10)

	pad := strings.Repeat("p", 80)
	line := func(i int) string { return fmt.Sprintf("<13>line %07d %s", i, pad) }
	chunk := func(from, n int) []byte {
		var b strings.Builder
		for i := from; i < from+n; i++ {
			b.WriteString(line(i) + "\n")
		}
		return []byte(b.String())
	}

	// Write until a write blocks for 500ms: the source stopped reading.
	sent, blocked := 0, false
	var rest []byte
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		buf := chunk(sent, 100)
		_ = c.SetWriteDeadline(time.Now().Add(500 * time.Millisecond))
		n, err := c.Write(buf)
		sent += 100
		if err != nil {
			if !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatal(err)
			}
			blocked, rest = true, buf[n:]
			break
		}
	}
	if !blocked {
		t.Fatalf("%d lines written and the sender never blocked", sent)
	}
	if _, refused := store.snapshot(); refused == 0 {
		t.Fatal("the store was never asked")
	}
	// Not reading means not receiving: the count stands still.
	r1 := src.Stats().Received
	time.Sleep(300 * time.Millisecond)
	if r2 := src.Stats().Received; r2 != r1 {
		t.Fatalf("still reading while the store refuses: received %d, then %d", r1, r2)
	}
	if lines, _ := store.snapshot(); len(lines) != 0 {
		t.Fatalf("%d lines committed while refusing", len(lines))
	}
	t.Logf("sender blocked after %d lines; %d read by the source", sent, r1)

	store.setRefuse(false)
	_ = c.SetWriteDeadline(time.Time{})
	if _, err := c.Write(rest); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Write(chunk(sent, 100)); err != nil {
		t.Fatal(err)
	}
	sent += 100
	_ = c.Close()

	testkit.Eventually(t, 10*time.Second, fmt.Sprintf("%d lines committed", sent), func() bool { l, _ := store.snapshot(); return len(l) >= sent })
	time.Sleep(100 * time.Millisecond)
	lines, _ := store.snapshot()
	if len(lines) != sent {
		t.Fatalf("%d lines committed, %d sent", len(lines), sent)
	}
	for i, l := range lines {
		if l != line(i) {
			t.Fatalf("line %d is %q", i, l)
		}
	}
	if store.maxBatch > 10 {
		t.Fatalf("a batch of %d lines, BatchLines is 10", store.maxBatch)
	}
	if st := src.Stats(); st.Received != uint64(sent) || st.Committed != uint64(sent) || st.DroppedUDP != 0 {
		t.Fatalf("stats %+v", st)
	}
}

// While the store pushes back, UDP datagrams beyond what the source holds
// are dropped and counted; none is committed twice, and once the store
// takes lines again datagrams are committed again.
func TestBackpressureUDPDropsAndCounts(t *testing.T) {
	store := &fakeStore{refuse: true}
	src := start(t, syslog.Config{Listen: "udp://127.0.0.1:0", BatchLines: 10, ReadBuffer: 1 << 20}, store)
	c, err := net.Dial("udp", src.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	send := func(from, to, every int) {
		for i := from; i < to; i++ {
			if _, err := io.WriteString(c, fmt.Sprintf("<13>dgram %05d", i)); err != nil {
				t.Fatal(err)
			}
			if i%every == every-1 {
				time.Sleep(time.Millisecond)
			}
		}
	}
	send(0, 500, 50) // a pause now and then stays within the socket buffer
	testkit.Eventually(t, 10*time.Second, "500 datagrams read", func() bool { return src.Stats().Received == 500 })
	st := src.Stats()
	// The source holds two batches queued and one being retried, and a
	// read's worth (up to 16 datagrams) is queued whole over the bound.
	if st.DroppedUDP < 500-30-16 || st.Committed != 0 {
		t.Fatalf("while refusing: stats %+v", st)
	}

	store.setRefuse(false)
	testkit.Eventually(t, 10*time.Second, "what was held committed", func() bool {
		st := src.Stats()
		return st.Committed+st.DroppedUDP == st.Received
	})
	// Slower than the committer (which the source's small queue of 20
	// lines in this test needs), so none is dropped.
	send(500, 600, 1)
	testkit.Eventually(t, 10*time.Second, "new datagrams committed", func() bool { return src.Stats().Received == 600 })
	testkit.Eventually(t, 10*time.Second, "all accounted for", func() bool {
		st := src.Stats()
		return st.Committed+st.DroppedUDP == 600
	})
	lines, _ := store.snapshot()
	seen := map[string]bool{}
	for _, l := range lines {
		if seen[l] {
			t.Fatalf("%q committed twice", l)
		}
		seen[l] = true
	}
	for i := 500; i < 600; i++ {
		if !seen[fmt.Sprintf("<13>dgram %05d", i)] {
			t.Fatalf("datagram %d, sent after the store took lines again, is missing", i)
		}
	}
	st = src.Stats()
	if uint64(len(lines)) != st.Committed || st.DroppedUDP < 500-30-16 || st.DroppedUDP > 500 {
		t.Fatalf("%d lines, stats %+v", len(lines), st)
	}
}

// Errors other than back-pressure are retried too: nothing read is lost.
func TestCommitErrorsAreRetried(t *testing.T) {
	store := &flakyStore{fakeStore: &fakeStore{}, failures: 3}
	src := start(t, syslog.Config{Listen: "tcp://127.0.0.1:0"}, store)
	c, err := net.Dial("tcp", src.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, "<13>a\n<13>b\n"); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 10*time.Second, "2 lines", func() bool { l, _ := store.snapshot(); return len(l) == 2 })
	if st := src.Stats(); st.Committed != 2 {
		t.Fatalf("stats %+v", st)
	}
}
