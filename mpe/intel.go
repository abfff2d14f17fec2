package mpe

import (
	"bufio"
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/sluicehq/sluice/pkg/event"
	"github.com/sluicehq/sluice/pkg/hclconf"
)

// Intel lists (ReflexSOAR's threat lists): files of indicators, one per
// line, and the event fields to look them up in. An event whose field
// holds a listed value is tagged: the list's name is added to
// sluice.intel, and the first hit fills ECS threat.indicator.* and
// threat.feed.name. Sub-rule and event-rule conditions can test
// `"tor-exits" in event.intel`, and hits raise the priority.

// Fields intel hits set.
const (
	FieldIntel            = "sluice.intel"
	fieldIndicatorType    = "threat.indicator.type"
	fieldIndicatorValue   = "threat.indicator.name"
	fieldIndicatorField   = "threat.indicator.matched.field"
	fieldIndicatorFeed    = "threat.feed.name"
	fieldIndicatorMatched = "threat.indicator.matched.atomic"
)

// intelKind is what a list holds and how values are compared.
type intelKind uint8

const (
	intelIP     intelKind = iota // addresses and CIDR blocks
	intelDomain                  // a domain and all below it, case-insensitive
	intelHash                    // hex digests, case-insensitive
	intelString                  // exact values (user names, URLs, …), case-insensitive
)

var intelKinds = map[string]intelKind{"ip": intelIP, "domain": intelDomain, "hash": intelHash, "string": intelString}

// ECS threat.indicator.type of each kind.
var intelECSType = map[intelKind]string{intelIP: "ipv4-addr", intelDomain: "domain-name", intelHash: "file", intelString: "string"}

// intelList is a loaded list.
type intelList struct {
	name     string
	file     string
	kind     intelKind
	fields   []string
	boxed    any // name, boxed once
	ecsType  any
	ips      map[netip.Addr]bool
	prefixes map[int]map[netip.Prefix]bool // by prefix length
	// bits4 and bits6 are the prefix lengths of prefixes, ascending, that
	// an IPv4 (at most 32) and an IPv6 address can have: has tries only
	// those (Addr.Prefix of an IPv4 address and a longer length fails,
	// and allocates its error).
	bits4, bits6 []int
	values       map[string]bool
}

// loadIntel reads an intel list file. Errors name the file and line.
func loadIntel(name, path string, kind intelKind, fields []string) (*intelList, hclconf.Errors) {
	l := (&intelList{name: name, file: path, kind: kind, fields: fields}).empty()
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, hclconf.Errors{{File: path, Msg: fmt.Sprintf("intel list %q: %v", name, err)}}
	}
	var errs hclconf.Errors
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		v := sc.Text()
		if i := strings.IndexByte(v, '#'); i >= 0 {
			v = v[:i]
		}
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if err := l.add(v); err != nil {
			errs = append(errs, &hclconf.Error{File: path, Line: n, Col: 1, Msg: fmt.Sprintf("intel list %q: %v", name, err)})
			if len(errs) >= 10 {
				break
			}
		}
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, &hclconf.Error{File: path, Msg: fmt.Sprintf("intel list %q: %v", name, err)})
	}
	return l, errs
}

// empty returns a list like l (name, file, kind, fields) holding nothing.
func (l *intelList) empty() *intelList {
	e := &intelList{name: l.name, file: l.file, kind: l.kind, fields: l.fields, boxed: l.name, ecsType: intelECSType[l.kind]}
	switch l.kind {
	case intelIP:
		e.ips = map[netip.Addr]bool{}
		e.prefixes = map[int]map[netip.Prefix]bool{}
	default:
		e.values = map[string]bool{}
	}
	return e
}

// add puts one value into the list.
func (l *intelList) add(v string) error {
	switch l.kind {
	case intelIP:
		if strings.Contains(v, "/") {
			p, err := netip.ParsePrefix(v)
			if err != nil {
				return fmt.Errorf("%q is not an IP address or CIDR block", v)
			}
			p = p.Masked()
			if l.prefixes[p.Bits()] == nil {
				l.prefixes[p.Bits()] = map[netip.Prefix]bool{}
				l.bits6 = insertSorted(l.bits6, p.Bits())
				if p.Bits() <= 32 {
					l.bits4 = insertSorted(l.bits4, p.Bits())
				}
			}
			l.prefixes[p.Bits()][p] = true
			return nil
		}
		a, err := netip.ParseAddr(v)
		if err != nil {
			return fmt.Errorf("%q is not an IP address or CIDR block", v)
		}
		l.ips[a.Unmap()] = true
	case intelDomain:
		l.values[strings.TrimSuffix(strings.ToLower(v), ".")] = true
	case intelHash:
		for _, c := range v {
			if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
				return fmt.Errorf("%q is not a hexadecimal hash", v)
			}
		}
		l.values[strings.ToLower(v)] = true
	default:
		l.values[strings.ToLower(v)] = true
	}
	return nil
}

// has reports whether v is on the list.
func (l *intelList) has(v string) bool {
	switch l.kind {
	case intelIP:
		a, err := netip.ParseAddr(v)
		if err != nil {
			return false
		}
		a = a.Unmap()
		if l.ips[a] {
			return true
		}
		lengths := l.bits6
		if a.Is4() {
			lengths = l.bits4
		}
		for _, bits := range lengths {
			if p, err := a.Prefix(bits); err == nil && l.prefixes[bits][p] {
				return true
			}
		}
	case intelDomain:
		d := strings.TrimSuffix(strings.ToLower(v), ".")
		for {
			if l.values[d] {
				return true
			}
			i := strings.IndexByte(d, '.')
			if i < 0 {
				return false
			}
			d = d[i+1:]
		}
	default:
		return l.values[lowerIfNeeded(v)]
	}
	return false
}

// insertSorted inserts n into the ascending list s.
func insertSorted(s []int, n int) []int {
	i, _ := slices.BinarySearch(s, n)
	return slices.Insert(s, i, n)
}

// lowerIfNeeded lower-cases v only when it has upper-case letters, so the
// common case does not allocate.
func lowerIfNeeded(v string) string {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c >= 'A' && c <= 'Z' || c >= 0x80 {
			return strings.ToLower(v)
		}
	}
	return v
}

// intelFieldIndex maps an event field to the intel lists that check it
// (indexes into RuleSet.intel). It is a table by key length rather than a
// map: every field of every event is looked up, hardly any is an intel
// field, and telling so from the length and one string comparison costs
// a fraction of hashing the key.
type intelFieldIndex [][]intelField

type intelField struct {
	key   string
	lists []int
}

func newIntelFieldIndex(lists []*intelList) intelFieldIndex {
	var idx intelFieldIndex
	for i, l := range lists {
		for _, f := range l.fields {
			if len(f) >= len(idx) {
				idx = append(idx, make(intelFieldIndex, len(f)+1-len(idx))...)
			}
			byLen := idx[len(f)]
			j := slices.IndexFunc(byLen, func(x intelField) bool { return x.key == f })
			if j < 0 {
				j = len(byLen)
				byLen = append(byLen, intelField{key: f})
			}
			byLen[j].lists = append(byLen[j].lists, i)
			idx[len(f)] = byLen
		}
	}
	return idx
}

// lookup returns the lists that check field key, or nil.
func (idx intelFieldIndex) lookup(key string) []int {
	if len(key) >= len(idx) {
		return nil
	}
	byLen := idx[len(key)]
	for i := range byLen {
		if byLen[i].key == key {
			return byLen[i].lists
		}
	}
	return nil
}

// tagIntel looks the event's fields up in every list and records the hits.
// It returns the number of lists hit.
func (rs *RuleSet) tagIntel(ev *event.Event) int {
	if rs == nil || len(rs.intel) == 0 {
		return 0
	}
	rs.intelOnce.Do(func() { rs.intelFields = newIntelFieldIndex(rs.intel) })
	// matched[i] is the field and value list i hit first (in its own
	// field order), as looking the lists up one by one would find.
	type match struct {
		rank  int
		field string
		value string
	}
	var matched map[int]match
	fields := ev.Fields()
	for j := range fields {
		fl := &fields[j]
		lists := rs.intelFields.lookup(fl.Key)
		if lists == nil {
			continue
		}
		s, ok := fl.Value.(string)
		if !ok {
			continue
		}
		for _, i := range lists {
			l := rs.intel[i]
			if !l.has(s) {
				continue
			}
			rank := slices.Index(l.fields, fl.Key)
			if m, seen := matched[i]; seen && m.rank <= rank {
				continue
			}
			if matched == nil {
				matched = map[int]match{}
			}
			matched[i] = match{rank: rank, field: fl.Key, value: s}
		}
	}
	if len(matched) == 0 {
		return 0
	}
	idx := make([]int, 0, len(matched))
	for i := range matched {
		idx = append(idx, i)
	}
	slices.Sort(idx)
	first := matched[idx[0]]
	l := rs.intel[idx[0]]
	ev.Set(fieldIndicatorType, l.ecsType)
	ev.Set(fieldIndicatorValue, first.value)
	ev.Set(fieldIndicatorMatched, first.value)
	ev.Set(fieldIndicatorField, first.field)
	ev.Set(fieldIndicatorFeed, l.boxed)
	hit := make([]string, len(idx))
	for j, i := range idx {
		hit[j] = rs.intel[i].name
	}
	ev.Set(FieldIntel, hit)
	return len(hit)
}

// resolveIntelPath resolves an intel list's file relative to the rule
// file that names it.
func resolveIntelPath(ruleFile, file string) string {
	if filepath.IsAbs(file) {
		return file
	}
	return filepath.Join(filepath.Dir(ruleFile), file)
}

// compileIntel checks an intel_list block and reads its file.
func compileIntel(src *source, b *intelBlock, lib tagLibrary) (*intelList, hclconf.Errors) {
	var errs hclconf.Errors
	if b.Name == "" {
		errs = append(errs, src.errorf(b.NameRange, "intel_list needs a name"))
	}
	kind, ok := intelKinds[b.Type]
	if !ok {
		errs = append(errs, src.errorf(b.TypeRange, "unknown intel list type %q; use %s", b.Type, quotedList(sortedKeys(intelKinds))))
	}
	if len(b.Fields) == 0 {
		errs = append(errs, src.errorf(b.FieldsRange, "fields must name at least one field to look values up in, such as [\"source.ip\"]"))
	}
	fields := make([]string, 0, len(b.Fields))
	for _, f := range b.Fields {
		p, _ := resolveName(f, lib)
		if err := checkPath(p); err != nil {
			errs = append(errs, src.errorf(b.FieldsRange, "fields: %v", err))
			continue
		}
		fields = append(fields, p)
	}
	if b.File == "" {
		errs = append(errs, src.errorf(b.FileRange, "file must name the list's file (one value per line)"))
		return nil, errs
	}
	path := resolveIntelPath(src.name, b.File)
	if _, err := os.Stat(path); err != nil {
		what := "cannot be read"
		if os.IsNotExist(err) {
			what = "does not exist"
		}
		errs = append(errs, src.errorf(b.FileRange, "intel list file %s %s (a relative path is relative to this rule file)", path, what))
		return nil, errs
	}
	if len(errs) > 0 {
		return nil, errs
	}
	l, es := loadIntel(b.Name, path, kind, fields)
	return l, es
}
