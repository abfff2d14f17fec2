package chaos

import (
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// twinBase numbers the second agent's lines apart from the first's.
const twinBase = 10_000_000

// twin is one of two agents presenting the same agent id, each with its
// own data directory (spool) and its own file.
type twin struct {
	name, host string
	p          *proc
	w          *writer
	base       int // its lines are line(base+i)
	written    int
}

// write appends n more of its lines to its file.
func (tw *twin) write(t *testing.T, n int) {
	t.Helper()
	if err := tw.w.write(tw.base+tw.written, tw.base+tw.written+n); err != nil {
		t.Fatal(err)
	}
	tw.written += n
	if tw.w.size > 1<<20 {
		if err := tw.w.rotateNow(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDuplicateAgentIdentity runs two real agent processes with the same
// agent id and separate data directories against one insecure loopback
// mediator (a cloned host, or an agent reinstalled beside the old one).
// Before spool incarnations, the newer spool's sequences raised the
// mediator's high-water mark for the agent id and every later entry of the
// older one was acknowledged as a resend and dropped.
//
// First the acceptance check: both run at once; the second is refused
// (the mediator logs it, naming the agent id) and delivers nothing while
// the first holds the stream; the first is stopped, and within 120 s
// every line of both files is indexed exactly once. Then sessions
// alternate: the agent holding the stream (and now and then the mediator
// too) is killed -9, the other takes over, the killed one comes back and
// is refused, while both files grow. At the end each agent runs alone
// until it has delivered its file: every line of both is indexed exactly
// once (none acknowledged and dropped), and nothing else is.
func TestDuplicateAgentIdentity(t *testing.T) {
	bin := sluiceBin(t)
	r := newRun(t, bin, scenario{name: "duplicate-identity", rotate: "rename"}, runOpts{})
	// The run's agent is A; the mediator's /v1/agents tells the two apart
	// by hostname (A has the machine's, the default).
	hostname, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	a := &twin{name: "agent", host: hostname, p: r.agent}
	bDir := filepath.Join(r.dir, "logs-b")
	if err := os.MkdirAll(bDir, 0o755); err != nil {
		t.Fatal(err)
	}
	b := &twin{name: "agent-b", host: "host-b-" + hostname, base: twinBase}
	b.p = r.agentProc("agent-b", filepath.Join(r.dataDir, "agent-b"), bDir, `hostname = "`+b.host+`"`)
	a.w = &writer{dir: r.logDir, rotate: "rename"}
	b.w = &writer{dir: bDir, rotate: "rename"}
	for _, tw := range []*twin{a, b} {
		if err := tw.w.open(); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		b.p.kill9()
		if t.Failed() {
			out, _ := os.ReadFile(filepath.Join(r.dir, "agent-b.log"))
			t.Logf("agent-b log (tail):\n%s", tail(string(out), 3000))
		}
	})

	// The acceptance check.
	r.mediator.start(t, bin)
	a.p.start(t, bin)
	a.write(t, 5000)
	if n := r.waitIndexed(5000, time.Minute); n != 5000 {
		t.Fatalf("agent A alone: %d indexed, want 5000", n)
	}
	b.p.start(t, bin)
	b.write(t, 5000)
	a.write(t, 5000)
	mediatorLog := filepath.Join(r.dir, "mediator.log")
	waitLog(t, mediatorLog, 30*time.Second, "agent refused: agent id already connected from another spool", "agent=chaos-agent")
	waitLog(t, filepath.Join(r.dir, "agent-b.log"), 10*time.Second, "[ERROR]", "DUPLICATE AGENT IDENTITY")
	// A holds the stream: its lines arrive, none of B's.
	if n := r.waitIndexed(10000, time.Minute); n != 10000 {
		t.Fatalf("with B refused: %d indexed, want A's 10000", n)
	}
	if h := r.holder(); h != a.host {
		t.Fatalf("the stream is held by %q, want A (%s)", h, a.host)
	}
	if st, err := r.status(); err != nil || st.RefusedDuplicate == 0 {
		t.Fatalf("mediator status: refused_duplicate_identity %d (%v)", st.RefusedDuplicate, err)
	}
	stopped := time.Now()
	a.p.stop()
	if n := r.waitIndexed(15000, 120*time.Second); n != 15000 {
		t.Fatalf("120 s after A stopped: %d indexed, want 15000", n)
	}
	took := time.Since(stopped)
	if h := r.holder(); h != b.host {
		t.Fatalf("the stream is held by %q, want B (%s)", h, b.host)
	}
	if indexed, lost, dups, invented := r.verifyLines(twinLines(a, b)); lost+dups+invented != 0 || indexed != 15000 {
		t.Fatalf("after A stopped: indexed %d, lost %d, duplicated %d, invented %d", indexed, lost, dups, invented)
	}
	t.Logf("acceptance: B delivered its 5000 lines %s after A stopped", took.Round(100*time.Millisecond))

	// Sessions alternate under kill -9.
	a.p.start(t, bin)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 15))
	rounds := *flagKills
	victim, other := a, b // A was refused, B holds the stream
	for i := range rounds {
		victim, other = other, victim
		for _, tw := range []*twin{a, b} {
			tw.write(t, 500+rng.IntN(1500))
		}
		time.Sleep(time.Duration(300+rng.IntN(1200)) * time.Millisecond)
		victim.p.kill9()
		if rng.IntN(3) == 0 {
			r.mediator.kill9()
			r.mediator.start(t, bin)
		}
		// The other takes over (after its backoff: at most 30 s), then
		// the victim comes back and is refused in turn.
		took := r.waitHolder(other.host, 90*time.Second)
		victim.p.start(t, bin)
		t.Logf("round %d: killed %s (%s), %s took over after %s", i, victim.name, victim.host, other.name, took.Round(100*time.Millisecond))
	}
	a.write(t, 1000)
	b.write(t, 1000)

	// Each alone in turn until everything is delivered: a line still in a
	// spool gets there, one acknowledged and dropped never does.
	a.p.stop()
	b.p.stop()
	total := a.written + b.written
	var n int64
	deadline := time.Now().Add(3 * time.Minute)
	for turn := 0; time.Now().Before(deadline); turn++ {
		tw := []*twin{a, b}[turn%2]
		tw.p.start(t, bin)
		r.waitHolder(tw.host, time.Minute)
		n = r.waitQuiet(3 * time.Second)
		tw.p.stop()
		if n >= int64(total) {
			break
		}
	}
	indexed, lost, dups, invented := r.verifyLines(twinLines(a, b))
	mlog, _ := os.ReadFile(mediatorLog)
	refusals := strings.Count(string(mlog), "agent refused: agent id already connected from another spool")
	t.Logf("duplicate identity: lines A %d, B %d; indexed %d, lost %d, duplicated %d, invented %d; rounds %d, mediator kills %d, refusals %d",
		a.written, b.written, indexed, lost, dups, invented, rounds, r.mediator.kills, refusals)
	if n != int64(total) || indexed != total || lost+dups+invented != 0 {
		t.Fatalf("index count %d: indexed %d, lost %d, duplicated %d, invented %d of %d lines", n, indexed, lost, dups, invented, total)
	}
}

// twinLines is every line the twins wrote.
func twinLines(tws ...*twin) []string {
	var out []string
	for _, tw := range tws {
		for i := range tw.written {
			out = append(out, line(tw.base+i))
		}
	}
	return out
}

// holder is the hostname of the agent holding the stream of chaos-agent
// ("" when none).
func (r *run) holder() string {
	resp, err := http.Get("http://" + r.httpAddr + "/v1/agents")
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	var body struct {
		Connected []struct {
			ID       string `json:"id"`
			Hostname string `json:"hostname"`
		} `json:"connected"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return ""
	}
	for _, c := range body.Connected {
		if c.ID == "chaos-agent" {
			return c.Hostname
		}
	}
	return ""
}

// waitHolder waits until the agent with hostname host holds the stream,
// and returns how long that took.
func (r *run) waitHolder(host string, timeout time.Duration) time.Duration {
	start := time.Now()
	for time.Since(start) < timeout {
		if r.holder() == host {
			return time.Since(start)
		}
		time.Sleep(100 * time.Millisecond)
	}
	r.t.Fatalf("%s did not get the agent id's stream within %s (held by %q)", host, timeout, r.holder())
	return 0
}

// waitQuiet waits until the index count has not moved for quiet, and
// returns it.
func (r *run) waitQuiet(quiet time.Duration) int64 {
	last, since := int64(-1), time.Now()
	for {
		c, err := r.count()
		if err == nil && c != last {
			last, since = c, time.Now()
		}
		if time.Since(since) >= quiet {
			return last
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// waitLog waits until a line of the log at path holds every one of parts.
func waitLog(t *testing.T, path string, timeout time.Duration, parts ...string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		b, _ := os.ReadFile(path)
		for l := range strings.SplitSeq(string(b), "\n") {
			ok := true
			for _, p := range parts {
				ok = ok && strings.Contains(l, p)
			}
			if ok {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no line with %q in %s within %s:\n%s", parts, path, timeout, tail(string(b), 2000))
		}
		time.Sleep(100 * time.Millisecond)
	}
}
