package main

import (
	"fmt"
	"io"
	"os"
	"runtime/pprof"
)

// startProfile writes a CPU profile of the daemon to $SLUICE_CPUPROFILE
// (suffixed with the command name) until the returned stop is called.
// It is how the benchmark suite profiles the real processes (bench
// -profile DIR); unset, it costs nothing.
func startProfile(name string, stderr io.Writer) (stop func()) {
	path := os.Getenv("SLUICE_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path + "." + name + ".pprof")
	if err != nil {
		fmt.Fprintln(stderr, "SLUICE_CPUPROFILE:", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintln(stderr, "SLUICE_CPUPROFILE:", err)
		_ = f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}
}
