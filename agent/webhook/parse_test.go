package webhook

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sluicehq/sluice/agent/source"
)

func raws(lines []source.Line) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = string(l.Raw)
	}
	return out
}

func TestParseBody(t *testing.T) {
	tests := []struct {
		name    string
		ct      string
		body    string
		max     int
		want    []string
		wantErr error  // errors.Is target
		errHas  string // substring of the error
	}{
		{name: "ndjson", ct: TypeNDJSON, body: "{\"a\":1}\n{\"b\":2}\n", want: []string{`{"a":1}`, `{"b":2}`}},
		{name: "ndjson no trailing newline", ct: TypeNDJSON, body: "{\"a\":1}\n{\"b\":2}", want: []string{`{"a":1}`, `{"b":2}`}},
		{name: "text crlf and blank lines", ct: "text/plain; charset=utf-8", body: "one\r\n\r\n\ntwo\r\n", want: []string{"one", "two"}},
		{name: "text keeps inner cr and spaces", ct: TypeText, body: "a\rb\n  \n", want: []string{"a\rb", "  "}},
		{name: "text empty body", ct: TypeText, body: "", want: []string{}},
		{name: "ndjson is not validated", ct: TypeNDJSON, body: "not json\n", want: []string{"not json"}},
		{name: "json array of strings", ct: TypeJSON, body: `["first line", "tab\tand \"quote\"", "", "é"]`, want: []string{"first line", "tab\tand \"quote\"", "é"}},
		{name: "json array of objects compacted in order", ct: TypeJSON, body: "[ {\"z\": 1, \"a\": [1, 2]},\n {\"n\": 12345678901234567890} ]", want: []string{`{"z":1,"a":[1,2]}`, `{"n":12345678901234567890}`}},
		{name: "json mixed array", ct: TypeJSON, body: `["s", {"k":"v"}]`, want: []string{"s", `{"k":"v"}`}},
		{name: "json single object", ct: "application/json; charset=utf-8", body: " {\"msg\": \"hi\", \"lvl\": \"info\"} \n", want: []string{`{"msg":"hi","lvl":"info"}`}},
		{name: "json object keeps html chars", ct: TypeJSON, body: `{"u":"<a&b>"}`, want: []string{`{"u":"<a&b>"}`}},
		{name: "json empty array", ct: TypeJSON, body: `[]`, want: []string{}},
		{name: "json syntax error names offset", ct: TypeJSON, body: `[{"a":1}, {"b":}]`, wantErr: ErrBadBody, errHas: "offset 16"},
		{name: "json truncated", ct: TypeJSON, body: `{"a":`, wantErr: ErrBadBody, errHas: "offset"},
		{name: "json trailing data after object", ct: TypeJSON, body: `{"a":1} {"b":2}`, wantErr: ErrBadBody, errHas: "offset"},
		{name: "json trailing data after array", ct: TypeJSON, body: `["a"] x`, wantErr: ErrBadBody, errHas: "offset"},
		{name: "json number element", ct: TypeJSON, body: `["a", 3]`, wantErr: ErrBadBody, errHas: "element 1 of the array is a number"},
		{name: "json nested array element", ct: TypeJSON, body: `[["a"]]`, wantErr: ErrBadBody, errHas: "element 0 of the array is an array"},
		{name: "json scalar body", ct: TypeJSON, body: ` "just a string"`, wantErr: ErrBadBody, errHas: "offset 1 is a string"},
		{name: "json not json", ct: TypeJSON, body: `hello`, wantErr: ErrBadBody, errHas: "invalid JSON at offset"},
		{name: "json empty", ct: TypeJSON, body: " \n", wantErr: ErrBadBody, errHas: "empty JSON body"},
		{name: "unsupported type", ct: "application/x-www-form-urlencoded", body: "a=b", wantErr: ErrUnsupportedType},
		{name: "no content type", ct: "", body: "a", wantErr: ErrUnsupportedType},
		{name: "malformed content type", ct: "text/plain; =", body: "a", wantErr: ErrUnsupportedType},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			max := tc.max
			if max == 0 {
				max = 1024
			}
			lines, err := ParseBody(tc.ct, []byte(tc.body), max)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) || !strings.Contains(err.Error(), tc.errHas) {
					t.Fatalf("error %v, want %v containing %q", err, tc.wantErr, tc.errHas)
				}
				if lines != nil {
					t.Fatalf("lines %q returned with an error", raws(lines))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := raws(lines); strings.Join(got, "\x00") != strings.Join(tc.want, "\x00") || len(got) != len(tc.want) {
				t.Fatalf("lines %q, want %q", got, tc.want)
			}
			for _, l := range lines {
				if l.Truncated || l.Length != len(l.Raw) {
					t.Fatalf("line %q: truncated %v length %d", l.Raw, l.Truncated, l.Length)
				}
			}
		})
	}
}

func TestParseBodyTruncates(t *testing.T) {
	tests := []struct {
		name, ct, body string
		max            int
		wantRaw        string
		wantLength     int
	}{
		{name: "ascii", ct: TypeText, body: "0123456789abcdef\n", max: 10, wantRaw: "0123456789", wantLength: 16},
		{name: "crlf not counted", ct: TypeText, body: "0123456789abcdef\r\n", max: 10, wantRaw: "0123456789", wantLength: 16},
		// "é" is two bytes: a cut at 5 would split the third one.
		{name: "utf8 boundary", ct: TypeText, body: "ééééé", max: 5, wantRaw: "éé", wantLength: 10},
		{name: "binary cut at max", ct: TypeText, body: "\x80\x80\x80\x80\x80\x80", max: 4, wantRaw: "\x80\x80\x80\x80", wantLength: 6},
		{name: "json string", ct: TypeJSON, body: `["abcdefghij"]`, max: 4, wantRaw: "abcd", wantLength: 10},
		{name: "json object", ct: TypeJSON, body: `{"a": "bcdef"}`, max: 5, wantRaw: `{"a":`, wantLength: 13},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lines, err := ParseBody(tc.ct, []byte(tc.body), tc.max)
			if err != nil {
				t.Fatal(err)
			}
			if len(lines) != 1 {
				t.Fatalf("lines %q", raws(lines))
			}
			l := lines[0]
			if string(l.Raw) != tc.wantRaw || !l.Truncated || l.Length != tc.wantLength {
				t.Fatalf("got %q truncated %v length %d, want %q true %d", l.Raw, l.Truncated, l.Length, tc.wantRaw, tc.wantLength)
			}
			if cap(l.Raw) != len(l.Raw) {
				t.Fatalf("cap %d > len %d: an append would overwrite the body", cap(l.Raw), len(l.Raw))
			}
		})
	}
}

// FuzzParseBody checks, for any body and content type: no panic, every
// line within maxLine bytes and flagged when cut, and newline-delimited
// bodies parse the same with or without a final newline.
func FuzzParseBody(f *testing.F) {
	for _, s := range []struct {
		ct, body string
	}{
		{TypeNDJSON, "{\"a\":1}\n{\"b\":2}\n"},
		{TypeText, "one\r\ntwo\n\nthree"},
		{TypeJSON, `["a", {"b": [1, 2, {"c": null}]}, ""]`},
		{TypeJSON, `{"msg": "héllo wörld", "n": 1e400}`},
		{TypeJSON, `[{"a":1}, {"b":}]`},
		{TypeJSON, "\"\\ud800\""},
		{"text/plain; charset=latin1", "\xff\xfe\r\r\n"},
		{"application/octet-stream", "x"},
	} {
		f.Add(s.ct, []byte(s.body), 8)
		f.Add(s.ct, []byte(s.body), 0)
	}
	f.Fuzz(func(t *testing.T, ct string, body []byte, maxLine int) {
		maxLine %= 1 << 12
		if maxLine < 0 {
			maxLine = -maxLine
		}
		orig := string(body)
		lines, err := ParseBody(ct, body, maxLine)
		if string(body) != orig {
			t.Fatal("ParseBody modified its input")
		}
		if err != nil {
			if !errors.Is(err, ErrBadBody) && !errors.Is(err, ErrUnsupportedType) {
				t.Fatalf("error %v wraps neither ErrBadBody nor ErrUnsupportedType", err)
			}
			if lines != nil {
				t.Fatal("lines returned with an error")
			}
			return
		}
		mt, _ := mediaType(ct)
		for i, l := range lines {
			if len(l.Raw) == 0 {
				t.Fatalf("line %d is empty", i)
			}
			if maxLine > 0 && len(l.Raw) > maxLine {
				t.Fatalf("line %d is %d bytes, over maxLine %d", i, len(l.Raw), maxLine)
			}
			if l.Truncated != (l.Length > len(l.Raw)) {
				t.Fatalf("line %d: truncated %v but %d of %d bytes kept", i, l.Truncated, len(l.Raw), l.Length)
			}
			if l.Truncated && (maxLine == 0 || l.Length <= maxLine) {
				t.Fatalf("line %d of %d bytes truncated with maxLine %d", i, l.Length, maxLine)
			}
			if l.Truncated && utf8.Valid(body) && !utf8.Valid(l.Raw) && maxLine >= utf8.UTFMax {
				t.Fatalf("line %d: valid UTF-8 cut into invalid %q", i, l.Raw)
			}
		}
		if mt == TypeJSON {
			return
		}
		// Newline-delimited: a final newline changes nothing.
		again, err := ParseBody(ct, append([]byte(orig), '\n'), maxLine)
		if err != nil {
			t.Fatal(err)
		}
		if len(again) != len(lines) {
			t.Fatalf("%d lines, %d with a final newline", len(lines), len(again))
		}
		for i := range lines {
			if string(again[i].Raw) != string(lines[i].Raw) || again[i].Truncated != lines[i].Truncated || again[i].Length != lines[i].Length {
				t.Fatalf("line %d differs with a final newline: %+v vs %+v", i, lines[i], again[i])
			}
		}
	})
}
