package mpe

import (
	"testing"
	"time"
)

// BenchmarkParse parses the OpenSSH and Elastic auth corpus lines with the
// starter rule set, round robin, and reports lines per second.
func BenchmarkParse(b *testing.B) {
	rs := starterRules(b)
	lines := corpusLines(b, corpusPath(b, "loghub", "OpenSSH", "OpenSSH_2k.log"))
	lines = append(lines, corpusLines(b, corpusPath(b, "elastic", "system", "auth", "test-auth.log"))...)
	entries := make([]Entry, len(lines))
	collected := time.Date(2017, 1, 15, 0, 0, 0, 0, time.UTC)
	for i, l := range lines {
		entries[i] = Entry{Raw: l, LogSourceType: "linux-auth", LogSource: "auth", Agent: "bench", Mediator: "m1", Seq: uint64(i), Collected: collected}
	}
	b.ReportAllocs()
	n := 0
	start := time.Now()
	for b.Loop() {
		rs.Parse(&entries[n%len(entries)])
		n++
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "lines/s")
}

// BenchmarkParseParallel is BenchmarkParse from all CPUs at once, as the
// mediator's MPE workers call it.
func BenchmarkParseParallel(b *testing.B) {
	rs := starterRules(b)
	lines := corpusLines(b, corpusPath(b, "loghub", "OpenSSH", "OpenSSH_2k.log"))
	collected := time.Date(2017, 1, 15, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			rs.Parse(&Entry{Raw: lines[i%len(lines)], LogSourceType: "linux-auth", Agent: "bench", Seq: uint64(i), Collected: collected})
			i++
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "lines/s")
}
