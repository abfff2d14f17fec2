package archive

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// crashedFile writes n records of org "acme" with a Sync every 3, crashes,
// and returns the open file's path and bytes.
func crashedFile(t *testing.T, dir string, clock *testClock, n uint64) (string, []byte) {
	t.Helper()
	a := openTest(t, dir, clock)
	for seq := uint64(1); seq <= n; seq++ {
		mustAppend(t, a, "acme", seq)
		if seq%3 == 0 {
			mustSync(t, a)
		}
	}
	mustSync(t, a)
	crash(a)
	opens := openFiles(t, dir, "acme")
	if len(opens) != 1 {
		t.Fatalf("open files %v", opens)
	}
	return opens[0], readBytes(t, opens[0])
}

// checkRecovered opens dir after a crash and checks that the records kept
// are exactly 1..k for some k >= minKept, that the mark is k, and that
// appending 1..n again stores each record exactly once.
func checkRecovered(t *testing.T, dir string, clock *testClock, minKept, n uint64) uint64 {
	t.Helper()
	a := openTest(t, dir, clock)
	got, bad := scanAll(t, dir, "acme")
	if len(bad) > 0 {
		t.Fatalf("bad files after recovery: %v", bad)
	}
	k := uint64(len(got["acme"]))
	if !slices.Equal(got["acme"], seqs(1, k)) {
		t.Fatalf("recovered %v, want a prefix 1..%d", got["acme"], k)
	}
	if k < minKept {
		t.Fatalf("recovered %d records, want at least %d", k, minKept)
	}
	appended := uint64(0)
	for seq := uint64(1); seq <= n; seq++ {
		ok, err := a.Append("acme", seq, seq, value("acme", seq))
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			appended++
			if seq <= k {
				t.Fatalf("record %d appended again; mark should be %d", seq, k)
			}
		}
	}
	if appended != n-k {
		t.Fatalf("appended %d, want %d", appended, n-k)
	}
	mustSync(t, a)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	got, _ = scanAll(t, dir, "acme")
	if !slices.Equal(got["acme"], seqs(1, n)) {
		t.Fatalf("after re-append: %d records, want 1..%d exactly once", len(got["acme"]), n)
	}
	mustVerifyOK(t, dir)
	return k
}

func TestCrashRecoveryTruncated(t *testing.T) {
	const n = 200
	src := t.TempDir()
	clock := newClock()
	path, full := crashedFile(t, src, clock, n)
	rel, _ := filepath.Rel(src, path)
	start := max(0, len(full)-250)
	if testing.Short() {
		start = max(0, len(full)-40)
	}
	prevK := uint64(0)
	var ks []uint64
	for cut := start; cut <= len(full); cut++ {
		dir := t.TempDir()
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, full[:cut], 0o640); err != nil {
			t.Fatal(err)
		}
		minKept := prevK
		if cut == len(full) {
			minKept = n
		}
		var k uint64
		if cut%25 == 0 || cut == len(full) {
			k = checkRecovered(t, dir, clock, minKept, n)
		} else {
			k = checkMark(t, dir, clock, minKept)
		}
		if t.Failed() {
			t.Fatalf("at cut %d of %d", cut, len(full))
		}
		if k != prevK {
			ks = append(ks, k)
		}
		prevK = k
	}
	// The cuts must have hit several flushed blocks, or the test proves
	// little.
	if len(ks) < 3 {
		t.Errorf("records kept over the cuts: %v; want several block boundaries", ks)
	}
	t.Logf("%d bytes, cuts from %d: records kept %v", len(full), start, ks)
}

// checkMark is a lighter checkRecovered: the records kept are 1..k and the
// mark is k.
func checkMark(t *testing.T, dir string, clock *testClock, minKept uint64) uint64 {
	t.Helper()
	a := openTest(t, dir, clock)
	defer crash(a)
	got, bad := scanAll(t, dir, "acme")
	k := uint64(len(got["acme"]))
	if len(bad) > 0 || !slices.Equal(got["acme"], seqs(1, k)) || k < minKept {
		t.Fatalf("recovered %v (bad %v), want a prefix of at least %d", got["acme"], bad, minKept)
	}
	if ok, err := a.Append("acme", k, k, value("acme", k)); ok || err != nil {
		t.Fatalf("Append(%d) = %v, %v at mark %d", k, ok, err, k)
	}
	if ok, err := a.Append("acme", k+1, k+1, value("acme", k+1)); !ok || err != nil {
		t.Fatalf("Append(%d) = %v, %v at mark %d", k+1, ok, err, k)
	}
	return k
}

func TestCrashRecoveryGarbageTail(t *testing.T) {
	const n = 100
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		name string
		tail func(full []byte) []byte
	}{
		{"random bytes", func([]byte) []byte {
			b := make([]byte, 300)
			for i := range b {
				b[i] = byte(rng.UintN(256))
			}
			return b
		}},
		{"zeros", func([]byte) []byte { return make([]byte, 4096) }},
		{"copy of the start", func(full []byte) []byte { return full[:len(full)/2] }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			clock := newClock()
			path, full := crashedFile(t, dir, clock, n)
			data := append(slices.Clone(full), tc.tail(full)...)
			if err := os.WriteFile(path, data, 0o640); err != nil {
				t.Fatal(err)
			}
			checkRecovered(t, dir, clock, n, n)
		})
	}
}

func TestCrashRecoveryClosesPastHour(t *testing.T) {
	dir := t.TempDir()
	clock := newClock()
	crashedFile(t, dir, clock, 50)
	clock.Add(2 * time.Hour)
	a := openTest(t, dir, clock)
	if n := len(openFiles(t, dir, "acme")); n != 0 {
		t.Fatalf("%d open files after recovery in a later hour", n)
	}
	if n := len(closedFiles(t, dir, "acme")); n != 1 {
		t.Fatalf("%d closed files", n)
	}
	mustVerifyOK(t, dir)
	if ok, _ := a.Append("acme", 50, 50, value("acme", 50)); ok {
		t.Fatal("mark not restored from the manifest")
	}
	mustAppend(t, a, "acme", 51)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	// The mark comes from the manifest after a clean Close too.
	a = openTest(t, dir, clock)
	if ok, _ := a.Append("acme", 51, 51, value("acme", 51)); ok {
		t.Fatal("mark not restored from the manifest")
	}
	crash(a)
	mustVerifyOK(t, dir)
}

func TestCrashRecoveryEmptyOpenFile(t *testing.T) {
	dir := t.TempDir()
	clock := newClock()
	path, _ := crashedFile(t, dir, clock, 10)
	if err := os.WriteFile(path, nil, 0o640); err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Hour)
	checkRecovered(t, dir, clock, 0, 10)
	if n := len(closedFiles(t, dir, "acme")); n != 1 {
		t.Errorf("%d closed files, want 1 (the empty one removed)", n)
	}
}

func TestCrashWhileClosing(t *testing.T) {
	// build closes three hours and crashes.
	build := func(t *testing.T) (string, *testClock) {
		dir := t.TempDir()
		clock := newClock()
		a := openTest(t, dir, clock)
		for seq := uint64(1); seq <= 30; seq++ {
			mustAppend(t, a, "acme", seq)
			if seq%10 == 0 {
				clock.Add(time.Hour)
				if err := a.Rotate(); err != nil {
					t.Fatal(err)
				}
			}
		}
		crash(a)
		return dir, clock
	}
	manifest := func(dir string) string { return filepath.Join(dir, "acme", manifestName) }
	last := func(dir string) string { return filepath.Join(dir, "acme", "2026-12-07T19.arc.zst") }

	t.Run("chained, not renamed", func(t *testing.T) {
		dir, clock := build(t)
		if err := os.Rename(last(dir), strings.TrimSuffix(last(dir), closedExt)+openExt); err != nil {
			t.Fatal(err)
		}
		rep, err := Verify(dir)
		if err != nil || rep.OK() || rep.FirstBroken != last(dir) {
			t.Fatalf("Verify before Open: %v, %v", rep, err)
		}
		a := openTest(t, dir, clock)
		if ok, _ := a.Append("acme", 30, 30, value("acme", 30)); ok {
			t.Fatal("mark lost")
		}
		crash(a)
		mustVerifyOK(t, dir)
		got, _ := scanAll(t, dir, "acme")
		if !slices.Equal(got["acme"], seqs(1, 30)) {
			t.Errorf("records %v", got["acme"])
		}
	})
	// Crash in the middle of the manifest append: the file is still open.
	t.Run("torn manifest line", func(t *testing.T) {
		dir, clock := build(t)
		b := readBytes(t, manifest(dir))
		if err := os.WriteFile(manifest(dir), b[:len(b)-10], 0o640); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(last(dir), strings.TrimSuffix(last(dir), closedExt)+openExt); err != nil {
			t.Fatal(err)
		}
		a := openTest(t, dir, clock)
		if ok, _ := a.Append("acme", 30, 30, value("acme", 30)); ok {
			t.Fatal("mark lost")
		}
		crash(a)
		mustVerifyOK(t, dir)
		lines, _, _, _ := readManifest(manifest(dir))
		if len(lines) != 3 || lines[2].rec.File != filepath.Base(last(dir)) {
			t.Errorf("manifest %+v", lines)
		}
	})
	// A closed file the manifest does not hold was not closed by the
	// archive: Open does not adopt it (that would launder a tampered
	// file whose manifest line was cut), Verify reports it.
	t.Run("closed file not chained", func(t *testing.T) {
		dir, clock := build(t)
		b := readBytes(t, manifest(dir))
		i := bytes.LastIndexByte(b[:len(b)-1], '\n')
		if err := os.WriteFile(manifest(dir), b[:i+1], 0o640); err != nil {
			t.Fatal(err)
		}
		crash(openTest(t, dir, clock))
		rep, err := Verify(dir)
		if err != nil {
			t.Fatal(err)
		}
		if rep.OK() || rep.Problems[0].Kind != ProblemUnlisted || rep.FirstBroken != last(dir) {
			t.Errorf("Verify: %v", rep.Problems)
		}
	})
}
