package testkit

import (
	"testing"
	"time"
)

// pollInterval is how often Eventually checks: short enough not to slow
// the tests, long enough not to busy a shared machine.
const pollInterval = 10 * time.Millisecond

// Eventually polls cond until it holds and fails the test (t.Fatalf,
// naming what it waited for) if it does not within timeout. The condition
// comes last so that a call reads like the loop it replaces.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(pollInterval)
	}
}
