package mediator

import (
	"context"
	"fmt"
	"net/http"
	"os"
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
)

// slowOrgIndex is the real embedded index with one organization's writes
// taking longer, like a tenant whose volume makes every write heavy.
type slowOrgIndex struct {
	indexer.Index
	org   string
	delay time.Duration
	slow  atomic.Int64
}

func (s *slowOrgIndex) Write(ctx context.Context, events []*event.Event) error {
	for _, e := range events {
		if e.Organization == s.org {
			s.slow.Add(1)
			time.Sleep(s.delay)
			break
		}
	}
	return s.Index.Write(ctx, events)
}

// openTestIndex opens a real embedded index in dir.
func openTestIndex(t *testing.T, dir string) indexer.Index {
	t.Helper()
	idx, err := embedded.Open(embedded.Config{Dir: filepath.Join(dir, "index")}, hclog.NewNullLogger())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	return idx
}

// A flood from one organization does not hold back another's entries:
// the quiet organization's batch, stored behind 40,000 of the flood's
// entries (each 2,000 of them take 300 ms to index), is indexed while the
// flood still waits in state. With
// the dispatcher reading state in sequence order it came after all of
// them.
func TestFloodDoesNotDelayQuietOrganization(t *testing.T) {
	dir := t.TempDir()
	idx := &slowOrgIndex{Index: openTestIndex(t, dir), org: "flood", delay: 300 * time.Millisecond}
	cfg, err := ParseConfig([]byte(fmt.Sprintf(`mediator {
  listen = "127.0.0.1:0"
  http = "127.0.0.1:0"
  data_dir = %q
  insecure = true
  workers = 1
  index_batch = 2000
  index_flush = "20ms"
}
`, filepath.Join(dir, "m"))), "m.hcl")
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(cfg, Deps{Logger: hclog.NewNullLogger(), Index: idx})
	if err != nil {
		t.Fatal(err)
	}
	startMediator(t, m)
	for i := range 20 {
		sendBatch(t, m.Addr(), "flood", "f1", i*2000, 2000)
	}
	sendBatch(t, m.Addr(), "quiet", "q1", 0, 10)

	testkit.Eventually(t, 30*time.Second, "the quiet organization's entries indexed", func() bool { return countOrg(t, idx, "quiet", time.Time{}) == 10 })
	n := countOrg(t, idx, "flood", time.Time{})
	t.Logf("the flood had %d of its entries indexed when the quiet organization's were", n)
	if n > 30000 {
		t.Fatalf("the flood had %d of its 40,000 entries indexed before the quiet organization's 10: it waited behind the flood", n)
	}
	testkit.Eventually(t, 60*time.Second, "the flood indexed", func() bool { return m.Status().StateDepth == 0 })
	if f, q := countOrg(t, idx, "flood", time.Time{}), countOrg(t, idx, "quiet", time.Time{}); f != 40000 || q != 10 {
		t.Fatalf("flood %d, quiet %d: want 40000 and 10, each once", f, q)
	}
}

// An organization with dedicated_workers gets a pool of its own; a reload
// of the configuration file resizes it, gives it back to the shared pool,
// and refuses a file that does not load; entries are indexed exactly once
// throughout.
func TestDedicatedWorkersReload(t *testing.T) {
	dir := t.TempDir()
	idx := openTestIndex(t, dir)
	path := filepath.Join(dir, "mediator.hcl")
	write := func(orgs string) {
		t.Helper()
		src := fmt.Sprintf("mediator {\n  listen = \"127.0.0.1:0\"\n  http = \"127.0.0.1:0\"\n  data_dir = %q\n  insecure = true\n  index_flush = \"20ms\"\n}\n%s", filepath.Join(dir, "m"), orgs)
		if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("organization \"acme\" {\n  dedicated_workers = 1\n}\n")
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(cfg, Deps{Logger: hclog.NewNullLogger(), Index: idx})
	if err != nil {
		t.Fatal(err)
	}
	startMediator(t, m)
	pools := func() string { return fmt.Sprint(m.Status().Pipeline.DedicatedWorkers) }
	testkit.Eventually(t, 10*time.Second, "acme's own pool", func() bool { return pools() == "map[acme:1]" })

	sent := map[string]int{}
	send := func(org string, n int) {
		t.Helper()
		sendBatch(t, m.Addr(), org, org+"-1", sent[org], n)
		sent[org] += n
	}
	indexed := func() {
		t.Helper()
		testkit.Eventually(t, 20*time.Second, "everything indexed", func() bool {
			return countOrg(t, idx, "acme", time.Time{}) == int64(sent["acme"]) && countOrg(t, idx, "beta", time.Time{}) == int64(sent["beta"])
		})
	}
	send("acme", 500)
	send("beta", 500)
	indexed()

	write("organization \"acme\" {\n  dedicated_workers = 2\n  weight = 3\n}\norganization \"beta\" {\n  max_agents = 10\n}\n")
	res, err := m.ReloadOrganizations()
	if err != nil || strings.Join(res.Applied, ",") != "acme,beta" {
		t.Fatalf("reload: %+v, %v", res, err)
	}
	testkit.Eventually(t, 10*time.Second, "acme's pool resized", func() bool { return pools() == "map[acme:2]" })
	if o := m.orgs.get("acme"); o.Weight != 3 || o.DedicatedWorkers != 2 {
		t.Fatalf("acme's settings in force: %+v", o)
	}
	send("acme", 500)
	send("beta", 500)
	indexed()

	// A file that does not load changes nothing.
	write("organization \"acme\" {\n  weight = 0\n}\n")
	if _, err := m.ReloadOrganizations(); err == nil || !strings.Contains(err.Error(), "weight must be between 1 and 1000") {
		t.Fatalf("a bad file reloaded: %v", err)
	}
	if o := m.orgs.get("acme"); o.Weight != 3 || pools() != "map[acme:2]" {
		t.Fatalf("a refused reload changed acme: %+v, %s", o, pools())
	}

	// Back to the shared pool, through the admin API.
	write("")
	resp, err := http.Post("http://"+m.HTTPAddr()+"/v1/config/reload", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /v1/config/reload: %s", resp.Status)
	}
	testkit.Eventually(t, 10*time.Second, "acme back in the shared pool", func() bool { return pools() == "map[]" })
	send("acme", 500)
	send("beta", 500)
	indexed()
	time.Sleep(200 * time.Millisecond)
	if a, b := countOrg(t, idx, "acme", time.Time{}), countOrg(t, idx, "beta", time.Time{}); a != 1500 || b != 1500 {
		t.Fatalf("acme %d, beta %d: want 1500 each, once", a, b)
	}
}
