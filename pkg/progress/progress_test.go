package progress

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock drives a Progress: tick sends one tick at the clock's time
// and waits for its line in out.
type fakeClock struct {
	now time.Time
	c   chan time.Time
	out *syncBuffer
}

func newFake(out *syncBuffer) *fakeClock {
	return &fakeClock{now: time.Unix(1000, 0), c: make(chan time.Time), out: out}
}

func (f *fakeClock) opts(o Options) Options {
	o.Terminal = func(io.Writer) bool { return false }
	o.Now = func() time.Time { return f.now }
	o.Tick = func(time.Duration) (<-chan time.Time, func()) { return f.c, func() {} }
	return o
}

// tick advances the clock by d, ticks, and waits for the line.
func (f *fakeClock) tick(d time.Duration) {
	lines := strings.Count(f.out.String(), "\n")
	f.now = f.now.Add(d)
	f.c <- f.now
	for strings.Count(f.out.String(), "\n") == lines {
		time.Sleep(time.Millisecond)
	}
}

func TestPlainLinesKnownBytes(t *testing.T) {
	var out syncBuffer
	clk := newFake(&out)
	p := Start(&out, clk.opts(Options{Description: "parse", Total: 40 << 20, Bytes: true}))
	p.Add(12 << 20)
	clk.tick(5 * time.Second)
	p.Add(8 << 20)
	clk.tick(5 * time.Second)
	p.Set(40 << 20)
	clk.now = clk.now.Add(2 * time.Second)
	p.Finish()
	p.Finish() // twice is harmless
	want := "parse: 12.0 MiB of 40.0 MiB (30%), 5s\n" +
		"parse: 20.0 MiB of 40.0 MiB (50%), 10s\n" +
		"parse: 40.0 MiB of 40.0 MiB (100%), 12s, done\n"
	if out.String() != want {
		t.Errorf("lines:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestPlainLinesUnknownCount(t *testing.T) {
	var out syncBuffer
	clk := newFake(&out)
	p := Start(&out, clk.opts(Options{Description: "parse stdin", Unit: "lines"}))
	r := p.Reader(strings.NewReader("abc"))
	_, _ = io.ReadAll(r) // Reader counts bytes read
	clk.tick(5 * time.Second)
	p.Finish()
	want := "parse stdin: 3 lines, 5s\nparse stdin: 3 lines, 5s, done\n"
	if out.String() != want {
		t.Errorf("lines:\n%s\nwant:\n%s", out.String(), want)
	}
}

// Work done within the first period writes nothing.
func TestQuickWorkIsQuiet(t *testing.T) {
	var out syncBuffer
	clk := newFake(&out)
	p := Start(&out, clk.opts(Options{Description: "replay", Total: 10}))
	p.Add(10)
	p.Finish()
	if out.String() != "" {
		t.Errorf("wrote %q", out.String())
	}
}

// A writer that is not a file is not a terminal: plain lines, on the real
// clock.
func TestRealClockPlain(t *testing.T) {
	var out syncBuffer
	p := Start(&out, Options{Description: "drain", Every: 10 * time.Millisecond})
	p.Add(1)
	time.Sleep(50 * time.Millisecond)
	p.Finish()
	if s := out.String(); !strings.HasPrefix(s, "drain: 1, ") || !strings.HasSuffix(s, ", done\n") {
		t.Errorf("lines: %q", s)
	}
	if IsTerminal(&out) {
		t.Error("a buffer is a terminal")
	}
}

// On a terminal the bar is drawn (here into a buffer said to be one).
func TestTerminalBar(t *testing.T) {
	var out syncBuffer
	p := Start(&out, Options{Description: "parse", Total: 100, Terminal: func(io.Writer) bool { return true }})
	p.Add(100)
	p.Finish()
	if s := out.String(); !strings.Contains(s, "parse") || !strings.Contains(s, "100%") {
		t.Errorf("bar: %q", s)
	}
}

func TestBytesText(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1536: "1.5 KiB", 5 << 30: "5.0 GiB"} {
		if got := bytesText(n); got != want {
			t.Errorf("bytesText(%d) = %q, want %q", n, got, want)
		}
	}
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
