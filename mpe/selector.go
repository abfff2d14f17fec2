package mpe

import (
	"math/bits"
	"sort"
	"sync"

	"github.com/sluicehq/sluice/mpe/acscan"
)

// Candidate selection. A rule whose required literals a line lacks cannot
// match it, so its regular expression is never run. At load, the literals
// of every rule of a policy go into one Aho–Corasick automaton (package
// acscan); per line, one pass over the line finds every literal it
// contains. A rule's requirements are groups of literals (a plain literal,
// or the alternatives of an alternation); it is a candidate when each of
// its selected groups has a member in the line. Rules without a usable
// literal are always candidates.

const (
	// minLiteral is the shortest literal worth selecting on: shorter ones
	// (": ", "[") are in nearly every line and only cost automaton hits.
	minLiteral = 3
	// maxLiteral caps a literal's length (any part of a required literal
	// is required too): long literals only grow the automaton.
	maxLiteral = 24
	// maxGroupsPerRule is how many of a rule's groups are used, the most
	// selective first.
	maxGroupsPerRule = 3
	// maxShared is how many rules may select on one literal before it is
	// used only by rules that have nothing better. Every occurrence of a
	// literal in a line visits each rule selecting on it: with 500 rules
	// written in a few shapes, " from " and "opened|closed" were shared
	// by hundreds, and those visits cost more than the rest of the scan.
	maxShared = 16
)

// selector picks, for one line, the rules of a policy worth trying.
type selector struct {
	n     int // rules in the policy
	ac    *acscan.Matcher
	lits  []string  // the patterns of ac, by literal id
	slots [][]int32 // literal id → the group slots it satisfies
	// slotRule[slot] is the policy index of the rule owning the slot.
	slotRule []int32
	need     []uint8  // policy index → groups it needs (0: always a candidate)
	always   []uint64 // bitset of rules that are always candidates
	pool     sync.Pool
}

// scan is the per-line scratch of a selector. A pass takes one for its
// whole length (get, done): it also holds the values the pass boxes.
type scan struct {
	cands []uint64 // bitset over policy indexes
	seen  []uint64 // bitset over group slots
	count []uint8  // policy index → groups satisfied so far
	sel   *selector
	boxes boxes
	// header and rules box captured values: header[i] those of the
	// type's header capture i, rules[r][i] those of capture i of policy
	// rule r, made when r first matches.
	header []lastString
	rules  [][]lastString
	// subs holds the submatches of the pass's last match (see
	// rule.try): one slice, reused from line to line.
	subs []int
	// x holds what a rule's extractor read from the line (extract.go).
	x extracted
}

// headerBoxes returns the boxes of the type's n header captures.
func (sc *scan) headerBoxes(n int) []lastString {
	if len(sc.header) < n {
		sc.header = make([]lastString, n)
	}
	return sc.header
}

// ruleBoxes returns the boxes of the n captures of policy rule i.
func (sc *scan) ruleBoxes(i, n int) []lastString {
	if sc.rules == nil {
		sc.rules = make([][]lastString, sc.sel.n)
	}
	if len(sc.rules[i]) < n {
		sc.rules[i] = make([]lastString, n)
	}
	return sc.rules[i]
}

func newSelector(policy []*rule) *selector {
	return buildSelector(len(policy), func(i int) [][]string { return policy[i].literals })
}

// newSequentialSelector returns a selector that makes every one of n rules
// a candidate on every line: naive sequential evaluation (see
// RuleSet.Sequential).
func newSequentialSelector(n int) *selector {
	return buildSelector(n, func(int) [][]string { return nil })
}

// buildSelector builds the selector of n rules whose literal groups
// literals returns.
func buildSelector(n int, literals func(i int) [][]string) *selector {
	s := &selector{n: n, need: make([]uint8, n), always: make([]uint64, words(n))}
	ids := map[string]int32{}
	var lits []string
	usable := make([][][]string, n)
	users := map[string]int{} // literal → rules that could select on it
	for i := range n {
		usable[i] = selectGroups(literals(i))
		seen := map[string]bool{}
		for _, g := range usable[i] {
			for _, l := range g {
				if !seen[l] {
					seen[l] = true
					users[l]++
				}
			}
		}
	}
	for i := range n {
		groups := pickGroups(usable[i], users)
		if len(groups) == 0 {
			s.always[i/64] |= 1 << (i % 64)
			continue
		}
		s.need[i] = uint8(len(groups))
		for _, g := range groups {
			slot := int32(len(s.slotRule))
			s.slotRule = append(s.slotRule, int32(i))
			for _, l := range g {
				id, ok := ids[l]
				if !ok {
					id = int32(len(lits))
					ids[l] = id
					lits = append(lits, l)
					s.slots = append(s.slots, nil)
				}
				s.slots[id] = append(s.slots[id], slot)
			}
		}
	}
	if len(lits) > 0 {
		s.ac, s.lits = acscan.New(lits), lits
	}
	nslots := len(s.slotRule)
	s.pool.New = func() any {
		return &scan{cands: make([]uint64, words(s.n)), seen: make([]uint64, words(nslots)), count: make([]uint8, s.n), sel: s}
	}
	return s
}

func words(n int) int { return (n + 63) / 64 }

// selectGroups returns the groups a rule could be selected on: members
// cut to maxLiteral bytes, groups with a member shorter than minLiteral
// dropped (they would select nearly every line), the most selective first,
// and none implied by another (a literal inside a longer one adds
// nothing).
func selectGroups(groups [][]string) [][]string {
	var out [][]string
	for _, g := range groups {
		var cut []string
		ok := true
		for _, l := range g {
			if len(l) > maxLiteral {
				l = l[:maxLiteral]
			}
			if len(l) < minLiteral {
				ok = false
				break
			}
			cut = append(cut, l)
		}
		if ok && len(cut) > 0 {
			out = append(out, cut)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		si, sj := shortest(out[i]), shortest(out[j])
		if si != sj {
			return si > sj
		}
		return len(out[i]) < len(out[j])
	})
	var kept [][]string
	for _, g := range out {
		if len(g) == 1 && impliedBy(g[0], kept) {
			continue
		}
		kept = append(kept, g)
	}
	return kept
}

// pickGroups picks, of a rule's usable groups (most selective first), the
// ones it is selected on: at most maxGroupsPerRule of those whose literals
// no more than maxShared rules could select on; if there is none, the
// least shared group. users counts, per literal, the rules that could
// select on it. Any subset of the groups is a correct filter: the choice
// only trades scan work against regular expressions run.
func pickGroups(usable [][]string, users map[string]int) [][]string {
	shared := func(g []string) int {
		n := 0
		for _, l := range g {
			n = max(n, users[l])
		}
		return n
	}
	var kept [][]string
	least := -1
	for i, g := range usable {
		if s := shared(g); s <= maxShared {
			kept = append(kept, g)
			if len(kept) == maxGroupsPerRule {
				break
			}
		} else if least < 0 || s < shared(usable[least]) {
			least = i
		}
	}
	if len(kept) == 0 && least >= 0 {
		kept = append(kept, usable[least])
	}
	return kept
}

// impliedBy reports whether a plain group kept already contains l.
func impliedBy(l string, kept [][]string) bool {
	for _, k := range kept {
		if len(k) == 1 && len(k[0]) >= len(l) && contains(k[0], l) {
			return true
		}
	}
	return false
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// get returns a scratch; release it with done.
func (s *selector) get() *scan { return s.pool.Get().(*scan) }

// run sets sc's candidates to the rules worth trying on line.
func (sc *scan) run(line string) {
	s := sc.sel
	copy(sc.cands, s.always)
	if s.ac == nil {
		return
	}
	clear(sc.seen)
	clear(sc.count)
	s.ac.Scan(line, sc.found)
}

// found records that literal lit occurs in the line.
func (sc *scan) found(lit int) {
	s := sc.sel
	for _, slot := range s.slots[lit] {
		w, bit := slot/64, uint64(1)<<(slot%64)
		if sc.seen[w]&bit != 0 {
			continue
		}
		sc.seen[w] |= bit
		i := s.slotRule[slot]
		sc.count[i]++
		if sc.count[i] == s.need[i] {
			sc.cands[i/64] |= 1 << (i % 64)
		}
	}
}

func (s *selector) done(sc *scan) { s.pool.Put(sc) }

// next returns the first candidate at or after policy index i, or -1.
func (sc *scan) next(i int) int {
	w := i / 64
	if w >= len(sc.cands) {
		return -1
	}
	word := sc.cands[w] >> (i % 64)
	if word != 0 {
		return i + bits.TrailingZeros64(word)
	}
	for w++; w < len(sc.cands); w++ {
		if sc.cands[w] != 0 {
			return w*64 + bits.TrailingZeros64(sc.cands[w])
		}
	}
	return -1
}
