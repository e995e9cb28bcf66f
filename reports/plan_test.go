package reports_test

import (
	"strings"
	"testing"

	"trots/analysis"
	"trots/reports"
	"trots/survey/demo"
)

// A department report shows the plan that answered the previous pulse with
// each theme's change, its interval, the smallest detectable change and
// whether it is demonstrated, in both languages; a plan without progress
// (answering this pulse) lists its actions only. A theme the trend does
// not hold says it cannot be compared.
func TestDepartmentReportShowsTheActionPlanAndItsProgress(t *testing.T) {
	c := demoOrganisation(t)
	prevRes, err := analysis.Analyze(analysis.Input{Questionnaire: c.q, Groups: groups(c.q, demo.Generate(c.q, 2).Departments, ""), Config: analysis.DefaultConfig(), Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	res := *c.in.Result
	if res.Trend, err = analysis.Trend(&res, prevRes); err != nil {
		t.Fatal(err)
	}
	g := department(t, &res, "Klantenservice")
	var pride analysis.DimensionTrend
	for _, gt := range res.Trend.Groups {
		if gt.Name == g.Name {
			for _, dt := range gt.Dimensions {
				if dt.Dimension == "pride" {
					pride = dt
				}
			}
		}
	}
	if pride.Dimension == "" {
		t.Fatal("no trend of pride for Klantenservice")
	}
	in := c.in
	in.Result = &res
	in.Pulse.Previous = "Nulmeting 2025"
	in.Plans = []reports.ActionPlan{
		{After: "Nulmeting 2025", Progress: true, Actions: []reports.PlanAction{
			{Title: "Werkdruk omlaag", Theme: "Trots", Owner: "teamleider", Due: "2026-03-31", Status: "bezig", Dimension: "pride"},
			{Title: "Belofte bijstellen", Theme: "Innovatie", Owner: "HR-adviseur", Due: "2026-04-30", Status: "gepland", Dimension: "unknown"},
		}},
		{After: c.in.Pulse.Name, Actions: []reports.PlanAction{
			{Title: "Vervolggesprekken", Theme: "Trots", Owner: "afdelingshoofd", Due: "2026-06-01", Status: "gepland", Dimension: "pride"},
		}},
	}
	shown := map[bool]string{true: "ja", false: "nee"}
	for _, lang := range []string{"nl", "en"} {
		text := pdfText(t, departmentPDF(t, in, "Klantenservice", lang))
		one := oneLine(text)
		want := map[string][]string{
			"nl": {"Actieplan na Nulmeting 2025", "Werkdruk omlaag", "teamleider", "2026-03-31", "Verandering per thema van het plan sinds Nulmeting 2025", "niet te vergelijken", "Actieplan na " + c.in.Pulse.Name, "Vervolggesprekken"},
			"en": {"Action plan after Nulmeting 2025", "Werkdruk omlaag", "teamleider", "2026-03-31", "Change per theme of the plan since Nulmeting 2025", "cannot be compared", "Action plan after " + c.in.Pulse.Name, "Vervolggesprekken"},
		}[lang]
		for _, w := range want {
			if !strings.Contains(one, w) {
				t.Errorf("%s: the report lacks %q", lang, w)
			}
		}
		demonstrated := pride.CILow > 0 || pride.CIHigh < 0
		yes := shown[demonstrated]
		if lang == "en" {
			yes = map[bool]string{true: "yes", false: "no"}[demonstrated]
		}
		found := false
		for _, l := range linesWith(text, signed(pride.Diff, lang)) {
			if strings.Contains(l, dec(pride.MDD, lang)) && strings.HasSuffix(strings.TrimSpace(l), yes) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no line with pride's change %s, MDD %s and %q", lang, signed(pride.Diff, lang), dec(pride.MDD, lang), yes)
		}
		// The plan of this pulse has no progress table of its own.
		if n := strings.Count(one, map[string]string{"nl": "Verandering per thema van het plan", "en": "Change per theme of the plan"}[lang]); n != 1 {
			t.Errorf("%s: %d progress tables, want 1", lang, n)
		}
	}
}
