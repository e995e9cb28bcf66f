package reports_test

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"trots/reports"
)

// The comments of the test, one per script people write in.
var scriptComments = map[string]string{
	"polish":   "Zażółć gęślą jaźń – świetna współpraca",
	"cyrillic": "Отличная команда, хорошая атмосфера",
	"greek":    "Καλή ομάδα και καλή συνεργασία",
	"hebrew":   "צוות מצוין ואווירה טובה",
	"arabic":   "فريق ممتاز",
	"japanese": "チームの雰囲気がとても良いです",
	"emoji":    "Top team 😀👍",
}

// withComments is the demo organisation with one shown department that
// carries the comments, in Arabic and Hebrew names.
func withComments(t *testing.T) (reports.Input, string) {
	t.Helper()
	c := demoOrganisation(t)
	in := c.in
	res := *in.Result
	res.Departments = slices.Clone(res.Departments)
	name := ""
	for i := range res.Departments {
		g := &res.Departments[i]
		if g.Figures == nil || name != "" {
			continue
		}
		g.Name = "مبيعات Sales"
		name = g.Name
		g.Comments = nil
		for _, k := range []string{"polish", "cyrillic", "greek", "hebrew", "arabic", "japanese", "emoji"} {
			g.Comments = append(g.Comments, scriptComments[k])
		}
		// The organisation needs at least MinComments; the demo's pass.
		for len(g.Comments) < res.Config.MinComments {
			g.Comments = append(g.Comments, "ok")
		}
	}
	for i := range res.Departments {
		if res.Departments[i].Name != name && res.Departments[i].Figures != nil {
			res.Departments[i].Name = "מכירות"
			break
		}
	}
	in.Result = &res
	return in, name
}

// readBack reduces pdftotext's output to what the tests compare: the
// presentation forms of Arabic turned back into letters (NFKC), the
// direction marks pdftotext puts around right-to-left runs dropped, and
// white space collapsed.
func readBack(text string) string {
	text = strings.Map(func(r rune) rune {
		if (r >= 0x202a && r <= 0x202e) || r == 0x200e || r == 0x200f || (r >= 0x2066 && r <= 0x2069) {
			return -1
		}
		return r
	}, norm.NFKC.String(text))
	return strings.Join(strings.Fields(text), " ")
}

// Finding "Reports print ?": Japanese, Arabic and emoji in comments came
// out as "?". Now Latin, Cyrillic, Greek, Hebrew and Arabic comments and
// names are printed; a comment in a script no embedded font has is
// replaced by a note saying so and where to read it. Never "?".
func TestReportsPrintEveryScriptOrSaySo(t *testing.T) {
	in, name := withComments(t)
	for _, lang := range []string{"nl", "en"} {
		got := readBack(pdfText(t, departmentPDF(t, in, name, lang)))
		for _, k := range []string{"polish", "cyrillic", "greek"} {
			if !strings.Contains(got, scriptComments[k]) {
				t.Errorf("%s: the %s comment %q is not in the report", lang, k, scriptComments[k])
			}
		}
		// Right-to-left text is drawn in visual order (script.go);
		// pdftotext puts runs of right-to-left glyphs back in logical
		// order, so the text reads as it was written.
		for _, k := range []string{"hebrew", "arabic"} {
			if !strings.Contains(got, scriptComments[k]) {
				t.Errorf("%s: the %s comment %q is not in the report", lang, k, scriptComments[k])
			}
		}
		if !strings.Contains(got, "Sales مبيعات") {
			t.Errorf("%s: the Arabic department name is not in the report", lang)
		}
		note := map[string]string{"nl": "schrift dat dit rapport niet kan afdrukken", "en": "script this report cannot print"}[lang]
		if n := strings.Count(got, note); n != 2 {
			t.Errorf("%s: %d notes for the 2 unprintable comments (Japanese, emoji)", lang, n)
		}
		// No comment lost a character to "?", and none is printed in part.
		heading := map[string]string{"nl": "In hun eigen woorden", "en": "In their own words"}[lang]
		after := map[string]string{"nl": "Advies:", "en": "Advice:"}[lang]
		i, j := strings.Index(got, heading), strings.Index(got, after)
		if i < 0 || j < i {
			t.Fatalf("%s: no comments section", lang)
		}
		if section := got[i:j]; strings.ContainsAny(section, "?\ufffd") || strings.Contains(section, "チーム") || strings.Contains(section, "Top team") {
			t.Errorf("%s: a comment lost characters or was printed in part:\n%s", lang, section)
		}
		org := readBack(pdfText(t, organisationPDF(t, in, lang)))
		if !strings.Contains(org, "מכירות") {
			t.Errorf("%s: the Hebrew department name is not in the organisation report", lang)
		}
	}
}

// Arabic letters take their joined forms, and a right-to-left line is put
// in visual order with numbers left to right.
func TestArabicIsShapedAndOrdered(t *testing.T) {
	for in, want := range map[string]string{
		// ف ر ي ق: initial feh, medial reh? no - reh joins only to the
		// right: feh initial, reh final, yeh initial, qaf final.
		"فريق": "\ufed6\ufef3\ufeae\ufed3",
		"لا":   "\ufefb",
		"שלום": "םולש",
		"abc":  "abc",
	} {
		if got := reports.CleanForTest(in); got != want {
			t.Errorf("clean(%q) = %q (% x), want %q", in, got, []rune(got), want)
		}
	}
	if got := reports.CleanForTest("שלום 2026 עולם"); got != "םלוע 2026 םולש" {
		t.Errorf("number inside Hebrew: %q", got)
	}
}

// Posters print a department and organisation named in Arabic, Hebrew or
// Greek; a name in a script no font has shows its runs as "[…]", never "?".
func TestPosterPrintsNamesInEveryScript(t *testing.T) {
	for _, c := range []struct{ org, dept, want string }{
		{"Δήμος Αθηναίων", "مبيعات", "مبيعات"},
		{"Gemeente Voorbeeld", "מכירות", "מכירות"},
		{"Gemeente Voorbeeld", "営業 Sales", "[...] Sales"}, // "…" after NFKC
	} {
		in := posterIn
		in.Organisation, in.Department = c.org, c.dept
		got := readBack(pdfText(t, posterPDF(t, in, "en")))
		if !strings.Contains(got, "For everyone in "+c.want+" What") || !strings.Contains(got, c.org+" Anonymous survey") {
			t.Errorf("poster for %q of %q:\n%s", c.dept, c.org, got)
		}
	}
}
