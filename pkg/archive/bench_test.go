package archive

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// corpusLines reads the loghub sample logs (docs in
// /work/shared/corpus/README.md): real log lines of 11 systems.
func corpusLines(b *testing.B) [][]byte {
	b.Helper()
	files, _ := filepath.Glob("/work/shared/corpus/loghub/*/*_2k.log")
	if len(files) == 0 {
		b.Skip("loghub corpus absent (/work/shared/corpus/loghub)")
	}
	var lines [][]byte
	for _, p := range files {
		f, err := os.Open(p)
		if err != nil {
			b.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			lines = append(lines, append([]byte(nil), sc.Bytes()...))
		}
		_ = f.Close()
	}
	return lines
}

// BenchmarkAppend appends real log lines, syncing every syncEvery records
// as the mediator does per batch. ns/op is per record; ratio is raw bytes
// over compressed bytes for one pass over the corpus (each line once, so
// repeats do not flatter it).
//
// Figures on the development machine (2 CPUs, go test -bench Append
// -benchtime 200000x, sync every 500 records), 22k lines, 2.8 MB:
// see the package documentation.
func BenchmarkAppend(b *testing.B) {
	lines := corpusLines(b)
	for _, bc := range []struct{ level, syncEvery int }{
		{1, 500}, {3, 500}, {7, 500}, {11, 500},
		// Without fsyncs: the compression's own CPU.
		{1, 1 << 30}, {3, 1 << 30},
	} {
		level, syncEvery := bc.level, bc.syncEvery
		name := fmt.Sprintf("level=%d/sync=%d", level, syncEvery)
		if syncEvery == 1<<30 {
			name = fmt.Sprintf("level=%d/sync=end", level)
		}
		b.Run(name, func(b *testing.B) {
			ratio := func() float64 {
				dir := b.TempDir()
				a, err := Open(Config{Dir: dir, Level: level})
				if err != nil {
					b.Fatal(err)
				}
				for i, l := range lines {
					if _, err := a.Append("acme", uint64(i+1), uint64(i+1), l); err != nil {
						b.Fatal(err)
					}
					if i%syncEvery == 0 {
						if err := a.Sync(); err != nil {
							b.Fatal(err)
						}
					}
				}
				if err := a.Close(); err != nil {
					b.Fatal(err)
				}
				st := a.Stats()
				return float64(st.RawBytes) / float64(st.Bytes)
			}()

			dir := b.TempDir()
			a, err := Open(Config{Dir: dir, Level: level})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cpuTime()
			start := time.Now()
			var raw int64
			for i := 0; i < b.N; i++ {
				l := lines[i%len(lines)]
				raw += int64(len(l))
				if _, err := a.Append("acme", uint64(i+1), uint64(i+1), l); err != nil {
					b.Fatal(err)
				}
				if i%syncEvery == syncEvery-1 {
					if err := a.Sync(); err != nil {
						b.Fatal(err)
					}
				}
			}
			if err := a.Sync(); err != nil {
				b.Fatal(err)
			}
			elapsed := time.Since(start)
			cpu := cpuTime() - cpu0
			b.StopTimer()
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/record")
			b.ReportMetric(float64(raw)/1e6/elapsed.Seconds(), "MB/s")
			b.ReportMetric(ratio, "ratio")
			if err := a.Close(); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// cpuTime is the process's user and system CPU time: the fsyncs of Sync
// make wall time per record say more about the disk than about the CPU the
// compression costs.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
