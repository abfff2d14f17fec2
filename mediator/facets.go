package mediator

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/sluicehq/sluice/pkg/serve"
)

// FacetsResponse is the body of GET /v1/facets: the most frequent values
// of one field among the newest matches of a query.
type FacetsResponse struct {
	Field string `json:"field"`
	// Sampled is how many matches were read (the newest, at most
	// sample=); Missing how many of them lack the field.
	Sampled int   `json:"sampled"`
	Missing int   `json:"missing"`
	Values  []Top `json:"values"`
	// Truncated is set when the sample stopped at max_result_bytes.
	Truncated bool `json:"truncated,omitempty"`
}

// Top is one value of a facet and the matches that have it.
type Top struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

const (
	defaultFacetSample = 5000
	defaultFacetLimit  = 10
	maxFacetLimit      = 100
)

// facetField is what a facet may name: the field names of the query
// language.
var facetField = regexp.MustCompile(`^[@A-Za-z0-9_][@A-Za-z0-9_.]*$`)

// handleFacets counts the values of field= among the newest sample=
// matches (default 5000): a search with the same limits, deadline and
// scope as /v1/search, whose documents are tallied here, so that it works
// on every index.
func (m *Mediator) handleFacets(w http.ResponseWriter, r *http.Request) {
	req, err := searchRequest(r)
	if err != nil {
		serve.WriteJSON(w, http.StatusBadRequest, errorResponse{err.Error()})
		return
	}
	v := r.URL.Query()
	field := v.Get("field")
	if !facetField.MatchString(field) || len(field) > 256 {
		serve.WriteJSON(w, http.StatusBadRequest, errorResponse{"field= must name a field, such as host.hostname"})
		return
	}
	limit := defaultFacetLimit
	if l := v.Get("limit"); l != "" {
		if limit, err = strconv.Atoi(l); err != nil || limit < 1 || limit > maxFacetLimit {
			serve.WriteJSON(w, http.StatusBadRequest, errorResponse{fmt.Sprintf("limit must be an integer between 1 and %d", maxFacetLimit)})
			return
		}
	}
	req.Limit = defaultFacetSample
	if s := v.Get("sample"); s != "" {
		if req.Limit, err = strconv.Atoi(s); err != nil || req.Limit < 1 || req.Limit > maxSearchLimit {
			serve.WriteJSON(w, http.StatusBadRequest, errorResponse{fmt.Sprintf("sample must be an integer between 1 and %d", maxSearchLimit)})
			return
		}
	}
	ctx, cancel, ok := m.readySearch(w, r, &req)
	if !ok {
		return
	}
	defer cancel()
	events, err := m.index.Search(ctx, req)
	if err != nil {
		m.writeSearchError(w, r, err)
		return
	}
	resp := FacetsResponse{Field: field, Sampled: len(events), Values: []Top{}}
	counts := map[string]int{}
	var size int64
	for _, doc := range events {
		size += int64(len(doc))
		vals := fieldValues(doc, field)
		if len(vals) == 0 {
			resp.Missing++
		}
		for _, s := range vals {
			counts[s]++
		}
	}
	resp.Truncated = truncated(req, len(events), size)
	for s, c := range counts {
		resp.Values = append(resp.Values, Top{Value: s, Count: c})
	}
	slices.SortFunc(resp.Values, func(a, b Top) int { return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Value, b.Value)) })
	if len(resp.Values) > limit {
		resp.Values = resp.Values[:limit]
	}
	serve.WriteJSON(w, http.StatusOK, resp)
}

// fieldValues returns the values of the dotted field in an event's JSON
// document, as the query language writes them: strings as they are,
// numbers and booleans in JSON, each element of an array. Documents nest
// by path segment ({"host":{"hostname":…}}); a key holding a dot is found
// too.
func fieldValues(doc json.RawMessage, field string) []string {
	var obj map[string]json.RawMessage
	if json.Unmarshal(doc, &obj) != nil {
		return nil
	}
	return lookup(obj, field)
}

func lookup(obj map[string]json.RawMessage, field string) []string {
	if raw, ok := obj[field]; ok {
		return scalars(raw)
	}
	for i := strings.IndexByte(field, '.'); i > 0; i = nextDot(field, i) {
		raw, ok := obj[field[:i]]
		if !ok {
			continue
		}
		var sub map[string]json.RawMessage
		if json.Unmarshal(raw, &sub) != nil {
			continue
		}
		if vals := lookup(sub, field[i+1:]); len(vals) > 0 {
			return vals
		}
	}
	return nil
}

func nextDot(s string, i int) int {
	j := strings.IndexByte(s[i+1:], '.')
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

// scalars renders a JSON value as facet values: strings as they are,
// numbers and booleans as written (an integer stays whole), each element
// of an array; nothing for null or an object.
func scalars(raw json.RawMessage) []string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return nil
		}
		return []string{s}
	case '[':
		var elems []json.RawMessage
		if json.Unmarshal(raw, &elems) != nil {
			return nil
		}
		var out []string
		for _, e := range elems {
			if e = bytes.TrimSpace(e); len(e) > 0 && e[0] != '[' {
				out = append(out, scalars(e)...)
			}
		}
		return out
	case '{', 'n':
		return nil
	}
	return []string{string(raw)}
}
