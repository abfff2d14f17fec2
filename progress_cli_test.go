package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sluicehq/sluice/mediator"
	"github.com/sluicehq/sluice/pkg/logging"
)

// deadletter replay, its stderr not a terminal, writes periodic lines
// read from the mediator's status while the replay runs, and sums up.
func TestDeadLetterReplayProgressLines(t *testing.T) {
	var polls atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/status", func(w http.ResponseWriter, r *http.Request) {
		n := polls.Add(1)
		// 5 at the start, then fewer as the replay goes.
		_ = json.NewEncoder(w).Encode(mediator.StatusResponse{DeadLetter: max(5-2*(n-1), 0)})
	})
	mux.HandleFunc("POST /v1/deadletter/replay", func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		for polls.Load() < 4 || time.Since(start) < 30*time.Millisecond {
			time.Sleep(time.Millisecond)
		}
		_ = json.NewEncoder(w).Encode(mediator.ReplayResponse{Indexed: 5})
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	var stderr logging.Buffer
	var rr mediator.ReplayResponse
	if err := replayWithProgress(context.Background(), srv.URL, "", time.Millisecond, &stderr, &rr); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
	line := regexp.MustCompile(`^replay: \d of 5 dead letters \(\d+%\), \d+s(, done)?$`)
	for _, l := range lines {
		if !line.MatchString(l) {
			t.Errorf("line %q", l)
		}
	}
	if last := lines[len(lines)-1]; len(lines) < 2 || !strings.HasPrefix(last, "replay: 5 of 5 dead letters (100%)") || !strings.HasSuffix(last, ", done") {
		t.Errorf("progress lines:\n%s", stderr.String())
	}
}

// rules parse over a file, stderr not a terminal, writes periodic
// lines in bytes of the file's size; stdout is the events alone.
func TestRulesParseProgressLines(t *testing.T) {
	in := filepath.Join(t.TempDir(), "in.log")
	var b strings.Builder
	for i := range 20000 {
		fmt.Fprintf(&b, "Nov 20 08:15:02 web-01 sshd[%d]: Failed password for root from 203.0.113.9 port 4122 ssh2\n", i)
	}
	if err := os.WriteFile(in, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, "rules", "parse", "-rules", "configs/rules", "-type", "linux-auth", "-progress-every", "1ms", in)
	if code != 0 || strings.Count(stdout, "\n") != 20000 {
		t.Fatalf("exit %d, %d lines out, stderr %q", code, strings.Count(stdout, "\n"), stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	size := fmt.Sprintf("of %.1f MiB", float64(b.Len())/(1<<20))
	for _, l := range lines {
		if !strings.HasPrefix(l, "parse "+in+": ") || !strings.Contains(l, size) {
			t.Errorf("line %q", l)
		}
	}
	if last := lines[len(lines)-1]; !strings.Contains(last, "(100%)") || !strings.HasSuffix(last, ", done") {
		t.Errorf("last line %q", last)
	}
	// -progress-every 0: none.
	if _, _, stderr := run(t, "rules", "parse", "-rules", "configs/rules", "-type", "linux-auth", "-progress-every", "0", in); stderr != "" {
		t.Errorf("-progress-every 0 wrote %q", stderr)
	}
}
