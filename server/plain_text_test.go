package server_test

import (
	"net/http"
	"net/url"
	"testing"

	"trots/server"
	"trots/survey/storetest"
)

// A NUL byte or invalid UTF-8 in a name, or in the address of a login,
// gets the answer any other wrong input gets - a field error in the
// user's language, or "not right" - on PostgreSQL too, which refuses such
// bytes with an error of its own; nothing is stored.
func TestControlCharactersGetAFieldError(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newConsoleEnv(t, dsn, server.Config{})
		if p := e.browser().post("/login?lang=nl", url.Values{"email": {"a\x00@example.org"}, "password": {"x"}}); p.status != http.StatusUnauthorized {
			t.Errorf("login with a NUL in the address: %d, want 401", p.status)
		}
		admin := e.browser()
		admin.login("admin@example.org")
		token := admin.csrf("/departments")
		before := e.departments()
		for _, name := range []string{"A\x00B", "\xff\xfeAB"} {
			p := admin.post("/departments?lang=nl", url.Values{"_csrf": {token}, "name": {name}, "headcount": {"5"}})
			if got := text(parseHTML(t, p.body).byID("name-error")); p.status != http.StatusBadRequest ||
				got != "Een naam mag geen stuurtekens of ongeldige tekens bevatten." {
				t.Errorf("department %q: %d, name error %q", name, p.status, got)
			}
		}
		if after := e.departments(); len(after) != len(before) {
			t.Errorf("%d departments after the refusals, %d before", len(after), len(before))
		}
	})
}
