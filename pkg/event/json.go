package event

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// TimeFormat is how @timestamp is written: RFC 3339, UTC, milliseconds,
// the form Elasticsearch and Kibana expect.
const TimeFormat = "2006-01-02T15:04:05.000Z07:00"

// MarshalJSON encodes the event as nested ECS JSON:
// {"@timestamp":…,"message":…,"source":{"ip":…}}.
func (e *Event) MarshalJSON() ([]byte, error) {
	return e.AppendJSON(nil), nil
}

// AppendJSON appends the nested JSON encoding of the event to buf. Keys are
// sorted, so the encoding of an event is deterministic.
func (e *Event) AppendJSON(buf []byte) []byte {
	buf = append(buf, '{')
	first := true
	if !e.Timestamp.IsZero() {
		buf = append(buf, `"@timestamp":"`...)
		buf = appendTimestamp(buf, e.Timestamp)
		buf = append(buf, '"')
		first = false
	}
	if !first {
		buf = append(buf, ',')
	}
	buf = append(buf, `"message":`...)
	buf = AppendJSONString(buf, e.Message)

	if len(e.fields) > 0 {
		// Events have ~20 fields: sorting a copy on the stack spares an
		// allocation per document.
		var stack [32]Field
		sorted := append(stack[:0], e.fields...)
		sortFields(sorted)
		buf = append(buf, ',')
		buf = appendObjectBody(buf, sorted, 0)
	}
	return append(buf, '}')
}

// appendObjectBody writes the members of one object level. fields are sorted
// by key and all share the same first depth path segments; depth is the
// byte offset where this level's segment starts.
func appendObjectBody(buf []byte, fields []Field, depth int) []byte {
	for i := 0; i < len(fields); {
		seg, rest := segment(fields[i].Key[depth:])
		// A field whose path ends here is written as a leaf.
		if !rest {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = AppendJSONString(buf, seg)
			buf = append(buf, ':')
			buf = AppendJSONValue(buf, fields[i].Value)
			i++
			// Paths that continue below a leaf of the same name cannot
			// nest under it; they are written flat with their dotted key.
			for i < len(fields) && isBelow(fields[i].Key[depth:], seg) {
				buf = append(buf, ',')
				buf = AppendJSONString(buf, fields[i].Key[depth:])
				buf = append(buf, ':')
				buf = AppendJSONValue(buf, fields[i].Value)
				i++
			}
			continue
		}
		j := i + 1
		prefix := fields[i].Key[:depth+len(seg)+1]
		for j < len(fields) && strings.HasPrefix(fields[j].Key, prefix) {
			j++
		}
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = AppendJSONString(buf, seg)
		buf = append(buf, ':', '{')
		buf = appendObjectBody(buf, fields[i:j], len(prefix))
		buf = append(buf, '}')
		i = j
	}
	return buf
}

// sortFields sorts fields by key. Insertion sort: for the ~20 fields of
// an event it makes fewer comparisons, each inlined, than slices.SortFunc
// (a quarter of the cost of a document went to sorting).
func sortFields(fields []Field) {
	if len(fields) > 48 {
		slices.SortFunc(fields, func(a, b Field) int { return strings.Compare(a.Key, b.Key) })
		return
	}
	for i := 1; i < len(fields); i++ {
		f := fields[i]
		j := i
		for ; j > 0 && f.Key < fields[j-1].Key; j-- {
			fields[j] = fields[j-1]
		}
		fields[j] = f
	}
}

// isBelow reports whether path continues below seg: "seg.…".
func isBelow(path, seg string) bool {
	return len(path) > len(seg) && path[len(seg)] == '.' && path[:len(seg)] == seg
}

func segment(path string) (seg string, more bool) {
	if i := strings.IndexByte(path, '.'); i >= 0 {
		return path[:i], true
	}
	return path, false
}

// AppendJSONValue appends a field value (string, int64, int, float64, bool,
// []string or time.Time) as JSON: the one encoding of values, shared by
// indexed documents and the MPE's webhook payloads. A time is written as
// @timestamp is (TimeFormat); any other type is null.
func AppendJSONValue(buf []byte, v any) []byte {
	switch x := v.(type) {
	case string:
		return AppendJSONString(buf, x)
	case int64:
		return strconv.AppendInt(buf, x, 10)
	case int:
		return strconv.AppendInt(buf, int64(x), 10)
	case float64:
		return AppendJSONFloat(buf, x)
	case bool:
		return strconv.AppendBool(buf, x)
	case []string:
		buf = append(buf, '[')
		for i, s := range x {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = AppendJSONString(buf, s)
		}
		return append(buf, ']')
	case time.Time:
		buf = append(buf, '"')
		buf = appendTimestamp(buf, x)
		return append(buf, '"')
	default:
		return append(buf, "null"...)
	}
}

// AppendJSONFloat appends f as encoding/json writes a float64: the shortest
// decimal that reads back as f, plain below 1e21 and from 1e-6 (1e21 is
// where JavaScript, and so Elasticsearch's and Kibana's readers, switch
// to exponents), an exponent outside that (1e+21, 1e-7). JSON has no NaN
// or infinity: they are written as null, so one odd value does not make
// the whole document unreadable.
func AppendJSONFloat(buf []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(buf, "null"...)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	buf = strconv.AppendFloat(buf, f, format, -1, 64)
	if format == 'e' {
		// e-09 → e-9, as encoding/json writes it.
		if n := len(buf); n >= 4 && buf[n-4] == 'e' && buf[n-3] == '-' && buf[n-2] == '0' {
			buf[n-2] = buf[n-1]
			buf = buf[:n-1]
		}
	}
	return buf
}

// appendTimestamp appends t in UTC as TimeFormat does, without
// time.Time.AppendFormat's parsing of the layout on every call (a fifth of
// the cost of a document); years outside 0–9999 take AppendFormat.
func appendTimestamp(buf []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(buf, TimeFormat)
	}
	hour, minute, sec := t.Clock()
	ms := t.Nanosecond() / 1e6
	return append(buf,
		byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-',
		byte('0'+int(month)/10), byte('0'+int(month)%10), '-',
		byte('0'+day/10), byte('0'+day%10), 'T',
		byte('0'+hour/10), byte('0'+hour%10), ':',
		byte('0'+minute/10), byte('0'+minute%10), ':',
		byte('0'+sec/10), byte('0'+sec%10), '.',
		byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z')
}

const hexDigits = "0123456789abcdef"

// AppendJSONString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD,
// as encoding/json does.
func AppendJSONString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		// Eight bytes at a time (SWAR) while none needs escaping: no
		// byte from 0x80, none below 0x20, no '"' and no '\\'.
		if i+8 <= len(s) {
			const ones, highs = 0x0101010101010101, 0x8080808080808080
			w := s[i : i+8]
			x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
				uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
			q, bs := x^(ones*'"'), x^(ones*'\\')
			// x - 0x20s sets the high bit of a byte below 0x20 (x's own
			// high bits are tested first); (y - 1s) &^ y of a zero byte.
			if (x|(x-ones*0x20)|(q-ones)&^q|(bs-ones)&^bs)&highs == 0 {
				i += 8
				continue
			}
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		// U+2028 and U+2029 break JavaScript readers of the JSON.
		if r == '\u2028' || r == '\u2029' {
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}
