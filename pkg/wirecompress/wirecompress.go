// Package wirecompress registers the compressors agents may use on their
// stream to a mediator with gRPC (zstd and S2 from klauspost/compress,
// and gRPC's own gzip), and names them. Importing it is what makes a
// process accept them: gRPC looks a stream's grpc-encoding up in its
// process-wide registry, and a server without the named compressor fails
// the stream with Unimplemented before any handler runs (how an agent
// recognises an older mediator; agent/uplink falls back to none then).
//
// Compressing the gRPC message rather than LogBatch.packed keeps the
// mediator unchanged past the transport: it sees the same decoded
// messages, gRPC bounds the decompressed size by the server's
// max receive size (no decompression bomb), and heartbeats are covered
// too. Both were measured (`make bench`, stage wire-compression): the
// ratio and the CPU are the same within noise, so the simpler one won.
package wirecompress

import (
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/s2"
	"github.com/klauspost/compress/zstd"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/encoding/gzip" // registers "gzip"
)

// The names a compression setting takes; each but None is a gRPC
// content coding.
const (
	Zstd = "zstd"
	S2   = "s2"
	Gzip = gzip.Name
	None = "none"
)

// Default is what an agent uses when its configuration names none. On
// the corpus (docs/performance.md, "Compression on the wire") S2 makes
// 5.8:1 for about a tenth more agent CPU; zstd 9.3:1 for a quarter more,
// worth it on a slow or metered link; gzip zstd's ratio for five times
// its CPU.
const Default = S2

// Names lists the valid settings.
var Names = []string{Zstd, S2, Gzip, None}

// Check reports whether name is a valid setting.
func Check(name string) error {
	for _, n := range Names {
		if n == name {
			return nil
		}
	}
	return fmt.Errorf("compression %q: must be one of zstd, s2, gzip, none", name)
}

// windowSize is the zstd window and the S2 block size: what a pooled
// encoder holds on the agent and a decoder on the mediator (one per
// stream decompressing at that moment). Logs repeat within far less: on
// the corpus the ratio is the same as with 1 MiB, and the agent's peak
// RSS at 10,000 lines/s 5 MiB lower. S2 readers refuse larger blocks, so
// raising it needs the mediators raised first.
const windowSize = 256 << 10

// maxDecoderWindow is the largest window a mediator's decoder accepts:
// the encoder's with room for a later agent's choice, still small
// enough that thousands of streams cannot make it hold gigabytes.
const maxDecoderWindow = 8 << 20

func init() {
	encoding.RegisterCompressor(&zstdCodec{})
	encoding.RegisterCompressor(&s2Codec{})
}

// zstdCodec is zstd at its fastest level, with encoders and decoders
// pooled: making one costs far more than a batch's compression.
type zstdCodec struct {
	encoders, decoders sync.Pool
}

func (*zstdCodec) Name() string { return Zstd }

func (c *zstdCodec) Compress(w io.Writer) (io.WriteCloser, error) {
	e, _ := c.encoders.Get().(*zstd.Encoder)
	if e == nil {
		var err error
		e, err = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1),
			zstd.WithWindowSize(windowSize), zstd.WithEncoderCRC(false))
		if err != nil {
			return nil, fmt.Errorf("zstd encoder: %w", err)
		}
	}
	e.Reset(w)
	return &zstdWriter{Encoder: e, pool: &c.encoders}, nil
}

// zstdWriter gives the encoder back to the pool when closed.
type zstdWriter struct {
	*zstd.Encoder
	pool *sync.Pool
}

func (z *zstdWriter) Close() error {
	err := z.Encoder.Close()
	z.Encoder.Reset(nil) // drop the destination
	z.pool.Put(z.Encoder)
	z.Encoder = nil
	return err
}

func (c *zstdCodec) Decompress(r io.Reader) (io.Reader, error) {
	d, _ := c.decoders.Get().(*zstd.Decoder)
	if d == nil {
		var err error
		d, err = zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(maxDecoderWindow))
		if err != nil {
			return nil, fmt.Errorf("zstd decoder: %w", err)
		}
	}
	if err := d.Reset(r); err != nil {
		c.decoders.Put(d)
		return nil, fmt.Errorf("zstd decoder: %w", err)
	}
	return &zstdReader{d: d, pool: &c.decoders}, nil
}

// zstdReader gives the decoder back to the pool when gRPC closes it
// (exactly once, after reading the message or giving up on it).
type zstdReader struct {
	d    *zstd.Decoder
	pool *sync.Pool
}

func (z *zstdReader) Read(p []byte) (int, error) { return z.d.Read(p) }

func (z *zstdReader) Close() error {
	_ = z.d.Reset(nil) // drop the source (nil input is refused, by design)
	z.pool.Put(z.d)
	z.d = nil
	return nil
}

// s2Codec is S2's stream format at its default level, synchronous (no
// goroutines per writer), pooled.
type s2Codec struct {
	writers, readers sync.Pool
}

func (*s2Codec) Name() string { return S2 }

func (c *s2Codec) Compress(w io.Writer) (io.WriteCloser, error) {
	sw, _ := c.writers.Get().(*s2.Writer)
	if sw == nil {
		sw = s2.NewWriter(nil, s2.WriterConcurrency(1), s2.WriterBlockSize(windowSize))
	}
	sw.Reset(w)
	return &s2Writer{Writer: sw, pool: &c.writers}, nil
}

// s2Writer gives the writer back to the pool when closed.
type s2Writer struct {
	*s2.Writer
	pool *sync.Pool
}

func (s *s2Writer) Close() error {
	err := s.Writer.Close()
	s.Writer.Reset(nil)
	s.pool.Put(s.Writer)
	s.Writer = nil
	return err
}

func (c *s2Codec) Decompress(r io.Reader) (io.Reader, error) {
	sr, _ := c.readers.Get().(*s2.Reader)
	if sr == nil {
		sr = s2.NewReader(nil, s2.ReaderMaxBlockSize(windowSize))
	}
	sr.Reset(r)
	return &s2Reader{r: sr, pool: &c.readers}, nil
}

// s2Reader gives the reader back to the pool when gRPC closes it.
type s2Reader struct {
	r    *s2.Reader
	pool *sync.Pool
}

func (s *s2Reader) Read(p []byte) (int, error) { return s.r.Read(p) }

func (s *s2Reader) Close() error {
	s.r.Reset(nil)
	s.pool.Put(s.r)
	s.r = nil
	return nil
}
