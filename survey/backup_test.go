package survey_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"trots/survey"
	"trots/survey/storetest"
)

// A backup taken while respondents keep submitting opens as a trots
// database and holds every response acknowledged before it started.
func TestBackupWhileSubmitting(t *testing.T) {
	dir := t.TempDir()
	dsn := filepath.Join(dir, "live.db")
	s := storetest.Open(t, dsn)
	d := storetest.MustDepartment(t, s, "Zorg", 100)
	p := storetest.MustOpenPulse(t, s, "pulse", 1)
	link := mustLinkOf(t, s, p.ID, d.ID)

	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
	)
	stop := make(chan struct{})
	enough := make(chan struct{})
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				key := survey.NewID()
				sub := survey.Submission{Link: link, Key: key, Answers: survey.Answers{Numbers: map[string]int{"enps": 7}},
					Comments: map[string]string{"comment": strings.Repeat("tekst ", 20)}}
				if _, err := s.Submit(ctx, sub); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				acked = append(acked, survey.StoredKey(s, key))
				if len(acked) == 300 {
					close(enough)
				}
				mu.Unlock()
			}
		}()
	}
	<-enough
	mu.Lock()
	before := append([]string(nil), acked...)
	mu.Unlock()
	out := filepath.Join(dir, "backups", "trots-backup.db")
	must(t, os.MkdirAll(filepath.Dir(out), 0o750))
	err := survey.Backup(ctx, dsn, out)
	mu.Lock()
	during := len(acked) - len(before)
	mu.Unlock()
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if during == 0 {
		t.Log("no submission was acknowledged while the backup ran")
	}

	cp, err := survey.Open(ctx, out, survey.Options{})
	if err != nil {
		t.Fatalf("the backup does not open: %v", err)
	}
	defer cp.Close()
	var keys []string
	must(t, survey.WriterDB(cp).Raw("SELECT submission_key FROM responses").Scan(&keys).Error)
	have := make(map[string]bool, len(keys))
	for _, k := range keys {
		have[k] = true
	}
	for _, k := range before {
		if !have[k] {
			t.Fatalf("response %s, acknowledged before the backup, is missing from it (%d of %d there)", k, len(keys), len(before))
		}
	}
	if c, err := cp.Comments(ctx, p.ID); err != nil || len(c) != len(keys) {
		t.Fatalf("backup: %d responses but %d comments (%v): not one consistent snapshot", len(keys), len(c), err)
	}
	entries, err := os.ReadDir(filepath.Dir(out))
	must(t, err)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

// A second backup to the same file replaces it; bad requests are refused
// without touching anything.
func TestBackupRefusals(t *testing.T) {
	dir := t.TempDir()
	dsn := filepath.Join(dir, "live.db")
	s := storetest.Open(t, dsn)
	storetest.MustDepartment(t, s, "ICT", 3)
	out := filepath.Join(dir, "copy.db")
	must(t, os.WriteFile(out, []byte("an older backup"), 0o600))
	if err := survey.Backup(ctx, "sqlite:"+dsn, out); err != nil {
		t.Fatal(err)
	}
	cp, err := survey.Open(ctx, out, survey.Options{})
	if err != nil {
		t.Fatalf("replaced backup does not open: %v", err)
	}
	deps, err := cp.Departments(ctx)
	cp.Close()
	if err != nil || len(deps) != 1 {
		t.Fatalf("backup departments %v, %v", deps, err)
	}
	// The service need not run: a database closed cleanly has no
	// write-ahead log files beside it.
	s.Close()
	if err := survey.Backup(ctx, dsn, out); err != nil {
		t.Fatalf("backup of a database not in use: %v", err)
	}

	for name, c := range map[string]struct{ dsn, out, want string }{
		"postgres":     {"postgres://trots@db.internal/trots", filepath.Join(dir, "pg.db"), "pg_dump"},
		"postgresql":   {"postgresql://trots@db.internal/trots", filepath.Join(dir, "pg.db"), "pg_dump"},
		"missing":      {filepath.Join(dir, "nope.db"), filepath.Join(dir, "nope-copy.db"), "no SQLite database"},
		"itself":       {dsn, dsn, "overwrite the database itself"},
		"no out":       {dsn, "", "no file"},
		"not trots":    {out + ".plain", filepath.Join(dir, "plain-copy.db"), "not a trots database"},
		"no directory": {dsn, filepath.Join(dir, "missing", "copy.db"), "temporary file"},
	} {
		if name == "not trots" {
			must(t, os.WriteFile(c.dsn, nil, 0o600)) // an empty file is an empty SQLite database
		}
		err := survey.Backup(ctx, c.dsn, c.out)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", name, err, c.want)
		}
		if c.out != "" && c.out != dsn {
			if _, err := os.Stat(c.out); !os.IsNotExist(err) {
				t.Errorf("%s: %s was written", name, c.out)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "nope.db")); !os.IsNotExist(err) {
		t.Error("the backup created the missing source database")
	}
}

func mustLinkOf(t *testing.T, s *survey.Store, pulseID, deptID string) survey.Link {
	t.Helper()
	links, err := s.Links(ctx, pulseID)
	must(t, err)
	for _, l := range links {
		if l.DepartmentID == deptID {
			return l
		}
	}
	t.Fatalf("no link for %s", deptID)
	return survey.Link{}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
