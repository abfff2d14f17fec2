package mediator

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/indexer/embedded"
	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/event"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// rejectingIndex is the real embedded index behind a door that refuses
// "poison" documents the way Elasticsearch refuses a mapping conflict:
// per document, permanently, while storing the rest.
type rejectingIndex struct {
	indexer.Index
	strict atomic.Bool
}

func (r *rejectingIndex) Write(ctx context.Context, events []*event.Event) error {
	if !r.strict.Load() {
		return r.Index.Write(ctx, events)
	}
	var ok []*event.Event
	rej := &indexer.RejectedError{Reasons: map[int]string{}}
	for i, e := range events {
		if strings.Contains(e.Message, "POISON") {
			rej.Reasons[i] = "mapper_parsing_exception: failed to parse field [source.port]"
			continue
		}
		ok = append(ok, e)
	}
	if err := r.Index.Write(ctx, ok); err != nil {
		return err
	}
	if len(rej.Reasons) > 0 {
		return rej
	}
	return nil
}

func TestDeadLettersKeepAndReplay(t *testing.T) {
	dir := t.TempDir()
	idx, err := embedded.Open(embedded.Config{Dir: filepath.Join(dir, "index")}, hclog.NewNullLogger())
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	door := &rejectingIndex{Index: idx}
	door.strict.Store(true)
	cfg, err := ParseConfig([]byte(fmt.Sprintf("mediator {\n listen = \"127.0.0.1:0\"\n http = \"127.0.0.1:0\"\n data_dir = %q\n insecure = true\n index_flush = \"20ms\"\n}\n", filepath.Join(dir, "m"))), "m.hcl")
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(cfg, Deps{Logger: hclog.NewNullLogger(), Index: door})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Run(t, m.Run)

	const total, poison = 100, 7
	stream, _, err := dialAgent(t, m.Addr(), "poisoner")
	if err != nil {
		t.Fatal(err)
	}
	var es []*sluicev1.LogEntry
	for i := 1; i <= total; i++ {
		msg := fmt.Sprintf("line %d", i)
		if i%(total/poison) == 0 && i/(total/poison) <= poison {
			msg += " POISON"
		}
		es = append(es, &sluicev1.LogEntry{Seq: uint64(i), SourceType: "x", Raw: []byte(msg)})
	}
	if err := stream.Send(&sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Batch{Batch: &sluicev1.LogBatch{Entries: es}}}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for m.Status().Indexed < total-poison || m.Status().DeadLetter < poison {
		if time.Now().After(deadline) {
			t.Fatalf("status %+v", m.Status())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if st := m.Status(); st.DeadLetter != poison || st.StateDepth != 0 {
		t.Fatalf("dead letters %d (want %d), state %d", st.DeadLetter, poison, st.StateDepth)
	}

	var list []DeadLetter
	getJSON(t, "http://"+m.HTTPAddr()+"/v1/deadletter", &list)
	if len(list) != poison || !strings.Contains(list[0].Reason, "mapper_parsing_exception") || !strings.HasSuffix(list[0].Message, "POISON") || list[0].Agent != "poisoner" {
		t.Fatalf("list %+v", list)
	}

	// Replay while the index still refuses: nothing moves.
	var rr ReplayResponse
	postJSON(t, "http://"+m.HTTPAddr()+"/v1/deadletter/replay", &rr)
	if rr.Indexed != 0 || rr.Remaining != poison {
		t.Fatalf("replay against a strict index: %+v", rr)
	}
	// The mapping is fixed: replay indexes them all, once.
	door.strict.Store(false)
	postJSON(t, "http://"+m.HTTPAddr()+"/v1/deadletter/replay", &rr)
	if rr.Indexed != poison || rr.Remaining != 0 {
		t.Fatalf("replay: %+v", rr)
	}
	n, err := idx.Count(context.Background(), indexer.SearchRequest{Query: "*"})
	if err != nil || n != total {
		t.Fatalf("index holds %d (%v), want %d", n, err, total)
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

func postJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Post(url, "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}
