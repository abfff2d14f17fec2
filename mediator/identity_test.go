package mediator

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/refusal"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// Two spools of one agent id, as two hosts sharing an id would have.
const (
	incA = "00000000000000aa"
	incB = "00000000000000bb"
)

// spoolBatch is a batch of entries from..to whose lines name who sent them.
func spoolBatch(who string, from, to uint64) *sluicev1.ConnectRequest {
	var es []*sluicev1.LogEntry
	for s := from; s <= to; s++ {
		es = append(es, &sluicev1.LogEntry{Seq: s, SourceType: "linux-auth", Raw: []byte(fmt.Sprintf("%s line %d", who, s))})
	}
	return &sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Batch{Batch: &sluicev1.LogBatch{Entries: es}}}
}

// welcomed says hello and fails unless the mediator welcomes it.
func welcomed(t *testing.T, addr string, h *sluicev1.Hello) (sluicev1.MediatorService_ConnectClient, *sluicev1.Welcome) {
	t.Helper()
	stream, resp, err := dialHello(t, addr, h)
	if err != nil || resp.GetWelcome() == nil {
		t.Fatalf("hello %v: %v %v", h, resp, err)
	}
	return stream, resp.GetWelcome()
}

// sendAcked sends a batch and returns the sequence it was acknowledged
// through.
func sendAcked(t *testing.T, stream sluicev1.MediatorService_ConnectClient, b *sluicev1.ConnectRequest) uint64 {
	t.Helper()
	if err := stream.Send(b); err != nil {
		t.Fatal(err)
	}
	return nextData(t, stream).GetAck().GetThroughSeq()
}

// hangUp ends a stream from the agent's side and waits until the mediator
// has let the agent id go.
func hangUp(t *testing.T, m *Mediator, stream sluicev1.MediatorService_ConnectClient) {
	t.Helper()
	_ = stream.CloseSend()
	testkit.Eventually(t, 20*time.Second, "the stream ended at the mediator", func() bool { return m.registry.count() == 0 })
}

// A second live stream of an agent id from another spool is refused with
// PERMISSION_DENIED / duplicate_identity, naming where the agent id is
// connected and that spool's tag (never its incarnation), and logged;
// the same spool reconnecting replaces its old (half-dead) stream as
// before; once the stream is gone, the other spool gets in.
func TestDuplicateIdentityRefused(t *testing.T) {
	logs := &logBuffer{}
	m := testMediatorLog(t, "", hclog.New(&hclog.LoggerOptions{Output: logs, Level: hclog.Info}))
	tagA, tagB := event.SpoolTag(incA), event.SpoolTag(incB)

	first, _ := welcomed(t, m.Addr(), &sluicev1.Hello{AgentId: "twin", Incarnation: incA})
	_, _, err := dialHello(t, m.Addr(), &sluicev1.Hello{AgentId: "twin", Incarnation: incB})
	wantRefusal(t, err, codes.PermissionDenied, refusal.DuplicateIdentity)
	msg := status.Convert(err).Message()
	if !strings.Contains(msg, "agent id twin already connected from 127.0.0.1:") || !strings.Contains(msg, "spool "+tagA) || strings.Contains(msg, incA) {
		t.Fatalf("refusal says %q: want where the agent id is connected and the spool's tag, not its incarnation", msg)
	}
	logs.waitLog(t, "agent refused: agent id already connected from another spool", "agent=twin", "spool="+tagB, "connected_spool="+tagA, "connected_peer=127.0.0.1:")
	if strings.Contains(logs.String(), incA) || strings.Contains(logs.String(), incB) {
		t.Fatal("the log shows a spool's incarnation")
	}
	// A hello without incarnation is another spool too.
	_, _, err = dialHello(t, m.Addr(), &sluicev1.Hello{AgentId: "twin"})
	wantRefusal(t, err, codes.PermissionDenied, refusal.DuplicateIdentity)
	if got := m.Status().RefusedDuplicateIdentity; got != 2 {
		t.Fatalf("refused_duplicate_identity %d, want 2", got)
	}
	agents := m.registry.list()
	if len(agents) != 1 || agents[0].Spool != tagA || !strings.Contains(agents[0].DuplicateIdentity, "refused 2 time(s)") {
		t.Fatalf("/v1/agents shows %+v: want spool %s with its duplicate identity", agents, tagA)
	}

	// The same spool again: its agent reconnected before the old stream
	// was found dead. It replaces it.
	second, _ := welcomed(t, m.Addr(), &sluicev1.Hello{AgentId: "twin", Incarnation: incA})
	for {
		if _, err := first.Recv(); err != nil {
			if status.Code(err) != codes.Aborted {
				t.Fatalf("the replaced stream ended with %v, want ABORTED", err)
			}
			break
		}
	}
	// The other spool gets in once the agent id's stream is gone.
	hangUp(t, m, second)
	welcomed(t, m.Addr(), &sluicev1.Hello{AgentId: "twin", Incarnation: incB})
}

// The resend high-water mark is kept per spool: a spool whose sequences
// are below another's is stored, not acknowledged as a resend, and both
// are indexed under ids of their own even where their sequences are the
// same. (Before incarnations, the second spool's entries were
// acknowledged as held and dropped.)
func TestHighWaterPerSpool(t *testing.T) {
	m := testMediator(t, "")
	a, w := welcomed(t, m.Addr(), &sluicev1.Hello{AgentId: "twin", Incarnation: incA})
	if w.GetHeldThroughSeq() != 0 {
		t.Fatalf("new spool: held through %d", w.GetHeldThroughSeq())
	}
	if got := sendAcked(t, a, spoolBatch("a", 100, 109)); got != 109 {
		t.Fatalf("ack %d", got)
	}
	hangUp(t, m, a)

	b, w := welcomed(t, m.Addr(), &sluicev1.Hello{AgentId: "twin", Incarnation: incB})
	if w.GetHeldThroughSeq() != 0 {
		t.Fatalf("spool B welcomed with spool A's mark %d", w.GetHeldThroughSeq())
	}
	if got := sendAcked(t, b, spoolBatch("b", 100, 104)); got != 104 {
		t.Fatalf("ack %d", got)
	}
	if got := m.intake.received.Load(); got != 15 {
		t.Fatalf("stored %d entries, want 15: spool B's were taken for resends of spool A's", got)
	}
	// A resend within B is still recognized.
	if got := sendAcked(t, b, spoolBatch("b", 103, 106)); got != 106 || m.intake.received.Load() != 17 {
		t.Fatalf("resend: ack %d, stored %d, want 106 and 17", got, m.intake.received.Load())
	}
	hangUp(t, m, b)
	if _, w := welcomed(t, m.Addr(), &sluicev1.Hello{AgentId: "twin", Incarnation: incA}); w.GetHeldThroughSeq() != 109 {
		t.Fatalf("spool A welcomed back with held through %d, want 109", w.GetHeldThroughSeq())
	}

	testkit.Eventually(t, 20*time.Second, "everything indexed", func() bool { return m.state.q.Len() == 0 && count(t, m, "*") == 17 })
	for _, id := range []string{event.SpoolDocID("twin", event.SpoolTag(incA), 100), event.SpoolDocID("twin", event.SpoolTag(incB), 100)} {
		if n := count(t, m, `_id:"`+id+`"`); n != 1 {
			t.Fatalf("%d documents with id %s, want 1", n, id)
		}
	}
}

// A hello with a malformed incarnation is refused as a bad hello, without
// echoing it.
func TestBadIncarnationRefused(t *testing.T) {
	m := testMediator(t, "")
	for _, inc := range []string{"xyz", "00000000000000AA", strings.Repeat("a", 64)} {
		_, _, err := dialHello(t, m.Addr(), &sluicev1.Hello{AgentId: "web-01", Incarnation: inc})
		wantRefusal(t, err, codes.InvalidArgument, refusal.BadHello)
		if strings.Contains(status.Convert(err).Message(), inc) {
			t.Fatalf("refusal echoes the incarnation: %v", err)
		}
	}
}

// The connected agent's heartbeats reach ARM with its spool's tag and,
// once another spool was refused, the duplicate identity.
func TestDuplicateIdentityForwardedToARM(t *testing.T) {
	stub, armAddr := startArmStub(t)
	m := testMediator(t, fmt.Sprintf("arm = %q\n arm_interval = \"100ms\"", armAddr))

	a, _ := welcomed(t, m.Addr(), &sluicev1.Hello{AgentId: "twin", Incarnation: incA})
	heartbeat := func() {
		t.Helper()
		// What the agent says of its spool and identity is not taken.
		hb := &sluicev1.Heartbeat{Time: timestamppb.Now(), ComponentId: "twin", Spool: "forged", DuplicateIdentity: "forged"}
		if err := a.Send(&sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Heartbeat{Heartbeat: hb}}); err != nil {
			t.Fatal(err)
		}
	}
	last := func() *sluicev1.Heartbeat {
		stub.mu.Lock()
		defer stub.mu.Unlock()
		if len(stub.agents) == 0 {
			return nil
		}
		return stub.agents[len(stub.agents)-1]
	}
	heartbeat()
	testkit.Eventually(t, 20*time.Second, "the agent's heartbeat forwarded", func() bool { return last() != nil })
	if hb := last(); hb.GetSpool() != event.SpoolTag(incA) || hb.GetDuplicateIdentity() != "" {
		t.Fatalf("forwarded heartbeat says spool %q, duplicate %q", hb.GetSpool(), hb.GetDuplicateIdentity())
	}
	_, _, err := dialHello(t, m.Addr(), &sluicev1.Hello{AgentId: "twin", Incarnation: incB})
	wantRefusal(t, err, codes.PermissionDenied, refusal.DuplicateIdentity)
	heartbeat()
	testkit.Eventually(t, 20*time.Second, "the duplicate identity forwarded", func() bool {
		return strings.Contains(last().GetDuplicateIdentity(), "spool "+event.SpoolTag(incB)+" from 127.0.0.1:")
	})
}

// The duplicate identity of an agent id is said for duplicateWindow after
// the last refusal, then dropped.
func TestDuplicateIdentityWindow(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	r := newRegistry(10)
	r.now = func() time.Time { return now }
	sess := func(inc, peer string) *session {
		_, cancel := context.WithCancelCause(context.Background())
		t.Cleanup(func() { cancel(nil) })
		return &session{
			info:   AgentInfo{ID: "twin", Organization: "acme", Peer: peer, Spool: event.SpoolTag(inc)},
			spool:  spool{org: "acme", agent: "twin", incarnation: inc, tag: event.SpoolTag(inc)},
			cancel: cancel,
		}
	}
	if err := r.add(sess(incA, "192.0.2.1:1")); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := r.add(sess(incB, "192.0.2.2:2")); err == nil {
			t.Fatalf("attempt %d: a second spool got in", i)
		}
		now = now.Add(time.Minute)
	}
	got := r.duplicate("acme", "twin")
	want := "spool " + event.SpoolTag(incB) + " from 192.0.2.2:2 was refused 3 time(s) since 2026-12-01T10:00:00Z: spool " + event.SpoolTag(incA) + " from 192.0.2.1:1 held the agent id's stream"
	if got != want {
		t.Fatalf("duplicate says\n%q, want\n%q", got, want)
	}
	if r.duplicate("acme", "other") != "" || r.duplicate("other", "twin") != "" {
		t.Fatal("another agent id is said to be duplicated")
	}
	now = now.Add(duplicateWindow - time.Minute) // the window after the last refusal
	if r.duplicate("acme", "twin") == "" {
		t.Fatal("duplicate dropped within the window")
	}
	now = now.Add(time.Second)
	if r.duplicate("acme", "twin") != "" || len(r.clashes) != 0 {
		t.Fatal("duplicate kept after the window")
	}
}
