package mpe

import "time"

// Time tags are parsed on most lines (every header_format of the Loghub
// types has one), and time.ParseInLocation, which interprets its layout
// anew on every call, costs more than the rest of such a header. Most
// layouts are fixed-width numbers between separators ("2006-01-02
// 15:04:05,000", "060102 150405"); such a layout is compiled once into a
// numericLayout that reads a value in one pass. It only answers for values
// it reads exactly as time.ParseInLocation would: digits where the layout
// has numbers, the layout's separators elsewhere, every field in range.
// For anything else (another length, a sign, a month 13, February 30) it
// declines, and time.ParseInLocation decides, errors included.
// TestNumericLayoutAgrees checks the two against each other.

// numericLayout is a compiled fixed-width numeric layout.
type numericLayout struct {
	elems []layoutElem
	width int // the length of every value it reads
}

type layoutElem struct {
	kind layoutKind
	sep  byte // the literal byte, or a fraction's separator
	n    int  // layoutFrac: its digits
}

type layoutKind uint8

const (
	layoutLiteral layoutKind = iota
	layoutYear               // 2006
	layoutYear2              // 06: 69–99 are 1969–1999, 00–68 2000–2068
	layoutMonth              // 01
	layoutDay                // 02
	layoutHour               // 15
	layoutMinute             // 04
	layoutSecond             // 05
	layoutFrac               // ,000 or .000; a value may have either separator
)

// twoDigitElems are the two-digit elements, by their text in a layout.
var twoDigitElems = map[string]layoutKind{
	"01": layoutMonth, "02": layoutDay, "15": layoutHour, "04": layoutMinute, "05": layoutSecond, "06": layoutYear2,
}

// compileNumericLayout returns the numericLayout of layout, or nil when
// layout is not only fixed-width numbers and separators.
func compileNumericLayout(layout string) *numericLayout {
	l := &numericLayout{}
	seen := map[layoutKind]bool{}
	for i := 0; i < len(layout); {
		e, w := layoutElem{}, 2
		c := layout[i]
		switch {
		case len(layout)-i >= 4 && layout[i:i+4] == "2006":
			e.kind, w = layoutYear, 4
		case c == '.' || c == ',':
			j := i + 1
			for j < len(layout) && layout[j] == '0' {
				j++
			}
			switch {
			case j == i+1 || j < len(layout) && isDigit(layout[j]):
				// A separator (".04" is one, then minutes).
				e.kind, e.sep, w = layoutLiteral, c, 1
			case j-i-1 > 9:
				return nil // time cuts the digits short
			default:
				e.kind, e.sep, e.n, w = layoutFrac, c, j-i-1, j-i
			}
		case c == ' ' || c == '-' || c == '/' || c == ':' || c == 'T':
			e.kind, e.sep, w = layoutLiteral, c, 1
		default:
			k, ok := twoDigitElems[layout[i:min(i+2, len(layout))]]
			if !ok {
				return nil // a name, a zone, an unpadded number, …
			}
			e.kind = k
		}
		if e.kind != layoutLiteral {
			if seen[e.kind] {
				return nil
			}
			seen[e.kind] = true
		} else if (e.sep == '.' || e.sep == ',') && len(l.elems) > 0 && l.elems[len(l.elems)-1].kind == layoutSecond {
			// After the seconds, time reads ".123" as a fraction even
			// where the layout has a separator.
			return nil
		}
		l.elems = append(l.elems, e)
		l.width += w
		i += w
	}
	if seen[layoutYear] && seen[layoutYear2] || !l.formatsAs(layout) {
		return nil
	}
	return l
}

// formatsAs checks that time reads layout as l does, by formatting probe
// times both ways: a layout element time took otherwise (a zone, a
// 12-hour clock, …) renders them differently.
func (l *numericLayout) formatsAs(layout string) bool {
	for _, probe := range []time.Time{
		time.Date(2017, 11, 23, 19, 48, 37, 123456789, time.UTC),
		time.Date(2003, 2, 4, 5, 6, 7, 987654321, time.UTC),
	} {
		if probe.Format(layout) != l.format(probe) {
			return false
		}
	}
	return true
}

// format renders t in the layout.
func (l *numericLayout) format(t time.Time) string {
	var b []byte
	two := func(n int) { b = append(b, byte('0'+n/10%10), byte('0'+n%10)) }
	for _, e := range l.elems {
		switch e.kind {
		case layoutLiteral:
			b = append(b, e.sep)
		case layoutYear:
			two(t.Year() / 100)
			two(t.Year())
		case layoutYear2:
			two(t.Year())
		case layoutMonth:
			two(int(t.Month()))
		case layoutDay:
			two(t.Day())
		case layoutHour:
			two(t.Hour())
		case layoutMinute:
			two(t.Minute())
		case layoutSecond:
			two(t.Second())
		case layoutFrac:
			b = append(b, e.sep)
			ns, d := t.Nanosecond(), 100000000
			for range e.n {
				b = append(b, byte('0'+ns/d%10))
				d /= 10
			}
		}
	}
	return string(b)
}

// parse reads v in loc. ok is false when v is not a value l answers for:
// time.ParseInLocation must decide.
func (l *numericLayout) parse(v string, loc *time.Location) (t time.Time, ok bool) {
	if len(v) != l.width {
		return time.Time{}, false
	}
	year, month, day, hour, minute, sec, nsec := 0, 1, 1, 0, 0, 0, 0
	i := 0
	for _, e := range l.elems {
		switch e.kind {
		case layoutLiteral:
			if v[i] != e.sep {
				return time.Time{}, false
			}
			i++
			continue
		case layoutFrac:
			if v[i] != '.' && v[i] != ',' {
				return time.Time{}, false
			}
			n, ok := digitsAt(v, i+1, e.n)
			if !ok {
				return time.Time{}, false
			}
			for range 9 - e.n {
				n *= 10
			}
			nsec = n
			i += 1 + e.n
			continue
		case layoutYear:
			n, ok := digitsAt(v, i, 4)
			if !ok {
				return time.Time{}, false
			}
			year = n
			i += 4
			continue
		}
		n, ok := digitsAt(v, i, 2)
		if !ok {
			return time.Time{}, false
		}
		i += 2
		switch e.kind {
		case layoutYear2:
			year = 2000 + n
			if n >= 69 {
				year = 1900 + n
			}
		case layoutMonth:
			month = n
		case layoutDay:
			day = n
		case layoutHour:
			hour = n
		case layoutMinute:
			minute = n
		case layoutSecond:
			sec = n
		}
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, loc), true
}

// digitsAt reads the n decimal digits of v at i.
func digitsAt(v string, i, n int) (int, bool) {
	x := 0
	for _, c := range []byte(v[i : i+n]) {
		if !isDigit(c) {
			return 0, false
		}
		x = x*10 + int(c-'0')
	}
	return x, true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// daysIn is the number of days of month in year, as time counts them
// (year 0, the year of a layout without one, is a leap year).
func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
