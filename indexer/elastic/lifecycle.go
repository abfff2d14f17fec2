package elastic

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sluicehq/sluice/indexer"
)

var (
	_ indexer.Pruner   = (*Index)(nil)
	_ indexer.Replacer = (*Index)(nil)
)

// Lifecycle modes, as Lifecycle reports them.
const (
	// LifecycleILM: the cluster deletes expired days itself, by the
	// <prefix>-retention ILM policy the index template names.
	LifecycleILM = "ilm"
	// LifecyclePrune: days go only when Prune (or Expire) deletes them
	// through the API.
	LifecyclePrune = "prune"
)

// dayLayout is the day at the end of every index name.
const dayLayout = "2006.01.02"

// Lifecycle reports how expired days are removed, as Check found the
// cluster: LifecycleILM when it answered the ILM API and took the
// retention policy, LifecyclePrune otherwise (no ILM, as ZincSearch and
// other look-alikes; ILM refused; or no retention configured, so that
// nothing expires by itself). Before Check succeeds it is LifecyclePrune.
func (x *Index) Lifecycle() string {
	x.readyMu.Lock()
	defer x.readyMu.Unlock()
	if x.ilm {
		return LifecycleILM
	}
	return LifecyclePrune
}

func (x *Index) policyName() string { return x.cfg.IndexPrefix + "-retention" }

// ilmRetention is how long the ILM policy keeps a day: the longest of
// Retention and the overrides, because one template (one policy) covers
// every organization; Expire applies the shorter ones. ok is false when
// some organization keeps its days forever: no policy may then delete.
func (x *Index) ilmRetention() (time.Duration, bool) {
	longest := x.cfg.Retention
	if longest <= 0 {
		return 0, false
	}
	for _, r := range x.cfg.OrgRetention {
		if r <= 0 {
			return 0, false
		}
		longest = max(longest, r)
	}
	return longest, true
}

// setupILM detects ILM (GET /_ilm/status answers 200 on Elasticsearch
// only) and installs the retention policy. Any failure leaves the prune
// mode: retention must never stop collection, and Expire still applies
// it through the API.
func (x *Index) setupILM(ctx context.Context) bool {
	status, body, err := x.do(ctx, http.MethodGet, "/_ilm/status", nil, nil)
	if err != nil || status != http.StatusOK {
		x.logger.Debug("no index lifecycle management; retention by prune", "status", status, "error", err)
		return false
	}
	keep, ok := x.ilmRetention()
	if !ok {
		x.disarmPolicy(ctx)
		return false
	}
	var st struct {
		Mode string `json:"operation_mode"`
	}
	if json.Unmarshal(body, &st) == nil && st.Mode != "" && st.Mode != "RUNNING" {
		x.logger.Warn("index lifecycle management is not running: expired days stay until it runs", "operation_mode", st.Mode)
	}
	if err := x.putPolicy(ctx, keep); err != nil {
		x.logger.Warn("cannot install the ILM retention policy; retention by prune instead", "policy", x.policyName(), "error", err)
		return false
	}
	return true
}

// disarmPolicy replaces a retention policy left by an earlier start with
// one that deletes nothing: the indices made then still name it, and would
// otherwise go at the old retention after it was turned off.
func (x *Index) disarmPolicy(ctx context.Context) {
	status, _, err := x.do(ctx, http.MethodGet, "/_ilm/policy/"+x.policyName(), nil, nil)
	if err != nil || status != http.StatusOK {
		return
	}
	if err := x.putPolicy(ctx, 0); err != nil {
		x.logger.Warn("cannot disarm the ILM retention policy of an earlier retention: its indices may still be deleted by it", "policy", x.policyName(), "error", err)
		return
	}
	x.logger.Info("ILM retention policy disarmed (no retention configured): days stay until pruned", "policy", x.policyName())
}

func (x *Index) putPolicy(ctx context.Context, keep time.Duration) error {
	pol, err := json.Marshal(x.policy(keep))
	if err != nil {
		return err
	}
	status, body, err := x.do(ctx, http.MethodPut, "/_ilm/policy/"+x.policyName(), pol, nil)
	if err != nil {
		return err
	}
	if status >= 300 {
		return fmt.Errorf("HTTP %d: %s", status, errorReason(body))
	}
	return nil
}

// policy deletes an index keep after its day ends (keep 0: never, a hot
// phase that does nothing). The template sets
// index.lifecycle.parse_origination_date, so an index's age counts from
// the day in its name (00:00 UTC), not from its creation: a day written
// late (a backlog, a replay) expires with its day, as Prune would remove
// it. Hence min_age is keep plus the day itself.
func (x *Index) policy(keep time.Duration) map[string]any {
	phases := map[string]any{"hot": map[string]any{"actions": map[string]any{}}}
	if keep > 0 {
		phases = map[string]any{
			"delete": map[string]any{
				"min_age": fmt.Sprintf("%ds", int64((keep+24*time.Hour)/time.Second)),
				"actions": map[string]any{"delete": map[string]any{}},
			},
		}
	}
	return map[string]any{
		"policy": map[string]any{
			"_meta":  map[string]any{"managed_by": "sluice", "retention": keep.String()},
			"phases": phases,
		},
	}
}

// dayIndex is one daily index of this prefix, parsed from its name.
type dayIndex struct {
	name  string
	org   string // as in the name: indexSafe of the organization
	day   time.Time
	bytes int64
}

// parseIndexName splits <prefix>-<org>-YYYY.MM.DD. ok is false for any
// other name (sluice-acme-notes, another prefix's, a day that does not
// format back the same), so that nothing else is ever deleted.
func (x *Index) parseIndexName(name string) (dayIndex, bool) {
	rest, ok := strings.CutPrefix(name, x.cfg.IndexPrefix+"-")
	if !ok || len(rest) < len(dayLayout)+2 {
		return dayIndex{}, false
	}
	org, day := rest[:len(rest)-len(dayLayout)-1], rest[len(rest)-len(dayLayout):]
	if rest[len(org)] != '-' || org == "" || indexSafe(org) != org {
		return dayIndex{}, false
	}
	t, err := time.Parse(dayLayout, day)
	if err != nil || t.Format(dayLayout) != day {
		return dayIndex{}, false
	}
	return dayIndex{name: name, org: org, day: t}, true
}

// Organizations lists the organizations that have daily indices, as their
// names appear in the index names. Index names hold organizations
// lowercased with characters Elasticsearch refuses replaced by _ (see
// indexSafe), which cannot be undone: "Acme Corp" is listed as
// "acme_corp". Prune accepts either spelling, and the default
// organization is "default" either way.
func (x *Index) Organizations(ctx context.Context) ([]string, error) {
	days, _, err := x.days(ctx)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for _, d := range days {
		if !seen[d.org] {
			seen[d.org] = true
			out = append(out, d.org)
		}
	}
	sort.Strings(out)
	return out, nil
}

// Prune deletes the daily indices of org (of every organization when org
// is "") whose day ends at or before before, whole (DELETE of the index:
// no per-document work). Only names of the exact form
// <prefix>-<org>-YYYY.MM.DD are candidates. Another Sluice's indices
// survive as long as neither prefix is the other's followed by "-"
// (sluice and sluice-prod): such names cannot be told apart, and
// Elasticsearch already refuses the second one's template (two templates
// of the same priority matching one index).
//
// Bytes is the store size the listing reports (0 when it does not).
// Deleting stops at the first failure; the days deleted until then are
// returned with the error.
func (x *Index) Prune(ctx context.Context, org string, before time.Time, dryRun bool) ([]indexer.PrunedDay, error) {
	want := ""
	if org != "" {
		want = indexSafe(org)
	}
	return x.prune(ctx, dryRun, func(d dayIndex) bool {
		return (want == "" || d.org == want) && !d.day.Add(24*time.Hour).After(before)
	})
}

// Expire prunes what Retention and OrgRetention let expire at now: each
// organization's days that ended at or before now minus its retention
// (an override, else Retention; zero keeps them). In ILM mode the
// cluster deletes at the longest retention by itself, and Expire removes
// the days of organizations with a shorter one.
func (x *Index) Expire(ctx context.Context, now time.Time, dryRun bool) ([]indexer.PrunedDay, error) {
	override := map[string]time.Duration{}
	for org, r := range x.cfg.OrgRetention {
		override[indexSafe(org)] = r
	}
	if x.cfg.Retention <= 0 && len(override) == 0 {
		return nil, nil
	}
	return x.prune(ctx, dryRun, func(d dayIndex) bool {
		keep, ok := override[d.org]
		if !ok {
			keep = x.cfg.Retention
		}
		return keep > 0 && !d.day.Add(24*time.Hour).After(now.Add(-keep))
	})
}

// prune deletes the daily indices expired selects, from one listing.
func (x *Index) prune(ctx context.Context, dryRun bool, expired func(dayIndex) bool) ([]indexer.PrunedDay, error) {
	days, native, err := x.days(ctx)
	if err != nil {
		return nil, err
	}
	var out []indexer.PrunedDay
	for _, d := range days {
		if !expired(d) {
			continue
		}
		if !dryRun {
			if err := x.deleteIndex(ctx, d.name, native); err != nil {
				return out, err
			}
			x.logger.Info("pruned daily index", "index", d.name, "bytes", d.bytes)
		}
		out = append(out, indexer.PrunedDay{Organization: d.org, Day: d.day.Format(time.DateOnly), Name: d.name, Bytes: d.bytes})
	}
	return out, nil
}

// days lists this prefix's daily indices, oldest first. native is set when
// the server answered through ZincSearch's own API (see listNative).
func (x *Index) days(ctx context.Context) (days []dayIndex, native bool, err error) {
	if err := x.isReady(ctx); err != nil {
		return nil, false, err
	}
	all, native, err := x.listIndices(ctx)
	if err != nil {
		return nil, false, err
	}
	for _, ix := range all {
		if d, ok := x.parseIndexName(ix.name); ok {
			d.bytes = ix.bytes
			days = append(days, d)
		}
	}
	sort.Slice(days, func(i, j int) bool {
		if !days[i].day.Equal(days[j].day) {
			return days[i].day.Before(days[j].day)
		}
		return days[i].name < days[j].name
	})
	return days, native, nil
}

type namedIndex struct {
	name  string
	bytes int64
}

// listIndices asks GET /_cat/indices/<prefix>-* (Elasticsearch). A server
// without the route (a 404 that is not an Elasticsearch error, as
// ZincSearch answers) is asked through its own API instead.
func (x *Index) listIndices(ctx context.Context) ([]namedIndex, bool, error) {
	status, body, err := x.do(ctx, http.MethodGet, "/_cat/indices/"+x.cfg.IndexPrefix+"-*", nil, map[string]string{
		"format": "json", "bytes": "b", "h": "index,store.size", "expand_wildcards": "open,closed",
	})
	if err != nil {
		return nil, false, fmt.Errorf("list indices: %w", err)
	}
	switch {
	case status == http.StatusNotFound && !isESError(body):
		l, err := x.listNative(ctx)
		return l, true, err
	case status == http.StatusNotFound:
		// index_not_found: no index of the prefix at all.
		return nil, false, nil
	case status >= 300:
		return nil, false, fmt.Errorf("list indices: HTTP %d: %s", status, errorReason(body))
	}
	var rows []struct {
		Index string `json:"index"`
		Size  string `json:"store.size"` // null for a closed index
	}
	if err := json.Unmarshal(body, &rows); err != nil {
		return nil, false, fmt.Errorf("list indices: %w", err)
	}
	out := make([]namedIndex, 0, len(rows))
	for _, r := range rows {
		n, _ := strconv.ParseInt(r.Size, 10, 64)
		out = append(out, namedIndex{r.Index, n})
	}
	return out, false, nil
}

// isESError tells an Elasticsearch error body ({"error":{...}}) from a
// missing route's (ZincSearch answers "404 page not found" as text).
func isESError(body []byte) bool {
	var e struct {
		Error json.RawMessage `json:"error"`
	}
	return json.Unmarshal(body, &e) == nil && len(e.Error) > 0
}

// deleteIndex deletes one index; an index already gone is no error.
func (x *Index) deleteIndex(ctx context.Context, name string, native bool) error {
	if native {
		return x.deleteNative(ctx, name)
	}
	status, body, err := x.do(ctx, http.MethodDelete, "/"+name, nil, nil)
	switch {
	case err != nil:
		return fmt.Errorf("delete index %s: %w", name, err)
	case status == http.StatusNotFound && strings.Contains(errorReason(body), "index_not_found"):
		return nil
	case status >= 300:
		return fmt.Errorf("delete index %s: HTTP %d: %s", name, status, errorReason(body))
	}
	return nil
}

// ZincSearch's Elasticsearch API (under /es) can neither list nor delete
// indices: _cat, wildcard _settings and DELETE /<index> are missing
// (measured on v0.4.10). Its own API at the same server's /api does both,
// so an address ending in /es is asked there.

// nativeURL is the address's /api/<path>?<query> for an address ending
// in /es.
func (x *Index) nativeURL(path string, query url.Values) (string, error) {
	for _, a := range x.cfg.Addresses {
		u, err := url.Parse(a)
		if err != nil {
			continue
		}
		if base, ok := strings.CutSuffix(strings.TrimRight(u.Path, "/"), "/es"); ok {
			u.Path = base + "/api/" + path
			u.RawPath = ""
			u.RawQuery = query.Encode()
			return u.String(), nil
		}
	}
	return "", errors.New("the server answers no index listing (GET /_cat/indices: 404 without an Elasticsearch error)")
}

// doNative sends a request to ZincSearch's own API with the configured
// credentials and transport.
func (x *Index) doNative(ctx context.Context, method, path string, query url.Values) (int, []byte, error) {
	u, err := x.nativeURL(path, query)
	if err != nil {
		return 0, nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, x.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return 0, nil, err
	}
	switch {
	case x.cfg.Username != "":
		req.SetBasicAuth(x.cfg.Username, x.cfg.Password)
	case x.cfg.APIKey != "":
		req.Header.Set("Authorization", "APIKey "+x.cfg.APIKey)
	}
	res, err := (&http.Client{Transport: x.transport}).Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return res.StatusCode, body, err
}

// listNative is GET /api/index?name=<prefix>- (a substring filter; the
// names are parsed exactly afterwards).
func (x *Index) listNative(ctx context.Context) ([]namedIndex, error) {
	status, body, err := x.doNative(ctx, http.MethodGet, "index", url.Values{"name": {x.cfg.IndexPrefix + "-"}})
	if err != nil {
		return nil, fmt.Errorf("list indices: %w", err)
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("list indices: HTTP %d: %s", status, errorReason(body))
	}
	var res struct {
		List []struct {
			Name  string `json:"name"`
			Stats struct {
				StorageSize int64 `json:"storage_size"`
			} `json:"stats"`
		} `json:"list"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		return nil, fmt.Errorf("list indices: %w", err)
	}
	out := make([]namedIndex, 0, len(res.List))
	for _, ix := range res.List {
		out = append(out, namedIndex{ix.Name, ix.Stats.StorageSize})
	}
	return out, nil
}

// deleteNative is DELETE /api/index/<name>. ZincSearch reads commas and *
// in the name as lists and patterns; parsed names hold neither.
func (x *Index) deleteNative(ctx context.Context, name string) error {
	status, body, err := x.doNative(ctx, http.MethodDelete, "index/"+name, nil)
	switch {
	case err != nil:
		return fmt.Errorf("delete index %s: %w", name, err)
	case status == http.StatusBadRequest && strings.Contains(errorReason(body), "does not exist"):
		return nil
	case status >= 300:
		return fmt.Errorf("delete index %s: HTTP %d: %s", name, status, errorReason(body))
	}
	return nil
}
