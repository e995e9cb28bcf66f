package reports_test

import (
	"strings"
	"testing"

	"trots/analysis"
	"trots/survey/demo"
)

// TestReportsSayWhyAnswersAreSuspectAndNamePossibleProblems: the demo with
// one department stuffed by 30 copies of one answer, and one FIX FIRST
// department cut to 8 answers. The department reports say why (the
// integrity reason, advice to answer once per person; the possible
// problem), and so does the stuffed department's page of the organisation
// report.
func TestReportsSayWhyAnswersAreSuspectAndNamePossibleProblems(t *testing.T) {
	c := demoOrganisation(t)
	deps := make([]demo.Department, len(c.org.Departments))
	copy(deps, c.org.Departments)
	stuffed, cut := "", ""
	for i, d := range deps {
		switch {
		case stuffed == "" && d.Expect == demo.ExpectGo:
			stuffed = d.Name
			for j := 0; j < 30; j++ {
				d.Responses = append(d.Responses[:len(d.Responses):len(d.Responses)], d.Responses[0])
			}
			d.Headcount = len(d.Responses) + 10 // only the duplicates are suspect
		case cut == "" && d.Expect == demo.ExpectFixFirst && len(d.Responses) >= 8:
			cut = d.Name
			d.Responses = d.Responses[:8]
		}
		deps[i] = d
	}
	res, err := analysis.Analyze(analysis.Input{Questionnaire: c.q, Groups: groups(c.q, deps, ""), Config: analysis.DefaultConfig(), Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if g := department(t, res, stuffed); g.Decision != analysis.NotMeasurable || len(g.IntegrityFlags) != 1 || g.IntegrityFlags[0].Identical != 31 {
		t.Fatalf("%s: %s flags %+v; the test needs 31 identical answers flagged", stuffed, g.Decision, g.IntegrityFlags)
	}
	if g := department(t, res, cut); g.Decision != analysis.NotMeasurable || len(g.PossibleProblems) == 0 {
		t.Fatalf("%s: %s possible %v; the test needs possible problems", cut, g.Decision, g.PossibleProblems)
	}
	in := c.in
	in.Result = res
	for _, tc := range []struct {
		lang                      string
		identical, once, possible string
	}{
		{"en", "31 identical answers, far more than chance explains", "One answer per person:", "Possible problem:"},
		{"nl", "31 identieke antwoorden, veel meer dan toeval verklaart", "Eén antwoord per persoon:", "Mogelijk probleem:"},
	} {
		text := oneLine(pdfText(t, departmentPDF(t, in, stuffed, tc.lang)))
		for _, want := range []string{tc.identical, tc.once} {
			if !strings.Contains(text, want) {
				t.Errorf("%s report of %s lacks %q", tc.lang, stuffed, want)
			}
		}
		if text := oneLine(pdfText(t, departmentPDF(t, in, cut, tc.lang))); !strings.Contains(text, tc.possible) {
			t.Errorf("%s report of %s lacks %q", tc.lang, cut, tc.possible)
		}
		// The organisation report's page of the department says why.
		if page := departmentPage(t, pdfText(t, organisationPDF(t, in, tc.lang)), stuffed); !strings.Contains(page, tc.identical) {
			t.Errorf("%s organisation report, page of %s, lacks %q", tc.lang, stuffed, tc.identical)
		}
	}
}
