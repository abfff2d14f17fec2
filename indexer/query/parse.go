package query

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/sluicehq/sluice/indexer"
)

// Limits that keep a hostile query from exhausting the parser's stack or
// producing SQL beyond what backends accept.
const (
	maxDepth   = 64
	maxClauses = 512
	maxField   = 256
)

// Defaults and ceilings of indexer.QueryLimits. A zero limit takes the
// default; configurations may raise a limit up to its ceiling.
//
// Terms are what a query costs: the full-text index reads a posting list
// per word of a phrase, and SQLite's FTS5 evaluates a long phrase in
// time that grows faster than its length (on 100,000 events, a phrase
// of 300 common words took 0.9 s of CPU, 1,000 words 6 s, 3,000 words
// 80 s, and 100,000 words would run for hours). A query typed or pasted
// by hand has a few dozen.
const (
	DefaultMaxBytes = 16 << 10
	DefaultMaxTerms = 256
	MaxBytesCeiling = 1 << 20
	MaxTermsCeiling = 1024
)

// LimitError is a query over one of its limits (indexer.QueryLimits). It
// wraps indexer.ErrBadQuery, so that callers answer 400 without knowing
// this package, and says which limit, so that they can name the setting
// that raises it.
type LimitError struct {
	// Limit is LimitBytes or LimitTerms.
	Limit string
	// Max is the limit's value.
	Max int
	// Got is the query's size in bytes (LimitBytes), or the terms
	// counted when parsing stopped, more than Max (LimitTerms).
	Got int
	// Pos is the byte offset where the query went over the limit.
	Pos int
}

// What a LimitError is about.
const (
	LimitBytes = "bytes"
	LimitTerms = "terms"
)

// Error implements error.
func (e *LimitError) Error() string {
	if e.Limit == LimitBytes {
		return fmt.Sprintf("%v: query is %d bytes, more than the %d allowed", indexer.ErrBadQuery, e.Got, e.Max)
	}
	return fmt.Sprintf("%v: query has more than %d terms (every word of a phrase counts; over at position %d)", indexer.ErrBadQuery, e.Max, e.Pos)
}

// Unwrap makes errors.Is(err, indexer.ErrBadQuery) true.
func (e *LimitError) Unwrap() error { return indexer.ErrBadQuery }

// Error is a query that does not parse. It wraps indexer.ErrBadQuery so
// that callers can answer 400 without knowing this package.
type Error struct {
	// Pos is the byte offset in the query where the problem was found.
	Pos int
	Msg string
}

// Error implements error.
func (e *Error) Error() string {
	return fmt.Sprintf("%v: %s (at position %d)", indexer.ErrBadQuery, e.Msg, e.Pos)
}

// Unwrap makes errors.Is(err, indexer.ErrBadQuery) true.
func (e *Error) Unwrap() error { return indexer.ErrBadQuery }

// Parse parses a query string within the default limits. The empty query
// and "*" give MatchAll. Errors are *Error or *LimitError and wrap
// indexer.ErrBadQuery.
func Parse(s string) (Node, error) { return ParseLimits(s, indexer.QueryLimits{}) }

// ParseLimits is Parse within lim (zero fields: the defaults). The size
// is checked before anything else and terms as they are read, so an
// oversized query costs no more than the limits allow.
func ParseLimits(s string, lim indexer.QueryLimits) (Node, error) {
	if lim.MaxBytes <= 0 {
		lim.MaxBytes = DefaultMaxBytes
	}
	if lim.MaxTerms <= 0 {
		lim.MaxTerms = DefaultMaxTerms
	}
	if len(s) > lim.MaxBytes {
		return nil, &LimitError{Limit: LimitBytes, Max: lim.MaxBytes, Got: len(s), Pos: lim.MaxBytes}
	}
	p := &parser{s: s, maxTerms: lim.MaxTerms}
	p.skipSpace()
	if p.eof() {
		return MatchAll{}, nil
	}
	n, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if !p.eof() {
		if p.peek() == ')' {
			return nil, p.errf(p.pos, `unbalanced ")"`)
		}
		return nil, p.errf(p.pos, "unexpected %q", p.s[p.pos:p.pos+1])
	}
	return n, nil
}

type parser struct {
	s   string
	pos int
	// field is the field of an enclosing field:( … ) group: its bare terms
	// apply to that field.
	field   string
	depth   int
	clauses int
	// terms counts what the query will cost (see DefaultMaxTerms).
	terms, maxTerms int
}

func (p *parser) errf(pos int, format string, args ...any) error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) eof() bool  { return p.pos >= len(p.s) }
func (p *parser) peek() byte { return p.s[p.pos] }

func (p *parser) skipSpace() {
	for p.pos < len(p.s) && isSpace(p.s[p.pos]) {
		p.pos++
	}
}

// keyword reports whether the input at pos is the keyword kw standing
// alone (followed by a delimiter), and consumes it if so.
func (p *parser) keyword(kw string) bool {
	if !strings.HasPrefix(p.s[p.pos:], kw) {
		return false
	}
	end := p.pos + len(kw)
	if end < len(p.s) && !isSpace(p.s[end]) && p.s[end] != '(' && p.s[end] != ')' && p.s[end] != '"' {
		return false
	}
	p.pos = end
	return true
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return p.errf(p.pos, "query nested more than %d levels deep", maxDepth)
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

func (p *parser) clause(pos int) error {
	p.clauses++
	if p.clauses > maxClauses {
		return p.errf(pos, "query has more than %d clauses", maxClauses)
	}
	return nil
}

// cost counts the terms of a node built from the query at pos.
func (p *parser) cost(pos int, n Node) (Node, error) {
	p.terms += Terms(n)
	if p.terms > p.maxTerms {
		return nil, &LimitError{Limit: LimitTerms, Max: p.maxTerms, Got: p.terms, Pos: pos}
	}
	return n, nil
}

func (p *parser) parseOr() (Node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	first, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	nodes := []Node{first}
	for {
		p.skipSpace()
		at := p.pos
		if p.eof() || !p.keyword("OR") {
			break
		}
		p.skipSpace()
		if p.eof() || p.peek() == ')' {
			return nil, p.errf(at, "OR needs a term on its right")
		}
		n, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, n)
	}
	return flatten(nodes, false), nil
}

func (p *parser) parseAnd() (Node, error) {
	first, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	nodes := []Node{first}
	for {
		p.skipSpace()
		if p.eof() || p.peek() == ')' {
			break
		}
		save := p.pos
		if p.keyword("OR") {
			p.pos = save
			break
		}
		if p.keyword("AND") {
			p.skipSpace()
			if p.eof() || p.peek() == ')' {
				return nil, p.errf(save, "AND needs a term on its right")
			}
			if p.keyword("AND") || p.keyword("OR") {
				return nil, p.errf(save, "AND needs a term on its right")
			}
		}
		n, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, n)
	}
	return flatten(nodes, true), nil
}

// flatten builds an And or Or of nodes, merging nested nodes of the same
// kind (a AND (b AND c) is a AND b AND c) so that an AST and its String()
// parse to the same shape.
func flatten(nodes []Node, and bool) Node {
	if len(nodes) == 1 {
		return nodes[0]
	}
	var out []Node
	for _, n := range nodes {
		switch x := n.(type) {
		case *And:
			if and {
				out = append(out, x.Nodes...)
				continue
			}
		case *Or:
			if !and {
				out = append(out, x.Nodes...)
				continue
			}
		}
		out = append(out, n)
	}
	if and {
		return &And{Nodes: out}
	}
	return &Or{Nodes: out}
}

func (p *parser) parseUnary() (Node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	p.skipSpace()
	if p.eof() {
		return nil, p.errf(p.pos, "expected a term")
	}
	at := p.pos
	switch {
	case p.keyword("NOT"):
		p.skipSpace()
		if p.eof() || p.peek() == ')' {
			return nil, p.errf(at, "NOT needs a term on its right")
		}
		n, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return &Not{Node: n}, nil
	case p.keyword("AND"), p.keyword("OR"):
		return nil, p.errf(at, "%s needs a term on its left", p.s[at:p.pos])
	case p.peek() == '-' || p.peek() == '+':
		op := p.peek()
		p.pos++
		if p.eof() || isSpace(p.peek()) || p.peek() == ')' {
			return nil, p.errf(at, "%q must be followed by a term (no space); quote it to search for it", string(op))
		}
		n, err := p.parsePrimary()
		if err != nil {
			return nil, err
		}
		if op == '-' {
			return &Not{Node: n}, nil
		}
		return n, nil
	}
	return p.parsePrimary()
}

func (p *parser) parsePrimary() (Node, error) {
	p.skipSpace()
	if p.eof() {
		return nil, p.errf(p.pos, "expected a term")
	}
	at := p.pos
	switch c := p.peek(); c {
	case '(':
		return p.parseGroup()
	case ')':
		return nil, p.errf(at, `unbalanced ")"`)
	case '"':
		if err := p.clause(at); err != nil {
			return nil, err
		}
		v, err := p.phrase()
		if err != nil {
			return nil, err
		}
		return p.term(at, p.field, v)
	}
	if err := p.clause(at); err != nil {
		return nil, err
	}
	w, err := p.word(true)
	if err != nil {
		return nil, err
	}
	if w.field != "" {
		if !validField(w.field) {
			return nil, p.errf(at, "invalid field name %q (field names are dotted paths of letters, digits, _ and @; quote the term or escape the ':' to search for it)", w.field)
		}
		if len(w.field) > maxField {
			return nil, p.errf(at, "field name longer than %d bytes", maxField)
		}
		return p.parseValue(w.field, at+len(w.field)+1)
	}
	return p.wordNode(at, p.field, w)
}

// parseGroup parses "( orExpr )" at the current position.
func (p *parser) parseGroup() (Node, error) {
	open := p.pos
	p.pos++
	p.skipSpace()
	if !p.eof() && p.peek() == ')' {
		return nil, p.errf(open, "empty parentheses")
	}
	n, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.eof() || p.peek() != ')' {
		return nil, p.errf(open, `unbalanced "(": missing ")"`)
	}
	p.pos++
	return n, nil
}

// parseValue parses what follows "field:" at pos.
func (p *parser) parseValue(field string, pos int) (Node, error) {
	p.pos = pos
	if p.eof() || isSpace(p.peek()) || p.peek() == ')' {
		return nil, p.errf(pos, "missing value after %q", field+":")
	}
	switch c := p.peek(); {
	case c == '"':
		v, err := p.phrase()
		if err != nil {
			return nil, err
		}
		return p.term(pos, field, v)
	case c == '(':
		outer := p.field
		p.field = field
		n, err := p.parseGroup()
		p.field = outer
		return n, err
	case c == '[' || c == '{':
		return p.parseRange(field)
	case c == '>' || c == '<':
		return p.parseCompare(field)
	}
	w, err := p.word(false)
	if err != nil {
		return nil, err
	}
	return p.wordNode(pos, field, w)
}

// term builds the node of a literal value v for field (possibly "").
func (p *parser) term(pos int, field, v string) (Node, error) {
	if field == FieldTimestamp {
		// @timestamp:2026-01-10 means that day (or that instant).
		b, err := p.bound(pos, field, v, true)
		if err != nil {
			return nil, err
		}
		to := *b
		return p.cost(pos, &Range{Field: field, From: b, To: &to})
	}
	return p.cost(pos, &Term{Field: field, Value: v})
}

func (p *parser) wordNode(pos int, field string, w word) (Node, error) {
	if !w.wild {
		return p.term(pos, field, w.value)
	}
	if field == FieldTimestamp {
		if strings.Trim(w.pattern, "*") == "" {
			return p.cost(pos, &Range{Field: field})
		}
		return nil, p.errf(pos, "wildcards are not supported on %s; use a range", field)
	}
	if strings.Trim(w.pattern, "*") == "" {
		// Only stars: everything, or every event that has the field.
		if field == "" {
			return MatchAll{}, nil
		}
		return p.cost(pos, &Wildcard{Field: field, Pattern: "*"})
	}
	return p.cost(pos, &Wildcard{Field: field, Pattern: w.pattern})
}

// parseRange parses [a TO b], {a TO b} and the mixed forms.
func (p *parser) parseRange(field string) (Node, error) {
	open := p.pos
	inclFrom := p.peek() == '['
	p.pos++
	p.skipSpace()
	fromPos := p.pos
	from, fromStar, err := p.boundToken()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if !p.keyword("TO") {
		return nil, p.errf(p.pos, "expected TO in range")
	}
	p.skipSpace()
	toPos := p.pos
	to, toStar, err := p.boundToken()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.eof() || (p.peek() != ']' && p.peek() != '}') {
		return nil, p.errf(open, `unterminated range: expected "]" or "}"`)
	}
	inclTo := p.peek() == ']'
	p.pos++
	r := &Range{Field: field}
	if !fromStar {
		if r.From, err = p.bound(fromPos, field, from, inclFrom); err != nil {
			return nil, err
		}
	}
	if !toStar {
		if r.To, err = p.bound(toPos, field, to, inclTo); err != nil {
			return nil, err
		}
	}
	return p.cost(open, r)
}

// parseCompare parses >=v, >v, <=v and <v.
func (p *parser) parseCompare(field string) (Node, error) {
	open := p.pos
	greater := p.peek() == '>'
	p.pos++
	incl := false
	if !p.eof() && p.peek() == '=' {
		incl = true
		p.pos++
	}
	at := p.pos
	if p.eof() || isSpace(p.peek()) || p.peek() == ')' {
		return nil, p.errf(at, "missing value after comparison")
	}
	v, star, err := p.boundToken()
	if err != nil {
		return nil, err
	}
	r := &Range{Field: field}
	if star {
		return p.cost(open, r)
	}
	b, err := p.bound(at, field, v, incl)
	if err != nil {
		return nil, err
	}
	if greater {
		r.From = b
	} else {
		r.To = b
	}
	return p.cost(open, r)
}

// boundToken reads one range bound: a phrase, or a word that ends at
// whitespace, ']', '}' or ')'. star reports an unquoted "*" (open bound).
func (p *parser) boundToken() (v string, star bool, err error) {
	if p.eof() {
		return "", false, p.errf(p.pos, "missing range bound")
	}
	if p.peek() == '"' {
		v, err := p.phrase()
		return v, false, err
	}
	start := p.pos
	var b strings.Builder
	for !p.eof() {
		c := p.peek()
		if isSpace(c) || c == ']' || c == '}' || c == ')' || c == '(' || c == '"' || c == '[' || c == '{' {
			break
		}
		if c == '\\' {
			if p.pos+1 >= len(p.s) {
				return "", false, p.errf(p.pos, "escape character at end of query")
			}
			p.pos++
			c = p.peek()
		}
		b.WriteByte(c)
		p.pos++
	}
	if p.pos == start {
		return "", false, p.errf(start, "missing range bound")
	}
	raw := p.s[start:p.pos]
	return b.String(), raw == "*", nil
}

var numberRE = regexp.MustCompile(`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// bound reads v as a range bound for field: a number or a time, and only
// a time for @timestamp.
func (p *parser) bound(pos int, field, v string, inclusive bool) (*Bound, error) {
	b := &Bound{Value: v, Inclusive: inclusive}
	if field != FieldTimestamp && numberRE.MatchString(v) {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsInf(f, 0) {
			return nil, p.errf(pos, "number %q out of range", v)
		}
		b.Kind, b.Number = BoundNumber, f
		return b, nil
	}
	t, dateOnly, err := ParseTime(v)
	if err != nil {
		if field == FieldTimestamp {
			return nil, p.errf(pos, "%s value %q is not a time (use RFC 3339 such as 2026-01-10T10:00:00Z, or a day such as 2026-01-10)", field, v)
		}
		return nil, p.errf(pos, "range bound %q is neither a number nor a time", v)
	}
	b.Kind, b.Time, b.DateOnly = BoundTime, t, dateOnly
	return b, nil
}

// ParseTime reads a time as the query language writes it: RFC 3339 (with
// or without fractional seconds; without a zone it is UTC), or a day
// 2006-01-02 (dateOnly). It returns Unix nanoseconds.
func ParseTime(v string) (nanos int64, dateOnly bool, err error) {
	var t time.Time
	switch {
	case len(v) == len(time.DateOnly):
		t, err = time.Parse(time.DateOnly, v)
		dateOnly = true
	case strings.ContainsAny(v[min(len(v), 19):], "Zz+-"):
		t, err = time.Parse(time.RFC3339Nano, v)
	default:
		t, err = time.Parse("2006-01-02T15:04:05.999999999", v)
	}
	if err != nil {
		return 0, false, err
	}
	// UnixNano is defined only between the years 1678 and 2262.
	if t.Year() < 1678 || t.Year() > 2261 {
		return 0, false, errors.New("time out of range")
	}
	return t.UnixNano(), dateOnly, nil
}

// phrase reads a double-quoted string at the current position.
func (p *parser) phrase() (string, error) {
	open := p.pos
	p.pos++
	var b strings.Builder
	for {
		if p.eof() {
			return "", p.errf(open, "unterminated quoted phrase")
		}
		c := p.peek()
		switch c {
		case '"':
			p.pos++
			return b.String(), nil
		case '\\':
			if p.pos+1 >= len(p.s) {
				return "", p.errf(open, "unterminated quoted phrase")
			}
			p.pos++
			c = p.peek()
		}
		b.WriteByte(c)
		p.pos++
	}
}

// word is one unquoted word, split at its first unescaped ':' when it is
// in a position where fields are allowed.
type word struct {
	field string
	// value is the word with escapes removed (for terms).
	value string
	// pattern keeps \*, \? and \\ escaped (for wildcards).
	pattern string
	wild    bool
}

// word reads an unquoted word. With allowField, an unescaped ':' ends the
// field name and word returns with p.pos just after the colon.
func (p *parser) word(allowField bool) (word, error) {
	var w word
	var val, pat strings.Builder
	start := p.pos
	for !p.eof() {
		c := p.peek()
		if isSpace(c) || c == '(' || c == ')' || c == '"' {
			break
		}
		switch c {
		case '\\':
			if p.pos+1 >= len(p.s) {
				return w, p.errf(p.pos, "escape character at end of query")
			}
			p.pos++
			c = p.peek()
			val.WriteByte(c)
			if c == '*' || c == '?' || c == '\\' {
				pat.WriteByte('\\')
			}
			pat.WriteByte(c)
			p.pos++
			continue
		case ':':
			if allowField {
				w.field = p.s[start:p.pos]
				if w.field == "" {
					return w, p.errf(p.pos, `missing field name before ":"`)
				}
				p.pos++
				return w, nil
			}
		case '*', '?':
			w.wild = true
		}
		val.WriteByte(c)
		pat.WriteByte(c)
		p.pos++
	}
	w.value, w.pattern = val.String(), pat.String()
	return w, nil
}

// validField reports whether f is a dotted path of [A-Za-z0-9_@] segments
// that starts with a letter, '_' or '@'. Backends rely on it: a field
// name never carries quotes, brackets or SQL.
func validField(f string) bool {
	if f == "" {
		return false
	}
	if c := f[0]; !(c == '@' || c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z')) {
		return false
	}
	segLen := 0
	for i := 0; i < len(f); i++ {
		c := f[i]
		switch {
		case c == '.':
			if segLen == 0 {
				return false
			}
			segLen = 0
			continue
		case c == '@' || c == '_' || (c >= '0' && c <= '9') || (c|0x20 >= 'a' && c|0x20 <= 'z'):
		default:
			return false
		}
		segLen++
	}
	return segLen > 0
}

// ValidField reports whether f is a field name the query language accepts.
func ValidField(f string) bool { return validField(f) && len(f) <= maxField }
