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
		buf = e.Timestamp.UTC().AppendFormat(buf, TimeFormat)
		buf = append(buf, '"')
		first = false
	}
	if !first {
		buf = append(buf, ',')
	}
	buf = append(buf, `"message":`...)
	buf = AppendJSONString(buf, e.Message)

	if len(e.fields) > 0 {
		sorted := make([]Field, len(e.fields))
		copy(sorted, e.fields)
		slices.SortFunc(sorted, func(a, b Field) int { return strings.Compare(a.Key, b.Key) })
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
			buf = appendValue(buf, fields[i].Value)
			i++
			// Paths that continue below a leaf of the same name cannot
			// nest under it; they are written flat with their dotted key.
			for i < len(fields) && strings.HasPrefix(fields[i].Key[depth:], seg+".") {
				buf = append(buf, ',')
				buf = AppendJSONString(buf, fields[i].Key[depth:])
				buf = append(buf, ':')
				buf = appendValue(buf, fields[i].Value)
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

func segment(path string) (seg string, more bool) {
	if i := strings.IndexByte(path, '.'); i >= 0 {
		return path[:i], true
	}
	return path, false
}

func appendValue(buf []byte, v any) []byte {
	switch x := v.(type) {
	case string:
		return AppendJSONString(buf, x)
	case int64:
		return strconv.AppendInt(buf, x, 10)
	case int:
		return strconv.AppendInt(buf, int64(x), 10)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return append(buf, "null"...)
		}
		return strconv.AppendFloat(buf, x, 'f', -1, 64)
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
		buf = x.UTC().AppendFormat(buf, TimeFormat)
		return append(buf, '"')
	default:
		return append(buf, "null"...)
	}
}

const hexDigits = "0123456789abcdef"

// AppendJSONString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD,
// as encoding/json does.
func AppendJSONString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
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
