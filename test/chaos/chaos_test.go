// Package chaos is the fault-test harness: it runs the real bin/sluice agent
// and mediator as separate processes on loopback, writes lines with rename
// rotation and copytruncate, kill -9's both at random moments, restarts
// them, and checks that the index holds every line exactly once.
//
// `make test` runs a short pass; `make chaos` runs the long one:
//
//	go test ./test/chaos -run TestChaos -timeout 60m -args -lines 1000000 -kills 50
package chaos

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3" // reads the index files to check them

	"github.com/sluicehq/sluice/internal/testkit"
)

var (
	flagLines = flag.Int("lines", 50000, "lines written per scenario")
	flagKills = flag.Int("kills", 5, "kill -9's of each process per scenario")
	flagBin   = flag.String("bin", "../../bin/sluice", "the sluice binary under test")
)

// scenario is one chaos run.
type scenario struct {
	name string
	// rotate is how the writer rotates app.log: "rename" or "copytruncate".
	rotate string
}

func sluiceBin(t *testing.T) string {
	t.Helper()
	bin, err := filepath.Abs(*flagBin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("the chaos harness runs the real binary: %v (run `make build` first)", err)
	}
	return bin
}

func TestChaos(t *testing.T) {
	bin := sluiceBin(t)
	for _, sc := range []scenario{
		{name: "rename-rotation", rotate: "rename"},
		{name: "copytruncate", rotate: "copytruncate"},
	} {
		t.Run(sc.name, func(t *testing.T) {
			r := newRun(t, bin, sc, runOpts{})
			r.run(*flagLines, *flagKills)
		})
	}
}

// proc is a sluice process the harness can kill and restart.
type proc struct {
	name string
	args []string
	log  *os.File

	mu    sync.Mutex
	cmd   *exec.Cmd
	kills int
}

func (p *proc) start(t *testing.T, bin string) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	cmd := exec.Command(bin, p.args...)
	cmd.Stdout, cmd.Stderr = p.log, p.log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", p.name, err)
	}
	p.cmd = cmd
}

// kill9 kills the process without warning and reaps it.
func (p *proc) kill9() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	_ = p.cmd.Wait()
	p.cmd = nil
	p.kills++
}

// stop ends the process gracefully.
func (p *proc) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		<-done
	}
	p.cmd = nil
}

type run struct {
	t        *testing.T
	bin      string
	sc       scenario
	opts     runOpts
	dir      string
	dataDir  string
	logDir   string
	grpcAddr string
	httpAddr string
	agent    *proc
	mediator *proc
}

// runOpts adjust a run: where the daemons keep their data, and extra
// config lines.
type runOpts struct {
	dataDir       string // default: the run's temp dir
	agentExtra    string
	mediatorExtra string
	// agentSources are source blocks added after the file source.
	agentSources string
	// mediatorBlocks are blocks added after the mediator block (archive).
	mediatorBlocks string
}

func newRun(t *testing.T, bin string, sc scenario, opts runOpts) *run {
	dir := t.TempDir()
	if opts.dataDir == "" {
		opts.dataDir = dir
	}
	r := &run{t: t, bin: bin, sc: sc, opts: opts, dir: dir, dataDir: opts.dataDir, logDir: filepath.Join(dir, "logs")}
	if err := os.MkdirAll(r.logDir, 0o755); err != nil {
		t.Fatal(err)
	}
	grpcAddr, httpAddr := testkit.FreeAddr(t), testkit.FreeAddr(t)
	r.grpcAddr, r.httpAddr = grpcAddr, httpAddr
	rules, err := filepath.Abs("../../configs/rules")
	if err != nil {
		t.Fatal(err)
	}
	medCfg := r.writeFile("mediator.hcl", fmt.Sprintf(`
mediator {
  id          = "dp-chaos"
  listen      = %q
  http        = %q
  data_dir    = %q
  rules       = [%q]
  insecure    = true
  index_flush = "100ms"
  log_level   = "warn"
  %s
}
%s
`, grpcAddr, httpAddr, filepath.Join(opts.dataDir, "mediator"), rules, opts.mediatorExtra, opts.mediatorBlocks))
	r.mediator = &proc{name: "mediator", args: []string{"mediator", "-config", medCfg}, log: r.procLog("mediator")}
	r.agent = r.agentProc("agent", filepath.Join(opts.dataDir, "agent"), r.logDir, "")
	t.Cleanup(func() {
		r.agent.kill9()
		r.mediator.kill9()
		if t.Failed() {
			for _, n := range []string{"mediator", "agent"} {
				b, _ := os.ReadFile(filepath.Join(dir, n+".log"))
				t.Logf("%s log (tail):\n%s", n, tail(string(b), 3000))
			}
		}
	})
	return r
}

// writeFile writes a file of the run's directory and returns its path.
func (r *run) writeFile(name, content string) string {
	p := filepath.Join(r.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
	return p
}

// procLog creates the log file of the process name (name.log).
func (r *run) procLog(name string) *os.File {
	f, err := os.Create(filepath.Join(r.dir, name+".log"))
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { _ = f.Close() })
	return f
}

// agentProc makes an agent of id chaos-agent named name (its config
// name.hcl and log name.log) with its data in dataDir, tailing
// logDir/app.log*, with extra lines in its agent block. The run's agent is
// one; a test may add others.
func (r *run) agentProc(name, dataDir, logDir, extra string) *proc {
	cfg := r.writeFile(name+".hcl", fmt.Sprintf(`
agent {
  id                 = "chaos-agent"
  data_dir           = %q
  mediators          = [%q]
  insecure           = true
  reconnect_jitter   = "200ms"
  handshake_timeout  = "3s"
  log_level          = "warn"
  %s
  %s
}
source "file" "app" {
  paths           = [%q]
  log_source_type = "linux-auth"
  poll_interval   = "50ms"
}
%s
`, dataDir, r.grpcAddr, r.opts.agentExtra, extra, filepath.Join(logDir, "app.log*"), r.opts.agentSources))
	return &proc{name: name, args: []string{"agent", "-config", cfg}, log: r.procLog(name)}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// line is the i-th line of the run: unique, and parsed by the starter rules.
func line(i int) string {
	return fmt.Sprintf("Nov 20 10:%02d:%02d chaos-%d sshd[%d]: Failed password for user%d from 198.51.100.%d port %d ssh2",
		(i/60)%60, i%60, i%5, 2000+i%3000, i, i%200+1, 1024+i%60000)
}

// writer appends lines and rotates app.log now and then.
type writer struct {
	dir     string
	rotate  string
	f       *os.File
	size    int64
	rotated int
}

func (w *writer) open() error {
	f, err := os.OpenFile(filepath.Join(w.dir, "app.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	w.f = f
	st, err := f.Stat()
	if err != nil {
		return err
	}
	w.size = st.Size()
	return nil
}

func (w *writer) write(from, to int) error {
	var b strings.Builder
	for i := from; i < to; i++ {
		b.WriteString(line(i))
		b.WriteByte('\n')
	}
	n, err := w.f.WriteString(b.String())
	w.size += int64(n)
	return err
}

// rotateNow rotates app.log. Rotated files are kept (never deleted), so
// any loss would be the pipeline's, not the test's.
func (w *writer) rotateNow() error {
	w.rotated++
	cur := filepath.Join(w.dir, "app.log")
	next := filepath.Join(w.dir, fmt.Sprintf("app.log.%d", w.rotated))
	switch w.rotate {
	case "rename":
		if err := w.f.Close(); err != nil {
			return err
		}
		if err := os.Rename(cur, next); err != nil {
			return err
		}
		return w.open()
	case "copytruncate":
		// The writer is the only one writing, so nothing lands between the
		// copy and the truncation (logrotate's own race is not ours).
		src, err := os.Open(cur)
		if err != nil {
			return err
		}
		dst, err := os.Create(next)
		if err != nil {
			_ = src.Close()
			return err
		}
		_, err = io.Copy(dst, src)
		_ = src.Close()
		if cerr := dst.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		if err := w.f.Truncate(0); err != nil {
			return err
		}
		w.size = 0
		return nil
	}
	return nil
}

func (r *run) run(total, kills int) {
	// Pace the writer so lines keep flowing through all the kills (about
	// 0.75 s apart on average).
	r.runWith(total, kills, func() { r.killLoop(kills) })
}

// runWith writes total lines while disrupt runs (paced for rounds
// disruptions), waits for them in the index and checks each is there
// exactly once.
func (r *run) runWith(total, rounds int, disrupt func()) {
	t := r.t
	start := time.Now()
	r.mediator.start(t, r.bin)
	r.agent.start(t, r.bin)

	w := &writer{dir: r.logDir, rotate: r.sc.rotate}
	if err := w.open(); err != nil {
		t.Fatal(err)
	}
	var written atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	writeDone := make(chan error, 1)
	const chunk = 500
	pause := time.Duration(rounds) * 750 * time.Millisecond / time.Duration(total/chunk+1)
	go func() {
		for i := 0; i < total; i += chunk {
			if err := w.write(i, min(i+chunk, total)); err != nil {
				writeDone <- err
				return
			}
			written.Store(int64(min(i+chunk, total)))
			if w.size > 2<<20 {
				if err := w.rotateNow(); err != nil {
					writeDone <- err
					return
				}
			}
			select {
			case <-ctx.Done():
				writeDone <- ctx.Err()
				return
			case <-time.After(pause/2 + time.Duration(rand.Int64N(int64(pause)+1))):
			}
		}
		writeDone <- w.f.Close()
	}()

	disrupt()
	if err := <-writeDone; err != nil {
		t.Fatalf("writer: %v", err)
	}

	// Let everything arrive, then stop both and read the index files.
	n := r.waitIndexed(int64(total), 3*time.Minute)
	r.agent.stop()
	r.mediator.stop()
	ids, lost, dups, invented := r.verify(total)
	t.Logf("scenario=%s lines_written=%d lines_indexed=%d lost=%d duplicated=%d invented=%d agent_kills=%d mediator_kills=%d wall=%s",
		r.sc.name, total, ids, lost, dups, invented, r.agent.kills, r.mediator.kills, time.Since(start).Round(time.Millisecond))
	fmt.Printf("chaos: scenario=%s lines_written=%d lines_indexed=%d lost=%d duplicated=%d invented=%d agent_kills=%d mediator_kills=%d wall=%s\n",
		r.sc.name, total, ids, lost, dups, invented, r.agent.kills, r.mediator.kills, time.Since(start).Round(time.Millisecond))
	if n != int64(total) || lost != 0 || dups != 0 || invented != 0 {
		t.Fatalf("index count %d, lost %d, duplicated %d, invented %d of %d lines", n, lost, dups, invented, total)
	}
}

// killLoop kill -9's the agent and the mediator at random moments, alone
// or both in either order, and restarts them, until each was killed kills
// times.
func (r *run) killLoop(kills int) {
	t := r.t
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	for r.agent.kills < kills || r.mediator.kills < kills {
		time.Sleep(time.Duration(300+rng.IntN(900)) * time.Millisecond)
		victims := []*proc{r.agent, r.mediator}
		if rng.IntN(4) == 0 {
			victims = victims[rng.IntN(2):][:1]
		} else if rng.IntN(2) == 0 {
			victims = []*proc{r.mediator, r.agent}
		}
		for _, p := range victims {
			if p.kills >= kills && rng.IntN(3) != 0 {
				continue
			}
			p.kill9()
		}
		time.Sleep(time.Duration(rng.IntN(400)) * time.Millisecond)
		for _, p := range victims {
			p.mu.Lock()
			dead := p.cmd == nil
			p.mu.Unlock()
			if dead {
				p.start(t, r.bin)
			}
		}
	}
}

// waitIndexed polls the mediator's count until it reaches want and stays.
func (r *run) waitIndexed(want int64, timeout time.Duration) int64 {
	deadline := time.Now().Add(timeout)
	var n int64
	stable := 0
	for time.Now().Before(deadline) {
		c, err := r.count()
		if err == nil {
			if c == n && c >= want {
				stable++
				if stable >= 3 {
					return c
				}
			} else {
				stable = 0
			}
			n = c
		}
		time.Sleep(200 * time.Millisecond)
	}
	return n
}

func (r *run) count() (int64, error) {
	resp, err := http.Get("http://" + r.httpAddr + "/v1/count?q=*")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var c struct {
		Count int64 `json:"count"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&c); err != nil {
		return 0, err
	}
	return c.Count, nil
}

// verify reads every event's id and message from the SQLite files and
// checks them against line(0) … line(total-1).
func (r *run) verify(total int) (indexed, lost, dups, invented int) {
	lines := make([]string, total)
	for i := range lines {
		lines[i] = line(i)
	}
	return r.verifyLines(lines)
}

// verifyLines checks the index against lines: indexed is the number of
// events, lost the lines not indexed, dups the events whose id or message
// was seen before, invented the events that are none of lines.
func (r *run) verifyLines(lines []string) (indexed, lost, dups, invented int) {
	t := r.t
	want := make(map[string]int, len(lines))
	for _, l := range lines {
		want[l] = 0
	}
	ids := map[string]bool{}
	r.scanIndex(func(id, msg string) {
		indexed++
		if ids[id] {
			dups++
		}
		ids[id] = true
		c, ok := want[msg]
		if !ok {
			invented++
			return
		}
		if c > 0 {
			dups++
		}
		want[msg] = c + 1
	})
	var missing []int
	for i, l := range lines {
		if want[l] == 0 {
			lost++
			if len(missing) < 10 {
				missing = append(missing, i)
			}
		}
	}
	if lost > 0 {
		sort.Ints(missing)
		t.Logf("first missing lines: %v", missing)
	}
	return indexed, lost, dups, invented
}

// scanIndex calls fn with every indexed event's id and message, read from
// the embedded index's SQLite files.
func (r *run) scanIndex(fn func(id, msg string)) {
	t := r.t
	files, err := filepath.Glob(filepath.Join(r.dataDir, "mediator", "index", "*", "[0-9]*[0-9].db"))
	if err != nil || len(files) == 0 {
		out, _ := exec.Command("find", r.dataDir, "-maxdepth", "4").CombinedOutput()
		t.Fatalf("no index files (%v) in:\n%s", err, out)
	}
	for _, f := range files {
		db, err := sql.Open("sqlite3", "file:"+f+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		rows, err := db.Query(`SELECT e.id, json_extract(d.doc, '$.message') FROM events e JOIN docs d ON d.rowid = e.rowid`)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for rows.Next() {
			var id, msg string
			if err := rows.Scan(&id, &msg); err != nil {
				t.Fatal(err)
			}
			fn(id, msg)
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		_ = rows.Close()
		_ = db.Close()
	}
}

// alive reports an error if the process has exited.
func (p *proc) alive() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return fmt.Errorf("not running")
	}
	// Signal 0 checks existence; an exited child that was not reaped yet
	// is a zombie and still "exists", so look at its state too.
	if err := p.cmd.Process.Signal(syscall.Signal(0)); err != nil {
		return err
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err == nil && strings.Contains(string(b), ") Z ") {
		return fmt.Errorf("exited (zombie)")
	}
	return nil
}
