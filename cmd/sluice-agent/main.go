// Command sluice-agent is the agent alone, for every OS an agent runs on
// (make cross: Linux, Windows, macOS). It is built without cgo: the
// mediator, whose embedded index needs SQLite, stays in bin/sluice. It
// runs the same agent as `sluice agent`.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/sluicehq/sluice/agent"
	"github.com/sluicehq/sluice/internal/agentcmd"
	"github.com/sluicehq/sluice/pkg/hclconf"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	// On Windows, SIGTERM stands for the console's close, logoff and
	// shutdown events.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := dispatch(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "agent":
		return agentcmd.Run(ctx, "sluice-agent agent", args[1:], stderr, version)
	case "config":
		return validate(args[1:], stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "sluice-agent", version)
		return 0
	case "-h", "--help", "help":
		usage(stderr)
		return 0
	}
	fmt.Fprintf(stderr, "sluice-agent: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: sluice-agent <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "  agent      run the agent (collect and forward logs; -config FILE)")
	fmt.Fprintln(w, "  config     check agent configuration files (config validate FILE...)")
	fmt.Fprintln(w, "  version    print the version")
	fmt.Fprintln(w, "\nThe mediator, ARM and the admin tools are in the sluice binary.")
}

// validate is `sluice config validate` for agent files: the same checks
// (the config and the TLS, CA and token files it names), printed the same
// way.
func validate(args []string, stdout, stderr io.Writer) int {
	if len(args) < 2 || args[0] != "validate" {
		fmt.Fprintln(stderr, "usage: sluice-agent config validate FILE...")
		return 2
	}
	failed := 0
	for _, path := range args[1:] {
		cfg, err := agent.LoadConfig(path)
		if err == nil {
			for _, w := range append(cfg.Warnings, hclconf.LooseSecrets(cfg.Files)...) {
				fmt.Fprintln(stderr, "warning:", w)
			}
			err = hclconf.CheckFiles(cfg.Files).ErrorOrNil()
		}
		if err != nil {
			fmt.Fprintln(stderr, err)
			failed++
			continue
		}
		fmt.Fprintf(stdout, "%s: ok (agent config)\n", path)
	}
	if failed > 0 {
		return 1
	}
	return 0
}
