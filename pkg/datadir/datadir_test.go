package datadir

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestClaim(t *testing.T) {
	cases := []struct {
		name   string
		marker string   // written first, "" for none
		dirs   []string // made first
		files  []string
		kind   string
		want   string // error substring, "" = claimed
	}{
		{name: "new directory", kind: Agent},
		{name: "own marker", marker: Mediator, kind: Mediator},
		{name: "agent in a mediator's", marker: Mediator, kind: Agent, want: "is a mediator's data directory (.sluice-data-dir): an agent would"},
		{name: "mediator in an agent's", marker: Agent, kind: Mediator, want: "is an agent's data directory"},
		{name: "mediator in ARM's", marker: ARM, kind: Mediator, want: "is an arm's data directory"},
		{name: "agent in an unmarked mediator's", dirs: []string{"state", "deadletter", "index"}, kind: Agent, want: "it holds state/ and deadletter/"},
		{name: "mediator in an unmarked agent's", dirs: []string{"spool"}, kind: Mediator, want: "is an agent's data directory (it holds spool/)"},
		{name: "mediator in an unmarked ARM's", dirs: []string{"state"}, kind: Mediator, want: "is an arm's data directory"},
		{name: "unmarked agent directory of its own", dirs: []string{"spool"}, kind: Agent},
		{name: "unmarked mediator directory of its own", dirs: []string{"state", "deadletter"}, kind: Mediator},
		{name: "a Badger store", files: []string{"MANIFEST"}, kind: Agent, want: "is a Badger store"},
		{name: "other files are fine", files: []string{"notes.txt"}, dirs: []string{"logs"}, kind: ARM},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			for _, d := range tc.dirs {
				if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
					t.Fatal(err)
				}
			}
			_ = os.MkdirAll(dir, 0o700)
			for _, f := range tc.files {
				if err := os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if tc.marker != "" {
				if err := Claim(dir, tc.marker); err != nil {
					t.Fatal(err)
				}
			}
			err := Claim(dir, tc.kind)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Claim: %v", err)
				}
				if owner, why, _ := Owner(dir); owner != tc.kind || why != MarkerFile {
					t.Fatalf("owner %q (%s) after the claim", owner, why)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Claim: %v, want %q", err, tc.want)
			}
			if owner, _, _ := Owner(dir); owner == tc.kind {
				t.Fatal("a refused claim marked the directory")
			}
		})
	}
}
