package survey_test

import (
	"encoding/json"
	"testing"
	"time"

	"trots/survey"
	"trots/survey/storetest"
)

// mustAnswered opens a pulse with one stored response and one comment.
func mustAnswered(t *testing.T, s *survey.Store, d survey.Department) survey.Pulse {
	t.Helper()
	p := storetest.MustOpenPulse(t, s, "pulse", 1)
	links, err := s.Links(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range links {
		if l.DepartmentID != d.ID {
			continue
		}
		sub := survey.Submission{Link: l, Key: survey.NewID(), Answers: survey.Answers{Numbers: map[string]int{"x": 3}},
			Comments: map[string]string{"comment": "raw answer"}}
		if _, err := s.Submit(ctx, sub); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// Raw answers go only for pulses closed before the cut-off with stored
// results; results of an open pulse cannot be stored; the first stored
// results stay.
func TestPurgeRawAnswersNeedsClosedPulseWithResults(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		t0 := time.Date(2025, 3, 31, 12, 0, 0, 0, time.UTC)
		now := t0
		s := mustOpenAt(t, dsn, &now)
		d := storetest.MustDepartment(t, s, "Zorg", 10)
		withResults, without, open := mustAnswered(t, s, d), mustAnswered(t, s, d), mustAnswered(t, s, d)

		if _, err := s.SavePulseResult(ctx, open.ID, json.RawMessage(`{}`)); survey.ErrorCode(err) != survey.EConflict {
			t.Fatalf("results of an open pulse stored: %v", err)
		}
		for _, p := range []survey.Pulse{withResults, without} {
			if err := s.ClosePulse(ctx, p.ID); err != nil {
				t.Fatal(err)
			}
		}
		if p, err := s.Pulse(ctx, without.ID); err != nil || !p.Closed.Equal(t0) || !p.Purged.IsZero() {
			t.Fatalf("closed pulse %+v, %v: want closed at %s", p, err, t0)
		}
		if stored, err := s.SavePulseResult(ctx, withResults.ID, json.RawMessage(`{"n":1}`)); err != nil || !stored {
			t.Fatalf("save results: %v, %v", stored, err)
		}
		if stored, err := s.SavePulseResult(ctx, withResults.ID, json.RawMessage(`{"n":2}`)); err != nil || stored {
			t.Fatalf("second save: %v, %v", stored, err)
		}
		if _, err := s.SavePulseResult(ctx, withResults.ID, json.RawMessage(`{`)); survey.ErrorCode(err) != survey.EInvalid {
			t.Fatalf("invalid JSON stored: %v", err)
		}

		// Not yet past the cut-off: nothing goes.
		if got, err := s.PurgeRawAnswers(ctx, t0, nil); err != nil || len(got) != 0 {
			t.Fatalf("purge at the closing time: %+v, %v", got, err)
		}
		now = t0.AddDate(1, 0, 0)
		cutoff := t0.Add(time.Second)
		due, err := s.Purgeable(ctx, cutoff)
		if err != nil || len(due) != 1 || due[0].PulseID != withResults.ID || due[0].Responses != 1 || due[0].Comments != 1 {
			t.Fatalf("purgeable: %+v, %v", due, err)
		}
		redacted := json.RawMessage(`{"n":1,"redacted":true}`)
		got, err := s.PurgeRawAnswers(ctx, cutoff, func(json.RawMessage) (json.RawMessage, error) { return redacted, nil })
		if err != nil || len(got) != 1 || got[0] != due[0] {
			t.Fatalf("purged %+v, %v; want %+v", got, err, due)
		}
		if n := countResponses(t, s, withResults.ID); n != 0 {
			t.Fatalf("%d responses left", n)
		}
		if cs, err := s.Comments(ctx, withResults.ID); err != nil || len(cs) != 0 {
			t.Fatalf("comments left: %v, %v", cs, err)
		}
		pr, err := s.PulseResult(ctx, withResults.ID)
		if err != nil || string(pr.Result) != string(redacted) || !pr.ComputedAt.Equal(t0) {
			t.Fatalf("results after purge: %+v, %v", pr, err)
		}
		if p, err := s.Pulse(ctx, withResults.ID); err != nil || !p.Purged.Equal(t0.AddDate(1, 0, 0)) {
			t.Fatalf("purge time: %+v, %v", p, err)
		}
		for _, p := range []survey.Pulse{without, open} {
			if n := countResponses(t, s, p.ID); n != 1 {
				t.Errorf("pulse without results or open: %d responses, want 1", n)
			}
		}
		if _, err := s.PulseResult(ctx, without.ID); survey.ErrorCode(err) != survey.ENotFound {
			t.Fatalf("results of a pulse without: %v", err)
		}
	})
}

// A database at schema version 1 with a closed pulse migrates forward:
// the pulse has no closing time, and gets one (now) when its results are
// stored, so that its retention period starts then.
func TestMigrateRetentionFromVersion1(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		t0 := time.Date(2024, 6, 1, 8, 0, 0, 0, time.UTC)
		now := t0
		s := mustOpenAt(t, dsn, &now)
		d := storetest.MustDepartment(t, s, "ICT", 4)
		p := mustAnswered(t, s, d)
		db := survey.WriterDB(s)
		// The later steps' columns of pulses (answer_mode, lead_comments,
		// retention_months, sign_on) go too and come back after step 2, in their
		// order: PostgreSQL refuses a cached plan whose result type changed.
		for _, stmt := range []string{"DROP TABLE pulse_results", "ALTER TABLE pulses DROP COLUMN answer_mode", "ALTER TABLE pulses DROP COLUMN lead_comments",
			"ALTER TABLE pulses DROP COLUMN retention_months", "ALTER TABLE pulses DROP COLUMN sign_on", "ALTER TABLE pulses DROP COLUMN closed_at",
			"ALTER TABLE pulses DROP COLUMN purged_at", "UPDATE pulses SET status = 'closed'", "DELETE FROM schema_migrations WHERE version > 1"} {
			if err := db.Exec(stmt).Error; err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
		if err := survey.MigrateTo(ctx, s, 2); err != nil { // to step 2 only: later steps' tables were not dropped
			t.Fatal(err)
		}
		for _, stmt := range []string{"ALTER TABLE pulses ADD COLUMN answer_mode TEXT NOT NULL DEFAULT 'both'",
			"ALTER TABLE pulses ADD COLUMN lead_comments BOOLEAN NOT NULL DEFAULT FALSE",
			"ALTER TABLE pulses ADD COLUMN retention_months INTEGER NOT NULL DEFAULT 12",
			"ALTER TABLE pulses ADD COLUMN sign_on BOOLEAN NOT NULL DEFAULT FALSE"} {
			if err := db.Exec(stmt).Error; err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
		got, err := s.Pulse(ctx, p.ID)
		if err != nil || got.Status != survey.PulseClosed || !got.Closed.IsZero() {
			t.Fatalf("migrated pulse %+v, %v", got, err)
		}
		now = t0.AddDate(0, 2, 0)
		if _, err := s.SavePulseResult(ctx, p.ID, json.RawMessage(`[]`)); err != nil {
			t.Fatal(err)
		}
		if got, _ = s.Pulse(ctx, p.ID); !got.Closed.Equal(t0.AddDate(0, 2, 0)) {
			t.Fatalf("closing time after storing results: %s", got.Closed)
		}
	})
}
