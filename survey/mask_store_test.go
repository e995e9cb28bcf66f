package survey_test

import (
	"strings"
	"testing"

	"trots/survey"
	"trots/survey/storetest"
)

// Comments are masked before they are stored: names after role words, the
// organisation's list of names (saved in the settings), health terms; the
// stored row says whether something was masked.
func TestSubmitMasksCommentsBeforeStoring(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		d := storetest.MustDepartment(t, s, "ICT", 10)
		st := survey.DefaultSettings()
		st.Name = "Org"
		st.MaskNames = []string{"Bakker", "Yusuf Demir", "Bakker"}
		must(t, s.SaveSettings(ctx, st))
		got, err := s.Settings(ctx)
		if err != nil || strings.Join(got.MaskNames, "|") != "Bakker|Yusuf Demir" {
			t.Fatalf("names saved: %q, %v", got.MaskNames, err)
		}
		p := storetest.MustOpenPulse(t, s, "pulse", 1)
		links, err := s.Links(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		var link survey.Link
		for _, l := range links {
			if l.DepartmentID == d.ID {
				link = l
			}
		}
		for _, c := range []string{
			"Mijn teamleider Jan de Vries weet dat ik de enige parttimer ben en een arbeidsbeperking heb.",
			"Bakker en Yusuf Demir helpen niet; de bakker wel.",
			"Meer thuiswerken graag.",
		} {
			sub := survey.Submission{Link: link, Key: survey.NewID(), Answers: survey.Answers{Numbers: map[string]int{"x": 3}},
				Comments: map[string]string{"comment": c}}
			if _, err := s.Submit(ctx, sub); err != nil {
				t.Fatal(err)
			}
		}
		stored, err := s.Comments(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]bool{
			"Mijn teamleider [naam/name] weet dat ik de enige [kenmerk/trait] ben en een [gezondheid/health] heb.": true,
			"[naam/name] en [naam/name] helpen niet; de bakker wel.":                                               true,
			"Meer thuiswerken graag.": false,
		}
		if len(stored) != len(want) {
			t.Fatalf("%d comments stored, want %d", len(stored), len(want))
		}
		for _, c := range stored {
			masked, ok := want[c.Body]
			if !ok {
				t.Errorf("stored %q, not one of the masked comments", c.Body)
				continue
			}
			if c.Masked != masked {
				t.Errorf("%q: masked flag %v, want %v", c.Body, c.Masked, masked)
			}
		}
		for _, bad := range [][]string{{"a\x00b"}, {strings.Repeat("x", 101)}} {
			st.MaskNames = bad
			if err := s.SaveSettings(ctx, st); survey.ErrorCode(err) != survey.EInvalid {
				t.Errorf("names %q accepted: %v", bad, err)
			}
		}
	})
}
