package survey

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// PrivateFileMode is the mode of every file trots writes that holds
// answers, accounts or reports: the database and its -wal and -shm files,
// backups and PDFs. Only the user trots runs as may read them.
const PrivateFileMode fs.FileMode = 0o600

// privateDatabaseFile makes sure the SQLite file at path is readable by
// its owner only, before SQLite opens it. SQLite creates a new file with
// the process umask (usually 0644), and its -wal and -shm files with the
// mode of the database file; so the file is created here, empty, with
// PrivateFileMode, and an existing file (and its -wal and -shm) that others
// may read is narrowed to it.
func privateDatabaseFile(path string) error {
	if strings.Contains(path, ":memory:") || strings.HasPrefix(path, "file:") {
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, PrivateFileMode)
	if err == nil {
		// O_CREATE applies the umask too, which may only narrow the mode.
		return errors.Join(f.Close(), os.Chmod(path, PrivateFileMode))
	}
	if !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("survey: create database file %s: %w", path, err)
	}
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("survey: database file %s: %w", name, err)
		}
		if fi.Mode().Perm()&^PrivateFileMode != 0 {
			// Only take rights away: a file its owner made read-only
			// stays read-only (and is refused as such, Store.ProbeWrite).
			if err := os.Chmod(name, fi.Mode().Perm()&PrivateFileMode); err != nil {
				return fmt.Errorf("survey: database file %s may be read by others (mode %v) and cannot be narrowed to %v: %w",
					name, fi.Mode().Perm(), PrivateFileMode, err)
			}
		}
	}
	return nil
}
