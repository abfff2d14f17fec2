package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// Each daemon, started by systemd as a Type=notify unit, sends READY=1
// once it serves and STOPPING=1 when it is told to stop.
func TestDaemonsNotifySystemd(t *testing.T) {
	configs := map[string]func(dir string) string{
		"mediator": func(dir string) string {
			return fmt.Sprintf("mediator {\n  id = \"dp-test\"\n  listen = \"127.0.0.1:0\"\n  http = \"127.0.0.1:0\"\n  data_dir = %q\n}\n\nindexer \"embedded\" {}\n",
				filepath.Join(dir, "mediator"))
		},
		"arm": func(dir string) string {
			return fmt.Sprintf("arm {\n  id = \"arm-test\"\n  listen = \"127.0.0.1:0\"\n  http = \"127.0.0.1:0\"\n  data_dir = %q\n}\n",
				filepath.Join(dir, "arm"))
		},
		"agent": func(dir string) string {
			sample := filepath.Join(dir, "auth.log")
			writeFile(t, sample, "")
			// No mediator listens there: the agent is ready all the same.
			return fmt.Sprintf("agent {\n  id = \"agent-test\"\n  data_dir = %q\n  mediators = [\"127.0.0.1:1\"]\n  insecure = true\n}\n\nsource \"file\" \"auth\" {\n  paths = [%q]\n  log_source_type = \"linux-auth\"\n}\n",
				filepath.Join(dir, "agent"), sample)
		},
	}
	for name, config := range configs {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := filepath.Join(dir, name+".hcl")
			writeFile(t, cfg, config(dir))
			// A short path: a unix socket's name has a limit of about 100 bytes.
			sock := filepath.Join(t.TempDir(), "notify")
			conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			t.Setenv("NOTIFY_SOCKET", sock)

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var (
				wg     sync.WaitGroup
				code   int
				stderr bytes.Buffer // written by the daemon until wg.Wait
			)
			wg.Add(1)
			go func() {
				defer wg.Done()
				code = dispatch(ctx, []string{name, "-config", cfg}, &bytes.Buffer{}, &stderr)
			}()
			expect := func(want string) {
				t.Helper()
				_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
				buf := make([]byte, 256)
				n, err := conn.Read(buf)
				if got := string(buf[:n]); err != nil || got != want {
					cancel()
					wg.Wait() // the daemon is done with stderr
					t.Fatalf("waiting for %s: got %q, %v; stderr:\n%s", want, got, err, stderr.String())
				}
			}
			expect("READY=1")
			cancel()
			expect("STOPPING=1")
			wg.Wait()
			if code != 0 {
				t.Fatalf("exit code %d; stderr:\n%s", code, stderr.String())
			}
		})
	}
}
