// Package profiling writes CPU and heap profiles of a process when the
// environment asks for them (SLUICE_CPUPROFILE, SLUICE_MEMPROFILE): how the
// benchmark suite profiles the daemons and its own in-process stages.
package profiling

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"sync"
)

// Start writes a CPU profile to $SLUICE_CPUPROFILE (suffixed with name:
// PATH.<name>.pprof) until the returned stop is called.
// It is how the benchmark suite profiles the real processes (bench
// -profile DIR); unset, it costs nothing.
//
// With $SLUICE_MEMPROFILE set, it also writes heap profiles:
// PATH.<name>.<n>.heap.pprof each time the process gets SIGUSR1 (to see
// what holds memory while it is under load), and PATH.<name>.exit.heap.pprof
// at stop.
func Start(name string, stderr io.Writer) (stop func()) {
	stopMem := startMemProfile(name, stderr)
	path := os.Getenv("SLUICE_CPUPROFILE")
	if path == "" {
		return stopMem
	}
	f, err := os.Create(path + "." + name + ".pprof")
	if err != nil {
		fmt.Fprintln(stderr, "SLUICE_CPUPROFILE:", err)
		return stopMem
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintln(stderr, "SLUICE_CPUPROFILE:", err)
		_ = f.Close()
		return stopMem
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
		stopMem()
	}
}

// startMemProfile is the $SLUICE_MEMPROFILE part of Start.
func startMemProfile(name string, stderr io.Writer) (stop func()) {
	path := os.Getenv("SLUICE_MEMPROFILE")
	if path == "" {
		return func() {}
	}
	write := func(suffix string) {
		f, err := os.Create(fmt.Sprintf("%s.%s.%s.heap.pprof", path, name, suffix))
		if err == nil {
			// The profile is as of the last GC; that is what the heap
			// held live, which is what to look at.
			err = pprof.Lookup("heap").WriteTo(f, 0)
			err = errors.Join(err, f.Close())
		}
		if err != nil {
			fmt.Fprintln(stderr, "SLUICE_MEMPROFILE:", err)
		}
	}
	usr1 := make(chan os.Signal, 1)
	if len(dumpSignals) > 0 { // Notify with none would relay every signal
		signal.Notify(usr1, dumpSignals...)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for n := 1; ; n++ {
			select {
			case <-done:
				return
			case <-usr1:
				write(fmt.Sprint(n))
			}
		}
	}()
	return func() {
		signal.Stop(usr1)
		close(done)
		wg.Wait()
		write("exit")
	}
}
