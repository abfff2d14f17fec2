// Command sluice is the one binary of Sluice: agent, mediator, the
// all-in-one demo, and the tools admins use (rules, search, config).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// command is one subcommand: run gets the arguments after its name and
// returns the process exit code.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

var commands = map[string]command{
	"agent":      {"run the agent (collect and forward logs)", cmdAgent},
	"mediator":   {"run the mediator (receive, parse, index)", cmdMediator},
	"status":     {"one screen for a running mediator, agent or ARM (-json for scripts)", cmdStatus},
	"run":        {"run an all-in-one mediator, ARM and agent (the demo of make run)", cmdRun},
	"rules":      {"test rules and parse lines offline (rules test|parse)", cmdRules},
	"search":     {"search or count events through a mediator's API", cmdSearch},
	"config":     {"check configuration files (config validate FILE...)", cmdConfig},
	"deadletter": {"list and replay events the index refused (deadletter list|replay)", cmdDeadLetter},
	"index":      {"remove index days before a date (index prune)", cmdIndex},
	"archive":    {"list, verify and replay raw archives (archive list|verify|replay)", cmdArchive},
	"version":    {"print the version", cmdVersion},
	"tls":        {"make a CA and certificates for mutual TLS (tls ca|cert)", cmdTLS},
	"agents":     {"list a mediator's agents, accept or reject pending ones (agents list|accept|reject)", cmdAgents},
	"arm":        {"run ARM, the heartbeat service (warnings, dashboard)", cmdArm},
	"heartbeats": {"show ARM's heartbeat grid (heartbeats [-status red] [-json] [ID])", cmdHeartbeats},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := dispatch(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "sluice: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	return c.run(ctx, args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: sluice <command> [flags]")
	fmt.Fprintln(w)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'sluice <command> -h' for a command's flags.")
}

func cmdVersion(_ context.Context, _ []string, stdout, _ io.Writer) int {
	fmt.Fprintln(stdout, "sluice", version)
	return 0
}
