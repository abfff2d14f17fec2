package syslog

import (
	"bytes"
	"fmt"

	"github.com/sluicehq/sluice/agent/source"
)

// Framing is how messages are delimited on a TCP or TLS stream (RFC 6587).
type Framing int

// Framings.
const (
	// FramingAuto looks at the first frame of each connection: digits and a
	// space start an octet-counted stream, anything else an LF-delimited
	// one.
	FramingAuto Framing = iota
	// FramingLF is non-transparent framing: each message ends with LF (or
	// NUL, which some senders use).
	FramingLF
	// FramingOctetCounted is "MSG-LEN SP MSG" (RFC 6587 §3.4.1).
	FramingOctetCounted
)

// ParseFraming reads the configuration spelling of a framing.
func ParseFraming(s string) (Framing, error) {
	switch s {
	case "", "auto":
		return FramingAuto, nil
	case "lf":
		return FramingLF, nil
	case "octet-counted":
		return FramingOctetCounted, nil
	}
	return 0, fmt.Errorf(`framing must be "auto", "lf" or "octet-counted", not %q`, s)
}

func (f Framing) String() string {
	switch f {
	case FramingLF:
		return "lf"
	case FramingOctetCounted:
		return "octet-counted"
	}
	return "auto"
}

// maxCountDigits bounds the MSG-LEN field. Nine digits keep the count in
// an int32 and are far beyond any sane message; a longer digit run is not
// a count, and the frame is read as an LF-delimited line instead.
const maxCountDigits = 9

type frameState int

const (
	stHeader  frameState = iota // at a frame start: maybe an octet count
	stLine                      // in an LF-delimited message
	stCounted                   // in an octet-counted message
)

// Framer cuts a syslog byte stream into messages. It holds at most Max
// bytes of the current message plus a few bytes of octet count, whatever
// the sender does: the rest of a longer message is skipped and the message
// is flagged truncated, keeping its first Max bytes. Its output depends
// only on the bytes fed, not on how they were split into Feed calls.
//
// A frame that should be octet-counted but does not start with a count
// (garbage, or a stray LF between frames) is read as an LF-delimited
// line, so the stream resynchronises at the next terminator instead of
// being lost.
type Framer struct {
	max  int
	mode Framing // FramingAuto until the first frame decides

	st       frameState
	hdr      []byte // digits of a possible octet count
	buf      []byte // the current message, at most max bytes
	overflow int    // bytes of the current message beyond max, skipped
	remain   int    // bytes left in the current octet-counted message
	declared int    // MSG-LEN of the current octet-counted message
}

// NewFramer returns a framer for one connection. limit (at least 1) is
// the longest message kept whole.
func NewFramer(mode Framing, limit int) *Framer {
	if limit < 1 {
		limit = 1
	}
	return &Framer{max: limit, mode: mode}
}

// Feed adds stream bytes and calls emit for each message they complete, in
// order. emit may keep the line: its Raw is not reused.
func (f *Framer) Feed(data []byte, emit func(source.Line)) {
	for len(data) > 0 {
		switch f.st {
		case stHeader:
			data = f.header(data)
		case stLine:
			i := bytes.IndexAny(data, "\n\x00")
			if i < 0 {
				f.add(data)
				return
			}
			f.add(data[:i])
			f.emitLine(emit)
			data = data[i+1:]
		case stCounted:
			n := min(f.remain, len(data))
			f.add(data[:n])
			f.remain -= n
			data = data[n:]
			if f.remain == 0 {
				f.emitCounted(emit, false)
			}
		}
	}
}

// header consumes the octet count at a frame start, or decides there is
// none, and returns the bytes left.
func (f *Framer) header(data []byte) []byte {
	if f.mode == FramingLF {
		f.st = stLine
		return data
	}
	for len(data) > 0 {
		c := data[0]
		switch {
		case len(f.hdr) == 0 && c >= '1' && c <= '9',
			len(f.hdr) > 0 && len(f.hdr) < maxCountDigits && c >= '0' && c <= '9':
			f.hdr = append(f.hdr, c)
			data = data[1:]
		case len(f.hdr) > 0 && c == ' ':
			n := 0
			for _, d := range f.hdr {
				n = n*10 + int(d-'0')
			}
			f.hdr = f.hdr[:0]
			f.declared, f.remain = n, n
			f.st = stCounted
			if f.mode == FramingAuto {
				f.mode = FramingOctetCounted
			}
			return data[1:]
		default:
			// Not a count: the digits seen start an LF-delimited line.
			f.toLine()
			return data
		}
	}
	return data
}

// toLine turns the frame being examined into an LF-delimited line.
func (f *Framer) toLine() {
	f.st = stLine
	if f.mode == FramingAuto {
		f.mode = FramingLF
	}
	f.add(f.hdr)
	f.hdr = f.hdr[:0]
}

// add appends message bytes, keeping at most max of them.
func (f *Framer) add(p []byte) {
	room := f.max - len(f.buf)
	take := max(0, min(room, len(p)))
	f.buf = append(f.buf, p[:take]...)
	f.overflow += len(p) - take
}

func (f *Framer) emitLine(emit func(source.Line)) {
	raw := f.buf
	if f.overflow == 0 {
		raw = bytes.TrimSuffix(raw, []byte("\r"))
	}
	f.out(emit, raw, len(raw)+f.overflow, f.overflow > 0)
}

// emitCounted emits an octet-counted message; cut marks one the stream
// ended in the middle of.
func (f *Framer) emitCounted(emit func(source.Line), cut bool) {
	raw := f.buf
	length := f.declared
	truncated := f.overflow > 0 || cut
	if !truncated {
		// Many senders end the counted message with a newline anyway.
		raw = bytes.TrimRight(raw, "\r\n\x00")
		length = len(raw)
	}
	f.out(emit, raw, length, truncated)
}

func (f *Framer) out(emit func(source.Line), raw []byte, length int, truncated bool) {
	f.st = stHeader
	if len(raw) > 0 || truncated {
		// Blank lines (a stray LF between frames) carry nothing to index.
		emit(source.Line{Raw: bytes.Clone(raw), Truncated: truncated, Length: length})
	}
	f.buf = f.buf[:0]
	f.overflow, f.remain, f.declared = 0, 0, 0
}

// Flush emits what the stream held when it ended: an unterminated line
// as it is, and an octet-counted message cut short flagged truncated (its
// Length is the length the sender announced).
func (f *Framer) Flush(emit func(source.Line)) {
	switch f.st {
	case stHeader:
		if len(f.hdr) > 0 {
			f.toLine()
			f.emitLine(emit)
		}
	case stLine:
		f.emitLine(emit)
	case stCounted:
		if f.remain < f.declared {
			f.emitCounted(emit, true)
		}
		f.st = stHeader
		f.buf, f.overflow, f.remain, f.declared = f.buf[:0], 0, 0, 0
	}
}

// Pending is the number of bytes held for an incomplete message.
func (f *Framer) Pending() int { return len(f.hdr) + len(f.buf) }
