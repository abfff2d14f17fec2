package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

// TestShippedHCLIsStandard keeps every .hcl file we ship plain HCL: the
// stock native-syntax parser reads it (so hclfmt, editor plugins and
// language servers do), and hclwrite.Format leaves it as it is.
func TestShippedHCLIsStandard(t *testing.T) {
	var files []string
	err := filepath.WalkDir("configs", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".hcl") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 10 {
		t.Fatalf("found only %d .hcl files under configs: %v", len(files), files)
	}
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos); diags.HasErrors() {
			t.Errorf("%s", diags)
		}
		if f := hclwrite.Format(src); !bytes.Equal(f, src) {
			t.Errorf("%s is not formatted as hclwrite.Format (hclfmt) writes it; first difference on line %d", path, firstDiffLine(src, f))
		}
	}
}

func firstDiffLine(a, b []byte) int {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return i + 1
		}
	}
	return min(len(la), len(lb)) + 1
}
