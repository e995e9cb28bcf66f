package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"trots/survey"
)

// runSettingsNames is `trots settings [--names-file <file>|--clear-names]`:
// the list of names masked in open comments (one per line). Without flags
// it shows the settings.
func runSettingsNames(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("settings", "settings [show|set name=value...] [--names-file <file>|--clear-names] [--db <file or URL>]", stderr)
	dsn := fs.String("db", env("TROTS_DB", survey.DefaultDSN), "SQLite file or postgres:// URL (TROTS_DB)")
	namesFile := fs.String("names-file", "", "a text file of names, one per line, masked in every open comment stored from now on (replaces the list; - reads stdin)")
	clear := fs.Bool("clear-names", false, "remove the list of names")
	fs.Usage = func() { fmt.Fprint(stderr, settingsUsage); fs.PrintDefaults() }
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *namesFile != "" && *clear {
		return usageError(fs, "--names-file and --clear-names exclude each other")
	}
	var names []string
	if *namesFile != "" {
		var data []byte
		var err error
		if *namesFile == "-" {
			data, err = io.ReadAll(io.LimitReader(os.Stdin, 4<<20))
		} else {
			data, err = os.ReadFile(*namesFile)
		}
		if err != nil {
			return fmt.Errorf("read the names: %w", err)
		}
		names = survey.ParseNames(strings.ReplaceAll(string(data), "\r\n", "\n"))
	}
	store, err := openUserStore(ctx, *dsn)
	if err != nil {
		return err
	}
	defer store.Close()
	st, err := store.Settings(ctx)
	if err != nil {
		return err
	}
	if *namesFile == "" && !*clear {
		return showSettings(stdout, st)
	}
	before := st
	st.MaskNames = names
	if err := store.SaveSettings(ctx, st); err != nil {
		return err
	}
	if err := auditSettings(ctx, store, before, st); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Saved %d names to mask in open comments stored from now on (comments already stored are not changed).\n", len(names))
	return nil
}
