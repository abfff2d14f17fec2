package httpauth

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

const (
	adminTok  = "admin-token-0123456789abcdef"
	readTok   = "read-token-0123456789abcdef"
	scopedTok = "scoped-token-0123456789abcdef"
)

func TestBearerToken(t *testing.T) {
	for _, tc := range []struct {
		name    string
		headers []string
		want    string
		err     error
	}{
		{"canonical", []string{"Bearer " + readTok}, readTok, nil},
		{"lower-case scheme", []string{"bearer " + readTok}, readTok, nil},
		{"upper-case scheme", []string{"BEARER " + readTok}, readTok, nil},
		{"mixed-case scheme", []string{"bEaReR " + readTok}, readTok, nil},
		{"several spaces after the scheme", []string{"Bearer    " + readTok}, readTok, nil},
		{"no header", nil, "", ErrNoToken},
		{"empty header", []string{""}, "", ErrNoToken},
		{"whitespace header", []string{"   "}, "", ErrNoToken},
		{"scheme alone", []string{"Bearer"}, "", ErrMalformed},
		{"scheme and spaces", []string{"Bearer     "}, "", ErrMalformed},
		{"token without scheme", []string{readTok}, "", ErrMalformed},
		{"basic", []string{"Basic " + readTok}, "", ErrMalformed},
		{"scheme glued to token", []string{"Bearer" + readTok}, "", ErrMalformed},
		{"tab after scheme", []string{"Bearer\t" + readTok}, "", ErrMalformed},
		{"two tokens", []string{"Bearer " + readTok + " " + adminTok}, "", ErrMalformed},
		{"two headers", []string{"Bearer " + readTok, "Bearer " + adminTok}, "", ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1/", nil)
			for _, h := range tc.headers {
				r.Header.Add("Authorization", h)
			}
			got, err := BearerToken(r)
			if !errors.Is(err, tc.err) || got != tc.want {
				t.Fatalf("got %q, %v; want %q, %v", got, err, tc.want, tc.err)
			}
		})
	}
}

func TestReadTokenFile(t *testing.T) {
	for _, tc := range []struct {
		name    string
		src     string
		want    map[string]string // token -> scope
		wantErr string
	}{
		{"one bare token", readTok + "\n", map[string]string{readTok: "*"}, ""},
		{"no final newline", readTok, map[string]string{readTok: "*"}, ""},
		{"star", readTok + " *\n", map[string]string{readTok: "*"}, ""},
		{"scoped and star", "# tenants\n\n" + scopedTok + " globex,acme\n" + readTok + "\t*\n",
			map[string]string{scopedTok: "acme,globex", readTok: "*"}, ""},
		{"spaces around commas", scopedTok + " acme , globex,\n", map[string]string{scopedTok: "acme,globex"}, ""},
		{"empty", "", nil, "holds no token"},
		{"comments only", "# nothing\n\n", nil, "holds no token"},
		{"short", "short-token\n", nil, "line 1: the token must be at least 16 bytes"},
		{"short on line 3", readTok + "\n# c\nshort acme\n", nil, "line 3: the token must be at least 16 bytes"},
		{"non-ASCII", "tökentökentökentöken\n", nil, "line 1: the token has a byte an Authorization header cannot carry"},
		{"star among orgs", scopedTok + " acme,*\n", nil, `"*" means every organization`},
		{"bad org", scopedTok + " ../etc\n", nil, `"../etc" is not an organization`},
		{"twice", readTok + " acme\n" + readTok + " globex\n", nil, "line 2: the same token is listed twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := &Keyring{}
			err := k.AddRead([]byte(tc.src), "read.tokens")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !errors.Is(err, ErrTokenFile) {
					t.Fatalf("got %v, want an ErrTokenFile with %q", err, tc.wantErr)
				}
				// A token is never shown, whole or in part.
				for _, line := range strings.Fields(tc.src) {
					if len(line) >= 8 && strings.Contains(err.Error(), line[:8]) && !strings.Contains(tc.wantErr, line[:8]) {
						t.Fatalf("the error shows a token: %v", err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if k.Len() != len(tc.want) || k.HasAdmin() {
				t.Fatalf("%d tokens (admin %v), want %d read tokens", k.Len(), k.HasAdmin(), len(tc.want))
			}
			for tok, scope := range tc.want {
				g, ok := k.Lookup(tok)
				if !ok || g.Admin || !g.Token || g.Scope.String() != scope {
					t.Errorf("%s: %+v %v, want scope %s", tok[:6], g, ok, scope)
				}
			}
		})
	}
}

func TestAdminTokenFile(t *testing.T) {
	k := &Keyring{}
	if err := k.AddAdmin([]byte("# rotating\n"+adminTok+"\n"+adminTok+"-new\n"), "admin.token"); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{adminTok, adminTok + "-new"} {
		if g, ok := k.Lookup(tok); !ok || !g.Admin || !g.Full() {
			t.Fatalf("admin token: %+v %v", g, ok)
		}
	}
	for _, tc := range []struct{ src, want string }{
		{adminTok + " acme\n", "line 1: an admin token is one word"},
		{"\n\n", "holds no token"},
		{"0123456789abcde\n", "line 1: the token must be at least 16 bytes"},
	} {
		if err := (&Keyring{}).AddAdmin([]byte(tc.src), "admin.token"); err == nil || !strings.Contains(err.Error(), "admin.token") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want %q", tc.src, err, tc.want)
		}
	}
	// A read token that is the admin token would make its scope a lie.
	if err := k.AddRead([]byte(adminTok+" acme\n"), "read.tokens"); err == nil || !strings.Contains(err.Error(), "also the admin token") {
		t.Fatalf("read token equal to the admin token: %v", err)
	}
}

func TestLookup(t *testing.T) {
	k := &Keyring{}
	if err := k.AddAdmin([]byte(adminTok), "a"); err != nil {
		t.Fatal(err)
	}
	if err := k.AddRead([]byte(readTok+"\n"+scopedTok+" acme\n"), "r"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		tok   string
		ok    bool
		admin bool
		scope string
	}{
		{adminTok, true, true, "*"},
		{readTok, true, false, "*"},
		{scopedTok, true, false, "acme"},
		{"", false, false, ""},
		{readTok[:len(readTok)-1], false, false, ""},
		{readTok + "x", false, false, ""},
		{strings.ToUpper(readTok), false, false, ""},
		{" " + readTok, false, false, ""},
		{strings.Repeat("x", maxTokenLength+1), false, false, ""},
	} {
		g, ok := k.Lookup(tc.tok)
		if ok != tc.ok || g.Admin != tc.admin || ok && g.Scope.String() != tc.scope {
			t.Errorf("Lookup(%.10q…) = %+v %v, want ok %v admin %v scope %q", tc.tok, g, ok, tc.ok, tc.admin, tc.scope)
		}
	}
	var none *Keyring
	if _, ok := none.Lookup(readTok); ok || none.Len() != 0 || none.HasAdmin() {
		t.Fatal("a nil keyring matched")
	}
}

func TestScope(t *testing.T) {
	s := Organizations("globex", "acme", "acme")
	if s.All() || !s.Allows("acme") || !s.Allows("globex") || s.Allows("initech") || s.Allows("") || s.String() != "acme,globex" {
		t.Fatalf("scope %v", s)
	}
	if got := s.Orgs(); len(got) != 2 {
		t.Fatalf("orgs %v", got)
	}
	var zero Scope
	if zero.Allows("acme") || zero.Allows("") || zero.All() {
		t.Fatal("the zero scope reads something")
	}
	if a := AllOrganizations(); !a.Allows("anything") || a.String() != "*" || a.Orgs() != nil {
		t.Fatal("all organizations")
	}
	if (Grant{Scope: AllOrganizations()}).Full() || (Grant{Token: true, Scope: s}).Full() || !(Grant{Token: true, Scope: AllOrganizations()}).Full() {
		t.Fatal("Full")
	}
}

// FuzzReadTokens: any file content either loads or is refused with an
// ErrTokenFile; whatever loads is at least MinTokenLength printable bytes
// and found again by Lookup.
func FuzzReadTokens(f *testing.F) {
	f.Add([]byte(readTok + "\n" + scopedTok + " acme,globex\n# c\n"))
	f.Add([]byte(readTok + " *\n"))
	f.Add([]byte("short x\n"))
	f.Add([]byte("\xff\xfe\x00token-token-token-token\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		k := &Keyring{}
		err := k.AddRead(src, "f")
		if err != nil {
			if !errors.Is(err, ErrTokenFile) {
				t.Fatalf("error without ErrTokenFile: %v", err)
			}
			return
		}
		_ = eachLine(src, func(_ int, text string) error {
			tok := strings.Fields(text)[0]
			if len(tok) < MinTokenLength {
				t.Fatalf("short token accepted")
			}
			if _, ok := k.Lookup(tok); !ok {
				t.Fatalf("a loaded token is not found")
			}
			return nil
		})
	})
}
