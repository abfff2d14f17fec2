package hclconf

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"512MiB": 512 << 20, "1GB": 1 << 30, "64k": 64 << 10, "1048576": 1 << 20, "1.5M": 3 << 19, " 2 GiB ": 2 << 30} {
		got, err := ParseSize(in)
		if err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MB", "-1K", "ten", "1XB", "1e30G"} {
		if _, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) accepted", in)
		}
	}
}

func TestLoopback(t *testing.T) {
	for addr, want := range map[string]bool{"127.0.0.1:1": true, "localhost:2": true, "[::1]:3": true, "127.1.2.3:4": true, "10.0.0.1:5": false, "example.com:6": false, "0.0.0.0:7": false, "bad": false} {
		if got := AddrIsLoopback(addr); got != want {
			t.Errorf("AddrIsLoopback(%q) = %v", addr, got)
		}
	}
}

func FuzzParseSize(f *testing.F) {
	f.Add("512MiB")
	f.Add("1.5e3k")
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseSize(s)
		if err == nil && v < 0 {
			t.Fatalf("negative size %d for %q", v, s)
		}
	})
}

func TestCheckFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string, mode os.FileMode) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	at := func(line int) hcl.Range {
		return hcl.Range{Filename: "x.hcl", Start: hcl.Pos{Line: line, Column: 3}}
	}
	cert := write("cert.pem", "CERT", 0o644)
	key := write("key.pem", "KEY", 0o600)
	looseKey := write("loose-key.pem", "KEY", 0o640)
	empty := write("empty", "", 0o600)
	refs := []FileRef{
		{Setting: "tls cert_file", Path: cert, Range: at(1)},
		{Setting: "tls key_file", Path: key, Range: at(2), Secret: true},
		{Setting: "tls key_file", Path: looseKey, Range: at(3), Secret: true},
		{Setting: "tls ca_file", Path: filepath.Join(dir, "missing.pem"), Range: at(4)},
		{Setting: "admin_token_file", Path: dir, Range: at(5), Secret: true},
		{Setting: "tokens_file", Path: empty, Range: at(6), Secret: true},
		{Setting: "unset", Path: "", Range: at(7)},
		{Setting: "revoked_file", Path: empty, Range: at(8), MayBeEmpty: true},
	}
	got := CheckFiles(refs).Error()
	for _, want := range []string{
		"x.hcl:4:3: tls ca_file " + filepath.Join(dir, "missing.pem") + ": no such file or directory",
		"x.hcl:5:3: admin_token_file " + dir + ": is a directory, not a file",
		"x.hcl:6:3: tokens_file " + empty + ": is empty",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("CheckFiles:\n%s\nwant a line %q", got, want)
		}
	}
	if n := strings.Count(got, "\n") + 1; n != 3 {
		t.Errorf("%d problems, want 3:\n%s", n, got)
	}
	loose := LooseSecrets(refs)
	if len(loose) != 1 || loose[0].Error() != "x.hcl:3:3: tls key_file "+looseKey+" is readable by group or others (mode 0640): chmod 600 it" {
		t.Errorf("LooseSecrets: %v", loose)
	}
}
