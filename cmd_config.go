package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"

	"github.com/sluicehq/sluice/agent"
	"github.com/sluicehq/sluice/arm"
	"github.com/sluicehq/sluice/mediator"
	"github.com/sluicehq/sluice/mpe"
	"github.com/sluicehq/sluice/pkg/hclconf"
)

func cmdConfig(_ context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) < 2 || args[0] != "validate" {
		fmt.Fprintln(stderr, "usage: sluice config validate FILE...")
		fmt.Fprintln(stderr, "\nChecks agent, mediator, ARM and rule files without starting anything,")
		fmt.Fprintln(stderr, "and that the TLS, CA and token files they name can be read; problems are")
		fmt.Fprintln(stderr, "printed as file:line:col: message. Warnings (deprecated settings, keys")
		fmt.Fprintln(stderr, "or tokens readable by group or others) do not fail the check.")
		return 2
	}
	failed := 0
	for _, path := range args[1:] {
		kind, warnings, err := validateFile(path)
		for _, w := range warnings {
			fmt.Fprintln(stderr, "warning:", w)
		}
		if err != nil {
			fmt.Fprintln(stderr, err)
			failed++
			continue
		}
		fmt.Fprintf(stdout, "%s: ok (%s)\n", path, kind)
	}
	if failed > 0 {
		return 1
	}
	return 0
}

// topBlock finds a file's first top-level block keyword. Kinds are told
// apart by a scan of the text rather than a parse, so that a file that
// does not parse still gets its kind's checks and their errors.
var topBlock = regexp.MustCompile(`(?m)^(agent|source|mediator|indexer|arm|override|rule|log_source_type|tag|intel_list|event_rule)\b`)

// validateFile checks one file; its kind follows from its top-level blocks.
// A daemon's config is checked with the files it names.
func validateFile(path string) (kind string, warnings hclconf.Errors, err error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return "", nil, err
	}
	if m := topBlock.FindSubmatch(src); m != nil {
		switch string(m[1]) {
		case "agent", "source":
			kind = "agent"
		case "mediator", "indexer":
			kind = "mediator"
		case "arm", "override":
			kind = "arm"
		default:
			kind = "rules"
		}
	}
	var files []hclconf.FileRef
	switch kind {
	case "agent":
		var cfg *agent.Config
		if cfg, err = agent.LoadConfig(path); err == nil {
			files, warnings = cfg.Files, cfg.Warnings
		}
	case "mediator":
		var cfg *mediator.Config
		if cfg, err = mediator.LoadConfig(path); err == nil {
			files = cfg.Files
		}
	case "arm":
		var cfg *arm.Config
		if cfg, err = arm.LoadConfig(path); err == nil {
			files = cfg.Files
		}
	case "rules":
		// A rule file is checked as part of its folder's rule set: rules
		// use log source types and tags declared in sibling files.
		var rs *mpe.RuleSet
		dir := filepath.Dir(path)
		rs, err = mpe.Load([]string{dir})
		if err == nil {
			return fmt.Sprintf("rules; the set in %s has %d rules", dir, rs.Len()), nil, nil
		}
		return "", nil, err
	default:
		return "", nil, &hclconf.Error{File: path, Line: 1, Col: 1, Msg: "not a Sluice config: expected an agent, mediator, ARM or rule file"}
	}
	if err != nil {
		return "", nil, err
	}
	warnings = append(warnings, hclconf.LooseSecrets(files)...)
	if err := hclconf.CheckFiles(files).ErrorOrNil(); err != nil {
		return "", warnings, err
	}
	return kind + " config", warnings, nil
}
