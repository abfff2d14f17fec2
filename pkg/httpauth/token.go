// Package httpauth is the access policy of Sluice's HTTP APIs, the
// mediator's and ARM's alike: bearer tokens (an admin token, and read
// tokens scoped to organizations) read from files and compared in
// constant time; the Host allow-list that defeats DNS rebinding; and the
// Origin and content-type checks that keep a web page from making a
// browser change state on the server. Both daemons use one Guard, so
// they answer the same request the same way.
package httpauth

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
)

// MinTokenLength is the shortest token accepted, in bytes: a short one
// can be guessed over the network.
const MinTokenLength = 16

// maxTokenLength bounds a token in a file and in a request: longer is a
// mistake (a certificate pasted in), and hashing it costs for nothing.
const maxTokenLength = 4096

// Errors of BearerToken.
var (
	// ErrNoToken: the request has no Authorization header.
	ErrNoToken = errors.New("no bearer token")
	// ErrMalformed: the Authorization header is not one "Bearer TOKEN".
	ErrMalformed = errors.New("malformed Authorization header")
)

// ErrTokenFile is wrapped by every problem with a token file's content.
var ErrTokenFile = errors.New("bad token file")

// validOrg is what an organization may look like (the mediator's rule for
// agent ids and organizations).
var validOrg = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$`)

// Scope is the set of organizations a grant may read. The zero Scope
// reads nothing.
type Scope struct {
	all  bool
	orgs []string // sorted, without duplicates
}

// AllOrganizations is the scope of an admin, of a read token written
// without organizations or with "*", and of a caller let in without a
// token.
func AllOrganizations() Scope { return Scope{all: true} }

// Organizations is the scope of a token limited to orgs.
func Organizations(orgs ...string) Scope {
	s := slices.Clone(orgs)
	slices.Sort(s)
	return Scope{orgs: slices.Compact(s)}
}

// All reports whether the scope covers every organization.
func (s Scope) All() bool { return s.all }

// Allows reports whether the scope covers org.
func (s Scope) Allows(org string) bool {
	if s.all {
		return true
	}
	_, found := slices.BinarySearch(s.orgs, org)
	return found
}

// Orgs lists the organizations of a limited scope (nil for All).
func (s Scope) Orgs() []string { return slices.Clone(s.orgs) }

// String is "*" or the organizations, comma-separated.
func (s Scope) String() string {
	if s.all {
		return "*"
	}
	return strings.Join(s.orgs, ",")
}

// Grant is what a request was allowed to do.
type Grant struct {
	// Admin is set for the admin token, and for a caller let into the
	// admin endpoints without one (loopback, no admin_token_file).
	Admin bool
	// Scope is the organizations the request may read.
	Scope Scope
	// Token is set when the request presented a valid token; unset for a
	// caller let in because no token is configured.
	Token bool
}

// Full reports whether the grant sees everything a token can show:
// every organization, authenticated by a token. Details such as file
// paths are kept from other callers.
func (g Grant) Full() bool { return g.Token && g.Scope.All() }

// Keyring holds the configured tokens as SHA-256 digests: a lookup hashes
// the candidate and compares it with every digest in constant time, so
// timing tells neither which token nor how much of one matched.
type Keyring struct {
	keys []key
}

type key struct {
	sum   [sha256.Size]byte
	grant Grant
}

// Len is the number of tokens.
func (k *Keyring) Len() int {
	if k == nil {
		return 0
	}
	return len(k.keys)
}

// HasAdmin reports whether an admin token is configured.
func (k *Keyring) HasAdmin() bool {
	if k == nil {
		return false
	}
	for _, e := range k.keys {
		if e.grant.Admin {
			return true
		}
	}
	return false
}

// Lookup returns the grant of tok, or false.
func (k *Keyring) Lookup(tok string) (Grant, bool) {
	if k == nil || tok == "" || len(tok) > maxTokenLength {
		return Grant{}, false
	}
	sum := sha256.Sum256([]byte(tok))
	var found Grant
	match := 0
	// Every key is compared, whatever matched before.
	for _, e := range k.keys {
		eq := subtle.ConstantTimeCompare(sum[:], e.sum[:])
		if eq == 1 {
			found = e.grant
		}
		match |= eq
	}
	return found, match == 1
}

// add adds a token; where names it in errors (never its value).
func (k *Keyring) add(tok string, g Grant, where string) error {
	sum := sha256.Sum256([]byte(tok))
	for _, e := range k.keys {
		if subtle.ConstantTimeCompare(sum[:], e.sum[:]) == 1 {
			if e.grant.Admin != g.Admin {
				return fmt.Errorf("%w: %s: this token is also the admin token: a read token must differ from it", ErrTokenFile, where)
			}
			return fmt.Errorf("%w: %s: the same token is listed twice", ErrTokenFile, where)
		}
	}
	k.keys = append(k.keys, key{sum: sum, grant: g})
	return nil
}

// AddAdmin reads admin tokens from src (the content of an
// admin_token_file): one per line — several let an admin rotate it —,
// blank lines and # comments skipped. name is the file, for errors.
func (k *Keyring) AddAdmin(src []byte, name string) error {
	n := 0
	err := eachLine(src, func(line int, text string) error {
		fields := strings.Fields(text)
		where := fmt.Sprintf("%s line %d", name, line)
		if len(fields) != 1 {
			return fmt.Errorf("%w: %s: an admin token is one word (organizations after a token belong in read_token_file)", ErrTokenFile, where)
		}
		if err := checkToken(fields[0], where); err != nil {
			return err
		}
		n++
		return k.add(fields[0], Grant{Admin: true, Scope: AllOrganizations(), Token: true}, where)
	})
	if err == nil && n == 0 {
		err = fmt.Errorf("%w: %s holds no token", ErrTokenFile, name)
	}
	return err
}

// AddRead reads read tokens from src (the content of a read_token_file):
// per line a token alone (it reads every organization), "TOKEN *" (the
// same, said explicitly), or "TOKEN ORG[,ORG...]"; blank lines and #
// comments skipped. name is the file, for errors.
func (k *Keyring) AddRead(src []byte, name string) error {
	n := 0
	err := eachLine(src, func(line int, text string) error {
		fields := strings.Fields(text)
		tok, rest := fields[0], strings.Join(fields[1:], " ")
		where := fmt.Sprintf("%s line %d", name, line)
		if err := checkToken(tok, where); err != nil {
			return err
		}
		scope, err := parseScope(rest, where)
		if err != nil {
			return err
		}
		n++
		return k.add(tok, Grant{Scope: scope, Token: true}, where)
	})
	if err == nil && n == 0 {
		err = fmt.Errorf("%w: %s holds no token", ErrTokenFile, name)
	}
	return err
}

// parseScope reads what follows a read token: nothing or "*" for every
// organization, else organizations separated by commas (spaces around
// them allowed).
func parseScope(s, where string) (Scope, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "*" {
		return AllOrganizations(), nil
	}
	var orgs []string
	for _, o := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		if o == "*" {
			return Scope{}, fmt.Errorf("%w: %s: \"*\" means every organization: write it alone", ErrTokenFile, where)
		}
		if !validOrg.MatchString(o) {
			return Scope{}, fmt.Errorf("%w: %s: %q is not an organization (letters, digits, '.', '_', '@', '-')", ErrTokenFile, where, o)
		}
		orgs = append(orgs, o)
	}
	return Organizations(orgs...), nil
}

// checkToken refuses tokens too short to be safe, and bytes an HTTP
// header cannot carry. where names the token; its value is never shown.
func checkToken(tok, where string) error {
	switch {
	case len(tok) < MinTokenLength:
		return fmt.Errorf("%w: %s: the token must be at least %d bytes (e.g. openssl rand -hex 24)", ErrTokenFile, where, MinTokenLength)
	case len(tok) > maxTokenLength:
		return fmt.Errorf("%w: %s: the token is longer than %d bytes", ErrTokenFile, where, maxTokenLength)
	}
	for i := 0; i < len(tok); i++ {
		if tok[i] <= ' ' || tok[i] > '~' {
			return fmt.Errorf("%w: %s: the token has a byte an Authorization header cannot carry (printable ASCII only)", ErrTokenFile, where)
		}
	}
	return nil
}

// eachLine calls fn with every line of src that is not blank or a #
// comment, numbered from 1.
func eachLine(src []byte, fn func(line int, text string) error) error {
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	for n := 1; sc.Scan(); n++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if err := fn(n, text); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%w: %v", ErrTokenFile, err)
	}
	return nil
}

// readTokenFile reads a token file and says whether group or others may
// read it (then the caller warns).
func readTokenFile(path string) (src []byte, loose bool, mode os.FileMode, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, false, 0, err
	}
	if !fi.Mode().IsRegular() {
		return nil, false, 0, fmt.Errorf("%w: %s is not a regular file", ErrTokenFile, path)
	}
	if fi.Size() > 1<<20 {
		return nil, false, 0, fmt.Errorf("%w: %s is larger than 1 MiB", ErrTokenFile, path)
	}
	src, err = os.ReadFile(path)
	if err != nil {
		return nil, false, 0, err
	}
	return src, fi.Mode().Perm()&0o077 != 0, fi.Mode().Perm(), nil
}

// BearerToken takes the token from a request's "Authorization: Bearer
// TOKEN" header. The scheme is matched without regard to case (RFC 9110
// §11.1); one header, one token, no spaces in it.
func BearerToken(r *http.Request) (string, error) {
	vals := r.Header.Values("Authorization")
	switch {
	case len(vals) == 0:
		return "", ErrNoToken
	case len(vals) > 1:
		return "", fmt.Errorf("%w: more than one Authorization header", ErrMalformed)
	}
	h := strings.TrimSpace(vals[0])
	if h == "" {
		return "", ErrNoToken
	}
	scheme, tok, _ := strings.Cut(h, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", fmt.Errorf("%w: not a Bearer credential", ErrMalformed)
	}
	tok = strings.TrimLeft(tok, " ")
	switch {
	case tok == "":
		return "", fmt.Errorf("%w: empty token", ErrMalformed)
	case strings.ContainsAny(tok, " \t"):
		return "", fmt.Errorf("%w: a token has no spaces", ErrMalformed)
	}
	return tok, nil
}
