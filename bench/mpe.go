package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/sluicehq/sluice/mpe"
	"github.com/sluicehq/sluice/pkg/event"
)

// corpusSources are the corpus files the MPE stages parse, with their log
// source types (the same as mpe's own benchmarks).
var corpusSources = []struct{ glob, typ string }{
	{"elastic/system/auth/*.log", "linux-auth"},
	{"elastic/system/syslog/*.log", "syslog"},
	{"elastic/apache/access/*.log", "apache-access"},
	{"elastic/apache/error/*.log", "apache-error"},
	{"elastic/nginx/access/*.log", "nginx-access"},
	{"elastic/cisco_asa/log/*.log", "cisco-asa"},
	{"loghub/OpenSSH/*.log", "linux-auth"},
	{"loghub/Linux/*.log", "syslog"},
	{"loghub/HDFS/*.log", "loghub-hdfs"},
	{"loghub/Hadoop/*.log", "loghub-hadoop"},
	{"loghub/Spark/*.log", "loghub-spark"},
	{"loghub/Zookeeper/*.log", "loghub-zookeeper"},
	{"loghub/BGL/*.log", "loghub-bgl"},
	{"loghub/HealthApp/*.log", "loghub-healthapp"},
	{"loghub/Android/*.log", "loghub-android"},
	{"loghub/Windows/*.log", "loghub-windows"},
	{"loghub/Apache/*.log", "loghub-apache"},
}

func corpusEntries() ([]mpe.Entry, int64) {
	var out []mpe.Entry
	var size int64
	collected := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, s := range corpusSources {
		files, _ := filepath.Glob(filepath.Join(*flagCorpus, s.glob))
		for _, f := range files {
			fh, err := os.Open(f)
			if err != nil {
				continue
			}
			sc := bufio.NewScanner(fh)
			sc.Buffer(make([]byte, 1<<20), 1<<20)
			for sc.Scan() {
				l := append([]byte(nil), sc.Bytes()...)
				size += int64(len(l))
				out = append(out, mpe.Entry{Raw: l, LogSourceType: s.typ, LogSource: "bench", Agent: "bench", Mediator: "m1", Collected: collected, Seq: uint64(len(out) + 1)})
			}
			_ = fh.Close()
		}
	}
	return out, size
}

func generatedRules(n int) string {
	types := map[string]bool{}
	var quoted []string
	for _, s := range corpusSources {
		if !types[s.typ] {
			types[s.typ] = true
			quoted = append(quoted, fmt.Sprintf("%q", s.typ))
		}
	}
	words := []string{"daemon", "session", "failure", "request", "access", "policy", "backup", "tunnel"}
	var b strings.Builder
	for i := range n {
		w := words[i%len(words)]
		var pattern string
		switch i % 3 {
		case 0:
			pattern = fmt.Sprintf("gen%03d %s (?:opened|closed) for <login> from <sip>(?: port <sport>)?", i, w)
		case 1:
			pattern = fmt.Sprintf("<process>\\[<pid>\\]: %s gen%03d for user <login>", w, i)
		default:
			pattern = fmt.Sprintf("(?:error|warning|notice): %s gen%03d from <sip> port <sport>", w, i)
		}
		fmt.Fprintf(&b, "rule \"generated-%03d\" {\n  log_source_types = [%s]\n  sort_order = %d\n  pattern = `%s`\n  classification = \"Information\"\n}\n", i, strings.Join(quoted, ", "), 50+i%200, pattern)
	}
	return b.String()
}

func stageMPEStarter(e *stageEnv) Result { return mpeStage(e, 0) }
func stageMPE500(e *stageEnv) Result     { return mpeStage(e, 500) }

// mpeStage parses the corpus on one goroutine for a few seconds: lines per
// CPU-second is lines per core.
func mpeStage(e *stageEnv, extra int) Result {
	paths := []string{*flagRules}
	if extra > 0 {
		f := e.path("generated.hcl")
		if err := os.WriteFile(f, []byte(generatedRules(extra)), 0o644); err != nil {
			fatalf("%v", err)
		}
		paths = append(paths, f)
	}
	rs, err := mpe.Load(paths)
	if err != nil {
		fatalf("load rules: %v", err)
	}
	// As the mediator runs it (cmd_daemons.go: tuneGC).
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	entries, size := corpusEntries()
	if len(entries) == 0 {
		return Result{Skipped: "corpus not found at " + *flagCorpus}
	}
	d := 3 * time.Second
	if *flagQuick {
		d = 300 * time.Millisecond
	}
	var out []*event.Event
	// Warm up (compiled regexps' caches, the first allocations).
	for i := range entries {
		out = rs.Process(&entries[i], out[:0])
	}
	t0, c0 := time.Now(), cpuSeconds()
	n, bytes := int64(0), int64(0)
	for time.Since(t0) < d {
		for i := range entries {
			out = rs.Process(&entries[i], out[:0])
		}
		n += int64(len(entries))
		bytes += size
	}
	var r Result
	measure(&r, n, bytes, t0, c0)
	// One goroutine: events per CPU-second is events per core.
	r.EventsPerSec = float64(n) / (cpuSeconds() - c0)
	r.Note = fmt.Sprintf("%d rules, %d corpus lines of %d log source types; events/s is per core (per CPU-second)", rs.Len(), len(entries), len(corpusSources))
	return r
}
