package accounts_test

import (
	"testing"

	"trots/accounts"
	"trots/survey"
	"trots/survey/storetest"
)

// The console language a user chose comes back with the account, through
// a new session too; a language trots does not speak changes nothing.
func TestSetUserLanguage(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s, _ := mustOpenClocked(t, dsn)
		u := mustUser(t, s, "anna@example.org", accounts.RoleViewer, "")
		if u.Lang != "" {
			t.Fatalf("new user has language %q", u.Lang)
		}
		if err := s.SetUserLanguage(ctx, u.ID, "en"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.SetUserLanguage(ctx, u.ID, "de"), survey.EInvalid)
		wantCode(t, s.SetUserLanguage(ctx, survey.NewID(), "nl"), survey.ENotFound)
		token, err := s.NewSession(ctx, u.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		sess, err := s.SessionByToken(ctx, token)
		if err != nil || sess.User.Lang != "en" {
			t.Fatalf("session user language = %q, %v; want en", sess.User.Lang, err)
		}
		if got, err := s.UserByEmail(ctx, "anna@example.org"); err != nil || got.Lang != "en" {
			t.Fatalf("user language = %q, %v; want en", got.Lang, err)
		}
	})
}
