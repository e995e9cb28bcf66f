package accounts_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"trots/accounts"
	"trots/survey"
	"trots/survey/storetest"
)

var ctx = context.Background()

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// store is the accounts of a test database, beside the survey store they
// are open on (for departments, pulses and decisions).
type store struct {
	*accounts.Store
	db *survey.Store
}

func open(t *testing.T, db *survey.Store) store { return store{Store: accounts.New(db), db: db} }

func mustOpenClocked(t *testing.T, dsn string) (store, *storetest.Clock) {
	t.Helper()
	c := storetest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	db, err := survey.Open(ctx, dsn, survey.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return open(t, db), c
}

func mustUser(t *testing.T, s store, email string, role accounts.Role, dept string) accounts.User {
	t.Helper()
	u, err := s.CreateUser(ctx, accounts.User{Email: email, Role: role, DepartmentID: dept}, "correct horse battery")
	if err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

func wantCode(t *testing.T, err error, code survey.Code) {
	t.Helper()
	if survey.ErrorCode(err) != code {
		t.Fatalf("error %v has code %s, want %s", err, survey.ErrorCode(err), code)
	}
}

func TestUsersAreValidatedAndUnique(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s, _ := mustOpenClocked(t, dsn)
		d := storetest.MustDepartment(t, s.db, "Finance", 20)
		if n, err := s.CountUsers(ctx); err != nil || n != 0 {
			t.Fatalf("CountUsers on a new database = %d, %v", n, err)
		}
		u := mustUser(t, s, " Anna@Example.org ", accounts.RoleAdmin, "")
		if u.Email != "anna@example.org" || u.Role != accounts.RoleAdmin || u.DepartmentID != "" {
			t.Fatalf("user = %+v", u)
		}
		_, err := s.CreateUser(ctx, accounts.User{Email: "ANNA@example.org", Role: accounts.RoleViewer}, "correct horse battery")
		wantCode(t, err, survey.EConflict)
		for _, bad := range []accounts.User{
			{Email: "not an address", Role: accounts.RoleViewer},
			{Email: "x@example.org", Role: "root"},
			{Email: "x@example.org", Role: accounts.RoleLead},
			{Email: "x@example.org", Role: accounts.RoleViewer, DepartmentID: d.ID},
		} {
			_, err := s.CreateUser(ctx, bad, "correct horse battery")
			wantCode(t, err, survey.EInvalid)
		}
		_, err = s.CreateUser(ctx, accounts.User{Email: "x@example.org", Role: accounts.RoleViewer}, "short")
		wantCode(t, err, survey.EInvalid)
		_, err = s.CreateUser(ctx, accounts.User{Email: "x@example.org", Role: accounts.RoleLead, DepartmentID: survey.NewID()}, "correct horse battery")
		wantCode(t, err, survey.ENotFound)
		lead := mustUser(t, s, "lead@example.org", accounts.RoleLead, d.ID)
		if lead.DepartmentID != d.ID {
			t.Fatalf("lead = %+v", lead)
		}
		users, err := s.Users(ctx)
		if err != nil || len(users) != 2 || users[0].Email != "anna@example.org" {
			t.Fatalf("Users = %+v, %v", users, err)
		}
	})
}

func TestAuthenticateBacksOffPerAccountAndAddress(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s, c := mustOpenClocked(t, dsn)
		mustUser(t, s, "anna@example.org", accounts.RoleViewer, "")
		if u, err := s.Authenticate(ctx, "ANNA@example.org", "correct horse battery", "10.0.0.1"); err != nil || u.Email != "anna@example.org" {
			t.Fatalf("right password: %+v, %v", u, err)
		}
		_, err := s.Authenticate(ctx, "nobody@example.org", "correct horse battery", "10.0.0.1")
		wantCode(t, err, survey.EUnauthorized)
		for i := 0; i < accounts.LoginFreeFailures; i++ {
			_, err := s.Authenticate(ctx, "anna@example.org", "wrong", "10.0.0.1")
			wantCode(t, err, survey.EUnauthorized)
		}
		// Locked now, even with the right password, from that address only.
		_, err = s.Authenticate(ctx, "anna@example.org", "correct horse battery", "10.0.0.1")
		wantCode(t, err, survey.ELocked)
		var locked *accounts.LockedError
		if !errors.As(err, &locked) || locked.RetryAfter <= 0 || locked.RetryAfter > time.Minute {
			t.Fatalf("locked error = %#v", err)
		}
		if _, err := s.Authenticate(ctx, "anna@example.org", "correct horse battery", "10.0.0.2"); err != nil {
			t.Fatalf("other address: %v", err)
		}
		// After the wait, one more failure doubles it.
		c.Advance(time.Minute)
		_, err = s.Authenticate(ctx, "anna@example.org", "wrong", "10.0.0.1")
		wantCode(t, err, survey.EUnauthorized)
		c.Advance(time.Minute + 30*time.Second)
		_, err = s.Authenticate(ctx, "anna@example.org", "correct horse battery", "10.0.0.1")
		wantCode(t, err, survey.ELocked)
		c.Advance(time.Minute)
		if _, err := s.Authenticate(ctx, "anna@example.org", "correct horse battery", "10.0.0.1"); err != nil {
			t.Fatalf("after the back-off: %v", err)
		}
		// Success forgot the failures: five more are free again.
		for i := 0; i < accounts.LoginFreeFailures-1; i++ {
			_, err := s.Authenticate(ctx, "anna@example.org", "wrong", "10.0.0.1")
			wantCode(t, err, survey.EUnauthorized)
		}
		if _, err := s.Authenticate(ctx, "anna@example.org", "correct horse battery", "10.0.0.1"); err != nil {
			t.Fatalf("after four failures: %v", err)
		}
	})
}

func TestSessionsExpireRotateAndEndWithTheAccount(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s, c := mustOpenClocked(t, dsn)
		u := mustUser(t, s, "anna@example.org", accounts.RoleViewer, "")
		tok, err := s.NewSession(ctx, u.ID, "")
		if err != nil || len(tok) != 43 {
			t.Fatalf("NewSession = %q, %v", tok, err)
		}
		sess, err := s.SessionByToken(ctx, tok)
		if err != nil || sess.User.ID != u.ID {
			t.Fatalf("SessionByToken = %+v, %v", sess, err)
		}
		_, err = s.SessionByToken(ctx, tok+"x")
		wantCode(t, err, survey.EUnauthorized)

		// Rotation: a new login ends the session the browser held.
		tok2, err := s.NewSession(ctx, u.ID, tok)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.SessionByToken(ctx, tok)
		wantCode(t, err, survey.EUnauthorized)

		// Idle expiry, kept off by use.
		for i := 0; i < 3; i++ {
			c.Advance(accounts.SessionIdle - time.Minute)
			if _, err := s.SessionByToken(ctx, tok2); err != nil {
				t.Fatalf("used session after %d idle periods: %v", i+1, err)
			}
		}
		c.Advance(accounts.SessionIdle)
		_, err = s.SessionByToken(ctx, tok2)
		wantCode(t, err, survey.EUnauthorized)

		// Absolute expiry, however busy.
		tok3, _ := s.NewSession(ctx, u.ID, "")
		for elapsed := time.Duration(0); elapsed < accounts.SessionAbsolute-time.Hour; elapsed += time.Hour {
			c.Advance(time.Hour)
			if _, err := s.SessionByToken(ctx, tok3); err != nil {
				t.Fatalf("session after %s: %v", elapsed+time.Hour, err)
			}
		}
		c.Advance(time.Hour)
		_, err = s.SessionByToken(ctx, tok3)
		wantCode(t, err, survey.EUnauthorized)

		// Logout and disabling end sessions.
		tok4, _ := s.NewSession(ctx, u.ID, "")
		if err := s.EndSession(ctx, tok4); err != nil {
			t.Fatal(err)
		}
		_, err = s.SessionByToken(ctx, tok4)
		wantCode(t, err, survey.EUnauthorized)
		tok5, _ := s.NewSession(ctx, u.ID, "")
		if err := s.DisableUser(ctx, "Anna@example.org"); err != nil {
			t.Fatal(err)
		}
		_, err = s.SessionByToken(ctx, tok5)
		wantCode(t, err, survey.EUnauthorized)
		_, err = s.Authenticate(ctx, "anna@example.org", "correct horse battery", "10.0.0.1")
		wantCode(t, err, survey.EUnauthorized)
		wantCode(t, s.DisableUser(ctx, "nobody@example.org"), survey.ENotFound)
	})
}

func TestDecisionsAreAnAppendOnlyLog(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s, c := mustOpenClocked(t, dsn)
		d := storetest.MustDepartment(t, s.db, "Finance", 20)
		other := storetest.MustDepartment(t, s.db, "IT", 20)
		p := storetest.MustOpenPulse(t, s.db, "advocacy-readiness", 1)
		u := mustUser(t, s, "anna@example.org", accounts.RoleViewer, "")
		rec := func(dept string, ch survey.Choice, note string) (survey.Decision, error) {
			return s.db.RecordDecision(ctx, survey.Decision{PulseID: p.ID, DepartmentID: dept, Choice: ch, Verdict: "GO",
				Note: note, UserID: u.ID, UserEmail: u.Email})
		}
		first, err := rec(d.ID, survey.ChoiceNoGo, "  Wait for the reorganisation. ")
		if err != nil || first.Note != "Wait for the reorganisation." || !first.DecidedAt.Equal(c.Now()) {
			t.Fatalf("first = %+v, %v", first, err)
		}
		c.Advance(time.Hour)
		if _, err := rec(d.ID, survey.ChoiceGo, "Pilot with five volunteers."); err != nil {
			t.Fatal(err)
		}
		if _, err := rec(other.ID, survey.ChoiceGo, "Go."); err != nil {
			t.Fatal(err)
		}
		_, err = rec(d.ID, "maybe", "x")
		wantCode(t, err, survey.EInvalid)
		_, err = rec(d.ID, survey.ChoiceGo, " ")
		wantCode(t, err, survey.EInvalid)
		_, err = rec(survey.NewID(), survey.ChoiceGo, "x")
		wantCode(t, err, survey.ENotFound)
		log, err := s.db.Decisions(ctx, p.ID, d.ID)
		if err != nil || len(log) != 2 || log[0].Choice != survey.ChoiceGo || log[1].Choice != survey.ChoiceNoGo ||
			log[0].UserEmail != "anna@example.org" {
			t.Fatalf("Decisions = %+v, %v", log, err)
		}
		all, _ := s.db.Decisions(ctx, p.ID, "")
		if len(all) != 3 {
			t.Fatalf("all decisions = %d", len(all))
		}
	})
}

// writer is the database handle the accounts write through, for tests that
// look at the rows themselves.
func writer(s store) *gorm.DB { w, _ := s.db.Handles(); return w }

func TestSignInIsRecordedOnTheAccount(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s, clk := mustOpenClocked(t, dsn)
		clk.Set(time.Date(2026, 5, 4, 10, 30, 0, 0, time.UTC))
		_, err := s.CreateUser(ctx, accounts.User{Email: "or@example.org", Role: accounts.RoleCouncil}, "correct horse battery")
		must(t, err)
		if _, err := s.Authenticate(ctx, "or@example.org", "wrong password!!", "127.0.0.1"); err == nil {
			t.Fatal("wrong password accepted")
		}
		u, _ := s.UserByEmail(ctx, "or@example.org")
		if !u.LastLogin.IsZero() {
			t.Errorf("a failed sign-in set the last sign-in: %v", u.LastLogin)
		}
		if _, err := s.Authenticate(ctx, "or@example.org", "correct horse battery", "127.0.0.1"); err != nil {
			t.Fatal(err)
		}
		u, _ = s.UserByEmail(ctx, "or@example.org")
		if !u.LastLogin.Equal(clk.Now()) {
			t.Errorf("last sign-in %v, want %v", u.LastLogin, clk.Now())
		}
	})
}
