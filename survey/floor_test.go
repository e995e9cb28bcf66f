package survey_test

import (
	"testing"
	"time"

	"trots/survey"
	"trots/survey/storetest"
)

// k is never below 5: settings below are refused, settings saved under
// the old floor of 3 are raised by migration 6 (with open pulses), and a
// pulse does not open under settings edited below the floor by hand.
func TestAnonymityThresholdFloorIsFive(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		old, err := survey.OpenAtVersion(ctx, dsn, 5)
		if err != nil {
			t.Fatal(err)
		}
		db := survey.WriterDB(old)
		must(t, db.Exec("INSERT INTO settings (id, name, default_language, min_group, min_comments) VALUES (1, 'Org', 'nl', 3, 4)").Error)
		must(t, db.Exec(`INSERT INTO pulses (id, name, questionnaire_id, questionnaire_version, status, min_group, min_comments, created_at)
			VALUES ('p-open', 'open', 'q', 1, 'open', 3, 3, ?), ('p-closed', 'closed', 'q', 1, 'closed', 3, 3, ?)`, time.Now().UTC(), time.Now().UTC()).Error)
		must(t, old.Close())

		s := storetest.Open(t, dsn)
		st, err := s.Settings(ctx)
		if err != nil || st.MinGroup != 5 || st.MinComments != 5 {
			t.Fatalf("settings after migration: %+v, %v; want k 5 and comments 5", st, err)
		}
		for id, want := range map[string]int{"p-open": 5, "p-closed": 3} {
			p, err := s.Pulse(ctx, id)
			if err != nil || p.MinGroup != want {
				t.Errorf("pulse %s: k %d, %v; want %d", id, p.MinGroup, err, want)
			}
		}
		for _, k := range []int{2, 3, 4} {
			if err := s.SaveSettings(ctx, survey.Settings{Name: "Org", DefaultLanguage: "nl", MinGroup: k, MinComments: 10}); survey.ErrorCode(err) != survey.EInvalid {
				t.Errorf("k = %d accepted: %v", k, err)
			}
		}
		draft, err := s.CreatePulse(ctx, survey.Pulse{Name: "draft", QuestionnaireID: "q", QuestionnaireVersion: 1})
		if err != nil {
			t.Fatal(err)
		}
		must(t, survey.WriterDB(s).Exec("UPDATE settings SET min_group = 4").Error)
		if _, err := s.OpenPulse(ctx, draft.ID); survey.ErrorCode(err) != survey.EConflict || survey.ErrorKey(err) != "settings_min_group" {
			t.Fatalf("opened under k = 4: %v", err)
		}
		if p, _ := s.Pulse(ctx, draft.ID); p.Status != survey.PulseDraft {
			t.Fatalf("the refused pulse is %s", p.Status)
		}
	})
}
