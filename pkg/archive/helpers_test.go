package archive

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

// testClock is an injected archive clock.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *testClock {
	return &testClock{now: time.Date(2026, 12, 7, 17, 5, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func openTest(t testing.TB, dir string, clock *testClock, mod ...func(*Config)) *Archive {
	t.Helper()
	cfg := Config{Dir: dir, Clock: clock.Now}
	for _, m := range mod {
		m(&cfg)
	}
	a, err := Open(cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return a
}

// crash abandons a without closing its files, as a killed process would.
func crash(a *Archive) {
	a.mu.Lock()
	a.closeAll()
	a.closed = true
	a.mu.Unlock()
}

func value(org string, seq uint64) []byte {
	if org == "" {
		org = "default"
	}
	return fmt.Appendf(nil, "<13>Dec  7 17:05:%02d host%d sshd[%d]: Accepted publickey for user%d from 10.0.%d.%d port %d ssh2 org=%s",
		seq%60, seq%7, 1000+seq, seq%13, seq%200, seq%250, 40000+seq, org)
}

func mustAppend(t testing.TB, a *Archive, org string, seq uint64) {
	t.Helper()
	ok, err := a.Append(org, seq, seq, value(org, seq))
	if err != nil {
		t.Fatalf("Append(%q, %d): %v", org, seq, err)
	}
	if !ok {
		t.Fatalf("Append(%q, %d) skipped", org, seq)
	}
}

func mustSync(t testing.TB, a *Archive) {
	t.Helper()
	if err := a.Sync(); err != nil {
		t.Fatalf("Sync: %v", err)
	}
}

// scanAll returns the sequences Scan finds per organization, checking the
// values, and the paths reported bad.
func scanAll(t testing.TB, dir, org string) (map[string][]uint64, []string) {
	t.Helper()
	got := map[string][]uint64{}
	var bad []string
	err := Scan(dir, org, time.Time{}, time.Time{}, func(r Record) error {
		if want := value(r.Organization, r.First); string(r.Value) != string(want) {
			t.Errorf("record %s/%d: value %q, want %q", r.Organization, r.First, r.Value, want)
		}
		got[r.Organization] = append(got[r.Organization], r.First)
		return nil
	}, func(path string, err error) {
		bad = append(bad, path)
	})
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	return got, bad
}

func seqs(from, to uint64) []uint64 {
	var s []uint64
	for i := from; i <= to; i++ {
		s = append(s, i)
	}
	return s
}

func mustVerifyOK(t testing.TB, dir string) *Report {
	t.Helper()
	rep, err := Verify(dir)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if !rep.OK() {
		t.Fatalf("Verify found problems: %v", rep.Problems)
	}
	return rep
}

func closedFiles(t testing.TB, dir, org string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, org, "*"+closedExt))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(m)
	return m
}

func openFiles(t testing.TB, dir, org string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, org, "*"+openExt))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func readBytes(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
