package mpe

import (
	"strings"
	"time"
)

// The "cisco" header: what Cisco ASA, FTD and IOS devices send, a syslog
// header with their own habits, read so that host and process come out as
// they are meant:
//
//	Oct 10 2018 12:34:56 fw1 CiscoASA[999]: %ASA-6-302013: …   host fw1, program CiscoASA
//	<166>Jan 11 2023 13:34:06 fw1 : %ASA-6-302013: …           host fw1 (" : " after it)
//	Oct 10 2019 10:21:36 fw1: %ASA-…                            host fw1 (a host name and a colon)
//	Apr 29 2013 12:59:50: %ASA-…                                no host
//	Apr 15 2014 09:34:34 EDT: %ASA-…                            a zone abbreviation after the time
//
// A word with a colon that is not a valid host name is the program, as a
// syslog tag; everything else is read as by the syslog header.

// zoneAbbrevs are the zone abbreviations devices print after the time,
// with their offsets from UTC in hours.
var zoneAbbrevs = map[string]int{
	"UTC": 0, "GMT": 0, "Z": 0,
	"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
	"AKST": -9, "AKDT": -8, "HST": -10,
	"WET": 0, "WEST": 1, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3, "MSK": 3,
	"IST": 5, "SGT": 8, "HKT": 8, "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
}

func parseCisco(line string, loc *time.Location, ref time.Time, h *header) {
	i := 0
	if pri, n := parsePRI(line); n > 0 {
		h.pri, i = pri, n
	}
	ts, n := parseTimestamp(line[i:], loc, ref)
	if n == 0 {
		h.body = i
		return
	}
	h.ts = ts
	i += n
	i = zoneAfter(line, i, h) // "09:34:34 EDT:"
	if i < len(line) && line[i] == ':' {
		h.body = skipSpaces(line, i+1)
		return
	}
	i = skipSpaces(line, i)
	if strings.HasPrefix(line[i:], ": ") {
		h.body = skipSpaces(line, i+1)
		return
	}
	word := line[i:wordEnd(line, i)]
	rest := skipSpaces(line, i+len(word))
	switch {
	case strings.HasPrefix(line[rest:], ": "), strings.HasPrefix(line[rest:], ":%"):
		// "fw1 : %ASA…"
		h.hostname = word
		h.body = skipSpaces(line, rest+1)
		return
	case strings.HasSuffix(word, ":") && !strings.Contains(word, "["):
		name := word[:len(word)-1]
		if isHostname(name) {
			h.hostname = name
		} else {
			h.program = name
		}
		h.body = rest
		return
	case !strings.Contains(word, "["):
		h.hostname = word
		i = rest
	}
	h.body = i
	if prog, pid, n := parseTag(line[i:]); n > 0 {
		h.program, h.pid = prog, pid
		h.body = skipSpaces(line, i+n)
	}
}

// isHostname reports whether s could be a host name or an IP address.
func isHostname(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '.' || c == '-' || c == '_' || c == ':' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}
