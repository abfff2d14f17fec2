package mediator

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
)

// TestDeadLettersLargeBatch keeps a whole index batch of rejections at
// once: 20,000 entries of ~300 bytes, more than one Badger transaction of
// the store's memtable holds.
func TestDeadLettersLargeBatch(t *testing.T) {
	d, err := openDeadLetters(t.TempDir(), hclog.NewNullLogger())
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	const n = 20000
	entries := make([][]byte, n)
	reasons := make([]string, n)
	for i := range entries {
		entries[i] = append([]byte(fmt.Sprintf("entry %d ", i)), bytes.Repeat([]byte("x"), 280)...)
		reasons[i] = "mapper_parsing_exception: failed to parse field [source.port]"
	}
	if err := d.add(entries, reasons, time.Now()); err != nil {
		t.Fatalf("add %d dead letters: %v", n, err)
	}
	if got := d.len(); got != n {
		t.Fatalf("%d dead letters kept, want %d", got, n)
	}
}
