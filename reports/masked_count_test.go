package reports_test

import (
	"fmt"
	"strings"
	"testing"

	"trots/analysis"
)

// A department report that shows comments says how many had something
// masked before they were stored; one with none masked says nothing.
func TestDepartmentReportCountsMaskedComments(t *testing.T) {
	dc := demoOrganisation(t)
	in := dc.in
	res := *in.Result
	res.Departments = append([]analysis.GroupResult(nil), res.Departments...)
	var name string
	var n int
	for i, g := range res.Departments {
		if g.Figures == nil || len(g.Comments) < 3 {
			continue
		}
		f := *g.Figures
		f.Comments = append([]string(nil), f.Comments...)
		f.Comments[0] = "Mijn teamleider [naam/name] luistert niet."
		f.Comments[1] = "Na mijn [gezondheid/health] kreeg ik geen begeleiding."
		res.Departments[i].Figures = &f
		name, n = g.Name, len(f.Comments)
		break
	}
	if name == "" {
		t.Fatal("the demo has no department showing three comments")
	}
	in.Result = &res
	for lang, want := range map[string]string{
		"en": fmt.Sprintf("In 2 of these %d comments", n),
		"nl": fmt.Sprintf("In 2 van deze %d opmerkingen", n),
	} {
		if got := oneLine(pdfText(t, departmentPDF(t, in, name, lang))); !strings.Contains(got, want) {
			t.Errorf("%s: the report does not say %q", lang, want)
		}
	}
	if got := oneLine(pdfText(t, departmentPDF(t, dc.in, name, "en"))); strings.Contains(got, "of these") && strings.Contains(got, "were replaced") {
		t.Error("a report without masked comments mentions masking")
	}
}
