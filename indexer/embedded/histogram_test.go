package embedded

import (
	"testing"
	"time"

	"github.com/sluicehq/sluice/indexer"
)

// TestHistogram checks Histogram against Count: for every query of
// TestMinuteCounts and closed ranges that start and end inside minutes,
// across midnight, with buckets of whole minutes (summed from the rollup
// tables) and of seconds (from the events), each bucket holds what Count
// of its range says, and the buckets add up to Count of the whole range,
// with and without the rollup tables.
func TestHistogram(t *testing.T) {
	x := openTest(t, Config{})
	for _, b := range countsEvents() {
		write(t, x, b)
	}
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, r := range []struct {
		since, until string
		width        time.Duration
	}{
		{"2026-01-10T08:17:13.37Z", "2026-01-10T09:02:00Z", 5 * time.Minute},
		{"2026-01-10T08:30:00.2Z", "2026-01-10T08:30:59.9Z", 10 * time.Second},
		{"2026-01-10T23:30:10Z", "2026-01-11T00:20:00.001Z", time.Minute},
		{"2026-01-10T00:00:00Z", "2026-01-11T00:00:00Z", time.Hour},
		{"2026-01-10T08:00:00Z", "2026-01-10T10:00:00Z", 3 * time.Hour},
	} {
		since, until := at(r.since), at(r.until)
		w := int64(r.width)
		s := since.UnixNano()
		base := s - ((s%w)+w)%w
		n := int((until.UnixNano() - base + w - 1) / w)
		for _, q := range countsQueries {
			req := indexer.SearchRequest{Query: q, Since: since, Until: until}
			for _, noCounts := range []bool{false, true} {
				x.noCounts = noCounts
				got, err := x.Histogram(t.Context(), req, base, r.width, n)
				x.noCounts = false
				if err != nil {
					t.Fatalf("Histogram(%q): %v", q, err)
				}
				var sum int64
				for i, c := range got {
					sum += c
					one := req
					if i > 0 {
						one.Since = time.Unix(0, base+int64(i)*w)
					}
					if i < n-1 {
						one.Until = time.Unix(0, base+int64(i+1)*w)
					}
					if want := count(t, x, one); c != want {
						t.Errorf("Histogram(%q, %s–%s by %v, noCounts %v)[%d] = %d, Count = %d", q, r.since, r.until, r.width, noCounts, i, c, want)
					}
				}
				if want := count(t, x, req); sum != want {
					t.Errorf("Histogram(%q, %s–%s by %v) adds up to %d, Count = %d", q, r.since, r.until, r.width, sum, want)
				}
			}
		}
	}
	if _, err := x.Histogram(t.Context(), indexer.SearchRequest{Query: "*"}, 0, time.Minute, 10); err == nil {
		t.Error("Histogram of an open range")
	}
}
