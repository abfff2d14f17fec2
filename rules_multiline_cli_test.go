package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// rules parse -multiline joins an event's lines as the agent's multiline
// { pattern, negate = true, match = "after" } does: one event per joined
// event, its lines kept with "\n".
func TestRulesParseMultiline(t *testing.T) {
	in := filepath.Join(t.TempDir(), "error.log")
	log := "2024/03/12 10:11:25 [error] 3131#3131: *77 open() \"/x\" failed (2: No such file or directory), client: 192.0.2.96, server: s, request: \"GET /x HTTP/1.1\"\n" +
		"2024/03/12 10:11:27 [error] 2050#2050: *18 FastCGI sent in stderr: \"PHP message: PHP Warning:  a\n" +
		"PHP message: PHP Warning:  b\n" +
		"\n" +
		"PHP message: PHP Warning:  c\" while reading response header from upstream, client: 192.0.2.7, server: s, request: \"GET /a.php HTTP/1.1\"\n" +
		"2024/03/12 10:11:28 [notice] 1#1: signal process started"
	if err := os.WriteFile(in, []byte(log), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, "rules", "parse", "-rules", "configs/rules", "-type", "nginx-error", "-progress-every", "0", "-multiline", `^\d{4}/\d{2}/\d{2} `, in)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d events, want 3:\n%s", len(lines), stdout)
	}
	var ev struct {
		Message string `json:"message"`
		Source  struct {
			IP string `json:"ip"`
		} `json:"source"`
	}
	if err := json.Unmarshal([]byte(lines[1]), &ev); err != nil {
		t.Fatal(err)
	}
	// The blank line is dropped, as the agent drops it.
	if strings.Count(ev.Message, "\n") != 2 || !strings.HasSuffix(ev.Message, `request: "GET /a.php HTTP/1.1"`) || ev.Source.IP != "192.0.2.7" {
		t.Fatalf("joined event %s", lines[1])
	}
	// Without -multiline, one event per line.
	if _, stdout, _ := run(t, "rules", "parse", "-rules", "configs/rules", "-type", "nginx-error", "-progress-every", "0", in); strings.Count(stdout, "\n") != 6 {
		t.Fatalf("per line: %d events", strings.Count(stdout, "\n"))
	}
	// The ready-made modes, and their mistakes.
	if code, stdout, stderr := run(t, "rules", "parse", "-rules", "configs/rules", "-type", "nginx-error", "-progress-every", "0", "-multiline-mode", "indent", in); code != 0 || strings.Count(stdout, "\n") != 5 { // 6 lines, the blank one dropped
		t.Fatalf("indent: exit %d, %d events, %s", code, strings.Count(stdout, "\n"), stderr)
	}
	for _, bad := range [][]string{{"-multiline", "("}, {"-multiline-mode", "go"}, {"-multiline", "x", "-multiline-mode", "java"}} {
		args := append([]string{"rules", "parse", "-rules", "configs/rules", "-type", "nginx-error"}, bad...)
		if code, _, stderr := run(t, append(args, in)...); code != 2 || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q", bad, code, stderr)
		}
	}
}
