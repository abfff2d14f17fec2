package embedded

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/pkg/event"
)

func orgEvents(org string, n int) []*event.Event {
	now := time.Now().UTC()
	out := make([]*event.Event, n)
	for i := range out {
		out[i] = &event.Event{ID: fmt.Sprintf("%s-%d", org, i), Organization: org, Timestamp: now, Message: "line of " + org}
	}
	return out
}

// One organization's write does not wait for another's: while acme's
// write lock is held (a long write under way), globex writes and its
// events are searchable; acme's write waits and lands once the lock is
// given back.
func TestOrganizationsWriteAtOnce(t *testing.T) {
	x := openTest(t, Config{})
	unlock, err := x.lockOrg(orgDir("acme"))
	if err != nil {
		t.Fatal(err)
	}
	acme := make(chan error, 1)
	go func() { acme <- x.Write(context.Background(), orgEvents("acme", 10)) }()

	done := make(chan error, 1)
	go func() { done <- x.Write(context.Background(), orgEvents("globex", 10)) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("globex's write waited for acme's")
	}
	if n := count(t, x, indexer.SearchRequest{Query: "*", Organization: "globex"}); n != 10 {
		t.Fatalf("globex holds %d events", n)
	}
	select {
	case err := <-acme:
		t.Fatalf("acme's write went through its organization's lock: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	unlock()
	if err := <-acme; err != nil {
		t.Fatal(err)
	}
	if n := count(t, x, indexer.SearchRequest{Query: "*", Organization: "acme"}); n != 10 {
		t.Fatalf("acme holds %d events", n)
	}
}
