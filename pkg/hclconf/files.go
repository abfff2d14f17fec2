package hclconf

import (
	"errors"
	"io"
	"os"
	"slices"

	"github.com/hashicorp/hcl/v2"
)

// FileRef is a file a configuration names (a certificate, a key, a CA, a
// token file), with the attribute that names it.
type FileRef struct {
	// Setting names the attribute as the operator wrote it, e.g.
	// "tls key_file".
	Setting string
	Path    string
	Range   hcl.Range
	// Secret marks a file that holds a private key or token: it should
	// be readable by its owner only.
	Secret bool
	// MayBeEmpty marks a file whose emptiness means "none" (a revocation
	// list with no ids yet), not a mistake.
	MayBeEmpty bool
}

// CheckFiles reports, at each attribute's position, the files that do not
// exist, are directories or cannot be read by this process. Empty paths
// are skipped (the configuration's own checks say whether one is
// required). Loading a configuration does not check files, so that a
// configuration can be loaded before its certificates are made (sluice
// run does); `sluice config validate` and the daemons' start do.
func CheckFiles(refs []FileRef) Errors {
	var errs Errors
	for _, r := range refs {
		if r.Path == "" {
			continue
		}
		if err := readable(r.Path, r.MayBeEmpty); err != nil {
			errs = append(errs, Errorf(r.Range, "%s %s: %v", r.Setting, r.Path, err))
		}
	}
	return errs
}

// readable opens path and reads a byte of it.
func readable(path string, mayBeEmpty bool) error {
	f, err := os.Open(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return errors.New("is a directory, not a file")
	}
	if _, err := f.Read(make([]byte, 1)); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	if fi.Size() == 0 && !mayBeEmpty {
		return errors.New("is empty")
	}
	return nil
}

// LooseSecrets reports, at each attribute's position, the secret files
// (keys, tokens) that group or others may read: whoever else logs in to
// the machine could take the identity or the token. The daemons log them
// as warnings at start. Files that cannot be read are skipped: the
// daemon's start reports those.
func LooseSecrets(refs []FileRef) Errors {
	var errs Errors
	for _, r := range refs {
		if !r.Secret || r.Path == "" {
			continue
		}
		fi, err := os.Stat(r.Path)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		if perm := fi.Mode().Perm(); perm&0o044 != 0 {
			errs = append(errs, Errorf(r.Range, "%s %s is readable by group or others (mode %04o): chmod 600 it", r.Setting, r.Path, perm))
		}
	}
	return errs
}

// Except returns refs without those of the named settings: a daemon leaves
// out of its start-up warnings the files a package reads and warns about
// itself.
func Except(refs []FileRef, settings ...string) []FileRef {
	var out []FileRef
	for _, r := range refs {
		if !slices.Contains(settings, r.Setting) {
			out = append(out, r)
		}
	}
	return out
}
