package syslog

import (
	"bytes"
	"context"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/agent/source"
)

// maxDatagram holds any UDP payload (65507 bytes over IPv4, 65527 over
// IPv6), so the kernel never cuts a datagram without us knowing its size.
const maxDatagram = 64 << 10

// dropLogEvery is the most often dropped datagrams are logged.
const dropLogEvery = time.Minute

// readUDP reads datagrams, one message each, until the socket is closed.
// It never waits for the store: a datagram with no room in the queue is
// dropped and counted, since waiting would only move the loss to the
// kernel's buffer, where nobody counts it.
func (s *Source) readUDP(ctx context.Context, pc net.PacketConn) {
	buf := make([]byte, maxDatagram)
	for {
		n, _, err := pc.ReadFrom(buf)
		if n > 0 {
			if l, ok := datagramLine(buf[:n], s.cfg.MaxLineBytes); ok {
				s.count([]source.Line{l})
				if !s.q.offer(l) {
					s.drops.drop()
				}
			}
		}
		if err != nil {
			if ctx.Err() != nil || isClosed(err) {
				return
			}
			// Reads on an unconnected UDP socket fail only for reasons
			// that pass (buffers); do not spin on them.
			s.logger.Warn("udp read failed", "error", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
}

// datagramLine makes a line of a datagram: trailing terminators some
// senders add are stripped, and a message longer than limit keeps its
// first limit bytes, flagged. Empty datagrams carry nothing.
func datagramLine(p []byte, limit int) (source.Line, bool) {
	if len(p) > limit {
		return source.Line{Raw: bytes.Clone(p[:limit]), Truncated: true, Length: len(p)}, true
	}
	p = bytes.TrimRight(p, "\r\n\x00")
	if len(p) == 0 {
		return source.Line{}, false
	}
	return source.Line{Raw: bytes.Clone(p), Length: len(p)}, true
}

// dropLog counts dropped datagrams and logs them without flooding: at the
// first drop, then at most once a minute with the count since the last
// report.
type dropLog struct {
	logger hclog.Logger
	total  atomic.Uint64

	mu       sync.Mutex
	unlogged uint64
	last     time.Time
}

// drop counts one dropped datagram.
func (d *dropLog) drop() {
	d.total.Add(1)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.unlogged++
	if d.last.IsZero() || time.Since(d.last) >= dropLogEvery {
		d.report("spool cannot keep up: dropping UDP datagrams (UDP has no flow control; drops are counted)")
	}
}

// tick reports drops not yet logged once a minute has passed since the
// last report, so a burst that stopped is still logged.
func (d *dropLog) tick() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.unlogged > 0 && time.Since(d.last) >= dropLogEvery {
		d.report("UDP datagrams dropped")
	}
}

// flush reports what is left unlogged (at shutdown).
func (d *dropLog) flush() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.unlogged > 0 {
		d.report("UDP datagrams dropped")
	}
}

func (d *dropLog) report(msg string) {
	d.logger.Warn(msg, "dropped", d.unlogged, "dropped_total", d.total.Load())
	d.unlogged = 0
	d.last = time.Now()
}
