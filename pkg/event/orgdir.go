package event

import (
	"fmt"
	"strings"
)

// OrgDirName turns an organization name into a directory name that is safe
// on every filesystem and maps back to the name: bytes outside
// [A-Za-z0-9_-] and a leading '.' are written as %XX. The empty name is the
// default organization, as everywhere else in Sluice. It lives here, not in
// each store, so that the index and the archive lay organizations out alike.
func OrgDirName(org string) string {
	if org == "" {
		org = DefaultOrganization
	}
	var b strings.Builder
	for i := 0; i < len(org); i++ {
		c := org[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-':
			b.WriteByte(c)
		case c == '.' && i > 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
