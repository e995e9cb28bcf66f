// Package cli holds trots's subcommands: the command line of the one
// binary, whose main.go (at the repository's root) only calls Main.
//
// Subcommands:
//
//	trots serve      run the web service
//	trots demo       create a demo organisation with answers
//	trots analyze    analyse a CSV of answers without a server
//	trots backup     copy the SQLite database consistently while it is in use
//	trots retention  delete raw answers of old closed pulses, keeping results
//	trots user       manage console accounts and API tokens
//	trots version    print the version
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"
)

// version is the build's version (Main receives it from main.go, which
// gets it at build time with -ldflags "-X main.version=...").
var version = ""

type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() map[string]command {
	return map[string]command{
		"analyze":   {"analyse a CSV of answers without a server", runAnalyze},
		"audit":     {"check that no hidden figure of a closed pulse can be worked out", runAudit},
		"backup":    {"copy the SQLite database consistently while it is in use", runBackup},
		"demo":      {"create a demo organisation with answers", runDemo},
		"report":    {"write a PDF readiness report", runReport},
		"retention": {"delete raw answers and records past their retention period, keeping results", runRetention},
		"serve":     {"run the web service", runServe},
		"settings":  {"organisation settings: privacy notice, thresholds, defaults of new pulses, names to mask", runSettings},
		"user":      {"manage console accounts and API tokens", runUser},
		"version":   {"print the version", runVersion},
	}
}

// Main runs the command line of os.Args and exits with its code; v is the
// build's version ("" for a development build).
func Main(v string) {
	if v != "" {
		version = v
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches to a subcommand and turns its error into an exit code:
// 0 success, 1 failure, 2 usage error.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "trots: unknown command %q\n\n", args[0])
		usage(stderr, cmds)
		return 2
	}
	err := cmd.run(ctx, args[1:], stdout, stderr)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	default:
		fmt.Fprintf(stderr, "trots %s: %v\n", args[0], err)
		return 1
	}
}

// errUsage marks a usage error already explained by the flag package.
var errUsage = errors.New("usage error")

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "trots - advocacy readiness per department\n\nUsage: trots <command> [flags]\n\nCommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'trots <command> --help' for the flags of a command.")
	fmt.Fprintln(w, "Configuration also comes from the environment: TROTS_DB, TROTS_ADDR, TROTS_LOG_LEVEL, TROTS_LOG_FORMAT,\nTROTS_METRICS (off), TROTS_RETENTION_MONTHS, TROTS_SCHEDULE_EVERY.")
}

// newFlagSet makes a flag set that reports to stderr and returns errors.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("trots "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: trots %s\n\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args and maps a parse failure to errUsage (the flag
// package has already printed what was wrong).
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	return nil
}

// keyFile is the token key file (TROTS_KEY_FILE); "" lets survey.Open
// put it beside a SQLite database or at data/trots.key for PostgreSQL.
func keyFile() string { return env("TROTS_KEY_FILE", "") }

// env returns the environment variable or def.
func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}

// newLogger builds the slog logger from TROTS_LOG_LEVEL and TROTS_LOG_FORMAT.
func newLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: use debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch strings.ToLower(format) {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("log format %q: use text or json", format)
}

func runVersion(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", "version", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "trots", buildVersion())
	return nil
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		rev, dirty := "", false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if rev != "" {
			if len(rev) > 12 {
				rev = rev[:12]
			}
			if dirty {
				rev += "-dirty"
			}
			return "dev-" + rev
		}
	}
	return "dev"
}
