package e2e

import (
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// BenchmarkEndToEnd measures file → agent spool → gRPC → mediator state →
// MPE → embedded index, until every line is searchable. Each iteration
// moves 50,000 lines through a fresh agent and mediator.
func BenchmarkEndToEnd(b *testing.B) {
	const perIter = 50000
	var total time.Duration
	for range b.N {
		b.StopTimer()
		dir := b.TempDir()
		logPath := filepath.Join(dir, "auth.log")
		appendLines(b, logPath, 0, perIter)
		m, md := startMediator(b, filepath.Join(dir, "mediator"), "127.0.0.1:0")
		b.StartTimer()
		start := time.Now()
		ad := startAgent(b, filepath.Join(dir, "agent"), m.Addr(), logPath)
		waitAtLeast(b, m.Index(), perIter)
		total += time.Since(start)
		b.StopTimer()
		waitCount(b, m.Index(), perIter)
		ad.stop(b)
		md.stop(b)
	}
	b.ReportMetric(float64(perIter*b.N)/total.Seconds(), "events/s")
}

// BenchmarkFailover measures failover time: from the moment the active
// mediator is killed (connections dropped, no Shutdown) to the first
// acknowledged batch on the next one, over 20 kills, with lines flowing.
// The agent's reconnect jitter (which spreads reconnect storms) is part of
// the figure; the "nojitter" case shows the mechanism alone.
func BenchmarkFailover(b *testing.B) {
	for _, tc := range []struct {
		name   string
		jitter string
	}{{"jitter2s", "2s"}, {"nojitter", "0s"}} {
		b.Run(tc.name, func(b *testing.B) {
			for range b.N {
				failoverRuns(b, tc.jitter, 20)
			}
		})
	}
}

func failoverRuns(b *testing.B, jitter string, runs int) {
	b.StopTimer()
	c := newCluster(b, 2)
	logPath := filepath.Join(c.dir, "auth.log")
	cfgJitter = jitter
	defer func() { cfgJitter = "100ms" }()
	a := fastAgent(b, filepath.Join(c.dir, "agent"), c.addrs, logPath)
	ad := start(b, a.Run)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i += 50 {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			appendLines(b, logPath, i, i+50)
		}
	}()
	var times []time.Duration
	active := 0
	for range runs {
		deadline := time.Now().Add(30 * time.Second)
		for a.Uplink().Status().Current != c.addrs[active] || time.Since(a.Uplink().Status().LastAck) > 50*time.Millisecond {
			if time.Now().After(deadline) {
				b.Fatalf("agent not streaming to %s", c.addrs[active])
			}
			time.Sleep(5 * time.Millisecond)
		}
		next := 1 - active
		b.StartTimer()
		killed := time.Now()
		c.abort(active)
		for {
			st := a.Uplink().Status()
			// The first ack of the new session: acks of the old one can
			// still arrive just after the kill.
			if st.Current == c.addrs[next] && st.Connected.After(killed) && st.LastAck.After(st.Connected) {
				times = append(times, st.LastAck.Sub(killed))
				break
			}
			if time.Since(killed) > 30*time.Second {
				b.Fatal("no acknowledged batch on the next mediator within 30s")
			}
			time.Sleep(time.Millisecond)
		}
		b.StopTimer()
		c.start(active, "")
		active = next
	}
	close(stop)
	<-done
	ad.stop(b)
	slices.Sort(times)
	p50 := times[len(times)/2]
	p99 := times[min(len(times)-1, len(times)*99/100)]
	b.ReportMetric(float64(p50.Milliseconds()), "p50-ms")
	b.ReportMetric(float64(p99.Milliseconds()), "p99-ms")
	b.Logf("failover over %d kills (reconnect_jitter %s): p50 %v, p99 %v, max %v", len(times), jitter, p50.Round(time.Millisecond), p99.Round(time.Millisecond), times[len(times)-1].Round(time.Millisecond))
}
