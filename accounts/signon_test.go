package accounts_test

import (
	"testing"

	"trots/accounts"
	"trots/survey"
	"trots/survey/storetest"
)

// An account made by single sign-on gets the role the provider gave, which
// follows the provider at every sign-in (but the last administrator stays
// one); it has no password; a disabled account stays disabled; a lead
// needs a department that exists.
func TestSignOnUserFollowsTheProvider(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s := open(t, storetest.Open(t, dsn))
		d := storetest.MustDepartment(t, s.db, "ICT", 8)
		u, created, err := s.SignOnUser(ctx, accounts.User{Email: " Ann@Example.org", Role: accounts.RoleAdmin})
		if err != nil || !created || u.Email != "ann@example.org" || u.Role != accounts.RoleAdmin || u.LastLogin.IsZero() {
			t.Fatalf("first sign-on: %+v, created %v, %v", u, created, err)
		}
		// The only administrator stays one, whatever the provider says.
		if _, _, err := s.SignOnUser(ctx, accounts.User{Email: "ann@example.org", Role: accounts.RoleViewer}); survey.ErrorKey(err) != "last_admin" {
			t.Fatalf("sign-on demoting the last administrator: %v", err)
		}
		if _, _, err := s.SignOnUser(ctx, accounts.User{Email: "hr@example.org", Role: accounts.RoleAdmin}); err != nil {
			t.Fatal(err)
		}
		u, created, err = s.SignOnUser(ctx, accounts.User{Email: "ann@example.org", Role: accounts.RoleLead, DepartmentID: d.ID})
		if err != nil || created || u.Role != accounts.RoleLead || u.DepartmentID != d.ID {
			t.Fatalf("second sign-on as lead: %+v, created %v, %v", u, created, err)
		}
		if n, _ := s.CountUsers(ctx); n != 2 {
			t.Errorf("%d accounts, want 2", n)
		}
		if _, err := s.Authenticate(ctx, "ann@example.org", "!signon", "192.0.2.1"); survey.ErrorCode(err) != survey.EUnauthorized {
			t.Errorf("password login to a sign-on account: %v", err)
		}
		if _, _, err := s.SignOnUser(ctx, accounts.User{Email: "bo@example.org", Role: accounts.RoleLead, DepartmentID: "nope"}); survey.ErrorCode(err) != survey.ENotFound {
			t.Errorf("lead of an unknown department: %v", err)
		}
		must(t, s.DisableUser(ctx, "ann@example.org"))
		if _, _, err := s.SignOnUser(ctx, accounts.User{Email: "ann@example.org", Role: accounts.RoleAdmin}); survey.ErrorKey(err) != "signon_disabled" {
			t.Errorf("disabled account: %v", err)
		}
	})
}
