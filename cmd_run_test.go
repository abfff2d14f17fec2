package main

import (
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
