package survey_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"trots/accounts"
	"trots/survey"
	"trots/survey/storetest"
)

// A plan holds at most five actions; every change is logged with who made
// it, and bad input is refused with its key and changes nothing.
func TestActionPlanIsBoundedAndLogged(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s, clk := mustOpenClocked(t, dsn)
		dept := storetest.MustDepartment(t, s, "Klantenservice", 40)
		p := storetest.MustOpenPulse(t, s, "advocacy-readiness", 1)
		anna := mustUser(t, s, "anna@example.org", accounts.RoleAdmin, "")
		by := survey.Author{UserID: anna.ID, UserEmail: anna.Email}
		due := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
		action := func(title string) survey.Action {
			return survey.Action{PulseID: p.ID, DepartmentID: dept.ID, Theme: "pride", Title: title, Owner: "teamleider", Due: due}
		}
		for _, bad := range []struct {
			a   survey.Action
			key string
		}{
			{survey.Action{PulseID: p.ID, DepartmentID: dept.ID, Title: "x", Owner: "hr", Due: due}, "action_theme_invalid"},
			{survey.Action{PulseID: p.ID, DepartmentID: dept.ID, Theme: "pride", Title: strings.Repeat("x", 301), Owner: "hr", Due: due}, "action_title_long"},
			{survey.Action{PulseID: p.ID, DepartmentID: dept.ID, Theme: "pride", Title: "x", Owner: strings.Repeat("y", 81), Due: due}, "action_owner_long"},
			{survey.Action{PulseID: p.ID, DepartmentID: dept.ID, Theme: "pride", Title: "x", Owner: "hr"}, "action_due_invalid"},
			{survey.Action{PulseID: p.ID, DepartmentID: dept.ID, Theme: "pride", Title: "x", Owner: "hr", Due: due, Status: "later"}, "action_status_invalid"},
		} {
			_, err := s.AddAction(ctx, bad.a, by)
			wantCode(t, err, survey.EInvalid)
			if survey.ErrorKey(err) != bad.key {
				t.Errorf("key %q, want %q", survey.ErrorKey(err), bad.key)
			}
		}
		var first survey.Action
		for i := range survey.MaxActions {
			clk.Advance(time.Minute)
			a, err := s.AddAction(ctx, action("actie "+string(rune('a'+i))), by)
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				first = a
			}
		}
		_, err := s.AddAction(ctx, action("zesde"), by)
		if survey.ErrorKey(err) != "action_too_many" {
			t.Fatalf("sixth action: %v", err)
		}
		clk.Advance(time.Minute)
		first.Status = survey.ActionInProgress
		if _, err := s.UpdateAction(ctx, first, by); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Minute)
		first.Owner = "afdelingshoofd"
		if _, err := s.UpdateAction(ctx, first, by); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateAction(ctx, first, by); err != nil { // no change: no entry
			t.Fatal(err)
		}
		other := first
		other.DepartmentID = storetest.MustDepartment(t, s, "ICT", 30).ID
		_, err = s.UpdateAction(ctx, other, by)
		wantCode(t, err, survey.ENotFound)

		plan, err := s.Actions(ctx, p.ID, dept.ID)
		if err != nil || len(plan) != survey.MaxActions || plan[0].Owner != "afdelingshoofd" || plan[0].Status != survey.ActionInProgress ||
			!plan[0].Due.Equal(due) {
			t.Fatalf("plan %+v, %v", plan, err)
		}
		log, err := s.ActionLog(ctx, p.ID, dept.ID)
		if err != nil || len(log) != survey.MaxActions+2 {
			t.Fatalf("log has %d entries (%v), want %d", len(log), err, survey.MaxActions+2)
		}
		if log[0].Kind != survey.ActionEdited || log[1].Kind != survey.ActionStatusChanged || log[1].FromStatus != survey.ActionPlanned ||
			log[1].Action.Status != survey.ActionInProgress || log[0].UserEmail != "anna@example.org" {
			t.Fatalf("newest entries %+v %+v", log[0], log[1])
		}
		if u, err := s.DepartmentUsage(ctx, dept.ID); err != nil || !u.InUse() {
			t.Fatalf("a department with a plan is not in use: %+v %v", u, err)
		}
	})
}

// Ten additions at once to one plan, through two stores on the same
// database (two instances), store exactly five.
func TestActionPlanLimitHoldsUnderConcurrentAdditions(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		other, err := survey.Open(ctx, dsn, survey.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { other.Close() })
		dept := storetest.MustDepartment(t, s, "Klantenservice", 40)
		p := storetest.MustOpenPulse(t, s, "advocacy-readiness", 1)
		anna := mustUser(t, s, "anna@example.org", accounts.RoleAdmin, "")
		by := survey.Author{UserID: anna.ID, UserEmail: anna.Email}
		var wg sync.WaitGroup
		errs := make(chan error, 10)
		for i := range 10 {
			st := s
			if i%2 == 1 {
				st = other
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := st.AddAction(ctx, survey.Action{PulseID: p.ID, DepartmentID: dept.ID, Theme: "pride", Title: "actie",
					Owner: "hr", Due: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}, by)
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		refused := 0
		for err := range errs {
			switch {
			case survey.ErrorKey(err) == "action_too_many":
				refused++
			case err != nil:
				t.Errorf("unexpected error: %v", err)
			}
		}
		plan, err := s.Actions(ctx, p.ID, dept.ID)
		if err != nil || len(plan) != survey.MaxActions || refused != 10-survey.MaxActions {
			t.Fatalf("%d actions stored, %d refused (%v)", len(plan), refused, err)
		}
	})
}
