package reports_test

import (
	"strings"
	"testing"
)

// Both reports say how the pulse was answered: the organisation report on
// its cover, a department report under its title.
func TestReportsSayHowThePulseWasAnswered(t *testing.T) {
	dc := demoOrganisation(t)
	name := dc.in.Result.Departments[0].Name
	for _, c := range []struct{ mode, nl, en string }{
		{"codes", "persoonlijke codes en uitnodigingen", "personal codes and invitations"},
		{"open_links", "open afdelingslinks", "open department links"},
		{"", "beide: open afdelingslinks, en persoonlijke codes en uitnodigingen", "both: open department links, and personal codes and invitations"},
	} {
		in := dc.in
		in.Pulse.AnswerMode = c.mode
		for lang, want := range map[string][2]string{"nl": {"Beantwoord via", c.nl}, "en": {"Answered through", c.en}} {
			org := oneLine(pdfText(t, organisationPDF(t, in, lang)))
			// The cover sets its labels in capitals.
			if !strings.Contains(org, strings.ToUpper(want[0])+" "+want[1]) {
				t.Errorf("%s organisation report (%q) does not say %q", lang, c.mode, want[0]+" "+want[1])
			}
			dept := oneLine(pdfText(t, departmentPDF(t, in, name, lang)))
			if !strings.Contains(dept, want[0]+": "+want[1]) {
				t.Errorf("%s department report (%q) does not say %q", lang, c.mode, want[0]+": "+want[1])
			}
		}
	}
}
