package testkit

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// StopTimeout bounds how long a stop waits for Run to return after its
// context is cancelled: a daemon that does not stop is a bug, and the
// test should say so rather than hang until the go test timeout.
const StopTimeout = 30 * time.Second

// Run starts run (a daemon's Run method) in a goroutine with a context
// that is cancelled by the returned stop, or at the end of the test.
//
// stop cancels the context and waits for run to return, at most
// StopTimeout; it returns run's error (nil for a clean stop: nil or
// context.Canceled) and may be called more than once. A test that calls
// stop judges that error itself; at cleanup, an error fails the test. A
// run that does not return fails the test either way.
func Run(t testing.TB, run func(context.Context) error) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx) }()
	var (
		once sync.Once
		err  error
	)
	wait := func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
				if errors.Is(err, context.Canceled) {
					err = nil
				}
			case <-time.After(StopTimeout):
				err = fmt.Errorf("Run did not return within %v of cancel", StopTimeout)
				t.Error(err) // a hung daemon is a bug whoever stops it
			}
		})
		return err
	}
	// A test that called stop got the error and judges it; otherwise
	// cleanup does.
	var stoppedByTest atomic.Bool
	t.Cleanup(func() {
		if err := wait(); err != nil && !stoppedByTest.Load() {
			t.Errorf("Run: %v", err)
		}
	})
	return func() error {
		stoppedByTest.Store(true)
		return wait()
	}
}
