package archive

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
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
	const syncEvery = 500
	for _, level := range []int{1, 3, 7, 11} {
		b.Run(fmt.Sprintf("level=%d", level), func(b *testing.B) {
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
			b.StopTimer()
			b.ReportMetric(float64(raw)/1e6/elapsed.Seconds(), "MB/s")
			b.ReportMetric(ratio, "ratio")
			if err := a.Close(); err != nil {
				b.Fatal(err)
			}
		})
	}
}
