package chaos

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDiskFull runs agent and mediator with their data on a small tmpfs,
// fills it while lines stream, and frees it again. Badger dies with SIGBUS
// when its disk fills (dgraph-io/badger#1801), so both must stop writing
// before that: the agent stops reading (min_free_disk), the mediator goes
// into suspense (suspense_min_free). Nothing may crash, and after the space
// comes back every line is indexed exactly once.
func TestDiskFull(t *testing.T) {
	bin := sluiceBin(t)
	fs := filepath.Join(t.TempDir(), "fs")
	if err := os.MkdirAll(fs, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=400m", "tmpfs", fs).CombinedOutput()
	if err != nil {
		t.Skipf("*** cannot mount a size-capped tmpfs here (%v: %s): the disk-full test needs root and mount; it did not run ***", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", fs).Run() })

	r := newRun(t, bin, scenario{name: "disk-full", rotate: "rename"}, runOpts{
		dataDir:       fs,
		agentExtra:    `min_free_disk = "160MiB"`,
		mediatorExtra: `suspense_min_free = "140MiB"`,
	})
	r.mediator.start(t, bin)
	r.agent.start(t, bin)
	w := &writer{dir: r.logDir, rotate: "rename"}
	if err := w.open(); err != nil {
		t.Fatal(err)
	}
	const total = 60000
	next := 0
	write := func(n int) {
		if err := w.write(next, next+n); err != nil {
			t.Fatal(err)
		}
		next += n
	}
	write(10000)
	if n := r.waitIndexed(10000, time.Minute); n != 10000 {
		t.Fatalf("indexed %d before filling the disk", n)
	}

	// Fill the disk to under both floors.
	free := func() int64 {
		var st syscall.Statfs_t
		if err := syscall.Statfs(fs, &st); err != nil {
			t.Fatal(err)
		}
		return int64(st.Bavail) * int64(st.Bsize)
	}
	filler := filepath.Join(fs, "filler")
	fill := free() - 100<<20
	if err := fillFile(filler, fill); err != nil {
		t.Fatal(err)
	}
	t.Logf("disk filled: %d MiB free", free()>>20)
	before, _ := r.count()
	filled := time.Now()
	agentLog := filepath.Join(r.dir, "agent.log")
	for range 20 {
		write(1000)
		time.Sleep(100 * time.Millisecond)
	}
	// Back-pressure must engage on both sides: the mediator goes into
	// suspense (GET /v1/status says why) and the agent's file source
	// stops reading (it logs the pause once).
	var suspense string
	paused := false
	for deadline := time.Now().Add(20 * time.Second); suspense == "" || !paused; {
		if time.Now().After(deadline) {
			t.Fatalf("back-pressure did not engage within 20s of filling the disk: mediator suspense %q, agent paused reading: %v", suspense, paused)
		}
		if st, err := r.status(); err == nil {
			suspense = st.Suspense
		}
		paused = logHas(t, agentLog, "reading paused")
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("back-pressure engaged %s after filling: mediator suspense %q; agent paused reading", time.Since(filled).Round(time.Millisecond), suspense)
	if !strings.Contains(suspense, "suspense_min_free") {
		t.Errorf("mediator is in suspense for another reason than its disk floor: %q", suspense)
	}
	// The index disk warning (disk_warning_free, 2 GiB by default, more
	// than this disk has) was raised before suspense engaged.
	if st, err := r.status(); err != nil || !st.hasWarning("index_disk_low") {
		t.Errorf("no index_disk_low warning in the mediator's status: %+v %v", st, err)
	}
	time.Sleep(2 * time.Second)
	for _, p := range []*proc{r.agent, r.mediator} {
		if err := p.alive(); err != nil {
			t.Fatalf("%s died while the disk was full: %v", p.name, err)
		}
	}
	during, _ := r.count()
	t.Logf("while full: indexed %d → %d of %d written; %d MiB free", before, during, next, free()>>20)
	if free() < 50<<20 {
		t.Fatalf("the daemons kept writing into a full disk: %d MiB free", free()>>20)
	}
	if during >= int64(next) {
		t.Fatalf("every line written while the disk was full was indexed (%d of %d): nothing was held back", during, next)
	}
	if st, err := r.status(); err != nil || st.Suspense == "" {
		t.Fatalf("the mediator left suspense while the disk was still full (status %+v, %v)", st, err)
	}

	// Space comes back: everything arrives, once.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	freed := time.Now()
	for deadline := time.Now().Add(30 * time.Second); ; {
		st, err := r.status()
		if err == nil && st.Suspense == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the mediator is still in suspense 30s after space was freed (%d MiB free): %+v %v", free()>>20, st, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("suspense cleared %s after space was freed", time.Since(freed).Round(time.Millisecond))
	write(total - next)
	if err := w.f.Close(); err != nil {
		t.Fatal(err)
	}
	n := r.waitIndexed(total, 3*time.Minute)
	r.agent.stop()
	r.mediator.stop()
	indexed, lost, dups, invented := r.verify(total)
	fmt.Printf("chaos: scenario=disk-full lines_written=%d lines_indexed=%d lost=%d duplicated=%d invented=%d\n", total, indexed, lost, dups, invented)
	if n != total || lost != 0 || dups != 0 || invented != 0 {
		t.Fatalf("count %d, lost %d, duplicated %d, invented %d", n, lost, dups, invented)
	}
}

// mediatorStatus is the part of GET /v1/status the test reads.
type mediatorStatus struct {
	StateDepth int64  `json:"state_depth"`
	Suspense   string `json:"suspense"`
	Indexed    int64  `json:"indexed"`
	// Warnings are the mediator's warnings (carried to ARM).
	Warnings []struct {
		Kind string `json:"kind"`
		Text string `json:"text"`
	} `json:"warnings"`
	Archive *struct {
		Failing  string `json:"failing"`
		Failures uint64 `json:"failures"`
	} `json:"archive"`
	// RefusedDuplicate counts streams refused because their agent id was
	// connected from another spool.
	RefusedDuplicate uint64 `json:"refused_duplicate_identity"`
}

func (r *run) status() (mediatorStatus, error) {
	var st mediatorStatus
	resp, err := http.Get("http://" + r.httpAddr + "/v1/status")
	if err != nil {
		return st, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return st, fmt.Errorf("GET /v1/status: %s", resp.Status)
	}
	return st, json.NewDecoder(resp.Body).Decode(&st)
}

// logHas reports whether a daemon's log file contains s.
func logHas(t *testing.T, path, s string) bool {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Contains(string(b), s)
}

// fillFile writes size bytes of zeros (tmpfs has no holes to cheat with).
func fillFile(path string, size int64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	buf := make([]byte, 1<<20)
	for size > 0 {
		n := min(int64(len(buf)), size)
		if _, err := f.Write(buf[:n]); err != nil {
			_ = f.Close()
			return err
		}
		size -= n
	}
	return f.Close()
}

// hasWarning reports whether the status holds a warning of kind.
func (st mediatorStatus) hasWarning(kind string) bool {
	for _, w := range st.Warnings {
		if w.Kind == kind {
			return true
		}
	}
	return false
}
