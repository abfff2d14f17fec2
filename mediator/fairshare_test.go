package mediator

import (
	"fmt"
	"math"
	"testing"
)

// The share each organization gets when all keep offering work is in
// proportion to its weight, whatever the chunk sizes.
func TestFairShareWeights(t *testing.T) {
	for _, tc := range []struct {
		name    string
		weights map[string]int
		chunk   map[string]int
	}{
		{"equal", map[string]int{"a": 1, "b": 1}, map[string]int{"a": 2000, "b": 2000}},
		{"four to one", map[string]int{"a": 4, "b": 1}, map[string]int{"a": 2000, "b": 2000}},
		{"small chunks do not lose share", map[string]int{"a": 1, "b": 1}, map[string]int{"a": 2000, "b": 100}},
		{"three", map[string]int{"a": 1, "b": 2, "c": 3}, map[string]int{"a": 500, "b": 1500, "c": 2000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFairShare()
			served := map[string]int{}
			cands := []string{"a", "b", "c"}[:len(tc.weights)]
			for range 20000 {
				org, ok := f.pick(cands)
				if !ok {
					t.Fatal("no pick among busy organizations")
				}
				served[org] += tc.chunk[org]
				f.charge(org, tc.chunk[org], tc.weights[org])
			}
			total, wsum := 0, 0
			for o, w := range tc.weights {
				total += served[o]
				wsum += w
			}
			for o, w := range tc.weights {
				got, want := float64(served[o])/float64(total), float64(w)/float64(wsum)
				if math.Abs(got-want) > 0.01 {
					t.Errorf("%s got %.3f of the work, want %.3f", o, got, want)
				}
			}
		})
	}
}

// A quiet organization that gets work while another floods is served
// next, not after the flood's backlog; and being idle banks no credit.
func TestFairShareQuietGoesNext(t *testing.T) {
	f := newFairShare()
	for range 1000 {
		org, _ := f.pick([]string{"flood"})
		f.charge(org, 2000, 1)
	}
	if org, _ := f.pick([]string{"flood", "quiet"}); org != "quiet" {
		t.Fatalf("picked %s, want quiet first", org)
	}
	f.charge("quiet", 10, 1)
	// Idle for a long time did not bank 1000 chunks of credit: after one
	// chunk the flood is served again.
	got := []string{}
	for range 4 {
		org, _ := f.pick([]string{"flood", "quiet"})
		got = append(got, org)
		f.charge(org, 2000, 1)
	}
	if got[0] != "flood" && got[1] != "flood" {
		t.Fatalf("quiet kept the flood out: %v", got)
	}
	if _, ok := f.pick(nil); ok {
		t.Fatal("a pick with no candidates")
	}
}

// The scheduler's memory follows the organizations with work, not every
// organization ever seen: once time moves past one, it is forgotten.
func TestFairShareForgets(t *testing.T) {
	f := newFairShare()
	for i := range 1000 {
		org := fmt.Sprintf("org-%d", i)
		f.pick([]string{org})
		f.charge(org, 1, 1)
	}
	for range 10 {
		f.pick([]string{"steady"})
		f.charge("steady", 1000, 1)
	}
	if len(f.vt) > 2 {
		t.Fatalf("holds %d organizations", len(f.vt))
	}
}
