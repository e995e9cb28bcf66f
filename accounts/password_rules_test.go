package accounts_test

import (
	"strings"
	"testing"

	"trots/accounts"
	"trots/survey"
	"trots/survey/storetest"
)

// Finding "a password of twelve spaces is accepted": passwords that pass
// the length rule but are guessed first are refused with a reason, and
// nothing is stored.
func TestWeakPasswordsAreRefused(t *testing.T) {
	s := open(t, storetest.Open(t, storetest.SQLiteDSN(t)))
	for _, c := range []struct{ password, key string }{
		{strings.Repeat(" ", 12), "password_blank"},
		{"\t\t\t \u00a0\u3000          ", "password_blank"},
		{"aaaaaaaaaaaa", "password_repetitive"},
		{"abababababab", "password_repetitive"},
		{"123456789012", "password_sequence"},
		{"qwertyuiopas", "password_sequence"},
		{"password1234", "password_common"},
		{"Wachtwoord2026!", "password_common"},
		{"P@ssw0rd 2026!", "password_common"},
		{"welkomwelkom", "password_common"},
		{"qwerty123456789", "password_common"},
		{"hr.ruud.vandijk@example.org", "password_email"},
		{"ruud.vandijk2026", "password_email"},
		{"short", "password_short"},
	} {
		_, err := s.CreateUser(ctx, accounts.User{Email: "Ruud.VanDijk@example.org", Role: accounts.RoleAdmin}, c.password)
		if survey.ErrorKey(err) != c.key || survey.ErrorCode(err) != survey.EInvalid {
			t.Errorf("password %q: %v, want %s", c.password, err, c.key)
		}
	}
	if n, err := s.CountUsers(ctx); err != nil || n != 0 {
		t.Fatalf("%d accounts stored after refusals (%v)", n, err)
	}
	for _, good := range []string{"correct horse battery staple", "Grachten-fiets-7-regen", "tulpen en molens"} {
		if _, err := s.CreateUser(ctx, accounts.User{Email: survey.NewID() + "@example.org", Role: accounts.RoleViewer}, good); err != nil {
			t.Errorf("password %q refused: %v", good, err)
		}
	}
}
