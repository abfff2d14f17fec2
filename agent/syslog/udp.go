package syslog

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hashicorp/go-hclog"
	"golang.org/x/net/ipv4"

	"github.com/sluicehq/sluice/agent/source"
)

// maxDatagram holds any UDP payload (65507 bytes over IPv4, 65527 over
// IPv6), so the kernel never cuts a datagram without us knowing its size.
const maxDatagram = 64 << 10

// dropLogEvery is the most often dropped datagrams are logged.
const dropLogEvery = time.Minute

// udpBatch is how many datagrams one read takes (recvmmsg on Linux, one
// elsewhere): a syscall per datagram is what lets a flood outrun the
// reader.
const udpBatch = 16

// readUDP reads datagrams, one message each, until the socket is closed.
// It never waits for the store: datagrams with no room in the queue are
// dropped and counted, since waiting would only move the loss to the
// kernel's buffer (where it is counted too, but later and less
// precisely).
func (s *Source) readUDP(ctx context.Context, pc net.PacketConn) {
	bc := ipv4.NewPacketConn(pc)
	msgs := make([]ipv4.Message, udpBatch)
	for i := range msgs {
		msgs[i].Buffers = [][]byte{make([]byte, maxDatagram)}
	}
	lines := make([]source.Line, 0, udpBatch)
	for {
		n, err := bc.ReadBatch(msgs, 0)
		n = max(n, 0) // -1 with an error
		lines = lines[:0]
		for _, m := range msgs[:n] {
			if l, ok := datagramLine(m.Buffers[0][:m.N], s.cfg.MaxLineBytes); ok {
				lines = append(lines, l)
			}
		}
		if len(lines) > 0 {
			s.count(lines)
			if !s.q.offer(lines) {
				s.drops.add(uint64(len(lines)))
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

// setReadBuffer asks for a receive buffer of want bytes and returns what
// the kernel granted. Past net.core.rmem_max only a privileged process
// gets it (SO_RCVBUFFORCE); otherwise it gets the cap, and says so at
// start, since a small buffer is where a burst of datagrams is lost.
func (s *Source) setReadBuffer(uc *net.UDPConn, want int) (int, error) {
	if err := uc.SetReadBuffer(want); err != nil {
		return 0, fmt.Errorf("read_buffer: %w", err)
	}
	rc, err := uc.SyscallConn()
	if err != nil {
		return want, nil
	}
	got, err := readBuffer(rc)
	if err != nil {
		return want, nil // not Linux: trust the request
	}
	if got < want {
		if forceReadBuffer(rc, want) == nil {
			if g, err := readBuffer(rc); err == nil {
				got = g
			}
		}
	}
	if got < want {
		s.logger.Warn("read_buffer: the kernel granted a smaller UDP receive buffer than configured (capped by net.core.rmem_max for a process without CAP_NET_ADMIN); bursts beyond it are dropped by the kernel, and counted",
			"read_buffer", want, "granted", got, "fix", fmt.Sprintf("sysctl -w net.core.rmem_max=%d", want))
	}
	return got, nil
}

// dropCounter follows the socket's kernel drop counter. It is read at
// every flush tick, by Stats, and once more before the socket closes, so
// what the kernel dropped is counted even when no datagram follows.
type dropCounter struct {
	mu    sync.Mutex
	rc    syscall.RawConn // nil: not available
	last  uint32
	total uint64
}

// start begins counting on rc. A socket's counter starts at 0; reading it
// here makes the count start now whatever it holds.
func (d *dropCounter) start(rc syscall.RawConn) error {
	v, err := kernelDrops(rc)
	if err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.rc, d.last = rc, v
	return nil
}

// poll reads the counter and returns the total since start.
func (d *dropCounter) poll() uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.rc == nil {
		return d.total
	}
	if v, err := kernelDrops(d.rc); err == nil {
		d.total += uint64(v - d.last) // uint32 arithmetic: wraps like the counter
		d.last = v
	}
	return d.total
}

// stop reads the counter a last time; afterwards poll returns the total.
func (d *dropCounter) stop() {
	d.poll()
	d.mu.Lock()
	d.rc = nil
	d.mu.Unlock()
}

// dropLog counts dropped datagrams and logs them without flooding: at the
// first drop, then at most once a minute with the count since the last
// report.
type dropLog struct {
	logger hclog.Logger
	// msg is the warning; kv are fields added to it (read_buffer).
	msg   string
	kv    func() []any
	total atomic.Uint64

	mu       sync.Mutex
	unlogged uint64
	last     time.Time
}

// add counts n dropped datagrams.
func (d *dropLog) add(n uint64) {
	if n == 0 {
		return
	}
	d.total.Add(n)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.unlogged += n
	if d.last.IsZero() || time.Since(d.last) >= dropLogEvery {
		d.report()
	}
}

// tick reports drops not yet logged once a minute has passed since the
// last report, so a burst that stopped is still logged.
func (d *dropLog) tick() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.unlogged > 0 && time.Since(d.last) >= dropLogEvery {
		d.report()
	}
}

// flush reports what is left unlogged (at shutdown).
func (d *dropLog) flush() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.unlogged > 0 {
		d.report()
	}
}

func (d *dropLog) report() {
	kv := []any{"dropped", d.unlogged, "dropped_total", d.total.Load()}
	if d.kv != nil {
		kv = append(kv, d.kv()...)
	}
	d.logger.Warn(d.msg, kv...)
	d.unlogged = 0
	d.last = time.Now()
}
