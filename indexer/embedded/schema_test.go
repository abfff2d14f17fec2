package embedded

import (
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/sluicehq/sluice/indexer"
)

// TestFTSUpgradeFromVersion1 writes to a full-text file of version 1 (FTS5's
// default crisismerge): the writer sets crisismerge 32 and the file keeps
// answering full-text searches, old entries and new.
func TestFTSUpgradeFromVersion1(t *testing.T) {
	dir := t.TempDir()
	events := genEvents("acme", 1, 2000, benchStart, time.Second)
	x, err := Open(Config{Dir: dir}, hclog.NewNullLogger())
	if err != nil {
		t.Fatal(err)
	}
	write(t, x, events[:1000])
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}

	cfg := Config{}
	cfg.setDefaults()
	path := filepath.Join(dir, "acme", "2026-01-10"+ftsSuffix)
	c, err := openConn(path, &cfg)
	if err != nil {
		t.Fatal(err)
	}
	crisis := func() int64 {
		t.Helper()
		var v int64
		if err := c.queryInt("SELECT coalesce((SELECT v FROM fts_config WHERE k = 'crisismerge'), 0)", &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if got := crisis(); got != 32 {
		t.Fatalf("new file: crisismerge %d, want 32", got)
	}
	if err := c.exec("DELETE FROM fts_config WHERE k = 'crisismerge'; PRAGMA user_version = 1"); err != nil {
		t.Fatal(err)
	}
	if got := crisis(); got != 0 {
		t.Fatalf("after the downgrade: crisismerge %d", got)
	}

	x = openTest(t, Config{Dir: dir})
	write(t, x, events[1000:])
	if got := crisis(); got != 32 {
		t.Errorf("upgraded file: crisismerge %d, want 32", got)
	}
	var version int64
	if err := c.queryInt("PRAGMA user_version", &version); err != nil || version != 2 {
		t.Errorf("upgraded file: version %d (%v), want 2", version, err)
	}
	_ = c.c.Close()
	// Every message word is found in both halves.
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
}
