package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"trots/analysis"
	"trots/questionnaires"
	"trots/survey"
	"trots/survey/demo"
	"trots/survey/lifecycle"
	"trots/survey/results"
	"trots/survey/storetest"
)

// TestOldPulseKeepsItsQuestionnaireVersion: a pulse opened with version 1
// of the baseline (40 items) keeps it after version 2 (25 items) ships: its
// stored answers analyse with version 1's items, its report is made, and a
// new pulse gets version 2 and a trend against the old one (trends compare
// the dimensions both versions measure).
func TestOldPulseKeepsItsQuestionnaireVersion(t *testing.T) {
	ctx := context.Background()
	v1, err := questionnaires.Load("advocacy-readiness@1")
	if err != nil {
		t.Fatal(err)
	}
	current, err := questionnaires.Load("advocacy-readiness")
	if err != nil || current.Version != 2 || len(v1.Items) != 40 || len(current.Items) > 25 {
		t.Fatalf("versions: %v (%v), %d items in version 1", current, err, len(v1.Items))
	}
	dsn := storetest.SQLiteDSN(t)
	s := storetest.Open(t, dsn)
	// The demo stores every answer through the real submission path and
	// closes the pulse with results.Close, which analyses the stored
	// answers with the pulse's own version.
	seeded, err := demo.Seed(ctx, s, v1, demo.Generate(v1, 1))
	if err != nil {
		t.Fatal(err)
	}
	old := seeded.Baseline
	if old.QuestionnaireVersion != 1 || old.Status != survey.PulseClosed {
		t.Fatalf("old pulse %+v", old)
	}
	out, err := results.Analyze(ctx, s, old.ID, analysis.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if out.Result.Questionnaire != "advocacy-readiness@1" || len(out.Questionnaire.Items) != 40 {
		t.Fatalf("old pulse analysed as %s with %d items", out.Result.Questionnaire, len(out.Questionnaire.Items))
	}
	decided := 0
	for _, g := range out.Result.Departments {
		if g.Verdict != nil && g.Decision != analysis.NotMeasurable {
			decided++
		}
	}
	if decided == 0 {
		t.Error("no department of the old pulse has a verdict")
	}

	file := filepath.Join(t.TempDir(), "old.pdf")
	if code, _, stderr := runReportCmd(t, "--db", dsn, "--pulse", old.ID, "--lang", "en", "--out", file, "--creation-date", "2026-01-31"); code != 0 {
		t.Fatalf("report of the old pulse: exit %d: %s", code, stderr)
	}
	text := pdfToText(t, file)
	for _, want := range []string{"advocacy-readiness@1", "Gemeente Voorbeeld", "ICT"} {
		if !strings.Contains(text, want) {
			t.Errorf("the old pulse's report lacks %q", want)
		}
	}

	// A new pulse gets version 2, and compares with the old one.
	now := time.Now()
	p, err := lifecycle.Create(ctx, s, lifecycle.Draft{Name: "Nulmeting 2", Questionnaire: current.ID}, now)
	if err != nil {
		t.Fatal(err)
	}
	if p.QuestionnaireVersion != 2 {
		t.Fatalf("new pulse on version %d, want 2", p.QuestionnaireVersion)
	}
	if p, err = s.OpenPulse(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	links, err := s.Links(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	byDept := map[string]survey.Link{}
	for _, l := range links {
		byDept[l.DepartmentID] = l
	}
	org := demo.Generate(current, 2)
	for i, d := range org.Departments {
		for _, r := range d.Responses {
			dec := survey.DecodeAnswers(current, r.Values())
			if !dec.Valid() {
				t.Fatalf("version 2 answers refused: %v", dec.Errors)
			}
			if _, err := s.Submit(ctx, survey.Submission{Link: byDept[seeded.Departments[i].Department.ID], Key: survey.NewID(), Answers: dec.Answers, Comments: dec.Comments}); err != nil {
				t.Fatal(err)
			}
		}
	}
	next, err := results.Close(ctx, s, p.ID, analysis.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if next.Result.Questionnaire != "advocacy-readiness@2" || next.Previous == nil || next.Previous.ID != old.ID || next.Result.Trend == nil {
		t.Fatalf("new pulse: %s, previous %+v, trend %v", next.Result.Questionnaire, next.Previous, next.Result.Trend != nil)
	}
	if next.Result.Trend.Previous != "advocacy-readiness@1" {
		t.Errorf("trend against %s", next.Result.Trend.Previous)
	}
}

// currentVersion is the version of the shipped questionnaire id that new
// pulses get, for tests that answer with its items.
func currentVersion(t *testing.T, id string) int {
	t.Helper()
	q, err := questionnaires.Load(id)
	if err != nil {
		t.Fatal(err)
	}
	return q.Version
}
