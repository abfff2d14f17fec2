package arm

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/mediator/armlink"
	"github.com/sluicehq/sluice/pkg/logging"
	"github.com/sluicehq/sluice/pkg/pki"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

const testToken = "s3cret-arm-admin-token-0123456789"

// bufferedARM opens an ARM whose log goes to the returned buffer.
func bufferedARM(t *testing.T, cfg *Config, clock *fakeClock) (*ARM, *logging.Buffer) {
	t.Helper()
	logs := &logging.Buffer{}
	a, err := New(cfg, Deps{Logger: hclog.New(&hclog.LoggerOptions{Output: logs, Level: hclog.Debug}), Version: "test", Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return a, logs
}

func writeToken(t *testing.T, tok string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "arm.token")
	if err := os.WriteFile(p, []byte(tok+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func doDelete(t *testing.T, client *http.Client, url, auth string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodDelete, url, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestAdminTokenRequired: with admin_token_file, DELETE needs the bearer
// token (even from loopback); a missing or wrong one is 401 and logged
// (at a limited rate) without the token; reads need it too.
func TestAdminTokenRequired(t *testing.T) {
	clock := newFakeClock(t0)
	cfg := testConfig(t, t.TempDir())
	cfg.CheckInterval = time.Hour
	cfg.AdminTokenFile = writeToken(t, testToken)
	a, logs := bufferedARM(t, cfg, clock)
	testkit.Run(t, a.Run)
	report(t, a, "dp-01", 0, agentHB("web-01", "acme", "dp-01", clock.Now()))
	url := "http://" + a.HTTPAddr() + "/v1/heartbeats/web-01"

	for _, tc := range []struct{ name, auth string }{
		{"no header", ""},
		{"wrong token", "Bearer not-the-token-at-all-0000"},
		{"token prefix", "Bearer " + testToken[:len(testToken)-1]},
		{"token without scheme", testToken},
		{"basic auth", "Basic " + testToken},
	} {
		if code := doDelete(t, http.DefaultClient, url, tc.auth); code != http.StatusUnauthorized {
			t.Errorf("%s: DELETE answered %d, want 401", tc.name, code)
		}
	}
	if _, ok := a.tracker.Get(KindAgent, "web-01"); !ok {
		t.Fatal("a refused DELETE forgot the component")
	}
	getJSON(t, url, http.StatusUnauthorized, nil) // a token configured: reads need one
	if code := doDelete(t, http.DefaultClient, url, "bearer "+testToken); code != http.StatusNoContent {
		t.Fatalf("DELETE with the token: %d, want 204", code)
	}
	if _, ok := a.tracker.Get(KindAgent, "web-01"); ok {
		t.Fatal("DELETE with the token did not forget the component")
	}

	// The client sends the token on writes.
	report(t, a, "dp-01", 0, agentHB("db-01", "acme", "dp-01", clock.Now()))
	c := NewClient(a.HTTPAddr())
	if err := c.Forget(t.Context(), "db-01", KindAgent); err == nil || !strings.Contains(err.Error(), "missing or wrong bearer token") {
		t.Fatalf("Forget without token: %v", err)
	}
	c.Token = testToken
	if err := c.Forget(t.Context(), "db-01", KindAgent); err != nil {
		t.Fatalf("Forget with token: %v", err)
	}

	// Six refusals within RefusalLogEvery: one line.
	out := logs.String()
	if strings.Count(out, "admin request refused: bad or missing bearer token") != 1 || !strings.Contains(out, "read request refused: bad or missing bearer token") {
		t.Fatalf("refusals not logged once:\n%s", out)
	}
	if strings.Contains(out, testToken[:8]) || strings.Contains(out, "not-the-token") {
		t.Fatalf("a token appears in the log:\n%s", out)
	}
	if !strings.Contains(out, "admin_token=true") {
		t.Fatalf("start line does not say a token is configured:\n%s", out)
	}
}

// TestAdminLoopbackOnlyWithoutToken: without admin_token_file, write
// endpoints answer loopback callers only.
func TestAdminLoopbackOnlyWithoutToken(t *testing.T) {
	clock := newFakeClock(t0)
	cfg := testConfig(t, t.TempDir())
	a, logs := bufferedARM(t, cfg, clock)
	t.Cleanup(func() { closeARM(t, a) })
	report(t, a, "dp-01", 0, agentHB("web-01", "acme", "dp-01", clock.Now()))
	h := a.routes()

	for _, tc := range []struct {
		remote string
		want   int
	}{
		{"192.0.2.10:40000", http.StatusForbidden},
		{"[2001:db8::1]:40000", http.StatusForbidden},
		{"127.0.0.1:40000", http.StatusNoContent},
	} {
		req := httptest.NewRequest(http.MethodDelete, "/v1/heartbeats/web-01", nil)
		req.Host, req.RemoteAddr = "127.0.0.1:7580", tc.remote
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Errorf("DELETE from %s: %d %s, want %d", tc.remote, rec.Code, rec.Body, tc.want)
		}
	}
	// Reads from the network are refused too: no token lets anyone in.
	req := httptest.NewRequest(http.MethodGet, "/v1/heartbeats", nil)
	req.Host, req.RemoteAddr = "127.0.0.1:7580", "192.0.2.10:40000"
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Fatalf("GET from the network: %d", rec.Code)
	}
	if !strings.Contains(logs.String(), "answer loopback callers only") && !strings.Contains(logs.String(), "not on loopback") {
		t.Fatalf("refusal not logged:\n%s", logs.String())
	}
}

func TestShortOrMissingTokenRefusedAtStart(t *testing.T) {
	for name, path := range map[string]string{
		"short":   writeToken(t, "short"),
		"missing": filepath.Join(t.TempDir(), "nope"),
	} {
		cfg := testConfig(t, t.TempDir())
		cfg.AdminTokenFile = path
		if _, err := New(cfg, Deps{}); err == nil || !strings.Contains(err.Error(), "admin_token_file") {
			t.Errorf("%s token: New returned %v", name, err)
		}
	}
}

// TestPlaintextNetworkListen: ARM refuses a plaintext gRPC listener on a
// network address, and with insecure = true starts with a loud warning.
func TestPlaintextNetworkListen(t *testing.T) {
	clock := newFakeClock(t0)
	cfg := testConfig(t, t.TempDir())
	cfg.Listen = "0.0.0.0:0"
	if _, err := New(cfg, Deps{}); err == nil || !strings.Contains(err.Error(), "not a loopback address: configure a tls") {
		t.Fatalf("New: %v", err)
	}
	cfg.Insecure = true
	cfg.HTTP = "0.0.0.0:0"
	a, logs := bufferedARM(t, cfg, clock)
	testkit.Run(t, a.Run)
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), "INSECURE: mediators report over plaintext") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	out := logs.String()
	for _, want := range []string{"INSECURE: mediators report over plaintext", "served over plain HTTP on a network address", "no read_token_file or admin_token_file: the dashboard's data and the write endpoints"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
}

// armPKI is a CA with ARM's certificate and a mediator's, and a second CA.
type armPKI struct {
	dir, otherDir string
	arm, mediator pki.Files
}

func newARMPKI(t *testing.T) *armPKI {
	t.Helper()
	p := &armPKI{dir: t.TempDir(), otherDir: t.TempDir()}
	for _, d := range []string{p.dir, p.otherDir} {
		if err := pki.NewCA(d, "", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	p.arm = p.issue(t, p.dir, pki.Identity{Kind: pki.KindARM, ID: "arm-test"}, "127.0.0.1")
	p.mediator = p.issue(t, p.dir, pki.Identity{Kind: pki.KindMediator, ID: "dp-01"}, "127.0.0.1")
	return p
}

// issue makes a certificate in dir; the files trust p.dir's CA.
func (p *armPKI) issue(t *testing.T, dir string, id pki.Identity, hosts ...string) pki.Files {
	t.Helper()
	if err := pki.Issue(dir, pki.IssueOptions{Identity: id, Hosts: hosts}); err != nil {
		t.Fatal(err)
	}
	cert, key := pki.PathsFor(dir, id)
	return pki.Files{CA: filepath.Join(p.dir, "ca.pem"), Cert: cert, Key: key}
}

func (p *armPKI) pool(t *testing.T) *x509.CertPool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(p.dir, "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(b)
	return pool
}

// TestHTTPTLS: with http_tls the dashboard and API are HTTPS only.
func TestHTTPTLS(t *testing.T) {
	p := newARMPKI(t)
	clock := newFakeClock(t0)
	cfg := testConfig(t, t.TempDir())
	cfg.HTTPTLS = &pki.Files{Cert: p.arm.Cert, Key: p.arm.Key}
	cfg.AdminTokenFile = writeToken(t, testToken)
	a := newARM(t, cfg, clock)
	testkit.Run(t, a.Run)
	report(t, a, "dp-01", 0, agentHB("web-01", "acme", "dp-01", clock.Now()))

	c := NewClient("https://" + a.HTTPAddr())
	c.HTTP.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: p.pool(t), MinVersion: tls.VersionTLS12}}
	c.Token = testToken
	l, err := c.List(t.Context(), Filter{})
	if err != nil || len(l.Heartbeats) != 2 {
		t.Fatalf("list over HTTPS: %v %+v", err, l)
	}
	if err := c.Forget(t.Context(), "web-01", ""); err != nil {
		t.Fatalf("forget over HTTPS: %v", err)
	}
	// Plain HTTP gets nothing.
	resp, err := http.Get("http://" + a.HTTPAddr() + "/v1/heartbeats")
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Fatal("plain HTTP served by an http_tls ARM")
		}
	}
	// A client that does not trust the CA refuses the certificate.
	if _, err := NewClient("https://"+a.HTTPAddr()).List(t.Context(), Filter{}); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("untrusted certificate accepted: %v", err)
	}
}

// tlsARM runs an ARM with mutual TLS on 127.0.0.1:0.
func tlsARM(t *testing.T, p *armPKI) (*ARM, *logging.Buffer) {
	t.Helper()
	cfg := testConfig(t, t.TempDir())
	cfg.TLS = &p.arm
	cfg.CheckInterval = time.Hour
	a, logs := bufferedARM(t, cfg, newFakeClock(time.Now()))
	testkit.Run(t, a.Run)
	return a, logs
}

// waitLog waits for a line with all of parts.
func waitLog(t *testing.T, logs *logging.Buffer, parts ...string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, line := range strings.Split(logs.String(), "\n") {
			ok := true
			for _, part := range parts {
				ok = ok && strings.Contains(line, part)
			}
			if ok {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no log line with %q in:\n%s", parts, logs.String())
}

// TestMediatorReportsOverMutualTLS: a mediator's reporter, dialing with
// the mediator's `sluice tls cert -mediator` certificate, reports to an
// ARM with a tls block over real gRPC, and ARM records it.
func TestMediatorReportsOverMutualTLS(t *testing.T) {
	p := newARMPKI(t)
	a, _ := tlsARM(t, p)

	opts, err := armlink.TLSDialOptions(p.mediator, nil)
	if err != nil {
		t.Fatal(err)
	}
	rep := armlink.NewReporter(armlink.ReporterConfig{Addr: a.Addr(), MediatorID: "dp-01", Hostname: "dp-01.example.net", Interval: 50 * time.Millisecond, DialOptions: opts}, testkit.Logger(t, "mediator.arm"))
	rep.Heartbeat(agentHB("web-01", "acme", "dp-01", time.Now()))
	stop := testkit.Run(t, rep.Run)
	testkit.Eventually(t, 10*time.Second, "the mediator's report over TLS to reach ARM", func() bool {
		_, med := a.tracker.Get(KindMediator, "dp-01")
		_, ag := a.tracker.Get(KindAgent, "web-01")
		return med && ag
	})
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if st := a.Status(); st.Reports == 0 || st.RefusedIdentity != 0 {
		t.Fatalf("status %+v", st)
	}
}

// reportWith sends one report to addr over creds, failing fast (no
// waiting for a connection that cannot be made).
func reportWith(t *testing.T, addr string, creds credentials.TransportCredentials, mediatorID string) error {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(creds))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	_, err = sluicev1.NewArmServiceClient(conn).Report(ctx, &sluicev1.ReportRequest{
		Mediator: &sluicev1.Heartbeat{Time: timestamppb.Now(), ComponentId: mediatorID},
	})
	return err
}

func tlsCreds(t *testing.T, f pki.Files) credentials.TransportCredentials {
	t.Helper()
	tc, err := pki.ClientConfig(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	return credentials.NewTLS(tc)
}

// TestTLSARMRefusals: without a client certificate, in plaintext, with an
// agent's certificate, with another CA's certificate, or claiming another
// mediator's id, a report does not get in; each refusal is logged with
// its reason.
func TestTLSARMRefusals(t *testing.T) {
	p := newARMPKI(t)
	a, logs := tlsARM(t, p)

	// The good mediator, to show the refusals are not a broken setup.
	if err := reportWith(t, a.Addr(), tlsCreds(t, p.mediator), "dp-01"); err != nil {
		t.Fatalf("good mediator: %v", err)
	}

	refused := func(name string, err error, logParts ...string) {
		t.Helper()
		if code := status.Code(err); code != codes.Unavailable {
			t.Fatalf("%s: %v (%v), want Unavailable from the refused handshake", name, code, err)
		}
		if len(logParts) > 0 {
			waitLog(t, logs, logParts...)
		}
	}
	// A mediator that trusts ARM's CA but presents no certificate.
	noCert := credentials.NewTLS(&tls.Config{MinVersion: tls.VersionTLS13, RootCAs: p.pool(t), ServerName: "127.0.0.1"})
	refused("no client certificate", reportWith(t, a.Addr(), noCert, "dp-01"), "TLS client refused", "no certificate presented")
	// Plaintext.
	refused("plaintext", reportWith(t, a.Addr(), insecure.NewCredentials(), "dp-01"))
	// An agent's certificate of the same CA.
	agent := p.issue(t, p.dir, pki.Identity{Kind: pki.KindAgent, ID: "web-01", Organization: "acme"})
	refused("agent certificate", reportWith(t, a.Addr(), tlsCreds(t, agent), "dp-01"), "TLS client refused", "only mediator certificates may report to ARM")
	// A mediator certificate of another CA.
	foreign := p.issue(t, p.otherDir, pki.Identity{Kind: pki.KindMediator, ID: "dp-evil"}, "127.0.0.1")
	refused("other CA", reportWith(t, a.Addr(), tlsCreds(t, foreign), "dp-evil"), "TLS client refused", "unknown authority")
	// An expired mediator certificate.
	if err := pki.Issue(p.dir, pki.IssueOptions{Identity: pki.Identity{Kind: pki.KindMediator, ID: "dp-old"}, Now: time.Now().Add(-2 * pki.CertLifetime)}); err != nil {
		t.Fatal(err)
	}
	oldCert, oldKey := pki.CertPaths(p.dir, "dp-old")
	refused("expired", reportWith(t, a.Addr(), tlsCreds(t, pki.Files{CA: p.mediator.CA, Cert: oldCert, Key: oldKey}), "dp-old"), "TLS client refused", "expired")

	// A valid mediator speaking for another one.
	dp2 := p.issue(t, p.dir, pki.Identity{Kind: pki.KindMediator, ID: "dp-02"})
	err := reportWith(t, a.Addr(), tlsCreds(t, dp2), "dp-01")
	if status.Code(err) != codes.PermissionDenied || !strings.Contains(err.Error(), `the certificate is mediator "dp-02"'s, the report claims "dp-01"`) {
		t.Fatalf("id mismatch: %v", err)
	}
	waitLog(t, logs, "report refused: the mediator claims another id", "certificate_id=dp-02", "claimed_id=dp-01")
	if st := a.Status(); st.Reports != 1 || st.RefusedIdentity != 1 {
		t.Fatalf("status %+v", st)
	}
	for _, id := range []string{"dp-evil", "dp-old", "dp-02"} {
		if _, ok := a.tracker.Get(KindMediator, id); ok {
			t.Fatalf("refused mediator %s is on the grid", id)
		}
	}

	// A mediator that does not trust ARM's certificate (another CA)
	// refuses ARM.
	distrust := p.mediator
	distrust.CA = filepath.Join(p.otherDir, "ca.pem")
	if err := reportWith(t, a.Addr(), tlsCreds(t, distrust), "dp-01"); status.Code(err) != codes.Unavailable || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("untrusted ARM: %v", err)
	}
}
