package tail_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// TestRotationStress interleaves writes, copytruncate and rename
// rotations, polls and agent restarts at random, and checks that every line
// is spooled exactly once.
func TestRotationStress(t *testing.T) {
	// STRESS_SEEDS=200 runs more; STRESS_SEED=n runs one, traced.
	seeds := 12
	if n, err := strconv.Atoi(os.Getenv("STRESS_SEEDS")); err == nil {
		seeds = n
	}
	if s := os.Getenv("STRESS_SEED"); s != "" {
		seeds = 0
		var n uint64
		fmt.Sscan(s, &n)
		stressOne(t, n)
		return
	}
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { stressOne(t, seed) })
	}
}

func stressOne(t *testing.T, seed uint64) {
	trace := os.Getenv("STRESS_SEED") != ""
	logf := func(f string, a ...any) {
		if trace {
			t.Logf(f, a...)
		}
	}
	{
		func() {
			rng := rand.New(rand.NewPCG(seed, 99))
			h := newHarness(t, "app.log*")
			defer func() { _ = h.sp.Close() }()
			path := filepath.Join(h.dir, "app.log")
			next, rotations := 0, 0
			var got []string
			for step := 0; step < 200; step++ {
				switch r := rng.IntN(10); {
				case r < 5:
					n := 1 + rng.IntN(40)
					h.write("app.log", lines("l", next, next+n))
					logf("write %d..%d", next, next+n-1)
					next += n
				case r == 5:
					rotations++
					copyFile(t, path, fmt.Sprintf("%s.%d", path, rotations))
					logf("copy to .%d", rotations)
					if rng.IntN(2) == 0 {
						logf("poll (between copy and truncate)")
						h.poll() // the copy seen before the truncation
					}
					logf("truncate")
					if err := os.Truncate(path, 0); err != nil && !os.IsNotExist(err) {
						t.Fatal(err)
					}
				case r == 6:
					rotations++
					if err := os.Rename(path, fmt.Sprintf("%s.%d", path, rotations)); err != nil && !os.IsNotExist(err) {
						t.Fatal(err)
					}
					logf("rename to .%d", rotations)
				case r == 7:
					logf("restart")
					h.restart()
				default:
					logf("poll")
					h.poll()
				}
				d := h.drain()
				if len(d) > 0 {
					logf("  -> %s .. %s (%d)", d[0], d[len(d)-1], len(d))
				}
				got = append(got, d...)
			}
			for range 4 {
				h.poll()
				got = append(got, h.drain()...)
			}
			seen := map[string]int{}
			for _, l := range got {
				seen[l]++
			}
			for i := 0; i < next; i++ {
				l := fmt.Sprintf("l line %d", i)
				if seen[l] != 1 {
					t.Fatalf("line %d seen %d times (%d lines, %d rotations)", i, seen[l], next, rotations)
				}
			}
			if len(got) != next {
				t.Fatalf("%d lines spooled, %d written", len(got), next)
			}
		}()
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		if os.IsNotExist(err) {
			return
		}
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	_ = out.Close()
}
