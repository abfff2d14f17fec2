package archive

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	clock := newClock()
	a := openTest(t, dir, clock)
	for seq := uint64(1); seq <= 500; seq++ {
		org := []string{"acme", "", "a/b"}[seq%3]
		mustAppend(t, a, org, seq)
		if seq%100 == 0 {
			mustSync(t, a)
		}
	}
	// Not yet synced: Scan reads the open files up to their last flush.
	mustSync(t, a)
	got, bad := scanAll(t, dir, "")
	if len(bad) > 0 {
		t.Fatalf("bad files: %v", bad)
	}
	want := map[string][]uint64{}
	for seq := uint64(1); seq <= 500; seq++ {
		org := []string{"acme", "default", "a/b"}[seq%3]
		want[org] = append(want[org], seq)
	}
	for org, w := range want {
		if !slices.Equal(got[org], w) {
			t.Errorf("org %q: got %d records, want %d", org, len(got[org]), len(w))
		}
	}
	// One organization, by name; "" and "default" are one organization.
	one, _ := scanAll(t, dir, "a/b")
	if len(one) != 1 || !slices.Equal(one["a/b"], want["a/b"]) {
		t.Errorf("Scan(a/b) = %v", one)
	}
	if _, err := os.Stat(filepath.Join(dir, "a%2Fb")); err != nil {
		t.Errorf("organization directory not escaped: %v", err)
	}
	// Already appended: skipped.
	for _, seq := range []uint64{3, 499} {
		org := []string{"acme", "", "a/b"}[seq%3]
		if ok, err := a.Append(org, seq, seq, value(org, seq)); ok || err != nil {
			t.Errorf("re-Append(%d) = %v, %v; want false, nil", seq, ok, err)
		}
	}
	st := a.Stats()
	if st.Records != 500 || st.OpenFiles != 3 || st.Bytes == 0 || st.RawBytes == 0 {
		t.Errorf("Stats = %+v", st)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Append("acme", 1000, 1000, nil); !errors.Is(err, ErrClosed) {
		t.Errorf("Append after Close: %v, want ErrClosed", err)
	}
	if err := a.Sync(); !errors.Is(err, ErrClosed) {
		t.Errorf("Sync after Close: %v, want ErrClosed", err)
	}
	rep := mustVerifyOK(t, dir)
	if rep.Files != 3 {
		t.Errorf("Verify checked %d files, want 3", rep.Files)
	}
	got2, _ := scanAll(t, dir, "")
	for org, w := range want {
		if !slices.Equal(got2[org], w) {
			t.Errorf("after Close, org %q: got %d records, want %d", org, len(got2[org]), len(w))
		}
	}
}

func TestRotationAndChain(t *testing.T) {
	dir := t.TempDir()
	clock := newClock()
	a := openTest(t, dir, clock)
	seq := uint64(0)
	for h := 0; h < 3; h++ {
		for i := 0; i < 10; i++ {
			seq++
			mustAppend(t, a, "acme", seq)
		}
		mustSync(t, a)
		clock.Add(20 * time.Minute)
		if err := a.Rotate(); err != nil {
			t.Fatal(err)
		}
		if n := len(closedFiles(t, dir, "acme")); n != h {
			t.Fatalf("hour %d: %d closed files before the hour ended, want %d", h, n, h)
		}
		clock.Add(40 * time.Minute)
		if err := a.Rotate(); err != nil {
			t.Fatal(err)
		}
		if n := len(closedFiles(t, dir, "acme")); n != h+1 {
			t.Fatalf("hour %d: %d closed files, want %d", h, n, h+1)
		}
	}
	// Append rotates by itself when the hour changed.
	seq++
	mustAppend(t, a, "acme", seq)
	clock.Add(time.Hour)
	seq++
	mustAppend(t, a, "acme", seq)
	if n := len(closedFiles(t, dir, "acme")); n != 4 {
		t.Fatalf("Append did not rotate: %d closed files", n)
	}
	// Close chains the current hour; a restart in the hour writes part 1.
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	a = openTest(t, dir, clock)
	seq++
	mustAppend(t, a, "acme", seq)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	files, err := List(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f.Path))
		if f.Open || f.SHA256 == "" || f.Records == 0 || f.Organization != "acme" {
			t.Errorf("List: %+v", f)
		}
	}
	wantNames := []string{"2026-12-07T17.arc.zst", "2026-12-07T18.arc.zst", "2026-12-07T19.arc.zst", "2026-12-07T20.arc.zst", "2026-12-07T21.arc.zst", "2026-12-07T21.1.arc.zst"}
	if !slices.Equal(names, wantNames) {
		t.Errorf("files %v, want %v", names, wantNames)
	}
	if files[0].FirstSeq != 1 || files[0].LastSeq != 10 || files[0].Records != 10 {
		t.Errorf("first file %+v", files[0])
	}
	lines, _, torn, err := readManifest(filepath.Join(dir, "acme", manifestName))
	if err != nil || torn || len(lines) != 6 {
		t.Fatalf("manifest: %d lines, torn %v, %v", len(lines), torn, err)
	}
	prev := ""
	for i, l := range lines {
		if l.err != nil || l.rec.Seq != uint64(i+1) || l.rec.Prev != prev || l.rec.Hash != l.rec.computeHash() {
			t.Errorf("manifest line %d: %+v", i+1, l)
		}
		prev = l.rec.Hash
	}
	mustVerifyOK(t, dir)
	got, _ := scanAll(t, dir, "acme")
	if !slices.Equal(got["acme"], seqs(1, seq)) {
		t.Errorf("Scan: %v", got["acme"])
	}
	// A time range selects whole hours.
	var hours []uint64
	from := time.Date(2026, 12, 7, 18, 30, 0, 0, time.UTC)
	to := time.Date(2026, 12, 7, 20, 0, 0, 0, time.UTC)
	if err := Scan(dir, "acme", from, to, func(r Record) error {
		hours = append(hours, r.First)
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(hours, seqs(11, 30)) {
		t.Errorf("Scan [18:30, 20:00) = %v, want 11-30", hours)
	}
}

func TestVerifyDetectsTampering(t *testing.T) {
	const org = "acme"
	// build writes four closed hours and an open one.
	build := func(t *testing.T) (string, []string) {
		dir := t.TempDir()
		clock := newClock()
		a := openTest(t, dir, clock)
		seq := uint64(0)
		for h := 0; h < 5; h++ {
			for i := 0; i < 50; i++ {
				seq++
				mustAppend(t, a, org, seq)
			}
			if h < 4 {
				clock.Add(time.Hour)
				if err := a.Rotate(); err != nil {
					t.Fatal(err)
				}
			}
		}
		mustSync(t, a)
		crash(a)
		mustVerifyOK(t, dir)
		return dir, closedFiles(t, dir, org)
	}
	editManifest := func(t *testing.T, dir string, edit func(lines []string) []string) {
		p := filepath.Join(dir, org, manifestName)
		lines := strings.Split(strings.TrimSuffix(string(readBytes(t, p)), "\n"), "\n")
		lines = edit(lines)
		if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name   string
		tamper func(t *testing.T, dir string, files []string)
		kind   ProblemKind
		first  int // index of the file FirstBroken names; -1: the manifest
	}{
		{"byte flip", func(t *testing.T, dir string, files []string) {
			b := readBytes(t, files[1])
			b[len(b)/2] ^= 0x10
			if err := os.WriteFile(files[1], b, 0o640); err != nil {
				t.Fatal(err)
			}
		}, ProblemChecksum, 1},
		{"deleted file", func(t *testing.T, dir string, files []string) {
			if err := os.Remove(files[2]); err != nil {
				t.Fatal(err)
			}
		}, ProblemMissing, 2},
		{"swapped files", func(t *testing.T, dir string, files []string) {
			tmp := files[0] + ".x"
			for _, r := range [][2]string{{files[0], tmp}, {files[1], files[0]}, {tmp, files[1]}} {
				if err := os.Rename(r[0], r[1]); err != nil {
					t.Fatal(err)
				}
			}
		}, ProblemChecksum, 0},
		{"renamed file", func(t *testing.T, dir string, files []string) {
			if err := os.Rename(files[3], filepath.Join(dir, org, "2026-12-08T05.arc.zst")); err != nil {
				t.Fatal(err)
			}
		}, ProblemMissing, 3},
		{"edited manifest line", func(t *testing.T, dir string, files []string) {
			editManifest(t, dir, func(l []string) []string {
				l[1] = strings.Replace(l[1], `"records":50`, `"records":49`, 1)
				return l
			})
		}, ProblemChain, 1},
		{"removed manifest line", func(t *testing.T, dir string, files []string) {
			editManifest(t, dir, func(l []string) []string { return slices.Delete(l, 1, 2) })
		}, ProblemChain, 1},
		{"re-ordered manifest lines", func(t *testing.T, dir string, files []string) {
			editManifest(t, dir, func(l []string) []string {
				l[1], l[2] = l[2], l[1]
				return l
			})
		}, ProblemChain, 1},
		{"extra file", func(t *testing.T, dir string, files []string) {
			if err := os.WriteFile(filepath.Join(dir, org, "2026-12-07T16.arc.zst"), readBytes(t, files[0]), 0o640); err != nil {
				t.Fatal(err)
			}
		}, ProblemUnlisted, -2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, files := build(t)
			if len(files) != 4 {
				t.Fatalf("%d closed files", len(files))
			}
			tc.tamper(t, dir, files)
			rep, err := Verify(dir)
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() {
				t.Fatal("Verify found nothing")
			}
			var kinds []ProblemKind
			for _, p := range rep.Problems {
				kinds = append(kinds, p.Kind)
			}
			if !slices.Contains(kinds, tc.kind) {
				t.Errorf("problems %v, want a %s", rep.Problems, tc.kind)
			}
			want := filepath.Join(dir, org, "2026-12-07T16.arc.zst")
			if tc.first >= 0 {
				want = files[tc.first]
			}
			if rep.FirstBroken != want {
				t.Errorf("FirstBroken %s, want %s (problems %v)", rep.FirstBroken, want, rep.Problems)
			}
		})
	}
}
