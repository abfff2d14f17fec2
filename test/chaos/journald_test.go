package chaos

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// journalRemote writes export-format input into a real journal file
// (Debian's systemd-journal-remote; make test-deps installs it).
const journalRemote = "/lib/systemd/systemd-journal-remote"

// journalMessage is the MESSAGE of the i-th journal entry: unique, with
// no syslog header (host, program and pid are journal fields), and
// matched by the starter linux-auth rules.
func journalMessage(i int) string {
	return fmt.Sprintf("Failed password for user%d from 198.51.100.%d port %d ssh2", i, i%200+1, 1024+i%60000)
}

// TestChaosJournald runs the agent with a `source "journald"` on a journal
// directory that systemd-journal-remote keeps writing to (a new file
// every 2,000 entries: rotation), while kill -9'ing the agent and the
// mediator. The journal cursor is committed with the entries, so the
// index must hold every entry exactly once, with the journal's fields
// mapped to ECS and the linux-auth rules run on MESSAGE.
func TestChaosJournald(t *testing.T) {
	bin := sluiceBin(t)
	if _, err := os.Stat(journalRemote); err != nil {
		t.Skipf("%s not installed (make test-deps)", journalRemote)
	}
	if _, err := exec.LookPath("journalctl"); err != nil {
		t.Skip("journalctl not installed")
	}
	journal := t.TempDir()
	r := newRun(t, bin, scenario{name: "journald"}, runOpts{agentSources: fmt.Sprintf(`
source "journald" "journal" {
  log_source_type = "linux-auth"
  directory       = %q
  units           = ["ssh.service"]
}
`, journal)})
	total, kills := min(*flagLines, 10000), min(*flagKills, 3)
	const chunk, perFile = 250, 2000

	r.mediator.start(t, r.bin)
	r.agent.start(t, r.bin)
	start := time.Now()
	writeDone := make(chan error, 1)
	go func() {
		for i := 0; i < total; i += chunk {
			var in bytes.Buffer
			for j := i; j < min(i+chunk, total); j++ {
				fmt.Fprintf(&in, "__REALTIME_TIMESTAMP=%d\n__MONOTONIC_TIMESTAMP=%d\n_BOOT_ID=0123456789abcdef0123456789abcdef\n", 1700000000000000+int64(j)*1000, j+1)
				fmt.Fprintf(&in, "MESSAGE=%s\n_HOSTNAME=chaos-%d\nSYSLOG_IDENTIFIER=sshd\n_COMM=sshd\n_PID=%d\nPRIORITY=5\n_SYSTEMD_UNIT=ssh.service\n\n", journalMessage(j), j%5, 2000+j%3000)
				if j%10 == 0 { // another unit: the filter keeps it out
					fmt.Fprintf(&in, "__REALTIME_TIMESTAMP=%d\n__MONOTONIC_TIMESTAMP=%d\n_BOOT_ID=0123456789abcdef0123456789abcdef\nMESSAGE=not ssh %d\n_SYSTEMD_UNIT=cron.service\n\n", 1700000000000000+int64(j)*1000+1, j+1, j)
				}
			}
			cmd := exec.Command(journalRemote, fmt.Sprintf("--output=%s/system@%d.journal", journal, i/perFile), "-")
			cmd.Stdin = &in
			if out, err := cmd.CombinedOutput(); err != nil {
				writeDone <- fmt.Errorf("systemd-journal-remote: %v: %s", err, out)
				return
			}
			time.Sleep(time.Duration(kills) * 750 * time.Millisecond / time.Duration(total/chunk+1))
		}
		writeDone <- nil
	}()
	r.killLoop(kills)
	if err := <-writeDone; err != nil {
		t.Fatal(err)
	}
	n := r.waitIndexed(int64(total), 3*time.Minute)
	r.agent.stop()
	r.mediator.stop()
	lines := make([]string, total)
	for i := range lines {
		lines[i] = journalMessage(i)
	}
	ids, lost, dups, invented := r.verifyLines(lines)
	t.Logf("scenario=journald entries_written=%d indexed=%d lost=%d duplicated=%d invented=%d agent_kills=%d mediator_kills=%d wall=%s",
		total, ids, lost, dups, invented, r.agent.kills, r.mediator.kills, time.Since(start).Round(time.Millisecond))
	if n != int64(total) || lost != 0 || dups != 0 || invented != 0 {
		t.Fatalf("index count %d, lost %d, duplicated %d, invented %d of %d entries", n, lost, dups, invented, total)
	}
	checkJournalFields(t, r)
}

// checkJournalFields reads one indexed event and checks the journal's
// fields reached it under their ECS names, and the rules ran on MESSAGE.
func checkJournalFields(t *testing.T, r *run) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(r.dataDir, "mediator", "index", "*", "[0-9]*[0-9].db"))
	if len(files) == 0 {
		t.Fatal("no index files")
	}
	db, err := sql.Open("sqlite3", "file:"+files[0]+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var doc string
	if err := db.QueryRow(`SELECT doc FROM docs LIMIT 1`).Scan(&doc); err != nil {
		t.Fatal(err)
	}
	var ev struct {
		Message string `json:"message"`
		Host    struct {
			Hostname string `json:"hostname"`
		} `json:"host"`
		Process struct {
			Name string `json:"name"`
			PID  int    `json:"pid"`
		} `json:"process"`
		Log struct {
			Level string `json:"level"`
		} `json:"log"`
		Systemd struct {
			Unit string `json:"unit"`
		} `json:"systemd"`
		Sluice struct {
			Rule string `json:"rule"`
		} `json:"sluice"`
	}
	if err := json.Unmarshal([]byte(doc), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Host.Hostname == "" || ev.Process.Name != "sshd" || ev.Process.PID < 2000 || ev.Log.Level != "notice" || ev.Systemd.Unit != "ssh.service" || ev.Sluice.Rule == "" {
		t.Fatalf("indexed event lacks the journal's fields or a rule: %s", doc)
	}
}
