package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/mediator"
	"github.com/sluicehq/sluice/pkg/event"
)

// startSearchMediator runs a mediator (no rules, embedded index) with
// extra settings and returns its API's URL.
func startSearchMediator(t *testing.T, extra string) (*mediator.Mediator, string) {
	t.Helper()
	dir := t.TempDir()
	cfg, err := mediator.ParseConfig([]byte(fmt.Sprintf("mediator {\n listen = \"127.0.0.1:0\"\n http = \"127.0.0.1:0\"\n data_dir = %q\n %s\n}\n", dir, extra)), "m.hcl")
	if err != nil {
		t.Fatal(err)
	}
	m, err := mediator.New(cfg, mediator.Deps{Logger: hclog.NewNullLogger()})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Run(t, m.Run)
	return m, "http://" + m.HTTPAddr()
}

// TestSearchCLIQueryCost checks what `sluice search` says when the
// mediator refuses a query over its limits (400) and when a search
// stopped at max_result_bytes.
func TestSearchCLIQueryCost(t *testing.T) {
	m, url := startSearchMediator(t, `max_result_bytes = "64KiB"`)
	huge := `"` + strings.TrimSpace(strings.Repeat("failed ", 100_000)) + `"`
	for _, args := range [][]string{{"search", "-addr", url, huge}, {"search", "-addr", url, "-count", huge}} {
		start := time.Now()
		code, _, stderr := run(t, args...)
		if code != 1 || !strings.Contains(stderr, "sluice search: bad query: query is 700001 bytes, more than the 16384 allowed (max_query_bytes = 16KiB)") {
			t.Fatalf("%v: exit %d, stderr %q", args[:len(args)-1], code, stderr)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("refused after %v", d)
		}
	}

	now := time.Now().UTC()
	var evs []*event.Event
	for i := range 300 {
		evs = append(evs, &event.Event{ID: event.DocID("web-01", uint64(i)), Organization: "acme",
			Timestamp: now.Add(-time.Duration(i) * time.Second), Message: fmt.Sprintf("line %d %s", i, strings.Repeat("x", 400))})
	}
	if err := m.Index().Write(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, "search", "-addr", url, "-limit", "1000", "*")
	lines := strings.Count(stdout, "\n")
	if code != 0 || lines == 0 || lines >= 300 || !strings.Contains(stderr, fmt.Sprintf("sluice search: %d events; more may match", lines)) {
		t.Fatalf("exit %d, %d events, stderr %q", code, lines, stderr)
	}
	if code, stdout, stderr := run(t, "search", "-addr", url, "-limit", "5", "*"); code != 0 || strings.Count(stdout, "\n") != 5 || stderr != "" {
		t.Fatalf("-limit 5: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}
