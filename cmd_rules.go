package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/sluicehq/sluice/mpe"
	"github.com/sluicehq/sluice/pkg/multiline"
	"github.com/sluicehq/sluice/pkg/progress"
)

// largeInput is the file size from which rules parse draws a progress
// bar: below it the bar would only flash.
const largeInput = 16 << 20

func cmdRules(_ context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		rulesUsage(stderr)
		return 2
	}
	switch args[0] {
	case "test":
		return rulesTest(args[1:], stdout, stderr)
	case "parse":
		return rulesParse(args[1:], stdout, stderr)
	case "check":
		return rulesCheck(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "sluice rules: unknown subcommand %q (test, parse, check)\n", args[0])
	return 2
}

func rulesUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: sluice rules test PATH...        run every test block; ends with \"N passed, N failed\"")
	fmt.Fprintln(w, "       sluice rules check PATH...       load and validate; list what the set holds and the files it reads")
	fmt.Fprintln(w, "       sluice rules parse -rules PATH -type LOG_SOURCE_TYPE [-multiline PATTERN | -multiline-mode MODE] [FILE]")
	fmt.Fprintln(w, "                                        one ECS JSON event per input line (or joined event), in order")
}

// rulesCheck loads a rule set, reports every load error with
// file:line:col, and describes what loaded. Exit status 1 on errors.
func rulesCheck(paths []string, stdout, stderr io.Writer) int {
	if len(paths) == 0 {
		rulesUsage(stderr)
		return 2
	}
	rs, err := mpe.Load(paths)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stdout, "%d rules, %d event rules, %d log source types with a policy\n", rs.Len(), rs.EventRules(), len(rs.Types()))
	for _, ts := range rs.TypeStats() {
		if ts.Rules == 0 {
			continue
		}
		sort := ""
		if ts.AutoSort {
			sort = " (automatic sort)"
		}
		fmt.Fprintf(stdout, "  %-22s %4d rules%s\n", ts.LogSourceType, ts.Rules, sort)
	}
	fmt.Fprintf(stdout, "files read (a change to any reloads the set):\n")
	for _, f := range rs.Files() {
		fmt.Fprintf(stdout, "  %s\n", f)
	}
	return 0
}

// rulesTest runs every test block and ends with "N passed, N failed".
func rulesTest(paths []string, stdout, stderr io.Writer) int {
	if len(paths) == 0 {
		rulesUsage(stderr)
		return 2
	}
	rs, err := mpe.Load(paths)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	rep := rs.RunTests()
	for _, f := range rep.Failures {
		fmt.Fprintln(stdout, f.String())
	}
	fmt.Fprintf(stdout, "%d passed, %d failed\n", rep.Passed, rep.Failed)
	if rep.Failed > 0 {
		return 1
	}
	return 0
}

// rulesParse prints one ECS JSON event per input line, in input order; with
// -multiline or -multiline-mode, one per joined event, joined as the agent
// joins them.
func rulesParse(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sluice rules parse", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rulesPath := fs.String("rules", "configs/rules", "rule file or folder")
	typ := fs.String("type", "", "log source type of the lines (required)")
	maxLine := fs.Int("max-line-bytes", 64<<10, "cut longer lines, as the agent does")
	every := fs.Duration("progress-every", progress.DefaultEvery, "when stderr is not a terminal, write a progress line this often (0: no progress)")
	mlPattern := fs.String("multiline", "", "join multi-line events: `PATTERN` matches an event's first line (the agent's multiline { pattern = PATTERN, negate = true, match = \"after\" })")
	mlMode := fs.String("multiline-mode", "", "join multi-line events with a ready-made mode: java, python or indent")
	mlMaxLines := fs.Int("multiline-max-lines", multiline.DefaultMaxLines, "cut joined events at this many lines, as the agent does")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *typ == "" || fs.NArg() > 1 {
		fmt.Fprintln(stderr, "usage: sluice rules parse -rules PATH -type LOG_SOURCE_TYPE [-multiline PATTERN | -multiline-mode MODE] [FILE]")
		return 2
	}
	var join *multiline.Joiner
	if *mlPattern != "" || *mlMode != "" {
		if *mlPattern != "" && *mlMode != "" {
			fmt.Fprintln(stderr, "sluice rules parse: -multiline and -multiline-mode exclude each other")
			return 2
		}
		cfg := multiline.Config{Mode: *mlMode, MaxLines: *mlMaxLines}
		if *mlPattern != "" {
			cfg = multiline.Config{Pattern: *mlPattern, Negate: true, Match: "after", MaxLines: *mlMaxLines}
		}
		j, err := multiline.New(cfg, nil)
		if err != nil {
			fmt.Fprintln(stderr, "sluice rules parse:", err)
			return 2
		}
		join = j
	}
	rs, err := mpe.Load([]string{*rulesPath})
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	in, name, size := io.Reader(os.Stdin), "stdin", int64(0)
	if fs.NArg() == 1 {
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			fmt.Fprintln(stderr, "sluice rules parse:", err)
			return 1
		}
		defer f.Close()
		in, name = f, fs.Arg(0)
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			size = fi.Size()
		}
	}
	if showParseProgress(*every, size, stderr) {
		p := progress.Start(stderr, progress.Options{Description: "parse " + name, Total: size, Bytes: true, Every: *every})
		defer p.Finish()
		in = p.Reader(in)
	}
	out := bufio.NewWriterSize(stdout, 64<<10)
	defer out.Flush()
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	now := time.Now()
	var buf []byte
	var n uint64
	var werr error
	parse := func(raw []byte, truncated bool, length int) {
		n++
		e := &mpe.Entry{Raw: raw, LogSourceType: *typ, LogSource: "stdin", Collected: now, Seq: n}
		if truncated {
			e.Truncated, e.OriginalLength = true, length
		}
		buf = rs.Parse(e).AppendJSON(buf[:0])
		buf = append(buf, '\n')
		if _, err := out.Write(buf); err != nil && werr == nil {
			werr = err
		}
	}
	joined := func(ev multiline.Event) { parse(ev.Raw, ev.Truncated, ev.Length) }
	for sc.Scan() && werr == nil {
		line := sc.Bytes()
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		raw, truncated, length := line, false, len(line)
		if len(line) > *maxLine {
			raw, truncated = line[:*maxLine], true
		}
		if join == nil {
			parse(raw, truncated, length)
			continue
		}
		if len(line) == 0 {
			continue // the agent drops blank lines before joining
		}
		// The joiner holds the line until its event ends; the scanner
		// reuses its buffer.
		join.Feed(bytes.Clone(raw), 0, truncated, length, joined)
	}
	if join != nil && werr == nil {
		join.Flush(joined)
	}
	if werr != nil {
		return 1
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(stderr, "sluice rules parse:", err)
		return 1
	}
	return 0
}

// showParseProgress decides whether rules parse reports progress on
// stderr: a bar on a terminal for a large file or piped stdin (size 0:
// unknown), periodic lines otherwise (quick work stays quiet there), and
// never while the lines are typed on a terminal.
func showParseProgress(every time.Duration, size int64, stderr io.Writer) bool {
	switch {
	case every <= 0:
		return false
	case size == 0 && progress.IsTerminal(os.Stdin):
		return false
	case progress.IsTerminal(stderr):
		return size == 0 || size >= largeInput
	}
	return true
}
