package archive

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestPrune(t *testing.T) {
	for _, tc := range []struct {
		name      string
		retention time.Duration
		org       map[string]time.Duration
		// closed files left per organization after 6 closed hours and
		// Prune at the start of the 7th
		left map[string]int
	}{
		{"keep forever", 0, nil, map[string]int{"acme": 6, "beta": 6}},
		{"three hours", 3 * time.Hour, nil, map[string]int{"acme": 3, "beta": 3}},
		{"per organization", 3 * time.Hour, map[string]time.Duration{"beta": 5 * time.Hour}, map[string]int{"acme": 3, "beta": 5}},
		{"organization kept forever", 3 * time.Hour, map[string]time.Duration{"acme": 0}, map[string]int{"acme": 6, "beta": 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			clock := newClock()
			clock.Add(-5 * time.Minute) // 17:00
			a := openTest(t, dir, clock, func(c *Config) {
				c.Retention = tc.retention
				c.OrgRetention = tc.org
			})
			seq := uint64(0)
			for h := 0; h < 6; h++ {
				for _, org := range []string{"acme", "beta"} {
					seq++
					mustAppend(t, a, org, seq)
				}
				clock.Add(time.Hour)
				if err := a.Rotate(); err != nil {
					t.Fatal(err)
				}
			}
			removed, err := a.Prune()
			if err != nil {
				t.Fatal(err)
			}
			want := 0
			for org, n := range tc.left {
				if got := len(closedFiles(t, dir, org)); got != n {
					t.Errorf("%s: %d files left, want %d", org, got, n)
				}
				want += 6 - n
			}
			if len(removed) != want {
				t.Errorf("Prune returned %d files, want %d", len(removed), want)
			}
			for _, f := range removed {
				if _, err := os.Stat(f.Path); !os.IsNotExist(err) {
					t.Errorf("%s returned as pruned but still there", f.Path)
				}
			}
			mustVerifyOK(t, dir)
			// Again: nothing more, and the chain still verifies after a restart.
			if again, err := a.Prune(); err != nil || len(again) != 0 {
				t.Errorf("second Prune: %v, %v", again, err)
			}
			if got := a.Stats().FilesPruned; got != int64(want) {
				t.Errorf("Stats.FilesPruned %d, want %d", got, want)
			}
			if err := a.Close(); err != nil {
				t.Fatal(err)
			}
			a = openTest(t, dir, clock)
			// The mark survives pruning: the manifest keeps every file's range.
			if ok, _ := a.Append("acme", 1, 1, value("acme", 1)); ok {
				t.Error("a pruned record was appended again")
			}
			crash(a)
			mustVerifyOK(t, dir)
		})
	}
}

func TestPruneKeepsMissingFileEvident(t *testing.T) {
	dir := t.TempDir()
	clock := newClock()
	a := openTest(t, dir, clock, func(c *Config) { c.Retention = time.Hour })
	mustAppend(t, a, "acme", 1)
	clock.Add(time.Hour)
	mustAppend(t, a, "acme", 2)
	clock.Add(time.Hour)
	mustAppend(t, a, "acme", 3)
	files := closedFiles(t, dir, "acme")
	// The newest closed file disappears; Prune, which removes the older
	// one, must not hide that.
	if err := os.Remove(files[1]); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Prune(); err != nil {
		t.Fatal(err)
	}
	crash(a)
	rep, err := Verify(dir)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || rep.FirstBroken != files[1] {
		t.Errorf("Verify: %v, first broken %q, want %s missing", rep.Problems, rep.FirstBroken, files[1])
	}
}

func TestScanSkipsCorruptFile(t *testing.T) {
	dir := t.TempDir()
	clock := newClock()
	a := openTest(t, dir, clock)
	seq := uint64(0)
	for h := 0; h < 3; h++ {
		for i := 0; i < 100; i++ {
			seq++
			mustAppend(t, a, "acme", seq)
		}
		clock.Add(time.Hour)
		if err := a.Rotate(); err != nil {
			t.Fatal(err)
		}
	}
	crash(a)
	files := closedFiles(t, dir, "acme")
	b := readBytes(t, files[1])
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(files[1], b, 0o640); err != nil {
		t.Fatal(err)
	}
	got, bad := scanAll(t, dir, "acme")
	if !slices.Equal(bad, files[1:2]) {
		t.Errorf("onBad for %v, want %v", bad, files[1:2])
	}
	if want := append(seqs(1, 100), seqs(201, 300)...); !slices.Equal(got["acme"], want) {
		t.Errorf("Scan returned %d records, want the 200 of the good files", len(got["acme"]))
	}
	// A truncated closed file is corrupt too.
	if err := os.WriteFile(files[2], readBytes(t, files[2])[:40], 0o640); err != nil {
		t.Fatal(err)
	}
	got, bad = scanAll(t, dir, "acme")
	if !slices.Equal(bad, files[1:3]) || !slices.Equal(got["acme"], seqs(1, 100)) {
		t.Errorf("bad %v, records %d", bad, len(got["acme"]))
	}
	// fn's error stops the scan.
	stop := errors.New("stop")
	n := 0
	err := Scan(dir, "", time.Time{}, time.Time{}, func(Record) error {
		n++
		if n == 10 {
			return stop
		}
		return nil
	}, nil)
	if !errors.Is(err, stop) || n != 10 {
		t.Errorf("Scan = %v after %d records, want stop after 10", err, n)
	}
}

func TestUnwritableDirectory(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: permission bits do not stop root from writing, so the error cannot be provoked")
	}
	dir := t.TempDir()
	clock := newClock()
	a := openTest(t, dir, clock)
	for seq := uint64(1); seq <= 10; seq++ {
		mustAppend(t, a, "acme", seq)
	}
	mustSync(t, a)
	orgDir := filepath.Join(dir, "acme")
	if err := os.Chmod(orgDir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(orgDir, 0o750) })

	// The hour ends: closing needs to rename in the directory.
	clock.Add(time.Hour)
	_, err := a.Append("acme", 11, 11, value("acme", 11))
	if err == nil || !strings.Contains(err.Error(), orgDir) {
		t.Fatalf("Append into a read-only directory: %v, want an error naming %s", err, orgDir)
	}
	if st := a.Stats(); st.LastError == "" {
		t.Error("Stats.LastError empty after a failed Append")
	}
	// Still failing: each call tries again and says why.
	if err := a.Sync(); err == nil {
		t.Fatal("Sync succeeded with the directory still read-only")
	}
	// A new organization under a read-only root fails the same way.
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	_, err = a.Append("beta", 1, 1, value("beta", 1))
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "beta")) {
		t.Fatalf("Append of a new organization under a read-only root: %v", err)
	}
	if err := os.Chmod(dir, 0o750); err != nil {
		t.Fatal(err)
	}

	// Fixed: the caller appends again from its durable point.
	if err := os.Chmod(orgDir, 0o750); err != nil {
		t.Fatal(err)
	}
	for seq := uint64(1); seq <= 20; seq++ {
		ok, err := a.Append("acme", seq, seq, value("acme", seq))
		if err != nil {
			t.Fatalf("Append(%d) after the fix: %v", seq, err)
		}
		if ok != (seq > 10) {
			t.Fatalf("Append(%d) = %v after the fix", seq, ok)
		}
	}
	mustAppend(t, a, "beta", 1)
	mustSync(t, a)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	got, _ := scanAll(t, dir, "acme")
	if !slices.Equal(got["acme"], seqs(1, 20)) {
		t.Errorf("records %v, want 1..20 once", got["acme"])
	}
	mustVerifyOK(t, dir)
}

func TestClockGoesBack(t *testing.T) {
	dir := t.TempDir()
	clock := newClock()
	a := openTest(t, dir, clock)
	mustAppend(t, a, "acme", 1)
	clock.Add(time.Hour)
	mustAppend(t, a, "acme", 2)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	clock.Add(-2 * time.Hour)
	a = openTest(t, dir, clock)
	mustAppend(t, a, "acme", 3)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	mustVerifyOK(t, dir)
	got, _ := scanAll(t, dir, "acme")
	if !slices.Equal(got["acme"], seqs(1, 3)) {
		t.Errorf("records %v", got["acme"])
	}
}

// Readers run while a writer appends, syncs and rotates: Verify must not
// report the writer's normal states as problems, and Scan must see each
// record once.
func TestOfflineWhileWriting(t *testing.T) {
	dir := t.TempDir()
	clock := newClock()
	a := openTest(t, dir, clock)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(done)
		for seq := uint64(1); seq <= 3000; seq++ {
			org := []string{"acme", "beta"}[seq%2]
			if _, err := a.Append(org, seq, seq, value(org, seq)); err != nil {
				t.Error(err)
				return
			}
			if seq%50 == 0 {
				if err := a.Sync(); err != nil {
					t.Error(err)
				}
			}
			if seq%300 == 0 {
				clock.Add(time.Hour)
				if err := a.Rotate(); err != nil {
					t.Error(err)
				}
			}
		}
	}()
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		rep, err := Verify(dir)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK() {
			t.Fatalf("Verify while writing: %v", rep.Problems)
		}
		if _, err := List(dir); err != nil {
			t.Fatal(err)
		}
		got, bad := scanAll(t, dir, "")
		if len(bad) > 0 {
			t.Fatalf("Scan while writing: bad %v", bad)
		}
		for org, s := range got {
			if !slices.IsSorted(s) || len(slices.Compact(slices.Clone(s))) != len(s) {
				t.Fatalf("Scan while writing: %s records out of order or twice", org)
			}
		}
	}
	wg.Wait()
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	mustVerifyOK(t, dir)
	got, _ := scanAll(t, dir, "")
	if len(got["acme"])+len(got["beta"]) != 3000 {
		t.Errorf("%d records", len(got["acme"])+len(got["beta"]))
	}
}

// A write error (here the file descriptor closed under the archive, which
// root cannot be kept from by permissions) drops the organization's mark
// back to what is durable; the next call recovers from disk and the caller
// appends again.
func TestWriteErrorRecovery(t *testing.T) {
	dir := t.TempDir()
	clock := newClock()
	a := openTest(t, dir, clock)
	for seq := uint64(1); seq <= 10; seq++ {
		mustAppend(t, a, "acme", seq)
	}
	mustSync(t, a)
	for seq := uint64(11); seq <= 15; seq++ {
		mustAppend(t, a, "acme", seq)
	}
	a.mu.Lock()
	_ = a.orgs["acme"].cur.f.Close()
	a.mu.Unlock()
	err := a.Sync()
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "acme")) {
		t.Fatalf("Sync on a closed descriptor: %v, want an error naming the file", err)
	}
	for seq := uint64(1); seq <= 20; seq++ {
		ok, err := a.Append("acme", seq, seq, value("acme", seq))
		if err != nil {
			t.Fatal(err)
		}
		if ok != (seq > 10) {
			t.Fatalf("Append(%d) = %v after the error", seq, ok)
		}
	}
	mustSync(t, a)
	got, _ := scanAll(t, dir, "acme")
	if !slices.Equal(got["acme"], seqs(1, 20)) {
		t.Errorf("records %v, want 1..20 once", got["acme"])
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	mustVerifyOK(t, dir)
}

// An error in Rotate that drops unsynced records makes the next Sync fail,
// so that the caller, which deletes its records after a good Sync, appends
// them again instead.
func TestRotateErrorFailsNextSync(t *testing.T) {
	dir := t.TempDir()
	clock := newClock()
	a := openTest(t, dir, clock)
	for seq := uint64(1); seq <= 5; seq++ {
		mustAppend(t, a, "acme", seq)
	}
	mustSync(t, a)
	for seq := uint64(6); seq <= 8; seq++ {
		mustAppend(t, a, "acme", seq)
	}
	a.mu.Lock()
	_ = a.orgs["acme"].cur.f.Close()
	a.mu.Unlock()
	clock.Add(time.Hour)
	if err := a.Rotate(); err == nil {
		t.Fatal("Rotate on a closed descriptor succeeded")
	}
	if err := a.Sync(); err == nil {
		t.Fatal("Sync after records were dropped by Rotate's error succeeded")
	}
	for seq := uint64(1); seq <= 8; seq++ {
		ok, err := a.Append("acme", seq, seq, value("acme", seq))
		if err != nil || ok != (seq > 5) {
			t.Fatalf("Append(%d) = %v, %v", seq, ok, err)
		}
	}
	mustSync(t, a)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	got, _ := scanAll(t, dir, "acme")
	if !slices.Equal(got["acme"], seqs(1, 8)) {
		t.Errorf("records %v", got["acme"])
	}
	mustVerifyOK(t, dir)
}

func TestOpenWithAnUnrecoverableOrganization(t *testing.T) {
	dir := t.TempDir()
	clock := newClock()
	// A manifest that cannot be read (a directory; permissions would not
	// stop root).
	bad := filepath.Join(dir, "acme", manifestName)
	if err := os.MkdirAll(bad, 0o750); err != nil {
		t.Fatal(err)
	}
	a := openTest(t, dir, clock)
	if _, err := a.Append("acme", 1, 1, value("acme", 1)); err == nil || !strings.Contains(err.Error(), bad) {
		t.Fatalf("Append to the broken organization: %v, want an error naming %s", err, bad)
	}
	mustAppend(t, a, "beta", 1)
	if err := a.Sync(); err == nil {
		t.Fatal("Sync succeeded with an organization broken")
	}
	if err := os.Remove(bad); err != nil {
		t.Fatal(err)
	}
	mustAppend(t, a, "acme", 1)
	mustSync(t, a)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	got, _ := scanAll(t, dir, "")
	if !slices.Equal(got["acme"], []uint64{1}) || !slices.Equal(got["beta"], []uint64{1}) {
		t.Errorf("records %v", got)
	}
	mustVerifyOK(t, dir)
}
