package server_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"trots/accounts"
	"trots/server"
	"trots/survey"
	"trots/survey/storetest"
)

var accountLinkPath = regexp.MustCompile(`/account/([A-Za-z0-9_-]{43})`)

// userID is the id of the account of email.
func (e *consoleEnv) userID(email string) string {
	e.t.Helper()
	u, err := accounts.New(e.store).UserByEmail(ctx, email)
	if err != nil {
		e.t.Fatal(err)
	}
	return u.ID
}

// linkOf is the one-time link shown on a page (its path).
func linkOf(t *testing.T, p page) string {
	t.Helper()
	d := parseHTML(t, p.body)
	u, err := url.Parse(attr(d.byID("account-link"), "value"))
	if err != nil || !accountLinkPath.MatchString(u.Path) {
		t.Fatalf("no one-time link on the page (status %d): %v", p.status, err)
	}
	return u.Path
}

// acceptLink chooses password through the link at path, as its holder.
func (e *consoleEnv) acceptLink(path, email, password string) page {
	e.t.Helper()
	b := e.browser()
	form := parseHTML(e.t, b.get(path+"?lang=en").body)
	token := attr(form.one(tag("input", "name", "token"), "token field"), "value")
	return b.post("/account?lang=en", url.Values{"token": {token}, "email": {email}, "password": {password}, "password2": {password}})
}

// An administrator invites someone in the console; the link works once,
// with the password rules, in both languages; every step is audited.
func TestInvitationThroughTheConsole(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	admin := e.browser()
	admin.login("admin@example.org")
	csrf := admin.csrf("/users")

	// Without the form's token nothing happens.
	if p := admin.post("/users/invite", url.Values{"email": {"new@example.org"}, "role": {"viewer"}}); p.status != http.StatusForbidden {
		t.Fatalf("invite without CSRF: %d", p.status)
	}
	// A bad address is refused in the page's language, and stores nothing.
	for lang, want := range map[string]string{"en": "This is not an e-mail address.", "nl": "Dit is geen e-mailadres."} {
		p := admin.post("/users/invite?lang="+lang, url.Values{"_csrf": {csrf}, "email": {"not an address"}, "role": {"viewer"}})
		if p.status != http.StatusBadRequest || text(parseHTML(t, p.body).byID("invite-error")) != want {
			t.Fatalf("bad address (%s): %d", lang, p.status)
		}
	}
	if p := admin.post("/users/invite?lang=en", url.Values{"_csrf": {csrf}, "email": {"viewer@example.org"}, "role": {"viewer"}}); p.status != http.StatusConflict {
		t.Fatalf("invite of an existing account: %d", p.status)
	}
	if pending, _ := accounts.New(e.store).PendingInvitations(ctx); len(pending) != 0 {
		t.Fatalf("refused invitations were stored: %+v", pending)
	}

	p := admin.post("/users/invite?lang=en", url.Values{"_csrf": {csrf}, "email": {"Lead2@Example.org"}, "role": {"lead"}, "department": {e.lead.ID}})
	if p.status != http.StatusCreated {
		t.Fatalf("invite: %d", p.status)
	}
	link := linkOf(t, p)
	if got := e.newestAudit("user.invite"); got.Actor != "admin@example.org" || got.Object != "account lead2@example.org" ||
		!strings.Contains(got.Detail, "role lead, department "+e.lead.ID) || strings.Contains(got.Detail, link[len("/account/"):]) {
		t.Fatalf("audit = %+v", got)
	}
	users := parseHTML(t, admin.get("/users?lang=en").body)
	if !strings.Contains(text(users.byID("pending")), "lead2@example.org") {
		t.Fatal("the invitation is not listed as pending")
	}

	// The holder sees the role and address, and chooses a password.
	holder := e.browser()
	form := parseHTML(t, holder.get(link+"?lang=en").body)
	if got := text(form.byID("account-body")); !strings.Contains(got, "department lead") || !strings.Contains(got, "lead2@example.org") {
		t.Fatalf("invitation page says %q", got)
	}
	token := attr(form.one(tag("input", "name", "token"), "token field"), "value")
	send := func(lang, pw, again string) page {
		return holder.post("/account?lang="+lang, url.Values{"token": {token}, "password": {pw}, "password2": {again}})
	}
	// A post from another site is refused before the link is looked at.
	cross := e.send("POST", "/account", strings.NewReader(url.Values{"token": {token}, "password": {"a quiet lighthouse keeper"},
		"password2": {"a quiet lighthouse keeper"}}.Encode()), map[string]string{"Content-Type": "application/x-www-form-urlencoded",
		"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
	if cross.status != http.StatusForbidden {
		t.Fatalf("cross-site post: %d", cross.status)
	}
	if p := send("en", "a long passphrase one", "a long passphrase two"); p.status != http.StatusBadRequest ||
		text(parseHTML(t, p.body).byID("account-error")) != "The two passwords differ." {
		t.Fatalf("mismatch: %d", p.status)
	}
	if p := send("nl", "kort", "kort"); p.status != http.StatusBadRequest ||
		text(parseHTML(t, p.body).byID("account-error")) != "Een wachtwoord heeft minstens 12 tekens." {
		t.Fatalf("short password: %d %s", p.status, text(parseHTML(t, p.body).byID("account-error")))
	}
	if p := send("en", "a quiet lighthouse keeper", "a quiet lighthouse keeper"); p.status != http.StatusOK ||
		!strings.Contains(text(parseHTML(t, p.body).byID("account-body")), "lead2@example.org") {
		t.Fatalf("accept: %d", p.status)
	}
	if got := e.newestAudit("user.accept"); got.Actor != "lead2@example.org" {
		t.Fatalf("audit = %+v", got)
	}
	if p := holder.post("/login", url.Values{"email": {"lead2@example.org"}, "password": {"a quiet lighthouse keeper"}}); p.status != http.StatusSeeOther {
		t.Fatalf("sign in: %d", p.status)
	}
	// Used: a page of its own, in either language; posting again too.
	for lang, want := range map[string]string{"en": "This link has been used", "nl": "Deze link is al gebruikt"} {
		p := e.browser().get(link + "?lang=" + lang)
		if p.status != http.StatusGone || text(parseHTML(t, p.body).byID("message-heading")) != want {
			t.Fatalf("used link (%s): %d", lang, p.status)
		}
	}
	if p := send("en", "another passphrase here", "another passphrase here"); p.status != http.StatusGone {
		t.Fatalf("second use: %d", p.status)
	}
	if p := e.browser().get("/account/" + strings.Repeat("A", 43) + "?lang=en"); p.status != http.StatusNotFound ||
		text(parseHTML(t, p.body).byID("message-heading")) != "We do not know this link" {
		t.Fatalf("unknown link: %d", p.status)
	}
}

// An expired link says so, in Dutch and English.
func TestExpiredAccountLinkPage(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	st, err := survey.Open(ctx, storetest.SQLiteDSN(t), survey.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv := httptest.NewServer(server.New(server.Config{}, slog.New(slog.DiscardHandler), st, accounts.New(st)).Handler())
	defer srv.Close()
	token, _, err := accounts.New(st).NewSetupLink(ctx, accounts.DefaultAccountLinkLifetime)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = now.Add(accounts.DefaultAccountLinkLifetime)
	mu.Unlock()
	for lang, want := range map[string]string{"en": "This link has expired", "nl": "Deze link is verlopen"} {
		resp, err := http.Get(srv.URL + "/account/" + token + "?lang=" + lang)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusGone || text(parseHTML(t, string(body)).byID("message-heading")) != want {
			t.Fatalf("expired (%s): %d", lang, resp.StatusCode)
		}
	}
}

// Disabling ends the account's sessions at once; enabling lets it sign in
// again; the last active administrator cannot be disabled or demoted; a
// reset link ends the sessions when used.
func TestAdminDisablesEnablesAndResets(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	admin := e.browser()
	admin.login("admin@example.org")
	viewer := e.browser()
	viewer.login("viewer@example.org")
	vid, aid := e.userID("viewer@example.org"), e.userID("admin@example.org")

	page := parseHTML(t, admin.get("/users/"+vid+"?lang=en").body)
	if n := len(parseHTML(t, admin.get("/users/"+vid).body).all(tag("form", "class", "inline"))); n < 2 {
		t.Fatalf("the viewer's session is not listed (%d forms)", n)
	}
	csrf := attr(page.all(tag("input", "name", "_csrf"))[0], "value")
	if p := admin.post("/users/"+vid+"/disable", url.Values{"_csrf": {csrf}}); p.status != http.StatusSeeOther {
		t.Fatalf("disable: %d", p.status)
	}
	if p := viewer.get("/board"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/login") {
		t.Fatalf("the disabled viewer's session goes on: %d", p.status)
	}
	if got := e.newestAudit("user.disable"); got.Object != "account viewer@example.org" {
		t.Fatalf("audit = %+v", got)
	}
	if p := admin.post("/users/"+vid+"/enable", url.Values{"_csrf": {csrf}}); p.status != http.StatusSeeOther {
		t.Fatalf("enable: %d", p.status)
	}
	viewer.login("viewer@example.org")

	// The only administrator stays one, in either language.
	for lang, want := range map[string]string{"en": "last active HR administrator", "nl": "laatste actieve HR-beheerder"} {
		p := admin.post("/users/"+aid+"/disable?lang="+lang, url.Values{"_csrf": {csrf}})
		if p.status != http.StatusConflict || !strings.Contains(text(parseHTML(t, p.body).byID("account-error")), want) {
			t.Fatalf("disable the last admin (%s): %d", lang, p.status)
		}
	}
	if p := admin.post("/users/"+aid+"/role", url.Values{"_csrf": {csrf}, "role": {"viewer"}}); p.status != http.StatusConflict {
		t.Fatalf("demote the last admin: %d", p.status)
	}
	if u, _ := accounts.New(e.store).UserByID(ctx, aid); u.Role != accounts.RoleAdmin || u.Disabled {
		t.Fatalf("the last admin changed: %+v", u)
	}
	// A lead needs a department; with one the role changes.
	if p := admin.post("/users/"+vid+"/role?lang=en", url.Values{"_csrf": {csrf}, "role": {"lead"}}); p.status != http.StatusBadRequest {
		t.Fatalf("lead without department: %d", p.status)
	}
	if p := admin.post("/users/"+vid+"/role", url.Values{"_csrf": {csrf}, "role": {"lead"}, "department": {e.lead.ID}}); p.status != http.StatusSeeOther {
		t.Fatalf("role: %d", p.status)
	}
	if got := e.newestAudit("user.role"); got.Detail != "role viewer -> role lead, department "+e.lead.ID {
		t.Fatalf("audit = %+v", got)
	}

	// A reset link: the old password works until it is used.
	p := admin.post("/users/"+vid+"/reset?lang=en", url.Values{"_csrf": {csrf}})
	if p.status != http.StatusCreated {
		t.Fatalf("reset: %d", p.status)
	}
	if got := e.acceptLink(linkOf(t, p), "", "a brand new passphrase"); got.status != http.StatusOK {
		t.Fatalf("use the reset link: %d", got.status)
	}
	if p := viewer.get("/board"); p.status != http.StatusSeeOther {
		t.Fatalf("the session survived the reset: %d", p.status)
	}
	if got := e.newestAudit("user.password_reset"); got.Actor != "viewer@example.org" {
		t.Fatalf("audit = %+v", got)
	}
}

// An administrator ends one session and revokes one API token.
func TestAdminEndsSessionsAndTokens(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	admin := e.browser()
	admin.login("admin@example.org")
	phone, laptop := e.browser(), e.browser()
	phone.login("viewer@example.org")
	laptop.login("viewer@example.org")
	vid := e.userID("viewer@example.org")
	token := e.token("viewer@example.org")
	sessions, err := accounts.New(e.store).UserSessions(ctx, vid)
	if err != nil || len(sessions) != 2 {
		t.Fatalf("sessions = %+v, %v", sessions, err)
	}
	phoneHandle := accounts.SessionHandle(phone.cookie("trots_session").Value)
	csrf := admin.csrf("/users/" + vid)
	if p := admin.post("/users/"+vid+"/sessions/"+phoneHandle+"/end", url.Values{"_csrf": {csrf}}); p.status != http.StatusSeeOther {
		t.Fatalf("end session: %d", p.status)
	}
	if p := phone.get("/board"); p.status != http.StatusSeeOther {
		t.Fatalf("the ended session goes on: %d", p.status)
	}
	if p := laptop.get("/board"); p.status != http.StatusOK {
		t.Fatalf("the other session ended too: %d", p.status)
	}
	if p := admin.post("/users/"+vid+"/sessions/"+phoneHandle+"/end?lang=en", url.Values{"_csrf": {csrf}}); p.status != http.StatusNotFound {
		t.Fatalf("end it again: %d", p.status)
	}
	tokens, _ := accounts.New(e.store).APITokens(ctx, "viewer@example.org")
	if len(tokens) != 1 {
		t.Fatalf("tokens = %+v", tokens)
	}
	if p := admin.post("/users/"+vid+"/tokens/"+tokens[0].Handle+"/revoke", url.Values{"_csrf": {csrf}}); p.status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", p.status)
	}
	if code, _ := e.api("GET", "/api/v1/pulses", token, ""); code != http.StatusUnauthorized {
		t.Fatalf("revoked token: %d", code)
	}
	if got := e.newestAudit("session.end"); got.Object != "account viewer@example.org" {
		t.Fatalf("audit = %+v", got)
	}
}

// A read-only token reads results, decisions and reports and can write
// nothing; a full one of the same account can.
func TestReadOnlyTokenCannotWrite(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	read, err := accounts.New(e.store).NewScopedAPIToken(ctx, "admin@example.org", "dashboard", 30*24*time.Hour, accounts.ScopeRead)
	if err != nil {
		t.Fatal(err)
	}
	pulse := e.demo.Baseline.ID
	for _, path := range []string{"/api/v1/pulses", "/api/v1/pulses/" + pulse + "/results", "/api/v1/pulses/" + pulse + "/decisions", "/api/v1/departments"} {
		if code, body := e.api("GET", path, read, ""); code != http.StatusOK {
			t.Errorf("read-only GET %s: %d %s", path, code, body)
		}
	}
	writes := []struct{ method, path, body string }{
		{"POST", "/api/v1/pulses/" + pulse + "/decisions", `{"department_id":"` + e.lead.ID + `","choice":"go","note":"x"}`},
		{"POST", "/api/v1/departments", `{"name":"Nieuw","headcount":3}`},
		{"POST", "/api/v1/pulses/" + pulse + "/reports", `{}`},
		{"POST", "/api/v1/users/invitations", `{"email":"x@example.org","role":"viewer"}`},
		{"DELETE", "/api/v1/departments/" + e.lead.ID, ""},
	}
	for _, w := range writes {
		code, body := e.api(w.method, w.path, read, w.body)
		if code != http.StatusForbidden || apiCode(t, body) != "api_token_read_only" {
			t.Errorf("read-only %s %s: %d %s", w.method, w.path, code, body)
		}
	}
	for _, path := range []string{"/api/v1/users", "/api/v1/audit"} {
		if code, _ := e.api("GET", path, read, ""); code != http.StatusForbidden {
			t.Errorf("read-only GET %s: %d", path, code)
		}
	}
	if n, _ := e.store.Decisions(ctx, pulse, ""); len(n) != 0 {
		t.Fatalf("a read-only token recorded %d decisions", len(n))
	}
	full := e.token("admin@example.org")
	if code, body := e.api("POST", "/api/v1/pulses/"+pulse+"/decisions", full, writes[0].body); code != http.StatusCreated {
		t.Fatalf("full token: %d %s", code, body)
	}
}

func apiCode(t *testing.T, body string) string {
	t.Helper()
	var v struct {
		Error struct{ Code string } `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("not an API error: %q", body)
	}
	return v.Error.Code
}

// The same as JSON: invite, accept, change the role, reset, list sessions
// and tokens, end them; the last administrator stays.
func TestAccountsAPI(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newConsoleEnv(t, dsn, server.Config{})
		tok := e.token("admin@example.org")
		code, body := e.api("POST", "/api/v1/users/invitations", tok, `{"email":"new@example.org","role":"viewer"}`)
		var link struct {
			URL, Email, Kind string
		}
		if code != http.StatusCreated || json.Unmarshal([]byte(body), &link) != nil || link.Email != "new@example.org" || link.Kind != "invite" {
			t.Fatalf("invite: %d %s", code, body)
		}
		u, _ := url.Parse(link.URL)
		if p := e.acceptLink(u.Path, "", "a quiet lighthouse keeper"); p.status != http.StatusOK {
			t.Fatalf("accept: %d", p.status)
		}
		if got := e.newestAudit("user.invite"); !strings.HasSuffix(got.Detail, "(API)") {
			t.Fatalf("audit = %+v", got)
		}
		for _, bad := range []struct {
			body string
			code int
			key  string
		}{
			{`{"email":"nope","role":"viewer"}`, 400, "user_email_invalid"},
			{`{"email":"x@example.org","role":"boss"}`, 400, "user_role_invalid"},
			{`{"email":"x@example.org","role":"lead"}`, 400, "user_department_missing"},
			{`{"email":"x@example.org","role":"lead","department_id":"nope"}`, 404, "department_not_found"},
			{`{"email":"new@example.org","role":"viewer"}`, 409, "user_exists"},
		} {
			if code, body := e.api("POST", "/api/v1/users/invitations", tok, bad.body); code != bad.code || apiCode(t, body) != bad.key {
				t.Errorf("invite %s: %d %s, want %d %s", bad.body, code, body, bad.code, bad.key)
			}
		}
		id := e.userID("new@example.org")
		code, body = e.api("PATCH", "/api/v1/users/"+id, tok, `{"role":"lead","department_id":"`+e.lead.ID+`"}`)
		if code != http.StatusOK || !strings.Contains(body, `"role":"lead"`) {
			t.Fatalf("patch: %d %s", code, body)
		}
		aid := e.userID("admin@example.org")
		if code, body := e.api("PATCH", "/api/v1/users/"+aid, tok, `{"disabled":true}`); code != http.StatusConflict || apiCode(t, body) != "last_admin" {
			t.Fatalf("disable the last admin: %d %s", code, body)
		}
		code, body = e.api("POST", "/api/v1/users/"+id+"/reset", tok, "")
		if code != http.StatusCreated || !strings.Contains(body, `"kind":"reset"`) {
			t.Fatalf("reset: %d %s", code, body)
		}
		b := e.browser()
		b.login("viewer@example.org")
		vt := e.token("viewer@example.org")
		vid := e.userID("viewer@example.org")
		code, body = e.api("GET", "/api/v1/users/"+vid, tok, "")
		var acc struct {
			Sessions []struct{ ID string }
			Tokens   []struct{ ID, Scope string }
		}
		if code != http.StatusOK || json.Unmarshal([]byte(body), &acc) != nil || len(acc.Sessions) != 1 || len(acc.Tokens) != 1 || acc.Tokens[0].Scope != "full" {
			t.Fatalf("get user: %d %s", code, body)
		}
		if code, _ := e.api("DELETE", "/api/v1/users/"+vid+"/sessions/"+acc.Sessions[0].ID, tok, ""); code != http.StatusNoContent {
			t.Fatalf("end session: %d", code)
		}
		if p := b.get("/board"); p.status != http.StatusSeeOther {
			t.Fatalf("session goes on: %d", p.status)
		}
		if code, _ := e.api("DELETE", "/api/v1/users/"+vid+"/tokens/"+acc.Tokens[0].ID, tok, ""); code != http.StatusNoContent {
			t.Fatalf("revoke: %d", code)
		}
		if code, _ := e.api("GET", "/api/v1/pulses", vt, ""); code != http.StatusUnauthorized {
			t.Fatalf("revoked token: %d", code)
		}
		if code, body := e.api("DELETE", "/api/v1/users/"+vid+"/tokens/"+acc.Tokens[0].ID, tok, ""); code != http.StatusNotFound || apiCode(t, body) != "api_token_not_found" {
			t.Fatalf("revoke again: %d %s", code, body)
		}
		if code, body := e.api("GET", "/api/v1/users/nope", tok, ""); code != http.StatusNotFound || apiCode(t, body) != "user_not_found" {
			t.Fatalf("unknown user: %d %s", code, body)
		}
		code, body = e.api("GET", "/api/v1/users", tok, "")
		if code != http.StatusOK || !strings.Contains(body, "new@example.org") || strings.Contains(body, "password") {
			t.Fatalf("list: %d %s", code, body)
		}
	})
}
