// Package hclconf holds the pieces every Sluice HCL file shares: parsing
// with diagnostics that name file:line:col, typed settings (ints, sizes,
// durations with bounds, enums, log_level and the log block, insecure
// against tls) whose positions come from the block's body, and SLUICE_*
// environment overrides applied before the checks (see Settings).
package hclconf

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Error is a configuration problem at a position in a file.
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *Error) Error() string {
	if e.File == "" {
		return e.Msg
	}
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// Errors is a list of configuration problems, printed one per line.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// ErrorOrNil returns es as an error, or nil when it is empty.
func (es Errors) ErrorOrNil() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

// Errorf makes an Error at rng.
func Errorf(rng hcl.Range, format string, args ...any) *Error {
	return &Error{File: rng.Filename, Line: rng.Start.Line, Col: rng.Start.Column, Msg: fmt.Sprintf(format, args...)}
}

// FromDiagnostics converts HCL diagnostics into Errors (errors only;
// warnings are dropped).
func FromDiagnostics(diags hcl.Diagnostics) Errors {
	var out Errors
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		e := &Error{Msg: msg}
		if d.Subject != nil {
			e.File, e.Line, e.Col = d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column
		}
		out = append(out, e)
	}
	return out
}

// ParseFile reads and parses one HCL file.
func ParseFile(path string) (*hcl.File, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return ParseBytes(src, path)
}

// ParseBytes parses HCL source; filename is used in error positions.
func ParseBytes(src []byte, filename string) (*hcl.File, error) {
	f, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, FromDiagnostics(diags)
	}
	return f, nil
}

// Duration parses a duration attribute value such as "30s", "5m" or
// "30d" (see ParseDuration). rng is the attribute's range, used in the
// error.
func Duration(s string, name string, rng hcl.Range) (time.Duration, *Error) {
	d, err := ParseDuration(s)
	if err != nil {
		return 0, Errorf(rng, "%s: %q is not a duration (use a number and a unit such as \"30s\", \"5m\", \"1h\", \"30d\")", name, s)
	}
	return d, nil
}

// ParseDuration is time.ParseDuration with days: retention is said in
// days ("30d", "365d", "1d12h"), and a day is 24h here (UTC days, no
// daylight saving).
func ParseDuration(s string) (time.Duration, error) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i == len(s) || s[i] != 'd' {
		return time.ParseDuration(s)
	}
	days, err := strconv.ParseInt(s[:i], 10, 64)
	if err != nil || days > int64(math.MaxInt64/(24*time.Hour)) {
		return 0, fmt.Errorf("duration %q: too many days", s)
	}
	d := time.Duration(days) * 24 * time.Hour
	if rest := s[i+1:]; rest != "" {
		r, err := time.ParseDuration(rest)
		if err != nil || r < 0 || d > math.MaxInt64-r {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
		d += r
	}
	return d, nil
}

// EnvString returns the value of the environment variable name, if set and
// not empty.
func EnvString(name string) (string, bool) {
	v, ok := os.LookupEnv(name)
	if !ok || v == "" {
		return "", false
	}
	return v, true
}

// Size parses a byte size such as "512MiB", "1GB", "64k" or "1048576".
// Units are powers of 1024 whether or not an "i" is written.
func Size(s string, name string, rng hcl.Range) (int64, *Error) {
	v, err := ParseSize(s)
	if err != nil {
		return 0, Errorf(rng, "%s: %q is not a size (use a number and a unit such as \"512MiB\" or \"2GiB\")", name, s)
	}
	return v, nil
}

// ParseSize parses a byte size such as "512MiB", "1GB", "64k" or "1048576".
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(strings.ToUpper(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "B"), "I")
	mult := int64(1)
	if n := len(t); n > 0 {
		switch t[n-1] {
		case 'K':
			mult, t = 1<<10, t[:n-1]
		case 'M':
			mult, t = 1<<20, t[:n-1]
		case 'G':
			mult, t = 1<<30, t[:n-1]
		case 'T':
			mult, t = 1<<40, t[:n-1]
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	if err != nil || v < 0 || v*float64(mult) > 1<<62 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return int64(v * float64(mult)), nil
}
