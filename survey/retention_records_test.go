package survey_test

import (
	"encoding/json"
	"testing"
	"time"

	"trots/accounts"
	"trots/survey"
	"trots/survey/storetest"
)

// Every pulse gets a retention period, 12 months unless chosen; its raw
// answers go when that period after closing has passed, not before, and
// a pulse with a longer period keeps them longer.
func TestPurgeDueFollowsEachPulsesPeriod(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
		now := t0
		s := mustOpenAt(t, dsn, &now)
		d := storetest.MustDepartment(t, s, "ICT", 4)
		def := mustAnswered(t, s, d)
		if def.RetentionMonths != survey.DefaultRetentionMonths {
			t.Fatalf("a pulse created without a period has %d months, want %d", def.RetentionMonths, survey.DefaultRetentionMonths)
		}
		long, err := s.CreatePulse(ctx, survey.Pulse{Name: "long", QuestionnaireID: "q", QuestionnaireVersion: 1, RetentionMonths: 24})
		if err != nil || long.RetentionMonths != 24 {
			t.Fatalf("pulse with 24 months: %+v, %v", long, err)
		}
		for _, bad := range []int{-1, survey.MaxRetentionMonths + 1} {
			if _, err := s.CreatePulse(ctx, survey.Pulse{Name: "bad", QuestionnaireID: "q", QuestionnaireVersion: 1, RetentionMonths: bad}); survey.ErrorCode(err) != survey.EInvalid {
				t.Errorf("retention %d months accepted: %v", bad, err)
			}
		}
		if _, err := s.OpenPulse(ctx, long.ID); err != nil {
			t.Fatal(err)
		}
		for _, p := range []survey.Pulse{def, long} {
			if err := s.ClosePulse(ctx, p.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := s.SavePulseResult(ctx, p.ID, json.RawMessage(`{}`)); err != nil {
				t.Fatal(err)
			}
		}
		now = t0.AddDate(0, 12, 0).Add(-time.Minute)
		if got, err := s.PurgeDue(ctx, now, nil); err != nil || len(got) != 0 {
			t.Fatalf("a minute before 12 months: purged %+v, %v", got, err)
		}
		now = t0.AddDate(0, 12, 0)
		if due, err := s.PurgeableDue(ctx, now); err != nil || len(due) != 1 || due[0].PulseID != def.ID || due[0].Responses != 1 {
			t.Fatalf("due after 12 months: %+v, %v", due, err)
		}
		got, err := s.PurgeDue(ctx, now, nil)
		if err != nil || len(got) != 1 || got[0].PulseID != def.ID || got[0].Comments != 1 {
			t.Fatalf("after 12 months: purged %+v, %v; want the default pulse", got, err)
		}
		if n := countResponses(t, s, def.ID); n != 0 {
			t.Fatalf("%d responses left", n)
		}
		now = t0.AddDate(0, 24, 0)
		if got, err := s.PurgeDue(ctx, now, nil); err != nil || len(got) != 1 || got[0].PulseID != long.ID {
			t.Fatalf("after 24 months: purged %+v, %v; want the long pulse", got, err)
		}
	})
}

// The retention also removes what trots keeps about people besides
// answers: invitations of closed pulses (not of open ones), the note and
// address of old decisions (choice, verdict, date and role stay), accounts
// disabled long ago with their sessions and tokens (one that decisions
// name stays as a row without address or password), old report jobs and
// expired sessions.
func TestExpireRecords(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
		now := t0
		s := mustOpenAt(t, dsn, &now)
		d := storetest.MustDepartment(t, s, "ICT", 4)
		closed := storetest.MustOpenPulse(t, s, "closed", 1)
		open := storetest.MustOpenPulse(t, s, "open", 1)
		for _, p := range []survey.Pulse{closed, open} {
			if _, err := s.CreateInvitations(ctx, p.ID, d.ID, 3); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.ClosePulse(ctx, closed.ID); err != nil {
			t.Fatal(err)
		}
		mustUser := func(email string, role accounts.Role) accounts.User {
			u := accounts.User{Email: email, Role: role}
			if role == accounts.RoleLead {
				u.DepartmentID = d.ID
			}
			u, err := accounts.New(s).CreateUser(ctx, u, "correct horse battery staple")
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		decider := mustUser("decider@example.org", accounts.RoleViewer)
		idle := mustUser("idle@example.org", accounts.RoleLead)
		active := mustUser("active@example.org", accounts.RoleAdmin)
		dec, err := s.RecordDecision(ctx, survey.Decision{PulseID: closed.ID, DepartmentID: d.ID, Choice: survey.ChoiceNoGo,
			Verdict: "FIX_FIRST", Note: "teamleider K. Jansen eerst aanspreken", UserID: decider.ID, UserEmail: decider.Email})
		if err != nil || accounts.Role(dec.UserRole) != accounts.RoleViewer {
			t.Fatalf("decision %+v, %v", dec, err)
		}
		if _, err := accounts.New(s).NewSession(ctx, active.ID, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := accounts.New(s).NewAPIToken(ctx, idle.Email, "script"); err != nil {
			t.Fatal(err)
		}
		for _, u := range []accounts.User{decider, idle} {
			if err := accounts.New(s).DisableUser(ctx, u.Email); err != nil {
				t.Fatal(err)
			}
		}

		// A month on: only the session (idle for a month) goes. The
		// invitations of the closed pulse went at its close (ClosePulse);
		// the retention would remove any left from an older trots.
		now = t0.AddDate(0, 1, 0)
		ex, err := expire(s, now)
		if err != nil || ex.Invitations != 0 || ex.DecisionNotes != 0 || ex.Accounts != 0 || ex.Sessions != 1 {
			t.Fatalf("after a month: %+v, %v", ex, err)
		}
		db := survey.WriterDB(s)
		var left []string
		db.Raw("SELECT pulse_id FROM invitations").Scan(&left)
		if len(left) != 3 || left[0] != open.ID {
			t.Fatalf("invitations left: %v; want the open pulse's 3", left)
		}

		// Twelve months and a day on: the note and address go, the
		// accounts too.
		now = t0.AddDate(0, 12, 1)
		ex, err = expire(s, now)
		if err != nil || ex.DecisionNotes != 1 || ex.Accounts != 2 {
			t.Fatalf("after a year: %+v, %v", ex, err)
		}
		decs, err := s.Decisions(ctx, closed.ID, d.ID)
		if err != nil || len(decs) != 1 {
			t.Fatal(decs, err)
		}
		got := decs[0]
		if got.Note != "" || got.UserEmail != "" || accounts.Role(got.UserRole) != accounts.RoleViewer || got.Choice != survey.ChoiceNoGo ||
			got.Verdict != "FIX_FIRST" || !got.DecidedAt.Equal(dec.DecidedAt) {
			t.Fatalf("decision after a year: %+v", got)
		}
		users, err := accounts.New(s).Users(ctx)
		if err != nil {
			t.Fatal(err)
		}
		emails := map[string]bool{}
		for _, u := range users {
			emails[u.Email] = true
		}
		if !emails[active.Email] || emails[idle.Email] || emails[decider.Email] || !emails[accounts.RemovedAccountEmail(decider.ID)] || len(users) != 2 {
			t.Fatalf("accounts after a year: %v", emails)
		}
		var tokens int64
		db.Raw("SELECT COUNT(*) FROM api_tokens").Scan(&tokens)
		if tokens != 0 {
			t.Fatalf("%d API tokens of a removed account left", tokens)
		}
		// Nothing more to do the next day.
		now = now.AddDate(0, 0, 1)
		if ex, err := expire(s, now); err != nil || ex != (survey.Expired{}) {
			t.Fatalf("a day later: %+v, %v", ex, err)
		}
	})
}
