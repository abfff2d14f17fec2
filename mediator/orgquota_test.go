package mediator

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc/codes"

	"github.com/sluicehq/sluice/agent/uplink"
	"github.com/sluicehq/sluice/agent/uplink/uplinktest"
	"github.com/sluicehq/sluice/indexer"
	"github.com/sluicehq/sluice/indexer/embedded"
	"github.com/sluicehq/sluice/internal/testkit"
	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/queue"
	"github.com/sluicehq/sluice/pkg/refusal"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
	"github.com/sluicehq/sluice/test/promtest"
)

// quotaMediator starts a mediator on loopback with extra lines in its
// mediator block and orgs (organization blocks) at the top level. With
// hung set its index takes nothing until release is called, so entries
// stay in state: a real backlog.
func quotaMediator(t *testing.T, extra, orgs string, hung bool, logger hclog.Logger) (m *Mediator, release func()) {
	t.Helper()
	dir := t.TempDir()
	cfg, err := ParseConfig([]byte(fmt.Sprintf(`
mediator {
  id          = "dp-q"
  listen      = "127.0.0.1:0"
  http        = "127.0.0.1:0"
  data_dir    = %q
  rules       = [%q]
  insecure    = true
  index_flush = "20ms"
  %s
}
%s`, filepath.Join(dir, "m"), filepath.Join("..", "configs", "rules"), extra, orgs)), "m.hcl")
	if err != nil {
		t.Fatal(err)
	}
	deps := Deps{Logger: logger}
	release = func() {}
	if hung {
		emb, err := embedded.Open(embedded.Config{Dir: filepath.Join(dir, "index")}, hclog.NewNullLogger())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = emb.Close() })
		h := &hungIndex{Index: emb, held: make(chan struct{}), entered: make(chan struct{}, 1)}
		deps.Index = h
		released := false
		release = func() {
			if !released {
				released = true
				close(h.held)
			}
		}
	}
	if m, err = New(cfg, deps); err != nil {
		t.Fatal(err)
	}
	testkit.Run(t, m.Run)
	t.Cleanup(release) // before Run is stopped: it waits for a hung write
	return m, release
}

// orgBatch is a batch of entries from..to of org.
func orgBatch(org string, from, to uint64) *sluicev1.ConnectRequest {
	var es []*sluicev1.LogEntry
	for s := from; s <= to; s++ {
		es = append(es, &sluicev1.LogEntry{Seq: s, SourceType: "linux-auth", Raw: []byte(fmt.Sprintf("%s line %d", org, s))})
	}
	return &sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Batch{Batch: &sluicev1.LogBatch{Entries: es}}}
}

// paddedBatch is a batch of entries from..to of org, each about size
// bytes.
func paddedBatch(org string, from, to uint64, size int) *sluicev1.ConnectRequest {
	pad := strings.Repeat("x", size)
	var es []*sluicev1.LogEntry
	for s := from; s <= to; s++ {
		es = append(es, &sluicev1.LogEntry{Seq: s, SourceType: "linux-auth", Raw: []byte(fmt.Sprintf("%s line %d %s", org, s, pad))})
	}
	return &sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Batch{Batch: &sluicev1.LogBatch{Entries: es}}}
}

// orgStream opens a raw stream of agent id of org, admitted.
func orgStream(t *testing.T, m *Mediator, org, id string) sluicev1.MediatorService_ConnectClient {
	t.Helper()
	stream, resp, err := dialHello(t, m.Addr(), &sluicev1.Hello{AgentId: id, Organization: org})
	if err != nil || resp.GetWelcome() == nil {
		t.Fatalf("%s/%s: %v %v", org, id, resp, err)
	}
	return stream
}

// wantAck sends req and wants it acknowledged through seq.
func wantAck(t *testing.T, stream sluicev1.MediatorService_ConnectClient, req *sluicev1.ConnectRequest, through uint64) {
	t.Helper()
	_ = stream.Send(req)
	if resp := nextData(t, stream); resp.GetAck().GetThroughSeq() != through {
		t.Fatalf("want an ack through %d, got %v", through, resp)
	}
}

// wantThrottle sends req and wants it refused with reason and a limit
// containing text.
func wantThrottle(t *testing.T, stream sluicev1.MediatorService_ConnectClient, req *sluicev1.ConnectRequest, reason, text string) *sluicev1.Throttle {
	t.Helper()
	_ = stream.Send(req)
	th := nextData(t, stream).GetThrottle()
	if th == nil || th.GetReason() != reason || !strings.Contains(th.GetLimit(), text) || th.GetRetryAfter().AsDuration() <= 0 {
		t.Fatalf("want a Throttle %q naming %q, got %v", reason, text, th)
	}
	return th
}

// orgSettings is a settings table for the unit tests.
func orgSettings(orgs ...OrgConfig) *orgTable { return newOrgTable(orgs) }

func orgCfg(name string, eps int, backlog int64) OrgConfig {
	c := DefaultOrgConfig(name)
	c.MaxEventsPerSecond, c.MaxBacklogBytes = eps, backlog
	return c
}

// TestOrgQuotaRate: the organization's bucket is shared by its agents;
// a refusal names the organization and its quota and says when the
// bucket covers the batch; a reload's rate applies at the next batch;
// refund gives back what the agent's own budget refused.
func TestOrgQuotaRate(t *testing.T) {
	table := orgSettings(orgCfg("acme", 100, 0))
	q := newOrgQuotas(table.get, func(string) (int64, int64) { return 0, 0 }, hclog.NewNullLogger())
	now := time.Unix(1000, 0)
	steps := []struct {
		name    string
		org     string
		n       int
		advance time.Duration
		reload  *OrgConfig
		refund  int
		ok      bool
		retry   time.Duration
	}{
		{name: "burst", org: "acme", n: 60, ok: true},
		{name: "second agent shares the bucket", org: "acme", n: 40, ok: true},
		{name: "over", org: "acme", n: 50, ok: false, retry: 500 * time.Millisecond},
		{name: "other org unlimited", org: "beta", n: 100000, ok: true},
		{name: "refilled", org: "acme", n: 50, advance: 500 * time.Millisecond, ok: true},
		{name: "refunded", org: "acme", n: 30, refund: 30, ok: true},
		{name: "reload to 1000/s", org: "acme", n: 30, reload: &OrgConfig{Name: "acme", MaxEventsPerSecond: 1000, MaxAgents: -1}, ok: false, retry: 30 * time.Millisecond},
		{name: "reload: no limit", org: "acme", n: 1 << 20, reload: &OrgConfig{Name: "acme", MaxAgents: -1}, ok: true},
	}
	for _, st := range steps {
		now = now.Add(st.advance)
		if st.reload != nil {
			table.replace([]OrgConfig{*st.reload})
		}
		if st.refund > 0 {
			q.refund(st.org, st.refund)
		}
		r, ok := q.admit(st.org, st.n, now)
		if ok != st.ok {
			t.Fatalf("%s: admitted %v, want %v (%+v)", st.name, ok, st.ok, r)
		}
		if !ok {
			if d := r.retryAfter - st.retry; d < 0 || d > time.Millisecond || r.reason != refusal.RateLimit || r.quota != orgReasonRate ||
				!strings.Contains(r.text, `organization "acme" over max_events_per_second=`) {
				t.Fatalf("%s: refusal %+v, want retry after %v", st.name, r, st.retry)
			}
		}
	}
	if st := q.status()["acme"]; !st.Throttled || st.Refused[orgReasonRate] != 2 {
		t.Fatalf("status %+v", st)
	}
}

// TestOrgQuotaBacklogSuspense: over max_backlog_bytes the organization's
// batches are refused (suspense) until its backlog is under 80% of it;
// the others are not affected; the throttling ends after a quiet spell.
func TestOrgQuotaBacklogSuspense(t *testing.T) {
	backlog := map[string]int64{}
	q := newOrgQuotas(orgSettings(orgCfg("acme", 0, 1000)).get, func(org string) (int64, int64) { return backlog[org] / 10, backlog[org] }, hclog.NewNullLogger())
	now := time.Unix(1000, 0)
	for _, st := range []struct {
		acme, beta int64
		want       bool // acme refused
	}{{500, 0, false}, {1001, 5000, true}, {900, 0, true}, {801, 0, true}, {799, 0, false}, {990, 0, false}, {1200, 0, true}} {
		backlog["acme"], backlog["beta"] = st.acme, st.beta
		now = now.Add(time.Second)
		r, ok := q.admit("acme", 1, now)
		if ok == st.want {
			t.Fatalf("acme backlog %d: refused %v, want %v", st.acme, !ok, st.want)
		}
		if !ok && (r.reason != refusal.Suspense || !strings.Contains(r.text, `organization "acme" in suspense`) || !strings.Contains(r.text, "max_backlog_bytes=1000")) {
			t.Fatalf("refusal %+v", r)
		}
		if _, ok := q.admit("beta", 1, now); !ok {
			t.Fatal("beta refused for acme's backlog")
		}
	}
	if q.suspended() != 1 {
		t.Fatalf("%d organizations suspended, want 1", q.suspended())
	}
	backlog["acme"] = 0
	q.tick(now)
	q.tick(now.Add(orgQuietAfter))
	if st := q.status()["acme"]; st.Throttled || st.Suspense != "" || st.Refused[orgReasonBacklog] != 4 {
		t.Fatalf("after draining: %+v", st)
	}
}

// TestBlameOrgs: over the limit, the organizations over their weighted
// share are blamed, and stay so until under 80% of it or the total under
// the resume mark.
func TestBlameOrgs(t *testing.T) {
	for _, tc := range []struct {
		name  string
		loads []orgLoad
		total int64
		prev  []string
		want  []string
	}{
		{"under the limit", []orgLoad{{"a", 90, 1}, {"b", 5, 1}}, 95, nil, nil},
		{"one over its half", []orgLoad{{"a", 100, 1}, {"b", 10, 1}}, 110, nil, []string{"a"}},
		{"weight 3 of 4: share 75", []orgLoad{{"a", 70, 3}, {"b", 40, 1}}, 110, nil, []string{"b"}},
		{"both over the share", []orgLoad{{"a", 60, 1}, {"b", 60, 1}}, 120, nil, []string{"a", "b"}},
		{"held above 80% of the share", []orgLoad{{"a", 45, 1}, {"b", 40, 1}}, 85, []string{"a"}, []string{"a"}},
		{"released under 80% of the share", []orgLoad{{"a", 39, 1}, {"b", 45, 1}}, 84, []string{"a"}, nil},
		{"released under the resume mark", []orgLoad{{"a", 45, 1}, {"b", 30, 1}}, 75, []string{"a"}, nil},
		{"idle organizations have no share", []orgLoad{{"a", 60, 1}, {"b", 50, 1}, {"c", 0, 5}}, 110, nil, []string{"a"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prev := map[string]string{}
			for _, o := range tc.prev {
				prev[o] = "before"
			}
			got := blameOrgs(tc.loads, 100, 80, tc.total, prev)
			if len(got) != len(tc.want) {
				t.Fatalf("blamed %v, want %v", got, tc.want)
			}
			for _, o := range tc.want {
				if got[o] == "" {
					t.Fatalf("blamed %v, want %v", got, tc.want)
				}
			}
		})
	}
}

// Real agents of one organization over its max_events_per_second: each
// is refused with the organization's reason, keeps its entries and
// resends them; everything arrives once; another organization's agent is
// never refused.
func TestOrgRateQuotaAgentsDeliverEverythingOnce(t *testing.T) {
	const limit, perAgent = 1000, 1500
	logs := &logBuffer{}
	m, _ := quotaMediator(t, "", fmt.Sprintf("organization \"acme\" {\n max_events_per_second = %d\n}\n", limit), false,
		hclog.New(&hclog.LoggerOptions{Output: logs, Level: hclog.Info}))
	agentLogs := &logBuffer{}
	type agent struct {
		org, id string
		sp      *uplinktest.MemSpool
	}
	var agents []agent
	for _, a := range []struct{ org, id string }{{"acme", "a1"}, {"acme", "a2"}, {"beta", "b1"}} {
		sp := uplinktest.NewMemSpool()
		for range perAgent / 100 {
			sp.Add(100)
		}
		agents = append(agents, agent{a.org, a.id, sp})
	}
	start := time.Now()
	for _, a := range agents {
		up, err := uplink.New(uplink.Config{AgentID: a.id, Organization: a.org, Mediators: []string{m.Addr()}, Window: 8, BatchEntries: 300, AckTimeout: 5 * time.Second},
			a.sp, hclog.New(&hclog.LoggerOptions{Output: agentLogs, Level: hclog.Info, Name: a.id}))
		if err != nil {
			t.Fatal(err)
		}
		testkit.Run(t, up.Run)
	}
	for _, a := range agents {
		testkit.Eventually(t, 30*time.Second, a.id+"'s spool delivered", func() bool { return a.sp.Depth() == 0 })
	}
	took := time.Since(start)
	const total = 3 * perAgent
	if got := m.intake.received.Load(); got != total {
		t.Fatalf("stored %d entries, want %d (each once)", got, total)
	}
	for _, a := range agents {
		if hw := m.state.agentHighWater(a.org, a.id); hw != perAgent {
			t.Fatalf("%s/%s high-water mark %d, want %d", a.org, a.id, hw, perAgent)
		}
	}
	testkit.Eventually(t, 20*time.Second, "everything indexed", func() bool { return count(t, m, "*") == total })
	st := m.Status().Organizations
	t.Logf("acme's %d entries through its %d/s quota in %v: %d refusals", 2*perAgent, limit, took.Round(time.Millisecond), st["acme"].Refused[orgReasonRate])
	// The first second's worth is a burst; the rest comes at the quota.
	if minTook := time.Duration(float64(2*perAgent-limit) / limit * float64(time.Second)); took < minTook*9/10 {
		t.Fatalf("took %v: faster than the quota allows (%v)", took, minTook)
	}
	if st["acme"].Refused[orgReasonRate] == 0 {
		t.Fatal("acme never refused")
	}
	if n := st["beta"].Refused; len(n) != 0 {
		t.Fatalf("beta refused %v", n)
	}
	if !strings.Contains(agentLogs.String(), `organization \"acme\" over max_events_per_second=1000`) {
		t.Fatalf("the agents were not told why:\n%s", agentLogs.String())
	}
	if n := strings.Count(agentLogs.String(), "connected to mediator"); n != 3 {
		t.Fatalf("%d connections for 3 agents: a quota must not disconnect\n%s", n, agentLogs.String())
	}
	logs.waitLog(t, "organization over its quota", "organization=acme", "quota=max_events_per_second")
	text := string(promtest.Scrape(t, "http://"+m.HTTPAddr()+"/metrics", ""))
	if !strings.Contains(text, `sluice_mediator_organization_throttled_total{organization="acme",reason="max_events_per_second"}`) {
		t.Fatalf("no throttle metric:\n%s", text)
	}
}

// A reload's max_events_per_second applies to the next batch, without a
// restart or a reconnect.
func TestOrgRateQuotaReload(t *testing.T) {
	m, _ := quotaMediator(t, "", "organization \"acme\" {\n max_events_per_second = 100\n}\n", false, hclog.NewNullLogger())
	stream := orgStream(t, m, "acme", "a1")
	wantAck(t, stream, orgBatch("acme", 1, 100), 100)
	wantThrottle(t, stream, orgBatch("acme", 101, 150), refusal.RateLimit, `organization "acme" over max_events_per_second=100`)
	m.orgs.replace([]OrgConfig{{Name: "acme", Weight: 1, MaxAgents: -1, MaxEventsPerSecond: 1_000_000}})
	// The bucket learns the new rate at the next batch: the time before
	// counted at the old one, so that batch may still wait, but for
	// microseconds (at 100/s it would be half a second).
	for {
		_ = stream.Send(orgBatch("acme", 101, 150))
		resp := nextData(t, stream)
		if resp.GetAck().GetThroughSeq() == 150 {
			break
		}
		if w := resp.GetThrottle().GetRetryAfter().AsDuration(); w <= 0 || w > 10*time.Millisecond {
			t.Fatalf("after the reload: %v", resp)
		}
		time.Sleep(resp.GetThrottle().GetRetryAfter().AsDuration())
	}
	m.orgs.replace(nil)
	wantAck(t, stream, orgBatch("acme", 151, 5000), 5000)
}

// max_agents of an organization refuses its next agent the way the
// mediator's max_agents does, admits another organization's, and a
// reload raises it.
func TestOrgMaxAgents(t *testing.T) {
	m, _ := quotaMediator(t, "max_agents = 10", "organization \"acme\" {\n max_agents = 2\n}\norganization \"shut\" {\n max_agents = 0\n}\n", false, hclog.NewNullLogger())
	if _, ok := m.Status().Organizations["shut"]; !ok {
		t.Fatal("/v1/status does not show a configured organization before its agents come")
	}
	a1 := orgStream(t, m, "acme", "a1")
	orgStream(t, m, "acme", "a2")
	_, _, err := dialHello(t, m.Addr(), &sluicev1.Hello{AgentId: "a3", Organization: "acme"})
	wantRefusal(t, err, codes.ResourceExhausted, refusal.MaxAgents)
	if !strings.Contains(err.Error(), `organization "acme" serves its max_agents=2`) {
		t.Fatalf("refusal %v does not say why", err)
	}
	_, _, err = dialHello(t, m.Addr(), &sluicev1.Hello{AgentId: "s1", Organization: "shut"})
	wantRefusal(t, err, codes.ResourceExhausted, refusal.MaxAgents)
	orgStream(t, m, "beta", "b1")
	// The same agent reconnecting replaces its stream: not a new agent.
	orgStream(t, m, "acme", "a2")
	// One leaves: there is room again.
	_ = a1.CloseSend()
	testkit.Eventually(t, 10*time.Second, "a1 gone", func() bool { return m.registry.count() == 2 })
	orgStream(t, m, "acme", "a3")
	// A reload raises the quota.
	m.orgs.replace([]OrgConfig{{Name: "acme", Weight: 1, MaxAgents: 3}})
	orgStream(t, m, "acme", "a4")
	st := m.Status().Organizations
	if st["acme"].Refused[orgReasonAgents] != 1 || st["shut"].Refused[orgReasonAgents] != 1 {
		t.Fatalf("refusals not counted: %+v", st)
	}
	if n := m.intake.refusals.n[0].Load(); refusalReasons[0] != refusal.MaxAgents || n != 2 {
		t.Fatalf("max_agents refusals %d, want 2", n)
	}
}

// An organization over max_backlog_bytes (a real backlog: the index takes
// nothing) is refused with a suspense reason naming it, beta is not; when
// the index takes the backlog, acme's resend is stored.
func TestOrgBacklogSuspenseSparesOthers(t *testing.T) {
	m, release := quotaMediator(t, "", "organization \"acme\" {\n max_backlog_bytes = \"1MiB\"\n}\n", true, hclog.NewNullLogger())
	acme, beta := orgStream(t, m, "acme", "a1"), orgStream(t, m, "beta", "b1")
	const batch = 1000 // of 300-byte entries: 300 KiB
	var seq uint64
	for {
		_ = acme.Send(paddedBatch("acme", seq+1, seq+batch, 300))
		resp := nextData(t, acme)
		if th := resp.GetThrottle(); th != nil {
			if th.GetReason() != refusal.Suspense || !strings.Contains(th.GetLimit(), `organization "acme" in suspense`) || th.GetResumeSeq() != seq+1 {
				t.Fatalf("throttle %v", th)
			}
			break
		}
		if seq += batch; seq > 10*batch {
			t.Fatalf("acme never refused; backlog %+v", m.Status().Organizations["acme"])
		}
	}
	if _, by := m.state.orgs.get("acme"); by <= 1<<20 {
		t.Fatalf("acme refused with %d bytes in state", by)
	}
	wantAck(t, beta, orgBatch("beta", 1, 200), 200)
	if st := m.Status().Organizations["acme"]; st.Suspense == "" || !st.Throttled {
		t.Fatalf("status %+v", st)
	}
	text := string(promtest.Scrape(t, "http://"+m.HTTPAddr()+"/metrics", ""))
	for _, want := range []string{"sluice_mediator_organizations_suspended 1", `sluice_mediator_organization_throttled_total{organization="acme",reason="max_backlog_bytes"} 1`} {
		if !strings.Contains(text, want) {
			t.Fatalf("metrics lack %s:\n%s", want, text)
		}
	}
	release()
	testkit.Eventually(t, 20*time.Second, "the backlog indexed", func() bool { return m.state.q.Len() == 0 })
	wantAck(t, acme, paddedBatch("acme", seq+1, seq+batch, 300), seq+batch)
	testkit.Eventually(t, 30*time.Second, "everything indexed", func() bool { return count(t, m, "*") == int64(seq+batch+200) })
}

// Over suspense_backlog, with two organizations holding backlog, only the
// one over its share is suspended: the other keeps sending and new agents
// are admitted, until the backlog passes the ceiling (1.25x), where the
// mediator is in suspense for everyone as before.
func TestBlameSuspense(t *testing.T) {
	logs := &logBuffer{}
	m, release := quotaMediator(t, "suspense_backlog = 100", "", true, hclog.New(&hclog.LoggerOptions{Output: logs, Level: hclog.Info}))
	acme, beta := orgStream(t, m, "acme", "a1"), orgStream(t, m, "beta", "b1")
	wantAck(t, beta, orgBatch("beta", 1, 10), 10)
	wantAck(t, acme, orgBatch("acme", 1, 100), 100) // 110 in state: acme's share is 50
	testkit.Eventually(t, 10*time.Second, "acme blamed", func() bool { return m.intake.quotas.blamedNow()["acme"] != "" })
	wantThrottle(t, acme, orgBatch("acme", 101, 110), refusal.Suspense, `organization "acme" in suspense: it holds 100 of the state backlog's 110 entries, over its fair share 50 of suspense_backlog=100`)
	wantAck(t, beta, orgBatch("beta", 11, 20), 20) // 120: under the ceiling
	if why := m.suspense.reason(); why != "" {
		t.Fatalf("mediator in suspense for everyone: %s", why)
	}
	orgStream(t, m, "gamma", "g1")
	logs.waitLog(t, "organization in suspense: over its fair share", "organization=acme")
	// Past the ceiling, blaming is not enough.
	wantAck(t, beta, orgBatch("beta", 21, 30), 30) // 130
	testkit.Eventually(t, 10*time.Second, "suspense for everyone", func() bool { return m.suspense.reason() != "" })
	_, _, err := dialHello(t, m.Addr(), &sluicev1.Hello{AgentId: "d1", Organization: "delta"})
	wantRefusal(t, err, codes.Unavailable, refusal.Suspense)
	release()
	testkit.Eventually(t, 20*time.Second, "suspense cleared", func() bool {
		return m.suspense.reason() == "" && len(m.intake.quotas.blamedNow()) == 0 && m.state.q.Len() == 0
	})
	orgStream(t, m, "delta", "d1")
}

var _ indexer.Index = (*hungIndex)(nil)

// cappedIndex is the real embedded index taking at most perSec events a
// second: a mediator that indexes slower than its agents send.
type cappedIndex struct {
	indexer.Index
	perSec int
}

func (s *cappedIndex) Write(ctx context.Context, events []*event.Event) error {
	select {
	case <-time.After(time.Duration(len(events)) * time.Second / time.Duration(s.perSec)):
	case <-ctx.Done():
		return ctx.Err()
	}
	return s.Index.Write(ctx, events)
}

// Issue 20, item 1, scaled down: organization acme floods far beyond what
// the mediator indexes while beta sends steadily. Acme is held back by
// the blame suspense (its batches wait in its agent's spool), beta is
// never refused nor suspended, and every line of acme arrives, once.
func TestFloodingOrganizationHeldBackOthersFlow(t *testing.T) {
	if testing.Short() {
		t.Skip("streams for several seconds")
	}
	const (
		indexRate = 4000  // events/s the index takes
		limit     = 4000  // suspense_backlog
		acmeTotal = 20000 // spooled at once: acme offers all it can
		betaN     = 10    // beta: 10 entries every 50 ms, 200/s
		betaDt    = 50 * time.Millisecond
	)
	dir := t.TempDir()
	emb, err := embedded.Open(embedded.Config{Dir: filepath.Join(dir, "index")}, hclog.NewNullLogger())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emb.Close() })
	cfg, err := ParseConfig([]byte(fmt.Sprintf(`
mediator {
  listen           = "127.0.0.1:0"
  http             = "127.0.0.1:0"
  data_dir         = %q
  insecure         = true
  index_flush      = "20ms"
  suspense_backlog = %d
}`, filepath.Join(dir, "m"), limit)), "m.hcl")
	if err != nil {
		t.Fatal(err)
	}
	logs := &logBuffer{}
	m, err := New(cfg, Deps{Logger: hclog.New(&hclog.LoggerOptions{Output: logs, Level: hclog.Info}), Index: &cappedIndex{Index: emb, perSec: indexRate}})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Run(t, m.Run)

	agentLogs := &logBuffer{}
	newAgent := func(org, id string, sp *uplinktest.MemSpool, batch int) {
		up, err := uplink.New(uplink.Config{AgentID: id, Organization: org, Mediators: []string{m.Addr()}, Window: 4, BatchEntries: batch, AckTimeout: 10 * time.Second},
			sp, hclog.New(&hclog.LoggerOptions{Output: agentLogs, Level: hclog.Info, Name: id}))
		if err != nil {
			t.Fatal(err)
		}
		testkit.Run(t, up.Run)
	}
	// Beta first, steady, recording each batch's latency to its ack.
	var mu sync.Mutex
	var betaLat []time.Duration
	betaSp := uplinktest.NewMemSpool()
	betaSp.OnAck = func(_ queue.Record, added time.Time) {
		mu.Lock()
		betaLat = append(betaLat, time.Since(added))
		mu.Unlock()
	}
	newAgent("beta", "b1", betaSp, 1000)
	ctx, stopBeta := context.WithCancel(context.Background())
	defer stopBeta()
	betaSent := 0
	betaDone := make(chan struct{})
	go func() {
		defer close(betaDone)
		t := time.NewTicker(betaDt)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				betaSp.Add(betaN)
				betaSent += betaN
			}
		}
	}()
	// Then acme, everything at once.
	acmeSp := uplinktest.NewMemSpool()
	for range acmeTotal / 100 {
		acmeSp.Add(100)
	}
	start := time.Now()
	newAgent("acme", "a1", acmeSp, 500)
	testkit.Eventually(t, 60*time.Second, "acme's spool delivered", func() bool { return acmeSp.Depth() == 0 })
	took := time.Since(start)
	stopBeta()
	<-betaDone
	testkit.Eventually(t, 20*time.Second, "beta's spool delivered", func() bool { return betaSp.Depth() == 0 })

	if hw := m.state.agentHighWater("acme", "a1"); hw != acmeTotal {
		t.Fatalf("acme high-water mark %d, want %d", hw, acmeTotal)
	}
	if got := m.intake.received.Load(); got != uint64(acmeTotal+betaSent) {
		t.Fatalf("stored %d entries, want %d (each once)", got, acmeTotal+betaSent)
	}
	testkit.Eventually(t, 30*time.Second, "everything indexed", func() bool { return count(t, m, "*") == int64(acmeTotal+betaSent) })
	st := m.Status().Organizations
	mu.Lock()
	p99b, p50b := p99(betaLat), p50(betaLat)
	mu.Unlock()
	t.Logf("acme's %d entries in %v through a %d/s index, %d refusals (suspense); beta %d entries, ack latency p50 %v p99 %v",
		acmeTotal, took.Round(time.Millisecond), indexRate, st["acme"].Refused[orgReasonBlame], betaSent, p50b, p99b)
	if st["acme"].Refused[orgReasonBlame] == 0 {
		t.Fatal("acme was never held back")
	}
	if r := st["beta"].Refused; len(r) != 0 {
		t.Fatalf("beta refused: %v", r)
	}
	if strings.Contains(logs.String(), "entering suspense") {
		t.Fatalf("the mediator suspended everyone:\n%s", logs.String())
	}
	if n := strings.Count(agentLogs.String(), "connected to mediator"); n != 2 {
		t.Fatalf("%d connections for 2 agents: nobody is to be suspended or refused\n%s", n, agentLogs.String())
	}
	// Beta's acknowledgements do not wait on acme's backlog: a suspended
	// beta would wait its retry-after (2 s, a Suspend 30 s) at least.
	if p99b > 1500*time.Millisecond { // a refused batch waits orgSuspenseRetry (2 s)
		t.Fatalf("beta's ack latency p99 %v", p99b)
	}
}

// TestSuspenseBlame: over suspense_backlog the suspense is the blamed
// organizations' only when more than one organization holds backlog, the
// backlog is under the ceiling and the organizations' counts cover it.
func TestSuspenseBlame(t *testing.T) {
	for _, tc := range []struct {
		name        string
		total       int64
		loads       []orgLoad
		wantGlobal  bool
		wantBlamed  []string
		wantSharing bool // per-batch blame enabled
	}{
		{"two hold it: blame", 110, []orgLoad{{"a", 100, 1}, {"b", 10, 1}}, false, []string{"a"}, true},
		{"past the ceiling", 130, []orgLoad{{"a", 120, 1}, {"b", 10, 1}}, true, []string{"a"}, true},
		{"one holds it all", 110, []orgLoad{{"a", 110, 1}}, true, nil, true},
		{"most of it nobody's (held from before a restart)", 110, []orgLoad{{"a", 50, 1}, {"b", 10, 1}}, true, nil, false},
		{"under the limit", 90, []orgLoad{{"a", 80, 1}, {"b", 10, 1}}, false, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := newOrgQuotas(orgSettings().get, func(string) (int64, int64) { return 0, 0 }, hclog.NewNullLogger())
			s := &suspense{
				backlogMax: 100, backlogResume: 80,
				backlog:   func() int64 { return tc.total },
				freeBytes: func(string) (int64, error) { return 1 << 40, nil },
				registry:  newRegistry(10),
				logger:    hclog.NewNullLogger(),
				orgs:      q,
				orgLoads:  func() []orgLoad { return tc.loads },
			}
			s.check()
			if got := s.reason() != ""; got != tc.wantGlobal {
				t.Fatalf("suspense for everyone %v (%q), want %v", got, s.reason(), tc.wantGlobal)
			}
			blamed := q.blamedNow()
			if len(blamed) != len(tc.wantBlamed) {
				t.Fatalf("blamed %v, want %v", blamed, tc.wantBlamed)
			}
			for _, o := range tc.wantBlamed {
				if blamed[o] == "" {
					t.Fatalf("blamed %v, want %v", blamed, tc.wantBlamed)
				}
			}
			if got := q.shares.limit > 0; got != tc.wantSharing {
				t.Fatalf("per-batch blame %v, want %v", got, tc.wantSharing)
			}
		})
	}
}
