package survey_test

import (
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"trots/survey"
)

// Errors of a database out of reach, made by the real SQLite driver, are
// EUnavailable; a mistake in a statement or a broken constraint is not.
func TestUnavailableErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.db")
	rw, err := sql.Open("sqlite3", path)
	must(t, err)
	defer rw.Close()
	_, err = rw.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY)")
	must(t, err)
	_, err = rw.Exec("INSERT INTO t VALUES (1)")
	must(t, err)
	ro, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	must(t, err)
	defer ro.Close()
	missing, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, "missing.db")+"?mode=ro")
	must(t, err)
	defer missing.Close()

	_, readonly := ro.Exec("INSERT INTO t VALUES (2)")
	cantOpen := missing.Ping()
	_, duplicate := rw.Exec("INSERT INTO t VALUES (1)")
	_, syntax := rw.Exec("SELEC 1")
	rw2, err := sql.Open("sqlite3", path)
	must(t, err)
	rw2.Close()
	closed := rw2.Ping()
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"read-only database", readonly, true},
		{"cannot open the file", cantOpen, true},
		{"closed store", closed, true},
		{"wrapped", fmt.Errorf("survey: read: %w", cantOpen), true},
		{"unique constraint", duplicate, false},
		{"syntax error", syntax, false},
		{"plain error", errors.New("no"), false},
	} {
		if c.err == nil {
			t.Fatalf("%s: no error", c.name)
		}
		if got := survey.Unavailable(c.err); got != c.want {
			t.Errorf("%s (%v): Unavailable = %v, want %v", c.name, c.err, got, c.want)
		}
		if want := c.want; (survey.ErrorCode(c.err) == survey.EUnavailable) != want {
			t.Errorf("%s: code %s", c.name, survey.ErrorCode(c.err))
		}
	}
	if survey.ErrorKey(cantOpen) != survey.KeyUnavailable {
		t.Errorf("key %q", survey.ErrorKey(cantOpen))
	}
}
