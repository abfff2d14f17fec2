package elastic

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// The index template gives Sluice's fields their ECS types. Strings not
// listed are keywords (exact match and aggregations, like ECS's keyword
// fields); message is full text.
func (x *Index) template() map[string]any {
	kw := map[string]any{"type": "keyword", "ignore_above": 8191}
	long := map[string]any{"type": "long"}
	ip := map[string]any{"type": "ip"}
	date := map[string]any{"type": "date"}
	obj := func(props map[string]any) map[string]any { return map[string]any{"properties": props} }
	endpoint := obj(map[string]any{"ip": ip, "port": long, "bytes": long, "packets": long, "domain": kw, "address": kw})
	settings := map[string]any{"index.mapping.total_fields.limit": 2000}
	if x.ilm {
		settings["index.lifecycle.name"] = x.policyName()
		// The index's age counts from the day in its name, not from
		// when the first event of that day arrived (see policy).
		settings["index.lifecycle.parse_origination_date"] = true
	}
	return map[string]any{
		// Daily names only (<prefix>-<org>-YYYY.MM.DD): another index
		// under the prefix (sluice-acme-notes) gets neither the mapping
		// nor, above all, the retention policy that would delete it.
		"index_patterns": []string{x.cfg.IndexPrefix + "-*-*.*.*"},
		"priority":       200,
		"template": map[string]any{
			"settings": settings,
			"mappings": map[string]any{
				"dynamic_templates": []any{
					map[string]any{"strings_as_keywords": map[string]any{"match_mapping_type": "string", "mapping": kw}},
				},
				"properties": map[string]any{
					"@timestamp":  date,
					"message":     map[string]any{"type": "text"},
					"source":      endpoint,
					"destination": endpoint,
					"client":      endpoint,
					"server":      endpoint,
					"process":     obj(map[string]any{"pid": long, "name": kw, "command_line": kw}),
					"user":        obj(map[string]any{"name": kw, "domain": kw, "id": kw}),
					"host": obj(map[string]any{
						"hostname": kw, "name": kw, "ip": ip, "architecture": kw,
						"os": obj(map[string]any{"type": kw, "family": kw, "name": kw, "version": kw, "platform": kw, "kernel": kw}),
					}),
					"agent":        obj(map[string]any{"id": kw, "name": kw, "type": kw, "version": kw}),
					"organization": obj(map[string]any{"id": kw, "name": kw}),
					"event": obj(map[string]any{
						"outcome": kw, "kind": kw, "category": kw, "type": kw, "action": kw, "code": kw,
						"duration": long, "severity": long,
					}),
					"http":   obj(map[string]any{"response": obj(map[string]any{"status_code": long, "body": obj(map[string]any{"bytes": long})})}),
					"url":    obj(map[string]any{"original": kw, "path": kw, "domain": kw}),
					"threat": obj(map[string]any{"indicator": obj(map[string]any{"type": kw, "name": kw})}),
					"sluice": obj(map[string]any{
						"classification":  kw,
						"common_event":    kw,
						"risk":            long,
						"priority":        long,
						"rule":            kw,
						"log_source_type": kw,
						"log_source":      kw,
						"mediator":        kw,
						"seq":             long,
						"flags":           kw,
						"collected":       date,
						"original_length": long,
						// Set by the mediator on an event filed under
						// its collection time (max_past_age,
						// max_future_skew).
						"original_timestamp": date,
					}),
				},
			},
		},
	}
}

func (x *Index) templateName() string { return x.cfg.IndexPrefix + "-events" }

// installTemplate puts the index template (PUT is idempotent: a second
// start replaces it with the same content).
func (x *Index) installTemplate(ctx context.Context) error {
	body, err := json.Marshal(x.template())
	if err != nil {
		return err
	}
	status, resp, err := x.do(ctx, http.MethodPut, "/_index_template/"+x.templateName(), body, nil)
	if err != nil {
		return fmt.Errorf("install index template: %w", err)
	}
	if status >= 300 {
		return fmt.Errorf("install index template: HTTP %d: %s", status, errorReason(resp))
	}
	return nil
}

// indexName is <prefix>-<org>-YYYY.MM.DD of the event's UTC day.
func (x *Index) indexName(org string, ts time.Time) string {
	return x.orgPrefix(org) + ts.UTC().Format("2006.01.02")
}

// orgPrefix is "<prefix>-<org>-", the start of every index of org.
func (x *Index) orgPrefix(org string) string {
	return x.cfg.IndexPrefix + "-" + indexSafe(org) + "-"
}

// indexSafe lowers org and replaces what index names may not hold
// (Elasticsearch: lowercase, no \ / * ? " < > | space , # :).
func indexSafe(org string) string {
	if org == "" {
		org = "default"
	}
	var b strings.Builder
	for _, r := range strings.ToLower(org) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '.', r == '+', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// ValidIndexPrefix checks an index prefix: what Elasticsearch accepts at
// the start of an index name.
func ValidIndexPrefix(p string) error {
	if p != indexSafe(p) || strings.ContainsAny(p, "*") || strings.HasPrefix(p, "-") || strings.HasPrefix(p, "_") || strings.HasPrefix(p, "+") || strings.HasPrefix(p, ".") {
		return fmt.Errorf("elasticsearch: index_prefix %q: use lowercase letters, digits, _ and -, and do not start with - _ + or a dot", p)
	}
	return nil
}
