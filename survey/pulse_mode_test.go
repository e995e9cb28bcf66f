package survey_test

import (
	"testing"
	"time"

	"trots/survey"
	"trots/survey/storetest"
)

func mustOpenPulseIn(t *testing.T, s *survey.Store, mode survey.AnswerMode) survey.Pulse {
	t.Helper()
	p, err := s.CreatePulse(ctx, survey.Pulse{Name: "Pulse " + string(mode), QuestionnaireID: "pulse", QuestionnaireVersion: 1, Mode: mode})
	must(t, err)
	p, err = s.OpenPulse(ctx, p.ID)
	must(t, err)
	return p
}

// A pulse answered with codes takes no answer through its department link
// (also not in the group writer's fast path), and one answered through open
// links takes no answer with an invitation or a code: each refusal stores
// nothing.
func TestAnswerModeDecidesWhichSubmissionsAreStored(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		d := storetest.MustDepartment(t, s, "Productie", 30)
		for _, c := range []struct {
			mode                survey.AnswerMode
			link, invited, code string // "" stored, else the refusal's key
		}{
			{survey.ModeBoth, "", "", ""},
			{survey.ModeCodes, "mode_codes_only", "", ""},
			{survey.ModeOpenLinks, "", "mode_links_only", "mode_links_only"},
		} {
			p := mustOpenPulseIn(t, s, c.mode)
			if got, err := s.Pulse(ctx, p.ID); err != nil || got.Mode != c.mode {
				t.Fatalf("%s: stored mode %q, %v", c.mode, got.Mode, err)
			}
			links, err := s.Links(ctx, p.ID)
			must(t, err)
			tokens, err := s.CreateInvitations(ctx, p.ID, d.ID, 1)
			must(t, err)
			codes, err := s.CreateCodes(ctx, p.ID, d.ID, 1)
			must(t, err)
			want := 0
			for _, try := range []struct{ token, key string }{{"", c.link}, {tokens[0], c.invited}, {codes[0], c.code}} {
				_, err := s.Submit(ctx, survey.Submission{Link: links[0], Key: survey.NewID(), Token: try.token})
				if survey.ErrorKey(err) != try.key || (try.key == "") != (err == nil) {
					t.Fatalf("%s, token %q: %v, want %q", c.mode, try.token, err, try.key)
				}
				if try.key == "" {
					want++
				}
			}
			counts, err := s.ResponseCounts(ctx, p.ID)
			must(t, err)
			if counts[d.ID] != want {
				t.Fatalf("%s: %d responses, want %d", c.mode, counts[d.ID], want)
			}
		}
		if _, err := s.CreatePulse(ctx, survey.Pulse{Name: "x", QuestionnaireID: "pulse", QuestionnaireVersion: 1, Mode: "paper"}); survey.ErrorKey(err) != "pulse_mode" {
			t.Fatalf("an unknown mode: %v", err)
		}
		if p, err := s.CreatePulse(ctx, survey.Pulse{Name: "y", QuestionnaireID: "pulse", QuestionnaireVersion: 1}); err != nil || p.Mode != survey.ModeBoth {
			t.Fatalf("no mode: %q, %v", p.Mode, err)
		}
	})
}

// Migration 7 gives every pulse from before it the mode "both": they took
// answers both ways.
func TestMigration7AnswersOldPulsesBothWays(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		old, err := survey.OpenAtVersion(ctx, dsn, 5)
		must(t, err)
		id := survey.NewID()
		must(t, survey.WriterDB(old).Exec("INSERT INTO pulses (id, name, questionnaire_id, questionnaire_version, status, min_group, min_comments, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			id, "Oud", "pulse", 1, "open", 5, 10, time.Now().UTC()).Error)
		must(t, old.Close())
		s := storetest.Open(t, dsn)
		p, err := s.Pulse(ctx, id)
		if err != nil || p.Mode != survey.ModeBoth || !p.AcceptsLinks() || !p.AcceptsInvitations() {
			t.Fatalf("an old pulse after migration 7: %+v, %v", p, err)
		}
		// The column refuses a mode trots does not know.
		if err := survey.WriterDB(s).Exec("UPDATE pulses SET answer_mode = 'paper' WHERE id = ?", id).Error; err == nil {
			t.Fatal("the database took an unknown answer mode")
		}
	})
}
