package syslog_test

import (
	"context"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/agent/syslog"
)

// A real sender: util-linux logger(1), in RFC 3164 and RFC 5424 formats,
// over UDP and TCP, LF-delimited and octet-counted, received with the
// default (auto) framing.
func TestUtilLinuxLogger(t *testing.T) {
	bin, err := exec.LookPath("logger")
	if err != nil {
		if os.Getenv("SLUICE_REQUIRE_LOGGER") == "1" {
			t.Fatal("logger (util-linux, Debian package bsdutils) is not on PATH and SLUICE_REQUIRE_LOGGER=1")
		}
		t.Skip("logger (util-linux, Debian package bsdutils) is not on PATH; install it to test against a real sender")
	}
	tests := []struct {
		name  string
		proto string
		args  []string
		stdin string
		want  []string // markers, one per message, in order
	}{
		{"udp rfc3164", "udp", []string{"--udp", "--rfc3164"}, "", []string{"marker-udp-3164"}},
		{"udp rfc5424", "udp", []string{"--udp", "--rfc5424"}, "", []string{"marker-udp-5424"}},
		{"tcp rfc5424 lf", "tcp", []string{"--tcp", "--rfc5424"}, "", []string{"marker-tcp-5424"}},
		{"tcp rfc3164 lf", "tcp", []string{"--tcp", "--rfc3164"}, "", []string{"marker-tcp-3164"}},
		{"tcp rfc3164 octet-counted", "tcp", []string{"--tcp", "--octet-count", "--rfc3164"}, "", []string{"marker-oc-3164"}},
		{"tcp rfc5424 octet-counted, lines from stdin", "tcp", []string{"--tcp", "--octet-count", "--rfc5424"}, "marker-stdin-1\nmarker-stdin-2\nmarker-stdin-3\n", []string{"marker-stdin-1", "marker-stdin-2", "marker-stdin-3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp := openSpool(t)
			src := start(t, syslog.Config{Listen: tt.proto + "://127.0.0.1:0"}, sp)
			_, port, _ := net.SplitHostPort(src.Addr().String())
			args := append([]string{"--server", "127.0.0.1", "--port", port, "-t", "sluicetest", "-p", "user.notice"}, tt.args...)
			if tt.stdin == "" {
				args = append(args, tt.want[0])
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, args...)
			cmd.Stdin = strings.NewReader(tt.stdin)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%s %q: %v\n%s", bin, args, err, out)
			}
			got := raws(spooled(t, sp, len(tt.want)))
			for i, l := range got {
				// <13> is user.notice; the message ends with the text sent,
				// without framing or newline.
				if !strings.HasPrefix(l, "<13>") || !strings.HasSuffix(l, tt.want[i]) || !strings.Contains(l, "sluicetest") {
					t.Fatalf("entry %d: %q, want <13>…sluicetest…%s", i, l, tt.want[i])
				}
			}
		})
	}
}
