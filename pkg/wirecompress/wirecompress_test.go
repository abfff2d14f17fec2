package wirecompress

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"google.golang.org/grpc/encoding"
)

func compress(t testing.TB, c encoding.Compressor, in []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := c.Compress(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(in); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// decompress reads at most limit bytes, as gRPC does (its max receive
// size), and closes the reader as gRPC does.
func decompress(c encoding.Compressor, in []byte, limit int64) ([]byte, error) {
	r, err := c.Decompress(bytes.NewReader(in))
	if err != nil {
		return nil, err
	}
	if cl, ok := r.(io.Closer); ok {
		defer cl.Close()
	}
	return io.ReadAll(io.LimitReader(r, limit))
}

// Each registered compressor gives back what it was given, through its
// pools (a writer and a reader used again after Close).
func TestRoundTrip(t *testing.T) {
	var lines bytes.Buffer
	for i := range 20000 {
		fmt.Fprintf(&lines, "Nov 20 08:15:%02d web-01 sshd[%d]: Failed password for root from 203.0.113.%d port %d ssh2\n", i%60, 100+i%7, i%250, 1024+i)
	}
	for _, in := range [][]byte{nil, []byte("x"), lines.Bytes()} {
		for _, name := range Names {
			if name == None {
				continue
			}
			c := encoding.GetCompressor(name)
			if c == nil {
				t.Fatalf("%s is not registered", name)
			}
			for round := range 3 {
				z := compress(t, c, in)
				out, err := decompress(c, z, 64<<20)
				if err != nil || !bytes.Equal(out, in) {
					t.Fatalf("%s round %d: %d bytes back of %d (%v)", name, round, len(out), len(in), err)
				}
				if len(in) > 1<<20 && len(z)*4 > len(in) {
					t.Errorf("%s: %d bytes of log lines compressed to %d", name, len(in), len(z))
				}
			}
		}
	}
}

func TestCheck(t *testing.T) {
	for _, n := range Names {
		if err := Check(n); err != nil {
			t.Errorf("Check(%q) = %v", n, err)
		}
	}
	for _, n := range []string{"", "ZSTD", "lz4", "snappy"} {
		if Check(n) == nil {
			t.Errorf("Check(%q) accepted it", n)
		}
	}
}

// FuzzDecompress: what an agent's stream brings is untrusted. No input
// panics the decompressors or leaves a pooled one unusable.
func FuzzDecompress(f *testing.F) {
	for _, name := range []string{Zstd, S2} {
		f.Add(name == S2, compress(f, encoding.GetCompressor(name), []byte("Nov 20 08:15:02 web-01 sshd[31]: Failed password")))
	}
	f.Add(false, []byte{0x28, 0xb5, 0x2f, 0xfd, 0, 0x58, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, useS2 bool, in []byte) {
		name := Zstd
		if useS2 {
			name = S2
		}
		c := encoding.GetCompressor(name)
		_, _ = decompress(c, in, 1<<20)
		want := []byte("still works")
		if out, err := decompress(c, compress(t, c, want), 1<<20); err != nil || !bytes.Equal(out, want) {
			t.Fatalf("%s after %x: %q, %v", name, in, out, err)
		}
	})
}
