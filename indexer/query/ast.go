// Package query parses the query string language of `sluice search` and of
// the indexer's Searcher: a Lucene-like syntax with field:value terms,
// AND/OR/NOT, "quoted phrases", full-text words, wildcards and ranges.
//
// The package knows nothing of SQL or Elasticsearch: backends walk the AST
// and translate it themselves.
//
// Grammar (whitespace separates terms, keywords are upper case):
//
//	query    = "" | orExpr
//	orExpr   = andExpr { "OR" andExpr }
//	andExpr  = unary { ["AND"] unary }          (juxtaposition is AND)
//	unary    = "NOT" unary | "-" primary | "+" primary | primary
//	primary  = "(" orExpr ")" | field ":" value | word | phrase | "*"
//	value    = word | phrase | "*" | "(" orExpr ")"      (terms inside take the field)
//	         | ("[" | "{") bound "TO" bound ("]" | "}")
//	         | (">=" | ">" | "<=" | "<") bound
//	bound    = word | phrase | "*"
//
// NOT binds tighter than AND, AND tighter than OR. A backslash escapes the
// next character in words and phrases. A word with an unescaped * or ? is a
// wildcard. A word or phrase without a field matches the message as full
// text; message:… does the same.
//
// Field names are dotted paths of letters, digits, _ and @ (source.ip,
// @timestamp, sluice.common_event); anything else before a ':' is an error,
// so "10:00" must be quoted. Range bounds are numbers or times: RFC 3339
// (2026-01-10T10:00:00Z, UTC when the zone is left out) or a day
// (2026-01-10, the whole UTC day); @timestamp takes times only, and
// @timestamp:2026-01-10 is the range of that day. Errors are *Error, with
// the byte position, and wrap indexer.ErrBadQuery.
package query

import (
	"math"
	"strings"
	"unicode"
)

// FieldTimestamp is the field whose ranges are time ranges.
const FieldTimestamp = "@timestamp"

// FieldMessage is the full-text field: a term on it, or a term without a
// field, is a full-text match.
const FieldMessage = "message"

// Node is a node of a parsed query. String renders it in the query
// language; parsing that string again yields an equal AST.
type Node interface {
	String() string
	node()
}

// MatchAll matches every event: the query "*" or "".
type MatchAll struct{}

// And matches when every one of Nodes matches (at least two of them).
type And struct{ Nodes []Node }

// Or matches when at least one of Nodes matches (at least two of them).
type Or struct{ Nodes []Node }

// Not matches when Node does not.
type Not struct{ Node Node }

// Term matches events whose Field equals Value exactly. With Field ""
// (or "message") it is a full-text match: the words of Value appear in the
// message in this order.
type Term struct {
	Field string
	Value string
}

// Wildcard matches events whose Field matches Pattern, where * is any
// run of characters, ? is one character, and a backslash makes the next
// character literal. With Field "" it is a full-text match. The pattern "*"
// on a field means the field exists.
type Wildcard struct {
	Field   string
	Pattern string
}

// Range matches events whose Field lies between From and To; a nil bound is
// open. Ranges on @timestamp have time bounds; other fields accept numbers
// or times.
type Range struct {
	Field    string
	From, To *Bound
}

// BoundKind says how a range bound was read.
type BoundKind int

// Kinds of range bound.
const (
	BoundNumber BoundKind = iota + 1
	BoundTime
)

// Bound is one end of a Range.
type Bound struct {
	// Value is the bound as written.
	Value string
	// Inclusive is true for [ ], >= and <=.
	Inclusive bool
	Kind      BoundKind
	// Number is set for BoundNumber.
	Number float64
	// Time is set for BoundTime: Unix nanoseconds, UTC.
	Time int64
	// DateOnly is true when the time was written as a day (2006-01-02): it
	// then stands for the whole UTC day, so @timestamp:<=2026-01-10
	// includes all of January 10th.
	DateOnly bool
}

func (MatchAll) node()  {}
func (*And) node()      {}
func (*Or) node()       {}
func (*Not) node()      {}
func (*Term) node()     {}
func (*Wildcard) node() {}
func (*Range) node()    {}

// Terms returns what n costs against indexer.QueryLimits.MaxTerms: a
// full-text term counts each of its words (as the full-text index splits
// them: runs of letters and digits) and at least 1, a wildcard each
// wildcard character and each word (full text) or run of literal text
// (fields), any other field term or range 1.
func Terms(n Node) int {
	switch x := n.(type) {
	case *And:
		return sumTerms(x.Nodes)
	case *Or:
		return sumTerms(x.Nodes)
	case *Not:
		return Terms(x.Node)
	case *Term:
		if IsFullText(x.Field) {
			return max(1, Words(x.Value))
		}
		return 1
	case *Wildcard:
		n := 0
		for _, s := range x.Segments() {
			switch {
			case s.Wild != 0:
				n++
			case IsFullText(x.Field):
				n += Words(s.Literal)
			default:
				n++
			}
		}
		return max(1, n)
	case *Range:
		return 1
	}
	return 0
}

func sumTerms(nodes []Node) int {
	n := 0
	for _, c := range nodes {
		n += Terms(c)
	}
	return n
}

// Words counts the words of s as SQLite's unicode61 tokenizer (the
// embedded index's full text) splits them: maximal runs of letters,
// numbers and private-use characters.
func Words(s string) int {
	n := 0
	in := false
	for _, r := range s {
		w := unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r)
		if w && !in {
			n++
		}
		in = w
	}
	return n
}

// IsFullText reports whether field names the message full text.
func IsFullText(field string) bool { return field == "" || field == FieldMessage }

// String implements Node.
func (MatchAll) String() string { return "*" }

// String implements Node.
func (n *And) String() string { return joinNodes(n.Nodes, " AND ") }

// String implements Node.
func (n *Or) String() string { return joinNodes(n.Nodes, " OR ") }

// String implements Node.
func (n *Not) String() string { return "NOT " + group(n.Node) }

// String implements Node.
func (n *Term) String() string {
	if n.Field == "" {
		if isPlainWord(n.Value) {
			return n.Value
		}
		return quote(n.Value)
	}
	if isPlainValue(n.Value) {
		return n.Field + ":" + n.Value
	}
	return n.Field + ":" + quote(n.Value)
}

// String implements Node.
func (n *Wildcard) String() string {
	p := escapeWildcard(n.Pattern)
	if n.Field == "" {
		return p
	}
	return n.Field + ":" + p
}

// String implements Node.
func (n *Range) String() string {
	switch {
	case n.From != nil && n.To == nil:
		if n.From.Inclusive {
			return n.Field + ":>=" + boundString(n.From)
		}
		return n.Field + ":>" + boundString(n.From)
	case n.From == nil && n.To != nil:
		if n.To.Inclusive {
			return n.Field + ":<=" + boundString(n.To)
		}
		return n.Field + ":<" + boundString(n.To)
	}
	var b strings.Builder
	b.WriteString(n.Field)
	b.WriteByte(':')
	if n.From != nil && !n.From.Inclusive {
		b.WriteByte('{')
	} else {
		b.WriteByte('[')
	}
	b.WriteString(boundString(n.From))
	b.WriteString(" TO ")
	b.WriteString(boundString(n.To))
	if n.To != nil && !n.To.Inclusive {
		b.WriteByte('}')
	} else {
		b.WriteByte(']')
	}
	return b.String()
}

// Nanos returns the range of a time Range as the half-open interval
// [from, to) of Unix nanoseconds; open sides are math.MinInt64 and
// math.MaxInt64. Date-only bounds cover their whole day. ok is false when
// a bound is not a time.
func (n *Range) Nanos() (from, to int64, ok bool) {
	from, to = math.MinInt64, math.MaxInt64
	if b := n.From; b != nil {
		if b.Kind != BoundTime {
			return 0, 0, false
		}
		if b.Inclusive {
			from = b.Time
		} else {
			from = b.end()
		}
	}
	if b := n.To; b != nil {
		if b.Kind != BoundTime {
			return 0, 0, false
		}
		if b.Inclusive {
			to = b.end()
		} else {
			to = b.Time
		}
	}
	return from, to, true
}

// end is the first instant after the bound's time: the next day for a
// date, the next nanosecond otherwise.
func (b *Bound) end() int64 {
	step := int64(1)
	if b.DateOnly {
		step = 24 * 3600 * 1e9
	}
	if b.Time > math.MaxInt64-step {
		return math.MaxInt64
	}
	return b.Time + step
}

// TimeBounds returns the half-open interval [from, to) of @timestamp
// values that any event matching n must lie in, from the @timestamp ranges
// that n requires (alone or in a top-level AND). Backends use it to skip
// partitions. Without such ranges it returns math.MinInt64, math.MaxInt64.
func TimeBounds(n Node) (from, to int64) {
	from, to = math.MinInt64, math.MaxInt64
	var visit func(Node)
	visit = func(n Node) {
		switch x := n.(type) {
		case *And:
			for _, c := range x.Nodes {
				visit(c)
			}
		case *Range:
			if x.Field != FieldTimestamp {
				return
			}
			if f, t, ok := x.Nanos(); ok {
				from, to = max(from, f), min(to, t)
			}
		}
	}
	visit(n)
	return from, to
}

// WildcardSegment is one piece of a wildcard pattern: literal text, or one
// wildcard character (* or ?).
type WildcardSegment struct {
	Literal string
	// Wild is '*' or '?' for a wildcard segment, 0 for a literal one.
	Wild byte
}

// Segments splits the pattern into literal runs and wildcards, escapes
// removed.
func (n *Wildcard) Segments() []WildcardSegment {
	var segs []WildcardSegment
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			segs = append(segs, WildcardSegment{Literal: lit.String()})
			lit.Reset()
		}
	}
	p := n.Pattern
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '\\':
			if i+1 < len(p) {
				i++
				lit.WriteByte(p[i])
			}
		case '*', '?':
			flush()
			segs = append(segs, WildcardSegment{Wild: c})
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return segs
}

// Prefix returns the literal prefix of a pattern of the form "literal*",
// and false for any other shape.
func (n *Wildcard) Prefix() (string, bool) {
	segs := n.Segments()
	if len(segs) == 2 && segs[0].Wild == 0 && segs[1].Wild == '*' {
		return segs[0].Literal, true
	}
	return "", false
}

func joinNodes(nodes []Node, sep string) string {
	parts := make([]string, len(nodes))
	for i, c := range nodes {
		parts[i] = group(c)
	}
	return strings.Join(parts, sep)
}

// group parenthesizes composite nodes so precedence never changes the
// meaning when the string is parsed again.
func group(n Node) string {
	switch n.(type) {
	case *And, *Or:
		return "(" + n.String() + ")"
	}
	return n.String()
}

func boundString(b *Bound) string {
	if b == nil {
		return "*"
	}
	if b.Value != "*" && b.Value != "TO" && isPlainBound(b.Value) {
		return b.Value
	}
	return quote(b.Value)
}

// quote renders s as a phrase: only " and \ need escaping inside quotes.
func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}

// escapeWildcard renders a pattern so that it reads back as the same
// wildcard: characters that would end the word or change its meaning are
// escaped; * and ? stay as they are.
func escapeWildcard(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\':
			// Already an escape in the pattern: keep the pair.
			b.WriteByte(c)
			if i+1 < len(p) {
				i++
				b.WriteByte(p[i])
			}
			continue
		case isSpace(c) || strings.IndexByte(`()":`, c) >= 0:
			b.WriteByte('\\')
		case i == 0 && strings.IndexByte(`-+[{<>`, c) >= 0:
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

// isPlainWord reports whether s reads back as the same full-text Term when
// written without quotes.
func isPlainWord(s string) bool {
	if s == "" || isKeyword(s) || s[0] == '-' || s[0] == '+' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isSpace(c) || strings.IndexByte(`()":\*?`, c) >= 0 {
			return false
		}
	}
	return true
}

// isPlainValue reports whether s reads back as the same Term value when
// written without quotes after "field:".
func isPlainValue(s string) bool {
	if s == "" || strings.IndexByte(`[{<>`, s[0]) >= 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isSpace(c) || strings.IndexByte(`()"\*?`, c) >= 0 {
			return false
		}
	}
	return true
}

func isPlainBound(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isSpace(c) || strings.IndexByte(`()"\[]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

func isKeyword(s string) bool { return s == "AND" || s == "OR" || s == "NOT" }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}
