package mediator

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"

	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/logging"
	"github.com/sluicehq/sluice/pkg/pki"
	"github.com/sluicehq/sluice/pkg/queue"
	"github.com/sluicehq/sluice/pkg/refusal"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// logBuffer collects a mediator's log lines for assertions.
type logBuffer struct{ logging.Buffer }

// waitLog waits for a log line containing all of parts.
func (l *logBuffer) waitLog(t *testing.T, parts ...string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, line := range strings.Split(l.String(), "\n") {
			ok := true
			for _, p := range parts {
				if !strings.Contains(line, p) {
					ok = false
					break
				}
			}
			if ok {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no log line with %q in:\n%s", parts, l.String())
}

type pkiFixture struct {
	dir, otherDir string
}

func newPKI(t *testing.T) *pkiFixture {
	t.Helper()
	f := &pkiFixture{dir: t.TempDir(), otherDir: t.TempDir()}
	for _, d := range []string{f.dir, f.otherDir} {
		if err := pki.NewCA(d, "", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	f.issue(t, f.dir, pki.IssueOptions{Identity: pki.Identity{Kind: pki.KindMediator, ID: "dp-sec"}, Hosts: []string{"127.0.0.1"}})
	return f
}

func (f *pkiFixture) issue(t *testing.T, dir string, opts pki.IssueOptions) pki.Files {
	t.Helper()
	if err := pki.Issue(dir, opts); err != nil {
		t.Fatal(err)
	}
	cert, key := pki.PathsFor(dir, opts.Identity)
	return pki.Files{CA: filepath.Join(f.dir, "ca.pem"), Cert: cert, Key: key}
}

func (f *pkiFixture) agent(t *testing.T, id, org string) pki.Files {
	return f.issue(t, f.dir, pki.IssueOptions{Identity: pki.Identity{Kind: pki.KindAgent, ID: id, Organization: org}})
}

// secureMediator starts a mediator with mutual TLS and extra config lines;
// its log goes to the returned buffer.
func secureMediator(t *testing.T, f *pkiFixture, extra string) (*Mediator, *logBuffer) {
	t.Helper()
	cert, key := pki.CertPaths(f.dir, "dp-sec")
	cfg, err := ParseConfig([]byte(fmt.Sprintf(`
mediator {
  id       = "dp-sec"
  listen   = "127.0.0.1:0"
  http     = "127.0.0.1:0"
  data_dir = %q
  tls {
    ca_file   = %q
    cert_file = %q
    key_file  = %q
  }
  %s
}`, t.TempDir(), filepath.Join(f.dir, "ca.pem"), cert, key, extra)), "m.hcl")
	if err != nil {
		t.Fatal(err)
	}
	logs := &logBuffer{}
	m, err := New(cfg, Deps{Logger: hclog.New(&hclog.LoggerOptions{Output: logs, Level: hclog.Info})})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Run(t, m.Run)
	return m, logs
}

// hello connects with creds and says hello as id; it returns the first
// response or the stream's error.
func hello(t *testing.T, addr string, creds credentials.TransportCredentials, id, org string) (sluicev1.MediatorService_ConnectClient, error) {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(creds))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	stream, err := sluicev1.NewMediatorServiceClient(conn).Connect(ctx)
	if err != nil {
		return nil, err
	}
	if err := stream.Send(&sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Hello{Hello: &sluicev1.Hello{AgentId: id, Organization: org}}}); err != nil {
		_, err = stream.Recv()
		return nil, err
	}
	resp, err := stream.Recv()
	if err != nil {
		return nil, err
	}
	if resp.GetWelcome() == nil {
		return nil, fmt.Errorf("got %T, not a welcome", resp.GetMsg())
	}
	return stream, nil
}

func clientCreds(t *testing.T, f pki.Files) credentials.TransportCredentials {
	t.Helper()
	tc, err := pki.ClientConfig(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	return credentials.NewTLS(tc)
}

func TestMutualTLSRefusals(t *testing.T) {
	f := newPKI(t)
	m, logs := secureMediator(t, f, `revoked = ["bad-01"]`)

	// The good agent is welcomed, and its organization comes from its
	// certificate.
	good := f.agent(t, "web-01", "acme")
	if _, err := hello(t, m.Addr(), clientCreds(t, good), "web-01", ""); err != nil {
		t.Fatalf("good agent: %v", err)
	}
	if got := m.Agents(); len(got) != 1 || got[0].Organization != "acme" {
		t.Fatalf("agents %+v", got)
	}

	tlsRefused := func(name string, creds credentials.TransportCredentials, id, logPart string) {
		t.Helper()
		_, err := hello(t, m.Addr(), creds, id, "")
		if code := status.Code(err); code != codes.Unavailable {
			t.Fatalf("%s: got %v (%v), want Unavailable from the failed handshake", name, code, err)
		}
		logs.waitLog(t, "TLS client refused", logPart)
	}
	// No client certificate.
	bare := credentials.NewTLS(&tls.Config{MinVersion: tls.VersionTLS13, InsecureSkipVerify: true})
	tlsRefused("no certificate", bare, "web-01", "no certificate presented")
	// A certificate from another CA.
	foreign := f.issue(t, f.otherDir, pki.IssueOptions{Identity: pki.Identity{Kind: pki.KindAgent, ID: "web-02", Organization: "acme"}})
	foreign.CA = good.CA
	tlsRefused("other CA", clientCreds(t, foreign), "web-02", "unknown authority")
	// An expired certificate.
	expired := f.issue(t, f.dir, pki.IssueOptions{Identity: pki.Identity{Kind: pki.KindAgent, ID: "old-01", Organization: "acme"}, Now: time.Now().Add(-2 * pki.CertLifetime)})
	tlsRefused("expired", clientCreds(t, expired), "old-01", "expired")
	// A revoked agent.
	revoked := f.agent(t, "bad-01", "acme")
	tlsRefused("revoked", clientCreds(t, revoked), "bad-01", "bad-01 is revoked")

	// A hello that claims another id than the certificate.
	_, err := hello(t, m.Addr(), clientCreds(t, good), "web-99", "")
	if code, reason := refusal.Reason(err); code != codes.PermissionDenied || reason != refusal.Identity {
		t.Fatalf("id mismatch: %v / %q (%v)", code, reason, err)
	}
	logs.waitLog(t, "hello claims another identity", "certificate_agent=web-01", "hello_agent=web-99")
	_, err = hello(t, m.Addr(), clientCreds(t, good), "web-01", "other-org")
	if code, reason := refusal.Reason(err); code != codes.PermissionDenied || reason != refusal.Identity {
		t.Fatalf("organization mismatch: %v / %q (%v)", code, reason, err)
	}
}

func TestManualAcceptance(t *testing.T) {
	f := newPKI(t)
	m, logs := secureMediator(t, f, `accept = "manual"`)
	creds := clientCreds(t, f.agent(t, "new-01", "acme"))
	_, err := hello(t, m.Addr(), creds, "new-01", "")
	if code, reason := refusal.Reason(err); code != codes.PermissionDenied || reason != refusal.Pending {
		t.Fatalf("pending: %v / %q (%v)", code, reason, err)
	}
	logs.waitLog(t, "not accepted on this mediator", "agent=new-01", "state=pending")
	var agents AgentsResponse
	getJSON(t, "http://"+m.HTTPAddr()+"/v1/agents", &agents)
	if len(agents.Known) != 1 || agents.Known[0].State != StatePending {
		t.Fatalf("known %+v", agents.Known)
	}
	// An admin accepts it (loopback: no token configured).
	resp, err := http.Post("http://"+m.HTTPAddr()+"/v1/agents/new-01/accept?org=acme", "", nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("accept: %v %v", resp, err)
	}
	resp.Body.Close()
	if _, err := hello(t, m.Addr(), creds, "new-01", ""); err != nil {
		t.Fatalf("accepted agent: %v", err)
	}
	// Rejecting it cuts it off and keeps it out.
	resp, err = http.Post("http://"+m.HTTPAddr()+"/v1/agents/new-01/reject?org=acme", "", nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("reject: %v %v", resp, err)
	}
	resp.Body.Close()
	_, err = hello(t, m.Addr(), creds, "new-01", "")
	if code, reason := refusal.Reason(err); code != codes.PermissionDenied || reason != refusal.Rejected {
		t.Fatalf("rejected: %v / %q (%v)", code, reason, err)
	}
}

// A revocation written to revoked_file cuts a connected agent off.
func TestRevokedWhileConnected(t *testing.T) {
	f := newPKI(t)
	revFile := filepath.Join(t.TempDir(), "revoked.txt")
	if err := os.WriteFile(revFile, []byte("# revoked agents\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	m, logs := secureMediator(t, f, fmt.Sprintf("revoked_file = %q", revFile))
	stream, err := hello(t, m.Addr(), clientCreds(t, f.agent(t, "web-07", "acme")), "web-07", "")
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond) // a distinct modification time
	if err := os.WriteFile(revFile, []byte("web-07\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for {
		_, err := stream.Recv()
		if err != nil {
			if code := status.Code(err); code != codes.PermissionDenied {
				t.Fatalf("stream ended with %v (%v), want PermissionDenied", code, err)
			}
			break
		}
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Fatalf("cut off after %v", d)
	}
	logs.waitLog(t, "revoked agent cut off", "agent=web-07")
}

func TestAdminTokenRequired(t *testing.T) {
	f := newPKI(t)
	tokFile := filepath.Join(t.TempDir(), "token")
	_ = os.WriteFile(tokFile, []byte("s3cret-token-0123456789\n"), 0o600)
	m, logs := secureMediator(t, f, fmt.Sprintf("admin_token_file = %q", tokFile))
	url := "http://" + m.HTTPAddr() + "/v1/deadletter/replay"
	resp, err := http.Post(url, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("no token: %s", resp.Status)
	}
	req, _ := http.NewRequest(http.MethodPost, url, nil)
	req.Header.Set("Authorization", "Bearer s3cret-token-0123456789")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("with token: %s", resp.Status)
	}
	if strings.Contains(logs.String(), "s3cret") {
		t.Fatal("the token appears in the log")
	}
}

func TestPlaintextOnNetworkNeedsInsecure(t *testing.T) {
	_, err := ParseConfig([]byte("mediator {\n  listen = \"0.0.0.0:7400\"\n}\n"), "m.hcl")
	if err == nil || !strings.Contains(err.Error(), `m.hcl:2:3: listen "0.0.0.0:7400" is not a loopback address`) {
		t.Fatalf("got %v", err)
	}
	if _, err := ParseConfig([]byte("mediator {\n  listen = \"0.0.0.0:7400\"\n  insecure = true\n}\n"), "m.hcl"); err != nil {
		t.Fatal(err)
	}
}

// TestAdmissionNotSerializedOnDisk holds up the disk write of one new
// agent and checks that other new agents, and a known one, are admitted
// meanwhile, while a second visit of the agent being written waits for
// that write and gets its outcome. Then many new agents at once.
func TestAdmissionNotSerializedOnDisk(t *testing.T) {
	q, err := queue.Open(queue.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	a, err := newAcceptance("auto", q)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := a.admit("o", "known", "h", "p", now); err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	slowWriting := make(chan struct{})
	a.store = func(rec Acceptance) error {
		if rec.ID == "slow" {
			close(slowWriting)
			<-release
		}
		return a.write(rec)
	}
	slowDone := make(chan error, 2)
	go func() { slowDone <- a.admit("o", "slow", "h", "p", now) }()
	<-slowWriting
	go func() { slowDone <- a.admit("o", "slow", "h", "p2", now) }()
	for _, id := range []string{"known", "new-1", "new-2"} {
		done := make(chan error, 1)
		go func() { done <- a.admit("o", id, "h", "p", now) }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("admit %s: %v", id, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("admitting %s waited for another agent's disk write", id)
		}
	}
	select {
	case err := <-slowDone:
		t.Fatalf("a visit of the agent being written returned before its write: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	for range 2 {
		if err := <-slowDone; err != nil {
			t.Fatal(err)
		}
	}
	a.store = a.write

	var wg sync.WaitGroup
	for i := range 500 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := a.admit("o", fmt.Sprintf("storm-%d", i), "h", "p", now); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	b, err := newAcceptance("auto", q)
	if err != nil {
		t.Fatal(err)
	}
	// known, slow, new-1, new-2 and the storm.
	if got, want := len(b.list()), 4+500; got != want {
		t.Fatalf("%d agents recorded on disk, want %d", got, want)
	}
}
