package mpe

import "strings"

// selector picks, for one line, the rules of a policy worth running: a rule
// whose required literal the line lacks cannot match, so its regular
// expression is never run.
//
// This first version tests each rule's longest required literal with
// strings.Contains (a SIMD-assisted search) lazily, rule by rule. The full
// MPE replaces scan with one Aho-Corasick pass over the line that marks
// every rule whose literals all occur; the engine's loop does not change.
type selector struct {
	lits []string // lits[i] is policy[i]'s longest required literal, "" for none
}

func newSelector(policy []*rule) *selector {
	s := &selector{lits: make([]string, len(policy))}
	for i, r := range policy {
		s.lits[i] = longest(r.literals)
	}
	return s
}

// scan returns the candidate rules of line.
func (s *selector) scan(line string) candidates {
	return candidates{sel: s, line: line}
}

// candidates is the set of rules a line may match.
type candidates struct {
	sel  *selector
	line string
}

// has reports whether policy rule i may match.
func (c candidates) has(i int) bool {
	lit := c.sel.lits[i]
	return lit == "" || strings.Contains(c.line, lit)
}
