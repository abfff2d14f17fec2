package testkit

import (
	"runtime"
	"testing"
	"time"
)

// WaitGoroutines fails t unless the goroutine count comes back to at most
// before within 5 s: whatever the test stopped or failed to start left
// nothing running. The failure shows every goroutine's stack.
func WaitGoroutines(t testing.TB, before int) {
	t.Helper()
	n := runtime.NumGoroutine()
	for deadline := time.Now().Add(5 * time.Second); n > before; n = runtime.NumGoroutine() {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}
