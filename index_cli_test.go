package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/indexer/embedded"
	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/queue"
)

// `sluice index prune -config` removes a stopped mediator's index days
// before the date (a dry run first), and refuses while the mediator runs
// (its state is locked).
func TestIndexPruneOffline(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "mediator.hcl")
	if err := os.WriteFile(cfgPath, []byte(fmt.Sprintf("mediator {\n  data_dir = %q\n}\n", dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	idx, err := embedded.Open(embedded.Config{Dir: filepath.Join(dir, "index")}, testkit.Logger(t, "index"))
	if err != nil {
		t.Fatal(err)
	}
	var evs []*event.Event
	for d := range 5 {
		day := time.Date(2026, 3, 10+d, 8, 0, 0, 0, time.UTC)
		for i := range 4 {
			evs = append(evs, &event.Event{ID: fmt.Sprintf("d%d-%d", d, i), Organization: "acme", Timestamp: day.Add(time.Duration(i) * time.Minute), Message: "old line"})
		}
	}
	if err := idx.Write(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
	prune := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := dispatch(context.Background(), append([]string{"index", "prune", "-config", cfgPath}, args...), &out, &errOut)
		return code, out.String(), errOut.String()
	}
	if code, _, errOut := prune("-before", "12 March"); code != 2 || !strings.Contains(errOut, "want a day such as") {
		t.Errorf("a bad date: exit %d, %q", code, errOut)
	}
	code, out, errOut := prune("-before", "2026-03-12", "-dry-run")
	if code != 0 || !strings.Contains(out, "would remove (dry run) 2 day(s)") || !strings.Contains(out, "2026-03-10") {
		t.Fatalf("dry run: exit %d\n%s%s", code, out, errOut)
	}
	if n := countEvents(t, dir); n != 20 {
		t.Fatalf("the dry run removed events: %d left", n)
	}

	// While the mediator runs (its state open), the offline prune refuses.
	q, err := queue.Open(queue.Options{Dir: filepath.Join(dir, "state")})
	if err != nil {
		t.Fatal(err)
	}
	code, _, errOut = prune("-before", "2026-03-12")
	_ = q.Close()
	if code != 1 || !strings.Contains(errOut, "is running") || !strings.Contains(errOut, "-addr") {
		t.Fatalf("with the state locked: exit %d, %q", code, errOut)
	}

	code, out, errOut = prune("-before", "2026-03-12", "-org", "acme")
	if code != 0 || !strings.Contains(out, "removed 2 day(s)") {
		t.Fatalf("prune: exit %d\n%s%s", code, out, errOut)
	}
	if n := countEvents(t, dir); n != 12 {
		t.Fatalf("after the prune %d events are left, want 12 (3 days)", n)
	}
}

func countEvents(t *testing.T, dataDir string) int64 {
	t.Helper()
	idx, err := embedded.Open(embedded.Config{Dir: filepath.Join(dataDir, "index")}, testkit.Logger(t, "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	n, err := idx.Count(context.Background(), indexer.SearchRequest{Query: "*"})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
