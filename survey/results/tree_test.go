package results_test

import (
	"testing"

	"trots/analysis"
	"trots/questionnaires"
	"trots/survey"
	"trots/survey/results"
	"trots/survey/storetest"
)

// The analysis input carries each department's parent; a closed pulse is
// read in the tree it closed with, whatever moved or was renamed since.
func TestInputCarriesTheTreeOfTheClose(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		q, err := questionnaires.Load("advocacy-readiness")
		if err != nil {
			t.Fatal(err)
		}
		a := storetest.MustDepartment(t, s, "Directie A", 0)
		b := storetest.MustDepartment(t, s, "Directie B", 0)
		team, err := s.CreateDepartment(ctx, survey.Department{Name: "Team", Headcount: 9, ExternallyVisible: true, ParentID: a.ID})
		if err != nil {
			t.Fatal(err)
		}
		p := storetest.MustOpenPulse(t, s, q.ID, q.Version)
		if err := s.ClosePulse(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		team.ParentID, team.Name = b.ID, "Team Nieuw"
		if err := s.UpdateDepartment(ctx, team); err != nil {
			t.Fatal(err)
		}
		closed, err := s.Pulse(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		in, err := results.Input(ctx, s, closed, q, analysis.DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, g := range in.Groups {
			if g.ID == team.ID {
				found = true
				if g.ParentID != a.ID || g.Name != "Team" {
					t.Fatalf("the closed pulse's group: parent %q name %q, want %q and the name of then", g.ParentID, g.Name, a.ID)
				}
			}
			if (g.ID == a.ID || g.ID == b.ID) && g.ParentID != "" {
				t.Fatalf("a directorate has parent %q", g.ParentID)
			}
		}
		if !found {
			t.Fatal("the team is not in the input")
		}
	})
}
