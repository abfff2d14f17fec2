package event

import "testing"

func TestOrgDirName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "default"},
		{"acme", "acme"},
		{"Acme_Corp-2", "Acme_Corp-2"},
		{".hidden", "%2Ehidden"},
		{"a.b", "a.b"},
		{"a/b", "a%2Fb"},
		{"..", "%2E."},
		{"é", "%C3%A9"},
		{"a b%", "a%20b%25"},
	} {
		if got := OrgDirName(tc.in); got != tc.want {
			t.Errorf("OrgDirName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
