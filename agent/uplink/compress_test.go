package uplink

import (
	"bufio"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/stats"

	"github.com/sluicehq/sluice/agent/uplink/uplinktest"
	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/wirecompress"
)

// encodings records the grpc-encoding of every stream a server receives
// (its stats handler).
type encodings struct {
	mu   sync.Mutex
	seen []string
}

func (e *encodings) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context { return ctx }
func (e *encodings) HandleRPC(_ context.Context, s stats.RPCStats) {
	if h, ok := s.(*stats.InHeader); ok {
		e.mu.Lock()
		e.seen = append(e.seen, h.Compression)
		e.mu.Unlock()
	}
}
func (e *encodings) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context { return ctx }
func (e *encodings) HandleConn(context.Context, stats.ConnStats)                       {}

func (e *encodings) all() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.seen...)
}

// Every line arrives once with each compression, the stream carries the
// compression's grpc-encoding, and the counters say what it saved.
func TestCompressionDeliversEveryLineOnce(t *testing.T) {
	const lines = 5000
	for _, tc := range []struct {
		compression string
		encoding    string // the stream's grpc-encoding
		minRatio    float64
	}{
		{wirecompress.Zstd, "zstd", 3},
		{wirecompress.S2, "s2", 2},
		{wirecompress.Gzip, "gzip", 3},
		{wirecompress.None, "", 0.9},
		{"", "", 0.9}, // unset in the uplink's Config: none
	} {
		t.Run(fmt.Sprintf("compression=%q", tc.compression), func(t *testing.T) {
			enc := &encodings{}
			f := startFake(t, "dp-1", grpc.StatsHandler(enc))
			sp := uplinktest.NewMemSpool()
			sp.Add(lines)
			u := runUplink(t, Config{Mediators: []string{f.addr}, Compression: tc.compression, BatchEntries: 500}, sp, &syncBuffer{})
			testkit.Eventually(t, 10*time.Second, "every line acknowledged", func() bool { return sp.Depth() == 0 })
			f.mu.Lock()
			for seq := uint64(1); seq <= lines; seq++ {
				if n := f.stored[seq]; n != 1 {
					t.Errorf("seq %d stored %d times", seq, n)
				}
			}
			f.mu.Unlock()
			for _, e := range enc.all() {
				if e != tc.encoding {
					t.Errorf("stream grpc-encoding %q, want %q", e, tc.encoding)
				}
			}
			c := u.Counters()
			want := tc.compression
			if want == "" {
				want = wirecompress.None
			}
			if c.Compression != want {
				t.Errorf("Counters.Compression = %q, want %q", c.Compression, want)
			}
			if c.CompressionFallbacks != 0 {
				t.Errorf("%d fallbacks, want none", c.CompressionFallbacks)
			}
			// Every line is at least ~80 bytes of message.
			if c.MessageBytesSent < lines*80 {
				t.Errorf("message bytes %d for %d lines", c.MessageBytesSent, lines)
			}
			ratio := float64(c.MessageBytesSent) / float64(c.WireBytesSent)
			if ratio < tc.minRatio {
				t.Errorf("ratio %.2f (message %d, wire %d), want at least %.1f", ratio, c.MessageBytesSent, c.WireBytesSent, tc.minRatio)
			}
			if tc.encoding == "" && c.WireBytesSent <= c.MessageBytesSent {
				t.Errorf("uncompressed: wire %d should be the messages' %d plus headers", c.WireBytesSent, c.MessageBytesSent)
			}
		})
	}
}

// oldMediator starts testdata/oldmediator: a MediatorService in a process
// that registers no compressor, as mediators before compression. It
// returns its address and the batches it acknowledged, as they come.
func oldMediator(t *testing.T) (string, func() map[uint64]int) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a program")
	}
	bin := filepath.Join(t.TempDir(), "oldmediator")
	if out, err := exec.Command("go", "build", "-o", bin, "./testdata/oldmediator").CombinedOutput(); err != nil {
		t.Fatalf("build oldmediator: %v\n%s", err, out)
	}
	cmd := exec.Command(bin)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	if !sc.Scan() {
		t.Fatalf("oldmediator said nothing: %v", sc.Err())
	}
	addr, ok := strings.CutPrefix(sc.Text(), "listening ")
	if !ok {
		t.Fatalf("oldmediator: %q", sc.Text())
	}
	var mu sync.Mutex
	stored := map[uint64]int{}
	go func() {
		for sc.Scan() {
			var first, last uint64
			if _, err := fmt.Sscanf(sc.Text(), "batch %d %d", &first, &last); err != nil {
				continue
			}
			mu.Lock()
			for s := first; s <= last; s++ {
				stored[s]++
			}
			mu.Unlock()
		}
	}()
	return addr, func() map[uint64]int {
		mu.Lock()
		defer mu.Unlock()
		out := make(map[uint64]int, len(stored))
		for k, v := range stored {
			out[k] = v
		}
		return out
	}
}

// An agent set to compress, talking to a mediator without the
// compressor (another process, whose gRPC has none registered), opens
// its stream again uncompressed: every line arrives once, no connection
// failure is counted, the fallback is, and it is logged once at warn
// level however many sessions repeat it.
func TestCompressionFallsBackWithOldMediator(t *testing.T) {
	addr, stored := oldMediator(t)
	const lines = 3000
	sp := uplinktest.NewMemSpool()
	sp.Add(lines)
	logs := &syncBuffer{}
	u := runUplink(t, Config{Mediators: []string{addr}, Compression: wirecompress.Zstd, BatchEntries: 500}, sp, logs)
	testkit.Eventually(t, 20*time.Second, "every line acknowledged", func() bool { return sp.Depth() == 0 })
	got := stored()
	for seq := uint64(1); seq <= lines; seq++ {
		if got[seq] != 1 {
			t.Fatalf("seq %d stored %d times", seq, got[seq])
		}
	}
	c := u.Counters()
	if c.Compression != wirecompress.None || c.CompressionFallbacks != 1 || c.Sessions != 1 || len(c.ConnectFailures) != 0 {
		t.Errorf("counters: compression %q, fallbacks %d, sessions %d, connect failures %v; want none, 1, 1, none",
			c.Compression, c.CompressionFallbacks, c.Sessions, c.ConnectFailures)
	}
	if c.WireBytesSent <= c.MessageBytesSent {
		t.Errorf("wire %d should be the messages' %d plus headers", c.WireBytesSent, c.MessageBytesSent)
	}
	if n := len(logs.lines("does not accept the compression")); n != 1 {
		t.Errorf("%d fallback warnings, want 1:\n%s", n, strings.Join(logs.lines(""), "\n"))
	}
}
