package analysis_test

import (
	"math"
	"testing"

	"trots/analysis"
	"trots/questionnaires"
)

// The finding "organisation totals give hidden cells away": profiles were
// suppressed inside each department only. A's 2 networkers were hidden
// (fewer than k), but the organisation's networker count minus B's and
// C's shown counts gave them back. Now the organisation's count of a
// profile is hidden while the hidden cells of that profile add up to
// between 1 and k-1.
func TestOrganisationProfileCountMinusDepartmentsIsNotSmall(t *testing.T) {
	q, err := questionnaires.Load("advocacy-readiness")
	if err != nil {
		t.Fatal(err)
	}
	respond := func(profile string) analysis.Response {
		r := analysis.Response{Values: make([]float64, len(q.Items)), Choices: map[string][]string{"profile": {profile}}}
		for i, it := range q.Items {
			switch it.Scale.Type {
			case questionnaires.Likert:
				r.Values[i] = float64(it.Scale.Max)
				if it.Reverse {
					r.Values[i] = float64(it.Scale.Min)
				}
			case questionnaires.NPS:
				r.Values[i] = 9
			default:
				r.Values[i] = math.NaN()
			}
		}
		return r
	}
	group := func(id string, networkers, experts int) analysis.Group {
		g := analysis.Group{ID: id, Name: id, Headcount: 40, ExternallyVisible: true}
		for range networkers {
			g.Responses = append(g.Responses, respond("super_networker"))
		}
		for range experts {
			g.Responses = append(g.Responses, respond("quiet_expert"))
		}
		return g
	}
	res, err := analysis.Analyze(analysis.Input{Questionnaire: q, Config: analysis.DefaultConfig(), Seed: 1,
		Groups: []analysis.Group{group("A", 2, 12), group("B", 7, 6), group("C", 5, 6)}})
	if err != nil {
		t.Fatal(err)
	}
	count := func(g *analysis.GroupResult, p string) (int, bool) {
		if g.Figures == nil || g.Ambassadors == nil {
			return 0, false
		}
		for _, c := range g.Ambassadors.Profiles {
			if c.Profile == p {
				return c.Count, true
			}
		}
		return 0, false
	}
	if _, ok := count(&res.Departments[0], "super_networker"); ok {
		t.Fatal("A shows its 2 networkers")
	}
	for i := 1; i < 3; i++ {
		if _, ok := count(&res.Departments[i], "super_networker"); !ok {
			t.Fatalf("department %d hides its networkers: the test proves nothing", i)
		}
	}
	if org, ok := count(&res.Organisation, "super_networker"); ok {
		b, _ := count(&res.Departments[1], "super_networker")
		c, _ := count(&res.Departments[2], "super_networker")
		if rest := org - b - c; rest > 0 && rest < 5 {
			t.Fatalf("organisation %d minus B %d minus C %d = A's %d networkers", org, b, c, rest)
		}
	}
}
