package journald

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Entry is one journal entry as the source uses it: the fields it maps,
// the others skipped.
type Entry struct {
	// Cursor is __CURSOR, the entry's position in the journal.
	Cursor string
	// Realtime is __REALTIME_TIMESTAMP, microseconds since the epoch
	// (0 when absent).
	Realtime int64
	// Message is MESSAGE, cut to the decoder's limit; MessageLen is its
	// full length.
	Message    []byte
	MessageLen int
	HasMessage bool

	Hostname   string // _HOSTNAME
	Identifier string // SYSLOG_IDENTIFIER
	Comm       string // _COMM
	PID        string // _PID
	Priority   string // PRIORITY
	Unit       string // _SYSTEMD_UNIT
	UserUnit   string // _SYSTEMD_USER_UNIT
}

// maxName bounds a field name: journald allows 64 bytes.
const maxName = 64

// maxValue bounds the other fields kept (host and unit names, pids): a
// longer value is cut. MESSAGE has its own limit.
const maxValue = 4 << 10

// ErrFormat is wrapped by Decoder errors for input that is not the
// journal export format.
var ErrFormat = errors.New("not the journal export format")

// Decoder reads the journal export format (journalctl --output=export;
// systemd.io/JOURNAL_EXPORT_FORMATS): entries separated by an empty line,
// each field either "NAME=value\n" or, for values holding newlines or
// binary data, "NAME\n", a little-endian uint64 size, the value, "\n".
type Decoder struct {
	r *bufio.Reader
	// maxMessage is how much of MESSAGE is kept.
	maxMessage int
	scratch    []byte
}

// NewDecoder reads entries from r, keeping at most maxMessage bytes of
// each MESSAGE.
func NewDecoder(r io.Reader, maxMessage int) *Decoder {
	if maxMessage <= 0 {
		maxMessage = 64 << 10
	}
	return &Decoder{r: bufio.NewReaderSize(r, 64<<10), maxMessage: maxMessage}
}

// Next reads the next entry into e (reusing its Message). It returns
// io.EOF at the end of input between entries, io.ErrUnexpectedEOF inside
// one, and an error wrapping ErrFormat for malformed input.
func (d *Decoder) Next(e *Entry) error {
	msg := e.Message[:0]
	*e = Entry{Message: msg}
	fields := 0
	for {
		line, full, err := d.readLine(maxName + 1 + d.maxMessage)
		if err != nil {
			if err == io.EOF && fields == 0 && full == 0 {
				return io.EOF
			}
			if err == io.EOF {
				return io.ErrUnexpectedEOF
			}
			return err
		}
		if full == 0 {
			if fields == 0 {
				continue // stray blank line between entries
			}
			return nil
		}
		fields++
		eq := indexByte(line, '=')
		if eq < 0 {
			// A binary field: its name alone on the line.
			if full != len(line) || !validName(line) {
				return fmt.Errorf("%w: bad field name %q", ErrFormat, cut(line, maxName))
			}
			if err := d.binary(e, string(line)); err != nil {
				return err
			}
			continue
		}
		name := line[:eq]
		if !validName(name) {
			return fmt.Errorf("%w: bad field name %q", ErrFormat, cut(name, maxName))
		}
		set(e, string(name), line[eq+1:], full-eq-1, d.maxMessage)
	}
}

// binary reads the size, value and newline of a binary field.
func (d *Decoder) binary(e *Entry, name string) error {
	var sz [8]byte
	if _, err := io.ReadFull(d.r, sz[:]); err != nil {
		return unexpected(err)
	}
	n := binary.LittleEndian.Uint64(sz[:])
	limit := uint64(maxValue)
	if name == "MESSAGE" {
		limit = uint64(d.maxMessage)
	}
	keep := min(n, limit)
	if cap(d.scratch) < int(keep) {
		d.scratch = make([]byte, keep)
	}
	val := d.scratch[:keep]
	if _, err := io.ReadFull(d.r, val); err != nil {
		return unexpected(err)
	}
	if rest := n - keep; rest > 0 {
		if rest > 1<<62 {
			return fmt.Errorf("%w: field %s claims %d bytes", ErrFormat, name, n)
		}
		if _, err := io.CopyN(io.Discard, d.r, int64(rest)); err != nil {
			return unexpected(err)
		}
	}
	b, err := d.r.ReadByte()
	if err != nil {
		return unexpected(err)
	}
	if b != '\n' {
		return fmt.Errorf("%w: binary field %s not followed by a newline", ErrFormat, name)
	}
	full := int(min(n, 1<<31-1))
	set(e, name, val, full, d.maxMessage)
	return nil
}

// readLine returns the next line without its newline, cut to limit
// bytes, and its full length. The returned slice is valid until the next
// read.
func (d *Decoder) readLine(limit int) ([]byte, int, error) {
	line, err := d.r.ReadSlice('\n')
	if err == nil {
		line = line[:len(line)-1]
		return line, len(line), nil
	}
	if err != bufio.ErrBufferFull {
		if err == io.EOF && len(line) > 0 {
			return nil, len(line), io.ErrUnexpectedEOF
		}
		return nil, len(line), err
	}
	// Longer than the buffer: keep up to limit, count the rest.
	buf := append(d.scratch[:0], line...)
	full := len(line)
	for {
		line, err = d.r.ReadSlice('\n')
		n := len(line)
		if err == nil {
			n--
		}
		if room := limit - len(buf); room > 0 {
			buf = append(buf, line[:min(n, room)]...)
		}
		full += n
		if err == nil {
			d.scratch = buf
			return buf[:min(len(buf), limit)], full, nil
		}
		if err != bufio.ErrBufferFull {
			d.scratch = buf
			return nil, full, unexpected(err)
		}
	}
}

// set stores the value of a field the source maps. value may be cut;
// full is its length before.
func set(e *Entry, name string, value []byte, full, maxMessage int) {
	str := func() string { return string(cut(value, maxValue)) }
	switch name {
	case "__CURSOR":
		e.Cursor = str()
	case "__REALTIME_TIMESTAMP":
		if n, err := strconv.ParseInt(string(cut(value, 20)), 10, 64); err == nil {
			e.Realtime = n
		}
	case "MESSAGE":
		e.Message = append(e.Message[:0], cut(value, maxMessage)...)
		e.MessageLen = full
		e.HasMessage = true
	case "_HOSTNAME":
		e.Hostname = str()
	case "SYSLOG_IDENTIFIER":
		e.Identifier = str()
	case "_COMM":
		e.Comm = str()
	case "_PID":
		e.PID = str()
	case "PRIORITY":
		e.Priority = str()
	case "_SYSTEMD_UNIT":
		e.Unit = str()
	case "_SYSTEMD_USER_UNIT":
		e.UserUnit = str()
	}
}

// validName reports a journal field name: upper-case letters, digits and
// underscores, not starting with a digit (the export format's own
// fields start with "__").
func validName(b []byte) bool {
	if len(b) == 0 || len(b) > maxName || (b[0] >= '0' && b[0] <= '9') {
		return false
	}
	for _, c := range b {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

func cut(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
