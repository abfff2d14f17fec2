package mediator

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/proto"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/indexer/embedded"
	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/queue"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// orgOutage is the real embedded index with one organization's writes
// failing, like an Elasticsearch index of one tenant that is read-only or
// over its shard limit while the others are fine.
type orgOutage struct {
	indexer.Index
	down   atomic.Value // string: the organization whose writes fail
	failed atomic.Int64
}

func (o *orgOutage) Write(ctx context.Context, events []*event.Event) error {
	if bad, _ := o.down.Load().(string); bad != "" {
		for _, e := range events {
			if e.Organization == bad {
				o.failed.Add(1)
				return errors.New("index for " + bad + " is read-only")
			}
		}
	}
	return o.Index.Write(ctx, events)
}

func sendBatch(t *testing.T, addr, org, agentID string, from, n int) {
	t.Helper()
	var es []*sluicev1.LogEntry
	for i := from; i < from+n; i++ {
		es = append(es, &sluicev1.LogEntry{Seq: uint64(i + 1), SourceType: "x", Raw: []byte(fmt.Sprintf("%s line %d", org, i))})
	}
	sendEntries(t, addr, &sluicev1.Hello{AgentId: agentID, Organization: org}, es)
}

// sendEntries opens a stream with hello, sends es as one batch and waits
// for its acknowledgement.
func sendEntries(t *testing.T, addr string, hello *sluicev1.Hello, es []*sluicev1.LogEntry) {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stream, err := sluicev1.NewMediatorServiceClient(conn).Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Send(&sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Hello{Hello: hello}}); err != nil {
		t.Fatal(err)
	}
	if _, err := stream.Recv(); err != nil {
		t.Fatal(err)
	}
	if err := stream.Send(&sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Batch{Batch: &sluicev1.LogBatch{Entries: es}}}); err != nil {
		t.Fatal(err)
	}
	var last uint64
	for _, e := range es {
		last = max(last, e.GetSeq())
	}
	for {
		resp, err := stream.Recv()
		if err != nil {
			t.Fatal(err)
		}
		if a := resp.GetAck(); a != nil && a.GetThroughSeq() >= last {
			return
		}
	}
}

// newOutageMediator is a mediator on a real embedded index whose writes
// for globex fail until door.down is cleared; an organization is parked
// after 300 ms of failing writes.
func newOutageMediator(t *testing.T) (*Mediator, indexer.Index, *orgOutage) {
	t.Helper()
	dir := t.TempDir()
	idx, err := embedded.Open(embedded.Config{Dir: filepath.Join(dir, "index")}, hclog.NewNullLogger())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	door := &orgOutage{Index: idx}
	door.down.Store("globex")
	cfg, err := ParseConfig([]byte(fmt.Sprintf("mediator {\n listen = \"127.0.0.1:0\"\n http = \"127.0.0.1:0\"\n data_dir = %q\n insecure = true\n index_flush = \"20ms\"\n}\n", filepath.Join(dir, "m"))), "m.hcl")
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(cfg, Deps{Logger: hclog.NewNullLogger(), Index: door})
	if err != nil {
		t.Fatal(err)
	}
	m.pipeline.parkAfter = 300 * time.Millisecond
	return m, idx, door
}

// One organization's failing index does not hold back the others: its
// entries stay in state, the others are indexed, and when its index comes
// back its entries are indexed exactly once.
func TestOrganizationOutageDoesNotBlockOthers(t *testing.T) {
	m, idx, door := newOutageMediator(t)
	startMediator(t, m)

	count := func(org string) int64 {
		n, err := idx.Count(context.Background(), indexer.SearchRequest{Query: "*", Organization: org})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s; status %+v", what, m.Status())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	// Interleaved: globex first, so its failing batch is ahead of acme's.
	sendBatch(t, m.Addr(), "globex", "g1", 0, 500)
	sendBatch(t, m.Addr(), "acme", "a1", 0, 500)
	waitFor("acme indexed beside failing globex", func() bool { return count("acme") == 500 })
	// More of both while globex is still down: acme keeps flowing.
	sendBatch(t, m.Addr(), "globex", "g1", 500, 500)
	sendBatch(t, m.Addr(), "acme", "a1", 500, 500)
	waitFor("acme's second batch", func() bool { return count("acme") == 1000 })
	if n := count("globex"); n != 0 {
		t.Fatalf("globex holds %d events while its index is down", n)
	}
	waitFor("acme's entries out of state", func() bool { return m.Status().StateDepth == 1000 })
	st := m.Status()
	if st.StateDepth != 1000 || !st.IndexRetry {
		t.Fatalf("globex's 1000 entries should wait in state with the retry shown: %+v", st)
	}
	if door.failed.Load() == 0 {
		t.Fatal("globex's writes were never tried")
	}

	door.down.Store("")
	waitFor("globex drained", func() bool { return count("globex") == 1000 })
	waitFor("state empty", func() bool { return m.Status().StateDepth == 0 })
	time.Sleep(200 * time.Millisecond)
	if a, g := count("acme"), count("globex"); a != 1000 || g != 1000 {
		t.Fatalf("acme %d, globex %d; want 1000 each, once", a, g)
	}
	if st := m.Status(); st.IndexRetry || st.Indexed != 2000 {
		t.Fatalf("after recovery: %+v", st)
	}
}

func TestRecordOrg(t *testing.T) {
	for _, org := range []string{"", "acme", "a-very-long-organization-name"} {
		b, err := proto.Marshal(&sluicev1.StoredBatch{AgentId: "web-01", Organization: org, Packed: []byte("xxxx")})
		if err != nil {
			t.Fatal(err)
		}
		if got := recordOrg(b); got != org {
			t.Errorf("recordOrg = %q, want %q", got, org)
		}
	}
	if got := recordOrg([]byte{0xff, 0xff}); got != "" {
		t.Errorf("garbage: %q", got)
	}
}

// A failed state read while a parked organization's records are read
// again does not leave them behind (issue 25): before, the rescan was
// dropped, the cursor was already past the organization's records, and
// they stayed in state, never indexed, until a restart — a silent stall
// of one organization.
func TestRescanSurvivesFailedRead(t *testing.T) {
	m, idx, door := newOutageMediator(t)
	// The first read of globex's records after the index came back
	// fails once.
	var failRescan atomic.Bool
	var failed atomic.Int64
	read := m.pipeline.readTag
	m.pipeline.readTag = func(tag string, from uint64, max int, maxBytes int) ([]queue.Record, error) {
		if tag == "globex" && failRescan.CompareAndSwap(true, false) {
			failed.Add(1)
			return nil, errors.New("injected: value log read failed")
		}
		return read(tag, from, max, maxBytes)
	}
	startMediator(t, m)

	sendBatch(t, m.Addr(), "globex", "g1", 0, 500)
	sendBatch(t, m.Addr(), "acme", "a1", 0, 500)
	// Parked with nothing in flight: globex's entries come back only
	// through a rescan (not through a write still retrying).
	testkit.Eventually(t, 20*time.Second, "acme indexed and globex parked", func() bool {
		st := m.Status()
		return st.Indexed == 500 && st.StateDepth == 500 && len(st.Pipeline.Parked) == 1 && len(st.Pipeline.Organizations) == 0
	})
	failRescan.Store(true)
	door.down.Store("")
	testkit.Eventually(t, 20*time.Second, "globex's entries indexed after the failed read", func() bool { return m.Status().StateDepth == 0 })
	if failed.Load() != 1 {
		t.Fatalf("the injected read failure happened %d times, want 1: the test did not exercise the rescan", failed.Load())
	}
	n, err := idx.Count(context.Background(), indexer.SearchRequest{Query: "*", Organization: "globex"})
	if err != nil || n != 500 {
		t.Fatalf("globex holds %d events (%v), want 500", n, err)
	}
}

// startMediator runs m until the test ends.
func startMediator(t *testing.T, m *Mediator) {
	t.Helper()
	testkit.Run(t, m.Run)
}
