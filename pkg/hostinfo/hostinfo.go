// Package hostinfo is what a process can learn of the host it runs on
// without privileges: its addresses, its operating system and its
// architecture, as ECS names them (host.ip, host.os.*, host.architecture).
// The agent sends it once per session; the mediator adds it to the
// agent's events when a log does not say which host it is from.
package hostinfo

import (
	"bufio"
	"bytes"
	"net"
	"os"
	"runtime"
	"strings"
)

// Info is a host's description.
type Info struct {
	// IPs are the host's addresses, loopback and link-local left out.
	IPs []string
	// OS is ECS host.os.
	OS OS
	// Architecture is ECS host.architecture ("x86_64").
	Architecture string
}

// OS is ECS host.os: type is one of linux, macos, windows, unix;
// family, name, version and platform come from os-release on Linux.
type OS struct {
	Type, Family, Name, Version, Platform, Kernel string
}

// Files read on Linux, variables for tests.
var (
	osReleaseFiles = []string{"/etc/os-release", "/usr/lib/os-release"}
	kernelFile     = "/proc/sys/kernel/osrelease"
)

// Collect describes the host. What cannot be read is left empty: a host
// description is a nicety, never a reason not to run.
func Collect() Info {
	return Info{IPs: addresses(), OS: operatingSystem(), Architecture: architecture(runtime.GOOS, runtime.GOARCH)}
}

// addresses lists the host's global and private unicast addresses.
func addresses() []string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	var out []string
	for _, a := range addrs {
		n, ok := a.(*net.IPNet)
		if !ok || n.IP.IsLoopback() || n.IP.IsLinkLocalUnicast() || n.IP.IsUnspecified() || n.IP.IsMulticast() {
			continue
		}
		out = append(out, n.IP.String())
	}
	return out
}

func operatingSystem() OS {
	o := OS{Type: osType(runtime.GOOS)}
	for _, f := range osReleaseFiles {
		if b, err := os.ReadFile(f); err == nil {
			parseOSRelease(b, &o)
			break
		}
	}
	if b, err := os.ReadFile(kernelFile); err == nil {
		o.Kernel = strings.TrimSpace(string(b))
	}
	return o
}

// osType maps GOOS to ECS host.os.type.
func osType(goos string) string {
	switch goos {
	case "linux", "windows", "android", "ios":
		return goos
	case "darwin":
		return "macos"
	}
	return "unix"
}

// architecture maps GOARCH to the names uname -m gives.
func architecture(goos, goarch string) string {
	switch goarch {
	case "amd64":
		return "x86_64"
	case "386":
		return "i386"
	case "arm64":
		if goos == "linux" {
			return "aarch64"
		}
	}
	return goarch
}

// parseOSRelease reads os-release(5): NAME, VERSION, ID, and the family
// from the first of ID_LIKE (ID when there is none), as Beats do.
func parseOSRelease(b []byte, o *OS) {
	kv := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), "=")
		if !ok || strings.HasPrefix(k, "#") {
			continue
		}
		kv[k] = strings.Trim(v, `"'`)
	}
	o.Name, o.Version, o.Platform = kv["NAME"], kv["VERSION"], kv["ID"]
	o.Family = o.Platform
	if like := strings.Fields(kv["ID_LIKE"]); len(like) > 0 {
		o.Family = like[0]
	}
}
