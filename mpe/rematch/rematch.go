// Copyright 2015 The Go Authors. All rights reserved.
// Copyright 2026 The Sluice Authors.
//
// This file is derived from Go's regexp/backtrack.go: the backtracking
// search with its job stack and capture registers, the bit vector of
// visited states (a bit per state and text position, in 32-bit words,
// capped so that longer texts go back to regexp), and the loop that tries
// every start position of an unanchored search without clearing it. Go's
// code is used under Go's BSD-style license, which follows; this file's
// changes and additions are under the Apache License 2.0, like the rest
// of Sluice (LICENSE at the repository root; see NOTICE).
//
// Go's license (Copyright 2009 The Go Authors):
//
// Redistribution and use in source and binary forms, with or without
// modification, are permitted provided that the following conditions are
// met:
//
//    * Redistributions of source code must retain the above copyright
// notice, this list of conditions and the following disclaimer.
//    * Redistributions in binary form must reproduce the above
// copyright notice, this list of conditions and the following disclaimer
// in the documentation and/or other materials provided with the
// distribution.
//    * Neither the name of Google LLC nor the names of its
// contributors may be used to endorse or promote products derived from
// this software without specific prior written permission.
//
// THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS
// "AS IS" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT
// LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR
// A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT
// OWNER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL,
// SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT
// LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE,
// DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY
// THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT
// (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
// OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.

// Package rematch finds the leftmost match of a regular expression in a
// string, with its submatches, as regexp.(*Regexp).FindStringSubmatchIndex
// does, only faster: it is the backtracking search of Go's regexp
// (regexp/backtrack.go), run on the same compiled program, specialised
// for strings.
//
// The MPE runs one or two expressions on every log line, and Go's
// backtracker was a third of its time. Per step it reads the text through
// an interface, matches a character class by searching its ranges, and
// programs of more than 500 instructions (rules with several address
// tags) go to the much slower NFA whatever the line's length. Here a byte
// below 0x80 is matched with one bit test, the text is a string read
// directly, and the bit vector that keeps the search linear may be larger.
// What it explores, in which order, and so what it returns, are the
// backtracker's: the tests compare the two on every rule of the starter
// set, the corpus and fuzzed input.
package rematch

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
	"unicode/utf8"
)

// maxVisited caps the bit vector of one search (a bit per InstAlt and
// text position, 128 KiB): a longer text is left to regexp.
const maxVisited = 1 << 20

// Regexp is a compiled expression. It is immutable and safe for
// concurrent use.
type Regexp struct {
	re     *regexp.Regexp // the same expression, for texts too long
	prog   *syntax.Prog
	insts  []inst // prog's, as the search reads them
	text   string // the opLiterals' texts
	start  uint32
	cond   syntax.EmptyOp // what the start of a match must satisfy
	prefix string         // literal every match starts with
	ncap   int            // capture registers of the program
	rows   int            // InstAlts: rows of the visited bits
	nsub   int            // length of a result: 2 per group, and 2 for the match
	maxLen int            // longest text searched here
}

// inst is a syntax.Inst with what the search needs at hand.
type inst struct {
	op op
	// loop says an InstAlt is a loop over one rune instruction (x*,
	// x+): greedy, out is that instruction and its out this InstAlt;
	// lazy (x*?, x+?), the same with arg.
	loop loopKind
	out  uint32
	// arg is syntax.Inst.Arg, past InstNops for an InstAlt; for an
	// opLiteral, where its text starts in Regexp.text.
	arg uint32
	// row is an InstAlt's row of the visited bits; for an opLiteral, the
	// length of its text.
	row int32
	// ascii has bit c set when the instruction (one that consumes a
	// rune) matches the rune c < 0x80.
	ascii [2]uint64
}

// op is what an instruction does: syntax.InstOp, with every rune
// instruction one op.
type op uint8

const (
	opRune op = iota // InstRune, InstRune1, InstRuneAny, InstRuneAnyNotNL
	opAlt
	opCapture
	opEmptyWidth
	opMatch
	opFail
	opNop     // never reached: jumped over
	opLiteral // a run of InstRune1s of ASCII
)

type loopKind uint8

const (
	notLoop loopKind = iota
	greedy
	lazy
)

func (in *inst) matchASCII(c byte) bool { return in.ascii[c>>6]&(1<<(c&63)) != 0 }

// matchRune reports whether the rune instruction src matches r ≥ 0x80.
func matchRune(src *syntax.Inst, r rune) bool {
	switch src.Op {
	case syntax.InstRune1:
		return r == src.Rune[0]
	case syntax.InstRune:
		return src.MatchRune(r)
	}
	return true // InstRuneAny, InstRuneAnyNotNL
}

func consumes(op syntax.InstOp) bool {
	switch op {
	case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
		return true
	}
	return false
}

// New compiles re, which must have been compiled by regexp.Compile or
// regexp.MustCompile (leftmost-first, Perl syntax), for this package.
// Should its program hold what the search here does not run, every search
// is left to re.
func New(re *regexp.Regexp) *Regexp {
	x, err := compile(re)
	if err != nil {
		return &Regexp{re: re, maxLen: -1}
	}
	return x
}

func compile(re *regexp.Regexp) (*Regexp, error) {
	// As regexp.Compile does: parse, simplify, compile.
	parsed, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return nil, err
	}
	prog, err := syntax.Compile(parsed.Simplify())
	if err != nil {
		return nil, err
	}
	x := &Regexp{
		re:    re,
		start: uint32(prog.Start),
		cond:  prog.StartCond(),
		ncap:  prog.NumCap,
		nsub:  2 * (1 + re.NumSubexp()),
		prog:  prog,
		insts: make([]inst, len(prog.Inst)),
	}
	x.prefix, _ = prog.Prefix()
	// InstNops do nothing: jump past them.
	skip := func(pc uint32) uint32 {
		for prog.Inst[pc].Op == syntax.InstNop {
			pc = prog.Inst[pc].Out
		}
		return pc
	}
	x.start = skip(x.start)
	for pc := range prog.Inst {
		src := &prog.Inst[pc]
		in := &x.insts[pc]
		in.out, in.arg, in.row = skip(src.Out), src.Arg, -1
		switch src.Op {
		case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			in.op = opRune
		case syntax.InstCapture:
			in.op = opCapture
		case syntax.InstEmptyWidth:
			in.op = opEmptyWidth
		case syntax.InstMatch:
			in.op = opMatch
		case syntax.InstFail:
			in.op = opFail
		case syntax.InstNop:
			in.op = opNop
		case syntax.InstAlt:
			in.op = opAlt
			in.arg = skip(src.Arg)
			in.row = int32(x.rows)
			x.rows++
			if body := &prog.Inst[in.out]; consumes(body.Op) && skip(body.Out) == uint32(pc) {
				in.loop = greedy
			} else if body := &prog.Inst[in.arg]; consumes(body.Op) && skip(body.Out) == uint32(pc) {
				// Lazy, when what follows begins with a rune
				// instruction (its exit; see try).
				exit := in.out
				for prog.Inst[exit].Op == syntax.InstCapture {
					exit = skip(prog.Inst[exit].Out)
				}
				if consumes(prog.Inst[exit].Op) {
					in.loop = lazy
				}
			}
		default:
			// InstAltMatch: only the one-pass matcher's programs have
			// them.
			return nil, fmt.Errorf("rematch: unexpected %v", src.Op)
		}
		if consumes(src.Op) {
			for c := range rune(utf8.RuneSelf) {
				var ok bool
				switch src.Op {
				case syntax.InstRune1:
					ok = c == src.Rune[0]
				case syntax.InstRune:
					ok = src.MatchRune(c)
				case syntax.InstRuneAny:
					ok = true
				case syntax.InstRuneAnyNotNL:
					ok = c != '\n'
				}
				if ok {
					in.ascii[c>>6] |= 1 << (c & 63)
				}
			}
		}
	}
	// A run of InstRune1s of ASCII matches the run's text or fails: its
	// first one compares it at once and jumps past the rest (which stay
	// for paths that enter the run further on).
	var text []byte
	ascii1 := func(pc uint32) bool {
		in := &prog.Inst[pc]
		return in.Op == syntax.InstRune1 && in.Rune[0] < utf8.RuneSelf
	}
	for pc := range prog.Inst {
		if !ascii1(uint32(pc)) {
			continue
		}
		start, next := len(text), uint32(pc)
		for ; ascii1(next); next = x.insts[next].out {
			text = append(text, byte(prog.Inst[next].Rune[0]))
		}
		if n := len(text) - start; n > 1 {
			in := &x.insts[pc]
			in.op, in.out, in.arg, in.row = opLiteral, next, uint32(start), int32(n)
		} else {
			text = text[:start]
		}
	}
	x.text = string(text)
	x.maxLen = maxVisited/max(x.rows, 1) - 1
	return x, nil
}

// FindStringSubmatchIndex is re.FindStringSubmatchIndex(s) of the
// regexp.Regexp x was made from, appended to dst[:0]: nil when there is
// no match.
func (x *Regexp) FindStringSubmatchIndex(s string, dst []int) []int {
	if len(s) > x.maxLen {
		m := x.re.FindStringSubmatchIndex(s)
		if m == nil {
			return nil
		}
		return append(dst[:0], m...)
	}
	if x.cond == ^syntax.EmptyOp(0) {
		return nil // a match is impossible
	}
	b := states.Get().(*state)
	defer states.Put(b)
	b.reset(x.rows, len(s), x.ncap)
	if x.cond&syntax.EmptyBeginText != 0 {
		// Anchored: only a match at the start.
		b.cap[0] = 0
		if !x.try(b, s, 0) {
			return nil
		}
	} else {
		// Every start position in turn. The visited bits are not
		// cleared between them, so no state is explored twice.
		for pos := 0; ; {
			if x.prefix != "" {
				i := strings.Index(s[pos:], x.prefix)
				if i < 0 {
					return nil
				}
				pos += i
			}
			b.cap[0] = pos
			if x.try(b, s, pos) {
				break
			}
			if pos == len(s) {
				return nil
			}
			pos += width(s, pos)
		}
	}
	dst = append(dst[:0], b.matchcap...)
	for len(dst) < x.nsub {
		dst = append(dst, -1)
	}
	return dst
}

// width is the length of the rune at s[pos:].
func width(s string, pos int) int {
	if s[pos] < utf8.RuneSelf {
		return 1
	}
	_, w := utf8.DecodeRuneInString(s[pos:])
	return w
}

// A job is an entry of the backtracker's stack: what to do once the
// path being followed fails.
type job struct {
	pc   uint32
	kind jobKind
	pos  int32
	lo   int32 // jobRange
}

type jobKind uint8

const (
	// jobBranch goes on at instruction pc at pos: the second branch of
	// an InstAlt.
	jobBranch jobKind = iota
	// jobRestore sets capture register pc back to pos.
	jobRestore
	// jobRange goes on at instruction pc (a loop's exit) at every
	// position from pos down to lo: the jobBranch of each position the
	// loop went through, in one job.
	jobRange
)

// state is the scratch of one search.
type state struct {
	end      int
	cap      []int
	matchcap []int
	jobs     []job
	visited  []uint32
}

var states = sync.Pool{New: func() any { return &state{jobs: make([]job, 0, 256)} }}

func (b *state) reset(rows, end, ncap int) {
	b.end = end
	b.jobs = b.jobs[:0]
	n := (rows*(end+1) + 31) / 32
	if cap(b.visited) < n {
		b.visited = make([]uint32, n)
	} else {
		b.visited = b.visited[:n]
		clear(b.visited)
	}
	if cap(b.cap) < ncap {
		b.cap = make([]int, ncap)
		b.matchcap = make([]int, ncap)
	}
	b.cap, b.matchcap = b.cap[:ncap], b.matchcap[:ncap]
	for i := range b.cap {
		b.cap[i], b.matchcap[i] = -1, -1
	}
}

// try runs the backtracking search for a match starting at pos: Go's
// tryBacktrack for leftmost-first matching, with changes that leave what
// it finds as it was:
//
//   - Go's marks every (instruction, position) it reaches, and abandons
//     a path that reaches one marked; only InstAlts are marked here. What
//     follows an instruction other than an InstAlt is fixed until the
//     next InstAlt (or a failure, or the match), so a path reaching a
//     state again reaches the same InstAlt again, which is marked.
//   - A greedy loop over one rune instruction (\d+, [^,]*, .*) runs
//     through ASCII in a tight loop, and pushes one jobRange for the ways
//     back out of the loop instead of a job per byte.
//   - A lazy loop (.*?) steps over the bytes where its exit (the rune
//     instruction after it) fails at once, without trying the exit.
//   - A run of InstRune1s of ASCII is compared at once (opLiteral).
//   - InstNops are jumped over.
//
// A path between two InstAlts is at most the program long, so the search
// stays polynomial: no more than (InstAlts × 2 × instructions) steps per
// text position.
func (x *Regexp) try(b *state, s string, pos int) bool {
	// The job stack, registers and visited bits, in locals: the loop
	// below is the search's whole cost.
	jobs, caps, visited, stride := b.jobs[:0], b.cap, b.visited, b.end+1
	// visit reports whether the InstAlt of row row has not been at pos
	// yet, and marks it.
	visit := func(row int32, pos int) bool {
		n := uint(int(row)*stride + pos)
		w, bit := n/32, uint32(1)<<(n&31)
		if visited[w]&bit != 0 {
			return false
		}
		visited[w] |= bit
		return true
	}
	insts := x.insts
	pc := x.start
	for {
		in := &insts[pc]
		if in.op == opRune {
			// Most steps are these.
			if pos >= len(s) {
				goto pop
			}
			if c := s[pos]; c < utf8.RuneSelf {
				if !in.matchASCII(c) {
					goto pop
				}
				pos++
			} else {
				r, w := utf8.DecodeRuneInString(s[pos:])
				if !matchRune(&x.prog.Inst[pc], r) {
					goto pop
				}
				pos += w
			}
			pc = in.out
			continue
		}
		switch in.op {
		case opAlt:
			if !visit(in.row, pos) {
				break
			}
			switch in.loop {
			case greedy:
				// As far as the body matches ASCII.
				body, lo := &insts[in.out], pos
				for pos < len(s) && s[pos] < utf8.RuneSelf && body.matchASCII(s[pos]) {
					if !visit(in.row, pos+1) {
						// Been here: only the ways out are left.
						jobs = append(jobs, job{pc: in.arg, kind: jobRange, pos: int32(pos), lo: int32(lo)})
						goto pop
					}
					pos++
				}
				if pos > lo {
					jobs = append(jobs, job{pc: in.arg, kind: jobRange, pos: int32(pos - 1), lo: int32(lo)})
				}
				if pos < len(s) && s[pos] >= utf8.RuneSelf {
					// The body decides on a multi-byte rune as usual.
					jobs = append(jobs, job{pc: in.arg, kind: jobBranch, pos: int32(pos)})
					pc = in.out
					continue
				}
				pc = in.arg
				continue
			case lazy:
				// Past the ASCII the exit (the rune instruction the
				// first branch begins with, past captures) fails on and
				// the body takes.
				exit, body := &insts[in.out], &insts[in.arg]
				for exit.op == opCapture {
					exit = &insts[exit.out]
				}
				for pos < len(s) && s[pos] < utf8.RuneSelf && !exit.matchASCII(s[pos]) {
					if !body.matchASCII(s[pos]) || !visit(in.row, pos+1) {
						goto pop
					}
					pos++
				}
			}
			jobs = append(jobs, job{pc: in.arg, kind: jobBranch, pos: int32(pos)})
			pc = in.out
			continue
		case opCapture:
			if in.arg < uint32(len(caps)) {
				jobs = append(jobs, job{pc: in.arg, kind: jobRestore, pos: int32(caps[in.arg])})
				caps[in.arg] = pos
			}
			pc = in.out
			continue
		case opEmptyWidth:
			if syntax.EmptyOp(in.arg)&^context(s, pos) != 0 {
				break
			}
			pc = in.out
			continue
		case opMatch:
			// Leftmost-first: the first match found is the one.
			if len(caps) > 1 {
				caps[1] = pos
			}
			copy(b.matchcap, caps)
			b.jobs = jobs[:0] // keep what it grew to
			return true
		case opLiteral:
			lit := x.text[in.arg : in.arg+uint32(in.row)]
			if len(s)-pos < len(lit) || s[pos:pos+len(lit)] != lit {
				break
			}
			pos += len(lit)
			pc = in.out
			continue
		case opNop:
			pc = in.out
			continue
		case opFail:
			// Nothing matches here.
		}
	pop:
		// This path failed: take up the latest job.
		for {
			l := len(jobs) - 1
			if l < 0 {
				b.jobs = jobs
				return false
			}
			j := jobs[l]
			jobs = jobs[:l]
			pc, pos = j.pc, int(j.pos)
			switch j.kind {
			case jobRestore:
				caps[j.pc] = pos
				continue
			case jobRange:
				if j.pos > j.lo {
					jobs = append(jobs, job{pc: j.pc, kind: jobRange, pos: j.pos - 1, lo: j.lo})
				}
			}
			break
		}
	}
}

// context is what holds at position pos of s, for empty-width
// assertions.
func context(s string, pos int) syntax.EmptyOp {
	r1, r2 := rune(-1), rune(-1)
	if uint(pos-1) < uint(len(s)) {
		r1, _ = utf8.DecodeLastRuneInString(s[:pos])
	}
	if uint(pos) < uint(len(s)) {
		r2, _ = utf8.DecodeRuneInString(s[pos:])
	}
	return syntax.EmptyOpContext(r1, r2)
}
