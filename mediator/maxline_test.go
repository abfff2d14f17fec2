package mediator

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/indexer"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// A line longer than the mediator's max_line_bytes is cut and flagged at
// the mediator too, whatever the agent claims: kept, never dropped.
func TestMediatorCutsOversizedLines(t *testing.T) {
	m := testMediator(t, `max_line_bytes = "1KiB"`+"\n  index_flush = \"20ms\"")
	stream, _, err := dialAgent(t, m.Addr(), "hostile")
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("A", 5000)
	es := []*sluicev1.LogEntry{
		{Seq: 1, SourceType: "x", Raw: []byte(long)},
		{Seq: 2, SourceType: "x", Raw: []byte("short line")},
	}
	if err := stream.Send(&sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Batch{Batch: &sluicev1.LogBatch{Entries: es}}}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for m.Status().Indexed < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("status %+v", m.Status())
		}
		time.Sleep(10 * time.Millisecond)
	}
	docs, err := m.Index().Search(context.Background(), indexer.SearchRequest{Query: "*"})
	if err != nil || len(docs) != 2 {
		t.Fatalf("%d docs, %v", len(docs), err)
	}
	var cut, short int
	for _, d := range docs {
		var ev struct {
			Message string `json:"message"`
			Sluice  struct {
				Flags          []string `json:"flags"`
				OriginalLength int      `json:"original_length"`
			} `json:"sluice"`
		}
		if err := json.Unmarshal(d, &ev); err != nil {
			t.Fatal(err)
		}
		switch {
		case strings.HasPrefix(ev.Message, "AAAA"):
			cut++
			if len(ev.Message) != 1024 || ev.Sluice.OriginalLength != 5000 || len(ev.Sluice.Flags) == 0 || ev.Sluice.Flags[0] != "truncated" {
				t.Errorf("oversized line: %d bytes kept, original_length %d, flags %v", len(ev.Message), ev.Sluice.OriginalLength, ev.Sluice.Flags)
			}
		case ev.Message == "short line":
			short++
			if len(ev.Sluice.Flags) != 0 {
				t.Errorf("short line flagged %v", ev.Sluice.Flags)
			}
		}
	}
	if cut != 1 || short != 1 {
		t.Fatalf("cut %d short %d", cut, short)
	}
}
