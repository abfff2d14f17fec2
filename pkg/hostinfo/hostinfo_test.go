package hostinfo

import (
	"net"
	"os"
	"path/filepath"
	"testing"
)

func TestParseOSRelease(t *testing.T) {
	tests := []struct {
		name, text string
		want       OS
	}{
		{"debian", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nID=debian\n",
			OS{Family: "debian", Name: "Debian GNU/Linux", Version: "12 (bookworm)", Platform: "debian"}},
		{"ubuntu", "NAME=\"Ubuntu\"\nVERSION=\"22.04.4 LTS (Jammy Jellyfish)\"\nID=ubuntu\nID_LIKE=debian\n",
			OS{Family: "debian", Name: "Ubuntu", Version: "22.04.4 LTS (Jammy Jellyfish)", Platform: "ubuntu"}},
		{"rocky", "# comment\nNAME='Rocky Linux'\nID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\nVERSION=\"9.3 (Blue Onyx)\"\n",
			OS{Family: "rhel", Name: "Rocky Linux", Version: "9.3 (Blue Onyx)", Platform: "rocky"}},
		{"empty", "", OS{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got OS
			parseOSRelease([]byte(tt.text), &got)
			if got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestNames(t *testing.T) {
	for _, c := range []struct{ goos, goarch, typ, arch string }{
		{"linux", "amd64", "linux", "x86_64"}, {"linux", "arm64", "linux", "aarch64"},
		{"darwin", "arm64", "macos", "arm64"}, {"windows", "amd64", "windows", "x86_64"}, {"freebsd", "386", "unix", "i386"},
	} {
		if got := osType(c.goos); got != c.typ {
			t.Errorf("osType(%s) = %s", c.goos, got)
		}
		if got := architecture(c.goos, c.goarch); got != c.arch {
			t.Errorf("architecture(%s, %s) = %s", c.goos, c.goarch, got)
		}
	}
}

// Collect reads this host: the files it names, and addresses that are
// neither loopback nor link-local.
func TestCollect(t *testing.T) {
	dir := t.TempDir()
	rel, kern := filepath.Join(dir, "os-release"), filepath.Join(dir, "osrelease")
	if err := os.WriteFile(rel, []byte("NAME=Test\nID=test\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(kern, []byte("6.1.0-test\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	oldRel, oldKern := osReleaseFiles, kernelFile
	osReleaseFiles, kernelFile = []string{filepath.Join(dir, "missing"), rel}, kern
	t.Cleanup(func() { osReleaseFiles, kernelFile = oldRel, oldKern })
	info := Collect()
	if info.OS.Name != "Test" || info.OS.Platform != "test" || info.OS.Kernel != "6.1.0-test" || info.OS.Type == "" || info.Architecture == "" {
		t.Fatalf("%+v", info)
	}
	for _, ip := range info.IPs {
		a := net.ParseIP(ip)
		if a == nil || a.IsLoopback() || a.IsLinkLocalUnicast() {
			t.Fatalf("address %q", ip)
		}
	}
}

// parseOSRelease reads a file anyone with root on the host may write:
// it must take any bytes.
func FuzzParseOSRelease(f *testing.F) {
	f.Add([]byte("NAME=\"Debian GNU/Linux\"\nID=debian\nID_LIKE=\"rhel fedora\"\n"))
	f.Add([]byte("=\n==\n\"\nID_LIKE=\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var o OS
		parseOSRelease(b, &o)
	})
}
