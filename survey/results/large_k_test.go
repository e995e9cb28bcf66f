package results_test

import (
	"testing"

	"trots/analysis"
	"trots/questionnaires"
	"trots/survey/demo"
	"trots/survey/results"
	"trots/survey/storetest"
)

// A pulse opened with an anonymity threshold above the analysis' other
// default minimums (decision n 10) closes, with those minimums raised to
// k: before, Analyze refused the configuration and the close failed.
func TestPulseWithALargeKCloses(t *testing.T) {
	s := storetest.Open(t, storetest.SQLiteDSN(t))
	set, err := s.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	set.MinGroup, set.MinComments = 12, 12
	if err := s.SaveSettings(ctx, set); err != nil {
		t.Fatal(err)
	}
	q, err := questionnaires.Load("advocacy-readiness")
	if err != nil {
		t.Fatal(err)
	}
	storetest.MustDepartment(t, s, "Techniek", 40)
	p := storetest.MustOpenPulse(t, s, q.ID, q.Version)
	if p.MinGroup != 12 {
		t.Fatalf("pulse k %d, want 12", p.MinGroup)
	}
	links, err := s.Links(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	answers := demo.Generate(q, 1).Departments[0].Responses
	for i := range 20 {
		mustSubmit(t, s, q, links[0], answers[i%len(answers)].Values())
	}
	out, err := results.Close(ctx, s, p.ID, analysis.DefaultConfig())
	if err != nil {
		t.Fatalf("close with k = 12: %v", err)
	}
	if out.Result.Config.MinGroup != 12 || out.Result.Departments[0].Figures == nil {
		t.Errorf("k %d, department shown %v; want 12 and shown (20 answers)", out.Result.Config.MinGroup, out.Result.Departments[0].Figures != nil)
	}
}
