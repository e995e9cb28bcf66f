package accounts_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"trots/accounts"
	"trots/survey"
	"trots/survey/storetest"
)

const goodPassword = "a quiet lighthouse keeper"

func TestInvitationLinkMakesTheAccountOnce(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s, _ := mustOpenClocked(t, dsn)
		d := storetest.MustDepartment(t, s.db, "Finance", 20)
		mustUser(t, s, "hr@example.org", accounts.RoleAdmin, "")
		token, link, err := s.InviteUser(ctx, accounts.User{Email: "Lead@Example.org", Role: accounts.RoleLead, DepartmentID: d.ID},
			"hr@example.org", accounts.DefaultAccountLinkLifetime)
		if err != nil {
			t.Fatal(err)
		}
		if link.Email != "lead@example.org" || link.Kind != accounts.LinkInvite {
			t.Fatalf("link = %+v", link)
		}
		// Never the token itself in the database: only its keyed hash.
		var raw int64
		writer(s).Raw("SELECT COUNT(*) FROM account_links WHERE token_hash = ? OR email LIKE ?", token, "%"+token+"%").Scan(&raw)
		if raw != 0 {
			t.Fatal("the raw token is stored")
		}
		pending, err := s.PendingInvitations(ctx)
		if err != nil || len(pending) != 1 || pending[0].Email != "lead@example.org" {
			t.Fatalf("pending = %+v, %v", pending, err)
		}
		// The password rules apply, and a refusal spends nothing.
		_, err = s.UseAccountLink(ctx, token, "", "short")
		wantCode(t, err, survey.EInvalid)
		u, err := s.UseAccountLink(ctx, token, "ignored@example.org", goodPassword)
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != "lead@example.org" || u.Role != accounts.RoleLead || u.DepartmentID != d.ID {
			t.Fatalf("account = %+v", u)
		}
		if _, err := s.Authenticate(ctx, "lead@example.org", goodPassword, "192.0.2.1"); err != nil {
			t.Fatalf("sign in with the chosen password: %v", err)
		}
		_, err = s.UseAccountLink(ctx, token, "", goodPassword+"!")
		if survey.ErrorKey(err) != "account_link_used" {
			t.Fatalf("second use: %v, want account_link_used", err)
		}
		if _, err := s.AccountLinkByToken(ctx, token); survey.ErrorKey(err) != "account_link_used" {
			t.Fatalf("look-up after use: %v", err)
		}
		// An address with an account gets no invitation.
		_, _, err = s.InviteUser(ctx, accounts.User{Email: "lead@example.org", Role: accounts.RoleViewer}, "hr@example.org", time.Hour)
		wantCode(t, err, survey.EConflict)
	})
}

func TestAccountLinksExpireAndUnknownOnesAreRefused(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s, clk := mustOpenClocked(t, dsn)
		token, _, err := s.InviteUser(ctx, accounts.User{Email: "v@example.org", Role: accounts.RoleViewer}, "hr", accounts.DefaultAccountLinkLifetime)
		if err != nil {
			t.Fatal(err)
		}
		clk.Advance(72*time.Hour - time.Second)
		if _, err := s.AccountLinkByToken(ctx, token); err != nil {
			t.Fatalf("just before expiry: %v", err)
		}
		clk.Advance(time.Second)
		if _, err := s.UseAccountLink(ctx, token, "", goodPassword); survey.ErrorKey(err) != "account_link_expired" {
			t.Fatalf("after 72 h: %v, want account_link_expired", err)
		}
		for _, bad := range []string{"", "x", strings.Repeat("A", 43), token[:42] + "!"} {
			if _, err := s.AccountLinkByToken(ctx, bad); survey.ErrorKey(err) != "account_link_unknown" {
				t.Fatalf("token %q: %v, want account_link_unknown", bad, err)
			}
		}
		if _, _, err := s.InviteUser(ctx, accounts.User{Email: "v@example.org", Role: accounts.RoleViewer}, "hr", 30*24*time.Hour); survey.ErrorCode(err) != survey.EInvalid {
			t.Fatalf("30-day link: %v", err)
		}
	})
}

func TestResetLinkSetsANewPasswordAndEndsSessions(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s, _ := mustOpenClocked(t, dsn)
		admin := mustUser(t, s, "hr@example.org", accounts.RoleAdmin, "")
		v := mustUser(t, s, "viewer@example.org", accounts.RoleViewer, "")
		session, err := s.NewSession(ctx, v.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		token, link, err := s.NewResetLink(ctx, v.ID, admin.Email, accounts.DefaultAccountLinkLifetime)
		if err != nil || link.Kind != accounts.LinkReset || link.Email != v.Email {
			t.Fatalf("reset link %+v, %v", link, err)
		}
		if _, err := s.UseAccountLink(ctx, token, "", goodPassword); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionByToken(ctx, session); survey.ErrorCode(err) != survey.EUnauthorized {
			t.Fatalf("session after reset: %v", err)
		}
		if _, err := s.Authenticate(ctx, v.Email, "correct horse battery", "192.0.2.1"); err == nil {
			t.Fatal("the old password still works")
		}
		if _, err := s.Authenticate(ctx, v.Email, goodPassword, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetUserDisabled(ctx, v.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.NewResetLink(ctx, v.ID, admin.Email, time.Hour); survey.ErrorKey(err) != "user_disabled" {
			t.Fatalf("reset of a disabled account: %v", err)
		}
	})
}

func TestSetupLinkWorksOnlyWithoutAccounts(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s, _ := mustOpenClocked(t, dsn)
		first, _, err := s.NewSetupLink(ctx, accounts.DefaultAccountLinkLifetime)
		if err != nil {
			t.Fatal(err)
		}
		second, _, err := s.NewSetupLink(ctx, accounts.DefaultAccountLinkLifetime)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AccountLinkByToken(ctx, first); survey.ErrorKey(err) != "account_link_unknown" {
			t.Fatalf("an earlier setup link still works: %v", err)
		}
		if _, err := s.UseAccountLink(ctx, second, "not an address", goodPassword); survey.ErrorCode(err) != survey.EInvalid {
			t.Fatalf("setup with a bad address: %v", err)
		}
		u, err := s.UseAccountLink(ctx, second, "Boss@Example.org", goodPassword)
		if err != nil || u.Role != accounts.RoleAdmin || u.Email != "boss@example.org" {
			t.Fatalf("setup: %+v, %v", u, err)
		}
		if _, _, err := s.NewSetupLink(ctx, time.Hour); survey.ErrorKey(err) != "setup_done" {
			t.Fatalf("setup link with an account: %v", err)
		}
	})
}

func TestConcurrentUsesOfOneLinkMakeOneAccount(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s, _ := mustOpenClocked(t, dsn)
		token, _, err := s.InviteUser(ctx, accounts.User{Email: "v@example.org", Role: accounts.RoleViewer}, "hr", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = s.UseAccountLink(ctx, token, "", goodPassword)
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case survey.ErrorCode(err) != survey.EConflict:
				t.Fatalf("use: %v", err)
			}
		}
		if n, _ := s.CountUsers(ctx); ok != 1 || n != 1 {
			t.Fatalf("%d uses succeeded, %d accounts; want 1 and 1", ok, n)
		}
	})
}

func TestTheLastActiveAdminStays(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s, _ := mustOpenClocked(t, dsn)
		a := mustUser(t, s, "a@example.org", accounts.RoleAdmin, "")
		b := mustUser(t, s, "b@example.org", accounts.RoleAdmin, "")
		if _, err := s.SetUserDisabled(ctx, b.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetUserDisabled(ctx, a.ID, true); survey.ErrorKey(err) != "last_admin" {
			t.Fatalf("disable the last admin: %v", err)
		}
		if err := s.DisableUser(ctx, a.Email); survey.ErrorKey(err) != "last_admin" {
			t.Fatalf("disable the last admin by address: %v", err)
		}
		if _, _, err := s.SetUserRole(ctx, a.ID, accounts.RoleViewer, ""); survey.ErrorKey(err) != "last_admin" {
			t.Fatalf("demote the last admin: %v", err)
		}
		// A disabled admin may be demoted; re-enabled, b lets a go.
		if _, _, err := s.SetUserRole(ctx, b.ID, accounts.RoleViewer, ""); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SetUserRole(ctx, b.ID, accounts.RoleAdmin, ""); err != nil {
			t.Fatal(err)
		}
		if u, err := s.SetUserDisabled(ctx, b.ID, false); err != nil || u.Disabled {
			t.Fatalf("enable: %+v, %v", u, err)
		}
		before, after, err := s.SetUserRole(ctx, a.ID, accounts.RoleCouncil, "")
		if err != nil || before.Role != accounts.RoleAdmin || after.Role != accounts.RoleCouncil {
			t.Fatalf("demote with another admin: %v -> %v, %v", before.Role, after.Role, err)
		}
		if _, _, err := s.SetUserRole(ctx, a.ID, accounts.RoleLead, ""); survey.ErrorCode(err) != survey.EInvalid {
			t.Fatalf("lead without a department: %v", err)
		}
		// Re-enabled, the account's disabled_at is cleared: the retention
		// no longer counts towards its removal.
		var n int64
		writer(s).Raw("SELECT COUNT(*) FROM users WHERE disabled_at IS NOT NULL").Scan(&n)
		if n != 0 {
			t.Fatalf("%d accounts keep disabled_at after being enabled", n)
		}
	})
}

func TestAdminSeesAndEndsSessionsAndTokens(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s, _ := mustOpenClocked(t, dsn)
		v := mustUser(t, s, "v@example.org", accounts.RoleViewer, "")
		one, _ := s.NewSession(ctx, v.ID, "")
		two, _ := s.NewSession(ctx, v.ID, "")
		list, err := s.UserSessions(ctx, v.ID)
		if err != nil || len(list) != 2 {
			t.Fatalf("sessions = %+v, %v", list, err)
		}
		if err := s.EndUserSession(ctx, v.ID, accounts.SessionHandle(one)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionByToken(ctx, one); err == nil {
			t.Fatal("ended session still works")
		}
		if _, err := s.SessionByToken(ctx, two); err != nil {
			t.Fatalf("the other session ended too: %v", err)
		}
		if err := s.EndUserSession(ctx, v.ID, "zz%"); survey.ErrorCode(err) != survey.ENotFound {
			t.Fatalf("a pattern as handle: %v", err)
		}
		read, err := s.NewScopedAPIToken(ctx, v.Email, "dashboard", 30*24*time.Hour, accounts.ScopeRead)
		if err != nil {
			t.Fatal(err)
		}
		if _, scope, err := s.APITokenAccess(ctx, read); err != nil || scope != accounts.ScopeRead {
			t.Fatalf("scope = %q, %v", scope, err)
		}
		full, _ := s.NewAPIToken(ctx, v.Email, "etl")
		if _, scope, _ := s.APITokenAccess(ctx, full); scope != accounts.ScopeFull {
			t.Fatalf("default scope = %q", scope)
		}
		tokens, _ := s.APITokens(ctx, v.Email)
		if len(tokens) != 2 {
			t.Fatalf("tokens = %+v", tokens)
		}
		name, err := s.RevokeAPIToken(ctx, v.ID, tokens[0].Handle)
		if err != nil || name != "dashboard" {
			t.Fatalf("revoke = %q, %v", name, err)
		}
		if _, _, err := s.APITokenAccess(ctx, read); survey.ErrorCode(err) != survey.EUnauthorized {
			t.Fatalf("revoked token: %v", err)
		}
		if _, err := s.SetUserDisabled(ctx, v.ID, true); err != nil {
			t.Fatal(err)
		}
		if list, _ := s.UserSessions(ctx, v.ID); len(list) != 0 {
			t.Fatalf("sessions of a disabled account: %+v", list)
		}
	})
}

// Administrators disabling each other at the same moment leave exactly
// one of them: the check and the change are one serialised step.
func TestConcurrentDisablingKeepsAnAdmin(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s, _ := mustOpenClocked(t, dsn)
		var admins []string // the one left by the round before, and two new ones
		for round := range 5 {
			for _, p := range []string{"a", "b"} {
				admins = append(admins, mustUser(t, s, p+strings.Repeat("x", round)+"@example.org", accounts.RoleAdmin, "").ID)
			}
			var wg sync.WaitGroup
			errs := make([]error, len(admins))
			for i, id := range admins {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = s.SetUserDisabled(ctx, id, true)
				}()
			}
			wg.Wait()
			var left []string
			for i, err := range errs {
				switch {
				case err != nil && survey.ErrorKey(err) == "last_admin":
					left = append(left, admins[i])
				case err != nil:
					t.Fatalf("round %d: %v", round, err)
				}
			}
			var active int64
			writer(s).Raw("SELECT COUNT(*) FROM users WHERE role = 'admin' AND NOT disabled").Scan(&active)
			if active != 1 || len(left) != 1 {
				t.Fatalf("round %d: %d active admins, %d refusals (%v)", round, active, len(left), errs)
			}
			admins = left
		}
	})
}

// The retention deletes links a month past their expiry, with the address
// of an invitation nobody took up.
func TestRetentionForgetsOldAccountLinks(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s, clk := mustOpenClocked(t, dsn)
		old, _, err := s.InviteUser(ctx, accounts.User{Email: "never@example.org", Role: accounts.RoleViewer}, "hr", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		clk.Advance(accounts.AccountLinkKeep)
		fresh, _, err := s.InviteUser(ctx, accounts.User{Email: "soon@example.org", Role: accounts.RoleViewer}, "hr", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		clk.Advance(2 * time.Hour)
		if _, _, err := s.ExpireAccounts(ctx, clk.Now(), survey.RecordPolicy{}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AccountLinkByToken(ctx, old); survey.ErrorKey(err) != "account_link_unknown" {
			t.Fatalf("old link: %v", err)
		}
		if _, err := s.AccountLinkByToken(ctx, fresh); survey.ErrorKey(err) != "account_link_expired" {
			t.Fatalf("recent link: %v", err)
		}
		var n int64
		writer(s).Raw("SELECT COUNT(*) FROM account_links WHERE email = 'never@example.org'").Scan(&n)
		if n != 0 {
			t.Fatal("the address of the old invitation is kept")
		}
	})
}
