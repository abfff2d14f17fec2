package logging

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	l := Limiter{Every: time.Minute}
	t0 := time.Unix(1000, 0)
	steps := []struct {
		at   time.Duration
		want int
	}{
		{0, 0},                          // the first goes through
		{time.Second, -1},               // within a minute: dropped
		{30 * time.Second, -1},          // still dropped
		{time.Minute, 2},                // through, reporting the two dropped
		{time.Minute + time.Second, -1}, // dropped again
		{3 * time.Minute, 1},
	}
	for _, s := range steps {
		if got := l.Allow(t0.Add(s.at)); got != s.want {
			t.Fatalf("Allow at +%v = %d, want %d", s.at, got, s.want)
		}
	}
	if kv := Suppressed([]any{"a", 1}, 0); len(kv) != 2 {
		t.Errorf("Suppressed with 0 added %v", kv)
	}
	if kv := Suppressed(nil, 3); len(kv) != 2 || kv[1] != 3 {
		t.Errorf("Suppressed(nil, 3) = %v", kv)
	}
}
