package event

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"
)

// benchEvent is an event like the MPE's output for an sshd line.
func benchEvent() *Event {
	e := &Event{
		ID:        DocID("agent", 1),
		Timestamp: time.Date(2026, 1, 10, 8, 0, 0, 123456789, time.UTC),
		Message:   "Jan 10 08:00:00 mail sshd[18241]: Accepted publickey for deploy from 10.0.0.5 port 27741 ssh2",
	}
	e.Set(FieldAgent, "agent-mail")
	e.Set(FieldSeq, int64(1))
	e.Set(FieldCollected, time.Date(2026, 1, 10, 8, 0, 0, 150000000, time.UTC))
	e.Set(FieldHostname, "mail")
	e.Set(FieldLogSourceType, "linux-auth")
	e.Set(FieldRule, "sshd-accepted")
	e.Set(FieldClassification, "Authentication Success")
	e.Set(FieldCommonEvent, "User Logon")
	e.Set(FieldRisk, int64(3))
	e.Set(FieldOutcome, "success")
	e.Set("process.name", "sshd")
	e.Set("process.pid", int64(18241))
	e.Set("user.name", "deploy")
	e.Set("source.ip", "10.0.0.5")
	e.Set("source.port", int64(27741))
	return e
}

func BenchmarkAppendJSON(b *testing.B) {
	e := benchEvent()
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = e.AppendJSON(buf[:0])
	}
	b.SetBytes(int64(len(buf)))
}

// TestAppendJSONStringEscapes checks every byte value at every position of
// an 8-byte block against encoding/json: the block-at-a-time scan must
// stop at each byte that needs escaping.
func TestAppendJSONStringEscapes(t *testing.T) {
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 17; pos++ {
			b := []byte(strings.Repeat("a", 17))
			b[pos] = byte(c)
			s := string(b)
			out := AppendJSONString(nil, s)
			var back string
			if err := json.Unmarshal(out, &back); err != nil {
				t.Fatalf("byte %#x at %d: %s: %v", c, pos, out, err)
			}
			want := s
			if c >= 0x80 {
				want = strings.ToValidUTF8(s, "\ufffd")
			}
			if back != want {
				t.Fatalf("byte %#x at %d: %q round-trips as %q", c, pos, s, back)
			}
			std, _ := json.Marshal(s)
			if c < 0x80 && !strings.ContainsRune("<>&\b\f", rune(c)) && string(out) != string(std) {
				// encoding/json escapes <, > and & for HTML, which we need
				// not, and writes \b and \f where we write \u0008 and \u000c.
				t.Fatalf("byte %#x at %d: %s, encoding/json %s", c, pos, out, std)
			}
		}
	}
}

func TestAppendTimestamp(t *testing.T) {
	for _, ts := range []time.Time{
		time.Date(2026, 1, 10, 8, 0, 0, 123456789, time.UTC),
		time.Date(2026, 12, 31, 23, 59, 59, 999999999, time.FixedZone("x", 5*3600+1800)),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(999, 3, 4, 5, 6, 7, 8000000, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Unix(0, 0),
	} {
		got := string(appendTimestamp(nil, ts))
		want := ts.UTC().Format(TimeFormat)
		if got != want {
			t.Errorf("%v: %s, want %s", ts, got, want)
		}
	}
}

// TestAppendJSONFloat pins the one float format of documents and webhook
// payloads to encoding/json's: plain decimals from 1e-6 to below 1e21,
// exponents outside, and null for NaN and infinities (which encoding/json
// refuses).
func TestAppendJSONFloat(t *testing.T) {
	for _, f := range []float64{
		0, math.Copysign(0, -1), 1, -1, 0.1, 0.2 + 0.1, 1.5, -2.25, 3.0,
		123456789, 1e15, 1e20, 123456789012345678901, 1e21, 1.5e21, -1e21, 1e300, math.MaxFloat64,
		1e-6, 1e-7, 1.25e-7, -1e-7, 5e-324, math.SmallestNonzeroFloat64 * 3,
		1e-10, 1e-100, 0.000001234, math.Pi, -math.E, 4.9e-7, 9.999999e20,
	} {
		std, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := AppendJSONFloat(nil, f); string(got) != string(std) {
			t.Errorf("AppendJSONFloat(%v) = %s, encoding/json %s", f, got, std)
		}
		if got := AppendJSONValue([]byte("x"), f); string(got) != "x"+string(std) {
			t.Errorf("AppendJSONValue(%v) = %s, want x%s", f, got, std)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if got := AppendJSONFloat(nil, f); string(got) != "null" {
			t.Errorf("AppendJSONFloat(%v) = %s, want null", f, got)
		}
	}
}

func TestAppendJSONValue(t *testing.T) {
	for _, c := range []struct {
		v    any
		want string
	}{
		{"a\"b", `"a\"b"`},
		{int64(-42), `-42`},
		{7, `7`},
		{1e21, `1e+21`},
		{true, `true`},
		{[]string{"a", "b"}, `["a","b"]`},
		{[]string{}, `[]`},
		{time.Date(2026, 1, 10, 8, 0, 0, 123456789, time.FixedZone("x", 3600)), `"2026-01-10T07:00:00.123Z"`},
		{struct{}{}, `null`},
		{nil, `null`},
	} {
		if got := AppendJSONValue(nil, c.v); string(got) != c.want {
			t.Errorf("AppendJSONValue(%#v) = %s, want %s", c.v, got, c.want)
		}
	}
}
