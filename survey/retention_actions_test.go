package survey_test

import (
	"testing"
	"time"

	"trots/accounts"
	"trots/survey"
	"trots/survey/storetest"
)

// An account that only ever changed an action plan (no decisions) is, once
// disabled long enough, removed like any other: its entries in the plan's
// log keep pointing at a row without address or password, as decisions'
// do. Before, the delete broke the log's foreign key and the whole
// retention of records (invitations, sessions, notes) failed every day.
// The log's copies of the author's address go after the period too.
func TestExpireRecordsAccountWithActionLog(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
		now := t0
		s := mustOpenAt(t, dsn, &now)
		d := storetest.MustDepartment(t, s, "ICT", 4)
		p := storetest.MustOpenPulse(t, s, "q", 1)
		lead, err := accounts.New(s).CreateUser(ctx, accounts.User{Email: "lead@example.org", Role: accounts.RoleLead, DepartmentID: d.ID}, "correct horse battery staple")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddAction(ctx, survey.Action{PulseID: p.ID, DepartmentID: d.ID, Theme: "pride", Title: "Werkoverleg elke week",
			Owner: "teamleider", Due: t0.AddDate(0, 2, 0)}, survey.Author{UserID: lead.ID, UserEmail: lead.Email}); err != nil {
			t.Fatal(err)
		}
		if err := accounts.New(s).DisableUser(ctx, lead.Email); err != nil {
			t.Fatal(err)
		}
		now = t0.AddDate(0, 12, 1)
		ex, err := expire(s, now)
		if err != nil || ex.Accounts != 1 {
			t.Fatalf("after a year: %+v, %v; want the disabled lead removed", ex, err)
		}
		users, err := accounts.New(s).Users(ctx)
		if err != nil || len(users) != 1 || users[0].Email != accounts.RemovedAccountEmail(lead.ID) {
			t.Fatalf("accounts after a year: %+v, %v; want only the stripped row", users, err)
		}
		log, err := s.ActionLog(ctx, p.ID, d.ID)
		if err != nil || len(log) != 1 || log[0].UserEmail != "" || log[0].UserID != lead.ID || log[0].Action.Title != "Werkoverleg elke week" {
			t.Fatalf("action log after a year: %+v, %v; want the entry without the address", log, err)
		}
	})
}
