package cli

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"trots/survey"
)

// withUmask runs the test under the usual umask 022, with which files are
// created readable by everyone unless trots asks otherwise.
func withUmask(t *testing.T) {
	old := syscall.Umask(0o022)
	t.Cleanup(func() { syscall.Umask(old) })
}

func mustMode(t *testing.T, name string, want fs.FileMode) {
	t.Helper()
	fi, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s has mode %v, want %v", filepath.Base(name), got, want)
	}
}

// The SQLite database and its -wal and -shm files, backups and written
// PDFs are readable by their owner only, whatever the umask; a database
// made by an older trots (0644) is narrowed when it is opened.
func TestFilesAreReadableByTheOwnerOnly(t *testing.T) {
	withUmask(t)
	dsn, s, pulse := seededDemo(t) // the demo wrote answers: the WAL exists
	for _, name := range []string{dsn, dsn + "-wal", dsn + "-shm"} {
		mustMode(t, name, survey.PrivateFileMode)
	}

	dir := t.TempDir()
	pdf := filepath.Join(dir, "org.pdf")
	if code, _, stderr := runReportCmd(t, "--db", dsn, "--pulse", pulse.ID, "--out", pdf); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	mustMode(t, pdf, survey.PrivateFileMode)

	backup := filepath.Join(dir, "backup.db")
	if code, _, stderr := runCmd(t, "backup", "--db", dsn, "--out", backup); code != 0 {
		t.Fatalf("backup: exit %d: %s", code, stderr)
	}
	mustMode(t, backup, survey.PrivateFileMode)
	s.Close()

	old := filepath.Join(t.TempDir(), "old.db")
	if err := os.WriteFile(old, nil, 0o644); err != nil { // an empty file is an empty database
		t.Fatal(err)
	}
	if err := os.Chmod(old, 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := survey.Open(context.Background(), old, survey.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	mustMode(t, old, survey.PrivateFileMode)
}
