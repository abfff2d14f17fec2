package stall

import (
	"testing"
	"time"
)

func TestWatch(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	steps := []struct {
		name          string
		o             Observation
		stalled, chgd bool
	}{
		{"first look: pending, no history", Observation{Now: at(0), Pending: true, Progress: 5}, false, false},
		{"no move for 30 s", Observation{Now: at(30), Pending: true, Progress: 5}, false, false},
		{"no move for 60 s: stalled", Observation{Now: at(60), Pending: true, Progress: 5}, true, true},
		{"still stalled", Observation{Now: at(70), Pending: true, Progress: 5}, true, false},
		{"moves", Observation{Now: at(75), Pending: true, Progress: 6}, false, true},
		{"59 s later", Observation{Now: at(134), Pending: true, Progress: 6}, false, false},
		{"excused (index failing)", Observation{Now: at(200), Pending: true, Progress: 6, Excused: true}, false, false},
		{"not excused any more, 59 s later", Observation{Now: at(259), Pending: true, Progress: 6}, false, false},
		{"60 s after the excuse", Observation{Now: at(260), Pending: true, Progress: 6}, true, true},
		{"drained: nothing pending", Observation{Now: at(300), Pending: false, Progress: 6}, false, true},
		{"idle for long", Observation{Now: at(900), Pending: false, Progress: 6}, false, false},
		{"work arrives", Observation{Now: at(901), Pending: true, Progress: 6}, false, false},
		{"and sits 60 s", Observation{Now: at(961), Pending: true, Progress: 6}, true, true},
	}
	w := New(time.Minute)
	for _, s := range steps {
		stalled, changed := w.Observe(s.o)
		if stalled != s.stalled || changed != s.chgd {
			t.Fatalf("%s: stalled %v changed %v, want %v %v", s.name, stalled, changed, s.stalled, s.chgd)
		}
	}
	if got := w.Since(); !got.Equal(at(900)) { // the last look with nothing pending
		t.Fatalf("Since = %v, want %v", got, at(900))
	}
}
