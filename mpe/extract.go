package mpe

import (
	"slices"
	"strings"
	"time"

	"github.com/google/cel-go/common/types"
	"github.com/hashicorp/hcl/v2"

	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/hclconf"
)

// Extractors: a rule's `extract = "kv"` or `extract = "csv"` reads a
// structured payload (FortiGate's key=value pairs, PAN-OS's CSV records)
// into temporary fields kv.<key> / csv.<column>, which the rule's `map`,
// its sub-rules' conditions and its tests read. They are not stored: map
// copies what the event keeps (typed as the target's tag types it), and
// the fields conditions read are set just for the sub-rules and removed
// after them. A test run (RunTests) keeps every extracted field, so that
// a test may expect kv.<key>.
//
// The parsers are pure functions over the line; they return substrings of
// it and allocate only to unescape a quoted value that holds escapes.

// extractKind names an extractor.
type extractKind uint8

const (
	extractNone extractKind = iota
	extractKV
	extractCSV
)

// extractKinds maps the extract attribute's values to extractors.
var extractKinds = map[string]extractKind{"kv": extractKV, "csv": extractCSV}

// extractor is a rule's compiled extract settings.
type extractor struct {
	kind    extractKind
	prefix  string   // "kv." or "csv."
	pair    string   // kv: what joins a key and its value ("=")
	sep     string   // kv: what separates pairs; " " is any run of whitespace
	columns []string // csv: column names by position ("" skips the column)
}

// kvPair is one extracted key and value.
type kvPair struct {
	key, val string
}

// extracted is what an extractor read from one line: pairs (kv), or
// fields by position (csv; key is the column's name).
type extracted struct {
	pairs []kvPair
}

// lookup returns the value of key: the first pair with that key.
func (x *extracted) lookup(key string) (string, bool) {
	for i := range x.pairs {
		if x.pairs[i].key == key {
			return x.pairs[i].val, true
		}
	}
	return "", false
}

// read fills x from the payload of line: what follows the syslog header
// at body, or, for an RFC 5424 line with structured data, the structured
// data and what follows it.
func (ex *extractor) read(line string, body int, x *extracted) {
	if sd := structuredDataStart(line); sd >= 0 && sd < body {
		body = sd
	}
	if body < 0 || body > len(line) {
		body = 0
	}
	s := line[body:]
	x.pairs = x.pairs[:0]
	switch ex.kind {
	case extractKV:
		x.pairs = parseKV(s, ex.pair, ex.sep, x.pairs)
	case extractCSV:
		x.pairs = parseCSV(s, ex.columns, x.pairs)
	}
}

// structuredDataStart returns the offset of the STRUCTURED-DATA of an
// RFC 5424 line ("<PRI>1 TIMESTAMP HOST APP PROCID MSGID [...]", or
// without the <PRI>) when it has some ('['), or -1.
func structuredDataStart(line string) int {
	i := 0
	switch {
	case strings.HasPrefix(line, "1 "):
		// A relay that dropped the <PRI>.
		i = 2
	case len(line) >= 4 && line[0] == '<':
		i = 1
		for i < len(line) && i < 5 && line[i] >= '0' && line[i] <= '9' {
			i++
		}
		if i == 1 || !strings.HasPrefix(line[i:], ">1 ") {
			return -1
		}
		i += 3
	default:
		return -1
	}
	for k := 0; k < 5; k++ { // TIMESTAMP HOSTNAME APP-NAME PROCID MSGID
		j := strings.IndexByte(line[i:], ' ')
		if j < 0 {
			return -1
		}
		i += j + 1
	}
	if i < len(line) && line[i] == '[' {
		return i
	}
	return -1
}

// isSpace reports whether c is ASCII white space.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// parseKV appends to dst the key/value pairs of s, in order. pair joins a
// key and its value ("=", ":"); sep separates pairs: " " (or "") for any
// run of white space, otherwise that string, with white space around it
// ignored. (A ":" pair must be followed by white space, a quote, the
// separator or the end: see pairEnds.) A value may be quoted with " or '
// (a backslash escapes the quote and itself inside it); an unquoted value runs to the next
// separator (with a string separator, trimmed). A key is the last word
// before pair, without a leading '[' or '(' (the last value of such a list
// loses its closing bracket); text that is no pair (RFC 5424
// structured-data ids, free text) is skipped. Duplicate keys are kept
// (lookups take the first).
func parseKV(s, pair, sep string, dst []kvPair) []kvPair {
	if pair == "" {
		return dst
	}
	ws := sep == "" || sep == " "
	var open byte // '[' or '(' when the pairs are in brackets
	i := 0
	for i < len(s) {
		// Skip separators and white space.
		for i < len(s) {
			if isSpace(s[i]) {
				i++
			} else if !ws && strings.HasPrefix(s[i:], sep) {
				i += len(sep)
			} else {
				break
			}
		}
		if i >= len(s) {
			break
		}
		if s[i] == '"' || s[i] == '\'' {
			// A quoted string that is no value: skip it whole.
			_, n := quoted(s[i:])
			i += n
			continue
		}
		// The key: up to pair, unless a separator comes first.
		ks := i
		found := false
		for i < len(s) {
			if strings.HasPrefix(s[i:], pair) && pairEnds(s, i+len(pair), pair, sep, ws) {
				found = true
				break
			}
			if ws && isSpace(s[i]) || !ws && strings.HasPrefix(s[i:], sep) {
				break
			}
			i++
		}
		if !found {
			continue // a word (or segment) without pair
		}
		key := strings.TrimRight(s[ks:i], " \t")
		if k := strings.LastIndexAny(key, " \t"); k >= 0 {
			key = key[k+1:]
		}
		if len(key) > 0 && (key[0] == '[' || key[0] == '(') {
			// A list in brackets: "(SyslogId=1, …, Action=Block)".
			open = key[0]
			key = strings.TrimLeft(key, "[(")
		}
		i += len(pair)
		if !ws {
			for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
				i++
			}
		}
		var val string
		if i < len(s) && (s[i] == '"' || s[i] == '\'') {
			v, n := quoted(s[i:])
			val = v
			i += n
			// Skip what follows the closing quote up to the separator
			// (the ']' closing structured data).
			for i < len(s) && !(ws && isSpace(s[i]) || !ws && strings.HasPrefix(s[i:], sep)) {
				i++
			}
		} else {
			vs := i
			for i < len(s) && !(ws && isSpace(s[i]) || !ws && strings.HasPrefix(s[i:], sep)) {
				i++
			}
			val = s[vs:i]
			if !ws {
				val = strings.TrimRight(val, " \t")
			}
			if open != 0 && strings.TrimRight(s[i:], " \t\r\n") == "" {
				// The last value of a list in brackets: without the
				// closing bracket.
				val = strings.TrimSuffix(val, closer(open))
			}
		}
		if key != "" {
			dst = append(dst, kvPair{key: key, val: val})
		}
	}
	return dst
}

// closer is the bracket that closes open.
func closer(open byte) string {
	if open == '(' {
		return ")"
	}
	return "]"
}

// pairEnds reports whether a pair string ending at i joins a key and a
// value. A ":" does only when a space, a quote, the separator or the end
// follows it, as times, MAC and IPv6 addresses hold colons
// ("10:00:00 accept rule: 7" has one pair).
func pairEnds(s string, i int, pair, sep string, ws bool) bool {
	if pair != ":" || i >= len(s) {
		return true
	}
	c := s[i]
	return c == ' ' || c == '\t' || c == '"' || c == '\'' || !ws && strings.HasPrefix(s[i:], sep)
}

// quoted reads the quoted string at the start of s (s[0] is the quote) and
// returns its content, unescaped, and the length it took, closing quote
// included. A backslash escapes the quote and a backslash; before any
// other character it is kept. An unclosed quote runs to the end of s.
func quoted(s string) (string, int) {
	q := s[0]
	esc := false
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 < len(s) && (s[i+1] == q || s[i+1] == '\\') {
				esc = true
				i++
			}
		case q:
			if !esc {
				return s[1:i], i + 1
			}
			return unescape(s[1:i], q), i + 1
		}
	}
	if !esc {
		return s[1:], len(s)
	}
	return unescape(s[1:], q), len(s)
}

// unescape removes the backslashes before q and before a backslash.
func unescape(s string, q byte) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && (s[i+1] == q || s[i+1] == '\\') {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// parseCSV appends to dst the fields of the comma-separated record s, each
// named by the column at its position (a field past the last column, or
// of a column named "" or "_", is skipped). A field that starts with '"'
// is quoted: it runs to the closing quote, and "" inside it is a quote.
func parseCSV(s string, columns []string, dst []kvPair) []kvPair {
	col := 0
	i := 0
	for col < len(columns) {
		var val string
		if i < len(s) && s[i] == '"' {
			v, n := csvQuoted(s[i:])
			val = v
			i += n
			for i < len(s) && s[i] != ',' {
				i++ // junk after the closing quote
			}
		} else {
			j := strings.IndexByte(s[i:], ',')
			if j < 0 {
				j = len(s) - i
			}
			val = s[i : i+j]
			i += j
		}
		if name := columns[col]; name != "" && name != "_" {
			dst = append(dst, kvPair{key: name, val: val})
		}
		col++
		if i >= len(s) {
			break
		}
		i++ // the comma
	}
	return dst
}

// csvQuoted reads the quoted CSV field at the start of s and returns its
// content ("" made ") and the length it took.
func csvQuoted(s string) (string, int) {
	doubled := false
	for i := 1; i < len(s); i++ {
		if s[i] != '"' {
			continue
		}
		if i+1 < len(s) && s[i+1] == '"' {
			doubled = true
			i++
			continue
		}
		if doubled {
			return strings.ReplaceAll(s[1:i], `""`, `"`), i + 1
		}
		return s[1:i], i + 1
	}
	if doubled {
		return strings.ReplaceAll(s[1:], `""`, `"`), len(s)
	}
	return s[1:], len(s)
}

// extractedValue returns the value map source k of mp takes from x: the
// csv column at its index, or the first kv pair with its key.
func (mp *fieldMap) extractedValue(k int, x *extracted) (string, bool) {
	key := mp.xkey[k]
	return x.lookup(key)
}

// applyMaps runs a rule's maps: each target takes the first of its sources
// that is present and not "-". A source read by the extractor (x) is
// typed as the target's tag types a captured value; one of the event is
// copied as it is.
func applyMaps(ev *event.Event, maps []fieldMap, x *extracted, loc *time.Location, ref time.Time, boxes []lastString) {
	for j := range maps {
		mp := &maps[j]
		for k, from := range mp.from {
			if x != nil && mp.xkey != nil && mp.xkey[k] != "" {
				v, ok := mp.extractedValue(k, x)
				v = strings.TrimSpace(v)
				if !ok || v == "" || v == "-" {
					continue
				}
				if mp.fns != nil && mp.fns[k] != nil {
					if cv, ok := mp.convert(k, v); ok {
						ev.Set(mp.to, cv)
						break
					}
					continue
				}
				if mp.typed.lower {
					v = strings.ToLower(v)
				}
				setValue(ev, &mp.typed, v, loc, ref, &boxes[j])
				break
			}
			// "-" is how Windows, Apache and many others write "none"
			// (convert skips it, unless the source says raw()).
			if v, ok := ev.Get(from); ok {
				if v, ok = mp.convert(k, v); ok {
					ev.Set(mp.to, v)
					break
				}
			}
		}
	}
}

// setExtracted sets the extracted fields conditions read (paths, full
// names such as kv.action), or, when all is set (a test run), every
// extracted field, the first of duplicate keys.
func (ex *extractor) setExtracted(ev *event.Event, x *extracted, paths []string, all bool) {
	if all {
		for _, p := range x.pairs {
			path := ex.prefix + p.key
			if p.val == "" || checkPath(path) != nil {
				continue
			}
			if _, ok := ev.Get(path); !ok {
				ev.Set(path, p.val)
			}
		}
		return
	}
	for _, path := range paths {
		if v, ok := x.lookup(path[len(ex.prefix):]); ok && v != "" {
			ev.Set(path, v)
		}
	}
}

// clearExtracted removes the fields setExtracted set for conditions.
func clearExtracted(ev *event.Event, paths []string) {
	for _, p := range paths {
		ev.Delete(p)
	}
}

// compileExtract checks a rule's extract, kv_pair, kv_separator and
// columns and returns its extractor (nil without extract). The fields it
// reads join sch: kv.* as strings of any key, csv.<column> per column.
func compileExtract(src *source, b *ruleBlock, isJSON bool, sch *schema, add func(...*hclconf.Error)) *extractor {
	kvOnly := func(rng hcl.Range, what string) {
		add(src.errorf(rng, "%s is for extract = \"kv\"", what))
	}
	if b.Extract == nil {
		if b.KVPair != nil {
			kvOnly(b.KVPairRange, "kv_pair")
		}
		if b.KVSeparator != nil {
			kvOnly(b.KVSeparatorRange, "kv_separator")
		}
		if b.Columns != nil {
			add(src.errorf(b.ColumnsRange, "columns is for extract = \"csv\""))
		}
		return nil
	}
	kind, ok := extractKinds[*b.Extract]
	if !ok {
		add(src.errorf(b.ExtractRange, "unknown extract %q; use %s", *b.Extract, quotedList(sortedKeys(extractKinds))))
		return nil
	}
	if isJSON {
		add(src.errorf(b.ExtractRange, "extract is for text log source types: a JSON document's fields are the event's already"))
		return nil
	}
	ex := &extractor{kind: kind}
	switch kind {
	case extractKV:
		ex.prefix, ex.pair, ex.sep = "kv.", "=", " "
		if b.KVPair != nil {
			if *b.KVPair == "" || strings.TrimSpace(*b.KVPair) != *b.KVPair {
				add(src.errorf(b.KVPairRange, "kv_pair must be the text between a key and its value, such as \"=\" or \":\", without spaces"))
			}
			ex.pair = *b.KVPair
		}
		if b.KVSeparator != nil {
			if *b.KVSeparator != "" && strings.TrimSpace(*b.KVSeparator) == "" {
				ex.sep = " "
			} else {
				ex.sep = strings.TrimSpace(*b.KVSeparator)
			}
			if ex.sep == ex.pair {
				add(src.errorf(b.KVSeparatorRange, "kv_separator and kv_pair must differ"))
			}
		}
		if b.Columns != nil {
			add(src.errorf(b.ColumnsRange, "columns is for extract = \"csv\""))
		}
		sch.xprefix = ex.prefix
	case extractCSV:
		ex.prefix = "csv."
		if b.KVPair != nil {
			kvOnly(b.KVPairRange, "kv_pair")
		}
		if b.KVSeparator != nil {
			kvOnly(b.KVSeparatorRange, "kv_separator")
		}
		if len(b.Columns) == 0 {
			add(src.errorf(b.ExtractRange, "extract = \"csv\" needs columns: the names of the record's fields in order, \"_\" for one to skip"))
		}
		seen := map[string]bool{}
		for _, c := range b.Columns {
			if c == "" || c == "_" {
				ex.columns = append(ex.columns, "")
				continue
			}
			if err := checkPath(ex.prefix + c); err != nil {
				add(src.errorf(b.ColumnsRange, "columns: %v", err))
			} else if seen[c] {
				add(src.errorf(b.ColumnsRange, "columns: %q is named twice", c))
			}
			seen[c] = true
			ex.columns = append(ex.columns, c)
			sch.add(ex.prefix+c, types.StringType)
		}
	}
	return ex
}

// bindExtracted points the map sources that read extracted fields (kv.*,
// csv.*) at their keys, and rejects those the rule's extractor cannot
// set.
func bindExtracted(src *source, b *ruleBlock, ex *extractor, maps []fieldMap) hclconf.Errors {
	var errs hclconf.Errors
	for j := range maps {
		mp := &maps[j]
		for k, from := range mp.from {
			var prefix string
			switch {
			case strings.HasPrefix(from, "kv."):
				prefix = "kv."
			case strings.HasPrefix(from, "csv."):
				prefix = "csv."
			default:
				continue
			}
			switch {
			case ex == nil:
				errs = append(errs, src.errorf(b.Map.Range(), "map: %s: %s* fields are read by extract = %q; add it to the rule", mp.to, prefix, strings.TrimSuffix(prefix, ".")))
				continue
			case ex.prefix != prefix:
				errs = append(errs, src.errorf(b.Map.Range(), "map: %s: this rule extracts %s* fields, not %s*", mp.to, ex.prefix, prefix))
				continue
			case ex.kind == extractCSV && !slices.Contains(ex.columns, from[len(prefix):]):
				errs = append(errs, src.errorf(b.Map.Range(), "map: %s: %q is not one of the rule's columns", mp.to, from[len(prefix):]))
				continue
			}
			if mp.xkey == nil {
				mp.xkey = make([]string, len(mp.from))
			}
			mp.xkey[k] = from[len(prefix):]
		}
	}
	return errs
}

// tagOfField returns the tag (by name order) whose field is path, so that
// map = { "source.ip" = [...] } types its value as <sip> does; nil if none.
func tagOfField(path string, lib tagLibrary) *tag {
	for _, name := range sortedKeys(lib) {
		if t := lib[name]; t.field == path {
			return t
		}
	}
	return nil
}

// mayExpect reports whether a test of r may expect path: a field the rule
// can set, or, with a key=value extractor, any kv.* field.
func (r *rule) mayExpect(path string) bool {
	if r.canSet[path] {
		return true
	}
	if r.schema == nil {
		return false
	}
	return r.schema.open || r.schema.xprefix != "" && strings.HasPrefix(path, r.schema.xprefix)
}
