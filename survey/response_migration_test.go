package survey_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"trots/survey"
	"trots/survey/storetest"
)

// Migration 5 moves responses and comments into tables keyed by pulse,
// department and a random key. Every row written under schema 4 comes
// along: the analysis reads the same answers per department, the comments
// stay, and a form stored before the migration is still answered as a
// replay after it, storing nothing.
func TestMigration5KeepsResponsesAndComments(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		old, err := survey.OpenAtVersion(ctx, dsn, 4)
		if err != nil {
			t.Fatal(err)
		}
		sales := storetest.MustDepartment(t, old, "Verkoop", 20)
		ict := storetest.MustDepartment(t, old, "ICT", 20)
		// The pulse as schema 4 stored it (the store's rows have later columns).
		p := survey.Pulse{ID: survey.NewID()}
		must(t, survey.WriterDB(old).Exec(`INSERT INTO pulses (id, name, questionnaire_id, questionnaire_version, status, min_group, min_comments, created_at)
			VALUES (?, 'pulse', 'advocacy-readiness', 1, 'open', 5, 10, ?)`, p.ID, time.Now().UTC()).Error)
		type row struct {
			dept, key, answers string
		}
		rows := []row{
			{sales.ID, survey.NewID(), `{"n":{"pride_work":4}}`},
			{sales.ID, survey.NewID(), `{"n":{"pride_work":2},"c":{"help":["training"]}}`},
			{ict.ID, survey.NewID(), `{"n":{"pride_work":5}}`},
		}
		db := survey.WriterDB(old)
		for _, r := range rows {
			must(t, db.Exec("INSERT INTO responses (id, pulse_id, department_id, submission_key, answers) VALUES (?, ?, ?, ?, ?)",
				survey.NewID(), p.ID, r.dept, r.key, r.answers).Error)
		}
		for _, body := range []string{"goed", "beter"} {
			must(t, db.Exec("INSERT INTO comments (id, pulse_id, department_id, item_id, body) VALUES (?, ?, ?, ?, ?)",
				survey.NewID(), p.ID, sales.ID, "comment", body).Error)
		}
		must(t, old.Close())

		s := storetest.Open(t, dsn)
		if v, err := s.SchemaVersion(ctx); err != nil || v != survey.MigrationCount() {
			t.Fatalf("schema version %d, %v; want %d", v, err, survey.MigrationCount())
		}
		want := map[string]row{}
		for _, r := range rows {
			want[survey.ResponseID(survey.StoredKey(s, r.key))] = r // stored as its keyed hash
		}
		var lastDept string
		seen := 0
		err = s.EachResponse(ctx, p.ID, func(r survey.Response) error {
			w, ok := want[r.ID]
			if !ok {
				return fmt.Errorf("response %s was not written before the migration", r.ID)
			}
			if r.DepartmentID != w.dept {
				return fmt.Errorf("response %s: department %s, want %s", r.ID, r.DepartmentID, w.dept)
			}
			if r.DepartmentID < lastDept {
				return fmt.Errorf("responses not ordered by department")
			}
			lastDept = r.DepartmentID
			var a survey.Answers
			must(t, json.Unmarshal([]byte(w.answers), &a))
			if !reflect.DeepEqual(r.Answers, a) {
				return fmt.Errorf("response %s: answers %+v, want %+v", r.ID, r.Answers, a)
			}
			seen++
			return nil
		})
		if err != nil || seen != len(rows) {
			t.Fatalf("EachResponse: %d of %d responses, %v", seen, len(rows), err)
		}
		counts, err := s.ResponseCounts(ctx, p.ID)
		if err != nil || counts[sales.ID] != 2 || counts[ict.ID] != 1 {
			t.Fatalf("ResponseCounts = %v, %v", counts, err)
		}
		comments, err := s.Comments(ctx, p.ID)
		must(t, err)
		var bodies []string
		for _, c := range comments {
			bodies = append(bodies, c.Body)
		}
		sort.Strings(bodies)
		if !reflect.DeepEqual(bodies, []string{"beter", "goed"}) {
			t.Fatalf("comments after the migration: %v", bodies)
		}

		link := survey.Link{PulseID: p.ID, DepartmentID: sales.ID}
		rc, err := s.Submit(ctx, survey.Submission{Link: link, Key: rows[0].key, Answers: survey.Answers{Numbers: map[string]int{"pride_work": 1}},
			Comments: map[string]string{"comment": "nog eens"}})
		if err != nil || !rc.Replay {
			t.Fatalf("a form stored before the migration, sent again: %+v, %v; want a replay", rc, err)
		}
		if _, err := s.Submit(ctx, survey.Submission{Link: link, Key: survey.NewID(), Answers: survey.Answers{Numbers: map[string]int{"pride_work": 3}}}); err != nil {
			t.Fatal(err)
		}
		if n := countResponses(t, s, p.ID); n != len(rows)+1 {
			t.Fatalf("%d responses, want %d", n, len(rows)+1)
		}
		if comments, _ := s.Comments(ctx, p.ID); len(comments) != 2 {
			t.Fatalf("%d comments; the replay must not add one", len(comments))
		}
	})
}

// Under a steady stream of submissions there is no lull in which the
// checkpointer could copy the WAL and let it start over; it does so every
// so many responses all the same, so that the WAL stays bounded instead of
// growing with every response (SQLite only: PostgreSQL has its own WAL).
func TestWALStartsOverUnderSteadyLoad(t *testing.T) {
	restore := survey.SetCheckpointThresholds(100, 128)
	defer restore()
	dsn, s, p, link := sqliteWithLink(t)
	// About 2 KiB of answers each: 4,000 of them write tens of MiB of WAL.
	answers := survey.Answers{Numbers: map[string]int{}}
	for i := range 100 {
		answers.Numbers[fmt.Sprintf("item_with_a_long_name_%03d", i)] = 1 + i%5
	}
	const workers, each = 32, 125
	var (
		wg      sync.WaitGroup
		maxWAL  int64
		walMu   sync.Mutex
		errOnce sync.Once
		subErr  error
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				if _, err := s.Submit(ctx, survey.Submission{Link: link, Key: survey.NewID(), Answers: answers}); err != nil {
					errOnce.Do(func() { subErr = err })
					return
				}
				if fi, err := os.Stat(dsn + "-wal"); err == nil {
					walMu.Lock()
					maxWAL = max(maxWAL, fi.Size())
					walMu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if subErr != nil {
		t.Fatal(subErr)
	}
	if n := countResponses(t, s, p.ID); n != workers*each {
		t.Fatalf("%d responses, want %d", n, workers*each)
	}
	// Without restarts the WAL would hold every page written (over 20
	// MiB); with them it stays near 200 responses (under 2 MiB) plus what
	// is committed while a checkpoint runs.
	if maxWAL > 12<<20 {
		t.Fatalf("the WAL grew to %d MiB: it does not start over", maxWAL>>20)
	}
	t.Logf("largest WAL: %.1f MiB", float64(maxWAL)/(1<<20))
}

// The writer connection runs in WAL mode with synchronous=FULL (the
// durability the acknowledgements promise) and without SQLite's automatic
// checkpoint, which the checkpointer does instead; foreign keys are on.
func TestWriterPragmas(t *testing.T) {
	s := storetest.Open(t, storetest.SQLiteDSN(t))
	db := survey.WriterDB(s)
	for pragma, want := range map[string]string{
		"journal_mode": "wal", "synchronous": "2", "wal_autocheckpoint": "0", "foreign_keys": "1",
	} {
		var got string
		if err := db.Raw("PRAGMA " + pragma).Scan(&got).Error; err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %s on the writer, want %s", pragma, got, want)
		}
	}
}

// The WAL holds commits in the order they were made - the order in which
// responses arrived - until they are overwritten. After a burst, once the
// checkpointer has copied it, it empties the file: between bursts nothing
// of that order is left in it, and nothing stored is lost.
func TestWALIsEmptiedAfterABurst(t *testing.T) {
	ctx := context.Background()
	truncated := make(chan struct{}, 1)
	restore := survey.SetOnTruncate(func() {
		select {
		case truncated <- struct{}{}:
		default:
		}
	})
	defer restore()
	dsn, s, p, link := sqliteWithLink(t)
	submitBurst := func(n int) {
		t.Helper()
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.Submit(ctx, survey.Submission{Link: link, Key: survey.NewID(),
					Answers: survey.Answers{Numbers: map[string]int{"pride_work": 1 + i%5, "enps": i % 11}}})
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	for round := 1; round <= 2; round++ {
		// Setting up the pulse may already have left an empty WAL behind.
		select {
		case <-truncated:
		default:
		}
		submitBurst(200)
		if fi, err := os.Stat(dsn + "-wal"); err != nil || fi.Size() == 0 {
			t.Fatalf("round %d: no WAL after a burst (%v): the test does not see what it checks", round, err)
		}
		select {
		case <-truncated:
		case <-time.After(30 * time.Second):
			t.Fatalf("round %d: the WAL was not emptied after the burst", round)
		}
		fi, err := os.Stat(dsn + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() != 0 {
			t.Fatalf("round %d: the WAL holds %d bytes after its truncation", round, fi.Size())
		}
		if n := countResponses(t, s, p.ID); n != 200*round {
			t.Fatalf("round %d: %d responses, want %d", round, n, 200*round)
		}
	}
}

// sqliteWithLink opens a store on a new SQLite file with an open pulse and
// the link of its one department.
func sqliteWithLink(t *testing.T) (string, *survey.Store, survey.Pulse, survey.Link) {
	t.Helper()
	dsn := storetest.SQLiteDSN(t)
	s := storetest.Open(t, dsn)
	d := storetest.MustDepartment(t, s, "Techniek", 600)
	p := storetest.MustOpenPulse(t, s, "pulse", 1)
	return dsn, s, p, survey.Link{PulseID: p.ID, DepartmentID: d.ID}
}
