package mediator

import (
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/sluicehq/sluice/pkg/hclconf"
)

// ArchiveConfig is the `archive {}` block: raw entries kept, compressed
// and hash-chained, for the retention window (docs/data-lifecycle.md).
type ArchiveConfig struct {
	// Dir is the archive's root ("" = no archive).
	Dir string
	// Retention is how long archive files are kept (0: forever), by the
	// hour they were written; OrgRetention overrides it per organization.
	Retention    time.Duration
	OrgRetention map[string]time.Duration
}

// DefaultDiskWarningFree warns well before the default suspense floor
// (512 MiB) stops intake: hours of a busy mediator's index growth.
const DefaultDiskWarningFree = 2 << 30

// Bounds of retention: the embedded index drops whole UTC days, so less
// than a day would drop today's; archives are hourly files.
const (
	minIndexRetention   = 24 * time.Hour
	minArchiveRetention = time.Hour
	maxRetention        = 100 * 365 * 24 * time.Hour
)

type archiveBlock struct {
	Dir           string              `hcl:"dir"`
	Retention     string              `hcl:"retention,optional"`
	Organizations []retentionOverride `hcl:"organization,block"`

	DefRange hcl.Range `hcl:",def_range"`
	Body     hcl.Body  `hcl:",body"`
}

// retentionOverride is `organization "NAME" { retention = "90d" }` inside
// an indexer or archive block.
type retentionOverride struct {
	Name      string `hcl:"name,label"`
	Retention string `hcl:"retention"`

	DefRange hcl.Range `hcl:",def_range"`
	Body     hcl.Body  `hcl:",body"`
}

// lifecycle reads the retention and disk warning settings of the indexer
// block into ic.
func (ib *indexerBlock) lifecycle(ic *IndexerConfig, suspenseMinFree int64) hclconf.Errors {
	set := hclconf.NewSettings(ib.Body, ib.DefRange)
	bounds := hclconf.Between(minIndexRetention, maxRetention).OrZero("kept forever").Because("the index drops whole UTC days")
	set.Duration("retention", ib.Retention, &ic.Retention, bounds)
	ic.OrgRetention = overrides(ib.Organizations, bounds, set)
	// Elasticsearch also takes it at start: an ILM policy where the
	// cluster has ILM (indexer/elastic).
	ic.Elastic.Retention, ic.Elastic.OrgRetention = ic.Retention, ic.OrgRetention
	set.Size("disk_warning_free", ib.DiskWarningFree, &ic.DiskWarningFree, hclconf.AtMost[int64](maxDiskBytes))
	if ic.DiskWarningFree > 0 && suspenseMinFree > 0 && ic.DiskWarningFree <= suspenseMinFree {
		set.Errorf("disk_warning_free", "disk_warning_free (%s) must be above suspense_min_free (%s): the warning comes before suspense stops intake",
			hclconf.SizeText(ic.DiskWarningFree), hclconf.SizeText(suspenseMinFree))
	}
	return set.Errors()
}

// archive reads the archive block, if any.
func (schema *fileSchema) archive(cfg *Config) hclconf.Errors {
	switch len(schema.Archive) {
	case 0:
		return nil
	case 1:
	default:
		return hclconf.Errors{hclconf.Errorf(schema.Archive[1].DefRange, "only one archive block is allowed")}
	}
	ab := &schema.Archive[0]
	set := hclconf.NewSettings(ab.Body, ab.DefRange)
	cfg.Archive.Dir = ab.Dir
	switch {
	case strings.TrimSpace(ab.Dir) == "":
		set.Errorf("dir", "dir: the archive needs a directory")
	case cfg.Indexer.Kind == "embedded" && within(ab.Dir, cfg.Indexer.Dir):
		set.Errorf("dir", "dir: %q is inside the index directory %q: index retention would delete archives", ab.Dir, cfg.Indexer.Dir)
	case within(ab.Dir, filepath.Join(cfg.DataDir, "state")) || within(filepath.Join(cfg.DataDir, "state"), ab.Dir):
		set.Errorf("dir", "dir: %q overlaps the mediator's state directory", ab.Dir)
	}
	bounds := hclconf.Between(minArchiveRetention, maxRetention).OrZero("kept forever").Because("archive files are hourly")
	set.Duration("retention", ab.Retention, &cfg.Archive.Retention, bounds)
	cfg.Archive.OrgRetention = overrides(ab.Organizations, bounds, set)
	return set.Errors()
}

// overrides reads per-organization retention blocks; each organization
// may appear once.
func overrides(blocks []retentionOverride, bounds hclconf.Bounds[time.Duration], parent *hclconf.Settings) map[string]time.Duration {
	if len(blocks) == 0 {
		return nil
	}
	out := map[string]time.Duration{}
	for _, o := range blocks {
		set := hclconf.NewSettings(o.Body, o.DefRange)
		if _, dup := out[o.Name]; dup {
			set.Add(hclconf.Errorf(o.DefRange, "organization %q appears twice", o.Name))
		}
		var d time.Duration
		set.Duration("retention", o.Retention, &d, bounds)
		out[o.Name] = d
		parent.Add(set.Errors()...)
	}
	return out
}

// within reports whether path is dir or inside it (lexically, after
// making both absolute).
func within(path, dir string) bool {
	p, err1 := filepath.Abs(path)
	d, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(d, p)
	return err == nil && (rel == "." || !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && rel != "..")
}
