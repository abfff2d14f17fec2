package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"sync/atomic"
)

// Filter is a source's include_lines and exclude_lines, with Filebeat's
// semantics: a line is kept when it matches one of Include (or Include is
// empty), and then dropped when it matches one of Exclude.
//
// It uses Go's regexp: the MPE's faster search (mpe/rematch) returns
// submatches, which a yes/no filter does not need, and the agent does not
// import the MPE (docs/architecture.md, "Dependency direction").
type Filter struct {
	Include []Pattern
	Exclude []Pattern
}

// Pattern is one compiled pattern. One that is a plain string
// ("healthcheck") is searched with bytes.Contains, many times faster
// than Go's regexp on it (BenchmarkFilterKeep). Case-insensitive
// alternations are the slow kind: tens of µs per line on a loaded host.
type Pattern struct {
	re *regexp.Regexp
	// literal is the whole pattern when it is a plain string (nil
	// otherwise).
	literal []byte
}

// String is the pattern as written.
func (p Pattern) String() string { return p.re.String() }

func (p Pattern) match(line []byte) bool {
	if p.literal != nil {
		return bytes.Contains(line, p.literal)
	}
	return p.re.Match(line)
}

// CompileFilter compiles include and exclude patterns. The error names
// the list and the pattern's position in it.
func CompileFilter(include, exclude []string) (*Filter, error) {
	f := &Filter{}
	for _, l := range []struct {
		name string
		in   []string
		out  *[]Pattern
	}{{"include_lines", include, &f.Include}, {"exclude_lines", exclude, &f.Exclude}} {
		for i, p := range l.in {
			re, err := regexp.Compile(p)
			if err != nil {
				return nil, fmt.Errorf("%s[%d] %q: %w", l.name, i, p, err)
			}
			pat := Pattern{re: re}
			if lit, complete := re.LiteralPrefix(); complete && lit != "" {
				pat.literal = []byte(lit)
			}
			*l.out = append(*l.out, pat)
		}
	}
	return f, nil
}

// Empty reports a filter that keeps every line.
func (f *Filter) Empty() bool { return f == nil || len(f.Include)+len(f.Exclude) == 0 }

// Keep reports whether a line passes the filter.
func (f *Filter) Keep(line []byte) bool {
	if f.Empty() {
		return true
	}
	if len(f.Include) > 0 && !anyMatch(f.Include, line) {
		return false
	}
	return !anyMatch(f.Exclude, line)
}

func anyMatch(ps []Pattern, line []byte) bool {
	for _, p := range ps {
		if p.match(line) {
			return true
		}
	}
	return false
}

// FilteredStore is the Store a source with include_lines or
// exclude_lines commits to: it drops the lines the filter does not keep,
// counts them, and commits the rest. Every source kind commits through a
// Store, so this is the one place lines are filtered, after the source
// made its lines (a file source's joined multi-line events included)
// and before they cost spool space. A file batch whose lines are all
// dropped still commits its checkpoint, so the source moves on; a
// network batch left empty commits nothing, and its sender is answered
// as if it had been stored (the lines were received and dealt with).
type FilteredStore struct {
	Store
	filter  *Filter
	dropped atomic.Uint64
}

// NewFilteredStore filters the batches committed to store.
func NewFilteredStore(store Store, f *Filter) *FilteredStore {
	return &FilteredStore{Store: store, filter: f}
}

// Commit implements Store.
func (s *FilteredStore) Commit(ctx context.Context, b Batch) error {
	var keep []Line
	copied := false
	for i, l := range b.Lines {
		switch {
		case s.filter.Keep(l.Raw):
			if copied {
				keep = append(keep, l)
			}
		case !copied:
			// First line dropped: copy what was kept before it, so the
			// source's own slice is never written to (it may retry it).
			keep = append(make([]Line, 0, len(b.Lines)-1), b.Lines[:i]...)
			copied = true
		}
	}
	if !copied {
		return s.Store.Commit(ctx, b)
	}
	dropped := len(b.Lines) - len(keep)
	b.Lines = keep
	if len(keep) == 0 && b.Checkpoint.IsZero() && len(b.Also) == 0 && len(b.State) == 0 {
		s.dropped.Add(uint64(dropped))
		return nil
	}
	if err := s.Store.Commit(ctx, b); err != nil {
		return err
	}
	// Counted once committed: a batch the store refused comes back.
	s.dropped.Add(uint64(dropped))
	return nil
}

// State implements StateStore over a store that is one (the spool):
// a webhook source with filters keeps its idempotency keys.
func (s *FilteredStore) State(sourceID string, fn func(key string, value []byte) error) error {
	ss, ok := s.Store.(StateStore)
	if !ok {
		return errNoState
	}
	return ss.State(sourceID, fn)
}

// SetState implements StateStore (see State).
func (s *FilteredStore) SetState(sourceID string, recs ...StateRecord) error {
	ss, ok := s.Store.(StateStore)
	if !ok {
		return errNoState
	}
	return ss.SetState(sourceID, recs...)
}

// errNoState is State's and SetState's error over a store that keeps no
// state.
var errNoState = errors.New("the filtered store keeps no source state")

var _ StateStore = (*FilteredStore)(nil)

// Filtered is how many lines the filter dropped.
func (s *FilteredStore) Filtered() uint64 { return s.dropped.Load() }
