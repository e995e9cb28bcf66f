package survey

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"gorm.io/driver/sqlite"
)

// sqliteDriver is the database/sql driver name of mattn/go-sqlite3, which
// gorm's SQLite driver registers.
const sqliteDriver = sqlite.DriverName

// Backup copies the SQLite database at dsn to out while the service keeps
// running: VACUUM INTO reads one consistent snapshot (a read transaction,
// which in WAL mode never blocks the writer) and writes a compact copy.
// The copy is written next to out under a temporary name, checked with
// PRAGMA integrity_check, synced and only then renamed to out, so out is
// either the previous file or a complete, checked backup. An existing out
// is replaced.
//
// Backup neither creates nor migrates the source. A PostgreSQL DSN is
// refused: use pg_dump.
func Backup(ctx context.Context, dsn, out string) error {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return errorf(EInvalid, "", "trots backup copies SQLite databases; back up PostgreSQL with pg_dump (e.g. pg_dump --format=custom --file=trots.dump \"$TROTS_DB\")")
	}
	src := strings.TrimPrefix(dsn, "sqlite:")
	if src == "" {
		src = DefaultDSN
	}
	if out == "" {
		return errorf(EInvalid, "", "no file to write the backup to")
	}
	if fi, err := os.Stat(src); err != nil {
		return errorf(EInvalid, "", "no SQLite database at %s: %v", src, err)
	} else if !fi.Mode().IsRegular() {
		return errorf(EInvalid, "", "%s is not a file", src)
	}
	if same, err := sameFile(src, out); err != nil {
		return err
	} else if same {
		return errorf(EInvalid, "", "the backup %s would overwrite the database itself", out)
	}

	dir := filepath.Dir(out)
	tmpf, err := os.CreateTemp(dir, "."+filepath.Base(out)+".tmp-*")
	if err != nil {
		return internal("backup: create temporary file", err)
	}
	tmp := tmpf.Name()
	tmpf.Close()
	// VACUUM INTO wants a file that does not exist (or is empty); the name
	// was reserved only to be unique.
	if err := os.Remove(tmp); err != nil {
		return internal("backup: prepare temporary file", err)
	}
	done := false
	defer func() {
		if !done {
			os.Remove(tmp)
		}
	}()

	// mode=ro never creates or changes the file; VACUUM INTO only reads it.
	db, err := sql.Open(sqliteDriver, sqliteURI(src, "mode=ro&_busy_timeout=5000"))
	if err != nil {
		return internal("backup: open "+src, err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		return internal("backup: copy "+src, err)
	}
	// The copy holds answers: readable by the owner only, like the data.
	if err := os.Chmod(tmp, 0o600); err != nil {
		return internal("backup: restrict copy", err)
	}
	if err := checkCopy(ctx, tmp); err != nil {
		return err
	}
	if err := syncFile(tmp); err != nil {
		return internal("backup: sync copy", err)
	}
	if err := os.Rename(tmp, out); err != nil {
		return internal("backup: rename copy into place", err)
	}
	done = true
	if err := syncFile(dir); err != nil {
		return internal("backup: sync folder", err)
	}
	return nil
}

// checkCopy runs SQLite's integrity check on the copy and makes sure it is
// a trots database.
func checkCopy(ctx context.Context, path string) error {
	db, err := sql.Open(sqliteDriver, sqliteURI(path, "mode=ro"))
	if err != nil {
		return internal("backup: open copy", err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return internal("backup: check copy", err)
	}
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return internal("backup: check copy", err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return internal("backup: check copy", err)
	}
	if len(problems) > 0 {
		return internal("backup: the copy fails the integrity check", errors.New(strings.Join(problems, "; ")))
	}
	var v int
	if err := db.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v); err != nil || v == 0 {
		return errorf(EInvalid, "", "the database is not a trots database (no schema version): %v", err)
	}
	return nil
}

func sqliteURI(path, query string) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + query
}

// sameFile reports whether a and b name one existing file.
func sameFile(a, b string) (bool, error) {
	fa, err := os.Stat(a)
	if err != nil {
		return false, nil
	}
	fb, err := os.Stat(b)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("survey: backup: %w", err)
	}
	return os.SameFile(fa, fb), nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
