package agent

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

type fakeRunner func(ctx context.Context) error

func (f fakeRunner) Run(ctx context.Context) error { return f(ctx) }

func newTestAgent(t *testing.T) *Agent {
	t.Helper()
	cfg, err := ParseConfig([]byte(fmt.Sprintf("agent {\n  id = \"a1\"\n  data_dir = %q\n  mediators = [\"127.0.0.1:1\"]\n}\n", t.TempDir())), "agent.hcl")
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(cfg, Deps{})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// A source that fails after it started stops the agent (uplink and other
// sources) and Run returns its error; one done early without an error
// does not stop the rest.
func TestAgentRunStopsWhenAPartFails(t *testing.T) {
	a := newTestAgent(t)
	boom := errors.New("source gone")
	otherStopped := make(chan struct{})
	a.sources = []runner{
		fakeRunner(func(context.Context) error { return nil }), // done early
		fakeRunner(func(context.Context) error { time.Sleep(100 * time.Millisecond); return boom }),
		fakeRunner(func(ctx context.Context) error { <-ctx.Done(); close(otherStopped); return nil }),
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(context.Background()) }()
	select {
	case err := <-done:
		if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "agent: source gone") {
			t.Fatalf("Run = %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Run still running after a source failed")
	}
	select {
	case <-otherStopped:
	default:
		t.Fatal("the other source was not stopped")
	}
}

// On ctx's end Run returns nil.
func TestAgentRunCancelIsClean(t *testing.T) {
	a := newTestAgent(t)
	a.sources = []runner{fakeRunner(func(context.Context) error { return nil })}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	time.Sleep(100 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("Run returned %v before ctx's end", err)
	default:
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run after cancel = %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Run still running after cancel")
	}
}
