package analysis

import (
	"encoding/json"
	"testing"
)

// A department hidden because fewer than k answered and one hidden so
// that it cannot be worked out from the totals look the same: told apart,
// with the organisation's total and the departments shown, they give the
// counts away (Finance 5 and Legal 1 next to Sales 10 and a total of 16:
// a hidden sum of 6, one below 5 and one not, can only be 5 and 1).
func TestSuppressedDepartmentsDoNotTellWhy(t *testing.T) {
	q := mustQuestionnaire(t)
	res := mustAnalyze(t, q, DefaultConfig(),
		department(q, "Finance", 5, 8, ready, 1),
		department(q, "Legal", 1, 4, ready, 2),
		department(q, "Sales", 10, 20, ready, 3))
	if res.Organisation.Suppressed || res.Organisation.N != 16 {
		t.Fatalf("organisation: suppressed %v, %+v; want shown with n 16", res.Organisation.Suppressed, res.Organisation.Figures)
	}
	hidden := func(i int) string {
		g := res.Departments[i]
		if !g.Suppressed {
			t.Fatalf("%s is shown", g.Name)
		}
		g.ID, g.Name, g.Headcount = "", "", 0
		return string(mustJSON(t, g))
	}
	if finance, legal := hidden(0), hidden(1); finance != legal {
		t.Errorf("the hidden departments differ:\nFinance %s\nLegal   %s", finance, legal)
	}
	if res.Departments[2].Suppressed {
		t.Error("Sales (10 responses) is hidden")
	}
}

// Results stored before the cause was hidden are read as if written now.
func TestForgetSuppressionCauseOfStoredResults(t *testing.T) {
	stored := []byte(`{"organisation":{"name":"organisation","externally_visible":true,"suppressed":true,"suppressed_because":"below_min_group"},
		"departments":[
			{"id":"a","name":"A","externally_visible":true,"suppressed":true,"suppressed_because":"below_min_group",
			 "verdict":"NOT_MEASURABLE","reasons":[{"code":"below_min_group","kind":"below_min_group","text":"Te weinig mensen"}]},
			{"id":"b","name":"B","externally_visible":true,"suppressed":true,"suppressed_because":"protects_other_group",
			 "verdict":"NOT_MEASURABLE","reasons":[{"code":"protects_other_group","kind":"protects_other_group"}]}]}`)
	var res Result
	if err := json.Unmarshal(stored, &res); err != nil {
		t.Fatal(err)
	}
	ForgetSuppressionCause(&res)
	for _, g := range append([]GroupResult{res.Organisation}, res.Departments...) {
		if g.SuppressedBecause != SuppressedAnonymity {
			t.Errorf("%s: suppressed because %q", g.Name, g.SuppressedBecause)
		}
		if g.Verdict == nil {
			continue
		}
		if len(g.Reasons) != 1 || g.Reasons[0] != (Reason{Code: SuppressedAnonymity, Kind: SuppressedAnonymity}) {
			t.Errorf("%s: reasons %+v", g.Name, g.Reasons)
		}
	}
}
