// Package tour runs the README's "A five-minute tour" as a new user would:
// its configuration blocks and commands are read from README.md, so the
// test breaks when the README drifts, and each command runs, in order, with
// the real binary. Only what a user has to adapt is adapted: paths under
// /etc and /var become a temporary directory, the example hosts become
// 127.0.0.1 and the ports free ones.
package tour

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sluicehq/sluice/internal/testkit"
)

// block is a fenced code block of the tour.
type block struct {
	lang, text string
}

// tourBlocks are the code blocks of the README's tour section.
func tourBlocks(t *testing.T) []block {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, "\n## A five-minute tour")
	if i < 0 {
		t.Fatal(`README.md has no "## A five-minute tour" section`)
	}
	s = s[i+1:]
	if j := strings.Index(s[3:], "\n## "); j >= 0 {
		s = s[:j+3]
	}
	var out []block
	var cur *block
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case cur == nil && strings.HasPrefix(line, "```"):
			cur = &block{lang: strings.TrimPrefix(line, "```")}
		case cur != nil && line == "```":
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.text += line + "\n"
		}
	}
	return out
}

// stripComment drops a shell comment ("  # …") after a command.
var shComment = regexp.MustCompile(`\s+#.*$`)

func TestREADMETour(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	// bin/sluice, as the README calls it, in the directory commands run in.
	if err := os.MkdirAll(filepath.Join(dir, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	build := exec.Command("go", "build", "-tags=sqlite_fts5", "-o", filepath.Join(dir, "bin", "sluice"), ".")
	build.Dir = "../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	repo, _ := filepath.Abs("../..")

	// What a user adapts: paths they can write, this machine, free ports.
	ports := map[string]string{}
	for _, p := range []string{"7400", "7480", "7500", "7580"} {
		ports[p] = strconv.Itoa(testkit.FreePort(t))
	}
	pairs := []string{
		"/etc/sluice/pki", filepath.Join(dir, "pki"),
		"/var/lib/sluice", filepath.Join(dir, "data"),
		"/var/log/auth.log", filepath.Join(dir, "log", "auth.log"),
		"configs/rules", filepath.Join(repo, "configs", "rules"),
		"dp-02.example.net:7400", "127.0.0.1:" + strconv.Itoa(testkit.FreePort(t)), // a secondary that is down
		"dp-01.example.net", "127.0.0.1",
		"10.0.0.5", "127.0.0.1",
	}
	for from, to := range ports {
		pairs = append(pairs, "127.0.0.1:"+from, "127.0.0.1:"+to)
	}
	adapt := func(s string) string {
		// Hosts first, then their ports.
		s = strings.NewReplacer(pairs[:len(pairs)-2*len(ports)]...).Replace(s)
		return strings.NewReplacer(pairs[len(pairs)-2*len(ports):]...).Replace(s)
	}
	// Log lines of now, so `-since 1h` finds them.
	if err := os.MkdirAll(filepath.Join(dir, "log"), 0o755); err != nil {
		t.Fatal(err)
	}
	now := time.Now().Format(time.Stamp)
	write(t, filepath.Join(dir, "log", "auth.log"),
		now+" web1 sshd[123]: Accepted password for bob from 10.0.0.5 port 51234 ssh2\n"+
			now+" web1 sshd[124]: Failed password for root from 10.0.0.9 port 1500 ssh2\n")

	var daemons []*daemon
	t.Cleanup(func() {
		for _, d := range daemons {
			_ = d.cmd.Process.Kill()
			<-d.exited
		}
	})
	logs := map[string]*logBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			for name, buf := range logs {
				t.Logf("%s log:\n%s", name, buf)
			}
		}
	})
	sh := func(cmdline string) (string, error) {
		c := exec.Command("sh", "-c", cmdline)
		c.Dir = dir
		out, err := c.CombinedOutput()
		return string(out), err
	}

	commands := 0
	for _, b := range tourBlocks(t) {
		switch {
		case b.lang == "hcl" && strings.HasPrefix(b.text, "agent {"):
			write(t, filepath.Join(dir, "agent.hcl"), adapt(b.text))
		case b.lang == "hcl" && strings.HasPrefix(b.text, "arm {"):
			write(t, filepath.Join(dir, "arm.hcl"), adapt(b.text))
		case b.lang == "hcl" && strings.HasPrefix(b.text, "mediator {"):
			write(t, filepath.Join(dir, "mediator.hcl"), adapt(b.text))
		case b.lang == "hcl" && strings.HasPrefix(b.text, "rule "):
			// The example rule passes its own test, beside the tag
			// library and the log source types it names.
			tags, err := os.ReadFile(filepath.Join(repo, "configs", "rules", "tags.hcl"))
			if err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(dir, "rule", "tags.hcl"), string(tags))
			write(t, filepath.Join(dir, "rule", "rule.hcl"), "log_source_type \"linux-auth\" {\n  header = \"syslog\"\n}\n"+
				"log_source_type \"syslog\" {\n  header = \"syslog\"\n}\n"+b.text)
			if out, err := sh("bin/sluice rules test rule"); err != nil || !strings.Contains(out, "1 passed, 0 failed") {
				t.Fatalf("the tour's rule: %v\n%s", err, out)
			}
		case b.lang == "sh":
			for _, line := range strings.Split(b.text, "\n") {
				line = strings.TrimSpace(shComment.ReplaceAllString(line, ""))
				if line == "" {
					continue
				}
				commands++
				cmdline := adapt(line)
				f := strings.Fields(line)
				if len(f) < 2 || f[0] != "bin/sluice" {
					t.Fatalf("tour command %q: not a bin/sluice command", line)
				}
				switch f[1] {
				case "agent", "mediator", "arm":
					buf := &logBuffer{}
					logs[f[1]] = buf
					c := exec.Command("sh", "-c", "exec "+cmdline)
					c.Dir, c.Stdout, c.Stderr = dir, buf, buf
					if err := c.Start(); err != nil {
						t.Fatal(err)
					}
					d := &daemon{cmd: c, exited: make(chan error, 1)}
					go func() { d.exited <- c.Wait() }()
					daemons = append(daemons, d)
					t.Logf("started: %s", cmdline)
					// One that exits at start (a bad config) fails the
					// test with its output.
					select {
					case err := <-d.exited:
						d.exited <- err
						t.Fatalf("%s exited at start (%v):\n%s", f[1], err, buf)
					case <-time.After(time.Second):
					}
				default:
					out := eventually(t, line, func() (string, bool) {
						out, err := sh(cmdline)
						return out, err == nil && visible(t, line, out)
					})
					t.Logf("%s\n%s", line, out)
				}
			}
		}
	}
	if commands < 10 {
		t.Fatalf("only %d commands found in the README's tour", commands)
	}
	// The one refusal the tour expects is the wait for `agents accept`.
	for name, buf := range logs {
		for _, l := range strings.Split(buf.String(), "\n") {
			if strings.Contains(l, "[ERROR]") || strings.Contains(l, "agent refused") && !strings.Contains(l, "state=pending") {
				t.Errorf("%s log: %s", name, l)
			}
		}
	}
}

// daemon is a process the tour leaves running.
type daemon struct {
	cmd    *exec.Cmd
	exited chan error
}

// logBuffer is a daemon's output, written by exec's copying goroutine
// while the test reads it.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// eventually runs f until it reports the visible outcome, for up to 30 s
// (the agent connects, the index and ARM catch up).
func eventually(t *testing.T, what string, f func() (string, bool)) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, ok := f()
		if ok {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: the outcome the tour promises did not show:\n%s", what, out)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// visible reports whether a command's output shows what the tour says it
// does. Every command of the tour needs a case: a new one fails the test
// until it says what its outcome is.
func visible(t *testing.T, line, out string) bool {
	f := strings.Fields(line)
	switch {
	case f[1] == "tls":
		return strings.Contains(out, "wrote ")
	case f[1] == "agents" && f[2] == "list":
		return strings.Contains(out, "web-01") && strings.Contains(out, "acme")
	case f[1] == "agents" && f[2] == "accept":
		return true
	case f[1] == "rules" && f[2] == "test":
		return strings.Contains(out, " passed, 0 failed")
	case f[1] == "rules" && f[2] == "parse":
		return strings.Contains(out, `"name":"bob"`)
	case f[1] == "heartbeats" && strings.Contains(line, "-json"):
		return json.Valid([]byte(strings.TrimSpace(out))) || strings.TrimSpace(out) == ""
	case f[1] == "heartbeats":
		return strings.Contains(out, "web-01") && strings.Contains(out, "dp-01")
	case f[1] == "search" && strings.Contains(line, "-count"):
		n, err := strconv.Atoi(strings.TrimSpace(out))
		return err == nil && n > 0
	case f[1] == "search":
		// Events, as JSON lines, of the agent's organization: the
		// certificate's.
		lines := strings.Split(strings.TrimSpace(out), "\n")
		for _, l := range lines {
			if !json.Valid([]byte(l)) || !strings.Contains(l, `"organization":{"id":"acme"}`) {
				return false
			}
		}
		return lines[0] != ""
	}
	t.Fatalf("tour command %q: the test does not know what it should show; add a case to visible", line)
	return false
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}
