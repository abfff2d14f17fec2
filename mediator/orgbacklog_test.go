package mediator

import (
	"fmt"
	"testing"

	"github.com/hashicorp/go-hclog"

	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// TestOrgBacklog: each organization's entries and bytes in state, as
// stored, after a restart (state keeps them, tagged), and as records
// leave in any order.
func TestOrgBacklog(t *testing.T) {
	dir := t.TempDir()
	s, err := openState(dir, hclog.NewNullLogger())
	if err != nil {
		t.Fatal(err)
	}
	store := func(org string, from, n int) {
		t.Helper()
		var es []*sluicev1.LogEntry
		for i := from; i < from+n; i++ {
			es = append(es, &sluicev1.LogEntry{Seq: uint64(i + 1), Raw: []byte(fmt.Sprintf("line %d", i))})
		}
		if _, _, err := s.appendBatch(spool{org: org, agent: "a1"}, &sluicev1.LogBatch{Entries: es}); err != nil {
			t.Fatal(err)
		}
	}
	store("acme", 0, 10)
	store("globex", 0, 5)
	store("acme", 10, 3)
	check := func(when string, want map[string]int64) {
		t.Helper()
		got := map[string]int64{}
		s.orgs.each(func(org string, n, by int64) {
			if (n > 0) != (by > 0) {
				t.Errorf("%s: %s has %d entries in %d bytes", when, org, n, by)
			}
			got[org] = n
		})
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s: backlog %v, want %v", when, got, want)
		}
		for org, n := range want {
			if e, _ := s.orgs.get(org); e != n {
				t.Fatalf("%s: get(%s) = %d, want %d", when, org, e, n)
			}
		}
	}
	check("stored", map[string]int64{"acme": 13, "globex": 5})

	if err := s.close(); err != nil {
		t.Fatal(err)
	}
	if s, err = openState(dir, hclog.NewNullLogger()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.close() })
	check("after a restart", map[string]int64{"acme": 13, "globex": 5})

	// The newest acme record leaves first, then globex's.
	recs, err := s.q.ReadTag("acme", 0, 10, 1<<20)
	if err != nil || len(recs) != 2 {
		t.Fatalf("acme's records: %d, %v", len(recs), err)
	}
	if err := s.q.Delete(recs[1:]); err != nil {
		t.Fatal(err)
	}
	check("acme's newest removed", map[string]int64{"acme": 10, "globex": 5})
	g, _ := s.q.ReadTag("globex", 0, 10, 1<<20)
	if err := s.q.Delete(g); err != nil {
		t.Fatal(err)
	}
	// Drained, it is reported at 0: a gauge that vanished would read as
	// no data.
	check("globex's removed", map[string]int64{"acme": 10, "globex": 0})
	if e, by := s.orgs.get("globex"); e != 0 || by != 0 {
		t.Fatalf("globex drained: %d entries, %d bytes left", e, by)
	}
}
