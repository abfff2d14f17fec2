package main

import (
	"context"
	"fmt"
	"io"

	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/sluicehq/sluice/agent"
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

// validateFile checks one file; its kind follows from its top-level blocks.
func validateFile(path string) (string, error) {
	f, err := hclconf.ParseFile(path)
	if err != nil {
		return "", err
	}
	kind := ""
	if body, ok := f.Body.(*hclsyntax.Body); ok {
		for _, b := range body.Blocks {
			switch b.Type {
			case "agent", "source":
				kind = "agent"
			case "mediator", "indexer":
				kind = "mediator"
			case "rule", "log_source_type", "tag":
				kind = "rules"
			}
			if kind != "" {
				break
			}
		}
	}
	switch kind {
	case "agent":
		_, err = agent.LoadConfig(path)
	case "mediator":
		_, err = mediator.LoadConfig(path)
	case "rules":
		var rs *mpe.RuleSet
		rs, err = mpe.Load([]string{path})
		if err == nil {
			kind = fmt.Sprintf("rules: %d rules", rs.Len())
		}
	default:
		return "", &hclconf.Error{File: path, Line: 1, Col: 1, Msg: "not a Sluice config: expected an agent, mediator or rule file"}
	}
	if kind == "agent" || kind == "mediator" {
		kind += " config"
	}
	return kind, err
}
