package reports_test

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"trots/analysis"
	"trots/questionnaires"
	"trots/reports"
	"trots/survey/demo"
)

// TestOrganisationReportShowsTheAnalysis reads the organisation report
// back in both languages: every shown department has a line with its
// verdict word and its pride mean, formatted in that language, and a page
// of its own; the organisation's totals are on the cover.
func TestOrganisationReportShowsTheAnalysis(t *testing.T) {
	c := demoOrganisation(t)
	res := c.in.Result
	for _, lang := range []string{"nl", "en"} {
		t.Run(lang, func(t *testing.T) {
			text := demoText(t, "", lang)
			shown := 0
			for i := range res.Departments {
				g := &res.Departments[i]
				if g.Figures == nil {
					continue
				}
				shown++
				word := verdictWord[lang][g.Decision]
				pride := dim(g, "pride")
				if pride == nil {
					t.Fatalf("%s: no pride cell", g.Name)
				}
				mean := dec(pride.Mean, lang)
				found := false
				for _, l := range linesWith(text, g.Name) {
					if strings.Contains(l, word) && strings.Contains(l, mean) {
						found = true
					}
				}
				if !found {
					t.Errorf("%s: no line with %q and pride %s:\n%s", g.Name, word, mean, strings.Join(linesWith(text, g.Name), "\n"))
				}
			}
			if shown != 8 {
				t.Errorf("%d departments shown, want 8", shown)
			}
			o := res.Organisation
			cover := map[string]string{
				"nl": fmt.Sprintf("%d van %d medewerkers (%.0f%%)", o.N, o.Headcount, 100*o.ResponseRate.Share),
				"en": fmt.Sprintf("%d of %d employees (%.0f%%)", o.N, o.Headcount, 100*o.ResponseRate.Share),
			}[lang]
			if !strings.Contains(text, cover) {
				t.Errorf("the cover does not say %q", cover)
			}
			for _, want := range map[string][]string{
				"nl": {"Samenvatting voor het management", "Drie bevindingen", "Afdelingen en thema's", "Belofte en praktijk per afdeling", "Deelname", "Bijlage: zo werkt de methode", "Pagina 1 van"},
				"en": {"Executive summary", "Three findings", "Departments and themes", "Promise and reality per department", "Participation", "Appendix: how the method works", "Page 1 of"},
			}[lang] {
				if !strings.Contains(text, want) {
					t.Errorf("no %q in the report", want)
				}
			}
		})
	}
}

func dim(g *analysis.GroupResult, id string) *analysis.DimensionStats {
	for _, d := range g.Dimensions {
		if d.ID == id {
			return d.DimensionStats
		}
	}
	return nil
}

// TestEveryPageHasNumberAndThreshold checks the footer: "page i of n" and
// the anonymity threshold on every page.
func TestEveryPageHasNumberAndThreshold(t *testing.T) {
	for _, lang := range []string{"nl", "en"} {
		text := demoText(t, "", lang)
		pages := strings.Split(strings.TrimRight(text, "\f\n"), "\f")
		page := map[string]string{"nl": "Pagina %d van %d", "en": "Page %d of %d"}[lang]
		k := map[string]string{"nl": "kleiner dan 5 (k = 5)", "en": "smaller than 5 (k = 5)"}[lang]
		for i, p := range pages {
			if want := fmt.Sprintf(page, i+1, len(pages)); !strings.Contains(p, want) {
				t.Errorf("%s page %d: no %q", lang, i+1, want)
			}
			if !strings.Contains(p, k) {
				t.Errorf("%s page %d: no anonymity threshold %q", lang, i+1, k)
			}
		}
	}
}

// TestAccentsSurvive: the embedded UTF-8 font keeps ë, é, ï and €.
func TestAccentsSurvive(t *testing.T) {
	c := demoOrganisation(t)
	in := c.in
	in.Organisation = "Stichting Één € Café naïef"
	for _, lang := range []string{"nl", "en"} {
		text := pdfText(t, organisationPDF(t, in, lang))
		for _, want := range []string{"Financiën", "Stichting Één € Café naïef"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: %q does not survive", lang, want)
			}
		}
		dept := pdfText(t, departmentPDF(t, in, "Financiën", lang))
		if !strings.Contains(dept, "Financiën") || !strings.Contains(dept, "€") {
			t.Errorf("%s: the department report lost its accents", lang)
		}
	}
	if text := pdfText(t, departmentPDF(t, in, "Financiën", "nl")); !strings.Contains(text, "werk-privé") {
		t.Error("no é in the topic names")
	}
}

// TestSuppressedDepartmentsShowNoFigure: a department below k appears by
// name with the suppression text and nothing else on its line, none of its
// true means (computed from the raw answers) appears next to its name, its
// comments appear nowhere, and its own report holds only the explanation.
func TestSuppressedDepartmentsShowNoFigure(t *testing.T) {
	c := demoOrganisation(t)
	res := c.in.Result
	k := res.Config.MinGroup
	digits := regexp.MustCompile(`[0-9]`)
	var suppressed int
	for _, d := range c.org.Departments {
		g := department(t, res, d.Name)
		if g.Figures != nil {
			continue
		}
		suppressed++
		if len(d.Responses) >= k {
			t.Fatalf("%s has %d responses but is suppressed: the demo changed", d.Name, len(d.Responses))
		}
		means := trueMeans(c.q, res, d)
		if len(means) == 0 {
			t.Fatalf("%s: no true means computed", d.Name)
		}
		for _, lang := range []string{"nl", "en"} {
			text := demoText(t, "", lang)
			lines := linesWith(text, d.Name)
			if len(lines) < 3 {
				t.Errorf("%s (%s): named on %d lines, want the heatmap, the gap table, participation and the summary", d.Name, lang, len(lines))
			}
			phrase := fmt.Sprintf(notShown[lang], k)
			withPhrase := 0
			for _, l := range lines {
				if strings.Contains(l, phrase) {
					withPhrase++
				}
				if rest := strings.ReplaceAll(l, phrase, ""); digits.MatchString(rest) {
					t.Errorf("%s (%s): a number on its line: %q", d.Name, lang, l)
				}
				for _, m := range means {
					if strings.Contains(l, m) {
						t.Errorf("%s (%s): its true mean %s next to its name: %q", d.Name, lang, m, l)
					}
				}
			}
			if withPhrase < 3 {
				t.Errorf("%s (%s): %q on %d lines, want at least 3", d.Name, lang, phrase, withPhrase)
			}
			flat := oneLine(text)
			for _, r := range d.Responses {
				for _, comment := range r.Comments {
					if p := prefix(comment); strings.Contains(flat, p) {
						t.Errorf("%s (%s): its comment %q is in the organisation report", d.Name, lang, p)
					}
				}
			}

			own := demoText(t, d.Name, lang)
			if !strings.Contains(own, d.Name) || !strings.Contains(own, verdictWord[lang][analysis.NotMeasurable]) {
				t.Errorf("%s (%s): its own report lacks its name or verdict", d.Name, lang)
			}
			for _, m := range means {
				if strings.Contains(own, m) {
					t.Errorf("%s (%s): its own report holds its true mean %s", d.Name, lang, m)
				}
			}
			for _, w := range []string{fmt.Sprintf(" %d ", len(d.Responses)), fmt.Sprintf(" %d ", d.Headcount)} {
				for _, l := range strings.Split(own, "\n") {
					if strings.Contains(" "+l+" ", w) && !strings.Contains(l, fmt.Sprint(k)) && !isFooter(l) {
						t.Errorf("%s (%s): its own report shows a count %q: %q", d.Name, lang, strings.TrimSpace(w), l)
					}
				}
			}
			ownFlat := oneLine(own)
			for _, r := range d.Responses {
				for _, comment := range r.Comments {
					if p := prefix(comment); strings.Contains(ownFlat, p) {
						t.Errorf("%s (%s): its own report shows a comment %q", d.Name, lang, p)
					}
				}
			}
			for _, want := range map[string][]string{
				"nl": {"Waarom dit rapport geen cijfers bevat", "Zo komt er wel een meetbaar resultaat"},
				"en": {"Why this report contains no figures", "How to get a measurable result"},
			}[lang] {
				if !strings.Contains(own, want) {
					t.Errorf("%s (%s): its own report does not explain %q", d.Name, lang, want)
				}
			}
		}
	}
	if suppressed != 2 {
		t.Errorf("%d suppressed departments, want 2", suppressed)
	}
}

func isFooter(l string) bool {
	return strings.Contains(l, "Pagina ") || strings.Contains(l, "Page ") || strings.Contains(l, "2026")
}

// prefix is the start of a comment, short enough not to be wrapped.
func prefix(s string) string {
	f := strings.Fields(s)
	return strings.Join(f[:min(len(f), 5)], " ")
}

// TestCommentsOnlyFromTheResult: a department report shows exactly the
// comments the analysis holds for it.
func TestCommentsOnlyFromTheResult(t *testing.T) {
	c := demoOrganisation(t)
	for _, name := range []string{"Klantenservice", "Facilitair"} {
		g := department(t, c.in.Result, name)
		text := oneLine(demoText(t, name, "en"))
		for _, comment := range g.Comments {
			if !strings.Contains(text, prefix(comment)) {
				t.Errorf("%s: comment %q is missing", name, prefix(comment))
			}
		}
		for _, dep := range c.org.Departments {
			if dep.Name != name {
				continue
			}
			if len(dep.Responses) < c.in.Result.Config.MinComments && len(g.Comments) > 0 {
				t.Errorf("%s: comments below the comment threshold", name)
			}
		}
	}
}

// adviceTitles are the headings that tell one kind of advice from another.
var adviceTitles = map[string]map[string]string{
	"pilot":    {"nl": "Begin klein: een pilot met vrijwilligers", "en": "Start small: a pilot with volunteers"},
	"mix":      {"nl": "de mix 60/30/10", "en": "the 60/30/10 mix"},
	"consent":  {"nl": "Checklist toestemming (AVG)", "en": "Consent checklist (GDPR)"},
	"profiles": {"nl": "Zet elke ambassadeur op zijn eigen manier in", "en": "Activate each ambassador in their own way"},
	"fix":      {"nl": "Eerst dit verbeteren", "en": "Fix these first"},
	"board":    {"nl": "klankbord, geen reclamebord", "en": "a sounding board, not a billboard"},
	"again":    {"nl": "Wanneer opnieuw meten", "en": "When to measure again"},
	"internal": {"nl": "Ambassadeurschap blijft hier intern", "en": "Ambassadorship stays internal here"},
	"why":      {"nl": "Waarom er nog geen oordeel is", "en": "Why there is no verdict yet"},
	"silence":  {"nl": "Wat stilte kan betekenen", "en": "What silence may mean"},
	"how":      {"nl": "Zo komt er wel een meetbaar resultaat", "en": "How to get a measurable result"},
	"industry": {"nl": "cijfers uit de branche", "en": "industry figures"},
}

// TestAdviceFollowsTheVerdict: a GO department gets the pilot plan and no
// fix-first advice, a FIX FIRST department the opposite, a department that
// is not measurable the reasons and how to measure, and the department
// that may not be visible outside internal ambassadorship only.
func TestAdviceFollowsTheVerdict(t *testing.T) {
	c := demoOrganisation(t)
	cases := []struct {
		name     string
		verdict  analysis.Decision
		has, not []string
	}{
		{"Communicatie", analysis.Go, []string{"pilot", "mix", "consent", "profiles", "industry"}, []string{"fix", "board", "internal", "why"}},
		{"Onderzoek & Data", analysis.Go, []string{"pilot", "mix", "consent", "profiles"}, []string{"fix", "board", "why"}},
		{"Douane-inspectie", analysis.Go, []string{"internal", "profiles"}, []string{"pilot", "mix", "industry", "fix", "why"}},
		{"ICT", analysis.FixFirst, []string{"fix", "board", "again"}, []string{"pilot", "mix", "consent", "internal", "why"}},
		{"Zorg & Welzijn", analysis.FixFirst, []string{"fix", "board", "again"}, []string{"pilot", "mix", "why"}},
		{"Facilitair", analysis.NotMeasurable, []string{"why", "silence", "how"}, []string{"pilot", "fix", "mix"}},
		{"Financiën", analysis.NotMeasurable, []string{"why", "how"}, []string{"pilot", "fix", "mix"}},
		{"Juridische Zaken", analysis.NotMeasurable, []string{"why", "silence", "how"}, []string{"pilot", "fix", "mix"}},
	}
	for _, tc := range cases {
		if got := department(t, c.in.Result, tc.name).Verdict.Decision; got != tc.verdict {
			t.Fatalf("%s is %s, the test expects %s: the demo changed", tc.name, got, tc.verdict)
		}
		for _, lang := range []string{"nl", "en"} {
			text := oneLine(demoText(t, tc.name, lang))
			if !strings.Contains(text, verdictWord[lang][tc.verdict]) {
				t.Errorf("%s (%s): no verdict %q", tc.name, lang, verdictWord[lang][tc.verdict])
			}
			for _, h := range tc.has {
				if !strings.Contains(text, adviceTitles[h][lang]) {
					t.Errorf("%s (%s): no %s advice (%q)", tc.name, lang, h, adviceTitles[h][lang])
				}
			}
			for _, h := range tc.not {
				if strings.Contains(text, adviceTitles[h][lang]) {
					t.Errorf("%s (%s): %s advice (%q) does not belong here", tc.name, lang, h, adviceTitles[h][lang])
				}
			}
		}
	}
}

// TestFixFirstNamesTheEvidence: the ICT department must fix its
// over-promised pairs first, with their figures, before anything else.
func TestFixFirstNamesTheEvidence(t *testing.T) {
	c := demoOrganisation(t)
	g := department(t, c.in.Result, "ICT")
	text := oneLine(demoText(t, "ICT", "en"))
	first := strings.Index(text, "1. ")
	if first < 0 {
		t.Fatal("no numbered priorities")
	}
	for _, b := range g.Bounds {
		if !strings.HasPrefix(b.Criterion, "gap:") {
			continue
		}
		want := fmt.Sprintf("%+.2f", b.Estimate)
		if i := strings.Index(text[first:], want); i < 0 || i > 600 {
			t.Errorf("the over-promised pair %s (%s) is not among the first priorities", b.Criterion, want)
		}
	}
}

// TestDepartmentReportShowsItsFigures: the department report's theme table
// has every shown mean and interval of the department, in each language.
func TestDepartmentReportShowsItsFigures(t *testing.T) {
	c := demoOrganisation(t)
	g := department(t, c.in.Result, "Klantenservice")
	for _, lang := range []string{"nl", "en"} {
		text := demoText(t, g.Name, lang)
		for _, d := range g.Dimensions {
			if d.DimensionStats == nil || d.CILow == nil {
				continue
			}
			sep := map[string]string{"nl": "; ", "en": ", "}[lang]
			want := "[" + dec(*d.CILow, lang) + sep + dec(*d.CIHigh, lang) + "]"
			if !strings.Contains(text, dec(d.Mean, lang)) || !strings.Contains(text, want) {
				t.Errorf("%s: %s mean %s %s missing", lang, d.ID, dec(d.Mean, lang), want)
			}
		}
		if !strings.Contains(text, verdictWord[lang][analysis.FixFirst]) {
			t.Errorf("%s: no verdict", lang)
		}
	}
}

// TestReproducible: the same input and creation date give the same bytes;
// another date gives other bytes.
func TestReproducible(t *testing.T) {
	c := demoOrganisation(t)
	a, b := organisationPDF(t, c.in, "nl"), organisationPDF(t, c.in, "nl")
	if !bytes.Equal(a, b) {
		t.Error("two organisation reports of the same input differ")
	}
	if x, y := departmentPDF(t, c.in, "ICT", "en"), departmentPDF(t, c.in, "ICT", "en"); !bytes.Equal(x, y) {
		t.Error("two department reports of the same input differ")
	}
	var other bytes.Buffer
	if err := reports.Organisation(&other, c.in, reports.Options{Lang: "nl", CreationDate: created.Add(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, other.Bytes()) {
		t.Error("another creation date gives the same bytes")
	}
}

// TestConcurrentRendering renders reports in parallel (run with -race):
// the render slots serialise fpdf's work without mixing documents.
func TestConcurrentRendering(t *testing.T) {
	c := demoOrganisation(t)
	want := organisationPDF(t, c.in, "en")
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			if err := reports.Organisation(&buf, c.in, reports.Options{Lang: "en", CreationDate: created}); err != nil {
				errs <- err
				return
			}
			if !bytes.Equal(buf.Bytes(), want) {
				errs <- errors.New("a report rendered in parallel differs")
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestUnknownDepartmentAndBadInput(t *testing.T) {
	c := demoOrganisation(t)
	var buf bytes.Buffer
	err := reports.Department(&buf, c.in, "Nergens", reports.Options{Lang: "nl"})
	if !errors.Is(err, reports.ErrUnknownDepartment) || !strings.Contains(err.Error(), `"ICT"`) {
		t.Errorf("unknown department: %v", err)
	}
	if buf.Len() != 0 {
		t.Error("something was written for an unknown department")
	}
	if err := reports.Organisation(&buf, c.in, reports.Options{Lang: "de"}); err == nil {
		t.Error("language de accepted")
	}
	if err := reports.Organisation(&buf, reports.Input{}, reports.Options{}); err == nil {
		t.Error("an empty input accepted")
	}
	if g, err := reports.FindDepartment(c.in.Result, "  ict "); err != nil || g.Name != "ICT" {
		t.Errorf("FindDepartment ignoring case: %v, %v", g, err)
	}
}

// TestTwoHundredDepartments: the heatmap continues over pages with its
// header repeated, every department is listed, and every shown department
// gets a page.
func TestTwoHundredDepartments(t *testing.T) {
	in := bigOrganisation(t)
	text := pdfText(t, organisationPDF(t, in, "en"))
	shown := 0
	for i := range in.Result.Departments {
		g := &in.Result.Departments[i]
		if len(linesWith(text, g.Name)) < 3 {
			t.Errorf("%s is listed on fewer than 3 lines", g.Name)
		}
		if g.Figures != nil {
			shown++
		}
	}
	if n := strings.Count(text, "Department "); n < 4 {
		t.Errorf("the heatmap header appears %d times, want it repeated on every page", n)
	}
	pages := strings.Count(text, "\f")
	if pages < shown {
		t.Errorf("%d pages for %d shown departments", pages, shown)
	}
	if strings.Contains(text, "Interim") {
		t.Error("a report is marked as interim: reports are of closed pulses only")
	}
}

// TestTrendAgainstThePreviousPulse: with a previous pulse the report has a
// trend table with the organisation's change per theme, and the cover
// names the previous pulse.
func TestTrendAgainstThePreviousPulse(t *testing.T) {
	c := demoOrganisation(t)
	prevRes, err := analysis.Analyze(analysis.Input{Questionnaire: c.q, Groups: groups(c.q, demo.Generate(c.q, 2).Departments, ""), Config: analysis.DefaultConfig(), Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	res := *c.in.Result
	if res.Trend, err = analysis.Trend(&res, prevRes); err != nil {
		t.Fatal(err)
	}
	in := c.in
	in.Result = &res
	in.Pulse.Previous = "Nulmeting 2025"
	for _, lang := range []string{"nl", "en"} {
		text := pdfText(t, organisationPDF(t, in, lang))
		title := map[string]string{"nl": "Verandering sinds de vorige meting", "en": "Change since the previous pulse"}[lang]
		if !strings.Contains(text, title) || !strings.Contains(text, "Nulmeting 2025") {
			t.Fatalf("%s: no trend section naming the previous pulse", lang)
		}
		org := res.Trend.Groups[0]
		if !org.Organisation {
			t.Fatal("the trend does not start with the organisation")
		}
		name := map[string]string{"nl": "Hele organisatie", "en": "Whole organisation"}[lang]
		var line string
		for _, l := range linesWith(text, name) {
			if strings.Contains(l, signed(org.Dimensions[0].Diff, lang)) {
				line = l
			}
		}
		if line == "" {
			t.Errorf("%s: no line with the organisation's change in %s (%s)", lang, org.Dimensions[0].Dimension, signed(org.Dimensions[0].Diff, lang))
		}
	}
}

func signed(x float64, lang string) string {
	s := dec(x, lang)
	if !strings.HasPrefix(s, "-") && strings.Trim(s, "0.,") != "" {
		s = "+" + s
	}
	return s
}

// TestEdgeCasesRender: the short pulse questionnaire (no gap pairs, no
// willingness, no profiles), an organisation too small to show anything,
// unknown headcounts and hostile names all render without failing.
func TestEdgeCasesRender(t *testing.T) {
	pulse := mustLoad(t, "pulse")
	org := demo.Generate(pulse, 3)
	full := mustLoad(t, "advocacy-readiness")
	tiny := demo.Generate(full, 4)
	tinyGroups := groups(full, tiny.Departments[6:8], "") // two departments below k
	odd := groups(full, tiny.Departments[:3], "")
	odd[0].Headcount = 0
	odd[1].Name = "Team 😀 <script>\n\t(nacht)"
	odd[2].Headcount = 5 // fewer employees than responses
	for _, c := range []struct {
		name string
		q    *questionnaires.Questionnaire
		gs   []analysis.Group
	}{
		{"pulse questionnaire", pulse, groups(pulse, org.Departments, "")},
		{"everything suppressed", full, tinyGroups},
		{"odd departments", full, odd},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := analysis.Analyze(analysis.Input{Questionnaire: c.q, Groups: c.gs, Config: analysis.DefaultConfig(), Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			in := reports.Input{Organisation: "Org", Questionnaire: c.q, Result: res, Pulse: reports.Pulse{Name: "P"}}
			for _, lang := range []string{"nl", "en"} {
				text := pdfText(t, organisationPDF(t, in, lang))
				if !strings.Contains(text, "Org") {
					t.Errorf("%s: no organisation name", lang)
				}
				for _, g := range res.Departments[:min(4, len(res.Departments))] {
					pdfText(t, departmentPDF(t, in, g.Name, lang))
				}
			}
		})
	}
}
