package syslog_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sluicehq/sluice/agent/syslog"
	"github.com/sluicehq/sluice/internal/testkit"
)

// dialFrom connects to addr from the loopback address from (Linux routes
// all of 127/8 to lo, so each is a distinct client address).
func dialFrom(t *testing.T, from, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// slowSenders opens n connections from the given addresses in turn, each
// sending one byte of a message it never finishes.
func slowSenders(t *testing.T, addr string, from []string, n int) []net.Conn {
	t.Helper()
	conns := make([]net.Conn, n)
	for i := range conns {
		conns[i] = dialFrom(t, from[i%len(from)], addr)
		if _, err := conns[i].Write([]byte("<")); err != nil {
			t.Fatal(err)
		}
	}
	return conns
}

// messages counts the whole messages the store holds. The byte a slow
// connection sent is kept as a line of its own when the connection is
// closed (nothing read is dropped); it does not count.
func messages(store *fakeStore) int {
	lines, _ := store.snapshot()
	n := 0
	for _, l := range lines {
		if strings.HasPrefix(l, "<13>") {
			n++
		}
	}
	return n
}

// closedByPeer reports whether c reads EOF or a reset within wait.
func closedByPeer(c net.Conn, wait time.Duration) bool {
	_ = c.SetReadDeadline(time.Now().Add(wait))
	defer func() { _ = c.SetReadDeadline(time.Time{}) }()
	_, err := c.Read(make([]byte, 1))
	return err != nil && !isTimeout(err)
}

// With every slot of the default limits held by connections that sent one
// byte each (1,024 of them, from eight addresses), legitimate senders
// still get in, every line they send arrives, and a further 1,000 slow
// connections arriving while they stream do not cut them off.
func TestSlowSendersCannotHoldSlots(t *testing.T) {
	if testing.Short() {
		t.Skip("opens 2,000 connections")
	}
	t0 := time.Now()
	store := &fakeStore{}
	// The default limits; the first-message timeout is longer than the
	// test, so only the limits make room (TestFirstMessageTimeout).
	src := start(t, syslog.Config{Listen: "tcp://127.0.0.1:0", FirstMessageTimeout: 5 * time.Minute}, store)
	addr := src.Addr().String()
	var hostile []string
	for i := 2; i < 10; i++ {
		hostile = append(hostile, fmt.Sprintf("127.0.0.%d", i))
	}
	slowSenders(t, addr, hostile, syslog.DefaultMaxConnections)
	t.Logf("%s: slow connections open", time.Since(t0))
	testkit.Eventually(t, 10*time.Second, "every slot held", func() bool { return src.Stats().Connections == syslog.DefaultMaxConnections })
	if st := src.Stats(); st.Rejected != 0 || st.Reclaimed != 0 {
		t.Fatalf("stats %+v", st)
	}

	const senders, lines = 5, 200
	legit := make([]net.Conn, senders)
	for i := range legit {
		legit[i] = dialFrom(t, "127.0.0.1", addr)
		if _, err := fmt.Fprintf(legit[i], "<13>sender %d line %d\n", i, 0); err != nil {
			t.Fatal(err)
		}
	}
	testkit.Eventually(t, 10*time.Second, "the first line of every sender", func() bool { return messages(store) == senders })

	// More slow connections arrive while the senders stream.
	var wg sync.WaitGroup
	wg.Add(1)
	var floodErr error
	go func() {
		defer wg.Done()
		for i := range 1000 {
			d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(hostile[i%len(hostile)])}, Timeout: 5 * time.Second}
			c, err := d.Dial("tcp", addr)
			if err != nil {
				floodErr = err
				return
			}
			t.Cleanup(func() { _ = c.Close() })
			if _, err := c.Write([]byte("<")); err != nil {
				floodErr = err
				return
			}
		}
	}()
	for n := 1; n < lines; n++ {
		for i, c := range legit {
			if _, err := fmt.Fprintf(c, "<13>sender %d line %d\n", i, n); err != nil {
				t.Fatalf("sender %d, line %d: %v", i, n, err)
			}
		}
		time.Sleep(time.Millisecond)
	}
	wg.Wait()
	if floodErr != nil {
		t.Fatal(floodErr)
	}
	t.Logf("%s: flood sent", time.Since(t0))
	testkit.Eventually(t, 10*time.Second, "every line", func() bool { return messages(store) == senders*lines })
	for i, c := range legit {
		if closedByPeer(c, 10*time.Millisecond) {
			t.Fatalf("sender %d was cut off", i)
		}
	}
	got, _ := store.snapshot()
	seen := map[string]bool{}
	for _, l := range got {
		seen[l] = true
	}
	for i := range senders {
		for n := range lines {
			if l := fmt.Sprintf("<13>sender %d line %d", i, n); !seen[l] {
				t.Fatalf("missing %q", l)
			}
		}
	}
	t.Logf("%s: every line in", time.Since(t0))
	// Each newcomer took the slot of the oldest silent connection.
	testkit.Eventually(t, 10*time.Second, "every newcomer admitted", func() bool { return src.Stats().Reclaimed == senders+1000 })
	// Connections counts running handlers: a reclaimed connection is
	// closed at once but its handler ends a moment later, so the count
	// settles at the cap rather than being there when Reclaimed is.
	testkit.Eventually(t, 10*time.Second, "the handlers of reclaimed connections ended", func() bool {
		return src.Stats().Connections <= syslog.DefaultMaxConnections
	})
	if st := src.Stats(); st.Rejected != 0 {
		t.Fatalf("stats %+v", st)
	}
}

// One address cannot hold more than max_connections_per_address: its own
// silent connections make room for its new ones, and another address is
// served.
func TestMaxConnectionsPerAddress(t *testing.T) {
	store := &fakeStore{}
	src := start(t, syslog.Config{Listen: "tcp://127.0.0.1:0", MaxConnectionsPerAddress: 10}, store)
	addr := src.Addr().String()
	slow := slowSenders(t, addr, []string{"127.0.0.2"}, 100)
	testkit.Eventually(t, 10*time.Second, "90 reclaimed", func() bool { return src.Stats().Reclaimed == 90 })
	testkit.Eventually(t, 10*time.Second, "10 connections", func() bool { return src.Stats().Connections == 10 })
	if !closedByPeer(slow[0], time.Second) || closedByPeer(slow[99], 10*time.Millisecond) {
		t.Fatal("the oldest silent connections are to make room, the newest to stay")
	}

	// Ten senders from one address: the eleventh is refused, the
	// others (and other addresses) carry on.
	busy := make([]net.Conn, 10)
	for i := range busy {
		busy[i] = dialFrom(t, "127.0.0.3", addr)
		if _, err := fmt.Fprintf(busy[i], "<13>busy %d\n", i); err != nil {
			t.Fatal(err)
		}
	}
	testkit.Eventually(t, 10*time.Second, "10 lines", func() bool { return messages(store) == 10 })
	extra := dialFrom(t, "127.0.0.3", addr)
	if !closedByPeer(extra, 5*time.Second) {
		t.Fatal("an eleventh connection from one address was admitted")
	}
	if st := src.Stats(); st.Rejected != 1 {
		t.Fatalf("stats %+v", st)
	}
	other := dialFrom(t, "127.0.0.4", addr)
	if _, err := io.WriteString(other, "<13>another address\n"); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 10*time.Second, "11 lines", func() bool { return messages(store) == 11 })
}

// A connection that delivers no whole message within the first-message
// timeout is closed, though idle_timeout is long; one that did stays.
func TestFirstMessageTimeout(t *testing.T) {
	store := &fakeStore{}
	src := start(t, syslog.Config{Listen: "tcp://127.0.0.1:0", FirstMessageTimeout: 300 * time.Millisecond, IdleTimeout: time.Minute}, store)
	addr := src.Addr().String()
	trickle := dialFrom(t, "127.0.0.1", addr)
	sender := dialFrom(t, "127.0.0.1", addr)
	if _, err := io.WriteString(sender, "<13>hello\n"); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	// A byte every 100 ms does not keep a connection that never
	// finishes a message.
	var err error
	for time.Since(began) < 5*time.Second {
		if _, err = trickle.Write([]byte("x")); err != nil {
			break
		}
		if closedByPeer(trickle, 100*time.Millisecond) {
			err = io.EOF
			break
		}
	}
	if err == nil {
		t.Fatal("a trickling connection was kept for 5s")
	}
	if d := time.Since(began); d < 250*time.Millisecond {
		t.Fatalf("closed after %s, before the first-message timeout", d)
	}
	if closedByPeer(sender, 500*time.Millisecond) {
		t.Fatal("a sender was closed before its idle_timeout")
	}
	if _, err := io.WriteString(sender, "<13>still here\n"); err != nil && !errors.Is(err, io.EOF) {
		t.Fatal(err)
	}
	testkit.Eventually(t, 10*time.Second, "2 lines", func() bool { l, _ := store.snapshot(); return len(l) == 2 })
}
