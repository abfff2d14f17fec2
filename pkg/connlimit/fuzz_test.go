package connlimit

import (
	"fmt"
	"net"
	"net/netip"
	"testing"
)

// fuzzConn is the client side as the listener sees it: an address, and
// whether the listener closed it. Nothing else of net.Conn is used by
// admit, mark and Close.
type fuzzConn struct {
	net.Conn // nil: any other method panics, which the fuzzer would report
	addr     net.Addr
	closed   bool
}

func (c *fuzzConn) RemoteAddr() net.Addr { return c.addr }
func (c *fuzzConn) Close() error         { c.closed = true; return nil }

// FuzzLimits drives a Listener through any sequence of arrivals, busy and
// idle marks and closes, and checks after each step what the limits
// promise: never more than Max open, nor more than PerAddress from one
// address; a busy connection is never closed to make room; a newcomer is
// refused only when every connection in its way is busy; Stats agree.
//
// Each input byte is one step: the low two bits choose arrive, busy,
// idle or close, the rest the address (one of four) or the connection.
func FuzzLimits(f *testing.F) {
	f.Add(uint8(2), uint8(1), []byte{0, 4, 8, 12, 0, 4})
	f.Add(uint8(3), uint8(2), []byte{0, 1, 0, 5, 0, 0, 2, 0, 3, 0})
	f.Add(uint8(1), uint8(1), []byte{0, 1, 0, 7, 0})
	f.Fuzz(func(t *testing.T, maxConns, perAddr uint8, ops []byte) {
		cfg := Config{Max: int(maxConns % 8), PerAddress: int(perAddr % 4), Now: tick()}
		l := New(nil, cfg)
		type live struct {
			lc   *conn
			fc   *fuzzConn
			busy bool
		}
		var open []*live // admitted, not closed
		var gone []*conn // closed by us or reclaimed: closing again is a no-op
		var refused, reclaimed uint64
		addrs := []string{"192.0.2.1:1", "192.0.2.2:1", "[2001:db8::1]:1", "[2001:db8::2]:1"} // the IPv6 two share a /64
		key := func(i int) netip.Prefix { return addressKey(tcpAddr(addrs[i])) }
		for step, b := range ops {
			arg := int(b >> 2)
			switch b & 3 {
			case 0: // arrive
				a := arg % len(addrs)
				k := key(a)
				sameAddr, anyIdle, sameIdle := 0, false, false
				for _, x := range open {
					same := x.lc.key == k
					if same {
						sameAddr++
					}
					if !x.busy {
						anyIdle = true
						sameIdle = sameIdle || same
					}
				}
				fullAddr := cfg.PerAddress > 0 && sameAddr >= cfg.PerAddress
				fullMax := cfg.Max > 0 && len(open) >= cfg.Max
				fc := &fuzzConn{addr: tcpAddr(addrs[a])}
				lc := l.admit(fc)
				mustRefuse := (fullAddr && !sameIdle) || (!fullAddr && fullMax && !anyIdle)
				if lc == nil {
					if !mustRefuse {
						t.Fatalf("step %d: refused from %s with a reclaimable connection in the way (open %d, from it %d)", step, addrs[a], len(open), sameAddr)
					}
					if !fc.closed {
						t.Fatalf("step %d: a refused connection was left open", step)
					}
					refused++
					break
				}
				if mustRefuse {
					t.Fatalf("step %d: admitted from %s over a limit with every connection busy", step, addrs[a])
				}
				// At most one victim, idle, and of the newcomer's address
				// when that address was full.
				victims := 0
				for i := 0; i < len(open); i++ {
					x := open[i]
					if !x.fc.closed {
						continue
					}
					victims++
					if x.busy {
						t.Fatalf("step %d: a busy connection was closed to make room", step)
					}
					if fullAddr && x.lc.key != k {
						t.Fatalf("step %d: per-address limit of %s reclaimed another address's connection", step, addrs[a])
					}
					gone = append(gone, x.lc)
					open = append(open[:i], open[i+1:]...)
					i--
				}
				if want := btoi(fullAddr || fullMax); victims != want {
					t.Fatalf("step %d: %d connections reclaimed, want %d", step, victims, want)
				}
				reclaimed += uint64(victims)
				open = append(open, &live{lc: lc, fc: fc})
			case 1, 2: // busy, idle
				if len(open) == 0 {
					break
				}
				x := open[arg%len(open)]
				x.busy = b&3 == 1
				if x.busy {
					l.Busy(x.lc)
				} else {
					l.Idle(x.lc)
				}
			case 3: // close, ours or one already gone
				if all := len(open) + len(gone); all > 0 {
					i := arg % all
					if i < len(open) {
						_ = open[i].lc.Close()
						gone = append(gone, open[i].lc)
						open = append(open[:i], open[i+1:]...)
					} else {
						_ = gone[i-len(open)].Close()
					}
				}
			}
			// The listener's books match.
			if st := l.Stats(); st != (Stats{Open: len(open), Refused: refused, Reclaimed: reclaimed}) {
				t.Fatalf("step %d: stats %+v, want open %d refused %d reclaimed %d", step, st, len(open), refused, reclaimed)
			}
			per := map[netip.Prefix]int{}
			for _, x := range open {
				per[x.lc.key]++
			}
			l.mu.Lock()
			got := fmt.Sprint(l.perAddr)
			for k, n := range per {
				if l.perAddr[k] != n || (cfg.PerAddress > 0 && n > cfg.PerAddress) {
					l.mu.Unlock()
					t.Fatalf("step %d: per address %s, want %v (limit %d)", step, got, per, cfg.PerAddress)
				}
			}
			if len(l.perAddr) != len(per) {
				l.mu.Unlock()
				t.Fatalf("step %d: per address %s, want %v", step, got, per)
			}
			l.mu.Unlock()
			if cfg.Max > 0 && len(open) > cfg.Max {
				t.Fatalf("step %d: %d open over max %d", step, len(open), cfg.Max)
			}
		}
	})
}

func tcpAddr(s string) *net.TCPAddr {
	a, err := net.ResolveTCPAddr("tcp", s)
	if err != nil {
		panic(err)
	}
	return a
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
