package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
	"unicode"

	"github.com/sluicehq/sluice/mpe"
	"github.com/sluicehq/sluice/pkg/event"
)

// corpusGen makes any number of events from the shared corpus as the
// starter rules parse it: event i is a copy of corpus line i mod the
// corpus size with its own id, organization (round robin) and
// @timestamp (spread evenly over span from start, in order). The corpus
// (~100k lines) repeats, so every word and field value of it recurs about
// n/100k times, like a log source's recurring lines; each copy keeps its
// message as the corpus has it.
type corpusGen struct {
	templates []*event.Event
	orgs      []string
	start     time.Time
	span      time.Duration
	n         int
}

// newCorpusGen parses the corpus with the rule set at *flagRules.
func newCorpusGen(n int, orgs []string, start time.Time, span time.Duration) (*corpusGen, error) {
	rs, err := mpe.Load([]string{*flagRules})
	if err != nil {
		return nil, fmt.Errorf("load rules: %w", err)
	}
	entries, _ := corpusEntries()
	if len(entries) == 0 {
		return nil, fmt.Errorf("no corpus at %s", *flagCorpus)
	}
	g := &corpusGen{orgs: orgs, start: start, span: span, n: n}
	var out []*event.Event
	for i := range entries {
		out = rs.Process(&entries[i], out[:0])
		for _, ev := range out {
			g.templates = append(g.templates, ev.Clone())
		}
	}
	return g, nil
}

// event returns event i of n.
func (g *corpusGen) event(i int) *event.Event {
	ev := g.templates[i%len(g.templates)].Clone()
	org := g.orgs[i%len(g.orgs)]
	ev.ID = event.DocID("bench-search", uint64(i+1))
	ev.Organization = org
	ev.Timestamp = g.timeOf(i)
	if _, ok := ev.Get(event.FieldOrganization); ok {
		ev.Set(event.FieldOrganization, org)
	}
	ev.Set(event.FieldSeq, int64(i+1))
	return ev
}

// timeOf is the @timestamp of event i.
func (g *corpusGen) timeOf(i int) time.Time {
	return g.start.Add(time.Duration(float64(g.span) * float64(i) / float64(g.n)))
}

// batch returns events [from, to) and the size of their raw lines
// (message plus newline).
func (g *corpusGen) batch(from, to int) ([]*event.Event, int64) {
	out := make([]*event.Event, 0, to-from)
	var raw int64
	for i := from; i < to; i++ {
		ev := g.event(i)
		raw += int64(len(ev.Message) + 1)
		out = append(out, ev)
	}
	return out, raw
}

// words returns the words of a message that a query may name: letters
// only, 4 to 20 of them, not an operator of the query language. Adjacent
// words (phrase candidates) are those with next[i] = true: word i+1
// follows word i after a single space, so the two make a phrase that
// FTS5 finds in the message.
func words(msg string) (ws []string, next []bool) {
	prevEnd := -1
	i := 0
	for i < len(msg) {
		if !isWordByte(msg[i]) {
			i++
			continue
		}
		j := i
		for j < len(msg) && isWordByte(msg[j]) {
			j++
		}
		w := msg[i:j]
		ok := len(w) >= 4 && len(w) <= 20 && w != "AND" && w != "NOT" &&
			strings.IndexFunc(w, func(r rune) bool { return r > unicode.MaxASCII || !unicode.IsLetter(r) }) < 0
		if ok {
			if prevEnd >= 0 && i == prevEnd+1 && msg[prevEnd] == ' ' {
				next[len(next)-1] = true
			}
			ws = append(ws, w)
			next = append(next, false)
			prevEnd = j
		} else {
			prevEnd = -1
		}
		i = j
	}
	return ws, next
}

// isWordByte reports whether b is part of a token for FTS5's unicode61
// tokenizer as far as ASCII goes (the bench only picks ASCII words).
func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b >= 0x80
}

// pick returns a random template that has what want asks for.
func (g *corpusGen) pick(rng *rand.Rand, want func(*event.Event) bool) *event.Event {
	for range 100000 {
		ev := g.templates[rng.IntN(len(g.templates))]
		if want(ev) {
			return ev
		}
	}
	return g.templates[0]
}
