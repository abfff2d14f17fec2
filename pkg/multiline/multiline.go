// Package multiline joins the lines of one log event written over several
// lines (stack traces, tracebacks, indented continuations) into one event,
// with the semantics of Filebeat's multiline setting: a pattern, negate and
// match decide whether a line continues the event before it or starts a
// new one. Ready-made modes cover Java stack traces, Python tracebacks and
// indentation.
//
// The Joiner also tells its caller where the last complete event ended
// (Boundary), so a file source commits its checkpoint only at event
// boundaries: a restart then reads a held, incomplete event again from its
// first line instead of emitting half of it.
package multiline

import (
	"bytes"
	"fmt"
	"regexp"
	"time"
)

// Modes are the ready-made settings besides "pattern".
const (
	ModePattern = "pattern"
	ModeJava    = "java"
	ModePython  = "python"
	ModeIndent  = "indent"
)

// Defaults and bounds.
const (
	DefaultMaxLines     = 500
	DefaultMaxBytes     = 1 << 20
	MaxMaxBytes         = 16 << 20
	DefaultFlushTimeout = 5 * time.Second
)

// Config is one `multiline {}` block.
type Config struct {
	// Mode is ModePattern (Pattern, Negate and Match apply), ModeJava,
	// ModePython or ModeIndent. "" means ModePattern.
	Mode    string
	Pattern string
	// Negate inverts the pattern: with Match "after", a pattern matching
	// an event's first line plus Negate joins every line that does not
	// match to the event before it.
	Negate bool
	// Match is "after" (a matching line continues the event before it) or
	// "before" (a matching line is continued by the line after it).
	Match string
	// MaxLines and MaxBytes cut an event: what comes beyond starts a new
	// event, and both parts are flagged truncated. Nothing is dropped.
	MaxLines int
	MaxBytes int
	// FlushTimeout is how long an incomplete event is held waiting for
	// more lines before it is emitted as it is.
	FlushTimeout time.Duration
}

// Validate checks c and fills in defaults.
func (c *Config) Validate() error {
	switch c.Mode {
	case "", ModePattern:
		c.Mode = ModePattern
		if c.Pattern == "" {
			return fmt.Errorf("multiline needs pattern (or mode = %q, %q or %q)", ModeJava, ModePython, ModeIndent)
		}
		if _, err := regexp.Compile(c.Pattern); err != nil {
			return fmt.Errorf("multiline pattern: %w", err)
		}
		switch c.Match {
		case "":
			c.Match = "after"
		case "after", "before":
		default:
			return fmt.Errorf(`multiline match must be "after" or "before", not %q`, c.Match)
		}
	case ModeJava, ModePython, ModeIndent:
		if c.Pattern != "" || c.Negate || c.Match != "" {
			return fmt.Errorf("multiline mode %q sets its own pattern: remove pattern, negate and match", c.Mode)
		}
	default:
		return fmt.Errorf("unknown multiline mode %q (supported: %s, %s, %s, %s)", c.Mode, ModePattern, ModeJava, ModePython, ModeIndent)
	}
	if c.MaxLines == 0 {
		c.MaxLines = DefaultMaxLines
	}
	if c.MaxLines < 1 {
		return fmt.Errorf("multiline max_lines must be at least 1")
	}
	if c.MaxBytes == 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	if c.MaxBytes < 1 || c.MaxBytes > MaxMaxBytes {
		return fmt.Errorf("multiline max_bytes must be between 1 and %d", MaxMaxBytes)
	}
	if c.FlushTimeout == 0 {
		c.FlushTimeout = DefaultFlushTimeout
	}
	if c.FlushTimeout < 0 {
		return fmt.Errorf("multiline flush_timeout must not be negative")
	}
	return nil
}

// Event is one joined event.
type Event struct {
	// Raw is the event's lines joined with "\n". The Joiner does not keep
	// it: the receiver owns it.
	Raw []byte
	// End is the stream offset just after the event's last line.
	End int64
	// Lines is how many lines the event holds.
	Lines int
	// Truncated is set when a line of the event was cut (Line.Truncated)
	// or the event itself was cut by MaxLines or MaxBytes (Cut).
	Truncated bool
	// Cut is set when MaxLines or MaxBytes ended the event, or when it
	// is the rest of an event so ended.
	Cut bool
	// Length is the event's full length: lines before their truncation
	// plus the newlines joining them.
	Length int
}

// action is what a line does to the event being held.
type action int

const (
	startNew   action = iota // ends the held event; the line starts the next
	appendLine               // continues the held event
	appendEnd                // continues the held event and ends it
)

// classifier decides, line by line, what a line does. It may keep state
// (Python tracebacks).
type classifier interface {
	classify(line []byte) action
	reset()
}

// Joiner joins lines into events. It is not safe for concurrent use.
type Joiner struct {
	cfg   Config
	class classifier
	now   func() time.Time

	lines     [][]byte // the held event's lines
	bytes     int      // the held event's joined size so far
	length    int
	truncated bool
	cut       bool // the held event is the rest of a cut event
	start     int64
	end       int64 // offset after the last line fed
	last      time.Time
}

// New makes a Joiner for cfg (validated by New). now is the clock for
// Due; time.Now when nil.
func New(cfg Config, now func() time.Time) (*Joiner, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if now == nil {
		now = time.Now
	}
	j := &Joiner{cfg: cfg, now: now}
	switch cfg.Mode {
	case ModeJava:
		j.class = javaClass{}
	case ModePython:
		j.class = &pythonClass{}
	case ModeIndent:
		j.class = indentClass{}
	default:
		j.class = &patternClass{re: regexp.MustCompile(cfg.Pattern), negate: cfg.Negate, before: cfg.Match == "before"}
	}
	return j, nil
}

// Config is the joiner's configuration with defaults filled in.
func (j *Joiner) Config() Config { return j.cfg }

// Feed adds one line (without its terminator) that ends at stream offset
// end, and calls emit for every event it completes. raw must stay
// unchanged until the event holding it is emitted; truncated marks a line
// the source already cut.
func (j *Joiner) Feed(raw []byte, end int64, truncated bool, length int, emit func(Event)) {
	act := j.class.classify(raw)
	if act == startNew && len(j.lines) > 0 {
		j.emit(emit)
	}
	if len(j.lines) > 0 && (len(j.lines) >= j.cfg.MaxLines || j.bytes+1+len(raw) > j.cfg.MaxBytes) {
		// The event is full: emit what it holds, flagged, and go on
		// with the rest as an event of its own.
		j.truncated, j.cut = true, true
		j.emit(emit)
		j.truncated, j.cut = true, true
	}
	if len(j.lines) == 0 {
		j.start = j.end
		j.bytes, j.length = len(raw), length
	} else {
		j.bytes += 1 + len(raw)
		j.length += 1 + length
	}
	j.lines = append(j.lines, raw)
	j.truncated = j.truncated || truncated
	j.end = end
	j.last = j.now()
	if act == appendEnd {
		j.emit(emit)
	}
}

// Flush emits the held event, if any, as it is (the flush timeout
// passed, or the stream ended).
func (j *Joiner) Flush(emit func(Event)) {
	if len(j.lines) > 0 {
		j.emit(emit)
	}
}

// Due reports whether an event is held and no line came for FlushTimeout.
func (j *Joiner) Due() bool {
	return len(j.lines) > 0 && j.now().Sub(j.last) >= j.cfg.FlushTimeout
}

// DueAt is when the held event is due to be flushed (ok false: none is
// held), for a caller that waits on a deadline rather than polls Due.
func (j *Joiner) DueAt() (at time.Time, ok bool) {
	if len(j.lines) == 0 {
		return time.Time{}, false
	}
	return j.last.Add(j.cfg.FlushTimeout), true
}

// Pending reports whether an incomplete event is held.
func (j *Joiner) Pending() bool { return len(j.lines) > 0 }

// Boundary is the stream offset where the held event starts, or, when
// none is held, just after the last line fed: the offset a checkpoint may
// hold without splitting an event.
func (j *Joiner) Boundary() int64 {
	if len(j.lines) > 0 {
		return j.start
	}
	return j.end
}

// Reset drops the held event and starts over at offset (a seek, a
// truncation, a failed commit that rewinds).
func (j *Joiner) Reset(offset int64) {
	clear(j.lines)
	j.lines = j.lines[:0]
	j.bytes, j.length, j.truncated, j.cut = 0, 0, false, false
	j.start, j.end = offset, offset
	j.class.reset()
}

func (j *Joiner) emit(emit func(Event)) {
	ev := Event{End: j.end, Lines: len(j.lines), Truncated: j.truncated, Cut: j.cut, Length: j.length}
	if len(j.lines) == 1 {
		ev.Raw = j.lines[0]
	} else {
		ev.Raw = bytes.Join(j.lines, []byte{'\n'})
	}
	clear(j.lines)
	j.lines = j.lines[:0]
	j.bytes, j.length, j.truncated, j.cut = 0, 0, false, false
	j.start = j.end
	emit(ev)
}

// patternClass is Filebeat's pattern + negate + match.
type patternClass struct {
	re     *regexp.Regexp
	negate bool
	before bool
}

func (p *patternClass) classify(line []byte) action {
	m := p.re.Match(line) != p.negate
	switch {
	case p.before && m:
		// A matching line is continued by the next one.
		return appendLine
	case p.before:
		// The first line not matching ends the event it is part of.
		return appendEnd
	case m:
		return appendLine
	default:
		return startNew
	}
}

func (p *patternClass) reset() {}

// indentClass continues an event with every line starting with a space or
// a tab.
type indentClass struct{}

func (indentClass) classify(line []byte) action {
	if indented(line) {
		return appendLine
	}
	return startNew
}

func (indentClass) reset() {}

func indented(line []byte) bool {
	return len(line) > 0 && (line[0] == ' ' || line[0] == '\t')
}

// javaClass continues an event with the lines of a Java stack trace: frames
// ("\tat ", "    at "), "... N more", "Caused by:", "Suppressed:", and the
// exception line itself ("java.lang.IllegalStateException: msg") that
// follows the logged message.
type javaClass struct{}

func (javaClass) classify(line []byte) action {
	if javaContinues(line) {
		return appendLine
	}
	return startNew
}

func (javaClass) reset() {}

func javaContinues(line []byte) bool {
	if indented(line) {
		t := bytes.TrimLeft(line, " \t")
		return bytes.HasPrefix(t, []byte("at ")) || bytes.HasPrefix(t, []byte("...")) ||
			bytes.HasPrefix(t, []byte("Caused by:")) || bytes.HasPrefix(t, []byte("Suppressed:")) ||
			bytes.HasPrefix(t, []byte("|"))
	}
	if bytes.HasPrefix(line, []byte("Caused by:")) {
		return true
	}
	return exceptionLine(line)
}

// exceptionLine reports whether line starts with a qualified class name
// ending in Exception, Error or Throwable, followed by ":" or the end of
// the line: "java.lang.NullPointerException", "com.x.BadThing Error: y" is
// not (a space before the colon).
func exceptionLine(line []byte) bool {
	name := line
	if i := bytes.IndexByte(line, ':'); i >= 0 {
		name = line[:i]
	}
	if len(name) == 0 || bytes.IndexByte(name, '.') < 0 {
		return false
	}
	for _, c := range name {
		if !(c == '.' || c == '$' || c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return bytes.HasSuffix(name, []byte("Exception")) || bytes.HasSuffix(name, []byte("Error")) || bytes.HasSuffix(name, []byte("Throwable"))
}

// pythonClass follows a traceback: "Traceback (most recent call last):"
// continues the event before it (the message logging.exception wrote),
// indented lines continue, the chaining sentences continue, and the first
// line without indentation inside a traceback ("ValueError: x") continues
// the event and ends the traceback. The event is complete only when the
// next line starts another: a chained exception may follow.
type pythonClass struct {
	inTraceback bool
}

var (
	pyTraceback = []byte("Traceback (most recent call last):")
	pyChained   = [][]byte{
		[]byte("During handling of the above exception, another exception occurred:"),
		[]byte("The above exception was the direct cause of the following exception:"),
	}
)

func (p *pythonClass) classify(line []byte) action {
	switch {
	case bytes.HasPrefix(line, pyTraceback):
		p.inTraceback = true
		return appendLine
	case indented(line):
		return appendLine
	}
	for _, c := range pyChained {
		if bytes.HasPrefix(line, c) {
			return appendLine
		}
	}
	if !p.inTraceback {
		return startNew
	}
	p.inTraceback = false
	return appendLine
}

func (p *pythonClass) reset() { p.inTraceback = false }
