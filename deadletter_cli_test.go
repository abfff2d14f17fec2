package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/indexer/embedded"
	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/mediator"
	"github.com/sluicehq/sluice/pkg/event"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// cliPoisonReason is what the refusing index answers for a poison
// document, as Elasticsearch does for a mapping conflict.
const cliPoisonReason = "mapper_parsing_exception: failed to parse field [source.port]"

// cliRefusingIndex is the real embedded index behind a door that refuses
// documents whose message holds "POISON", per document and permanently
// (an indexer.RejectedError), while storing the rest: the same door as
// mediator's TestDeadLettersKeepAndReplay, injected through the exported
// mediator.Deps.Index.
type cliRefusingIndex struct {
	indexer.Index
	strict atomic.Bool
}

func (r *cliRefusingIndex) Write(ctx context.Context, events []*event.Event) error {
	if !r.strict.Load() {
		return r.Index.Write(ctx, events)
	}
	var ok []*event.Event
	rej := &indexer.RejectedError{Reasons: map[int]string{}}
	for i, e := range events {
		if strings.Contains(e.Message, "POISON") {
			rej.Reasons[i] = cliPoisonReason
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

// deadLetterFixture is a running in-process mediator whose index refuses
// poison documents, and the dead letters an agent left in it.
type deadLetterFixture struct {
	m      *mediator.Mediator
	url    string
	idx    *embedded.Index
	door   *cliRefusingIndex
	total  int
	poison map[uint64]bool // seqs of the poison lines
}

// startDeadLetterMediator starts a mediator (extra is added to its config
// block) on 127.0.0.1:0 ports, sends total lines as agent "poisoner", one
// in every 4 a poison line, and waits until the clean ones are indexed and
// the poison ones dead-lettered.
func startDeadLetterMediator(t *testing.T, extra string, total int) *deadLetterFixture {
	t.Helper()
	t.Setenv("SLUICE_ADMIN_TOKEN", "") // the CLI must not pick up a token from the environment
	t.Setenv("SLUICE_TOKEN", "")
	dir := t.TempDir()
	idx, err := embedded.Open(embedded.Config{Dir: filepath.Join(dir, "index")}, hclog.NewNullLogger())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	door := &cliRefusingIndex{Index: idx}
	door.strict.Store(true)
	cfg, err := mediator.ParseConfig([]byte(fmt.Sprintf("mediator {\n listen = \"127.0.0.1:0\"\n http = \"127.0.0.1:0\"\n data_dir = %q\n insecure = true\n index_flush = \"20ms\"\n %s\n}\n", filepath.Join(dir, "m"), extra)), "m.hcl")
	if err != nil {
		t.Fatal(err)
	}
	m, err := mediator.New(cfg, mediator.Deps{Logger: hclog.NewNullLogger(), Index: door})
	if err != nil {
		t.Fatal(err)
	}
	// Registered after idx.Close, so it runs first: the mediator stops
	// before the index it writes to is closed.
	testkit.Run(t, m.Run)

	f := &deadLetterFixture{m: m, url: "http://" + m.HTTPAddr(), idx: idx, door: door, total: total, poison: map[uint64]bool{}}
	conn, err := grpc.NewClient(m.Addr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	sctx, scancel := context.WithCancel(context.Background())
	t.Cleanup(scancel)
	stream, err := sluicev1.NewMediatorServiceClient(conn).Connect(sctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Send(&sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Hello{Hello: &sluicev1.Hello{AgentId: "poisoner"}}}); err != nil {
		t.Fatal(err)
	}
	if resp, err := stream.Recv(); err != nil || resp.GetWelcome() == nil {
		t.Fatalf("hello: %v %v", resp, err)
	}
	var es []*sluicev1.LogEntry
	for i := 1; i <= total; i++ {
		msg := fmt.Sprintf("line %d", i)
		if i%4 == 0 {
			msg += " POISON"
			f.poison[uint64(i)] = true
		}
		es = append(es, &sluicev1.LogEntry{Seq: uint64(i), SourceType: "x", Raw: []byte(msg)})
	}
	if err := stream.Send(&sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Batch{Batch: &sluicev1.LogBatch{Entries: es}}}); err != nil {
		t.Fatal(err)
	}
	n := len(f.poison)
	deadline := time.Now().Add(15 * time.Second)
	for st := m.Status(); st.Indexed < uint64(total-n) || st.DeadLetter < int64(n) || st.StateDepth != 0; st = m.Status() {
		if time.Now().After(deadline) {
			t.Fatalf("mediator did not index %d and dead-letter %d: status %+v", total-n, n, st)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if st := m.Status(); st.DeadLetter != int64(n) || st.Indexed != uint64(total-n) {
		t.Fatalf("status %+v, want %d indexed and %d dead letters", st, total-n, n)
	}
	return f
}

// listRows runs `sluice deadletter list` and returns its table rows
// (without the header), checking the header and the closing count line.
func listRows(t *testing.T, args ...string) []string {
	t.Helper()
	code, stdout, stderr := run(t, append([]string{"deadletter", "list"}, args...)...)
	if code != 0 {
		t.Fatalf("deadletter list %v: exit %d\nstdout:\n%s\nstderr:\n%s", args, code, stdout, stderr)
	}
	lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "ID ") || !strings.Contains(lines[0], "REASON") {
		t.Fatalf("deadletter list: no header in\n%s", stdout)
	}
	rows := lines[1 : len(lines)-1]
	if want := fmt.Sprintf("%d dead letter(s)", len(rows)); lines[len(lines)-1] != want {
		t.Fatalf("deadletter list: last line %q, want %q\n%s", lines[len(lines)-1], want, stdout)
	}
	return rows
}

// checkRows checks that rows are exactly the poison lines, each once,
// from agent poisoner, with the index's reason.
func (f *deadLetterFixture) checkRows(t *testing.T, rows []string) {
	t.Helper()
	if len(rows) != len(f.poison) {
		t.Fatalf("%d rows, want %d:\n%s", len(rows), len(f.poison), strings.Join(rows, "\n"))
	}
	seen := map[uint64]bool{}
	for _, r := range rows {
		fs := strings.Fields(r)
		if len(fs) < 6 {
			t.Fatalf("short row %q", r)
		}
		seq, err := strconv.ParseUint(fs[3], 10, 64)
		if err != nil || !f.poison[seq] || seen[seq] {
			t.Fatalf("row %q: seq %q is not a poison line not yet listed", r, fs[3])
		}
		seen[seq] = true
		if fs[2] != "poisoner" || !strings.Contains(r, "mapper_parsing_exception") || !strings.HasSuffix(r, fmt.Sprintf("line %d POISON", seq)) {
			t.Fatalf("row %q: want agent poisoner, the mapping reason and the poison message", r)
		}
	}
}

func TestDeadLetterCLIListAndReplay(t *testing.T) {
	f := startDeadLetterMediator(t, "", 20)
	n := len(f.poison) // 5
	addr := []string{"-addr", f.url}

	f.checkRows(t, listRows(t, addr...))
	if rows := listRows(t, append(addr, "-limit", "2")...); len(rows) != 2 {
		t.Fatalf("-limit 2: %d rows", len(rows))
	}

	code, stdout, stderr := run(t, append([]string{"deadletter", "list", "-json"}, addr...)...)
	if code != 0 {
		t.Fatalf("list -json: exit %d: %s", code, stderr)
	}
	var items []mediator.DeadLetter
	if err := json.Unmarshal([]byte(stdout), &items); err != nil {
		t.Fatalf("list -json is not a JSON list of dead letters: %v\n%s", err, stdout)
	}
	if len(items) != n {
		t.Fatalf("list -json: %d items, want %d", len(items), n)
	}
	for _, d := range items {
		if d.Reason != cliPoisonReason || d.Agent != "poisoner" || !f.poison[d.Seq] || d.Message != fmt.Sprintf("line %d POISON", d.Seq) || d.Time.IsZero() {
			t.Fatalf("list -json item %+v", d)
		}
	}

	// The mapping still conflicts: replay moves nothing and says so.
	code, stdout, stderr = run(t, append([]string{"deadletter", "replay"}, addr...)...)
	if want := fmt.Sprintf("replayed: 0 indexed, %d still refused\n", n); code != 1 || stdout != want {
		t.Fatalf("replay against a strict index: exit %d, stdout %q (want exit 1, %q), stderr %q", code, stdout, want, stderr)
	}
	f.checkRows(t, listRows(t, addr...))

	// The mapping is fixed: replay indexes them all and empties the list.
	f.door.strict.Store(false)
	code, stdout, stderr = run(t, append([]string{"deadletter", "replay"}, addr...)...)
	if want := fmt.Sprintf("replayed: %d indexed, 0 still refused\n", n); code != 0 || stdout != want {
		t.Fatalf("replay after the fix: exit %d, stdout %q (want exit 0, %q), stderr %q", code, stdout, want, stderr)
	}
	if rows := listRows(t, addr...); len(rows) != 0 {
		t.Fatalf("after replay: %d dead letters listed:\n%s", len(rows), strings.Join(rows, "\n"))
	}
	code, stdout, _ = run(t, append([]string{"deadletter", "list", "-json"}, addr...)...)
	if code != 0 || strings.TrimSpace(stdout) != "[]" {
		t.Fatalf("list -json after replay: exit %d %q", code, stdout)
	}
	if st := f.m.Status(); st.DeadLetter != 0 {
		t.Fatalf("status after replay: %+v", st)
	}
	got, err := f.idx.Count(context.Background(), indexer.SearchRequest{Query: "*"})
	if err != nil || got != int64(f.total) {
		t.Fatalf("index holds %d (%v), want all %d lines", got, err, f.total)
	}
	// A second replay has nothing left to do and indexes nothing twice.
	code, stdout, _ = run(t, append([]string{"deadletter", "replay"}, addr...)...)
	if code != 0 || stdout != "replayed: 0 indexed, 0 still refused\n" {
		t.Fatalf("second replay: exit %d %q", code, stdout)
	}
	if got, err := f.idx.Count(context.Background(), indexer.SearchRequest{Query: "*"}); err != nil || got != int64(f.total) {
		t.Fatalf("after a second replay the index holds %d (%v), want %d", got, err, f.total)
	}
}

func TestDeadLetterCLIUnreachable(t *testing.T) {
	t.Setenv("SLUICE_ADMIN_TOKEN", "")
	// A port nothing listens on: taken, then freed.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String()
	l.Close()
	for _, sub := range []string{"list", "replay"} {
		code, stdout, stderr := run(t, "deadletter", sub, "-addr", url)
		if code != 1 || !strings.Contains(stderr, "sluice deadletter "+sub+": cannot reach the mediator") || stdout != "" {
			t.Fatalf("deadletter %s -addr %s: exit %d, stdout %q, stderr %q", sub, url, code, stdout, stderr)
		}
	}
}

func TestDeadLetterCLIAdminToken(t *testing.T) {
	dir := t.TempDir()
	const token = "cli-admin-token-0123456789"
	tokFile := filepath.Join(dir, "token")
	wrongFile := filepath.Join(dir, "wrong")
	if err := os.WriteFile(tokFile, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(wrongFile, []byte("not-the-admin-token-000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f := startDeadLetterMediator(t, fmt.Sprintf("admin_token_file = %q", tokFile), 8)
	n := len(f.poison)         // 2
	f.door.strict.Store(false) // a replay that gets through indexes them all

	for _, args := range [][]string{
		{"deadletter", "replay", "-addr", f.url},                           // no token
		{"deadletter", "replay", "-addr", f.url, "-token-file", wrongFile}, // wrong token
	} {
		code, stdout, stderr := run(t, args...)
		if code == 0 || !strings.Contains(stderr, "401 Unauthorized: missing or wrong bearer token") || stdout != "" {
			t.Fatalf("%v: exit %d, stdout %q, stderr %q (want non-zero and the server's 401)", args, code, stdout, stderr)
		}
	}
	// The refused calls replayed nothing.
	f.checkRows(t, listRows(t, "-addr", f.url, "-token-file", tokFile))

	code, _, stderr := run(t, "deadletter", "replay", "-addr", f.url, "-token-file", filepath.Join(dir, "missing"))
	if code != 2 || !strings.Contains(stderr, "sluice deadletter:") || !strings.Contains(stderr, "missing") {
		t.Fatalf("unreadable -token-file: exit %d, stderr %q", code, stderr)
	}

	code, stdout, stderr := run(t, "deadletter", "replay", "-addr", f.url, "-token-file", tokFile)
	if want := fmt.Sprintf("replayed: %d indexed, 0 still refused\n", n); code != 0 || stdout != want {
		t.Fatalf("replay with -token-file: exit %d, stdout %q (want %q), stderr %q", code, stdout, want, stderr)
	}
	if rows := listRows(t, "-addr", f.url, "-token-file", tokFile); len(rows) != 0 {
		t.Fatalf("after replay: %d rows", len(rows))
	}
}
