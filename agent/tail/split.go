package tail

import "bytes"

// Splitter cuts a byte stream into lines. It holds an incomplete last line
// until its newline arrives, and cuts lines longer than Max: the first Max
// bytes are kept and flagged, the rest up to the newline is skipped. A line
// is only emitted once its newline was seen, so the consumed offset always
// lies on a line boundary and a restart never resumes in the middle of a
// line.
type Splitter struct {
	// Max is the longest line kept whole, in bytes (without the newline).
	Max int

	buf      []byte // the current incomplete line (at most Max bytes)
	overflow int    // bytes of the current line beyond Max, skipped
	consumed int64  // bytes fed that ended complete lines
}

// Feed adds data and calls emit for every line it completes, in order.
func (s *Splitter) Feed(data []byte, emit func(Line)) {
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		chunk := data
		if i >= 0 {
			chunk = data[:i]
		}
		if room := s.Max - len(s.buf); room > 0 {
			take := min(room, len(chunk))
			s.buf = append(s.buf, chunk[:take]...)
			s.overflow += len(chunk) - take
		} else {
			s.overflow += len(chunk)
		}
		if i < 0 {
			return
		}
		s.consumed += int64(len(s.buf) + s.overflow + 1)
		s.emit(emit)
		data = data[i+1:]
	}
}

// Flush emits the held incomplete line, if any, as a line of its own (used
// when a file's writer left a last line without newline for long enough).
// The line's End counts only the bytes seen.
func (s *Splitter) Flush(emit func(Line)) {
	if len(s.buf) == 0 && s.overflow == 0 {
		return
	}
	s.consumed += int64(len(s.buf) + s.overflow)
	s.emit(emit)
}

func (s *Splitter) emit(emit func(Line)) {
	raw := s.buf
	length := len(s.buf) + s.overflow
	if s.overflow == 0 && len(raw) > 0 && raw[len(raw)-1] == '\r' {
		raw = raw[:len(raw)-1]
		length--
	}
	l := Line{Truncated: s.overflow > 0, Length: length, End: s.consumed}
	s.buf = s.buf[:0]
	s.overflow = 0
	if len(raw) == 0 && !l.Truncated {
		// Blank lines carry nothing to index.
		return
	}
	l.Raw = bytes.Clone(raw)
	emit(l)
}

// Pending is the number of bytes held for an incomplete line.
func (s *Splitter) Pending() int { return len(s.buf) + s.overflow }

// Consumed is the stream offset just after the last completed line.
func (s *Splitter) Consumed() int64 { return s.consumed }

// Reset starts over at offset (after a truncation or a seek).
func (s *Splitter) Reset(offset int64) {
	s.buf = s.buf[:0]
	s.overflow = 0
	s.consumed = offset
}
