package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// proc is a child process whose CPU time and memory are read from /proc.
type proc struct {
	cmd *exec.Cmd
}

func startProc(name string, args []string, logPath string) *proc {
	log, err := os.Create(logPath)
	if err != nil {
		fatalf("%v", err)
	}
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if *flagProfile != "" {
		// The daemon writes DIR/<run>.<command>.pprof when it stops.
		cmd.Env = append(os.Environ(), "SLUICE_CPUPROFILE="+filepath.Join(*flagProfile, filepath.Base(filepath.Dir(logPath))))
	}
	if err := cmd.Start(); err != nil {
		fatalf("start %s: %v", name, err)
	}
	return &proc{cmd: cmd}
}

// cpu is the process's user + system CPU seconds so far.
func (p *proc) cpu() float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(fields) < 13 {
		return 0
	}
	ut, _ := strconv.ParseFloat(fields[11], 64)
	st, _ := strconv.ParseFloat(fields[12], 64)
	return (ut + st) / 100 // clock ticks (USER_HZ = 100 on Linux)
}

// rss is the process's resident memory now, and its peak, in MiB.
func (p *proc) rss() (now, peak float64) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(fields[1], 64)
		switch fields[0] {
		case "VmRSS:":
			now = kb / 1024
		case "VmHWM:":
			peak = kb / 1024
		}
	}
	return now, peak
}

func (p *proc) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
}

func freeAddr() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fatalf("%v", err)
	}
	defer l.Close()
	return l.Addr().String()
}

// status is a mediator's /v1/status, as far as the bench needs it.
type status struct {
	Agents          int    `json:"agents"`
	ReceivedBatches uint64 `json:"received_batches"`
	Received        uint64 `json:"received"`
	Indexed         uint64 `json:"indexed"`
	StateDepth      int64  `json:"state_depth"`
	Suspense        string `json:"suspense"`
}

func getStatus(httpAddr string) (status, error) {
	var st status
	resp, err := http.Get("http://" + httpAddr + "/v1/status")
	if err != nil {
		return st, err
	}
	defer resp.Body.Close()
	return st, json.NewDecoder(resp.Body).Decode(&st)
}

// mediatorProc starts bin/sluice mediator with extra config lines in its
// mediator block, and top-level blocks after it.
func mediatorProc(e *stageEnv, extra string, blocks ...string) (p *proc, grpcAddr, httpAddr string) {
	grpcAddr, httpAddr = freeAddr(), freeAddr()
	rules, _ := filepath.Abs(*flagRules)
	cfg := e.path("mediator.hcl")
	err := os.WriteFile(cfg, []byte(fmt.Sprintf(`
mediator {
  id       = "dp-bench"
  listen   = %q
  http     = %q
  data_dir = %q
  rules    = [%q]
  suspense_min_free = "0"
  log_level = "warn"
  rate_limit {
    entries_per_second = 0
    bytes_per_second   = "0"
  }
  %s
}
%s`, grpcAddr, httpAddr, e.path("mediator"), rules, extra, strings.Join(blocks, "\n"))), 0o644)
	if err != nil {
		fatalf("%v", err)
	}
	p = startProc(*flagBin, []string{"mediator", "-config", cfg}, e.path("mediator.out"))
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := getStatus(httpAddr); err == nil {
			return p, grpcAddr, httpAddr
		}
		if time.Now().After(deadline) {
			fatalf("mediator did not start (see %s)", e.path("mediator.out"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// agentProc starts bin/sluice agent tailing glob.
func agentProc(e *stageEnv, mediatorAddr, glob, extra string) *proc {
	return agentProcAs(e, "bench-agent", mediatorAddr, glob, extra)
}

// agentProcAs starts bin/sluice agent with agent id id tailing glob; its
// configuration, spool and output are in e.
func agentProcAs(e *stageEnv, id, mediatorAddr, glob, extra string) *proc {
	cfg := e.path("agent.hcl")
	err := os.WriteFile(cfg, []byte(fmt.Sprintf(`
agent {
  id        = %q
  data_dir  = %q
  mediators = [%q]
  log_level = "warn"
  %s
}
source "file" "gen" {
  paths           = [%q]
  log_source_type = "linux-auth"
}`, id, e.path("agent"), mediatorAddr, extra, glob)), 0o644)
	if err != nil {
		fatalf("%v", err)
	}
	return startProc(*flagBin, []string{"agent", "-config", cfg}, e.path("agent.out"))
}

func haveBinary() bool {
	_, err := os.Stat(*flagBin)
	return err == nil
}

// stageAgentFootprint is the agent at 10,000 lines/s with its default
// compression; stageAgentFootprintNone the same without, what
// compression costs the agent is the difference.
func stageAgentFootprint(e *stageEnv) Result { return agentFootprint(e, "") }

func stageAgentFootprintNone(e *stageEnv) Result {
	return agentFootprint(e, `compression = "none"`)
}

func stageAgentFootprintZstd(e *stageEnv) Result {
	return agentFootprint(e, `compression = "zstd"`)
}

func agentFootprint(e *stageEnv, extra string) Result {
	if !haveBinary() {
		return Result{Skipped: *flagBin + " not built (make build)"}
	}
	m, addr, httpAddr := mediatorProc(e, "")
	defer m.stop()
	logPath := e.path("steady.log")
	a := agentProc(e, addr, logPath, extra)
	defer a.stop()
	f, err := os.Create(logPath)
	if err != nil {
		fatalf("%v", err)
	}
	defer f.Close()
	time.Sleep(500 * time.Millisecond) // let it settle
	const rate = 10000
	d := 10 * time.Second
	if *flagQuick {
		d = 2 * time.Second
	}
	total := int(rate * d.Seconds())
	c0 := a.cpu()
	t0 := time.Now()
	for i := 0; i < total; {
		next := min(total, int(rate*time.Since(t0).Seconds())+1)
		var b strings.Builder
		for ; i < next; i++ {
			b.WriteString(benchLine(i))
			b.WriteByte('\n')
		}
		_, _ = f.WriteString(b.String())
		time.Sleep(10 * time.Millisecond)
	}
	wall := time.Since(t0).Seconds()
	cpu := a.cpu() - c0
	deadline := time.Now().Add(60 * time.Second)
	for {
		st, err := getStatus(httpAddr)
		if err == nil && st.Received >= uint64(total) {
			break
		}
		if time.Now().After(deadline) {
			fatalf("agent did not deliver %d lines", total)
		}
		time.Sleep(50 * time.Millisecond)
	}
	_, peak := a.rss()
	r := Result{
		Events:        int64(total),
		Seconds:       wall,
		EventsPerSec:  float64(total) / wall,
		MBPerSec:      float64(total*176) / 1e6 / wall,
		CPUPerMillion: cpu / (float64(total) / 1e6),
	}
	// The table's RSS column is the bench driver's; the agent's own is in
	// the note.
	r.Note = fmt.Sprintf("agent process: %.1f%% of a core, peak RSS %.0f MiB (the RSS column is the bench driver's)", 100*cpu/wall, peak)
	return r
}

func stageMediatorOverload(e *stageEnv) Result {
	if !haveBinary() {
		return Result{Skipped: *flagBin + " not built (make build)"}
	}
	n := *flagLines
	_, size := e.genFile("gen.log", n)
	// One MPE worker and a low suspense limit: agents deliver faster than
	// the mediator can index, so the backlog builds up in state, on disk.
	m, addr, httpAddr := mediatorProc(e, "workers = 1\n  suspense_backlog = 100000")
	defer m.stop()
	t0 := time.Now()
	c0 := m.cpu()
	a := agentProc(e, addr, filepath.Join(e.dir, "gen.log"), `reconnect_jitter = "200ms"`)
	defer a.stop()
	var peak float64
	suspended := false
	maxDepth := int64(0)
	deadline := time.Now().Add(15 * time.Minute)
	for {
		now, _ := m.rss()
		peak = max(peak, now)
		st, err := getStatus(httpAddr)
		if err == nil {
			suspended = suspended || st.Suspense != ""
			maxDepth = max(maxDepth, st.StateDepth)
			if st.Indexed >= uint64(n) {
				break
			}
		}
		if time.Now().After(deadline) {
			fatalf("mediator did not index %d lines in time", n)
		}
		time.Sleep(100 * time.Millisecond)
	}
	var r Result
	r.Events = int64(n)
	r.Seconds = time.Since(t0).Seconds()
	r.EventsPerSec = float64(n) / r.Seconds
	r.MBPerSec = float64(size) / 1e6 / r.Seconds
	r.CPUPerMillion = (m.cpu() - c0) / (float64(n) / 1e6)
	_, hwm := m.rss()
	r.Note = fmt.Sprintf("mediator process: peak RSS %.0f MiB (sampled %.0f), state backlog peaked at %d entries, suspense engaged: %v", hwm, peak, maxDepth, suspended)
	return r
}
