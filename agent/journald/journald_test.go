package journald_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/agent/journald"
	"github.com/sluicehq/sluice/agent/source"
	"github.com/sluicehq/sluice/agent/spool"
	"github.com/sluicehq/sluice/internal/testkit"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// journalRemote is Debian's systemd-journal-remote, which writes export
// format read on stdin into a journal file: real journal files, written
// by systemd's own code (make test-deps installs it).
const journalRemote = "/lib/systemd/systemd-journal-remote"

// rec is one journal entry to write: its fields.
type rec map[string]string

// entry makes a typical entry: n makes its message and times unique.
func entry(n int, unit, ident string, prio int) rec {
	return rec{
		"MESSAGE":           fmt.Sprintf("message %d from %s", n, ident),
		"_HOSTNAME":         "host1",
		"SYSLOG_IDENTIFIER": ident,
		"_COMM":             ident + "-bin",
		"_PID":              fmt.Sprint(1000 + n),
		"PRIORITY":          fmt.Sprint(prio),
		"_SYSTEMD_UNIT":     unit,
	}
}

// seq numbers entries across every writeJournal of a test, so that their
// timestamps keep increasing as in a real journal.
var seq int

// writeJournal appends recs to the journal file path (created when
// missing) through systemd-journal-remote.
func writeJournal(t *testing.T, path string, recs ...rec) {
	t.Helper()
	if _, err := os.Stat(journalRemote); err != nil {
		t.Skipf("%s not installed (make test-deps installs systemd-journal-remote)", journalRemote)
	}
	var in bytes.Buffer
	for _, r := range recs {
		seq++
		boot := "0123456789abcdef0123456789abcdef"
		if b := r["_BOOT_ID"]; b != "" {
			boot = b
		}
		fmt.Fprintf(&in, "__REALTIME_TIMESTAMP=%d\n__MONOTONIC_TIMESTAMP=%d\n_BOOT_ID=%s\n", 1700000000000000+int64(seq)*1000, seq, boot)
		for k, v := range r {
			if k == "_BOOT_ID" {
				continue
			}
			if strings.ContainsAny(v, "\n") {
				fmt.Fprintf(&in, "%s\n", k)
				var n [8]byte
				for i := range 8 {
					n[i] = byte(uint64(len(v)) >> (8 * i))
				}
				in.Write(n[:])
				fmt.Fprintf(&in, "%s\n", v)
				continue
			}
			fmt.Fprintf(&in, "%s=%s\n", k, v)
		}
		in.WriteString("\n")
	}
	cmd := exec.Command(journalRemote, "--output="+path, "-")
	cmd.Stdin = &in
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("systemd-journal-remote: %v: %s", err, out)
	}
}

// harness runs a journald source on a journal directory into a real
// spool.
type harness struct {
	t     *testing.T
	dir   string // the journal directory
	spDir string
	sp    *spool.Spool
	src   *journald.Source
	cfg   journald.Config
	// maxSpool caps the spool (0: no cap).
	maxSpool int64
	stop     func() error
}

func newHarness(t *testing.T, cfg journald.Config) *harness {
	t.Helper()
	if _, err := exec.LookPath("journalctl"); err != nil {
		t.Skip("journalctl not installed")
	}
	h := &harness{t: t, dir: t.TempDir(), spDir: filepath.Join(t.TempDir(), "spool")}
	cfg.SourceID, cfg.LogSourceType, cfg.Directory = "journal", "linux-auth", h.dir
	cfg.Linger, cfg.Retry = 20*time.Millisecond, 50*time.Millisecond
	if cfg.BatchLines == 0 {
		cfg.BatchLines = 3
	}
	h.cfg = cfg
	t.Cleanup(func() {
		if h.stop != nil {
			_ = h.stop()
		}
		if h.sp != nil {
			_ = h.sp.Close()
		}
	})
	return h
}

func (h *harness) start() {
	h.t.Helper()
	sp, err := spool.Open(spool.Options{Dir: h.spDir, MaxBytes: h.maxSpool})
	if err != nil {
		h.t.Fatal(err)
	}
	h.sp = sp
	src, err := journald.New(h.cfg, sp, testkit.Logger(h.t, "journald"))
	if err != nil {
		h.t.Fatal(err)
	}
	h.src = src
	h.stop = testkit.Run(h.t, src.Run)
}

// restart stops the source and closes the spool, then opens both again.
func (h *harness) restart() {
	h.t.Helper()
	h.halt()
	h.start()
}

func (h *harness) halt() {
	h.t.Helper()
	if err := h.stop(); err != nil {
		h.t.Fatal(err)
	}
	h.stop = nil
	if err := h.sp.Close(); err != nil {
		h.t.Fatal(err)
	}
	h.sp = nil
}

// all returns every entry spooled so far.
func (h *harness) all() []*sluicev1.LogEntry {
	h.t.Helper()
	es, err := h.sp.Read(0, 1<<20, 1<<30)
	if err != nil {
		h.t.Fatal(err)
	}
	return es
}

// waitMessages waits until the spool holds exactly want (by raw line, in
// order) and stays so.
func (h *harness) waitMessages(want ...string) []*sluicev1.LogEntry {
	h.t.Helper()
	var got []string
	testkit.Eventually(h.t, 10*time.Second, "the spool holds the entries", func() bool {
		got = raws(h.all())
		return len(got) >= len(want)
	})
	time.Sleep(150 * time.Millisecond) // nothing more comes
	es := h.all()
	got = raws(es)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		h.t.Fatalf("spooled:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	return es
}

func raws(es []*sluicev1.LogEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = string(e.GetRaw())
	}
	return out
}

func msgs(from, to int, ident string) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, fmt.Sprintf("message %d from %s", i, ident))
	}
	return out
}

func TestFieldsMappedToECS(t *testing.T) {
	h := newHarness(t, journald.Config{MaxLineBytes: 300})
	r := entry(1, "ssh.service", "sshd", 6)
	noIdent := entry(2, "cron.service", "", 3)
	delete(noIdent, "SYSLOG_IDENTIFIER")
	noIdent["_COMM"] = "cron"
	noIdent["MESSAGE"] = "message 2 from cron"
	multi := rec{"MESSAGE": "line one\nline two", "PRIORITY": "9", "_SYSTEMD_USER_UNIT": "app.service"}
	long := rec{"MESSAGE": strings.Repeat("x", 1000)}
	writeJournal(t, filepath.Join(h.dir, "system.journal"), r, noIdent, multi, long)
	h.start()
	es := h.waitMessages("message 1 from sshd", "message 2 from cron", "line one\nline two", strings.Repeat("x", 300))
	want := map[string]string{
		"host.hostname": "host1", "process.name": "sshd", "process.pid": "1001",
		"log.level": "info", "log.syslog.severity.code": "6", "systemd.unit": "ssh.service",
	}
	f := es[0].GetFields()
	for k, v := range want {
		if f[k] != v {
			t.Errorf("%s = %q, want %q (fields %v)", k, f[k], v, f)
		}
	}
	if ts, err := time.Parse(time.RFC3339Nano, f["@timestamp"]); err != nil || ts.Year() != 2023 {
		t.Errorf("@timestamp = %q (%v), want the entry's __REALTIME_TIMESTAMP", f["@timestamp"], err)
	}
	if es[0].GetSourceType() != "linux-auth" || es[0].GetSourceId() != "journal" {
		t.Errorf("source %q type %q", es[0].GetSourceId(), es[0].GetSourceType())
	}
	if f := es[1].GetFields(); f["process.name"] != "cron" || f["log.level"] != "err" {
		t.Errorf("without SYSLOG_IDENTIFIER: fields %v, want process.name from _COMM, log.level err", f)
	}
	if f := es[2].GetFields(); f["log.level"] != "" || f["systemd.user_unit"] != "app.service" {
		t.Errorf("multi-line entry: fields %v (PRIORITY 9 is no level)", f)
	}
	if !es[3].GetTruncated() || es[3].GetOriginalLength() != 1000 {
		t.Errorf("long MESSAGE: truncated %v length %d, want cut at max_line_bytes, 1000", es[3].GetTruncated(), es[3].GetOriginalLength())
	}
}

func TestFilters(t *testing.T) {
	cases := []struct {
		name string
		cfg  journald.Config
		want []string
	}{
		{"units", journald.Config{Units: []string{"ssh.service"}}, []string{"message 1 from sshd", "message 3 from sshd"}},
		{"two units", journald.Config{Units: []string{"ssh.service", "cron.service"}}, []string{"message 1 from sshd", "message 2 from cron", "message 3 from sshd"}},
		{"priority", journald.Config{Priority: "warning"}, []string{"message 2 from cron", "message 3 from sshd"}},
		{"priority number", journald.Config{Priority: "3"}, []string{"message 3 from sshd"}},
		{"match", journald.Config{Match: map[string]string{"SYSLOG_IDENTIFIER": "kernel"}}, []string{"message 4 from kernel"}},
		{"units and priority", journald.Config{Units: []string{"ssh.service"}, Priority: "err"}, []string{"message 3 from sshd"}},
		{"match and priority", journald.Config{Match: map[string]string{"_HOSTNAME": "host1"}, Priority: "notice"}, []string{"message 2 from cron", "message 3 from sshd"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, c.cfg)
			writeJournal(t, filepath.Join(h.dir, "system.journal"),
				entry(1, "ssh.service", "sshd", 6), entry(2, "cron.service", "cron", 4),
				entry(3, "ssh.service", "sshd", 3), entry(4, "", "kernel", 6))
			h.start()
			h.waitMessages(c.want...)
		})
	}
}

// TestRestartResumesAtCursor: entries committed before a restart are not
// read again, entries written while the source was down are read, and
// entries appended while it follows arrive too: each exactly once.
func TestRestartResumesAtCursor(t *testing.T) {
	h := newHarness(t, journald.Config{})
	path := filepath.Join(h.dir, "system.journal")
	var recs []rec
	for i := 1; i <= 10; i++ {
		recs = append(recs, entry(i, "app.service", "app", 6))
	}
	writeJournal(t, path, recs[:5]...)
	h.start()
	h.waitMessages(msgs(1, 5, "app")...)
	writeJournal(t, path, recs[5:7]...) // while following
	h.waitMessages(msgs(1, 7, "app")...)
	h.halt()
	writeJournal(t, path, recs[7:]...) // while down
	h.start()
	h.waitMessages(msgs(1, 10, "app")...)
	h.restart() // nothing new: nothing again
	h.waitMessages(msgs(1, 10, "app")...)
	if s := h.src.Stats(); s.Gaps != 0 {
		t.Errorf("gaps = %d, want 0", s.Gaps)
	}
}

// TestRotationAndVacuum: journald writes new files (rotation) and
// deletes old ones (vacuum). New files are followed; a cursor whose file
// was vacuumed while the source was down resumes at the oldest entry
// after it, and the gap is counted.
func TestRotationAndVacuum(t *testing.T) {
	h := newHarness(t, journald.Config{})
	first := filepath.Join(h.dir, "system@1.journal")
	writeJournal(t, first, entry(1, "a.service", "app", 6), entry(2, "a.service", "app", 6))
	h.start()
	h.waitMessages(msgs(1, 2, "app")...)
	// Rotation while following: a new file appears.
	second := filepath.Join(h.dir, "system@2.journal")
	writeJournal(t, second, entry(3, "a.service", "app", 6), entry(4, "a.service", "app", 6))
	h.waitMessages(msgs(1, 4, "app")...)
	// Vacuum of files already read: nothing lost, nothing read again.
	h.halt()
	if err := os.Remove(first); err != nil {
		t.Fatal(err)
	}
	writeJournal(t, second, entry(5, "a.service", "app", 6))
	h.start()
	h.waitMessages(msgs(1, 5, "app")...)
	if s := h.src.Stats(); s.Gaps != 0 {
		t.Errorf("gaps = %d after vacuuming a file already read, want 0", s.Gaps)
	}
	// Vacuum of the file the cursor is in, with entries not read yet: the
	// source goes on from the oldest entry left and counts the gap.
	h.halt()
	writeJournal(t, second, entry(6, "a.service", "app", 6))
	third := filepath.Join(h.dir, "system@3.journal")
	writeJournal(t, third, entry(7, "a.service", "app", 6), entry(8, "a.service", "app", 6))
	if err := os.Remove(second); err != nil {
		t.Fatal(err)
	}
	h.start()
	h.waitMessages(append(msgs(1, 5, "app"), msgs(7, 8, "app")...)...)
	if s := h.src.Stats(); s.Gaps != 1 {
		t.Errorf("gaps = %d, want 1 (message 6 was vacuumed before it was read)", s.Gaps)
	}
}

// TestAllBoots: entries of every boot are read, on the first start and
// from a cursor in an earlier boot (journalctl --follow alone keeps to
// the latest boot: the end of a boot before a reboot would be lost).
func TestAllBoots(t *testing.T) {
	h := newHarness(t, journald.Config{})
	path := filepath.Join(h.dir, "system.journal")
	boot := func(n int, id string) rec {
		r := entry(n, "a.service", "app", 6)
		r["_BOOT_ID"] = id
		return r
	}
	a, b := strings.Repeat("a", 32), strings.Repeat("b", 32)
	writeJournal(t, path, boot(1, a), boot(2, a))
	h.start()
	h.waitMessages(msgs(1, 2, "app")...)
	h.halt()
	// While the agent is down: the end of boot a, then boot b.
	writeJournal(t, path, boot(3, a), boot(4, b), boot(5, b))
	h.start()
	h.waitMessages(msgs(1, 5, "app")...)
}

// TestEmptyJournalDirectory: a directory with no journal yet is followed
// until entries come.
func TestEmptyJournalDirectory(t *testing.T) {
	h := newHarness(t, journald.Config{})
	h.start()
	time.Sleep(300 * time.Millisecond)
	writeJournal(t, filepath.Join(h.dir, "system.journal"), entry(1, "a.service", "app", 6))
	h.waitMessages(msgs(1, 1, "app")...)
	if s := h.src.Stats(); s.Restarts != 0 {
		t.Errorf("journalctl restarted %d times on an empty directory", s.Restarts)
	}
}

// TestBackpressure: a full spool pauses reading (journalctl blocks on
// its pipe); as the uplink acknowledges entries and frees room, the rest
// arrive, each exactly once and in order.
func TestBackpressure(t *testing.T) {
	h := newHarness(t, journald.Config{BatchLines: 5})
	h.maxSpool = 1500 // a few batches
	const n = 200
	var recs []rec
	for i := 1; i <= n; i++ {
		recs = append(recs, entry(i, "a.service", "app", 6))
	}
	writeJournal(t, filepath.Join(h.dir, "system.journal"), recs...)
	h.start()
	var got []string
	most := 0 // the most entries the spool held at once
	deadline := time.Now().Add(30 * time.Second)
	for len(got) < n && time.Now().Before(deadline) {
		es, err := h.sp.Read(0, 1<<20, 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		if len(es) == 0 {
			time.Sleep(10 * time.Millisecond)
			continue
		}
		most = max(most, len(es))
		got = append(got, raws(es)...)
		if err := h.sp.Ack(es[len(es)-1].GetSeq()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond) // let it fill up again
	}
	if want := msgs(1, n, "app"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got %d entries, want %d exactly once in order:\n%s", len(got), n, strings.Join(got, "\n"))
	}
	if most >= n/4 {
		t.Errorf("the spool held %d of %d entries at once: its cap did not hold the source back", most, n)
	}
	t.Logf("the spool held at most %d entries at once", most)
}

// TestJournalctlFails: a journalctl that ends with an error (here, a
// cursor it cannot seek to) is started again, counted, and nothing is
// spooled from it.
func TestJournalctlFails(t *testing.T) {
	h := newHarness(t, journald.Config{})
	writeJournal(t, filepath.Join(h.dir, "system.journal"), entry(1, "a.service", "app", 6))
	sp, err := spool.Open(spool.Options{Dir: h.spDir})
	if err != nil {
		t.Fatal(err)
	}
	bad := source.Batch{SourceID: "journal", LogSourceType: "linux-auth", Checkpoint: source.Checkpoint{Cursor: "not-a-cursor"},
		Lines: []source.Line{{Raw: []byte("before")}}}
	if err := sp.Commit(context.Background(), bad); err != nil {
		t.Fatal(err)
	}
	if err := sp.Close(); err != nil {
		t.Fatal(err)
	}
	h.start()
	testkit.Eventually(t, 10*time.Second, "journalctl is started again", func() bool { return h.src.Stats().Restarts >= 2 })
	if s := h.src.Stats(); s.Entries != 0 {
		t.Errorf("%d entries from a journalctl that failed", s.Entries)
	}
}

func TestMissingJournal(t *testing.T) {
	if _, err := exec.LookPath("journalctl"); err != nil {
		t.Skip("journalctl not installed")
	}
	empty := t.TempDir()
	cases := []struct {
		name string
		cfg  journald.Config
		want string
	}{
		{"no directory", journald.Config{Directory: filepath.Join(empty, "nope")}, "no journal to read: directory"},
		{"not a directory", journald.Config{Directory: "/etc/hostname"}, "is not a directory"},
		{"no system journal", journald.Config{JournalDirs: []string{empty, filepath.Join(empty, "x")}}, "no journal files in"},
		{"no journalctl", journald.Config{Directory: empty, Journalctl: "journalctl-not-installed"}, "needs systemd's journalctl"},
		{"bad priority", journald.Config{Directory: empty, Priority: "loud"}, `priority "loud"`},
		{"bad match", journald.Config{Directory: empty, Match: map[string]string{"lower": "x"}}, "not a journal field name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.cfg.SourceID = "j"
			_, err := journald.New(c.cfg, nil, testkit.Logger(t, "journald"))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one saying %q", err, c.want)
			}
		})
	}
}

// TestArgs checks the journalctl command line the settings make.
func TestArgs(t *testing.T) {
	if _, err := exec.LookPath("journalctl"); err != nil {
		t.Skip("journalctl not installed")
	}
	src, err := journald.New(journald.Config{Directory: t.TempDir(), Units: []string{"ssh.service"}, Priority: "warning", Match: map[string]string{"_UID": "0", "A": "b"}}, nil, testkit.Logger(t, "journald"))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(src.Args("s=1;i=2"), " ")
	for _, w := range []string{"--output=export", "--follow", "--cursor=s=1;i=2", "--priority=4", "--unit=ssh.service", "A=b _UID=0"} {
		if !strings.Contains(got, w) {
			t.Errorf("args %q lack %q", got, w)
		}
	}
	if strings.Contains(got, "_MACHINE_ID") {
		t.Errorf("args %q: a directory's journal is not filtered by this machine's id", got)
	}
	sys, err := journald.New(journald.Config{JournalDirs: []string{filepath.Dir(writeTemp(t, ""))}, MachineIDFile: writeTemp(t, "0123abcd\n")}, nil, testkit.Logger(t, "journald"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(sys.Args(""), " "); !strings.Contains(got, "--lines=all") || !strings.Contains(got, "_MACHINE_ID=0123abcd") || strings.Contains(got, "--directory") {
		t.Errorf("system journal args %q: want this machine's entries from the start", got)
	}
	if strings.Contains(got, "--after-cursor") {
		t.Errorf("args %q: --after-cursor loses an entry when the cursor's is gone", got)
	}
}

func writeTemp(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "f.journal")
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
