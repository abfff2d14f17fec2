package multiline

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// join feeds lines (offsets counting each line plus its newline) and
// flushes at the end, returning the events' raw text and the events.
func join(t testing.TB, cfg Config, lines []string) ([]string, []Event) {
	t.Helper()
	j, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	var evs []Event
	emit := func(e Event) {
		got = append(got, string(e.Raw))
		evs = append(evs, e)
	}
	var off int64
	for _, l := range lines {
		off += int64(len(l) + 1)
		j.Feed([]byte(l), off, false, len(l), emit)
	}
	j.Flush(emit)
	return got, evs
}

func TestFilebeatCombinations(t *testing.T) {
	// The examples of Filebeat's multiline documentation, one per
	// combination of negate and match.
	lines := []string{"a1", " b", " c", "a2", " d", "a3"}
	tests := []struct {
		name    string
		pattern string
		negate  bool
		match   string
		want    []string
	}{
		// Lines matching (indented) are appended to the line before.
		{"after", `^\s`, false, "after", []string{"a1\n b\n c", "a2\n d", "a3"}},
		// Lines not matching the first-line pattern are appended.
		{"negate after", `^a`, true, "after", []string{"a1\n b\n c", "a2\n d", "a3"}},
		// Lines matching (ending in \) are continued by the next line.
		{"before", `\\$`, false, "before", nil},
		// Lines not matching (not ending in ;) continue into the next.
		{"negate before", `;$`, true, "before", nil},
	}
	for _, tc := range tests[:2] {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := join(t, Config{Pattern: tc.pattern, Negate: tc.negate, Match: tc.match}, lines)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("before", func(t *testing.T) {
		in := []string{`x = 1 + \`, `  2 + \`, `  3`, `y = 4`}
		got, _ := join(t, Config{Pattern: `\\$`, Match: "before"}, in)
		want := []string{"x = 1 + \\\n  2 + \\\n  3", "y = 4"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("got %q, want %q", got, want)
		}
	})
	t.Run("negate before", func(t *testing.T) {
		in := []string{"SELECT *", "FROM t", "WHERE x;", "COMMIT;", "UPDATE", "t;"}
		got, _ := join(t, Config{Pattern: `;$`, Negate: true, Match: "before"}, in)
		want := []string{"SELECT *\nFROM t\nWHERE x;", "COMMIT;", "UPDATE\nt;"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("got %q, want %q", got, want)
		}
	})
	t.Run("after with no event yet", func(t *testing.T) {
		// A continuation with nothing before it starts an event.
		got, _ := join(t, Config{Pattern: `^\s`}, []string{" orphan", " more", "x"})
		want := []string{" orphan\n more", "x"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("got %q, want %q", got, want)
		}
	})
}

const javaLog = `2024-05-01 12:00:00 ERROR [main] c.e.App - request failed
java.lang.IllegalStateException: boom
	at com.example.App.handle(App.java:42)
	at com.example.App.main(App.java:10)
Caused by: java.io.IOException: disk
	at com.example.Disk.write(Disk.java:7)
	... 2 more
	Suppressed: java.lang.RuntimeException: close
		at com.example.Disk.close(Disk.java:9)
2024-05-01 12:00:01 INFO [main] c.e.App - next
    at the start of a sentence is a frame in java mode
2024-05-01 12:00:02 WARN [main] c.e.App - com.example.NotAnException: message
`

func TestModes(t *testing.T) {
	tests := []struct {
		name string
		mode string
		in   string
		want []string
	}{
		{"java", ModeJava, javaLog, []string{
			strings.Join(strings.Split(javaLog, "\n")[:9], "\n"),
			"2024-05-01 12:00:01 INFO [main] c.e.App - next\n    at the start of a sentence is a frame in java mode",
			"2024-05-01 12:00:02 WARN [main] c.e.App - com.example.NotAnException: message",
		}},
		{"java exception without message", ModeJava, "oops\njava.lang.NullPointerException\n\tat A.b(A.java:1)\nnext", []string{
			"oops\njava.lang.NullPointerException\n\tat A.b(A.java:1)", "next",
		}},
		{"python", ModePython, `ERROR:root:failed
Traceback (most recent call last):
  File "a.py", line 3, in <module>
    f()
KeyError: 'x'
During handling of the above exception, another exception occurred:
Traceback (most recent call last):
  File "a.py", line 5, in <module>
ValueError: y
INFO:root:next
WARNING:root:plain`, []string{
			"ERROR:root:failed\nTraceback (most recent call last):\n  File \"a.py\", line 3, in <module>\n    f()\nKeyError: 'x'\nDuring handling of the above exception, another exception occurred:\nTraceback (most recent call last):\n  File \"a.py\", line 5, in <module>\nValueError: y",
			"INFO:root:next",
			"WARNING:root:plain",
		}},
		{"python traceback alone", ModePython, "Traceback (most recent call last):\n  File \"b\", line 1\nOSError: z\nnext", []string{
			"Traceback (most recent call last):\n  File \"b\", line 1\nOSError: z", "next",
		}},
		{"indent", ModeIndent, "a\n b\n\tc\nd\ne\n  f", []string{"a\n b\n\tc", "d", "e\n  f"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lines := strings.Split(strings.TrimSuffix(tc.in, "\n"), "\n")
			got, _ := join(t, Config{Mode: tc.mode}, lines)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("got\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

func TestLimitsCutNeverDrop(t *testing.T) {
	lines := []string{"start", " 1", " 2", " 3", " 4", "next"}
	t.Run("max_lines", func(t *testing.T) {
		got, evs := join(t, Config{Mode: ModeIndent, MaxLines: 2}, lines)
		want := []string{"start\n 1", " 2\n 3", " 4", "next"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("got %q, want %q", got, want)
		}
		for i, e := range evs {
			if cut := i < 3; e.Cut != cut || e.Truncated != cut {
				t.Errorf("event %d %q: cut %v truncated %v, want %v", i, e.Raw, e.Cut, e.Truncated, cut)
			}
		}
	})
	t.Run("max_bytes", func(t *testing.T) {
		got, _ := join(t, Config{Mode: ModeIndent, MaxBytes: 9}, lines)
		want := []string{"start\n 1", " 2\n 3\n 4", "next"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("got %q, want %q", got, want)
		}
	})
	t.Run("a line longer than max_bytes is kept whole", func(t *testing.T) {
		got, _ := join(t, Config{Mode: ModeIndent, MaxBytes: 3}, []string{"abcdef", " gh"})
		want := []string{"abcdef", " gh"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("got %q, want %q", got, want)
		}
	})
}

func TestBoundaryAndOffsets(t *testing.T) {
	j, err := New(Config{Mode: ModeIndent}, nil)
	if err != nil {
		t.Fatal(err)
	}
	j.Reset(100)
	var evs []Event
	emit := func(e Event) { evs = append(evs, e) }
	if j.Boundary() != 100 {
		t.Fatalf("boundary after reset %d", j.Boundary())
	}
	j.Feed([]byte("a"), 102, false, 1, emit)
	j.Feed([]byte(" b"), 105, true, 10, emit)
	if !j.Pending() || j.Boundary() != 100 {
		t.Fatalf("held event: pending %v boundary %d, want 100", j.Pending(), j.Boundary())
	}
	j.Feed([]byte("c"), 107, false, 1, emit)
	if len(evs) != 1 || evs[0].End != 105 || evs[0].Lines != 2 || !evs[0].Truncated || evs[0].Cut || evs[0].Length != 12 {
		t.Fatalf("event %+v", evs)
	}
	if j.Boundary() != 105 {
		t.Fatalf("boundary %d, want 105 (start of the held c)", j.Boundary())
	}
	j.Flush(emit)
	if j.Pending() || j.Boundary() != 107 || evs[1].End != 107 {
		t.Fatalf("after flush: boundary %d events %+v", j.Boundary(), evs)
	}
}

func TestFlushTimeout(t *testing.T) {
	now := time.Unix(1000, 0)
	clock := func() time.Time { return now }
	j, err := New(Config{Pattern: `^\d`, Negate: true, FlushTimeout: 5 * time.Second}, clock)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	emit := func(e Event) { got = append(got, string(e.Raw)) }
	if j.Due() {
		t.Fatal("due with nothing held")
	}
	j.Feed([]byte("1 start"), 8, false, 7, emit)
	now = now.Add(4 * time.Second)
	j.Feed([]byte(" more"), 14, false, 5, emit)
	now = now.Add(4 * time.Second)
	if j.Due() {
		t.Fatal("due 4s after the last line")
	}
	now = now.Add(time.Second)
	if !j.Due() {
		t.Fatal("not due 5s after the last line")
	}
	j.Flush(emit)
	if fmt.Sprint(got) != fmt.Sprint([]string{"1 start\n more"}) || j.Due() {
		t.Fatalf("got %q", got)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{}, "needs pattern"},
		{Config{Pattern: "("}, "multiline pattern"},
		{Config{Pattern: "x", Match: "around"}, `match must be "after" or "before"`},
		{Config{Mode: "go"}, "unknown multiline mode"},
		{Config{Mode: ModeJava, Pattern: "x"}, "sets its own pattern"},
		{Config{Mode: ModeJava, MaxLines: -1}, "max_lines"},
		{Config{Mode: ModeJava, MaxBytes: MaxMaxBytes + 1}, "max_bytes"},
		{Config{Mode: ModeJava, FlushTimeout: -1}, "flush_timeout"},
	}
	for _, tc := range tests {
		err := tc.cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want %q", tc.cfg, err, tc.want)
		}
	}
	c := Config{Pattern: "x"}
	if err := c.Validate(); err != nil || c.Match != "after" || c.MaxLines != DefaultMaxLines || c.MaxBytes != DefaultMaxBytes || c.FlushTimeout != DefaultFlushTimeout {
		t.Fatalf("defaults: %+v %v", c, err)
	}
}

// FuzzJoiner checks that joining never loses or invents a byte: the events,
// split again at "\n", are the lines fed, in order; offsets only grow and
// the boundary never passes a held event.
func FuzzJoiner(f *testing.F) {
	f.Add(javaLog, ModeJava, 3, 100)
	f.Add("Traceback (most recent call last):\n  x\nE: y\nz", ModePython, 500, 1<<20)
	f.Add("a\n b\nc", ModeIndent, 1, 1)
	f.Add("a\\\nb\nc", "before", 2, 5)
	f.Fuzz(func(t *testing.T, in, mode string, maxLines, maxBytes int) {
		cfg := Config{Mode: mode, MaxLines: max(1, maxLines%1000), MaxBytes: max(1, maxBytes%(1<<16))}
		switch mode {
		case ModeJava, ModePython, ModeIndent:
		case "before":
			cfg = Config{Pattern: `\\$`, Match: "before", MaxLines: cfg.MaxLines, MaxBytes: cfg.MaxBytes}
		default:
			cfg = Config{Pattern: `^\S`, Negate: true, MaxLines: cfg.MaxLines, MaxBytes: cfg.MaxBytes}
		}
		j, err := New(cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(in, "\n")
		var out []string
		var lastEnd int64
		emit := func(e Event) {
			if e.End < lastEnd || e.Lines < 1 || e.Lines > cfg.MaxLines {
				t.Fatalf("event %+v after end %d", e, lastEnd)
			}
			if e.Lines > 1 && len(e.Raw) > cfg.MaxBytes {
				t.Fatalf("event of %d lines is %d bytes, over %d", e.Lines, len(e.Raw), cfg.MaxBytes)
			}
			lastEnd = e.End
			out = append(out, strings.Split(string(e.Raw), "\n")...)
		}
		var off int64
		for _, l := range lines {
			off += int64(len(l) + 1)
			j.Feed([]byte(l), off, false, len(l), emit)
			if j.Boundary() < lastEnd || j.Boundary() > off {
				t.Fatalf("boundary %d outside [%d, %d]", j.Boundary(), lastEnd, off)
			}
		}
		j.Flush(emit)
		if strings.Join(out, "\n") != in {
			t.Fatalf("joined %q from %q", out, in)
		}
	})
}

// BenchmarkJoinJava joins a generated Java application log (one in four
// events a stack trace of 12 lines) and reports lines/s on one core.
func BenchmarkJoinJava(b *testing.B) {
	var lines [][]byte
	for i := 0; len(lines) < 100000; i++ {
		lines = append(lines, []byte(fmt.Sprintf("2024-05-01 12:00:%02d.%03d INFO [worker-%d] com.example.Service - handled request id=%d in %dms", i%60, i%1000, i%8, i, i%250)))
		if i%4 == 0 {
			lines = append(lines, []byte(fmt.Sprintf("java.lang.IllegalStateException: request %d failed", i)))
			for k := 0; k < 8; k++ {
				lines = append(lines, []byte(fmt.Sprintf("\tat com.example.layer%d.Handler.process(Handler.java:%d)", k, 10+k)))
			}
			lines = append(lines, []byte("Caused by: java.io.IOException: connection reset"))
			lines = append(lines, []byte("\tat com.example.net.Conn.read(Conn.java:99)"))
			lines = append(lines, []byte("\t... 8 more"))
		}
	}
	for _, mode := range []Config{{Mode: ModeJava}, {Pattern: `^\d{4}-\d{2}-\d{2}`, Negate: true}} {
		name := mode.Mode
		if name == "" {
			name = "pattern"
		}
		b.Run(name, func(b *testing.B) {
			j, err := New(mode, nil)
			if err != nil {
				b.Fatal(err)
			}
			events := 0
			emit := func(Event) { events++ }
			b.ReportAllocs()
			b.ResetTimer()
			n := 0
			for i := 0; i < b.N; i++ {
				for _, l := range lines {
					n++
					j.Feed(l, int64(n), false, len(l), emit)
				}
			}
			j.Flush(emit)
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "lines/s")
		})
	}
}
