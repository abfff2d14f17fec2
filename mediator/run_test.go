package mediator

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
)

// runConfig is a mediator on loopback, its state in a fresh directory.
func runConfig(t *testing.T, extra string) *Config {
	t.Helper()
	cfg, err := ParseConfig([]byte(fmt.Sprintf("mediator {\n  listen = \"127.0.0.1:0\"\n  http = \"127.0.0.1:0\"\n  data_dir = %q\n%s}\n", t.TempDir(), extra)), "m.hcl")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// runUntil starts m and returns Run's result, failing if Run has not
// returned within d.
func runUntil(t *testing.T, m *Mediator, ctx context.Context, during func(), d time.Duration) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	if during != nil {
		during()
	}
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		t.Fatalf("Run still running after %v", d)
		return nil
	}
}

// A part that fails after it started (here the API's listener, closed
// under it) stops the whole mediator, and Run returns its error.
func TestRunStopsWhenAPartFails(t *testing.T) {
	m, err := New(runConfig(t, ""), Deps{})
	if err != nil {
		t.Fatal(err)
	}
	err = runUntil(t, m, context.Background(), func() {
		time.Sleep(100 * time.Millisecond) // serving
		_ = m.srv.HTTPListener().Close()
	}, 15*time.Second)
	if err == nil || !strings.Contains(err.Error(), "http server:") {
		t.Fatalf("Run = %v, want the http server's error", err)
	}
}

// The ARM link's error is no longer dropped: a link that cannot start
// stops the mediator with its error (before, Run went on without it).
func TestRunReturnsTheARMLinksError(t *testing.T) {
	cfg := runConfig(t, "  arm = \"127.0.0.1:1\"\n")
	// Dial options without transport credentials: the link cannot start.
	m, err := New(cfg, Deps{ARMDialOptions: []grpc.DialOption{grpc.WithUserAgent("test")}})
	if err != nil {
		t.Fatal(err)
	}
	err = runUntil(t, m, context.Background(), nil, 15*time.Second)
	if err == nil || !strings.Contains(err.Error(), "arm link: ARM client for 127.0.0.1:1") {
		t.Fatalf("Run = %v, want the ARM link's error", err)
	}
}

// On ctx's end Run stops every part and returns nil.
func TestRunCancelIsClean(t *testing.T) {
	m, err := New(runConfig(t, "  arm = \"127.0.0.1:1\"\n"), Deps{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := runUntil(t, m, ctx, func() { time.Sleep(100 * time.Millisecond); cancel() }, 15*time.Second); err != nil {
		t.Fatalf("Run after cancel = %v", err)
	}
}

// Abort drops the agents and Run returns nil, as before.
func TestRunAbort(t *testing.T) {
	m, err := New(runConfig(t, ""), Deps{})
	if err != nil {
		t.Fatal(err)
	}
	if err := runUntil(t, m, context.Background(), func() { time.Sleep(50 * time.Millisecond); m.Abort() }, 15*time.Second); err != nil {
		t.Fatalf("Run after Abort = %v", err)
	}
}
