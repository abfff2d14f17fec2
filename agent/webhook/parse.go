package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"strings"
	"unicode/utf8"

	"github.com/sluicehq/sluice/agent/source"
)

// Media types the intake takes.
const (
	TypeNDJSON = "application/x-ndjson"
	TypeText   = "text/plain"
	TypeJSON   = "application/json"
)

// ErrUnsupportedType is wrapped by ParseBody errors for a Content-Type it
// does not read (HTTP 415).
var ErrUnsupportedType = errors.New("unsupported content type")

// ErrBadBody is wrapped by ParseBody errors for a body that does not parse
// as its Content-Type says (HTTP 400).
var ErrBadBody = errors.New("malformed body")

// mediaType returns the media type of a Content-Type header value, or an
// error wrapping ErrUnsupportedType. Parameters (charset) are ignored:
// lines are kept as the bytes that were sent.
func mediaType(contentType string) (string, error) {
	if strings.TrimSpace(contentType) == "" {
		return "", fmt.Errorf("%w: no Content-Type (send %s, %s or %s)", ErrUnsupportedType, TypeNDJSON, TypeJSON, TypeText)
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return "", fmt.Errorf("%w: %q: %v", ErrUnsupportedType, contentType, err)
	}
	switch mt {
	case TypeNDJSON, TypeText, TypeJSON:
		return mt, nil
	}
	return "", fmt.Errorf("%w: %q (send %s, %s or %s)", ErrUnsupportedType, mt, TypeNDJSON, TypeJSON, TypeText)
}

// ParseBody cuts a request body into lines according to its Content-Type:
//
//   - application/x-ndjson and text/plain: one line per "\n"; a "\r" before
//     it is dropped, and empty lines are skipped. Lines are not checked to
//     be JSON: a sender that mislabels its text loses nothing.
//   - application/json: an array whose elements are strings (each one line,
//     unescaped) or objects (each one line, compacted with its keys and
//     numbers as sent), or a single object (one line). Empty strings are
//     skipped.
//
// Lines longer than maxLine bytes (maxLine > 0) are cut to at most maxLine
// bytes, on a UTF-8 boundary when one is near, flagged Truncated, and keep
// their full length in Length. Either all of the body is returned or an
// error: an error wraps ErrUnsupportedType or ErrBadBody and, for JSON,
// says at which byte offset the body went wrong. The lines may share
// memory with body.
//
// ParseBody is a pure function, so it is fuzzed (FuzzParseBody).
func ParseBody(contentType string, body []byte, maxLine int) ([]source.Line, error) {
	mt, err := mediaType(contentType)
	if err != nil {
		return nil, err
	}
	if mt == TypeJSON {
		return parseJSON(body, maxLine)
	}
	return parseLines(body, maxLine), nil
}

// parseLines splits newline-delimited text. The last line needs no
// newline: a body is complete when the request is, so "a\nb" and
// "a\nb\n" are the same two lines.
func parseLines(body []byte, maxLine int) []source.Line {
	lines := make([]source.Line, 0, bytes.Count(body, []byte{'\n'})+1)
	for len(body) > 0 {
		raw := body
		if i := bytes.IndexByte(body, '\n'); i >= 0 {
			raw, body = body[:i], body[i+1:]
		} else {
			body = nil
		}
		raw = bytes.TrimSuffix(raw, []byte{'\r'})
		if len(raw) == 0 {
			continue
		}
		lines = append(lines, makeLine(raw, maxLine))
	}
	return lines
}

// parseJSON reads the JSON shapes ParseBody documents.
func parseJSON(body []byte, maxLine int) ([]source.Line, error) {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("%w: empty JSON body (want an array of strings or objects, or an object)", ErrBadBody)
	}
	lead := len(body) - len(trimmed) // offset of the first value
	switch trimmed[0] {
	case '{':
		var buf bytes.Buffer
		if err := json.Compact(&buf, body); err != nil {
			return nil, jsonError(err)
		}
		return []source.Line{makeLine(buf.Bytes(), maxLine)}, nil
	case '[':
		var elems []json.RawMessage
		if err := json.Unmarshal(body, &elems); err != nil {
			return nil, jsonError(err)
		}
		lines := make([]source.Line, 0, len(elems))
		for i, e := range elems {
			// Elements arrive valid and without surrounding whitespace.
			switch e[0] {
			case '"':
				var s string
				if err := json.Unmarshal(e, &s); err != nil {
					return nil, fmt.Errorf("%w: element %d: %v", ErrBadBody, i, err)
				}
				if s == "" {
					continue
				}
				lines = append(lines, makeLine([]byte(s), maxLine))
			case '{':
				var buf bytes.Buffer
				if err := json.Compact(&buf, e); err != nil {
					return nil, fmt.Errorf("%w: element %d: %v", ErrBadBody, i, err)
				}
				lines = append(lines, makeLine(buf.Bytes(), maxLine))
			default:
				return nil, fmt.Errorf("%w: element %d of the array is %s: want a string or an object", ErrBadBody, i, jsonKind(e[0]))
			}
		}
		return lines, nil
	default:
		var v json.RawMessage
		if err := json.Unmarshal(body, &v); err != nil {
			return nil, jsonError(err)
		}
		return nil, fmt.Errorf("%w: JSON body at offset %d is %s: want an array of strings or objects, or an object", ErrBadBody, lead, jsonKind(trimmed[0]))
	}
}

// jsonError names the offset of a syntax error, which encoding/json keeps
// out of its message. It is encoding/json's: the bytes read when the
// error was found, so the offending byte is the offset-th (1-based).
func jsonError(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("%w: invalid JSON at offset %d: %v", ErrBadBody, se.Offset, se)
	}
	return fmt.Errorf("%w: invalid JSON: %v", ErrBadBody, err)
}

// jsonKind names the kind of the JSON value that starts with c.
func jsonKind(c byte) string {
	switch {
	case c == '[':
		return "an array"
	case c == '{':
		return "an object"
	case c == '"':
		return "a string"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == 'n':
		return "null"
	case c == '-' || (c >= '0' && c <= '9'):
		return "a number"
	}
	return fmt.Sprintf("not JSON (starts with %q)", c)
}

// makeLine makes a line of raw, cut to maxLine bytes when it is longer.
func makeLine(raw []byte, maxLine int) source.Line {
	n := len(raw)
	l := source.Line{Length: n}
	if maxLine > 0 && n > maxLine {
		n, l.Truncated = cutPoint(raw, maxLine), true
	}
	// Capped at its length: a store appending to one line never writes
	// over the next one in the body.
	l.Raw = raw[:n:n]
	return l
}

// cutPoint is where to cut raw (longer than max) so that it keeps at most
// max bytes: max, moved back over up to three UTF-8 continuation bytes so
// that a multi-byte character is not split into invalid UTF-8 an index
// would reject. Binary data without a boundary nearby is cut at max.
func cutPoint(raw []byte, max int) int {
	for cut := max; cut > 0 && cut > max-utf8.UTFMax; cut-- {
		if utf8.RuneStart(raw[cut]) {
			return cut
		}
	}
	return max
}
