package hclconf

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/sluicehq/sluice/pkg/logging"
)

// Settings reads the settings of one decoded block. It knows where each
// setting was written, from the block's body (kept by decoding with a
// `hcl:",body"` field) or from the SLUICE_* variable that overrode it, so
// that the decoded struct needs no range field per attribute; and it
// collects the problems found, each at its setting's position.
type Settings struct {
	body hcl.Body
	def  hcl.Range
	// env maps an attribute to the environment variable that set it.
	env  map[string]string
	errs Errors
}

// NewSettings reads a block whose body is body and whose header is at
// def (the block's `hcl:",def_range"`).
func NewSettings(body hcl.Body, def hcl.Range) *Settings {
	return &Settings{body: body, def: def, env: map[string]string{}}
}

// AttrRange returns the range of the attribute name in body, or the zero
// range when body does not set it (or is nil).
func AttrRange(body hcl.Body, name string) hcl.Range {
	switch b := body.(type) {
	case nil:
		return hcl.Range{}
	case *hclsyntax.Body:
		// Looked up directly: PartialContent would copy the body.
		if b == nil {
			return hcl.Range{}
		}
		if a, ok := b.Attributes[name]; ok {
			return a.SrcRange
		}
		return hcl.Range{}
	}
	content, _, _ := body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: name}}})
	if a, ok := content.Attributes[name]; ok {
		return a.Range
	}
	return hcl.Range{}
}

// Def is the position of the block's header.
func (s *Settings) Def() hcl.Range { return s.def }

// At is where the setting name was written: the environment variable that
// overrode it (an error there prints as "SLUICE_X: ..."), its attribute in
// the file, or the zero range (no position) when it is not set.
func (s *Settings) At(name string) hcl.Range {
	if v, ok := s.env[name]; ok {
		return hcl.Range{Filename: v}
	}
	return AttrRange(s.body, name)
}

// Written reports whether the setting name is set, in the file or by an
// environment variable.
func (s *Settings) Written(name string) bool {
	if _, ok := s.env[name]; ok {
		return true
	}
	return AttrRange(s.body, name).Filename != ""
}

// EnvVar is the environment variable that overrode the setting name, or
// "" when none did.
func (s *Settings) EnvVar(name string) string { return s.env[name] }

// Errorf records a problem at the setting name's position.
func (s *Settings) Errorf(name, format string, args ...any) {
	s.errs = append(s.errs, Errorf(s.At(name), format, args...))
}

// Add records problems found by other means.
func (s *Settings) Add(errs ...*Error) { s.errs = append(s.errs, errs...) }

// Errors are the problems recorded so far.
func (s *Settings) Errors() Errors { return s.errs }

// EnvString overrides the string setting name with the environment
// variable, when it is set and not empty.
func (s *Settings) EnvString(variable, name string, dst *string) {
	if v, ok := EnvString(variable); ok {
		*dst, s.env[name] = v, variable
	}
}

// EnvList overrides the list setting name with the environment variable's
// comma-separated values.
func (s *Settings) EnvList(variable, name string, dst *[]string) {
	if v, ok := EnvString(variable); ok {
		*dst, s.env[name] = strings.Split(v, ","), variable
	}
}

// EnvInt overrides the integer setting name with the environment
// variable. A value that is not an integer is recorded as a problem.
func (s *Settings) EnvInt(variable, name string, dst **int) {
	v, ok := EnvString(variable)
	if !ok {
		return
	}
	s.env[name] = variable
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		s.Errorf(name, "%s: %q is not an integer", name, v)
		return
	}
	*dst = &n
}

// Number is what Bounds can limit: ints, byte sizes and durations.
type Number interface{ ~int | ~int64 }

// Bounds are the values a numeric setting accepts. The zero Bounds
// accept anything.
type Bounds[T Number] struct {
	min, max        T
	hasMin, hasMax  bool
	positive        bool
	zero, unit, why string
}

// Between accepts min to max, both included.
func Between[T Number](lo, hi T) Bounds[T] {
	return Bounds[T]{min: lo, max: hi, hasMin: true, hasMax: true}
}

// AtLeast accepts lo and more.
func AtLeast[T Number](lo T) Bounds[T] { return Bounds[T]{min: lo, hasMin: true} }

// AtMost accepts up to hi.
func AtMost[T Number](hi T) Bounds[T] { return Bounds[T]{max: hi, hasMax: true} }

// Positive accepts values above 0; with AtMost, use AtMost(hi).AndPositive().
func Positive[T Number]() Bounds[T] { return Bounds[T]{positive: true} }

// AndPositive also refuses 0 and less.
func (b Bounds[T]) AndPositive() Bounds[T] {
	b.positive = true
	return b
}

// OrZero accepts 0 as well, which means what meaning says ("disabled",
// "no limit").
func (b Bounds[T]) OrZero(meaning string) Bounds[T] {
	b.zero = meaning
	return b
}

// In names the unit of a plain number ("minutes") in messages.
func (b Bounds[T]) In(unit string) Bounds[T] {
	b.unit = unit
	return b
}

// Because explains, in the message, why values above the maximum are
// refused.
func (b Bounds[T]) Because(why string) Bounds[T] {
	b.why = why
	return b
}

func (b Bounds[T]) accepts(v T) bool {
	if b.zero != "" && v == 0 {
		return true
	}
	return (!b.hasMin || v >= b.min) && (!b.hasMax || v <= b.max) && (!b.positive || v > 0)
}

// problem is the message for v (written as shown) outside b, with
// bounds formatted by text.
func (b Bounds[T]) problem(name string, v T, shown string, text func(T) string) string {
	var want string
	switch {
	case b.hasMin && b.hasMax:
		want = "between " + text(b.min) + " and " + text(b.max)
	case b.hasMin:
		want = "at least " + text(b.min)
	case b.hasMax && b.positive:
		want = "positive and at most " + text(b.max)
	case b.hasMax:
		want = "at most " + text(b.max)
	default:
		want = "positive"
	}
	if b.unit != "" {
		want += " " + b.unit
	}
	if b.zero != "" {
		want = "0 (" + b.zero + ") or " + want
	}
	msg := fmt.Sprintf("%s must be %s, not %s", name, want, shown)
	if b.why != "" && b.hasMax && v > b.max {
		msg += ": " + b.why
	}
	return msg
}

// Int checks the optional integer setting name (nil: not set, dst keeps
// its default) against b and stores it in dst.
func (s *Settings) Int(name string, val *int, dst *int, b Bounds[int]) {
	if val == nil {
		return
	}
	if !b.accepts(*val) {
		s.Errorf(name, "%s", b.problem(name, *val, strconv.Itoa(*val), strconv.Itoa))
		return
	}
	*dst = *val
}

// Duration parses the duration setting name ("" : not set, dst keeps its
// default), checks it against b and stores it in dst.
func (s *Settings) Duration(name, val string, dst *time.Duration, b Bounds[time.Duration]) {
	if val == "" {
		return
	}
	v, e := Duration(val, name, s.At(name))
	if e != nil {
		s.Add(e)
		return
	}
	if !b.accepts(v) {
		s.Errorf(name, "%s", b.problem(name, v, val, DurationText))
		return
	}
	*dst = v
}

// Size parses the byte-size setting name ("": not set, dst keeps its
// default), checks it against b and stores it in dst.
func (s *Settings) Size(name, val string, dst *int64, b Bounds[int64]) {
	if val == "" {
		return
	}
	v, e := Size(val, name, s.At(name))
	if e != nil {
		s.Add(e)
		return
	}
	if !b.accepts(v) {
		s.Errorf(name, "%s", b.problem(name, v, val, SizeText))
		return
	}
	*dst = v
}

// IntSize is Size for a setting held in an int.
func (s *Settings) IntSize(name, val string, dst *int, b Bounds[int64]) {
	v := int64(*dst)
	s.Size(name, val, &v, b)
	*dst = int(v)
}

// Enum checks that the setting name is one of choices ("": not set, dst
// keeps its default) and stores it in dst.
func (s *Settings) Enum(name, val string, dst *string, choices ...string) {
	if val == "" {
		return
	}
	for _, c := range choices {
		if val == c {
			*dst = val
			return
		}
	}
	s.Errorf(name, "%s must be %s, not %q", name, choiceText(choices), val)
}

// choiceText lists choices as a message does: "a" or "b"; one of "a",
// "b" or "c".
func choiceText(choices []string) string {
	q := make([]string, len(choices))
	for i, c := range choices {
		q[i] = strconv.Quote(c)
	}
	if len(q) == 1 {
		return q[0]
	}
	text := strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
	if len(q) > 2 {
		text = "one of " + text
	}
	return text
}

// LogLevel checks log_level, the daemons' go-hclog level, and stores it
// in dst.
func (s *Settings) LogLevel(val string, dst *string) {
	s.Enum("log_level", val, dst, logging.Levels...)
}

// Transport checks the insecure setting against the tls block: the two
// contradict each other, and with neither only addresses on this machine
// are allowed. addrs are the addresses of the setting attr (listen,
// mediators); the first one on the network is refused with refuse's text.
func (s *Settings) Transport(insecure, tls bool, attr string, addrs []string, refuse func(addr string) string) {
	switch {
	case insecure && tls:
		s.Errorf("insecure", "insecure = true and a tls block contradict each other: remove one")
	case insecure || tls:
	default:
		for _, a := range addrs {
			if !AddrIsLoopback(a) {
				s.Errorf(attr, "%s", refuse(a))
				return
			}
		}
	}
}

// SizeText writes a byte size as the configurations do: 64KiB, 16MiB,
// 1000B.
func SizeText(v int64) string {
	for _, u := range []struct {
		unit  string
		shift uint
	}{{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}} {
		if v >= 1<<u.shift && v%(1<<u.shift) == 0 {
			return fmt.Sprintf("%d%s", v>>u.shift, u.unit)
		}
	}
	return fmt.Sprintf("%dB", v)
}

// DurationText writes a duration as the configurations do: 1h, 168h,
// 10m, 1m30s (time.Duration.String without its trailing zero units).
func DurationText(d time.Duration) string {
	day := 24 * time.Hour
	if d >= day && d%day == 0 {
		return strconv.FormatInt(int64(d/day), 10) + "d"
	}
	t := d.String()
	if strings.HasSuffix(t, "m0s") {
		t = strings.TrimSuffix(t, "0s")
	}
	if strings.HasSuffix(t, "h0m") {
		t = strings.TrimSuffix(t, "0m")
	}
	return t
}
