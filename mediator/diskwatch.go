package mediator

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/sluicehq/sluice/pkg/hclconf"
)

// diskWatch warns while the free space on the index's volume is under
// disk_warning_free: before suspense_min_free stops intake, an admin is
// told (log, metric, ARM event) that the index will soon fill the disk,
// with time to add space or shorten retention.
type diskWatch struct {
	dir string
	// floor is disk_warning_free; suspense is suspense_min_free (0: off),
	// said in the warning.
	floor, suspense int64
	free            func(dir string) (int64, error)
	// problem raises (text) or clears ("") the mediator's warning.
	problem func(text string)

	// freeBytes is the last measure (-1: none yet); low is whether it is
	// under the floor.
	freeBytes atomic.Int64
	low       atomic.Bool
}

func newDiskWatch(dir string, floor, suspense int64, problem func(string)) *diskWatch {
	w := &diskWatch{dir: dir, floor: floor, suspense: suspense, free: diskFree, problem: problem}
	w.freeBytes.Store(-1)
	return w
}

// check measures once and raises, updates or clears the warning.
func (w *diskWatch) check() {
	free, err := w.free(w.dir)
	if err != nil {
		// The index's own writes say more; the directory may not exist
		// before the first event.
		return
	}
	w.freeBytes.Store(free)
	low := free < w.floor
	if !low {
		if w.low.Swap(false) {
			w.problem("")
		}
		return
	}
	// Raised at every check while low, with the fresh figure (the
	// warnings log only a new cause, not new numbers).
	w.low.Store(true)
	// Free space rounded down to MiB, written as the settings are.
	text := fmt.Sprintf("index disk low: %s free on %s (disk_warning_free %s)", hclconf.SizeText(free>>20<<20), w.dir, hclconf.SizeText(w.floor))
	if w.suspense > 0 {
		text += fmt.Sprintf("; suspense stops intake under %s", hclconf.SizeText(w.suspense))
	}
	w.problem(text)
}

// run checks every `every` until ctx ends.
func (w *diskWatch) run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		w.check()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
