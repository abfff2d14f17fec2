package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
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

// TestDocExamplesAreStandardHCL checks the ```hcl examples of the README
// and docs/ the same way (parsing only: examples keep their comments
// aligned for reading).
func TestDocExamplesAreStandardHCL(t *testing.T) {
	docs, _ := filepath.Glob("docs/*.md")
	block := regexp.MustCompile("(?s)```hcl\n(.*?)```")
	n := 0
	for _, path := range append(docs, "README.md") {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range block.FindAllSubmatchIndex(src, -1) {
			n++
			line := bytes.Count(src[:m[2]], []byte("\n")) + 1
			if _, diags := hclsyntax.ParseConfig(src[m[2]:m[3]], path, hcl.Pos{Line: line, Column: 1}); diags.HasErrors() {
				t.Errorf("%s", diags)
			}
		}
	}
	if n < 5 {
		t.Errorf("found only %d hcl examples", n)
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
