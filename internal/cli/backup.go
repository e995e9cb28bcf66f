package cli

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"trots/survey"
)

// runBackup is `trots backup`: a consistent copy of the SQLite database,
// safe to take while `trots serve` writes to it.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("backup", "backup (--out <file> | --dir <folder> [--expire-after 30d]) [--db <sqlite file>]", stderr)
	dsn := fs.String("db", env("TROTS_DB", survey.DefaultDSN), "SQLite file to copy (TROTS_DB); for PostgreSQL use pg_dump")
	out := fs.String("out", "", "file to write the backup to; replaced atomically if it exists")
	dir := fs.String("dir", "", "folder to write the backup to as trots-backup-<UTC time>.db")
	expire := fs.String("expire-after", "", "with --dir: delete the backups this command made in the folder longer ago than this (30d, 36h); other files stay")
	withKey := fs.Bool("with-key", false, "also copy the token key file (TROTS_KEY_FILE, default <db>.key) to <out>.key; without it the backup cannot tell which invitation was used, nor can a restore accept the invitations of open pulses")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var age time.Duration
	switch {
	case (*out == "") == (*dir == ""):
		return usageError(fs, "give either --out or --dir")
	case *expire != "" && *dir == "":
		return usageError(fs, "--expire-after needs --dir: it only deletes backups named by --dir")
	case *expire != "":
		var err error
		if age, err = parseAge(*expire); err != nil {
			return usageError(fs, "--expire-after: "+err.Error())
		}
	}
	now := time.Now()
	if *dir != "" {
		*out = filepath.Join(*dir, backupName(now))
	}
	start := time.Now()
	if err := survey.Backup(ctx, *dsn, *out); err != nil {
		return err
	}
	size := int64(0)
	if fi, err := os.Stat(*out); err == nil {
		size = fi.Size()
	}
	fmt.Fprintf(stdout, "Backed up %s to %s (%d bytes, integrity checked) in %s.\n", *dsn, *out, size, time.Since(start).Round(time.Millisecond))
	// The token key stays out of a backup unless asked for: with it, the
	// backup and the mail merge of an open pulse tell who answered.
	if *withKey {
		from := cmp.Or(keyFile(), survey.DefaultKeyFile(*dsn))
		if err := survey.CopyKeyFile(from, *out+".key"); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Copied the token key %s to %s.key; keep it apart from the backup.\n", from, *out)
	}
	if age > 0 {
		gone, err := expireBackups(*dir, age, now)
		for _, name := range gone {
			fmt.Fprintf(stdout, "Deleted the old backup %s.\n", name)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
