package embedded

import (
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/indexer"
)

// TestDayFileSchema checks what a new day file is made with: schema
// version 1 in both files, the rollup tables filled as events are written,
// and FTS5 merging at 32 segments (crisismerge, see ftsMergeSQL).
func TestDayFileSchema(t *testing.T) {
	dir := t.TempDir()
	events := genEvents("acme", 1, 1000, benchStart, time.Second)
	x, err := Open(Config{Dir: dir}, hclog.NewNullLogger())
	if err != nil {
		t.Fatal(err)
	}
	write(t, x, events)
	word := regexp.MustCompile(`\bsshd\b`)
	want := int64(0)
	for _, e := range events {
		if word.MatchString(e.Message) {
			want++
		}
	}
	if got := count(t, x, indexer.SearchRequest{Query: "sshd"}); got != want || want == 0 {
		t.Errorf("full-text count of sshd: %d, want %d", got, want)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}

	cfg := Config{}
	cfg.setDefaults()
	queryInt := func(path, q string) int64 {
		t.Helper()
		c, err := openConn(path, &cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer c.c.Close()
		var v int64
		if err := c.queryInt(q, &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	path := filepath.Join(dir, "acme", "2026-01-10"+fileExt)
	fts := ftsPathOf(path)
	if v := queryInt(path, "PRAGMA user_version"); v != 1 || len(eventsMigrations()) != 1 {
		t.Errorf("events file: version %d, want 1", v)
	}
	if v := queryInt(fts, "PRAGMA user_version"); v != 1 || len(ftsMigrations()) != 1 {
		t.Errorf("full-text file: version %d, want 1", v)
	}
	if v := queryInt(fts, "SELECT coalesce((SELECT v FROM fts_config WHERE k = 'crisismerge'), 0)"); v != 32 {
		t.Errorf("crisismerge %d, want 32", v)
	}
	for _, r := range rollups {
		if n := queryInt(path, "SELECT coalesce(sum(n), 0) FROM "+r.table); n != int64(len(events)) {
			t.Errorf("%s counts %d events, want %d", r.table, n, len(events))
		}
	}
}
