package survey_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"trots/survey"
	"trots/survey/storetest"
)

var ctx = context.Background()

func TestMigrateTwiceIsIdempotent(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		for i := 0; i < 2; i++ {
			s, err := survey.Open(ctx, dsn, survey.Options{})
			if err != nil {
				t.Fatalf("open #%d: %v", i+1, err)
			}
			v, err := s.SchemaVersion(ctx)
			if err != nil || v != survey.MigrationCount() {
				t.Fatalf("open #%d: schema version %d, %v; want %d", i+1, v, err, survey.MigrationCount())
			}
			var rows int64
			survey.WriterDB(s).Raw("SELECT COUNT(*) FROM schema_migrations").Scan(&rows)
			if rows != int64(survey.MigrationCount()) {
				t.Fatalf("open #%d: %d rows in schema_migrations, want %d", i+1, rows, survey.MigrationCount())
			}
			s.Close()
		}
	})
}

func TestMigrateFromEmptyStepByStep(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		// Re-running every prefix of the steps on a migrated database is a no-op.
		for v := 0; v <= survey.MigrationCount(); v++ {
			if err := survey.MigrateTo(ctx, s, v); err != nil {
				t.Fatalf("migrate to %d: %v", v, err)
			}
		}
	})
}

func TestOpenRefusesChangedMigration(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		storetest.Open(t, dsn).Close()
		restore := survey.ReplaceMigrationSQL(1, "CREATE TABLE sneaky (id INTEGER);")
		defer restore()
		_, err := survey.Open(ctx, dsn, survey.Options{})
		if err == nil || !strings.Contains(err.Error(), "was changed after it was applied") {
			t.Fatalf("open with edited step 1: %v; want a refusal naming the changed step", err)
		}
	})
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		if err := survey.WriterDB(s).Exec("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, 'future', 'x', ?)",
			survey.MigrationCount()+1, time.Now().UTC()).Error; err != nil {
			t.Fatal(err)
		}
		s.Close()
		_, err := survey.Open(ctx, dsn, survey.Options{})
		if err == nil || !strings.Contains(err.Error(), "newer than this trots") {
			t.Fatalf("open newer schema: %v; want refusal", err)
		}
	})
}

func TestOpenRefusesUnusableDatabase(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A data folder that is a file cannot hold the database.
	if _, err := survey.Open(ctx, filepath.Join(blocker, "trots.db"), survey.Options{}); err == nil {
		t.Fatal("open under a file: no error")
	}
	// A file that is not a SQLite database.
	notDB := filepath.Join(dir, "not.db")
	os.WriteFile(notDB, []byte(strings.Repeat("this is not a database ", 100)), 0o600)
	if _, err := survey.Open(ctx, notDB, survey.Options{}); err == nil {
		t.Fatal("open a text file as database: no error")
	}
	// A PostgreSQL server that is not there.
	_, err := survey.Open(ctx, "postgres://nobody:secret@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", survey.Options{})
	if err == nil {
		t.Fatal("open unreachable PostgreSQL: no error")
	}
	if strings.Contains(err.Error(), "secret") {
		t.Fatalf("error leaks the password: %v", err)
	}
}

func TestStoreRoundTrip(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)

		// Settings: defaults, then saved values; invalid ones refused.
		st, err := s.Settings(ctx)
		if err != nil || !st.Equal(survey.DefaultSettings()) {
			t.Fatalf("default settings = %+v, %v", st, err)
		}
		if err := s.SaveSettings(ctx, survey.Settings{Name: "Gemeente Voorbeeld", DefaultLanguage: "nl", MinGroup: 2, MinComments: 10}); survey.ErrorCode(err) != survey.EInvalid {
			t.Fatalf("min group 2 accepted: %v", err)
		}
		want := survey.Settings{Name: "Gemeente Voorbeeld", DefaultLanguage: "nl", MinGroup: 6, MinComments: 12}
		if err := s.SaveSettings(ctx, want); err != nil {
			t.Fatal(err)
		}
		// Settings left at their zero value are saved as the defaults.
		want.LawfulBasis, want.RetentionMonths = survey.BasisLegitimateInterest, survey.DefaultRetentionMonths
		if got, _ := s.Settings(ctx); !got.Equal(want) {
			t.Fatalf("settings = %+v, want %+v", got, want)
		}

		// Departments.
		sales := storetest.MustDepartment(t, s, "Verkoop", 40)
		customs, err := s.CreateDepartment(ctx, survey.Department{Name: "Douane", Headcount: 12, ExternallyVisible: false})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateDepartment(ctx, survey.Department{Name: " Verkoop "}); survey.ErrorCode(err) != survey.EConflict {
			t.Fatalf("duplicate name: %v; want conflict", err)
		}
		if _, err := s.CreateDepartment(ctx, survey.Department{Name: "X", Headcount: -1}); survey.ErrorCode(err) != survey.EInvalid {
			t.Fatalf("negative headcount: %v; want invalid", err)
		}
		customs.Headcount = 14
		if err := s.UpdateDepartment(ctx, customs); err != nil {
			t.Fatal(err)
		}
		deps, err := s.Departments(ctx)
		if err != nil {
			t.Fatal(err)
		}
		wantDeps := []survey.Department{customs, sales} // ordered by name
		if !reflect.DeepEqual(deps, wantDeps) {
			t.Fatalf("departments = %+v, want %+v", deps, wantDeps)
		}

		// Pulses: draft, open (thresholds copied from settings), links.
		p, err := s.CreatePulse(ctx, survey.Pulse{Name: "Voorjaar", QuestionnaireID: "advocacy-readiness", QuestionnaireVersion: 1})
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != survey.PulseDraft || p.MinGroup != 0 {
			t.Fatalf("new pulse = %+v", p)
		}
		link := survey.Link{PulseID: p.ID, DepartmentID: sales.ID}
		if _, err := s.Submit(ctx, survey.Submission{Link: link, Key: survey.NewID()}); survey.ErrorKey(err) != "pulse_not_open" {
			t.Fatalf("submit to draft: %v; want pulse_not_open", err)
		}
		p, err = s.OpenPulse(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != survey.PulseOpen || p.MinGroup != 6 || p.MinComments != 12 {
			t.Fatalf("opened pulse = %+v; want open with thresholds 6/12", p)
		}
		// Changing settings later does not change the open pulse.
		want.MinGroup = 8
		want.MinComments = 20
		s.SaveSettings(ctx, want)
		if got, _ := s.Pulse(ctx, p.ID); got.MinGroup != 6 {
			t.Fatalf("pulse threshold changed with the settings: %+v", got)
		}
		links, err := s.Links(ctx, p.ID)
		if err != nil || len(links) != 2 {
			t.Fatalf("links = %+v, %v", links, err)
		}
		for _, l := range links {
			got, err := s.LinkByCode(ctx, l.Code)
			if err != nil || got != l {
				t.Fatalf("link by code %s = %+v, %v", l.Code, got, err)
			}
			if l.DepartmentID == sales.ID {
				link = l
			}
		}
		if _, err := s.LinkByCode(ctx, survey.NewID()); survey.ErrorCode(err) != survey.ENotFound {
			t.Fatalf("unknown link: %v", err)
		}

		// Responses and comments.
		answers := []survey.Answers{
			{Numbers: map[string]int{"pride_work": 5, "enps": 9}, Choices: map[string][]string{"profile": {"warm_welcomer"}}},
			{Numbers: map[string]int{"pride_work": 2, "enps": 3}},
		}
		for i, a := range answers {
			sub := survey.Submission{Link: link, Key: survey.NewID(), Answers: a}
			if i == 0 {
				sub.Comments = map[string]string{"comment": "Meer tijd voor onboarding"}
			}
			rc, err := s.Submit(ctx, sub)
			if err != nil || rc.Replay {
				t.Fatalf("submit %d: %+v, %v", i, rc, err)
			}
			// The same form again (double tap, retry): stored once, answered alike.
			rc, err = s.Submit(ctx, sub)
			if err != nil || !rc.Replay {
				t.Fatalf("replay %d: %+v, %v; want replay", i, rc, err)
			}
		}
		var got []survey.Answers
		err = s.EachResponse(ctx, p.ID, func(r survey.Response) error {
			if r.DepartmentID != sales.ID || !survey.ValidID(r.ID) {
				t.Errorf("response %+v", r)
			}
			got = append(got, r.Answers)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		sort.Slice(got, func(i, j int) bool { return got[i].Numbers["enps"] > got[j].Numbers["enps"] })
		if !reflect.DeepEqual(got, answers) {
			t.Fatalf("answers read back = %+v, want %+v", got, answers)
		}
		counts, err := s.ResponseCounts(ctx, p.ID)
		if err != nil || !reflect.DeepEqual(counts, map[string]int{sales.ID: 2}) {
			t.Fatalf("counts = %v, %v", counts, err)
		}
		comments, err := s.Comments(ctx, p.ID)
		if err != nil || len(comments) != 1 || comments[0].Body != "Meer tijd voor onboarding" || comments[0].DepartmentID != sales.ID {
			t.Fatalf("comments = %+v, %v", comments, err)
		}

		// A department with responses cannot be deleted; one without can.
		if err := s.DeleteDepartment(ctx, sales.ID); survey.ErrorCode(err) != survey.EConflict {
			t.Fatalf("delete department with responses: %v", err)
		}

		// Invitation tokens: single use, bound to pulse and department.
		tokens, err := s.CreateInvitations(ctx, p.ID, sales.ID, 3)
		if err != nil || len(tokens) != 3 {
			t.Fatalf("invitations: %v, %v", tokens, err)
		}
		before := countResponses(t, s, p.ID)
		if _, err := s.Submit(ctx, survey.Submission{Link: link, Key: survey.NewID(), Token: tokens[0]}); err != nil {
			t.Fatalf("submit with token: %v", err)
		}
		if _, err := s.Submit(ctx, survey.Submission{Link: link, Key: survey.NewID(), Token: tokens[0]}); survey.ErrorKey(err) != "token_used" {
			t.Fatalf("reuse token: %v; want token_used", err)
		}
		if _, err := s.Submit(ctx, survey.Submission{Link: link, Key: survey.NewID(), Token: survey.NewID()}); survey.ErrorKey(err) != "token_unknown" {
			t.Fatalf("unknown token: %v; want token_unknown", err)
		}
		customsLink := survey.Link{PulseID: p.ID, DepartmentID: customs.ID}
		if _, err := s.Submit(ctx, survey.Submission{Link: customsLink, Key: survey.NewID(), Token: tokens[1]}); survey.ErrorKey(err) != "token_unknown" {
			t.Fatalf("token of another department: %v; want token_unknown", err)
		}
		if n := countResponses(t, s, p.ID); n != before+1 {
			t.Fatalf("refused token submissions changed the responses: %d, want %d", n, before+1)
		}

		// Closed: nothing more is stored.
		if err := s.ClosePulse(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Submit(ctx, survey.Submission{Link: link, Key: survey.NewID()}); survey.ErrorKey(err) != "pulse_closed" {
			t.Fatalf("submit to closed pulse: %v", err)
		}
		if err := s.ClosePulse(ctx, p.ID); survey.ErrorCode(err) != survey.EConflict {
			t.Fatalf("close twice: %v", err)
		}
		if n := countResponses(t, s, p.ID); n != before+1 {
			t.Fatalf("closed pulse stored a response")
		}
	})
}

func TestPulseWindow(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	s := mustOpenAt(t, storetest.SQLiteDSN(t), &now)
	d := storetest.MustDepartment(t, s, "Zorg", 10)
	p, err := s.CreatePulse(ctx, survey.Pulse{Name: "Maart", QuestionnaireID: "pulse", QuestionnaireVersion: 1,
		Opens: now.Add(time.Hour), Closes: now.Add(48 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.OpenPulse(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	link := survey.Link{PulseID: p.ID, DepartmentID: d.ID}
	if _, err := s.Submit(ctx, survey.Submission{Link: link, Key: survey.NewID()}); survey.ErrorKey(err) != "pulse_not_open" {
		t.Fatalf("before opening time: %v", err)
	}
	now = now.Add(2 * time.Hour)
	if _, err := s.Submit(ctx, survey.Submission{Link: link, Key: survey.NewID()}); err != nil {
		t.Fatalf("inside the window: %v", err)
	}
	now = now.Add(48 * time.Hour)
	if _, err := s.Submit(ctx, survey.Submission{Link: link, Key: survey.NewID()}); survey.ErrorKey(err) != "pulse_closed" {
		t.Fatalf("after closing time: %v", err)
	}
	if _, err := s.CreatePulse(ctx, survey.Pulse{Name: "x", QuestionnaireID: "pulse", QuestionnaireVersion: 1, Opens: now, Closes: now}); survey.ErrorCode(err) != survey.EInvalid {
		t.Fatalf("closes == opens accepted: %v", err)
	}
}

func TestConcurrentSubmissions(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		d := storetest.MustDepartment(t, s, "Techniek", 600)
		p := storetest.MustOpenPulse(t, s, "pulse", 1)
		link := survey.Link{PulseID: p.ID, DepartmentID: d.ID}
		const workers, each = 50, 10
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < each; i++ {
					sub := survey.Submission{Link: link, Key: survey.NewID(), Answers: survey.Answers{Numbers: map[string]int{"pride_work": 1 + (w+i)%5}}}
					if _, err := s.Submit(ctx, sub); err != nil {
						errs <- fmt.Errorf("worker %d: %w", w, err)
					}
				}
			}(w)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if n := countResponses(t, s, p.ID); n != workers*each {
			t.Fatalf("%d responses stored, want %d", n, workers*each)
		}
	})
}

// The responses and comments tables hold nothing that could identify a
// person or order the answers in time.
func TestResponseTablesHoldNoIdentity(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		want := map[string][]string{
			"responses": {"answers", "department_id", "pulse_id", "submission_key"},
			// masked: whether something was replaced in the body before it
			// was stored (a fact about the text, not its writer).
			"comments": {"body", "department_id", "id", "item_id", "masked", "pulse_id"},
		}
		for table, cols := range want {
			var got []string
			db := survey.WriterDB(s)
			if s.Dialect() == survey.SQLite {
				db.Raw("SELECT name FROM pragma_table_info(?) ORDER BY name", table).Scan(&got)
			} else {
				db.Raw("SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY column_name", table).Scan(&got)
			}
			if !reflect.DeepEqual(got, cols) {
				t.Errorf("%s columns = %v, want exactly %v", table, got, cols)
			}
		}
	})
}

func TestErrorVocabulary(t *testing.T) {
	if survey.ErrorCode(errors.New("boom")) != survey.EInternal {
		t.Fatal("plain error is not internal")
	}
	if !survey.ValidID(survey.NewID()) || survey.ValidID("ABC") || survey.ValidID(strings.Repeat("a", 25)+"1") {
		t.Fatal("ValidID")
	}
	a, b := survey.NewID(), survey.NewID()
	if a == b {
		t.Fatal("NewID repeats")
	}
}

func countResponses(t *testing.T, s *survey.Store, pulseID string) int {
	t.Helper()
	n := 0
	if err := s.EachResponse(ctx, pulseID, func(survey.Response) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

func mustOpenAt(t *testing.T, dsn string, now *time.Time) *survey.Store {
	t.Helper()
	s, err := survey.Open(ctx, dsn, survey.Options{Now: func() time.Time { return *now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
