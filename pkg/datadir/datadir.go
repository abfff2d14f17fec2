// Package datadir keeps a daemon out of another daemon's data directory.
// An agent pointed at a mediator's data_dir (or a mediator at an agent's,
// or either at ARM's) would open the other's stores as its own — a spool
// beside a state, or, worse, ARM's Badger state read as a mediator's. So
// each daemon claims its directory at start: a marker file names the kind
// that owns it, and a directory without one is recognised by what it
// holds.
package datadir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Kinds of daemon.
const (
	Agent    = "agent"
	Mediator = "mediator"
	ARM      = "arm"
)

// MarkerFile is the file in a data directory that names its owner.
const MarkerFile = ".sluice-data-dir"

// layouts are what each kind keeps in its data directory, to recognise
// directories from before the marker: every entry must be there.
var layouts = []struct {
	kind    string
	entries []string
}{
	{Mediator, []string{"state", "deadletter"}},
	{Agent, []string{"spool"}},
	// ARM keeps state/ alone (a mediator's comes with deadletter/).
	{ARM, []string{"state"}},
}

// Claim makes dir if needed and marks it as kind's. It refuses a
// directory that belongs to another kind, and one that is itself a
// Badger store (someone gave a daemon's state or spool folder as its
// data_dir).
func Claim(dir, kind string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("data_dir %s: %w", dir, err)
	}
	owner, why, err := Owner(dir)
	if err != nil {
		return err
	}
	switch {
	case owner == kind:
	case owner == "badger":
		return fmt.Errorf("data_dir %s is a Badger store (%s), not a data directory: give the %s the folder above it, or a folder of its own", dir, why, kind)
	case owner != "":
		return fmt.Errorf("data_dir %s is %s %s's data directory (%s): %s %s would take its files for its own; give the %s a directory of its own", dir, article(owner), owner, why, article(kind), kind, kind)
	}
	if why == MarkerFile {
		return nil
	}
	body := []byte(kind + "\n# This directory holds a Sluice " + kind + "'s data. Do not point another Sluice daemon at it.\n")
	if err := os.WriteFile(filepath.Join(dir, MarkerFile), body, 0o600); err != nil {
		return fmt.Errorf("data_dir %s: mark it as the %s's: %w", dir, kind, err)
	}
	return nil
}

// Owner says which kind dir belongs to ("" when none can be told), and
// why: the marker file, or the entries that identify it.
func Owner(dir string) (kind, why string, err error) {
	b, err := os.ReadFile(filepath.Join(dir, MarkerFile))
	switch {
	case err == nil:
		kind, _, _ = strings.Cut(string(b), "\n")
		return strings.TrimSpace(kind), MarkerFile, nil
	case !errors.Is(err, fs.ErrNotExist):
		return "", "", fmt.Errorf("data_dir %s: %w", dir, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "MANIFEST")); err == nil {
		return "badger", "it holds a MANIFEST", nil
	}
	for _, l := range layouts {
		all := true
		for _, e := range l.entries {
			if fi, err := os.Stat(filepath.Join(dir, e)); err != nil || !fi.IsDir() {
				all = false
				break
			}
		}
		if all {
			return l.kind, "it holds " + strings.Join(l.entries, "/ and ") + "/", nil
		}
	}
	return "", "", nil
}

func article(kind string) string {
	if kind == ARM || kind == Agent {
		return "an"
	}
	return "a"
}
