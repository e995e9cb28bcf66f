package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// `trots backup --dir` names each backup for its time; --expire-after
// deletes the ones it made longer ago than the period, never another file.
func TestBackupExpiresItsOwnOldBackups(t *testing.T) {
	dsn, s, _ := seededDemo(t)
	s.Close()
	dir := t.TempDir()
	now := time.Now()
	old := backupName(now.AddDate(0, 0, -31))
	recent := backupName(now.AddDate(0, 0, -29))
	for _, name := range []string{old, recent, "trots-backup-manual.db", "notes.txt", "trots-backup-20200101T000000Z.db.bak"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := runCmd(t, "backup", "--db", dsn, "--dir", dir, "--expire-after", "30d")
	if code != 0 || !strings.Contains(stdout, "Deleted the old backup "+old) {
		t.Fatalf("backup: %d %q %q", code, stdout, stderr)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	left := map[string]bool{}
	for _, e := range entries {
		left[e.Name()] = true
	}
	if left[old] || !left[recent] || !left["trots-backup-manual.db"] || !left["notes.txt"] || !left["trots-backup-20200101T000000Z.db.bak"] || len(left) != 5 {
		t.Fatalf("files left: %v; want the new backup, the recent one and the three others", left)
	}
	for _, args := range [][]string{{"--out", "x.db", "--expire-after", "30d"}, {"--dir", dir, "--expire-after", "soon"}, {"--dir", dir, "--out", "x.db"}} {
		if code, _, _ := runCmd(t, append([]string{"backup", "--db", dsn}, args...)...); code != 2 {
			t.Errorf("backup %v: exit %d, want 2", args, code)
		}
	}
}
