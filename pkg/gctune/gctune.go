// Package gctune sets the Go collector as the mediator runs: GOGC=400
// for CPU, bounded by a soft memory limit; the agent uses a limit alone
// (LimitRaised) to stay within its memory budget. The daemons and the benchmark
// stages that stand in for them use the same settings.
package gctune

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
)

// Tune trades memory for CPU in the mediator: parsing allocates a
// little per line, and at the default GOGC=100 the collector takes about a
// seventh of the MPE's time. GOGC=400 gives that back (≈10% more lines
// per core, measured). It multiplies whatever the heap holds live,
// though, so the mediator bounds it with Limit. An explicit
// GOGC in the environment wins.
func Tune() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}

// Limit bounds the memory GOGC=400 trades for CPU: a soft limit
// (memory_limit) makes the collector run more often as the heap nears
// it, so a mediator under overload does not hold five times its live
// heap. The limit is raised to 2.5 times the live heap after each
// collection when that is more, so a large live heap (many agents) is
// collected no more often than at GOGC=100 instead of continuously. An
// explicit GOMEMLIMIT in the environment wins; 0 sets no limit.
func Limit(limit int64) { LimitRaised(limit, 2.5) }

// LimitRaised is Limit with the limit raised to factor times the live
// heap when that is more. The agent runs at the default GOGC=100 and
// uses 1.5: its small live heap (about 20 MiB) stays under its limit,
// which then bounds the collector's headroom, while an agent with a
// large live heap (thousands of connections) is collected at most as
// often as at GOGC=50, never continuously.
func LimitRaised(limit int64, factor float64) {
	if limit <= 0 || factor < 1 || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	floor.Store(limit)
	raise.Store(int64(factor * 1000))
	debug.SetMemoryLimit(limit)
	watchOnce.Do(watch)
}

var (
	floor     atomic.Int64 // the configured limit, under the raised one
	raise     atomic.Int64 // the factor, in thousandths
	watchOnce sync.Once
	live      = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
)

// watch raises the limit after every collection, for as long as the
// process runs.
func watch() {
	// The cleanup runs once the collection that finds the sentinel
	// unreachable is over: once per cycle.
	runtime.AddCleanup(&gcSentinel{}, func(struct{}) {
		metrics.Read(live)
		if live[0].Value.Kind() == metrics.KindUint64 {
			debug.SetMemoryLimit(max(floor.Load(), int64(live[0].Value.Uint64())*raise.Load()/1000))
		}
		watch()
	}, struct{}{})
}

// gcSentinel holds a pointer so that it is not a tiny allocation, whose
// cleanups may never run.
type gcSentinel struct{ _ *int }
