package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"trots/survey/storetest"
)

// `trots settings --names-file` stores the organisation's list of names to
// mask; a bad list changes nothing; --clear-names empties it.
func TestSettingsNamesFile(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "trots.db")
	file := filepath.Join(t.TempDir(), "names.txt")
	if err := os.WriteFile(file, []byte("Bakker\r\nJan de Vries\n\n# staff list\nBakker\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCmd(t, "settings", "--db", dsn, "--names-file", file)
	if code != 0 || !strings.Contains(stdout, "Saved 2 names") {
		t.Fatalf("settings: %d %q %q", code, stdout, stderr)
	}
	names := func() []string {
		s := storetest.Open(t, dsn)
		defer s.Close()
		st, err := s.Settings(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return st.MaskNames
	}
	if got := names(); strings.Join(got, "|") != "Bakker|Jan de Vries" {
		t.Fatalf("names stored: %q", got)
	}
	if err := os.WriteFile(file, []byte("ok\nbad\x01name\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCmd(t, "settings", "--db", dsn, "--names-file", file); code == 0 || !strings.Contains(stderr, "plain text") {
		t.Fatalf("a bad name: exit %d, %q", code, stderr)
	}
	if got := names(); len(got) != 2 {
		t.Fatalf("a refused list changed the names: %q", got)
	}
	if code, stdout, _ := runCmd(t, "settings", "--db", dsn); code != 0 || !strings.Contains(stdout, "names masked in comments: 2") {
		t.Fatalf("show: %d %q", code, stdout)
	}
	if code, _, _ := runCmd(t, "settings", "--db", dsn, "--clear-names"); code != 0 {
		t.Fatal("clear failed")
	}
	if got := names(); len(got) != 0 {
		t.Fatalf("names after clearing: %q", got)
	}
}
