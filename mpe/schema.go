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
}}

// Top-level blocks' labels are filled in by the loader (gohcl fills labels
// only for nested blocks).

type typeBlock struct {
	Name     string
	Header   *string `hcl:"header,optional"`
	Timezone *string `hcl:"timezone,optional"`

	NameRange     hcl.Range
	HeaderRange   hcl.Range `hcl:"header,attr_value_range"`
	TimezoneRange hcl.Range `hcl:"timezone,attr_value_range"`
}

type tagBlock struct {
	Name      string
	Pattern   string  `hcl:"pattern"`
	Field     string  `hcl:"field"`
	Type      *string `hcl:"type,optional"`
	Lowercase *bool   `hcl:"lowercase,optional"`

	NameRange    hcl.Range
	PatternRange hcl.Range `hcl:"pattern,attr_value_range"`
	FieldRange   hcl.Range `hcl:"field,attr_value_range"`
	TypeRange    hcl.Range `hcl:"type,attr_value_range"`
}

type ruleBlock struct {
	Name           string
	Description    *string         `hcl:"description,optional"`
	LogSourceTypes []string        `hcl:"log_source_types"`
	SortOrder      *int            `hcl:"sort_order,optional"`
	Pattern        string          `hcl:"pattern"`
	Classification string          `hcl:"classification"`
	CommonEvent    *string         `hcl:"common_event,optional"`
	Risk           *int            `hcl:"risk,optional"`
	Fields         hcl.Expression  `hcl:"fields,optional"`
	SubRules       []*subRuleBlock `hcl:"sub_rule,block"`
	Tests          []*testBlock    `hcl:"test,block"`

	NameRange           hcl.Range
	DefRange            hcl.Range
	TypesRange          hcl.Range `hcl:"log_source_types,attr_value_range"`
	PatternRange        hcl.Range `hcl:"pattern,attr_value_range"`
	ClassificationRange hcl.Range `hcl:"classification,attr_value_range"`
	RiskRange           hcl.Range `hcl:"risk,attr_value_range"`
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

	DefRange           hcl.Range `hcl:",def_range"`
	LogRange           hcl.Range `hcl:"log,attr_value_range"`
	LogSourceTypeRange hcl.Range `hcl:"log_source_type,attr_value_range"`
	CollectedRange     hcl.Range `hcl:"collected,attr_value_range"`
}
