package hclconf

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// TLSBlock is the `tls { ca_file, cert_file, key_file }` block agents,
// mediators and ARM share.
type TLSBlock struct {
	CAFile   string `hcl:"ca_file"`
	CertFile string `hcl:"cert_file"`
	KeyFile  string `hcl:"key_file"`

	DefRange hcl.Range `hcl:",def_range"`
	// Body is the block's body, where the files' positions are looked up.
	Body hcl.Body `hcl:",body"`
}

// Files are the block's files, for CheckFiles.
func (b *TLSBlock) Files(block string) []FileRef {
	return []FileRef{
		{Setting: block + " ca_file", Path: b.CAFile, Range: AttrRange(b.Body, "ca_file")},
		{Setting: block + " cert_file", Path: b.CertFile, Range: AttrRange(b.Body, "cert_file")},
		{Setting: block + " key_file", Path: b.KeyFile, Range: AttrRange(b.Body, "key_file"), Secret: true},
	}
}

// IsLoopback reports whether host (a name or an address, without port)
// stays on this machine.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// CheckListen validates an address to listen on: host:port, the port a
// number (0: any free port).
func CheckListen(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("not host:port: %w", err)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("port %q is not a number between 0 and 65535", port)
	}
	return nil
}

// AddrIsLoopback is IsLoopback for host:port.
func AddrIsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	return IsLoopback(host)
}
