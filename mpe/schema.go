package mpe

import "github.com/hashicorp/hcl/v2"

// The HCL schema of a rule file, decoded with gohcl. Ranges are kept for
// every attribute a later check may complain about.

// fileSchema is the top level of a rule file. Each block is decoded on its
// own, so one broken block is reported without hiding the others.
var fileSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "log_source_type", LabelNames: []string{"name"}},
	{Type: "tag", LabelNames: []string{"name"}},
	{Type: "rule", LabelNames: []string{"name"}},
	{Type: "intel_list", LabelNames: []string{"name"}},
	{Type: "event_rule", LabelNames: []string{"name"}},
}}

// Top-level blocks' labels are filled in by the loader (gohcl fills labels
// only for nested blocks).

type typeBlock struct {
	Name            string
	Format          *string  `hcl:"format,optional"`
	Header          *string  `hcl:"header,optional"`
	Timezone        *string  `hcl:"timezone,optional"`
	Sort            *string  `hcl:"sort,optional"`
	TimestampFields []string `hcl:"timestamp_fields,optional"`
	HeaderPattern   *string  `hcl:"header_pattern,optional"`
	HeaderFormat    *string  `hcl:"header_format,optional"`
	KeepOriginal    *bool    `hcl:"keep_original,optional"`
	Vendor          *string  `hcl:"vendor,optional"`
	Product         *string  `hcl:"product,optional"`
	Module          *string  `hcl:"module,optional"`
	Identify        *bool    `hcl:"identify,optional"`
	JSONPrefix      *string  `hcl:"json_prefix,optional"`

	NameRange     hcl.Range
	FormatRange   hcl.Range `hcl:"format,attr_value_range"`
	HeaderRange   hcl.Range `hcl:"header,attr_value_range"`
	TimezoneRange hcl.Range `hcl:"timezone,attr_value_range"`
	SortRange     hcl.Range `hcl:"sort,attr_value_range"`
	TSRange       hcl.Range `hcl:"timestamp_fields,attr_value_range"`

	HeaderPatternRange hcl.Range `hcl:"header_pattern,attr_value_range"`
	HeaderFormatRange  hcl.Range `hcl:"header_format,attr_value_range"`
	VendorRange        hcl.Range `hcl:"vendor,attr_value_range"`
	ProductRange       hcl.Range `hcl:"product,attr_value_range"`
	ModuleRange        hcl.Range `hcl:"module,attr_value_range"`
	IdentifyRange      hcl.Range `hcl:"identify,attr_value_range"`
	JSONPrefixRange    hcl.Range `hcl:"json_prefix,attr_value_range"`
}

type tagBlock struct {
	Name      string
	Pattern   string            `hcl:"pattern"`
	Field     string            `hcl:"field"`
	Type      *string           `hcl:"type,optional"`
	Lowercase *bool             `hcl:"lowercase,optional"`
	Layout    *string           `hcl:"layout,optional"`
	Values    map[string]string `hcl:"values,optional"`

	NameRange    hcl.Range
	PatternRange hcl.Range `hcl:"pattern,attr_value_range"`
	FieldRange   hcl.Range `hcl:"field,attr_value_range"`
	TypeRange    hcl.Range `hcl:"type,attr_value_range"`
	LayoutRange  hcl.Range `hcl:"layout,attr_value_range"`
	ValuesRange  hcl.Range `hcl:"values,attr_value_range"`
}

type ruleBlock struct {
	Name           string
	Description    *string         `hcl:"description,optional"`
	LogSourceTypes []string        `hcl:"log_source_types"`
	SortOrder      *int            `hcl:"sort_order,optional"`
	Pattern        *string         `hcl:"pattern,optional"`
	When           *string         `hcl:"when,optional"`
	Classification string          `hcl:"classification"`
	CommonEvent    *string         `hcl:"common_event,optional"`
	Risk           *int            `hcl:"risk,optional"`
	Fields         hcl.Expression  `hcl:"fields,optional"`
	Map            hcl.Expression  `hcl:"map,optional"`
	Extract        *string         `hcl:"extract,optional"`
	KVSeparator    *string         `hcl:"kv_separator,optional"`
	KVPair         *string         `hcl:"kv_pair,optional"`
	Columns        []string        `hcl:"columns,optional"`
	SubRules       []*subRuleBlock `hcl:"sub_rule,block"`
	Tests          []*testBlock    `hcl:"test,block"`

	NameRange           hcl.Range
	DefRange            hcl.Range
	MissingRange        hcl.Range // where a missing attribute is reported
	TypesRange          hcl.Range `hcl:"log_source_types,attr_value_range"`
	PatternRange        hcl.Range `hcl:"pattern,attr_value_range"`
	WhenRange           hcl.Range `hcl:"when,attr_value_range"`
	ClassificationRange hcl.Range `hcl:"classification,attr_value_range"`
	RiskRange           hcl.Range `hcl:"risk,attr_value_range"`
	ExtractRange        hcl.Range `hcl:"extract,attr_value_range"`
	KVSeparatorRange    hcl.Range `hcl:"kv_separator,attr_value_range"`
	KVPairRange         hcl.Range `hcl:"kv_pair,attr_value_range"`
	ColumnsRange        hcl.Range `hcl:"columns,attr_value_range"`
}

type subRuleBlock struct {
	Name           string         `hcl:"name,label"`
	When           string         `hcl:"when"`
	Classification *string        `hcl:"classification,optional"`
	CommonEvent    *string        `hcl:"common_event,optional"`
	Risk           *int           `hcl:"risk,optional"`
	Fields         hcl.Expression `hcl:"fields,optional"`

	NameRange           hcl.Range `hcl:"name,label_range"`
	WhenRange           hcl.Range `hcl:"when,attr_value_range"`
	ClassificationRange hcl.Range `hcl:"classification,attr_value_range"`
	RiskRange           hcl.Range `hcl:"risk,attr_value_range"`
}

type testBlock struct {
	Log           string         `hcl:"log"`
	Expect        hcl.Expression `hcl:"expect"`
	LogSourceType *string        `hcl:"log_source_type,optional"`
	Collected     *string        `hcl:"collected,optional"`
	Intel         hcl.Expression `hcl:"intel,optional"`

	DefRange           hcl.Range `hcl:",def_range"`
	LogRange           hcl.Range `hcl:"log,attr_value_range"`
	LogSourceTypeRange hcl.Range `hcl:"log_source_type,attr_value_range"`
	CollectedRange     hcl.Range `hcl:"collected,attr_value_range"`
}

type intelBlock struct {
	Name        string
	Description *string  `hcl:"description,optional"`
	File        string   `hcl:"file"`
	Type        string   `hcl:"type"`
	Fields      []string `hcl:"fields"`

	NameRange   hcl.Range
	FileRange   hcl.Range `hcl:"file,attr_value_range"`
	TypeRange   hcl.Range `hcl:"type,attr_value_range"`
	FieldsRange hcl.Range `hcl:"fields,attr_value_range"`
}

type eventRuleBlock struct {
	Name           string
	Description    *string           `hcl:"description,optional"`
	LogSourceTypes []string          `hcl:"log_source_types,optional"`
	SortOrder      *int              `hcl:"sort_order,optional"`
	When           string            `hcl:"when"`
	Set            hcl.Expression    `hcl:"set,optional"`
	Drop           *bool             `hcl:"drop,optional"`
	Continue       *bool             `hcl:"continue,optional"`
	Alarm          *alarmBlock       `hcl:"alarm,block"`
	Webhook        *webhookBlock     `hcl:"webhook,block"`
	Tests          []*eventTestBlock `hcl:"test,block"`

	NameRange  hcl.Range
	DefRange   hcl.Range
	TypesRange hcl.Range `hcl:"log_source_types,attr_value_range"`
	WhenRange  hcl.Range `hcl:"when,attr_value_range"`
}

type alarmBlock struct {
	Name     *string        `hcl:"name,optional"`
	Severity *string        `hcl:"severity,optional"`
	Message  hcl.Expression `hcl:"message,optional"`

	DefRange      hcl.Range `hcl:",def_range"`
	SeverityRange hcl.Range `hcl:"severity,attr_value_range"`
}

type webhookBlock struct {
	URL     hcl.Expression `hcl:"url"`
	Method  *string        `hcl:"method,optional"`
	Headers hcl.Expression `hcl:"headers,optional"`
	Payload hcl.Expression `hcl:"payload,optional"`
	Timeout *string        `hcl:"timeout,optional"`
	Retries *int           `hcl:"retries,optional"`

	DefRange     hcl.Range `hcl:",def_range"`
	MethodRange  hcl.Range `hcl:"method,attr_value_range"`
	TimeoutRange hcl.Range `hcl:"timeout,attr_value_range"`
	RetriesRange hcl.Range `hcl:"retries,attr_value_range"`
}

type eventTestBlock struct {
	Log           string         `hcl:"log"`
	LogSourceType string         `hcl:"log_source_type"`
	Expect        hcl.Expression `hcl:"expect,optional"`
	Alarm         *bool          `hcl:"alarm,optional"`
	Dropped       *bool          `hcl:"dropped,optional"`
	Webhook       *bool          `hcl:"webhook,optional"`
	Collected     *string        `hcl:"collected,optional"`
	Intel         hcl.Expression `hcl:"intel,optional"`

	DefRange           hcl.Range `hcl:",def_range"`
	LogRange           hcl.Range `hcl:"log,attr_value_range"`
	LogSourceTypeRange hcl.Range `hcl:"log_source_type,attr_value_range"`
	CollectedRange     hcl.Range `hcl:"collected,attr_value_range"`
}
