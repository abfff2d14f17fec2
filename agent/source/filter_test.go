package source

import (
	"context"
	"errors"
	"slices"
	"testing"
)

// memStore keeps what is committed; fail makes the next Commit fail.
type memStore struct {
	Store
	batches []Batch
	fail    error
}

func (m *memStore) Commit(_ context.Context, b Batch) error {
	if err := m.fail; err != nil {
		m.fail = nil
		return err
	}
	m.batches = append(m.batches, b)
	return nil
}

func lines(ss ...string) []Line {
	out := make([]Line, len(ss))
	for i, s := range ss {
		out[i] = Line{Raw: []byte(s), Length: len(s), End: int64(i + 1)}
	}
	return out
}

func raws(ls []Line) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = string(l.Raw)
	}
	return out
}

// Filebeat's semantics: include first (any of them), then exclude (any).
func TestFilterKeep(t *testing.T) {
	in := []string{"ERROR disk full", "WARN slow", "INFO started", "DEBUG x", "ERROR debug dump"}
	tests := []struct {
		name             string
		include, exclude []string
		want             []string
	}{
		{"none", nil, nil, in},
		{"include", []string{`^ERROR`, `^WARN`}, nil, []string{"ERROR disk full", "WARN slow", "ERROR debug dump"}},
		{"exclude", nil, []string{`^DEBUG`, `(?i)started`}, []string{"ERROR disk full", "WARN slow", "ERROR debug dump"}},
		{"include then exclude", []string{`^ERROR`, `^DEBUG`}, []string{`debug`}, []string{"ERROR disk full", "DEBUG x"}},
		{"include nothing", []string{`^FATAL`}, nil, nil},
		{"literals", []string{`disk`, `x`}, []string{`DEBUG`}, []string{"ERROR disk full"}},
		{"not literals", []string{`(?i)disk`, `d.sk`, `^E`}, []string{`dump$`}, []string{"ERROR disk full"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := CompileFilter(tt.include, tt.exclude)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range in {
				if f.Keep([]byte(l)) {
					got = append(got, l)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("kept %q, want %q", got, tt.want)
			}
		})
	}
	if _, err := CompileFilter(nil, []string{"ok", "(bad"}); err == nil || err.Error() != "exclude_lines[1] \"(bad\": error parsing regexp: missing closing ): `(bad`" {
		t.Fatalf("error %v", err)
	}
}

// A filtered batch keeps its checkpoint (a file source moves on even when
// all its lines are dropped), a network batch left empty is not
// committed, the source's slice is not written to, and lines are counted
// as dropped only once their batch is committed.
func TestFilteredStore(t *testing.T) {
	f, err := CompileFilter(nil, []string{`^drop`})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cp := Checkpoint{Dev: 1, Ino: 2, Offset: 30}
	tests := []struct {
		name      string
		batch     Batch
		fail      error
		wantErr   bool
		committed [][]string
		dropped   uint64
	}{
		{"nothing dropped", Batch{Lines: lines("a", "b")}, nil, false, [][]string{{"a", "b"}}, 0},
		{"some dropped", Batch{Lines: lines("drop 1", "a", "drop 2", "b"), Checkpoint: cp}, nil, false, [][]string{{"a", "b"}}, 2},
		{"all dropped, checkpoint kept", Batch{Lines: lines("drop 1", "drop 2"), Checkpoint: cp}, nil, false, [][]string{{}}, 2},
		{"all dropped, no checkpoint", Batch{Lines: lines("drop 1")}, nil, false, nil, 1},
		{"store refuses", Batch{Lines: lines("drop 1", "a")}, ErrBackpressure, true, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := &memStore{fail: tt.fail}
			s := NewFilteredStore(mem, f)
			orig := raws(tt.batch.Lines)
			err := s.Commit(ctx, tt.batch)
			if (err != nil) != tt.wantErr || (err != nil && !errors.Is(err, ErrBackpressure)) {
				t.Fatalf("error %v", err)
			}
			if !slices.Equal(raws(tt.batch.Lines), orig) {
				t.Fatalf("the source's lines changed: %q", raws(tt.batch.Lines))
			}
			if len(mem.batches) != len(tt.committed) {
				t.Fatalf("%d batches committed, want %d", len(mem.batches), len(tt.committed))
			}
			for i, b := range mem.batches {
				if !slices.Equal(raws(b.Lines), tt.committed[i]) || b.Checkpoint != tt.batch.Checkpoint {
					t.Fatalf("batch %d: %q %+v", i, raws(b.Lines), b.Checkpoint)
				}
			}
			if s.Filtered() != tt.dropped {
				t.Fatalf("filtered %d, want %d", s.Filtered(), tt.dropped)
			}
		})
	}
}

func BenchmarkFilterKeep(b *testing.B) {
	line := []byte("Dec  7 17:56:35 web-01 sshd[1234]: Failed password for invalid user admin from 203.0.113.9 port 52144 ssh2")
	for _, bc := range []struct {
		name             string
		include, exclude []string
	}{
		{"literals", []string{`sshd`, `sudo`}, []string{`Accepted publickey`, `healthcheck`}},
		{"anchored", []string{`^Dec`}, []string{`^DEBUG`}},
		{"regexp", []string{`sshd\[\d+\]`}, []string{`(?i)accepted|session opened`}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			f, err := CompileFilter(bc.include, bc.exclude)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(line)))
			for b.Loop() {
				f.Keep(line)
			}
		})
	}
}
