package syslog_test

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/agent/syslog"
	"github.com/sluicehq/sluice/pkg/multiline"
)

// Over TCP, each connection joins its own messages: a Java stack trace
// sent line by line (continuation lines without a syslog header) is one
// event, and two senders interleaving do not mix. The last event of a
// connection that stays open is flushed after flush_timeout; the last of
// one that closes, at once.
func TestTCPMultilinePerConnection(t *testing.T) {
	sp := openSpool(t)
	src := start(t, syslog.Config{
		Listen:    "tcp://127.0.0.1:0",
		Multiline: &multiline.Config{Pattern: `^<\d{1,3}>`, Negate: true, FlushTimeout: 300 * time.Millisecond},
	}, sp)
	dial := func() net.Conn {
		c, err := net.Dial("tcp", src.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	a, b := dial(), dial()
	write := func(c net.Conn, s string) {
		if _, err := c.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	write(a, "<11>May  1 12:00:00 app[1]: request failed\n")
	write(b, "<14>May  1 12:00:00 web[2]: ok\n")
	write(a, "java.lang.IllegalStateException: boom\n")
	write(b, "<14>May  1 12:00:01 web[2]: still ok\n")
	write(a, "\tat a.B.c(B.java:1)\n")
	write(a, "<14>May  1 12:00:02 app[1]: next\n")
	time.Sleep(50 * time.Millisecond)
	_ = b.Close() // b's last event is complete: it closed
	// a's "next" is held until flush_timeout passes with a open.
	es := spooled(t, sp, 4)
	got := sorted(raws(es))
	want := sorted([]string{
		"<11>May  1 12:00:00 app[1]: request failed\njava.lang.IllegalStateException: boom\n\tat a.B.c(B.java:1)",
		"<14>May  1 12:00:00 web[2]: ok",
		"<14>May  1 12:00:01 web[2]: still ok",
		"<14>May  1 12:00:02 app[1]: next",
	})
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	// The connection stays usable after the flush.
	write(a, "<14>May  1 12:00:03 app[1]: after\n\tmore\n")
	_ = a.Close()
	es = spooled(t, sp, 5)
	if last := string(es[4].GetRaw()); last != "<14>May  1 12:00:03 app[1]: after\n\tmore" {
		t.Fatalf("after the flush: %q", last)
	}
}

func TestMultilineRefusedOnUDP(t *testing.T) {
	_, err := syslog.New(syslog.Config{SourceID: "u", Listen: "udp://127.0.0.1:0", Multiline: &multiline.Config{Mode: multiline.ModeJava}}, openSpool(t), nil)
	if err == nil || !strings.Contains(err.Error(), "not to UDP") {
		t.Fatalf("error %v", err)
	}
}
