package mediator

import "testing"

// TestOrgBacklog: entries and bytes are counted when stored and taken off
// when removed (bytes in proportion to entries, zero with them); records
// from before the start (below since) were never counted and are not taken
// off; a failed append is uncounted.
func TestOrgBacklog(t *testing.T) {
	b := newOrgBacklog(100)
	b.add("acme", 10, 1000)
	b.add("globex", 5, 50)
	b.add("globex", -5, -50) // its append failed
	b.removed("acme", 40, 7) // from before the start
	b.removed("acme", 100, 4)
	type count struct{ entries, bytes int64 }
	got := map[string]count{}
	b.each(func(org string, n, by int64) { got[org] = count{n, by} })
	if got["acme"] != (count{6, 600}) || got["globex"] != (count{}) || len(got) != 2 {
		t.Fatalf("backlog %v, want acme 6 entries 600 bytes, globex 0", got)
	}
	if e, by := b.get("acme"); e != 6 || by != 600 {
		t.Fatalf("get acme: %d, %d", e, by)
	}
	b.removed("acme", 110, 6)
	if e, by := b.get("acme"); e != 0 || by != 0 {
		t.Fatalf("acme drained: %d entries, %d bytes left", e, by)
	}
	var none *orgBacklog
	none.add("acme", 1, 1)
	none.removed("acme", 200, 1)
	none.each(func(string, int64, int64) { t.Fatal("a nil backlog has no organizations") })
	if e, by := none.get("acme"); e != 0 || by != 0 {
		t.Fatal("a nil backlog holds nothing")
	}
}
