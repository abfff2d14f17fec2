package mpe

import (
	"math/rand/v2"
	"testing"
	"time"
)

// The numeric layouts must read every value exactly as
// time.ParseInLocation does, and decline what they do not read.
func TestNumericLayoutAgrees(t *testing.T) {
	numeric := []string{
		"2006-01-02 15:04:05,000", "2006-01-02 15:04:05", "060102 150405", "01-02 15:04:05.000",
		"2006-01-02-15.04.05.000000", "20060102-15:04:05", "06/01/02 15:04:05", "2006/01/02 15:04:05",
		"2006-01-02T15:04:05.000000000", "15:04:05", "2006-01-02", "2006.01.02",
	}
	other := []string{
		"02/Jan/2006:15:04:05 -0700", "Mon Jan _2 15:04:05 2006", "2006-01-02T15:04:05Z07:00",
		"03:04:05 PM", "2006-1-2 15:04:05", "2006-01-02 15:04:05.999", "15:04:05.0000000000",
		"2006-01-02 15:04:05.0001", "06 2006", "01 01", "15:04:05,", "002 2006", "2006-01-02 15:04:05.000Z", "15:04:05 MST",
	}
	for _, l := range other {
		if compileNumericLayout(l) != nil {
			t.Errorf("%q compiled as a numeric layout", l)
		}
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		paris = time.FixedZone("CET", 3600)
	}
	locs := []*time.Location{time.UTC, time.FixedZone("X", -5*3600), paris}
	rng := rand.New(rand.NewPCG(1, 2))
	mutations := []byte("0123456789 .,:-+/T9Z")
	for _, layout := range numeric {
		nl := compileNumericLayout(layout)
		if nl == nil {
			t.Errorf("%q did not compile as a numeric layout", layout)
			continue
		}
		fast := 0
		for range 20000 {
			ts := time.Date(1960+rng.IntN(120), time.Month(1+rng.IntN(12)), 1+rng.IntN(31), rng.IntN(24), rng.IntN(60), rng.IntN(60), rng.IntN(1e9), time.UTC)
			v := []byte(ts.Format(layout))
			// Mutate some values: a byte, a length, out-of-range fields.
			switch rng.IntN(4) {
			case 1:
				v[rng.IntN(len(v))] = mutations[rng.IntN(len(mutations))]
			case 2:
				i := rng.IntN(len(v))
				v = append(v[:i], v[i+1:]...)
			case 3:
				i := rng.IntN(len(v) - 1)
				v[i], v[i+1] = '0'+byte(rng.IntN(10)), '0'+byte(rng.IntN(10))
			}
			loc := locs[rng.IntN(len(locs))]
			got, ok := nl.parse(string(v), loc)
			want, err := time.ParseInLocation(layout, string(v), loc)
			if !ok {
				continue
			}
			fast++
			if err != nil {
				t.Fatalf("%q, %q: read as %v, time says %v", layout, v, got, err)
			}
			if got != want {
				t.Fatalf("%q, %q: read as %v, time reads %v", layout, v, got, want)
			}
		}
		if fast < 5000 {
			t.Errorf("%q: only %d values read the fast way", layout, fast)
		}
	}
}
