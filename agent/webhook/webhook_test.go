package webhook

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/agent/source"
	"github.com/sluicehq/sluice/agent/spool"
	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/logging"
	"github.com/sluicehq/sluice/pkg/pki"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

const (
	token    = "tok-0123456789abcdef-current"
	oldToken = "tok-fedcba9876543210-previous"
)

var collected = time.Date(2026, 1, 10, 10, 0, 0, 0, time.UTC)

// fakeStore records commits and fails them with err while it is set.
type fakeStore struct {
	mu      sync.Mutex
	err     error
	batches []source.Batch
	calls   int
	// block, when set, holds Commit until it is closed or ctx is done.
	block   chan struct{}
	entered chan struct{}
}

func (f *fakeStore) Commit(ctx context.Context, b source.Batch) error {
	f.mu.Lock()
	f.calls++
	block, entered := f.block, f.entered
	f.mu.Unlock()
	if entered != nil {
		entered <- struct{}{}
	}
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	f.batches = append(f.batches, b)
	return nil
}

func (f *fakeStore) setErr(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.err = err
}

func (f *fakeStore) committed() (calls int, lines []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, b := range f.batches {
		lines = append(lines, raws(b.Lines)...)
	}
	return f.calls, lines
}

func (*fakeStore) Checkpoints(string) ([]source.Checkpoint, error) { return nil, nil }
func (*fakeStore) ForgetCheckpoint(string, string) error           { return nil }
func (*fakeStore) State(string, func(string, []byte) error) error  { return nil }
func (*fakeStore) SetState(string, ...source.StateRecord) error    { return nil }

// server is a running source under test.
type server struct {
	src  *Source
	url  string
	logs *logging.Buffer
	stop func() error // stops Run (also done at cleanup)
}

// startServer runs a source on 127.0.0.1:0 until the test ends.
func startServer(t *testing.T, cfg Config, store source.StateStore) *server {
	t.Helper()
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	if cfg.Tokens == nil {
		cfg.Tokens = []string{token, oldToken}
	}
	if cfg.SourceID == "" {
		cfg.SourceID = "hooks"
	}
	if cfg.LogSourceType == "" {
		cfg.LogSourceType = "webhook-json"
	}
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return collected }
	}
	logs := &logging.Buffer{}
	logger := hclog.New(&hclog.LoggerOptions{Output: logs, Level: hclog.Trace})
	src, err := New(cfg, store, logger)
	if err != nil {
		t.Fatal(err)
	}
	if src.Addr() != nil {
		t.Fatal("Addr before Listen")
	}
	if err := src.Listen(); err != nil {
		t.Fatal(err)
	}
	s := &server{src: src, logs: logs}
	scheme := "http"
	if cfg.TLS != nil {
		scheme = "https"
	}
	s.url = scheme + "://" + src.Addr().String() + src.cfg.Path
	s.stop = testkit.Run(t, src.Run)
	return s
}

func openSpool(t *testing.T, opts spool.Options) *spool.Spool {
	t.Helper()
	opts.Dir = t.TempDir()
	sp, err := spool.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sp.Close() })
	return sp
}

func spooled(t *testing.T, sp *spool.Spool) []*sluicev1.LogEntry {
	t.Helper()
	es, err := sp.Read(0, 100, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func spooledRaw(t *testing.T, sp *spool.Spool) []string {
	t.Helper()
	var out []string
	for _, e := range spooled(t, sp) {
		out = append(out, string(e.GetRaw()))
	}
	return out
}

// response is what a request got back.
type response struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

type request struct {
	method   string
	ct       string
	body     io.Reader
	auth     string // Authorization header
	xtoken   string // X-Sluice-Token header
	encoding string
	chunked  bool        // hide the length: the limit must hold while reading
	header   http.Header // more headers (Idempotency-Key)
}

func do(t *testing.T, client *http.Client, url string, r request) response {
	t.Helper()
	resp, err := send(client, url, r)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// send is do for goroutines other than the test's.
func send(client *http.Client, url string, r request) (response, error) {
	if r.method == "" {
		r.method = http.MethodPost
	}
	body := r.body
	if r.chunked && body != nil {
		body = io.MultiReader(body) // not a *bytes.Reader: no Content-Length
	}
	req, err := http.NewRequest(r.method, url, body)
	if err != nil {
		return response{}, err
	}
	if r.ct != "" {
		req.Header.Set("Content-Type", r.ct)
	}
	if r.auth != "" {
		req.Header.Set("Authorization", r.auth)
	}
	if r.xtoken != "" {
		req.Header.Set(TokenHeader, r.xtoken)
	}
	if r.encoding != "" {
		req.Header.Set("Content-Encoding", r.encoding)
	}
	for k, vs := range r.header {
		req.Header[k] = append(req.Header[k], vs...)
	}
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	out := response{status: resp.StatusCode, header: resp.Header, raw: string(b)}
	if err := json.Unmarshal(b, &out.body); err != nil {
		return out, fmt.Errorf("status %d: body %q is not a JSON object: %w", resp.StatusCode, b, err)
	}
	return out, nil
}

func post(t *testing.T, url, ct, body string) response {
	t.Helper()
	return do(t, nil, url, request{ct: ct, body: strings.NewReader(body), auth: "Bearer " + token})
}

// TestAccepted posts each body shape and finds its lines in a real spool,
// labeled with the source's id, type and clock.
func TestAccepted(t *testing.T) {
	tests := []struct {
		name string
		ct   string
		body string
		want []string
	}{
		{"ndjson", TypeNDJSON, "{\"msg\":\"one\"}\n{\"msg\":\"two\"}\n", []string{`{"msg":"one"}`, `{"msg":"two"}`}},
		{"text crlf", "text/plain; charset=utf-8", "Jan 10 10:00:00 web1 sshd[1]: a\r\n\r\nJan 10 10:00:01 web1 sshd[1]: b", []string{"Jan 10 10:00:00 web1 sshd[1]: a", "Jan 10 10:00:01 web1 sshd[1]: b"}},
		{"json array of strings", TypeJSON, `["line one", "line \"two\""]`, []string{"line one", `line "two"`}},
		{"json array of objects", TypeJSON, `[{"host": "web1", "n": 1}, {"host": "web2"}]`, []string{`{"host":"web1","n":1}`, `{"host":"web2"}`}},
		{"json object", TypeJSON, "{\n  \"alert\": \"disk full\",\n  \"sev\": 3\n}", []string{`{"alert":"disk full","sev":3}`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sp := openSpool(t, spool.Options{})
			srv := startServer(t, Config{}, sp)
			r := post(t, srv.url, tc.ct, tc.body)
			if r.status != http.StatusOK || r.body["accepted"] != float64(len(tc.want)) {
				t.Fatalf("status %d body %s", r.status, r.raw)
			}
			es := spooled(t, sp)
			if got := spooledRaw(t, sp); strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Fatalf("spooled %q, want %q", got, tc.want)
			}
			for _, e := range es {
				if e.GetSourceId() != "hooks" || e.GetSourceType() != "webhook-json" || !e.GetCollectedAt().AsTime().Equal(collected) || e.GetTruncated() {
					t.Fatalf("entry %v", e)
				}
			}
			if st := srv.src.Stats(); st.Accepted != 1 || st.Lines != uint64(len(tc.want)) {
				t.Fatalf("stats %+v", st)
			}
		})
	}
}

// TestAuth: a request without the token, or with a wrong one, is refused
// with 401 and logged without the token; both configured tokens (rotation)
// and both headers are accepted.
func TestAuth(t *testing.T) {
	const wrong = "tok-guessed-by-an-attacker-0000"
	tests := []struct {
		name   string
		auth   string
		xtoken string
		want   int
	}{
		{"no token", "", "", http.StatusUnauthorized},
		{"wrong token", "Bearer " + wrong, "", http.StatusUnauthorized},
		{"token prefix", "Bearer " + token[:len(token)-1], "", http.StatusUnauthorized},
		{"token with suffix", "Bearer " + token + "x", "", http.StatusUnauthorized},
		{"basic scheme", "Basic " + token, "", http.StatusUnauthorized},
		{"empty bearer", "Bearer ", "", http.StatusUnauthorized},
		{"wrong x-sluice-token", "", wrong, http.StatusUnauthorized},
		{"bearer", "Bearer " + token, "", http.StatusOK},
		{"bearer lower case", "bearer " + token, "", http.StatusOK},
		{"previous token", "Bearer " + oldToken, "", http.StatusOK},
		{"x-sluice-token", "", token, http.StatusOK},
	}
	store := &fakeStore{}
	srv := startServer(t, Config{}, store)
	refused := 0
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := store.committed()
			r := do(t, nil, srv.url, request{ct: TypeText, body: strings.NewReader("a line\n"), auth: tc.auth, xtoken: tc.xtoken})
			if r.status != tc.want {
				t.Fatalf("status %d, want %d (%s)", r.status, tc.want, r.raw)
			}
			after, _ := store.committed()
			if tc.want == http.StatusUnauthorized {
				refused++
				if after != before {
					t.Fatal("a refused request reached the store")
				}
				if r.header.Get("WWW-Authenticate") == "" || r.body["error"] == "" {
					t.Fatalf("401 without WWW-Authenticate or error: %v %s", r.header, r.raw)
				}
			}
		})
	}
	if st := srv.src.Stats(); st.Unauthorized != uint64(refused) || st.Accepted != uint64(len(tests)-refused) {
		t.Fatalf("stats %+v, want %d unauthorized", st, refused)
	}
	logs := srv.logs.String()
	if !strings.Contains(logs, "webhook request refused") || !strings.Contains(logs, "remote=127.0.0.1:") {
		t.Fatalf("refusal not logged with the remote address:\n%s", logs)
	}
	for _, secret := range []string{wrong, token, oldToken, token[:len(token)-1]} {
		if strings.Contains(logs, secret) {
			t.Fatalf("a token is in the log:\n%s", logs)
		}
	}
}

// TestRefused: requests the intake refuses commit nothing, and each is
// answered with its status and a JSON error saying why.
func TestRefused(t *testing.T) {
	big := strings.Repeat("x", 100) + "\n"
	tests := []struct {
		name    string
		req     request
		path    string
		want    int
		errHas  string
		counter func(Stats) uint64
	}{
		{name: "body too large", req: request{ct: TypeText, body: strings.NewReader(strings.Repeat(big, 20))}, want: http.StatusRequestEntityTooLarge, errHas: "over the limit", counter: func(s Stats) uint64 { return s.TooLarge }},
		{name: "body too large without length", req: request{ct: TypeText, body: strings.NewReader(strings.Repeat(big, 20)), chunked: true}, want: http.StatusRequestEntityTooLarge, errHas: "over the limit", counter: func(s Stats) uint64 { return s.TooLarge }},
		{name: "gzip body too large once decoded", req: request{ct: TypeText, body: bytes.NewReader(gz(t, strings.Repeat(big, 20))), encoding: "gzip"}, want: http.StatusRequestEntityTooLarge, errHas: "over the limit", counter: func(s Stats) uint64 { return s.TooLarge }},
		{name: "too many lines", req: request{ct: TypeText, body: strings.NewReader(strings.Repeat("a\n", 11))}, want: http.StatusRequestEntityTooLarge, errHas: "11 lines", counter: func(s Stats) uint64 { return s.TooLarge }},
		{name: "invalid json", req: request{ct: TypeJSON, body: strings.NewReader(`[{"a":1}, {"b":}]`)}, want: http.StatusBadRequest, errHas: "invalid JSON at offset 16", counter: func(s Stats) uint64 { return s.BadRequest }},
		{name: "json of numbers", req: request{ct: TypeJSON, body: strings.NewReader(`["a", 1]`)}, want: http.StatusBadRequest, errHas: "element 1", counter: func(s Stats) uint64 { return s.BadRequest }},
		{name: "bad gzip", req: request{ct: TypeText, body: strings.NewReader("not gzip"), encoding: "gzip"}, want: http.StatusBadRequest, errHas: "gzip", counter: func(s Stats) uint64 { return s.BadRequest }},
		{name: "form content type", req: request{ct: "application/x-www-form-urlencoded", body: strings.NewReader("a=b")}, want: http.StatusUnsupportedMediaType, errHas: "application/x-ndjson", counter: func(s Stats) uint64 { return s.BadRequest }},
		{name: "no content type", req: request{body: strings.NewReader("a")}, want: http.StatusUnsupportedMediaType, errHas: "no Content-Type", counter: func(s Stats) uint64 { return s.BadRequest }},
		{name: "unknown encoding", req: request{ct: TypeText, body: strings.NewReader("a"), encoding: "br"}, want: http.StatusUnsupportedMediaType, errHas: "br", counter: func(s Stats) uint64 { return s.BadRequest }},
		{name: "get", req: request{method: http.MethodGet}, want: http.StatusMethodNotAllowed, errHas: "POST", counter: func(s Stats) uint64 { return s.BadRequest }},
		{name: "put", req: request{method: http.MethodPut, ct: TypeText, body: strings.NewReader("a")}, want: http.StatusMethodNotAllowed, errHas: "POST", counter: func(s Stats) uint64 { return s.BadRequest }},
		{name: "other path", path: "/other", req: request{ct: TypeText, body: strings.NewReader("a")}, want: http.StatusNotFound, errHas: "/v1/logs", counter: func(s Stats) uint64 { return s.BadRequest }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			store := &fakeStore{}
			srv := startServer(t, Config{MaxBodyBytes: 1000, MaxLinesPerRequest: 10}, store)
			url := srv.url
			if tc.path != "" {
				url = strings.TrimSuffix(url, DefaultPath) + tc.path
			}
			tc.req.auth = "Bearer " + token
			r := do(t, nil, url, tc.req)
			if r.status != tc.want {
				t.Fatalf("status %d, want %d: %s", r.status, tc.want, r.raw)
			}
			if msg, _ := r.body["error"].(string); !strings.Contains(msg, tc.errHas) {
				t.Fatalf("error %q does not say %q", msg, tc.errHas)
			}
			if tc.want == http.StatusMethodNotAllowed && r.header.Get("Allow") != http.MethodPost {
				t.Fatalf("405 with Allow %q", r.header.Get("Allow"))
			}
			if calls, _ := store.committed(); calls != 0 {
				t.Fatalf("%d commits for a refused request", calls)
			}
			if n := tc.counter(srv.src.Stats()); n != 1 {
				t.Fatalf("counter %d, stats %+v", n, srv.src.Stats())
			}
		})
	}
}

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestGzip: a gzip-encoded body is decoded before it is cut into lines.
func TestGzip(t *testing.T) {
	sp := openSpool(t, spool.Options{})
	srv := startServer(t, Config{}, sp)
	r := do(t, nil, srv.url, request{ct: TypeNDJSON, body: bytes.NewReader(gz(t, "{\"a\":1}\n{\"b\":2}\n")), encoding: "gzip", auth: "Bearer " + token})
	if r.status != http.StatusOK || r.body["accepted"] != float64(2) {
		t.Fatalf("status %d %s", r.status, r.raw)
	}
	if got := spooledRaw(t, sp); len(got) != 2 || got[1] != `{"b":2}` {
		t.Fatalf("spooled %q", got)
	}
}

// TestBackpressure: while the store pushes back the sender gets 503 with
// Retry-After and nothing is kept; once it takes lines again, 200.
func TestBackpressure(t *testing.T) {
	store := &fakeStore{err: spool.ErrFull}
	srv := startServer(t, Config{RetryAfter: 1500 * time.Millisecond}, store)
	r := post(t, srv.url, TypeText, "a\nb\n")
	if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") != "2" {
		t.Fatalf("status %d Retry-After %q: %s", r.status, r.header.Get("Retry-After"), r.raw)
	}
	if _, lines := store.committed(); len(lines) != 0 {
		t.Fatalf("lines kept on 503: %q", lines)
	}
	store.setErr(nil)
	r = post(t, srv.url, TypeText, "a\nb\n")
	if r.status != http.StatusOK || r.body["accepted"] != float64(2) {
		t.Fatalf("after the store has room: status %d %s", r.status, r.raw)
	}
	store.setErr(errors.New("disk on fire"))
	if r = post(t, srv.url, TypeText, "c\n"); r.status != http.StatusInternalServerError || strings.Contains(r.raw, "fire") {
		t.Fatalf("store failure: status %d %s", r.status, r.raw)
	}
	calls, lines := store.committed()
	if calls != 3 || strings.Join(lines, ",") != "a,b" {
		t.Fatalf("%d commits, lines %q: each request must be one commit", calls, lines)
	}
	if st := srv.src.Stats(); st.Busy != 1 || st.Accepted != 1 || st.Failed != 1 || st.Lines != 2 {
		t.Fatalf("stats %+v", st)
	}
	if !strings.Contains(srv.logs.String(), "disk on fire") {
		t.Fatal("a store failure is not logged")
	}
}

// TestSpoolFull drives back-pressure through a real spool at its size
// cap: 503 while it is full, 200 once the mediator acknowledged.
func TestSpoolFull(t *testing.T) {
	sp := openSpool(t, spool.Options{MaxBytes: 1000})
	srv := startServer(t, Config{}, sp)
	line := strings.Repeat("y", 900)
	if r := post(t, srv.url, TypeText, line); r.status != http.StatusOK {
		t.Fatalf("first: %d %s", r.status, r.raw)
	}
	r := post(t, srv.url, TypeText, "one\n"+line)
	if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") != "1" {
		t.Fatalf("full spool: %d %q %s", r.status, r.header.Get("Retry-After"), r.raw)
	}
	if got := spooledRaw(t, sp); len(got) != 1 {
		t.Fatalf("part of a refused request was spooled: %d entries", len(got))
	}
	if err := sp.Ack(sp.NextSeq() - 1); err != nil {
		t.Fatal(err)
	}
	if r := post(t, srv.url, TypeText, "one\n"+line); r.status != http.StatusOK || r.body["accepted"] != float64(2) {
		t.Fatalf("after ack: %d %s", r.status, r.raw)
	}
	if got := spooledRaw(t, sp); len(got) != 2 || got[0] != "one" {
		t.Fatalf("spooled %q", got)
	}
}

// TestTruncated: a line over max_line_bytes is cut, flagged with its full
// length, and kept.
func TestTruncated(t *testing.T) {
	sp := openSpool(t, spool.Options{})
	srv := startServer(t, Config{MaxLineBytes: 10}, sp)
	r := post(t, srv.url, TypeJSON, `["short", "0123456789abcdefghijklmno"]`)
	if r.status != http.StatusOK || r.body["accepted"] != float64(2) || r.body["truncated"] != float64(1) {
		t.Fatalf("status %d %s", r.status, r.raw)
	}
	es := spooled(t, sp)
	if len(es) != 2 {
		t.Fatalf("%d entries", len(es))
	}
	if e := es[0]; string(e.GetRaw()) != "short" || e.GetTruncated() {
		t.Fatalf("short line %v", e)
	}
	if e := es[1]; string(e.GetRaw()) != "0123456789" || !e.GetTruncated() || e.GetOriginalLength() != 25 {
		t.Fatalf("long line %v", e)
	}
	if st := srv.src.Stats(); st.Truncated != 1 || st.Lines != 2 {
		t.Fatalf("stats %+v", st)
	}
}

// TestConcurrent: lines posted in parallel all land in the spool, once.
func TestConcurrent(t *testing.T) {
	sp := openSpool(t, spool.Options{})
	srv := startServer(t, Config{}, sp)
	const senders, perSender = 8, 5
	var wg sync.WaitGroup
	errc := make(chan error, senders*perSender)
	for i := range senders {
		wg.Go(func() {
			for j := range perSender {
				req, _ := http.NewRequest(http.MethodPost, srv.url, strings.NewReader(fmt.Sprintf("s%d-r%d-a\ns%d-r%d-b\n", i, j, i, j)))
				req.Header.Set("Content-Type", TypeText)
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					errc <- err
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					errc <- fmt.Errorf("status %d", resp.StatusCode)
				}
			}
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	es, err := sp.Read(0, 1000, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range es {
		if seen[string(e.GetRaw())] {
			t.Fatalf("%q spooled twice", e.GetRaw())
		}
		seen[string(e.GetRaw())] = true
	}
	if len(seen) != senders*perSender*2 {
		t.Fatalf("%d distinct lines spooled, want %d", len(seen), senders*perSender*2)
	}
}

// tlsFixture makes a CA, a server certificate for 127.0.0.1, a client
// certificate of the CA, and one of another CA, the way `sluice tls` does.
type tlsFixture struct {
	server         pki.Files
	caPool         *x509.CertPool
	client, rogue  tls.Certificate
	serverOnlyFile pki.Files
}

func newTLSFixture(t *testing.T) tlsFixture {
	t.Helper()
	dir, other := t.TempDir(), t.TempDir()
	for _, d := range []string{dir, other} {
		if err := pki.NewCA(d, "", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	issue := func(d string, id pki.Identity, hosts ...string) (cert, key string) {
		if err := pki.Issue(d, pki.IssueOptions{Identity: id, Hosts: hosts}); err != nil {
			t.Fatal(err)
		}
		return pki.PathsFor(d, id)
	}
	sc, sk := issue(dir, pki.Identity{Kind: pki.KindMediator, ID: "intake"}, "127.0.0.1")
	cc, ck := issue(dir, pki.Identity{Kind: pki.KindAgent, ID: "sender", Organization: "acme"})
	rc, rk := issue(other, pki.Identity{Kind: pki.KindAgent, ID: "rogue", Organization: "acme"})
	ca := filepath.Join(dir, "ca.pem")
	caPEM, err := os.ReadFile(ca)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	load := func(c, k string) tls.Certificate {
		kp, err := tls.LoadX509KeyPair(c, k)
		if err != nil {
			t.Fatal(err)
		}
		return kp
	}
	return tlsFixture{
		server:         pki.Files{CA: ca, Cert: sc, Key: sk},
		serverOnlyFile: pki.Files{Cert: sc, Key: sk},
		caPool:         pool,
		client:         load(cc, ck),
		rogue:          load(rc, rk),
	}
}

func tlsClient(pool *x509.CertPool, certs ...tls.Certificate) *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: certs, MinVersion: tls.VersionTLS12}}}
}

// TestTLS: with a CA, a client without a certificate of that CA is
// refused at the handshake, and one with it still needs the token;
// without a CA, HTTPS takes any client with the token.
func TestTLS(t *testing.T) {
	fx := newTLSFixture(t)
	body := func() request {
		return request{ct: TypeText, body: strings.NewReader("over tls\n"), auth: "Bearer " + token}
	}

	t.Run("client ca", func(t *testing.T) {
		sp := openSpool(t, spool.Options{})
		srv := startServer(t, Config{TLS: &fx.server}, sp)
		for name, c := range map[string]*http.Client{"no certificate": tlsClient(fx.caPool), "other CA": tlsClient(fx.caPool, fx.rogue)} {
			req, _ := http.NewRequest(http.MethodPost, srv.url, strings.NewReader("x\n"))
			req.Header.Set("Content-Type", TypeText)
			req.Header.Set("Authorization", "Bearer "+token)
			if resp, err := c.Do(req); err == nil {
				resp.Body.Close()
				t.Fatalf("%s: accepted with status %d", name, resp.StatusCode)
			}
		}
		good := tlsClient(fx.caPool, fx.client)
		noToken := body()
		noToken.auth = ""
		if r := do(t, good, srv.url, noToken); r.status != http.StatusUnauthorized {
			t.Fatalf("client certificate without token: %d", r.status)
		}
		if r := do(t, good, srv.url, body()); r.status != http.StatusOK {
			t.Fatalf("client certificate and token: %d %s", r.status, r.raw)
		}
		if got := spooledRaw(t, sp); len(got) != 1 || got[0] != "over tls" {
			t.Fatalf("spooled %q", got)
		}
	})

	t.Run("server only", func(t *testing.T) {
		sp := openSpool(t, spool.Options{})
		srv := startServer(t, Config{TLS: &fx.serverOnlyFile}, sp)
		if r := do(t, tlsClient(fx.caPool), srv.url, body()); r.status != http.StatusOK {
			t.Fatalf("status %d %s", r.status, r.raw)
		}
	})
}

// TestRunShutdown: Run returns once its context is done, after the
// request in flight was answered, and the port is closed.
func TestRunShutdown(t *testing.T) {
	store := &fakeStore{block: make(chan struct{}), entered: make(chan struct{}, 1)}
	src, err := New(Config{SourceID: "hooks", Listen: "127.0.0.1:0", Tokens: []string{token}}, store, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- src.Run(ctx) }()
	var addr string
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if a := src.Addr(); a != nil {
			addr = a.String()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Run did not bind")
		}
	}
	url := "http://" + addr + DefaultPath
	// Wait for the server to answer before the blocked request.
	if r := do(t, nil, url, request{method: http.MethodGet}); r.status != http.StatusMethodNotAllowed {
		t.Fatalf("status %d", r.status)
	}
	type result struct {
		r   response
		err error
	}
	inflight := make(chan result, 1)
	go func() {
		r, err := send(nil, url, request{ct: TypeText, body: strings.NewReader("late\n"), auth: "Bearer " + token})
		inflight <- result{r, err}
	}()
	<-store.entered
	cancel()
	select {
	case err := <-done:
		t.Fatalf("Run returned (%v) while a request was in flight", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(store.block)
	if res := <-inflight; res.err != nil || res.r.status != http.StatusOK {
		t.Fatalf("in-flight request: %v %d %s", res.err, res.r.status, res.r.raw)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	c := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	if resp, err := c.Post(url, TypeText, strings.NewReader("x")); err == nil {
		resp.Body.Close()
		t.Fatal("still serving after Run returned")
	}
	if err := src.Run(context.Background()); err == nil {
		t.Fatal("a second Run must fail")
	}
}

// TestRunListenError: Run reports an address it cannot bind.
func TestRunListenError(t *testing.T) {
	src, err := New(Config{Listen: "127.0.0.1:-1", Tokens: []string{token}}, &fakeStore{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "listen") {
		t.Fatalf("Run: %v", err)
	}
}

// TestNewRefuses: configurations New must not accept.
func TestNewRefuses(t *testing.T) {
	ok := Config{SourceID: "h", Listen: "127.0.0.1:0", Tokens: []string{token}}
	tests := []struct {
		name   string
		edit   func(*Config)
		errHas string
	}{
		{"no tokens", func(c *Config) { c.Tokens = nil }, "token required"},
		{"short token", func(c *Config) { c.Tokens = []string{token, "short"} }, "token 2 is shorter"},
		{"token with space", func(c *Config) { c.Tokens = []string{token + " x"} }, "whitespace"},
		{"no listen", func(c *Config) { c.Listen = "" }, "listen"},
		{"relative path", func(c *Config) { c.Path = "logs" }, "must start with /"},
		{"huge body", func(c *Config) { c.MaxBodyBytes = 1 << 30 }, "max body size"},
		{"huge line count", func(c *Config) { c.MaxLinesPerRequest = 1 << 20 }, "max lines"},
		{"tls without key", func(c *Config) { c.TLS = &pki.Files{Cert: "x.pem"} }, "cert and key"},
		{"tls missing files", func(c *Config) { c.TLS = &pki.Files{Cert: "/nonexistent.pem", Key: "/nonexistent-key.pem"} }, "tls"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := ok
			tc.edit(&cfg)
			if _, err := New(cfg, &fakeStore{}, nil); err == nil || !strings.Contains(err.Error(), tc.errHas) {
				t.Fatalf("New: %v, want an error saying %q", err, tc.errHas)
			}
		})
	}
	if _, err := New(ok, nil, nil); err == nil {
		t.Fatal("New without a store")
	}
	if _, err := New(ok, &fakeStore{}, nil); err != nil {
		t.Fatal(err)
	}
}

// TestCurl posts a file with curl --data-binary, as an operator or a
// script would, and finds its lines in the spool.
func TestCurl(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl not on PATH")
	}
	sp := openSpool(t, spool.Options{})
	srv := startServer(t, Config{}, sp)
	file := filepath.Join(t.TempDir(), "events.ndjson")
	if err := os.WriteFile(file, []byte("{\"event\":\"login\",\"user\":\"bob\"}\r\n{\"event\":\"logout\",\"user\":\"bob\"}\n\n{\"event\":\"login\",\"user\":\"eve\"}"), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (string, string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, curl, append([]string{"-sS", "-o", "-", "-w", "\n%{http_code}"}, args...)...)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("curl: %v", err)
		}
		// The status is the last line (-w), the body all before it.
		s := string(out)
		i := strings.LastIndexByte(s, '\n')
		return strings.TrimSpace(s[:max(i, 0)]), s[i+1:]
	}
	body, code := run("-H", "Authorization: Bearer "+token, "-H", "Content-Type: application/x-ndjson", "--data-binary", "@"+file, srv.url)
	if code != "200" || body != `{"accepted":3}` {
		t.Fatalf("curl: %s %s", code, body)
	}
	want := []string{`{"event":"login","user":"bob"}`, `{"event":"logout","user":"bob"}`, `{"event":"login","user":"eve"}`}
	if got := spooledRaw(t, sp); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("spooled %q", got)
	}
	// curl's default form content type is refused, and so is no token.
	if _, code := run("-H", "Authorization: Bearer "+token, "--data-binary", "@"+file, srv.url); code != "415" {
		t.Fatalf("form post: %s", code)
	}
	if _, code := run("-H", "Content-Type: text/plain", "--data-binary", "@"+file, srv.url); code != "401" {
		t.Fatalf("no token: %s", code)
	}
	if got := spooledRaw(t, sp); len(got) != 3 {
		t.Fatalf("%d entries after refused posts", len(got))
	}
}
