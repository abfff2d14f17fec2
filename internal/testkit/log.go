package testkit

import (
	"bytes"
	"os"
	"sync"
	"testing"

	"github.com/hashicorp/go-hclog"
)

// Logger is a logger named name that writes through t.Log, so a daemon's
// log shows with the test that made it (and only when that test fails,
// or under -v). It logs from info on: debug logging slows a daemon enough
// to change the timing the tests see, so it is asked for with
// SLUICE_TEST_LOG set to a level ("trace", "debug", ...; anything else
// means debug).
//
// Lines logged after the test ended (by a goroutine that outlived it) are
// dropped: t.Log would panic.
func Logger(t testing.TB, name string) hclog.Logger {
	level := hclog.Info
	if v := os.Getenv("SLUICE_TEST_LOG"); v != "" {
		level = hclog.LevelFromString(v)
		if level == hclog.NoLevel {
			level = hclog.Debug
		}
	}
	w := &testWriter{t: t}
	t.Cleanup(w.close)
	return hclog.New(&hclog.LoggerOptions{
		Name:   name,
		Level:  level,
		Output: w,
	})
}

// testWriter hands each write (hclog writes a line at a time) to t.Log.
type testWriter struct {
	t    testing.TB
	mu   sync.Mutex
	done bool
}

func (w *testWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.t.Log(string(bytes.TrimRight(p, "\n")))
	}
	return len(p), nil
}

func (w *testWriter) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.done = true
}
