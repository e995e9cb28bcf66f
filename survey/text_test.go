package survey_test

import (
	"testing"

	"trots/accounts"
	"trots/survey"
	"trots/survey/storetest"
)

// Names and notes with a NUL byte, another control character or invalid
// UTF-8 are refused with a field error and store nothing, on both
// databases (PostgreSQL would otherwise fail with an internal error, SQLite
// store the bytes); a note keeps its line breaks. A login with such an
// address is an unknown address, not an error.
func TestTextWithControlCharactersIsRefused(t *testing.T) {
	bad := []string{"A\x00B", "\xff\xfeAB", "A\x07B", "Afdeling\x1b[31m"}
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s, _ := mustOpenClocked(t, dsn)
		d := storetest.MustDepartment(t, s, "Finance", 20)
		p := storetest.MustOpenPulse(t, s, "pulse", 1)
		u := mustUser(t, s, "anna@example.org", accounts.RoleViewer, "")
		for _, name := range bad {
			_, err := s.CreateDepartment(ctx, survey.Department{Name: name, Headcount: 5})
			if survey.ErrorKey(err) != "department_name_invalid" {
				t.Errorf("department %q: %v", name, err)
			}
			_, err = s.CreatePulse(ctx, survey.Pulse{Name: name, QuestionnaireID: "pulse", QuestionnaireVersion: 1})
			if survey.ErrorKey(err) != "pulse_name_invalid" {
				t.Errorf("pulse %q: %v", name, err)
			}
			_, err = s.RecordDecision(ctx, survey.Decision{PulseID: p.ID, DepartmentID: d.ID, Choice: survey.ChoiceGo, Verdict: "GO",
				Note: "ok " + name, UserID: u.ID, UserEmail: u.Email})
			if survey.ErrorKey(err) != "decision_note_invalid" {
				t.Errorf("note %q: %v", name, err)
			}
			_, err = accounts.New(s).Authenticate(ctx, "anna"+name+"@example.org", "correct horse battery", "10.0.0.9")
			wantCode(t, err, survey.EUnauthorized)
		}
		if ds, err := s.Departments(ctx); err != nil || len(ds) != 1 {
			t.Errorf("departments after the refusals: %d, %v", len(ds), err)
		}
		if ps, err := s.Pulses(ctx); err != nil || len(ps) != 1 {
			t.Errorf("pulses after the refusals: %d, %v", len(ps), err)
		}
		dec, err := s.RecordDecision(ctx, survey.Decision{PulseID: p.ID, DepartmentID: d.ID, Choice: survey.ChoiceGo, Verdict: "GO",
			Note: "Eerst:\n\t- het team spreken", UserID: u.ID, UserEmail: u.Email})
		if err != nil || dec.Note != "Eerst:\n\t- het team spreken" {
			t.Errorf("a note with line breaks and a tab: %+v, %v", dec, err)
		}
	})
}
