package mediator

import "testing"

// TestOrgBacklog: entries are counted when stored and taken off when
// removed; records from before the start (below since) were never counted
// and are not taken off; a failed append is uncounted.
func TestOrgBacklog(t *testing.T) {
	b := newOrgBacklog(100)
	b.add("acme", 10)
	b.add("globex", 5)
	b.add("globex", -5)      // its append failed
	b.removed("acme", 40, 7) // from before the start
	b.removed("acme", 100, 4)
	got := map[string]int64{}
	b.each(func(org string, n int64) { got[org] = n })
	if got["acme"] != 6 || got["globex"] != 0 || len(got) != 2 {
		t.Fatalf("backlog %v, want acme 6, globex 0", got)
	}
	var none *orgBacklog
	none.add("acme", 1)
	none.removed("acme", 200, 1)
	none.each(func(string, int64) { t.Fatal("a nil backlog has no organizations") })
}
