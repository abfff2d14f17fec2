package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/pkg/event"
)

// The demo prints an event's own time, also when the mediator filed it
// under its collection time (the sample's lines grow older than
// max_past_age).
func TestEventLineShowsTheEventsTime(t *testing.T) {
	own := time.Date(2026, 11, 20, 8, 1, 12, 0, time.UTC)
	e := &event.Event{Timestamp: own}
	e.Set(event.FieldHostname, "bastion-1")
	e.Set(event.FieldCommonEvent, "User Logon")
	if got := eventLine(e); !strings.HasPrefix(got, "Nov 20 08:01:12  bastion-1") {
		t.Fatalf("eventLine = %q", got)
	}
	e.Set(event.FieldOriginalTimestamp, own)
	e.Timestamp = own.AddDate(0, 3, 0)
	if got := eventLine(e); !strings.HasPrefix(got, "Nov 20 08:01:12  bastion-1") {
		t.Fatalf("eventLine of an event filed under its collection time = %q", got)
	}
}

// The first part of `sluice run` to fail after it started stops the
// others, and its error, named by its part, is the result (issue 16).
// Before oklog/run the others kept running: the process never exited.
func TestRunPartsFirstFailureStopsTheRest(t *testing.T) {
	started := make(chan struct{})
	boom := errors.New("listener closed")
	stopped := make(chan string, 2)
	waitForCtx := func(name string) func(context.Context) error {
		return func(ctx context.Context) error {
			<-ctx.Done()
			stopped <- name
			return nil
		}
	}
	parts := []part{
		{"mediator", func(ctx context.Context) error {
			close(started)
			time.Sleep(20 * time.Millisecond) // up and serving, then it fails
			return boom
		}},
		{"agent", waitForCtx("agent")},
		{"ARM", waitForCtx("ARM")},
	}
	done := make(chan error, 1)
	go func() { done <- runParts(context.Background(), parts) }()
	<-started
	select {
	case err := <-done:
		if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "mediator: listener closed") {
			t.Fatalf("runParts = %v, want the mediator's error first", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the others kept running after the mediator failed")
	}
	if len(stopped) != 2 {
		t.Fatalf("%d of the 2 other parts stopped", len(stopped))
	}
}

// On the context's end every part stops and runParts returns nil; an
// error a part returns while stopping is still reported.
func TestRunPartsCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	waitForCtx := func(ctx context.Context) error { <-ctx.Done(); return nil }
	done := make(chan error, 1)
	go func() { done <- runParts(ctx, []part{{"mediator", waitForCtx}, {"agent", waitForCtx}}) }()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("runParts after cancel = %v", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	closeErr := errors.New("close index: disk gone")
	go func() {
		done <- runParts(ctx, []part{{"mediator", func(ctx context.Context) error { <-ctx.Done(); return closeErr }}, {"agent", waitForCtx}})
	}()
	cancel()
	if err := <-done; !errors.Is(err, closeErr) || !strings.Contains(err.Error(), "mediator: ") {
		t.Fatalf("runParts with an error on the way out = %v", err)
	}
}

// `sluice run` whose mediator port is taken exits non-zero, promptly,
// naming the address.
func TestRunMediatorPortTaken(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	dir := t.TempDir()
	mcfg := filepath.Join(dir, "mediator.hcl")
	acfg := filepath.Join(dir, "agent.hcl")
	sample := filepath.Join(dir, "auth.log")
	writeFile(t, sample, "")
	writeFile(t, mcfg, fmt.Sprintf("mediator {\n  id = \"dp-test\"\n  listen = %q\n  http = \"127.0.0.1:0\"\n  data_dir = %q\n}\n\nindexer \"embedded\" {}\n",
		taken.Addr().String(), filepath.Join(dir, "mediator")))
	writeFile(t, acfg, fmt.Sprintf("agent {\n  id = \"agent-test\"\n  data_dir = %q\n  mediators = [%q]\n}\n\nsource \"file\" \"auth\" {\n  paths = [%q]\n  log_source_type = \"linux-auth\"\n}\n",
		filepath.Join(dir, "agent"), taken.Addr().String(), sample))
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	start := time.Now()
	code := cmdRun(ctx, []string{"-mediator", mcfg, "-agent", acfg, "-arm", "", "-grid", "0", "-quiet"}, &stdout, &stderr)
	if ctx.Err() != nil {
		t.Fatalf("still running after %v; stderr:\n%s", time.Since(start), stderr.String())
	}
	if code == 0 || !strings.Contains(stderr.String(), taken.Addr().String()) {
		t.Fatalf("exit code %d, stderr:\n%s", code, stderr.String())
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
