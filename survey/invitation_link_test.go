package survey_test

import (
	"testing"

	"trots/survey"
	"trots/survey/storetest"
)

func TestLinkByToken(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		d := storetest.MustDepartment(t, s, "Douane", 40)
		p := storetest.MustOpenPulse(t, s, "pulse", 1)
		tokens, err := s.CreateInvitations(ctx, p.ID, d.ID, 2)
		if err != nil {
			t.Fatal(err)
		}
		link, err := s.LinkByToken(ctx, tokens[0])
		if err != nil {
			t.Fatal(err)
		}
		byCode, err := s.LinkByCode(ctx, link.Code)
		if err != nil || byCode != link || link.PulseID != p.ID || link.DepartmentID != d.ID {
			t.Fatalf("token resolves to %+v (by code %+v, %v)", link, byCode, err)
		}
		if _, err := s.Submit(ctx, survey.Submission{Link: link, Key: survey.NewID(), Token: tokens[0]}); err != nil {
			t.Fatal(err)
		}
		if l, err := s.LinkByToken(ctx, tokens[0]); survey.ErrorKey(err) != "token_used" || survey.ErrorCode(err) != survey.EConflict || l != link {
			t.Fatalf("used token: %v", err)
		}
		if _, err := s.LinkByToken(ctx, tokens[1]); err != nil {
			t.Fatalf("the other token: %v", err)
		}
		for _, bad := range []string{"", "nope", survey.NewID()} {
			if _, err := s.LinkByToken(ctx, bad); survey.ErrorKey(err) != "token_unknown" || survey.ErrorCode(err) != survey.ENotFound {
				t.Fatalf("token %q: %v", bad, err)
			}
		}
	})
}
