package logging

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
)

func TestOpenStderrTextAndLevel(t *testing.T) {
	var buf Buffer
	l, err := Open("mediator", Config{Level: "warn"}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	// Sub-loggers made before the change, with arguments too, must follow it.
	sub := l.Logger.Named("pipeline")
	deeper := sub.With("agent", "a1").Named("index")
	sub.Info("hidden at warn")
	deeper.Debug("hidden at warn")
	if err := l.SetLevel("debug"); err != nil {
		t.Fatal(err)
	}
	sub.Info("shown at debug")
	deeper.Debug("deep at debug")
	l.Logger.Named("late").Debug("late at debug")
	if got := l.Level(); got != "debug" {
		t.Errorf("Level() = %q", got)
	}
	out := buf.String()
	if strings.Contains(out, "hidden") {
		t.Errorf("lines below warn written:\n%s", out)
	}
	for _, want := range []string{"mediator.pipeline: shown at debug", "mediator.pipeline.index: deep at debug: agent=a1", "mediator.late: late at debug"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	if err := l.SetLevel("loud"); err == nil {
		t.Error("SetLevel(loud) accepted")
	}
	if l.Level() != "debug" {
		t.Errorf("a refused level changed it to %s", l.Level())
	}
}

func TestOpenJSON(t *testing.T) {
	var buf Buffer
	l, err := Open("arm", Config{JSON: true}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	l.Logger.Named("http").Info("listening", "addr", "127.0.0.1:1")
	var m map[string]any
	if err := json.Unmarshal([]byte(strings.TrimSpace(buf.String())), &m); err != nil {
		t.Fatalf("not one JSON object: %q: %v", buf.String(), err)
	}
	if m["@module"] != "arm.http" || m["@message"] != "listening" || m["addr"] != "127.0.0.1:1" || m["@level"] != "info" {
		t.Errorf("JSON line = %v", m)
	}
}

func TestOpenComponentFiles(t *testing.T) {
	dir := t.TempDir()
	main, mpe := filepath.Join(dir, "mediator.log"), filepath.Join(dir, "sub", "mpe.log")
	l, err := Open("mediator", Config{Level: "info", File: main, Files: map[string]string{"pipeline": mpe}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	l.Logger.Info("main line")
	p := l.Logger.With("org", "o1").Named("pipeline")
	p.Info("pipeline line")
	p.Named("rules").Debug("hidden")
	if err := l.SetLevel("debug"); err != nil {
		t.Fatal(err)
	}
	p.Named("rules").Debug("rules line")
	l.Logger.Named("http").Info("http line")
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	mainText, mpeText := read(t, main), read(t, mpe)
	for _, want := range []string{"mediator: main line", "mediator.http: http line"} {
		if !strings.Contains(mainText, want) {
			t.Errorf("%s misses %q:\n%s", main, want, mainText)
		}
	}
	if strings.Contains(mainText, "pipeline") {
		t.Errorf("pipeline lines in the main file:\n%s", mainText)
	}
	for _, want := range []string{"mediator.pipeline: pipeline line: org=o1", "mediator.pipeline.rules: rules line"} {
		if !strings.Contains(mpeText, want) {
			t.Errorf("%s misses %q:\n%s", mpe, want, mpeText)
		}
	}
	if strings.Contains(mpeText, "hidden") {
		t.Errorf("debug line written at info:\n%s", mpeText)
	}
}

func TestOpenUnwritableFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "f"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// A directory under a regular file cannot be made.
	if _, err := Open("agent", Config{File: filepath.Join(dir, "f", "agent.log")}, nil); err == nil {
		t.Fatal("Open accepted a file that cannot be made")
	}
	if _, err := Open("agent", Config{Level: "verbose"}, nil); err == nil {
		t.Fatal("Open accepted level verbose")
	}
}

// TestRotation writes over 4 MiB through a 1 MiB file keeping 2 backups:
// the files are rotated, only 2 backups stay, and every line written
// since the oldest kept one is there, in order, none cut.
func TestRotation(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "agent.log")
	l, err := Open("agent", Config{File: path, MaxSize: 1 << 20, MaxBackups: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	pad := strings.Repeat("x", 200)
	const n = 20000 // about 4.9 MiB of lines
	for i := range n {
		l.Logger.Info("line", "n", i, "pad", pad)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	// lumberjack removes old backups in a goroutine of its own.
	var files []string
	deadline := time.Now().Add(5 * time.Second)
	for {
		files, _ = filepath.Glob(filepath.Join(dir, "agent*.log"))
		if len(files) <= 3 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(files) != 3 {
		t.Fatalf("files after rotation = %v, want agent.log and 2 backups", files)
	}
	// Backups are named agent-TIME.log by rotation time: sorted, they
	// come in order, the current file (agent.log) last.
	sort.Strings(files)
	if filepath.Base(files[2]) != "agent.log" {
		t.Fatalf("unexpected order %v", files)
	}
	next := -1
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() > 1<<20 {
			t.Errorf("%s is %d bytes, over max_size", f, fi.Size())
		}
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			var i int
			line := sc.Text()
			k := strings.Index(line, " n=")
			if k < 0 || !strings.HasSuffix(line, pad) {
				t.Fatalf("%s: cut line %q", f, line)
			}
			if _, err := fmt.Sscanf(line[k:], " n=%d", &i); err != nil {
				t.Fatalf("%s: %q: %v", f, line, err)
			}
			if next >= 0 && i != next {
				t.Fatalf("%s: line %d follows %d: lines lost across a rotation", f, i, next-1)
			}
			next = i + 1
		}
		fh.Close()
	}
	if next != n {
		t.Errorf("last line is %d, want %d", next-1, n-1)
	}
}

func TestLevelHandler(t *testing.T) {
	var buf Buffer
	l, err := Open("arm", Config{}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	h := LevelHandler(l)
	call := func(method, body string) (int, LevelBody) {
		rec := httptest.NewRecorder()
		h(rec, httptest.NewRequest(method, "/v1/log/level", strings.NewReader(body)))
		var b LevelBody
		if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil {
			t.Fatalf("%s %s: %q: %v", method, body, rec.Body.String(), err)
		}
		return rec.Code, b
	}
	if code, b := call(http.MethodGet, ""); code != 200 || b.Level != "info" {
		t.Errorf("GET = %d %+v", code, b)
	}
	if code, b := call(http.MethodPut, `{"level":"trace"}`); code != 200 || b.Level != "trace" || b.Previous != "info" {
		t.Errorf("PUT trace = %d %+v", code, b)
	}
	if !l.Logger.Named("x").IsTrace() {
		t.Error("sub-logger not at trace after PUT")
	}
	for _, body := range []string{`{"level":"loud"}`, `{}`, `debug`} {
		if code, b := call(http.MethodPut, body); code != 400 || b.Error == "" {
			t.Errorf("PUT %s = %d %+v, want 400 with an error", body, code, b)
		}
	}
	if l.Level() != hclog.Trace.String() {
		t.Errorf("refused PUTs changed the level to %s", l.Level())
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
