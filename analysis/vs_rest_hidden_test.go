package analysis

import "testing"

// Attack: the disclosure audit may hide an organisation cell (Input.Hide,
// its last resort when no sibling is left to hide) while departments of the
// family stay shown. Their comparison with the rest still published rest_n
// and rest_mean, and department n + rest_n is the organisation's n (and the
// means give its sum): the hidden organisation cell came back by addition.
// A department is compared with the rest only where the organisation's
// cell of that family is shown.
func TestHiddenOrganisationCellIsNotGivenBackByTheRest(t *testing.T) {
	q := mustQuestionnaire(t)
	cfg := DefaultConfig()
	groups := []Group{
		department(q, "A", 20, 25, ready, 1),
		department(q, "B", 30, 35, poor, 2),
		department(q, "C", 3, 4, middling, 3),
		department(q, "D", 4, 6, middling, 4),
	}
	for i := range groups {
		groups[i].ID = string(rune('a' + i))
	}
	res, err := Analyze(Input{Questionnaire: q, Config: cfg, Groups: groups,
		Hide: []Cell{{Family: FamilyDimension("pride")}, {Family: FamilyGap}}})
	if err != nil {
		t.Fatal(err)
	}
	org := res.Organisation.Figures
	if org == nil {
		t.Fatal("the organisation is hidden as a whole: the test proves nothing")
	}
	shownVsRest := 0
	for _, g := range res.Departments {
		if g.Figures == nil {
			continue
		}
		for i, d := range g.Figures.Dimensions {
			if d.DimensionStats == nil || d.VsRest == nil {
				continue
			}
			if org.Dimensions[i].DimensionStats == nil {
				t.Errorf("%s: %s is compared with the rest (rest_n %d) while the organisation's %s is hidden: %d + %d gives it",
					g.Name, d.ID, d.VsRest.RestN, d.ID, d.N, d.VsRest.RestN)
			} else {
				shownVsRest++
			}
		}
		if gp := g.Figures.Gap; gp != nil && gp.Overall.GapStats != nil && gp.Overall.VsRest != nil &&
			(org.Gap == nil || org.Gap.Overall.GapStats == nil) {
			t.Errorf("%s: the gap is compared with the rest while the organisation's gap is hidden", g.Name)
		}
	}
	if shownVsRest == 0 {
		t.Error("no department is compared with the rest where the organisation is shown")
	}
}
