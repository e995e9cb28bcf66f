package survey_test

import (
	"testing"

	"trots/survey"
	"trots/survey/storetest"
)

// A person hash depends on the pulse, the issuer, the subject and the key
// file; a sign-on pulse takes one answer per hash, refuses answers
// without one, and forgets the hashes at close.
func TestSignOnPulseTakesOneAnswerPerPerson(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		d := storetest.MustDepartment(t, s, "ICT", 8)
		p, err := s.CreatePulse(ctx, survey.Pulse{Name: "Sign-on", QuestionnaireID: "pulse", QuestionnaireVersion: 2, SignOn: true})
		must(t, err)
		if !p.SignOn {
			t.Fatal("the pulse forgot its sign-on setting")
		}
		p, err = s.OpenPulse(ctx, p.ID)
		must(t, err)
		links, err := s.Links(ctx, p.ID)
		must(t, err)
		var link survey.Link
		for _, l := range links {
			if l.DepartmentID == d.ID {
				link = l
			}
		}
		h := s.PersonHash(p.ID, "https://idp.example.org", "sub-1")
		for _, other := range []string{s.PersonHash("other-pulse", "https://idp.example.org", "sub-1"),
			s.PersonHash(p.ID, "https://other.example.org", "sub-1"), s.PersonHash(p.ID, "https://idp.example.org", "sub-2")} {
			if other == h {
				t.Fatal("two different sign-ons share a hash")
			}
		}
		answers := survey.Answers{Numbers: map[string]int{"pride_work": 4}}
		if _, err := s.Submit(ctx, survey.Submission{Link: link, Key: survey.NewID(), Answers: answers}); survey.ErrorKey(err) != "signon_required" {
			t.Errorf("answer without a sign-on: %v", err)
		}
		key := survey.NewID()
		if _, err := s.Submit(ctx, survey.Submission{Link: link, Key: key, Person: h, Answers: answers}); err != nil {
			t.Fatal(err)
		}
		// The same form again (a double tap) is a replay, not a refusal.
		if rc, err := s.Submit(ctx, survey.Submission{Link: link, Key: key, Person: h, Answers: answers}); err != nil || !rc.Replay {
			t.Errorf("replay: %+v, %v", rc, err)
		}
		if _, err := s.Submit(ctx, survey.Submission{Link: link, Key: survey.NewID(), Person: h, Answers: answers}); survey.ErrorKey(err) != "signon_answered" {
			t.Errorf("second answer of one person: %v", err)
		}
		if answered, err := s.HasAnswered(ctx, p.ID, h); err != nil || !answered {
			t.Errorf("HasAnswered: %v, %v", answered, err)
		}
		counts, err := s.ResponseCounts(ctx, p.ID)
		must(t, err)
		if counts[d.ID] != 1 {
			t.Errorf("%d responses, want 1", counts[d.ID])
		}
		must(t, s.ClosePulse(ctx, p.ID))
		if answered, err := s.HasAnswered(ctx, p.ID, h); err != nil || answered {
			t.Errorf("after closing, HasAnswered: %v, %v", answered, err)
		}
	})
}
