package reports_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"trots/analysis"
	"trots/reports"
)

// findingsHeading and findingsRule open the findings of the organisation
// report and the rule text under them.
var (
	findingsHeading = map[string]string{"nl": "Drie bevindingen", "en": "Three findings"}
	findingsRule    = map[string]string{"nl": "Gekozen volgens een vaste regel", "en": "Chosen by a fixed rule"}
	// rulePhrases are what the rule text must say: the five kinds, the
	// measure of severity, each department once, and the pilot.
	rulePhrases = map[string][]string{
		"nl": {"een aangetoonde overbelofte, een ontbrekende startvoorwaarde, een zwak fundament, een negatieve eNPS en stilte",
			"voorbij de drempel ligt, als deel van de afstand tussen de drempel en de slechtst mogelijke waarde",
			"We nemen steeds het ernstigste probleem dat overblijft", "met elke soort en elke afdeling hooguit één keer",
			"De derde bevinding is waar een pilot kan beginnen; zonder GO-afdeling is dat het derde probleem."},
		"en": {"a demonstrated over-promise, a missing condition for starting, a weak foundation, a negative eNPS and silence",
			"lies past its bar, as a share of the distance from the bar to the worst possible value",
			"Each time we take the most severe problem left", "with every kind and every department at most once",
			"The third finding is where a pilot can start; without a GO department it is the third problem."},
	}
)

// findingsPage is the page of the organisation report with the findings.
func findingsPage(t *testing.T, text, lang string) string {
	t.Helper()
	for _, page := range strings.Split(text, "\f") {
		if strings.Contains(page, findingsHeading[lang]) {
			return page
		}
	}
	t.Fatalf("%s: no page with %q", lang, findingsHeading[lang])
	return ""
}

var numberedItem = regexp.MustCompile(`(?m)^\s{0,3}\d\.\s`)

// findingsIn splits the findings of the organisation report's text, each
// on one line.
func findingsIn(t *testing.T, text, lang string) []string {
	t.Helper()
	page := findingsPage(t, text, lang)
	s := page[strings.Index(page, findingsHeading[lang])+len(findingsHeading[lang]):]
	end := strings.Index(s, findingsRule[lang])
	if end < 0 {
		t.Fatalf("%s: no rule text %q under the findings", lang, findingsRule[lang])
	}
	s = s[:end]
	var out []string
	idx := numberedItem.FindAllStringIndex(s, -1)
	for i, m := range idx {
		stop := len(s)
		if i+1 < len(idx) {
			stop = idx[i+1][0]
		}
		out = append(out, oneLine(s[m[0]:stop]))
	}
	if len(out) == 0 || len(out) > 3 {
		t.Fatalf("%s: %d findings, want 1 to 3:\n%s", lang, len(out), s)
	}
	return out
}

// names returns the department names of res that s names, as whole words.
func namedIn(res *analysis.Result, s string) []string {
	var out []string
	for _, g := range res.Departments {
		re := regexp.MustCompile(`(^|[^\p{L}\p{N}])` + regexp.QuoteMeta(g.Name) + `($|[^\p{L}\p{N}])`)
		if re.MatchString(s) {
			out = append(out, g.Name)
		}
	}
	return out
}

// checkOnce fails when a department is named in two findings, or a
// suppressed department is named at all; it returns the names per finding.
func checkOnce(t *testing.T, res *analysis.Result, lang string, fs []string) [][]string {
	t.Helper()
	seen := map[string]int{}
	var out [][]string
	for i, f := range fs {
		names := namedIn(res, f)
		out = append(out, names)
		for _, name := range names {
			if j, ok := seen[name]; ok {
				t.Errorf("%s: %s is named in findings %d and %d:\n%d. %s\n%d. %s", lang, name, j+1, i+1, j+1, fs[j], i+1, f)
			}
			seen[name] = i
			if g, err := reports.FindDepartment(res, name); err == nil && g.Suppressed {
				t.Errorf("%s: suppressed department %s is named in finding %d: %s", lang, name, i+1, f)
			}
		}
	}
	return out
}

// TestFindingsNameEachDepartmentOnce: in the demo, Zorg & Welzijn used to
// fill the first two findings while Klantenservice, the worst department,
// went unmentioned. Now no department is named twice, Klantenservice is
// named, and the page states the rule.
func TestFindingsNameEachDepartmentOnce(t *testing.T) {
	c := demoOrganisation(t)
	for _, lang := range []string{"nl", "en"} {
		text := demoText(t, "", lang)
		fs := findingsIn(t, text, lang)
		if len(fs) != 3 {
			t.Errorf("%s: %d findings, want 3: %q", lang, len(fs), fs)
		}
		names := checkOnce(t, c.in.Result, lang, fs)
		if !slices.ContainsFunc(names, func(ns []string) bool { return slices.Contains(ns, "Klantenservice") }) {
			t.Errorf("%s: Klantenservice, the worst department, is not named in the findings: %q", lang, fs)
		}
		if !strings.Contains(fs[len(fs)-1], map[string]string{"nl": "Hier kan een pilot beginnen", "en": "A pilot can start here"}[lang]) {
			t.Errorf("%s: the last finding is not where a pilot can start: %s", lang, fs[len(fs)-1])
		}
		page := oneLine(findingsPage(t, text, lang))
		for _, p := range rulePhrases[lang] {
			if !strings.Contains(page, p) {
				t.Errorf("%s: the findings page does not state the rule: %q missing", lang, p)
			}
		}
	}
}

// TestFindingsWorstEverywhereNamedOnce: a copy of the demo in which
// Klantenservice is also the worst at over-promising and at the conditions
// for starting. It is named once, in the first finding (it is the most
// severe problem), and the other problems name other departments.
func TestFindingsWorstEverywhereNamedOnce(t *testing.T) {
	c := demoOrganisation(t)
	res := *c.in.Result
	res.Departments = slices.Clone(res.Departments)
	k := slices.IndexFunc(res.Departments, func(g analysis.GroupResult) bool { return g.Name == "Klantenservice" })
	if k < 0 {
		t.Fatal("no Klantenservice in the demo")
	}
	v := *res.Departments[k].Verdict
	v.Reasons = append(slices.Clone(v.Reasons),
		analysis.Reason{Code: "gap_over_promised", Kind: "gap_over_promised"},
		analysis.Reason{Code: "innovation_over_promised", Kind: "pair_over_promised", Topic: "innovation"},
		analysis.Reason{Code: "stability_below_threshold", Kind: "below_threshold", Dimension: "stability"},
		analysis.Reason{Code: "management_below_threshold", Kind: "below_threshold", Dimension: "management"})
	v.Bounds = append(slices.Clone(v.Bounds),
		analysis.Bound{Criterion: "gap", Estimate: 1.9, Low: 1.7, High: 2.1, Threshold: 0.5, Outcome: "failed"},
		analysis.Bound{Criterion: "gap:innovation", Estimate: 3.0, Low: 2.8, High: 3.2, Threshold: 0.5, Outcome: "failed"},
		analysis.Bound{Criterion: "stability", Estimate: 1.5, Low: 1.3, High: 1.7, Threshold: 3, Outcome: "failed"},
		analysis.Bound{Criterion: "management", Estimate: 1.6, Low: 1.4, High: 1.8, Threshold: 3, Outcome: "failed"})
	res.Departments[k].Verdict = &v
	// Check that Klantenservice is now the worst of every kind it could be
	// named under: the test is only worth something then.
	for _, crit := range []string{"gap:innovation", "stability", "management", "pride", "enps"} {
		for i := range res.Departments {
			if i == k || res.Departments[i].Verdict == nil {
				continue
			}
			for _, b := range res.Departments[i].Bounds {
				if b.Criterion == crit && b.Outcome == "failed" && worse(b, v.Bounds, crit) {
					t.Fatalf("%s is worse in %s than the constructed Klantenservice", res.Departments[i].Name, crit)
				}
			}
		}
	}
	in := c.in
	in.Result = &res
	for _, lang := range []string{"nl", "en"} {
		fs := findingsIn(t, pdfText(t, organisationPDF(t, in, lang)), lang)
		t.Logf("%s:\n%s", lang, strings.Join(fs, "\n"))
		names := checkOnce(t, &res, lang, fs)
		if len(fs) != 3 {
			t.Fatalf("%s: %d findings, want 3: %q", lang, len(fs), fs)
		}
		if !slices.Equal(names[0], []string{"Klantenservice"}) {
			t.Errorf("%s: the first finding names %q, want Klantenservice only: %s", lang, names[0], fs[0])
		}
		for i := 1; i < len(fs); i++ {
			if len(names[i]) == 0 {
				t.Errorf("%s: finding %d names no department: %s", lang, i+1, fs[i])
			}
			if slices.Contains(names[i], "Klantenservice") {
				t.Errorf("%s: Klantenservice named again in finding %d: %s", lang, i+1, fs[i])
			}
		}
	}
}

// worse reports whether b (of another department) lies further past its
// bar than Klantenservice's bound of the same criterion.
func worse(b analysis.Bound, ks []analysis.Bound, crit string) bool {
	for _, kb := range ks {
		if kb.Criterion != crit {
			continue
		}
		if strings.HasPrefix(crit, "gap") {
			return b.Low > kb.Low
		}
		return b.High < kb.High
	}
	return true
}

// TestFindingsWithoutPilot: without a GO department the third finding is
// the third problem, and still no department is named twice.
func TestFindingsWithoutPilot(t *testing.T) {
	c := demoOrganisation(t)
	res := *c.in.Result
	res.Departments = slices.DeleteFunc(slices.Clone(res.Departments), func(g analysis.GroupResult) bool {
		return g.Verdict != nil && g.Decision == analysis.Go
	})
	in := c.in
	in.Result = &res
	for _, lang := range []string{"nl", "en"} {
		fs := findingsIn(t, pdfText(t, organisationPDF(t, in, lang)), lang)
		t.Logf("%s:\n%s", lang, strings.Join(fs, "\n"))
		if len(fs) != 3 {
			t.Fatalf("%s: %d findings, want 3: %q", lang, len(fs), fs)
		}
		for i, ns := range checkOnce(t, &res, lang, fs) {
			if len(ns) == 0 {
				t.Errorf("%s: finding %d names no department: %s", lang, i+1, fs[i])
			}
		}
	}
}
