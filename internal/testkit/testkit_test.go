package testkit

import (
	"context"
	"errors"
	"net"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

func TestRunStopsAtStop(t *testing.T) {
	var stopped atomic.Bool
	stop := Run(t, func(ctx context.Context) error {
		<-ctx.Done()
		stopped.Store(true)
		return ctx.Err() // context.Canceled is a clean stop
	})
	if err := stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if !stopped.Load() {
		t.Fatal("run did not see the cancel")
	}
	if err := stop(); err != nil { // again: same answer, no hang
		t.Fatalf("second stop: %v", err)
	}
}

func TestRunStopReturnsRunError(t *testing.T) {
	boom := errors.New("boom")
	stop := Run(t, func(ctx context.Context) error {
		<-ctx.Done()
		return boom
	})
	// The test calls stop and judges the error: cleanup does not fail it.
	if err := stop(); !errors.Is(err, boom) {
		t.Fatalf("stop: %v, want %v", err, boom)
	}
}

func TestEventually(t *testing.T) {
	n := 0
	Eventually(t, time.Second, "the third call", func() bool { n++; return n == 3 })
	if n != 3 {
		t.Fatalf("cond called %d times, want 3", n)
	}
}

func TestFreeAddrAndPort(t *testing.T) {
	l, err := net.Listen("tcp", FreeAddr(t))
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	l, err = net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(FreePort(t))))
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
}

func TestLoggerAfterTheTest(t *testing.T) {
	var log func(string, ...any)
	t.Run("inner", func(t *testing.T) {
		log = Logger(t, "inner").Info
		log("during the test")
	})
	log("after the test: dropped, no panic")
}

func TestCPUTimeGrows(t *testing.T) {
	start := CPUTime()
	for deadline := time.Now().Add(50 * time.Millisecond); time.Now().Before(deadline); {
	}
	if CPUTime() < start {
		t.Fatal("CPU time went back")
	}
}
