package mpe

import (
	"os"
	"regexp"
	"testing"
)

// TestDocListsEveryTag keeps the tag table of doc.go in step with the
// built-in library.
func TestDocListsEveryTag(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range builtinTags {
		row := regexp.MustCompile(`(?m)//\s.*\b` + regexp.QuoteMeta(tg.name) + `\s+` + regexp.QuoteMeta(tg.field) + `\b`)
		if !row.Match(doc) {
			t.Errorf("doc.go does not list tag %s → %s", tg.name, tg.field)
		}
	}
	// Classifications may wrap across comment lines.
	prose := regexp.MustCompile(`\s*\n//\s*|\s+`).ReplaceAll(doc, []byte(" "))
	for name := range classificationSet {
		if !regexp.MustCompile(regexp.QuoteMeta(name)).Match(prose) {
			t.Errorf("doc.go does not list classification %q", name)
		}
	}
}
