package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"google.golang.org/grpc/encoding"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sluicehq/sluice/pkg/wirecompress"
	sluicev1 "github.com/sluicehq/sluice/proto/sluice/v1"
)

// WireFigures is one compression setting on the corpus, one placement,
// one message size.
type WireFigures struct {
	Compression string `json:"compression"`
	// Placement is "grpc" (the gRPC compressor: the whole message) or
	// "packed" (LogBatch.packed compressed inside an uncompressed
	// message).
	Placement       string  `json:"placement"`
	LinesPerMessage int     `json:"lines_per_message"`
	WireBytesPerLn  float64 `json:"wire_bytes_per_line"`
	// Ratio is the uncompressed message's bytes over these.
	Ratio float64 `json:"ratio"`
	// CompressCPU and DecompressCPU are CPU seconds per million lines:
	// the agent's extra cost and the mediator's.
	CompressCPU   float64 `json:"compress_cpu_s_per_million"`
	DecompressCPU float64 `json:"decompress_cpu_s_per_million"`
}

// stageWireCompression measures what each compression setting makes of
// the corpus's lines on the way from agent to mediator: bytes on the
// wire per line, and the CPU to compress (agent) and decompress
// (mediator) per million lines. Messages are built as the uplink sends
// them: spool records (encoded LogBatches of one source's lines)
// joined into LogBatch.packed. The corpus's files follow each other, so
// a message holds one source's lines, as a file source's do.
func stageWireCompression(e *stageEnv) Result {
	entries, _ := corpusEntries()
	if len(entries) == 0 {
		return Result{Skipped: "corpus not found at " + *flagCorpus}
	}
	at := timestamppb.New(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC))
	var figs []WireFigures
	for _, per := range []int{1000, 100} {
		// The messages as the uplink sends them.
		var packed [][]byte
		for i := 0; i < len(entries); i += per {
			var b sluicev1.LogBatch
			for j := i; j < min(i+per, len(entries)); j++ {
				en := &entries[j]
				b.Entries = append(b.Entries, &sluicev1.LogEntry{Seq: en.Seq, SourceId: "corpus", SourceType: en.LogSourceType, CollectedAt: at, Raw: en.Raw})
			}
			p, err := proto.Marshal(&b)
			if err != nil {
				fatalf("%v", err)
			}
			packed = append(packed, p)
		}
		var plain int
		for i, p := range packed {
			plain += wireSize(message(p, uint64(i)))
		}
		for _, name := range []string{wirecompress.None, wirecompress.Gzip, wirecompress.Zstd, wirecompress.S2} {
			for _, placement := range []string{"grpc", "packed"} {
				if name == wirecompress.None && placement == "packed" {
					continue
				}
				f := measureWire(name, placement, packed, len(entries))
				f.LinesPerMessage = per
				f.Ratio = float64(plain) / (f.WireBytesPerLn * float64(len(entries)))
				figs = append(figs, f)
			}
		}
	}
	r := Result{Events: int64(len(entries)), Note: wireNote(figs), Wire: figs}
	for _, f := range figs {
		if f.Compression == wirecompress.Default && f.Placement == "grpc" && f.LinesPerMessage == 1000 {
			r.CPUPerMillion = f.CompressCPU
		}
	}
	return r
}

// message is the ConnectRequest the uplink sends for packed.
func message(packed []byte, seq uint64) []byte {
	m, err := proto.Marshal(&sluicev1.ConnectRequest{Msg: &sluicev1.ConnectRequest_Batch{Batch: &sluicev1.LogBatch{Packed: packed, FirstSeq: seq*1000 + 1, LastSeq: seq*1000 + 1000}}})
	if err != nil {
		fatalf("%v", err)
	}
	return m
}

// wireSize is a message's bytes on the wire: gRPC's 5-byte frame header
// and the message.
func wireSize(m []byte) int { return 5 + len(m) }

// measureWire compresses every message (after a warm-up pass that fills
// the codec's pools) and decompresses the results, timing both.
func measureWire(name, placement string, packed [][]byte, lines int) WireFigures {
	f := WireFigures{Compression: name, Placement: placement}
	c := encoding.GetCompressor(name)
	var buf bytes.Buffer
	compress := func(in []byte) []byte {
		if c == nil {
			return in
		}
		buf.Reset()
		w, err := c.Compress(&buf)
		if err != nil {
			fatalf("%v", err)
		}
		if _, err := w.Write(in); err != nil {
			fatalf("%v", err)
		}
		if err := w.Close(); err != nil {
			fatalf("%v", err)
		}
		return bytes.Clone(buf.Bytes())
	}
	// The messages the agent marshals anyway; only compression is timed.
	msgs := make([][]byte, len(packed))
	for i, p := range packed {
		msgs[i] = message(p, uint64(i))
	}
	out := make([][]byte, len(packed))
	run := func() {
		for i, p := range packed {
			if placement == "grpc" {
				out[i] = compress(msgs[i])
			} else {
				out[i] = message(compress(p), uint64(i))
			}
		}
	}
	run()
	// Passes over the corpus until the CPU measured is well above the
	// clock's resolution.
	minCPU := 1.0
	if *flagQuick {
		minCPU = 0.1
	}
	repeat := func(f func()) float64 {
		c0, n := cpuSeconds(), 0
		for n < 3 || cpuSeconds()-c0 < minCPU {
			f()
			n++
		}
		return (cpuSeconds() - c0) / (float64(n*lines) / 1e6)
	}
	f.CompressCPU = repeat(run)
	if placement == "packed" {
		// The message is marshalled either way: count only what the
		// placement adds.
		f.CompressCPU -= repeat(func() {
			for i, p := range packed {
				out[i] = message(p, uint64(i))
			}
		})
		for i, p := range packed {
			out[i] = message(compress(p), uint64(i))
		}
	}
	var wire int
	for _, m := range out {
		wire += wireSize(m)
	}
	f.WireBytesPerLn = float64(wire) / float64(lines)
	if c != nil {
		f.DecompressCPU = repeat(func() { decompressAll(c, placement, out) })
	}
	return f
}

// decompressAll decompresses what measureWire made, as the mediator does.
func decompressAll(c encoding.Compressor, placement string, out [][]byte) {
	{
		for _, m := range out {
			in := m
			if placement == "packed" {
				var req sluicev1.ConnectRequest
				if err := proto.Unmarshal(m, &req); err != nil {
					fatalf("%v", err)
				}
				in = req.GetBatch().GetPacked()
			}
			r, err := c.Decompress(bytes.NewReader(in))
			if err != nil {
				fatalf("%v", err)
			}
			if _, err := io.Copy(io.Discard, r); err != nil {
				fatalf("decompress %s: %v", c.Name(), err)
			}
			if cl, ok := r.(io.Closer); ok {
				_ = cl.Close()
			}
		}
	}
}

// wireNote is the stage's figures in one line.
func wireNote(figs []WireFigures) string {
	var parts []string
	for _, f := range figs {
		if f.Placement != "grpc" {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s@%d %.1f B/line %.1f:1 %.2f/%.2f CPU-s/M", f.Compression, f.LinesPerMessage, f.WireBytesPerLn, f.Ratio, f.CompressCPU, f.DecompressCPU))
	}
	return "compression@lines per message: wire bytes per line, ratio, compress/decompress CPU-s per million lines: " + strings.Join(parts, "; ")
}
