package main

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"text/tabwriter"
	"time"
)

// peerRun is one timed run of one system.
type peerRun struct {
	system  string
	seconds float64
	cpu     float64 // CPU seconds of the system's processes
	senders float64 // CPU seconds of the sending side only
}

// peerSystem is one system -peers compares.
type peerSystem struct {
	name string
	run  func(round int) peerRun
}

// runPeers runs rsyslog and Sluice on the same generated file, interleaved
// A/B/A/B, and prints medians and the ratio line.
//
// The index comparison (system "index", see runIndexPeers) runs after
// them and prints the last line.
func runPeers() int {
	var want []string
	if *flagSystems != "" {
		want = strings.Split(*flagSystems, ",")
	}
	forwarding := len(want) == 0 || slices.ContainsFunc(want, func(s string) bool { return s != "index" })
	if forwarding {
		if rc := runForwardingPeers(want); rc != 0 {
			return rc
		}
	}
	if len(want) == 0 || slices.Contains(want, "index") {
		return runIndexPeers(*flagLines)
	}
	return 0
}

// runForwardingPeers is the forwarding comparison: the systems named in
// want (all when empty) on the same file.
func runForwardingPeers(want []string) int {
	if _, err := exec.LookPath("rsyslogd"); err != nil {
		fmt.Fprintln(os.Stderr, "bench: rsyslogd not found (make bench-peers installs Debian's rsyslog)")
		return 1
	}
	if !haveBinary() {
		fmt.Fprintln(os.Stderr, "bench: "+*flagBin+" not built (make build)")
		return 1
	}
	e := newStageEnv()
	defer e.cleanup()
	n := *flagLines
	file, size := e.genFile("gen.log", n)
	fmt.Printf("peers: %d lines of ~%d bytes (%.0f MB), %d rounds, same file for every run\n", n, size/int64(n), float64(size)/1e6, *flagRounds)

	systems := []peerSystem{
		{"rsyslog", func(r int) peerRun { return runRsyslog(e, file, n, r, "") }},
		{"sluice", func(r int) peerRun { return runSluice(e, file, n, r) }},
		{"rsyslog-da-queue", func(r int) peerRun { return runRsyslog(e, file, n, r, "da") }},
		{"rsyslog-disk-queue", func(r int) peerRun { return runRsyslog(e, file, n, r, "disk") }},
	}
	if len(want) > 0 {
		systems = slices.DeleteFunc(systems, func(s peerSystem) bool { return !slices.Contains(want, s.name) })
	}
	runs := map[string][]peerRun{}
	for round := range *flagRounds {
		for _, s := range systems {
			r := s.run(round)
			runs[s.name] = append(runs[s.name], r)
			fmt.Printf("peers: round %d %-17s %8.0f events/s  %6.2f CPU-s/M (sender %.2f)\n", round+1, s.name, float64(n)/r.seconds, r.cpu/(float64(n)/1e6), r.senders/(float64(n)/1e6))
		}
	}
	med := func(name string, f func(peerRun) float64) float64 {
		var v []float64
		for _, r := range runs[name] {
			v = append(v, f(r))
		}
		if len(v) == 0 {
			return math.NaN() // not run (-systems)
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	eps := func(r peerRun) float64 { return float64(n) / r.seconds }
	cpm := func(r peerRun) float64 { return r.cpu / (float64(n) / 1e6) }
	spm := func(r peerRun) float64 { return r.senders / (float64(n) / 1e6) }
	fmt.Println()
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "system (median)\tevents/s\tMB/s\tCPU-s/M all\tCPU-s/M sender\t")
	for _, s := range systems {
		fmt.Fprintf(tw, "%s\t%.0f\t%.1f\t%.2f\t%.2f\t\n", s.name, med(s.name, eps), med(s.name, eps)*float64(size)/float64(n)/1e6, med(s.name, cpm), med(s.name, spm))
	}
	_ = tw.Flush()
	fmt.Println("\nrsyslog: imfile → omfwd TCP to a counting sink (not durable); rsyslog-da-queue: the same with a disk-assisted")
	fmt.Println("action queue (memory, spilling to disk only when full); rsyslog-disk-queue: every message through a disk queue.")
	fmt.Println("sluice: agent (spool, fsync per batch) → mediator (state, fsync per batch, acknowledged; workers = 0: stores only).")
	fmt.Println("CPU-s/M all counts every process of the system (Sluice: agent + mediator; rsyslog: rsyslogd, its sink excluded); sender: rsyslogd vs the agent.")
	fmt.Printf("ratio sluice/rsyslog-da-queue events_per_s=%.2f\n", med("sluice", eps)/med("rsyslog-da-queue", eps))
	fmt.Printf("ratio sluice/rsyslog-disk-queue events_per_s=%.2f\n", med("sluice", eps)/med("rsyslog-disk-queue", eps))
	fmt.Printf("ratio sluice/rsyslog sender_cpu_per_million=%.2f\n", med("sluice", spm)/med("rsyslog", spm))
	fmt.Printf("ratio sluice/rsyslog events_per_s=%.2f cpu_per_million=%.2f\n", med("sluice", eps)/med("rsyslog", eps), med("sluice", cpm)/med("rsyslog", cpm))
	return 0
}

// sink counts newline-terminated messages received over TCP.
type sink struct {
	l     net.Listener
	lines atomic.Int64
}

func newSink() *sink {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fatalf("%v", err)
	}
	s := &sink{l: l}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 256<<10)
				for {
					n, err := c.Read(buf)
					s.lines.Add(int64(bytes.Count(buf[:n], []byte{'\n'})))
					if err != nil {
						if err != io.EOF {
							return
						}
						return
					}
				}
			}()
		}
	}()
	return s
}

func (s *sink) port() int { return s.l.Addr().(*net.TCPAddr).Port }

// runRsyslog forwards file with rsyslog; queue is "" (direct), "da" (a
// disk-assisted action queue: in memory, spilling to disk when full) or
// "disk" (a disk queue: every message goes through the disk).
func runRsyslog(e *stageEnv, file string, n, round int, queue string) peerRun {
	dir := e.path(fmt.Sprintf("rsyslog-%d-%s", round, queue))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fatalf("%v", err)
	}
	s := newSink()
	defer s.l.Close()
	name, qconf := "rsyslog", ""
	switch queue {
	case "da":
		name = "rsyslog-da-queue"
		qconf = fmt.Sprintf(` queue.type="LinkedList" queue.filename="fwdq" queue.spoolDirectory=%q queue.saveOnShutdown="on"`, dir)
	case "disk":
		name = "rsyslog-disk-queue"
		qconf = fmt.Sprintf(` queue.type="Disk" queue.filename="fwdq" queue.spoolDirectory=%q queue.maxFileSize="64m"`, dir)
	}
	conf := filepath.Join(dir, "rsyslog.conf")
	err := os.WriteFile(conf, []byte(fmt.Sprintf(`
global(workDirectory=%q)
module(load="imfile")
input(type="imfile" File=%q Tag="bench:" ruleset="fwd" freshStartTail="off")
ruleset(name="fwd") {
  action(type="omfwd" target="127.0.0.1" port="%d" protocol="tcp" template="RSYSLOG_ForwardFormat"%s)
}
`, dir, file, s.port(), qconf)), 0o644)
	if err != nil {
		fatalf("%v", err)
	}
	t0 := time.Now()
	p := startProc("rsyslogd", []string{"-n", "-f", conf, "-i", filepath.Join(dir, "rsyslogd.pid")}, filepath.Join(dir, "rsyslogd.out"))
	deadline := time.Now().Add(10 * time.Minute)
	for s.lines.Load() < int64(n) {
		if time.Now().After(deadline) {
			fatalf("rsyslog forwarded %d of %d lines (see %s)", s.lines.Load(), n, dir)
		}
		time.Sleep(2 * time.Millisecond)
	}
	secs := time.Since(t0).Seconds()
	cpu := p.cpu()
	p.stop()
	return peerRun{system: name, seconds: secs, cpu: cpu, senders: cpu}
}

func runSluice(e *stageEnv, file string, n, round int) peerRun {
	sub := &stageEnv{dir: e.path(fmt.Sprintf("sluice-%d", round))}
	if err := os.MkdirAll(sub.dir, 0o755); err != nil {
		fatalf("%v", err)
	}
	m, addr, httpAddr := mediatorProc(sub, "workers = 0")
	defer m.stop()
	mc0 := m.cpu()
	t0 := time.Now()
	a := agentProc(sub, addr, file, "")
	deadline := time.Now().Add(10 * time.Minute)
	for {
		st, err := getStatus(httpAddr)
		if err == nil && st.Received >= uint64(n) {
			break
		}
		if time.Now().After(deadline) {
			fatalf("sluice delivered %d of %d lines (see %s)", st.Received, n, sub.dir)
		}
		time.Sleep(2 * time.Millisecond)
	}
	secs := time.Since(t0).Seconds()
	acpu := a.cpu()
	mcpu := m.cpu() - mc0
	a.stop()
	return peerRun{system: "sluice", seconds: secs, cpu: acpu + mcpu, senders: acpu}
}
