package journald

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

// bin encodes a binary export-format field.
func bin(name, value string) string {
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(value)))
	return name + "\n" + string(n[:]) + value + "\n"
}

func TestDecoder(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		max     int
		want    []Entry
		wantErr error
	}{
		{
			name: "text fields",
			in:   "__CURSOR=s=a;i=1\n__REALTIME_TIMESTAMP=1700000000000001\nMESSAGE=hello world\n_HOSTNAME=h\nSYSLOG_IDENTIFIER=sshd\n_COMM=sshd\n_PID=42\nPRIORITY=6\n_SYSTEMD_UNIT=ssh.service\nOTHER=x=y\n\n",
			want: []Entry{{Cursor: "s=a;i=1", Realtime: 1700000000000001, Message: []byte("hello world"), MessageLen: 11, HasMessage: true, Hostname: "h", Identifier: "sshd", Comm: "sshd", PID: "42", Priority: "6", Unit: "ssh.service"}},
		},
		{
			name: "binary message with newlines and NUL",
			in:   "__CURSOR=c1\n" + bin("MESSAGE", "two\nlines\x00") + "\n__CURSOR=c2\nMESSAGE=\n\n",
			want: []Entry{
				{Cursor: "c1", Message: []byte("two\nlines\x00"), MessageLen: 10, HasMessage: true},
				{Cursor: "c2", Message: []byte{}, HasMessage: true},
			},
		},
		{
			name: "message cut at the limit",
			in:   "__CURSOR=c\nMESSAGE=" + strings.Repeat("x", 100) + "\n" + bin("_HOSTNAME", strings.Repeat("h", 10)) + "\n__CURSOR=d\n" + bin("MESSAGE", strings.Repeat("y", 50)) + "\n",
			max:  20,
			want: []Entry{
				{Cursor: "c", Message: []byte(strings.Repeat("x", 20)), MessageLen: 100, HasMessage: true, Hostname: strings.Repeat("h", 10)},
				{Cursor: "d", Message: []byte(strings.Repeat("y", 20)), MessageLen: 50, HasMessage: true},
			},
		},
		{
			name: "a line longer than the read buffer",
			in:   "__CURSOR=c\nMESSAGE=" + strings.Repeat("z", 200<<10) + "\n\n",
			max:  1000,
			want: []Entry{{Cursor: "c", Message: []byte(strings.Repeat("z", 1000)), MessageLen: 200 << 10, HasMessage: true}},
		},
		{name: "empty input", in: ""},
		{name: "blank lines only", in: "\n\n"},
		{name: "cut inside an entry", in: "__CURSOR=c\nMESSAGE=x\n", wantErr: io.ErrUnexpectedEOF},
		{name: "cut inside a line", in: "__CURSOR=c\nMESS", wantErr: io.ErrUnexpectedEOF},
		{name: "cut inside a binary field", in: "__CURSOR=c\nMESSAGE\n\x05\x00\x00\x00\x00\x00\x00\x00ab", wantErr: io.ErrUnexpectedEOF},
		{name: "binary field without its newline", in: "MESSAGE\n\x01\x00\x00\x00\x00\x00\x00\x00ab\n", wantErr: ErrFormat},
		{name: "bad field name", in: "message=x\n\n", wantErr: ErrFormat},
		{name: "json is not export", in: "{\"MESSAGE\":\"x\"}\n\n", wantErr: ErrFormat},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := NewDecoder(strings.NewReader(c.in), c.max)
			var got []Entry
			var err error
			for {
				var e Entry
				if err = d.Next(&e); err != nil {
					break
				}
				got = append(got, e)
			}
			if c.wantErr == nil && err != io.EOF {
				t.Fatalf("error %v, want io.EOF", err)
			}
			if c.wantErr != nil && !errors.Is(err, c.wantErr) {
				t.Fatalf("error %v, want %v", err, c.wantErr)
			}
			if len(got) != len(c.want) {
				t.Fatalf("%d entries, want %d: %+v", len(got), len(c.want), got)
			}
			for i := range got {
				g, w := got[i], c.want[i]
				if !bytes.Equal(g.Message, w.Message) {
					t.Errorf("entry %d: message %q, want %q", i, g.Message, w.Message)
				}
				g.Message, w.Message = nil, nil
				if !reflect.DeepEqual(g, w) {
					t.Errorf("entry %d: %+v, want %+v", i, g, w)
				}
			}
		})
	}
}

// FuzzDecoder feeds the export-format decoder arbitrary input (it reads
// journalctl's output, which carries whatever any local process logged):
// it must never panic, never keep more of a message than its limit, and
// always end.
func FuzzDecoder(f *testing.F) {
	f.Add([]byte("__CURSOR=s=a;i=1\nMESSAGE=hello\n_PID=1\n\n"))
	f.Add([]byte("__CURSOR=c\n" + bin("MESSAGE", "a\nb") + "\n"))
	f.Add([]byte("MESSAGE\n\xff\xff\xff\xff\xff\xff\xff\xff"))
	f.Add([]byte("\n\nA=\n\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		d := NewDecoder(bytes.NewReader(in), 32)
		for range len(in) + 2 {
			var e Entry
			err := d.Next(&e)
			if len(e.Message) > 32 || e.MessageLen < len(e.Message) && e.HasMessage {
				t.Fatalf("message of %d bytes (length %d) over the limit", len(e.Message), e.MessageLen)
			}
			if err != nil {
				return
			}
		}
		t.Fatal("more entries than input bytes")
	})
}

// BenchmarkDecoder measures the decoder on journalctl-like entries.
func BenchmarkDecoder(b *testing.B) {
	var in bytes.Buffer
	for range 1000 {
		in.WriteString("__CURSOR=s=e1c76febd1304f33a7a2be98f0f1a68b;i=30d40;b=0123456789abcdef0123456789abcdef;m=30d40;t=60a2418214d3f;x=1a0cc90c87a3c2bf\n__REALTIME_TIMESTAMP=1700000000199999\n__MONOTONIC_TIMESTAMP=200000\n_BOOT_ID=0123456789abcdef0123456789abcdef\n_HOSTNAME=bastion1\nSYSLOG_IDENTIFIER=sshd\nPRIORITY=6\n_SYSTEMD_UNIT=ssh.service\n_COMM=sshd\n_PID=5999\nMESSAGE=Accepted publickey for alice from 192.0.2.249 port 59999 ssh2\n\n")
	}
	data := in.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var e Entry
	for b.Loop() {
		d := NewDecoder(bytes.NewReader(data), 64<<10)
		for d.Next(&e) == nil {
		}
	}
	b.ReportMetric(float64(1000*b.N)/b.Elapsed().Seconds(), "entries/s")
}
