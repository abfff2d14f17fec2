package syslog_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/sluicehq/sluice/agent/source"
	"github.com/sluicehq/sluice/agent/spool"
	"github.com/sluicehq/sluice/agent/syslog"
	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/pki"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// openSpool opens a spool in a temporary directory, closed at cleanup
// (after the sources started later have stopped).
func openSpool(t *testing.T) *spool.Spool {
	t.Helper()
	sp, err := spool.Open(spool.Options{Dir: filepath.Join(t.TempDir(), "spool"), Logger: testkit.Logger(t, "spool")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sp.Close() })
	return sp
}

// start makes, binds and runs a source; cleanup stops it and fails the
// test if Run does not return promptly.
func start(t *testing.T, cfg syslog.Config, store source.Store) *syslog.Source {
	t.Helper()
	if cfg.SourceID == "" {
		cfg.SourceID = "net"
	}
	if cfg.LogSourceType == "" {
		cfg.LogSourceType = "syslog"
	}
	src, err := syslog.New(cfg, store, testkit.Logger(t, "syslog"))
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Listen(); err != nil {
		t.Fatal(err)
	}
	testkit.Run(t, src.Run)
	return src
}

// spooled waits until the spool holds n entries and returns them; it
// fails if more arrive.
func spooled(t *testing.T, sp *spool.Spool, n int) []*sluicev1.LogEntry {
	t.Helper()
	read := func() []*sluicev1.LogEntry {
		es, err := sp.Read(0, 1<<20, 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		return es
	}
	var es []*sluicev1.LogEntry
	testkit.Eventually(t, 10*time.Second, fmt.Sprintf("%d spooled entries", n), func() bool { es = read(); return len(es) >= n })
	time.Sleep(100 * time.Millisecond) // two flush intervals: nothing more may come
	if es = read(); len(es) != n {
		t.Fatalf("%d entries spooled, want %d", len(es), n)
	}
	return es
}

func raws(es []*sluicev1.LogEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = string(e.GetRaw())
	}
	return out
}

func sorted(s []string) []string {
	s = append([]string(nil), s...)
	sort.Strings(s)
	return s
}

// fakeStore is a Store that can be told to push back.
type fakeStore struct {
	mu       sync.Mutex
	refuse   bool
	refused  int
	lines    []string
	maxBatch int
}

func (f *fakeStore) Commit(_ context.Context, b source.Batch) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.refuse {
		f.refused++
		return fmt.Errorf("fake spool full: %w", source.ErrBackpressure)
	}
	if !b.Checkpoint.IsZero() || b.SourceID == "" || b.Collected.IsZero() {
		return fmt.Errorf("bad batch %+v", b)
	}
	f.maxBatch = max(f.maxBatch, len(b.Lines))
	for _, l := range b.Lines {
		f.lines = append(f.lines, string(l.Raw))
	}
	return nil
}

func (f *fakeStore) Checkpoints(string) ([]source.Checkpoint, error) { return nil, nil }
func (f *fakeStore) ForgetCheckpoint(string, string) error           { return nil }

func (f *fakeStore) setRefuse(v bool) {
	f.mu.Lock()
	f.refuse = v
	f.mu.Unlock()
}

func (f *fakeStore) snapshot() (lines []string, refused int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.lines...), f.refused
}

// testPKI is a CA, a server certificate for 127.0.0.1 and a client
// certificate it signed.
type testPKI struct {
	server pki.Files
	client tls.Certificate
	pool   *x509.CertPool
}

func newPKI(t *testing.T) testPKI {
	t.Helper()
	dir := t.TempDir()
	if err := pki.NewCA(dir, "test CA", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := pki.Issue(dir, pki.IssueOptions{Identity: pki.Identity{Kind: pki.KindMediator, ID: "syslog-server"}, Hosts: []string{"127.0.0.1"}}); err != nil {
		t.Fatal(err)
	}
	if err := pki.Issue(dir, pki.IssueOptions{Identity: pki.Identity{Kind: pki.KindAgent, ID: "client", Organization: "default"}}); err != nil {
		t.Fatal(err)
	}
	ca := filepath.Join(dir, "ca.pem")
	cert, key := pki.CertPaths(dir, "syslog-server")
	ccert, ckey := pki.PathsFor(dir, pki.Identity{Kind: pki.KindAgent, ID: "client", Organization: "default"})
	client, err := tls.LoadX509KeyPair(ccert, ckey)
	if err != nil {
		t.Fatal(err)
	}
	pem, err := os.ReadFile(ca)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	return testPKI{server: pki.Files{CA: ca, Cert: cert, Key: key}, client: client, pool: pool}
}

// clientConfig trusts p's CA and presents cert when given.
func (p testPKI) clientConfig(cert *tls.Certificate) *tls.Config {
	c := &tls.Config{RootCAs: p.pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	if cert != nil {
		c.Certificates = []tls.Certificate{*cert}
	}
	return c
}

// flakyStore fails its first commits with an error that is not
// back-pressure (a disk error, say).
type flakyStore struct {
	*fakeStore
	failures int
}

func (f *flakyStore) Commit(ctx context.Context, b source.Batch) error {
	f.mu.Lock()
	if f.failures > 0 {
		f.failures--
		f.mu.Unlock()
		return errors.New("fake disk error")
	}
	f.mu.Unlock()
	return f.fakeStore.Commit(ctx, b)
}
