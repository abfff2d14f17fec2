// Command soak runs Sluice's end-to-end path over and over until it stalls
// (`make soak`, issue 25). The end-to-end bench stage stalled twice in
// dozens of runs, once under other load, and said nothing about why; a
// stall that rare is only caught by running the path many times with a
// watchdog that keeps the evidence.
//
// A run is one in-process end-to-end stage (`bin/bench -run-stage
// end-to-end`: agent, mediator, MPE and embedded index in one process,
// 1,000,000 lines by default) and, at the same time and back to back for
// as long as that stage runs, real-process runs (`bin/sluice mediator` and
// `bin/sluice agent` as separate processes, the agent tailing a generated
// file of 200,000 lines, the mediator's GET /v1/status polled until it
// indexed them all). Both at once rather than alternating: the stall came
// while other work ran beside the stage, so each path is the other's load,
// every run exercises both, and -runs counts end-to-end stages, which is
// what the acceptance counts. -mode inproc, procs or alternate runs them
// otherwise.
//
// The watchdog: a count of indexed events that does not move for -stall
// (60 s) is a stall. The in-process stage watches itself (bench/stages.go,
// waitProgress): it writes its mediator's status and every goroutine's
// stack (runtime/pprof, debug=2) to the file named by SLUICE_STALL_DUMP and
// exits with status 3; the driver also sends it SIGQUIT should its progress
// lines stop for longer than that. The daemons get SIGQUIT, which makes Go
// print every goroutine to their stderr, kept in the run's directory with
// their status at the time. A stalled run is recorded and killed, and the
// next one starts.
//
// Every run has its directory under one soak directory; it is deleted
// after a run that did not stall, kept after one that did. At the end the
// dump files are listed and the last line is
//
//	soak runs=N stalls=S slowest_s=T
//
// (T: the slowest run's seconds from start to all lines indexed, either
// kind), with a non-zero exit status when S > 0 or a run failed.
//
//	go run -tags sqlite_fts5 ./bench/soak -runs 30
//	go run -tags sqlite_fts5 ./bench/soak -duration 2h -mode procs
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

var (
	flagRuns      = flag.Int("runs", 30, "runs (in-process end-to-end stages, or real-process runs with -mode procs); 0 with -duration: as many as fit")
	flagDuration  = flag.Duration("duration", 0, "start runs until this much time has passed (with -runs unset: no run limit)")
	flagMode      = flag.String("mode", "both", "both (in-process stage with real-process runs beside it), inproc, procs, or alternate")
	flagLines     = flag.Int("lines", 1000000, "lines per in-process end-to-end stage")
	flagProcLines = flag.Int("proc-lines", 200000, "lines per real-process run")
	flagStall     = flag.Duration("stall", 60*time.Second, "a run whose indexed count does not move for this long has stalled")
	flagRunTime   = flag.Duration("run-timeout", 30*time.Minute, "a run still moving after this long is killed and counted as failed")
	flagDir       = flag.String("dir", "", "soak directory for the runs (default: a new sluice-soak-* directory in $TMPDIR)")
	flagSluice    = flag.String("sluice", "bin/sluice", "the sluice binary (make build)")
	flagBench     = flag.String("bench", "bin/bench", "the bench binary")
	flagBuild     = flag.Bool("build", true, "build the bench binary (go build -tags sqlite_fts5 ./bench) first")
	flagRules     = flag.String("rules", "configs/rules", "the mediator's rule directory")
	flagLog       = flag.Bool("bench-log", true, "let the in-process stage's daemons log (BENCH_LOG) into its stderr file")
)

// exitStalled is the in-process stage's exit status after a stall (it
// has written its dump); bench/stages.go defines it.
const exitStalled = 3

// outcome is how one run ended.
type outcome struct {
	kind    string // "in-process" or "processes"
	dir     string
	seconds float64 // start to all lines indexed; 0 when it did not finish
	stalled bool
	failed  string // why a run that did not stall did not finish
	dumps   []string
	note    string
}

func (o outcome) String() string {
	switch {
	case o.stalled:
		return fmt.Sprintf("%s STALLED (%s) dumps: %s", o.kind, o.note, strings.Join(o.dumps, " "))
	case o.failed != "":
		return fmt.Sprintf("%s FAILED: %s (kept %s)", o.kind, o.failed, o.dir)
	default:
		return fmt.Sprintf("%s %.1fs%s", o.kind, o.seconds, o.note)
	}
}

// soak is the driver's state.
type soak struct {
	root                string
	sluice, bench, rule string
	ctx                 context.Context

	mu       sync.Mutex
	children map[int]*exec.Cmd
	seq      int
	results  []outcome
}

func main() {
	flag.Parse()
	runsSet := false
	flag.Visit(func(f *flag.Flag) { runsSet = runsSet || f.Name == "runs" })
	if *flagDuration > 0 && !runsSet {
		*flagRuns = 0
	}
	switch *flagMode {
	case "both", "inproc", "procs", "alternate":
	default:
		fatalf("-mode %q: want both, inproc, procs or alternate", *flagMode)
	}
	s, err := newSoak()
	if err != nil {
		fatalf("%v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	s.ctx = ctx
	go func() {
		// Interrupted: the children go too (they are in their own process
		// groups, so a terminal's ^C does not reach them).
		<-ctx.Done()
		s.killAll()
	}()
	os.Exit(s.run())
}

func newSoak() (*soak, error) {
	if *flagBuild {
		fmt.Fprintf(os.Stderr, "soak: building %s\n", *flagBench)
		if err := goBuild(*flagBench, "./bench"); err != nil {
			return nil, err
		}
		if _, err := os.Stat(*flagSluice); err != nil {
			fmt.Fprintf(os.Stderr, "soak: building %s\n", *flagSluice)
			if err := goBuild(*flagSluice, "."); err != nil {
				return nil, err
			}
		}
	}
	s := &soak{children: map[int]*exec.Cmd{}}
	var err error
	for _, p := range []struct {
		dst *string
		src string
	}{{&s.sluice, *flagSluice}, {&s.bench, *flagBench}, {&s.rule, *flagRules}} {
		if *p.dst, err = filepath.Abs(p.src); err != nil {
			return nil, fmt.Errorf("resolve %s: %w", p.src, err)
		}
		if _, err := os.Stat(*p.dst); err != nil {
			return nil, fmt.Errorf("need %s (make build): %w", p.src, err)
		}
	}
	if *flagDir != "" {
		s.root = *flagDir
		err = os.MkdirAll(s.root, 0o755)
	} else {
		s.root, err = os.MkdirTemp("", "sluice-soak-"+time.Now().Format("20060102-150405")+"-")
	}
	if err != nil {
		return nil, fmt.Errorf("soak directory: %w", err)
	}
	return s, nil
}

// goBuild builds pkg to out with the embedded index's build tag, which
// `go run` of this driver outside make would not pass on.
func goBuild(out, pkg string) error {
	cmd := exec.Command("go", "build", "-tags", "sqlite_fts5", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s: %w", pkg, err)
	}
	return nil
}

// run loops over the runs and prints the summary; it returns the exit
// status.
func (s *soak) run() int {
	start := time.Now()
	fmt.Printf("soak: directory %s, mode %s, in-process %d lines, real-process %d lines, stall after %v\n",
		s.root, *flagMode, *flagLines, *flagProcLines, *flagStall)
	runs := 0
	for i := 1; s.ctx.Err() == nil; i++ {
		if *flagRuns > 0 && i > *flagRuns || *flagDuration > 0 && time.Since(start) >= *flagDuration {
			break
		}
		if *flagRuns <= 0 && *flagDuration <= 0 {
			break
		}
		var outs []outcome
		switch mode := *flagMode; {
		case mode == "inproc" || mode == "alternate" && i%2 == 1:
			outs = []outcome{s.inProcess()}
		case mode == "procs" || mode == "alternate":
			outs = []outcome{s.processes()}
		default:
			outs = s.both()
		}
		if s.ctx.Err() != nil {
			break // interrupted: the last run says nothing
		}
		runs++
		var parts []string
		for _, o := range outs {
			parts = append(parts, o.String())
		}
		fmt.Printf("soak: run %d: %s (load %s)\n", i, strings.Join(parts, "; "), loadAvg())
	}
	return s.summary(runs)
}

// both runs an in-process stage and, beside it, real-process runs back to
// back until the stage ends.
func (s *soak) both() []outcome {
	var inproc outcome
	done := make(chan struct{})
	go func() {
		inproc = s.inProcess()
		close(done)
	}()
	var procs []outcome
	for stageRuns := true; stageRuns; {
		procs = append(procs, s.processes())
		select {
		case <-done:
			stageRuns = false
		default:
			if s.ctx.Err() != nil {
				<-done
				stageRuns = false
			}
		}
	}
	// One line for the real-process runs unless one did not finish.
	out := []outcome{inproc}
	agg := outcome{kind: "processes"}
	for _, p := range procs {
		if p.stalled || p.failed != "" {
			out = append(out, p)
			continue
		}
		agg.seconds = max(agg.seconds, p.seconds)
	}
	if n := len(procs) - (len(out) - 1); n > 0 {
		agg.note = fmt.Sprintf(" slowest of %d", n)
		out = append(out, agg)
	}
	return out
}

// record notes an outcome; a run that finished has its directory removed.
func (s *soak) record(o outcome) outcome {
	if !o.stalled && o.failed == "" {
		_ = os.RemoveAll(o.dir)
	}
	s.mu.Lock()
	s.results = append(s.results, o)
	s.mu.Unlock()
	return o
}

func (s *soak) summary(runs int) int {
	stalls, failures, slowest := 0, 0, 0.0
	var dumps []string
	for _, o := range s.results {
		if o.failed == "interrupted" {
			_ = os.RemoveAll(o.dir) // says nothing about the code
			continue
		}
		slowest = max(slowest, o.seconds)
		switch {
		case o.stalled:
			stalls++
			dumps = append(dumps, o.dumps...)
		case o.failed != "":
			failures++
		}
	}
	kinds := map[string]int{}
	for _, o := range s.results {
		if o.failed != "interrupted" {
			kinds[o.kind]++
		}
	}
	fmt.Printf("soak: %d in-process end-to-end runs, %d real-process runs, %d failed otherwise\n", kinds["in-process"], kinds["processes"], failures)
	for _, d := range dumps {
		fmt.Printf("soak: dump %s\n", d)
	}
	if stalls == 0 && failures == 0 {
		_ = os.Remove(s.root) // empty when every run finished
	} else {
		fmt.Printf("soak: stalled and failed runs are kept in %s\n", s.root)
	}
	fmt.Printf("soak runs=%d stalls=%d slowest_s=%.1f\n", runs, stalls, slowest)
	if stalls > 0 || failures > 0 {
		return 1
	}
	return 0
}

// runDir makes the next run's directory.
func (s *soak) runDir(kind string) string {
	s.mu.Lock()
	s.seq++
	n := s.seq
	s.mu.Unlock()
	dir := filepath.Join(s.root, fmt.Sprintf("run-%04d-%s", n, kind))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fatalf("%v", err)
	}
	return dir
}

// start starts cmd in its own process group, so that a signal for one
// child never reaches the others, and remembers it until wait.
func (s *soak) start(cmd *exec.Cmd) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return err
	}
	s.mu.Lock()
	s.children[cmd.Process.Pid] = cmd
	s.mu.Unlock()
	return nil
}

func (s *soak) forget(cmd *exec.Cmd) {
	s.mu.Lock()
	delete(s.children, cmd.Process.Pid)
	s.mu.Unlock()
}

func (s *soak) killAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.children {
		_ = c.Process.Kill()
	}
}

// progressLine is what waitProgress in bench/stages.go prints.
var progressLine = regexp.MustCompile(`^bench: progress (\S+) (\d+) of (\d+)`)

// inProcess runs one end-to-end stage in a bench process.
func (s *soak) inProcess() outcome {
	dir := s.runDir("inproc")
	o := outcome{kind: "in-process", dir: dir}
	dump := filepath.Join(dir, "goroutines.txt")
	stderrPath := filepath.Join(dir, "stage.stderr")
	errFile, err := os.Create(stderrPath)
	if err != nil {
		o.failed = err.Error()
		return s.record(o)
	}
	defer errFile.Close()
	var stdout strings.Builder
	cmd := exec.Command(s.bench, "-run-stage", "end-to-end", "-lines", strconv.Itoa(*flagLines), "-rules", s.rule, "-bin", s.sluice)
	// TMPDIR puts the stage's scratch directory (state, spool, index)
	// inside the run's, so a stalled run keeps it for inspection.
	cmd.Env = append(os.Environ(), "TMPDIR="+dir, "SLUICE_STALL_DUMP="+dump, "SLUICE_STALL_AFTER="+flagStall.String(), "GOTRACEBACK=all")
	if *flagLog {
		cmd.Env = append(cmd.Env, "BENCH_LOG=1")
	}
	cmd.Stdout = &stdout
	pipe, err := cmd.StderrPipe()
	if err != nil {
		o.failed = err.Error()
		return s.record(o)
	}
	if err := s.start(cmd); err != nil {
		o.failed = fmt.Sprintf("start %s: %v", s.bench, err)
		return s.record(o)
	}
	defer s.forget(cmd)

	// The stage's progress lines move the driver's own watchdog: the
	// stage dumps itself after -stall; should that not happen, the driver
	// sends SIGQUIT a minute later (Go then prints every goroutine to the
	// stage's stderr).
	var mu sync.Mutex
	moved, last := time.Now(), ""
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		sc := bufio.NewScanner(pipe)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			_, _ = io.WriteString(errFile, line+"\n")
			if m := progressLine.FindStringSubmatch(line); m != nil {
				mu.Lock()
				if v := m[1] + " " + m[2]; v != last {
					last, moved = v, time.Now()
				}
				mu.Unlock()
			}
		}
		_, _ = io.Copy(errFile, pipe) // a line longer than the buffer
	}()
	waited := make(chan error, 1)
	go func() {
		<-copied // Wait closes the pipe; read it all first
		waited <- cmd.Wait()
	}()
	start := time.Now()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	quit := false
	for {
		select {
		case err := <-waited:
			return s.record(s.stageEnded(o, err, stdout.String(), dump, stderrPath, quit))
		case <-tick.C:
			mu.Lock()
			idle := time.Since(moved)
			mu.Unlock()
			switch {
			case quit:
			case idle > *flagStall+time.Minute:
				fmt.Fprintf(os.Stderr, "soak: %s: no progress for %v and no dump from the stage: SIGQUIT\n", dir, idle.Round(time.Second))
				quit = true
				quitThenKill(cmd)
			case time.Since(start) > *flagRunTime:
				o.failed = fmt.Sprintf("still running after %v", *flagRunTime)
				quit = true
				quitThenKill(cmd)
			}
		}
	}
}

// stageEnded makes the outcome of a stage process that exited.
func (s *soak) stageEnded(o outcome, err error, stdout, dump, stderrPath string, quit bool) outcome {
	var ee *exec.ExitError
	switch {
	case err == nil:
		var res struct {
			Seconds      float64 `json:"seconds"`
			EventsPerSec float64 `json:"events_per_s"`
			LatencyP99ms float64 `json:"latency_p99_ms"`
		}
		if jerr := json.Unmarshal([]byte(stdout), &res); jerr != nil {
			o.failed = fmt.Sprintf("stage output: %v: %q", jerr, stdout)
			return o
		}
		o.seconds = res.Seconds
		o.note = fmt.Sprintf(" (%.1fk events/s, p99 %.0f ms)", res.EventsPerSec/1000, res.LatencyP99ms)
	case errors.As(err, &ee) && ee.ExitCode() == exitStalled:
		o.stalled = true
		o.note = "the stage's watchdog"
		o.dumps = []string{dump, stderrPath}
	case quit && o.failed == "":
		o.stalled = true
		o.note = "no progress lines; SIGQUIT"
		o.dumps = []string{stderrPath}
	case s.ctx.Err() != nil:
		o.failed = "interrupted"
	case o.failed == "":
		o.failed = fmt.Sprintf("stage: %v (see %s)", err, stderrPath)
	}
	return o
}

// quitThenKill asks a Go process for its goroutines (SIGQUIT) and kills
// it if it has not exited 10 s later.
func quitThenKill(cmd *exec.Cmd) {
	_ = cmd.Process.Signal(syscall.SIGQUIT)
	p := cmd.Process
	time.AfterFunc(10*time.Second, func() { _ = p.Kill() })
}

// daemon is a bin/sluice process of a real-process run.
type daemon struct {
	cmd    *exec.Cmd
	log    string // its stdout and stderr
	exited chan struct{}
}

func (s *soak) startDaemon(dir, command, cfg string) (*daemon, error) {
	logPath := filepath.Join(dir, command+".stderr")
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer f.Close() // the child has its own descriptor
	cmd := exec.Command(s.sluice, command, "-config", cfg)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.Env = append(os.Environ(), "GOTRACEBACK=all")
	if err := s.start(cmd); err != nil {
		return nil, fmt.Errorf("start %s %s: %w", s.sluice, command, err)
	}
	d := &daemon{cmd: cmd, log: logPath, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		s.forget(cmd)
		close(d.exited)
	}()
	return d, nil
}

// stop ends the daemon: SIGTERM, then SIGKILL after 20 s.
func (d *daemon) stop() {
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.exited:
	case <-time.After(20 * time.Second):
		_ = d.cmd.Process.Kill()
		<-d.exited
	}
}

// quit makes the daemon print its goroutines and exit (SIGQUIT); it is
// killed if it has not 10 s later.
func (d *daemon) quit() {
	_ = d.cmd.Process.Signal(syscall.SIGQUIT)
	select {
	case <-d.exited:
	case <-time.After(10 * time.Second):
		_ = d.cmd.Process.Kill()
		<-d.exited
	}
}

// status is the part of the mediator's GET /v1/status the driver reads.
type status struct {
	Received   uint64 `json:"received"`
	Indexed    uint64 `json:"indexed"`
	StateDepth int64  `json:"state_depth"`
}

var httpClient = &http.Client{Timeout: 5 * time.Second}

// getStatus returns the mediator's status, and its body as it came.
func getStatus(addr string) (status, []byte, error) {
	var st status
	resp, err := httpClient.Get("http://" + addr + "/v1/status")
	if err != nil {
		return st, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return st, nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return st, body, fmt.Errorf("status: %s", resp.Status)
	}
	return st, body, json.Unmarshal(body, &st)
}

// processes runs bin/sluice mediator and agent until the agent's file is
// indexed.
func (s *soak) processes() outcome {
	dir := s.runDir("procs")
	o := outcome{kind: "processes", dir: dir}
	n := *flagProcLines
	genPath := filepath.Join(dir, "gen.log")
	if err := genFile(genPath, n); err != nil {
		o.failed = err.Error()
		return s.record(o)
	}
	grpcAddr, httpAddr, err := freeAddr()
	if err != nil {
		o.failed = err.Error()
		return s.record(o)
	}
	mcfg := filepath.Join(dir, "mediator.hcl")
	if err := os.WriteFile(mcfg, []byte(fmt.Sprintf(`
mediator {
  id       = "dp-soak"
  listen   = %q
  http     = %q
  data_dir = %q
  rules    = [%q]
  suspense_min_free = "0"
  log_level = "info"
  rate_limit {
    entries_per_second = 0
    bytes_per_second   = "0"
  }
}`, grpcAddr, httpAddr, filepath.Join(dir, "mediator"), s.rule)), 0o644); err != nil {
		o.failed = err.Error()
		return s.record(o)
	}
	med, err := s.startDaemon(dir, "mediator", mcfg)
	if err != nil {
		o.failed = err.Error()
		return s.record(o)
	}
	up := time.Now()
	for {
		if _, _, err := getStatus(httpAddr); err == nil {
			break
		}
		select {
		case <-med.exited:
			o.failed = "mediator exited at start (see " + med.log + ")"
			return s.record(o)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Since(up) > 30*time.Second {
			med.stop()
			o.failed = "mediator did not answer within 30 s (see " + med.log + ")"
			return s.record(o)
		}
	}
	acfg := filepath.Join(dir, "agent.hcl")
	if err := os.WriteFile(acfg, []byte(fmt.Sprintf(`
agent {
  id        = "soak-agent"
  data_dir  = %q
  mediators = [%q]
  log_level = "info"
}
source "file" "gen" {
  paths           = [%q]
  log_source_type = "linux-auth"
}`, filepath.Join(dir, "agent"), grpcAddr, genPath)), 0o644); err != nil {
		med.stop()
		o.failed = err.Error()
		return s.record(o)
	}
	start := time.Now()
	agent, err := s.startDaemon(dir, "agent", acfg)
	if err != nil {
		med.stop()
		o.failed = err.Error()
		return s.record(o)
	}
	stopBoth := func() {
		agent.stop()
		med.stop()
	}
	var indexed uint64
	var lastBody []byte
	moved := time.Now()
	for {
		select {
		case <-s.ctx.Done():
			stopBoth()
			o.failed = "interrupted"
			return s.record(o)
		case <-med.exited:
			agent.stop()
			o.failed = "mediator exited (see " + med.log + ")"
			return s.record(o)
		case <-agent.exited:
			med.stop()
			o.failed = "agent exited (see " + agent.log + ")"
			return s.record(o)
		case <-time.After(250 * time.Millisecond):
		}
		st, body, err := getStatus(httpAddr)
		if err == nil {
			lastBody = body
			if st.Indexed != indexed {
				indexed, moved = st.Indexed, time.Now()
			}
			// Indexed counts events, and alarm rules add some: the
			// run is over when state is empty too.
			if st.Indexed >= uint64(n) && st.Received >= uint64(n) && st.StateDepth == 0 {
				o.seconds = time.Since(start).Seconds()
				stopBoth()
				return s.record(o)
			}
		}
		if idle := time.Since(moved); idle >= *flagStall {
			// Where the entries are (received, in state, indexed) says
			// which side stopped; the stacks say on what.
			statusPath := filepath.Join(dir, "status.json")
			_ = os.WriteFile(statusPath, lastBody, 0o644)
			agent.quit()
			med.quit()
			o.stalled = true
			o.note = fmt.Sprintf("indexed %d of %d, unmoved for %v; status %s", indexed, n, idle.Round(time.Second), strings.TrimSpace(string(lastBody)))
			o.dumps = []string{med.log, agent.log, statusPath}
			return s.record(o)
		}
		if time.Since(start) > *flagRunTime {
			stopBoth()
			o.failed = fmt.Sprintf("still running after %v", *flagRunTime)
			return s.record(o)
		}
	}
}

// freeAddr returns two loopback addresses nothing listens on.
func freeAddr() (string, string, error) {
	var addrs [2]string
	for i := range addrs {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return "", "", fmt.Errorf("free port: %w", err)
		}
		defer l.Close()
		addrs[i] = l.Addr().String()
	}
	return addrs[0], addrs[1], nil
}

// benchLine is line i of the generated log, as in bench/stages.go (a
// main package this one cannot import): parsed by the starter rules.
func benchLine(i int) string {
	return fmt.Sprintf("Nov 22 10:%02d:%02d bench-host-%02d sshd[%d]: Failed password for invalid user user%07d from 198.51.100.%d port %d ssh2 [session %08x]",
		(i/60)%60, i%60, i%50, 10000+i%50000, i, i%250+1, 1024+i%60000, uint32(i)*2654435761)
}

func genFile(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for i := range n {
		_, _ = w.WriteString(benchLine(i))
		_ = w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		_ = f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

// loadAvg is the one-minute load average: the stall came under load.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "soak: "+format+"\n", args...)
	os.Exit(2)
}
