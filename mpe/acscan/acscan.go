// Package acscan finds which of a fixed set of literal strings occur in a
// text, in one pass: an Aho–Corasick automaton compiled to a deterministic
// automaton over byte classes.
//
// The MPE runs it on every log line to select the rules worth trying, so
// the scan is what counts: one table lookup per byte, no failure links
// followed at scan time, no allocation. BenchmarkScanCorpus compares it
// with the well-kept Go packages on the literal sets of the starter rules
// over the shared corpus (figures in docs/performance.md): in CPU time
// per byte, github.com/BobuSumisu/aho-corasick (which follows failure
// links while scanning and keeps 2 KiB of transitions per state) took
// 1.7–2.8 times as long, github.com/cloudflare/ahocorasick (which
// allocates the list of matches) 2.2–3.9 times, and
// github.com/petar-dambovaliev/aho-corasick (which allocates per match)
// 4.4–6.2 times with its DFA and 6.7–8.5 times without. The tests check
// that it finds what each of them finds.
package acscan

import "math"

// outFlag marks, in a transition, a state where some pattern ends.
const outFlag = 1 << 31

// Matcher is a compiled set of patterns. It is immutable and safe for
// concurrent use.
type Matcher struct {
	class   [256]uint32 // byte → class; class 0 is "in no pattern"
	classes int
	// next[s+c] is the state after state s reads a byte of class c.
	// States are premultiplied (state i is i*classes), so a step is one
	// addition and one load; outFlag marks states where patterns end.
	next []uint32
	// out[s] lists the patterns that end at state s (itself or by a
	// suffix), as a range of outs.
	outStart []uint32
	outs     []uint32
	patterns int
	maxLen   int // the longest pattern
}

// New compiles patterns. Empty patterns are ignored (they would match
// everywhere).
func New(patterns []string) *Matcher {
	m := &Matcher{patterns: len(patterns)}

	// Byte classes: bytes that occur in no pattern share class 0; every
	// other byte value gets its own class.
	used := [256]bool{}
	for _, p := range patterns {
		for i := 0; i < len(p); i++ {
			used[p[i]] = true
		}
	}
	m.classes = 1
	for b := range 256 {
		if used[b] {
			m.class[b] = uint32(m.classes)
			m.classes++
		}
	}
	if m.classes > math.MaxUint8 {
		// Every byte value is used: give up on compression.
		m.classes = 256
		for b := range 256 {
			m.class[b] = uint32(b)
		}
	}

	// The trie.
	type tnode struct {
		child map[uint32]uint32
		fail  uint32
		outs  []uint32
	}
	nodes := []tnode{{child: map[uint32]uint32{}}}
	for id, p := range patterns {
		if p == "" {
			continue
		}
		m.maxLen = max(m.maxLen, len(p))
		s := uint32(0)
		for i := 0; i < len(p); i++ {
			c := m.class[p[i]]
			n, ok := nodes[s].child[c]
			if !ok {
				n = uint32(len(nodes))
				nodes = append(nodes, tnode{child: map[uint32]uint32{}})
				nodes[s].child[c] = n
			}
			s = n
		}
		nodes[s].outs = append(nodes[s].outs, uint32(id))
	}

	// Breadth first: failure links, inherited outputs and the full
	// transition table (a missing edge goes where the failure state's
	// edge goes, computed already since it is shallower).
	k := m.classes
	m.next = make([]uint32, len(nodes)*k)
	queue := make([]uint32, 0, len(nodes))
	for c := range k {
		if n, ok := nodes[0].child[uint32(c)]; ok {
			m.next[c] = n
			nodes[n].fail = 0
			queue = append(queue, n)
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		f := nodes[s].fail
		nodes[s].outs = append(nodes[s].outs, nodes[f].outs...)
		for c := range k {
			if n, ok := nodes[s].child[uint32(c)]; ok {
				nodes[n].fail = m.next[int(f)*k+c]
				m.next[int(s)*k+c] = n
				queue = append(queue, n)
			} else {
				m.next[int(s)*k+c] = m.next[int(f)*k+c]
			}
		}
	}

	m.outStart = make([]uint32, len(nodes)+1)
	for s, n := range nodes {
		m.outStart[s] = uint32(len(m.outs))
		m.outs = append(m.outs, n.outs...)
	}
	m.outStart[len(nodes)] = uint32(len(m.outs))

	// Premultiply and flag.
	for i, t := range m.next {
		v := t * uint32(k)
		if len(nodes[t].outs) > 0 {
			v |= outFlag
		}
		m.next[i] = v
	}
	return m
}

// Patterns returns the number of patterns compiled.
func (m *Matcher) Patterns() int { return m.patterns }

// States returns the number of automaton states (for memory estimates:
// each holds one transition per byte class).
func (m *Matcher) States() int { return len(m.outStart) - 1 }

// Scan calls found for every occurrence of every pattern in text, with the
// pattern's index. A pattern occurring several times is reported each
// time; occurrences are not reported in the order of the text.
//
// A step of the automaton is a table load that depends on the previous
// one, so one walk over a text runs at the latency of a load, not at the
// rate the processor could issue them. A text long enough is therefore
// cut in two halves walked in the same loop, two independent chains of
// loads: the second walk starts as many bytes before its half as the
// longest pattern has, less one, so that it sees every occurrence ending
// in its half whole, and reports only those. (Four walks measured no
// faster: the loop is then bound by the instructions it issues.)
func (m *Matcher) Scan(text string, found func(pattern int)) {
	overlap := max(m.maxLen-1, 0)
	if len(text) < 2*minSplit+overlap {
		m.walk(text, 0, found)
		return
	}
	m.scan2(text, overlap, found)
}

// minSplit is the least number of bytes each half of a split scan has;
// below, one walk is as fast.
const minSplit = 16

// report calls found for the patterns ending at state s.
func (m *Matcher) report(s uint32, found func(pattern int)) {
	st := (s &^ outFlag) / uint32(m.classes)
	for _, p := range m.outs[m.outStart[st]:m.outStart[st+1]] {
		found(int(p))
	}
}

// scan2 walks text in two chains. Each reads n bytes: the first
// text[:n], the second text[n-overlap:2n-overlap], then what is left.
func (m *Matcher) scan2(text string, overlap int, found func(pattern int)) {
	n := (len(text) + overlap) / 2
	t0, t1 := text[:n], text[n-overlap:2*n-overlap]
	var s0, s1 uint32
	for i := 0; ; i++ {
		if i, s0, s1 = m.step2(t0, t1, i, s0, s1); i == len(t0) {
			break
		}
		if s0&outFlag != 0 {
			m.report(s0, found)
		}
		if s1&outFlag != 0 && i >= overlap {
			m.report(s1, found)
		}
	}
	m.walk(text[2*n-overlap:], s1, found)
}

// step2 advances both walks of scan2 from byte i to the first byte after
// which either is in a state where a pattern ends, or to the end. It
// calls nothing, so that the states stay in registers.
func (m *Matcher) step2(t0, t1 string, i int, s0, s1 uint32) (int, uint32, uint32) {
	next, class := m.next, &m.class
	t1 = t1[:len(t0)]
	for ; i < len(t0); i++ {
		s0 = next[s0&^outFlag+class[t0[i]]]
		s1 = next[s1&^outFlag+class[t1[i]]]
		if (s0|s1)&outFlag != 0 {
			return i, s0, s1
		}
	}
	return i, s0, s1
}

// walk walks text in one chain, from state s.
func (m *Matcher) walk(text string, s uint32, found func(pattern int)) {
	for i := 0; ; i++ {
		if i, s = m.step(text, i, s); i == len(text) {
			return
		}
		m.report(s, found)
	}
}

// step is step2 for one walk.
func (m *Matcher) step(text string, i int, s uint32) (int, uint32) {
	next, class := m.next, &m.class
	for ; i < len(text); i++ {
		if s = next[s&^outFlag+class[text[i]]]; s&outFlag != 0 {
			return i, s
		}
	}
	return i, s
}
