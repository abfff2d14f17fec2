package gctune

import (
	"math"
	"runtime/debug"
	"testing"
)

// LimitRaised sets the soft limit (raised later only above the live
// heap), and an explicit GOMEMLIMIT wins.
func TestLimitRaised(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })

	t.Setenv("GOMEMLIMIT", "1GiB")
	LimitRaised(40<<20, 1.5)
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Fatalf("with GOMEMLIMIT set the limit changed to %d", got)
	}

	t.Setenv("GOMEMLIMIT", "")
	LimitRaised(40<<20, 0.5) // a factor under 1 would starve the collector: ignored
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Fatalf("a factor under 1 set the limit to %d", got)
	}
	LimitRaised(1<<40, 1.5) // far above any live heap a test holds
	if got := debug.SetMemoryLimit(-1); got != 1<<40 {
		t.Fatalf("limit = %d, want %d", got, int64(1<<40))
	}
	if floor.Load() != 1<<40 || raise.Load() != 1500 {
		t.Fatalf("floor %d, raise %d", floor.Load(), raise.Load())
	}
	LimitRaised(0, 1.5) // 0: no limit asked, nothing changes
	if got := debug.SetMemoryLimit(-1); got != 1<<40 || got == math.MaxInt64 {
		t.Fatalf("limit 0 changed the limit to %d", got)
	}
}
