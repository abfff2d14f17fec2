package hclconf

import (
	"testing"
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
