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
		fmt.Fprintln(stderr, "\nChecks agent, mediator and rule files without starting anything;")
		fmt.Fprintln(stderr, "problems are printed as file:line:col: message.")
		return 2
	}
	failed := 0
	for _, path := range args[1:] {
		kind, err := validateFile(path)
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

// topBlock finds a file's first top-level block keyword. Rule files are
// not plain HCL (patterns may be `raw strings`), so kinds are told apart
// by a scan of the text rather than a parse.
var topBlock = regexp.MustCompile(`(?m)^(agent|source|mediator|indexer|arm|override|rule|log_source_type|tag|intel_list|event_rule)\b`)

// validateFile checks one file; its kind follows from its top-level blocks.
func validateFile(path string) (string, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	kind := ""
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
	switch kind {
	case "agent":
		_, err = agent.LoadConfig(path)
	case "mediator":
		_, err = mediator.LoadConfig(path)
	case "arm":
		_, err = arm.LoadConfig(path)
	case "rules":
		// A rule file is checked as part of its folder's rule set: rules
		// use log source types and tags declared in sibling files.
		var rs *mpe.RuleSet
		dir := filepath.Dir(path)
		rs, err = mpe.Load([]string{dir})
		if err == nil {
			return fmt.Sprintf("rules; the set in %s has %d rules", dir, rs.Len()), nil
		}
	default:
		return "", &hclconf.Error{File: path, Line: 1, Col: 1, Msg: "not a Sluice config: expected an agent, mediator, ARM or rule file"}
	}
	return kind + " config", err
}
