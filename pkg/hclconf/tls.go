package hclconf

import (
	"net"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// TLSBlock is the `tls { ca_file, cert_file, key_file }` block agents,
// mediators and ARM share.
type TLSBlock struct {
	CAFile   string `hcl:"ca_file"`
	CertFile string `hcl:"cert_file"`
	KeyFile  string `hcl:"key_file"`

	DefRange      hcl.Range `hcl:",def_range"`
	CAFileRange   hcl.Range `hcl:"ca_file,attr_range"`
	CertFileRange hcl.Range `hcl:"cert_file,attr_range"`
	KeyFileRange  hcl.Range `hcl:"key_file,attr_range"`
}

// Files are the block's files, for CheckFiles.
func (b *TLSBlock) Files(block string) []FileRef {
	return []FileRef{
		{Setting: block + " ca_file", Path: b.CAFile, Range: b.CAFileRange},
		{Setting: block + " cert_file", Path: b.CertFile, Range: b.CertFileRange},
		{Setting: block + " key_file", Path: b.KeyFile, Range: b.KeyFileRange, Secret: true},
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

// AddrIsLoopback is IsLoopback for host:port.
func AddrIsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	return IsLoopback(host)
}
