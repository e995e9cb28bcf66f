package reports_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"trots/analysis"
	"trots/reports"
)

// TestSmallestDetectableChangeSentence: the sentence on measuring again
// puts the number of points and the theme where they belong, in both
// languages (the English text once had them swapped).
func TestSmallestDetectableChangeSentence(t *testing.T) {
	c := demoOrganisation(t)
	if n := dim(department(t, c.in.Result, "ICT"), "communication").N; n != 36 {
		t.Fatalf("ICT has %d respondents on communication, the test expects 36: the demo changed", n)
	}
	for lang, want := range map[string]string{
		"en": "With 36 respondents, only a change of about 0.4 points or more on communication can be demonstrated (the smallest detectable change).",
		"nl": "Met 36 respondenten is op communicatie alleen een verandering van ongeveer 0,4 punt of meer aantoonbaar (de kleinste aantoonbare verandering).",
	} {
		if text := oneLine(demoText(t, "ICT", lang)); !strings.Contains(text, want) {
			t.Errorf("%s: no %q in the ICT report", lang, want)
		}
	}
	// Every FIX FIRST department: a number before "points", a theme after
	// "on".
	sentence := map[string]*regexp.Regexp{
		"en": regexp.MustCompile(`With [0-9]+ respondents, only a change of about (\S+) points or more on ([^.]+?) can be demonstrated`),
		"nl": regexp.MustCompile(`Met [0-9]+ respondenten is op ([^.]+?) alleen een verandering van ongeveer (\S+) punt of meer aantoonbaar`),
	}
	number := regexp.MustCompile(`^[0-9]+[.,][0-9]$`)
	found := 0
	for _, g := range c.in.Result.Departments {
		if g.Verdict == nil || g.Decision != analysis.FixFirst {
			continue
		}
		for lang, re := range sentence {
			m := re.FindStringSubmatch(oneLine(demoText(t, g.Name, lang)))
			if m == nil {
				t.Errorf("%s (%s): no sentence on the smallest detectable change", g.Name, lang)
				continue
			}
			found++
			change, theme := m[1], m[2]
			if lang == "nl" {
				change, theme = m[2], m[1]
			}
			if !number.MatchString(change) || strings.ContainsAny(theme, "0123456789") {
				t.Errorf("%s (%s): change %q, theme %q in %q", g.Name, lang, change, theme, m[0])
			}
		}
	}
	if found == 0 {
		t.Error("no FIX FIRST department in the demo")
	}
}

// TestDutchVerdictIsGO: the Dutch reports call a ready department "GO",
// as the console's board does, in the legend, the summary, the heatmap,
// the department pages and the method appendix; never "START".
func TestDutchVerdictIsGO(t *testing.T) {
	c := demoOrganisation(t)
	org := demoText(t, "", "nl")
	if strings.Contains(org, "START") {
		t.Errorf("the Dutch organisation report still says START: %q", linesWith(org, "START"))
	}
	for _, want := range []string{"Een onterechte GO kost geloofwaardigheid", "Daarom moet GO op elk criterium", "6. GO als elk criterium"} {
		if !strings.Contains(oneLine(org), want) {
			t.Errorf("the method appendix lacks %q", want)
		}
	}
	for _, g := range c.in.Result.Departments {
		if g.Verdict == nil || g.Decision != analysis.Go {
			continue
		}
		lines := linesWith(org, g.Name)
		if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasSuffix(strings.TrimSpace(l), " GO") }) {
			t.Errorf("%s: no heatmap line ending in GO: %q", g.Name, lines)
		}
		own := demoText(t, g.Name, "nl")
		if strings.Contains(own, "START") || !regexp.MustCompile(`(?m)^\s*GO\s*$`).MatchString(own) {
			t.Errorf("%s: the department report's verdict is not GO", g.Name)
		}
	}
}

// TestDutchReportsAreInformal: the rendered Dutch reports address the
// reader as "je", never with the formal "u" or "uw" (the texts are checked
// in the source by TestDutchIsInformal; this also covers what comes from
// the questionnaire).
func TestDutchReportsAreInformal(t *testing.T) {
	c := demoOrganisation(t)
	names := []string{""}
	for _, g := range c.in.Result.Departments {
		names = append(names, g.Name)
	}
	for _, name := range names {
		text := demoText(t, name, "nl")
		if w := reports.FormalWords(text); len(w) > 0 {
			for _, f := range w {
				t.Errorf("report %q: formal %q in %q", name, f, linesWith(text, " "+f+" "))
			}
		}
	}
	if !strings.Contains(oneLine(demoText(t, "Communicatie", "nl")), "Alleen je eigen cijfers tellen.") {
		t.Error("the industry figures no longer end with \"Alleen je eigen cijfers tellen.\"")
	}
}

// participationTips are the items of the "how" block that only more
// participation could make work.
var participationTips = map[string][]string{
	"nl": {"Persoonlijke uitnodiging:", "Elk kanaal:", "Leg de anonimiteit uit:", "Laat zien wat er vorige keer gebeurde:", "Houd het kort:", "Mik op "},
	"en": {"Personal invitation:", "Every channel:", "Explain the anonymity:", "Show what happened last time:", "Keep it short:", "Aim for "},
}

// TestNeededBeyondHeadcount: Financiën (22 employees, 12 respondents)
// would need more respondents than it has employees to decide (pride's
// estimate lies just above its bar, so only a narrow interval settles it). Full participation cannot
// settle that, so its report advises reporting together with a related
// department instead of participation tips and a number to aim for, and
// the organisation report's next step says the same.
func TestNeededBeyondHeadcount(t *testing.T) {
	c := demoOrganisation(t)
	g := department(t, c.in.Result, "Financiën")
	if g.Headcount != 22 || g.N != 12 || g.NeededN <= g.Headcount {
		t.Fatalf("Financiën: headcount %d, n %d, needed %d; the test expects 22, 12 and more than 22: the demo changed", g.Headcount, g.N, g.NeededN)
	}
	has := map[string][]string{
		"nl": {
			"Dat is meer dan de 22 medewerkers van de afdeling: ook als iedereen meedoet, kan de regel hier niet beslissen.",
			"Rapporteer samen met een verwante afdeling: voeg deze afdeling samen met een afdeling die nauw met haar samenwerkt",
			"Dat is meer dan de 22 medewerkers van de afdeling: ook als iedereen meedoet, beslist de regel hier niet.",
		},
		"en": {
			"That is more than the department's 22 employees: even if everyone takes part, the rule cannot decide here.",
			"Report together with a related department: combine this department with one that works closely with it",
			"That is more than the department's 22 employees: even if everyone takes part, the rule will not decide here.",
		},
	}
	not := map[string][]string{
		"nl": {"minstens 10 respondenten", "Rapporteer een grotere eenheid", "dat aantal is dus haalbaar"},
		"en": {"at least 10 respondents", "Report a larger unit", "within reach"},
	}
	next := map[string][2]string{
		"nl": {"Volgende stap Rapporteer samen met een verwante afdeling: ook als iedereen meedoet, is deze afdeling te klein om te beslissen.", "meer deelname"},
		"en": {"Next step Report together with a related department: even if everyone takes part, this department is too small to decide.", "more participation"},
	}
	for _, lang := range []string{"nl", "en"} {
		text := oneLine(demoText(t, g.Name, lang))
		for _, want := range has[lang] {
			if !strings.Contains(text, want) {
				t.Errorf("%s: no %q", lang, want)
			}
		}
		advice := adviceSection(t, text, lang)
		for _, bad := range append(not[lang], participationTips[lang]...) {
			if strings.Contains(advice, bad) {
				t.Errorf("%s: %q, although even full participation cannot settle it", lang, bad)
			}
		}
		page := departmentPage(t, demoText(t, "", lang), g.Name)
		if !strings.Contains(page, next[lang][0]) || strings.Contains(strings.ToLower(page), next[lang][1]) {
			t.Errorf("%s: the organisation report's next step for Financiën is not to report together:\n%s", lang, page)
		}
	}

	// The same department with room for the respondents it needs: the
	// participation advice returns, with the number to aim for.
	if g.NeededN >= 1000 {
		t.Fatalf("Financiën needs %d: the test below writes the number without a thousands separator", g.NeededN)
	}
	in := c.in
	res := *in.Result
	res.Departments = slices.Clone(res.Departments)
	for i := range res.Departments {
		if res.Departments[i].Name == g.Name {
			res.Departments[i].Headcount = g.NeededN + 16
		}
	}
	in.Result = &res
	for _, lang := range []string{"nl", "en"} {
		text := oneLine(pdfText(t, departmentPDF(t, in, g.Name, lang)))
		aim := map[string]string{"nl": "Mik op %d respondenten:", "en": "Aim for %d respondents:"}[lang]
		for _, want := range append([]string{fmt.Sprintf(aim, g.NeededN)}, participationTips[lang]...) {
			if !strings.Contains(text, want) {
				t.Errorf("%s, larger headcount: no %q", lang, want)
			}
		}
		if strings.Contains(text, has[lang][1]) {
			t.Errorf("%s, larger headcount: still advises reporting together", lang)
		}
		page := departmentPage(t, pdfText(t, organisationPDF(t, in, lang)), g.Name)
		if !strings.Contains(strings.ToLower(page), next[lang][1]) {
			t.Errorf("%s, larger headcount: the next step no longer asks for more participation:\n%s", lang, page)
		}
	}
}

// adviceSection is the advice of a department report's text (on one
// line), up to the reading guide.
func adviceSection(t *testing.T, text, lang string) string {
	t.Helper()
	start := strings.Index(text, map[string]string{"nl": "Advies: ", "en": "Advice: "}[lang])
	if start < 0 {
		t.Fatalf("%s: no advice section", lang)
	}
	text = text[start:]
	if end := strings.Index(text, map[string]string{"nl": "Zo lees je dit rapport", "en": "How to read this report"}[lang]); end >= 0 {
		text = text[:end]
	}
	return text
}

// departmentPage is the organisation report's page of one department,
// from its title to its next step, on one line.
func departmentPage(t *testing.T, text, name string) string {
	t.Helper()
	for _, p := range strings.Split(text, "\f") {
		lines := strings.Split(strings.TrimSpace(p), "\n")
		for i, l := range lines {
			if strings.TrimSpace(l) == name && slices.ContainsFunc(lines[i:], func(l string) bool {
				return strings.Contains(l, "Volgende stap") || strings.Contains(l, "Next step")
			}) {
				return oneLine(strings.Join(lines[i:], "\n"))
			}
		}
	}
	t.Fatalf("no page of %s in the organisation report", name)
	return ""
}

// TestDriversClaimOnlyDemonstratedDifferences: the advice says a key driver
// scores lower in the department only when the department table shows the
// difference with the rest as demonstrated. ICT's communication is lower
// by its mean but not demonstrably (the interval includes 0); Zorg &
// Welzijn's is demonstrably lower.
func TestDriversClaimOnlyDemonstratedDifferences(t *testing.T) {
	c := demoOrganisation(t)
	alpha := 1 - c.in.Result.Config.Level
	ict, zorg := dim(department(t, c.in.Result, "ICT"), "communication"), dim(department(t, c.in.Result, "Zorg & Welzijn"), "communication")
	if ict.VsRest == nil || ict.VsRest.Diff >= 0 || ict.VsRest.Q < alpha || zorg.VsRest == nil || zorg.VsRest.Diff >= 0 || zorg.VsRest.Q >= alpha {
		t.Fatal("the test expects ICT's communication lower but not demonstrably, Zorg & Welzijn's demonstrably lower: the demo changed")
	}
	lower := map[string]string{
		"nl": "In deze afdeling scoort communicatie lager dan in de organisatie: verbeteren loont hier dubbel.",
		"en": "In this department, communication scores lower than in the organisation: improving it pays off twice here.",
	}
	same := map[string]string{
		"nl": "Communicatie weegt organisatiebreed zwaar; in deze afdeling is het niet aantoonbaar anders dan elders.",
		"en": "Communication weighs heavily across the organisation; in this department it is not demonstrably different from elsewhere.",
	}
	table := map[string]*regexp.Regexp{
		"nl": regexp.MustCompile(`(?m)^Communicatie .*\bnee$`),
		"en": regexp.MustCompile(`(?m)^Communication .*\bno$`),
	}
	for _, lang := range []string{"nl", "en"} {
		raw := demoText(t, "ICT", lang)
		if !table[lang].MatchString(raw) {
			t.Errorf("%s: ICT's table does not say the communication difference is not demonstrated", lang)
		}
		text := oneLine(raw)
		if strings.Contains(text, lower[lang]) || !strings.Contains(text, same[lang]) {
			t.Errorf("%s: ICT's advice claims a difference its table does not demonstrate", lang)
		}
		text = oneLine(demoText(t, "Zorg & Welzijn", lang))
		if !strings.Contains(text, lower[lang]) || strings.Contains(text, same[lang]) {
			t.Errorf("%s: Zorg & Welzijn's advice does not name its demonstrably lower communication", lang)
		}
	}
	// Two demonstrably lower drivers read as a plural.
	plural := map[string]string{
		"nl": "In deze afdeling scoren het werk zelf en communicatie lager dan in de organisatie",
		"en": "In this department, the job itself and communication score lower than in the organisation: improving them",
	}
	for lang, want := range plural {
		if !strings.Contains(oneLine(demoText(t, "Klantenservice", lang)), want) {
			t.Errorf("%s: Klantenservice lacks %q", lang, want)
		}
	}

	// ICT with its communication difference demonstrated (the same field
	// the table reads): the advice now names it.
	in := c.in
	res := *in.Result
	res.Departments = slices.Clone(res.Departments)
	for i := range res.Departments {
		g := &res.Departments[i]
		if g.Name != "ICT" {
			continue
		}
		figures := *g.Figures
		figures.Dimensions = slices.Clone(figures.Dimensions)
		for j := range figures.Dimensions {
			d := &figures.Dimensions[j]
			if d.ID == "communication" {
				stats, vs := *d.DimensionStats, *d.VsRest
				vs.Q = alpha / 10
				stats.VsRest = &vs
				d.DimensionStats = &stats
			}
		}
		g.Figures = &figures
	}
	in.Result = &res
	for _, lang := range []string{"nl", "en"} {
		raw := pdfText(t, departmentPDF(t, in, "ICT", lang))
		if table[lang].MatchString(raw) {
			t.Errorf("%s: the table still says not demonstrated", lang)
		}
		text := oneLine(raw)
		if !strings.Contains(text, lower[lang]) || strings.Contains(text, same[lang]) {
			t.Errorf("%s: with the difference demonstrated, the advice does not name it", lang)
		}
	}
}

// A profile of the willing that the analysis hides (fewer than k people,
// who colleagues might recognise) is named without a count in the
// department report, and its advice does not claim nobody chose a style.
func TestHiddenProfilesAreNamedWithoutACount(t *testing.T) {
	c := demoOrganisation(t)
	checked := 0
	for _, g := range c.in.Result.Departments {
		if g.Figures == nil || g.Ambassadors == nil || len(g.Ambassadors.ProfilesHidden) == 0 {
			continue
		}
		for _, lang := range []string{"nl", "en"} {
			text := demoText(t, g.Name, lang)
			hidden := map[string]string{"nl": "verborgen", "en": "hidden"}[lang]
			named := 0
			for _, line := range strings.Split(text, "\n") {
				for _, p := range g.Ambassadors.ProfilesHidden {
					name := map[string]map[string]string{
						"quiet_expert": {"nl": "Stille expert", "en": "Quiet expert"}, "super_networker": {"nl": "Supernetwerker", "en": "Super-networker"},
						"warm_welcomer": {"nl": "Warme verwelkomer", "en": "Warm welcomer"}}[p][lang]
					if name == "" || !strings.HasPrefix(strings.TrimSpace(line), name+" ") {
						continue
					}
					if !strings.Contains(line, hidden) {
						t.Errorf("%s (%s): hidden profile %s without %q: %q", g.Name, lang, p, hidden, line)
					}
					named++
				}
			}
			if named == 0 {
				t.Errorf("%s (%s): the hidden profiles %v are not named in the report", g.Name, lang, g.Ambassadors.ProfilesHidden)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no department with a hidden profile in the demo: the test proves nothing")
	}
}
