package server_test

import (
	"crypto/rand"
	"crypto/rsa"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"trots/accounts"
	"trots/server"
	"trots/server/oidctest"
	"trots/survey"
	"trots/survey/storetest"
)

// Single sign-on against a real OpenID provider on loopback
// (server/oidctest: zitadel/oidc's op package). Discovery, the redirect
// with PKCE, the provider's login page, the code exchange and the ID
// token's signature are all real. Tokens the provider would not make
// (another issuer or audience, expired, forged, another nonce) are made by
// oidctest.Tamper: it sits in trots' HTTP client and replaces the ID token
// in the token endpoint's real answer with one it signs itself.

const (
	signOnClient = "trots"
	signOnSecret = "client-secret-for-tests"
)

// signOnEnv is consoleEnv with single sign-on at a provider of its own.
type signOnEnv struct {
	*consoleEnv
	op     *oidctest.Provider
	tamper *oidctest.Tamper
	dsn    string
}

func newSignOnEnv(t *testing.T, dsn string, cfg server.Config) *signOnEnv {
	t.Helper()
	op := oidctest.Start(t)
	tamper := &oidctest.Tamper{}
	cfg.SignOn = &server.SignOnConfig{Issuer: op.Issuer, ClientID: signOnClient, ClientSecret: signOnSecret, Name: "Testprovider",
		Roles: map[accounts.Role][]string{accounts.RoleAdmin: {"trots-admins"}, accounts.RoleViewer: {"trots-viewers", "board"},
			accounts.RoleCouncil: {"works-council"}, accounts.RoleLead: {"trots-leads"}},
		DepartmentClaim: "department", HTTPClient: &http.Client{Transport: tamper, Timeout: 30 * time.Second}}
	e := newConsoleEnv(t, dsn, cfg)
	op.AddClient(signOnClient, signOnSecret, e.srv.URL+"/login/signon/callback")
	return &signOnEnv{consoleEnv: e, op: op, tamper: tamper, dsn: dsn}
}

// signOnRun is one sign-on as a browser sees it.
type signOnRun struct {
	status int
	body   string
	final  *url.URL
	// hops are the addresses the browser was sent to, in order.
	hops []*url.URL
	c    *http.Client
}

// newSignOnClient is a browser that follows redirects and keeps cookies.
func newSignOnClient(hops *[]*url.URL) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		*hops = append(*hops, req.URL)
		return nil
	}}
}

// signOn starts at start on trots (/login/signon, /s/<code>/signon), signs
// in on the provider's login page as username, and follows the redirects
// back to trots. c may be nil for a new browser.
func (e *signOnEnv) signOn(t *testing.T, c *http.Client, start, username, password string, header http.Header) signOnRun {
	t.Helper()
	run := signOnRun{}
	if c == nil {
		c = newSignOnClient(&run.hops)
	} else {
		c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
			run.hops = append(run.hops, req.URL)
			return nil
		}
	}
	run.c = c
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+start, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	login := resp.Request.URL
	if !strings.HasPrefix(login.String(), e.op.Issuer+"/login/username") {
		t.Fatalf("%s led to %s (status %d), not to the provider's login page", start, login, resp.StatusCode)
	}
	form := url.Values{"id": {login.Query().Get("authRequestID")}, "username": {username}, "password": {password}}
	req, _ = http.NewRequest(http.MethodPost, e.op.Issuer+"/login/username", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	run.status, run.body, run.final = resp.StatusCode, string(b), resp.Request.URL
	return run
}

// browser is the run's browser as a consoleEnv browser (redirects shown,
// not followed).
func (r signOnRun) browser(t *testing.T, e *signOnEnv) *browser {
	c := *r.c
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &browser{t: t, e: e.consoleEnv, c: &c}
}

// hop is the first address the browser was sent to on host with path.
func (r signOnRun) hop(prefix string) *url.URL {
	for _, u := range r.hops {
		if strings.HasPrefix(u.String(), prefix) {
			return u
		}
	}
	return nil
}

func (e *signOnEnv) audit(t *testing.T, action string) []survey.AuditEntry {
	t.Helper()
	entries, err := e.store.ListAudit(ctx, survey.AuditFilter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

var english = http.Header{"Accept-Language": {"en"}}

// A person in a mapped group gets an account with that role at the first
// sign-in, through the authorization code flow with PKCE; the role follows
// the provider's groups at every sign-in; the account has no password.
func TestSignOnCreatesTheAccountAndFollowsTheGroups(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newSignOnEnv(t, dsn, server.Config{})
		alice := oidctest.Person{Username: "alice", Password: "pw-alice", Email: "Alice@Example.org", Groups: []string{"staff", "trots-admins"}}
		e.op.SetPerson(alice)

		run := e.signOn(t, nil, "/login/signon?next=/users", "alice", "pw-alice", english)
		if run.status != http.StatusOK || run.final.Path != "/users" {
			t.Fatalf("after signing on: %d at %s, want the accounts page", run.status, run.final)
		}
		auth := run.hop(e.op.Issuer)
		if auth == nil {
			t.Fatal("trots did not send the browser to the provider")
		}
		q := auth.Query()
		if q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) < 43 || q.Get("nonce") == "" || q.Get("state") == "" {
			t.Errorf("authorization request without PKCE, nonce or state: %s", auth.RawQuery)
		}
		if q.Get("redirect_uri") != e.srv.URL+"/login/signon/callback" {
			t.Errorf("redirect_uri %q", q.Get("redirect_uri"))
		}
		cb := run.hop(e.srv.URL + "/login/signon/callback")
		if cb == nil || cb.Query().Get("code") == "" {
			t.Fatalf("the provider did not send a code back to the callback: %v", run.hops)
		}
		u, err := accounts.New(e.store).UserByEmail(ctx, "alice@example.org")
		if err != nil || u.Role != accounts.RoleAdmin || u.LastLogin.IsZero() {
			t.Fatalf("account after the first sign-on: %+v, %v", u, err)
		}
		entries := e.audit(t, "login.signon")
		if len(entries) != 1 || entries[0].Actor != "alice@example.org" || !strings.Contains(entries[0].Detail, "account created") {
			t.Fatalf("audit log: %+v", entries)
		}
		// No password opens an account made by single sign-on.
		b := e.browser()
		if p := b.post("/login", url.Values{"email": {"alice@example.org"}, "password": {"pw-alice"}}); p.status != http.StatusUnauthorized {
			t.Errorf("password login to a sign-on account: status %d", p.status)
		}

		// The provider moves her to the viewers: the next sign-on makes
		// her a viewer, who may not see the accounts.
		alice.Groups = []string{"board"}
		e.op.SetPerson(alice)
		run = e.signOn(t, nil, "/login/signon?next=/users", "alice", "pw-alice", english)
		if run.status != http.StatusForbidden {
			t.Errorf("a viewer on /users: %d, want 403", run.status)
		}
		if u, _ := accounts.New(e.store).UserByEmail(ctx, "alice@example.org"); u.Role != accounts.RoleViewer {
			t.Errorf("role after the groups changed: %s, want viewer", u.Role)
		}
		// A lead gets the department the department claim names.
		alice.Groups, alice.Department = []string{"trots-leads"}, strings.ToUpper(e.lead.Name)
		e.op.SetPerson(alice)
		if run = e.signOn(t, nil, "/login/signon", "alice", "pw-alice", english); run.status != http.StatusOK || run.final.Path != "/board" {
			t.Fatalf("lead sign-on: %d at %s", run.status, run.final)
		}
		if u, _ := accounts.New(e.store).UserByEmail(ctx, "alice@example.org"); u.Role != accounts.RoleLead || u.DepartmentID != e.lead.ID {
			t.Errorf("lead account: %+v, want lead of %s", u, e.lead.ID)
		}
		if n := len(e.audit(t, "login.signon")); n != 3 {
			t.Errorf("%d sign-ons in the audit log, want 3", n)
		}
	})
}

// Someone the mapping gives no role is refused politely, in their
// language, and no account is made; so is a disabled account and a lead
// whose department trots does not know.
func TestSignOnRefusesWithoutARole(t *testing.T) {
	e := newSignOnEnv(t, storetest.SQLiteDSN(t), server.Config{})
	e.op.SetPerson(oidctest.Person{Username: "bob", Password: "pw-bob", Email: "bob@example.org", Groups: []string{"staff"}})
	for _, tc := range []struct{ lang, want string }{
		{"en", "your account has no role in trots"},
		{"nl", "je account heeft geen rol in trots"},
	} {
		run := e.signOn(t, nil, "/login/signon", "bob", "pw-bob", http.Header{"Accept-Language": {tc.lang}})
		if run.status != http.StatusForbidden || !strings.Contains(run.body, tc.want) {
			t.Errorf("%s: status %d, body without %q", tc.lang, run.status, tc.want)
		}
		d := parseHTML(t, run.body)
		if d.byID("login-error") == nil || d.byID("signon-button") == nil {
			t.Errorf("%s: the refusal is not the login page with its error and the sign-on button", tc.lang)
		}
		if p := run.browser(t, e).get("/board"); p.status != http.StatusSeeOther {
			t.Errorf("%s: /board after the refusal: %d, want a redirect to the login", tc.lang, p.status)
		}
	}
	if _, err := accounts.New(e.store).UserByEmail(ctx, "bob@example.org"); survey.ErrorCode(err) != survey.ENotFound {
		t.Errorf("an account was made for someone without a role: %v", err)
	}
	refused := e.audit(t, "login.signon_refused")
	if len(refused) != 2 || refused[0].Object != "account bob@example.org" || !strings.Contains(refused[0].Detail, "no role") {
		t.Fatalf("audit log of the refusals: %+v", refused)
	}

	// A lead whose department claim names no department.
	e.op.SetPerson(oidctest.Person{Username: "carol", Password: "pw", Email: "carol@example.org", Groups: []string{"trots-leads"}, Department: "Nowhere"})
	if run := e.signOn(t, nil, "/login/signon", "carol", "pw", english); run.status != http.StatusForbidden || !strings.Contains(run.body, "names no department trots knows") {
		t.Errorf("lead without a known department: %d", run.status)
	}
	// An account disabled in trots stays out, whatever the provider says.
	if err := accounts.New(e.store).DisableUser(ctx, "viewer@example.org"); err != nil {
		t.Fatal(err)
	}
	e.op.SetPerson(oidctest.Person{Username: "vera", Password: "pw", Email: "viewer@example.org", Groups: []string{"trots-viewers"}})
	if run := e.signOn(t, nil, "/login/signon", "vera", "pw", english); run.status != http.StatusForbidden || !strings.Contains(run.body, "is disabled") {
		t.Errorf("disabled account: %d", run.status)
	}
	// An address the provider has not verified names nobody.
	e.op.SetPerson(oidctest.Person{Username: "dave", Password: "pw", Email: "admin@example.org", EmailUnverified: true, Groups: []string{"trots-admins"}})
	if run := e.signOn(t, nil, "/login/signon", "dave", "pw", english); run.status != http.StatusForbidden || !strings.Contains(run.body, "no verified e-mail address") {
		t.Errorf("unverified address: %d", run.status)
	}
}

// When the provider no longer gives someone a role, their next sign-on
// ends what their sign-on account still holds in trots: its open sessions
// and API tokens. A password account of the same address keeps its
// session (an administrator of trots' own who tries the provider by
// mistake), and a later sign-on with a role gets back in.
func TestSignOnWithoutARoleEndsTheSignOnAccountsAccess(t *testing.T) {
	e := newSignOnEnv(t, storetest.SQLiteDSN(t), server.Config{})
	alice := oidctest.Person{Username: "alice", Password: "pw-alice", Email: "alice@example.org", Groups: []string{"trots-viewers"}}
	e.op.SetPerson(alice)
	first := e.signOn(t, nil, "/login/signon", "alice", "pw-alice", english)
	if first.status != http.StatusOK || first.final.Path != "/board" {
		t.Fatalf("sign-on as viewer: %d at %s", first.status, first.final)
	}
	tok, err := accounts.New(e.store).NewAPIToken(ctx, "alice@example.org", "power-bi")
	must(t, err)
	if code, _ := e.api("GET", "/api/v1/pulses", tok, ""); code != http.StatusOK {
		t.Fatalf("the token before: %d", code)
	}
	pw := e.browser()
	pw.login("viewer@example.org")

	alice.Groups = []string{"staff"}
	e.op.SetPerson(alice)
	if run := e.signOn(t, nil, "/login/signon", "alice", "pw-alice", english); run.status != http.StatusForbidden {
		t.Fatalf("sign-on without a role: %d", run.status)
	}
	if p := first.browser(t, e).get("/board"); p.status != http.StatusSeeOther {
		t.Errorf("the earlier session after the role went at the provider: %d, want a redirect to the login", p.status)
	}
	if code, _ := e.api("GET", "/api/v1/pulses", tok, ""); code != http.StatusUnauthorized {
		t.Errorf("the API token after the role went at the provider: %d, want 401", code)
	}
	if refused := e.audit(t, "login.signon_refused"); len(refused) != 1 || !strings.Contains(refused[0].Detail, "2 sessions and API tokens ended") {
		t.Errorf("audit log: %+v", refused)
	}

	e.op.SetPerson(oidctest.Person{Username: "vera", Password: "pw", Email: "viewer@example.org", Groups: []string{"staff"}})
	if run := e.signOn(t, nil, "/login/signon", "vera", "pw", english); run.status != http.StatusForbidden {
		t.Fatalf("password account's address without a role: %d", run.status)
	}
	if p := pw.get("/board"); p.status != http.StatusOK {
		t.Errorf("a password account's session after a refused sign-on: %d, want it kept", p.status)
	}

	alice.Groups = []string{"trots-viewers"}
	e.op.SetPerson(alice)
	if run := e.signOn(t, nil, "/login/signon", "alice", "pw-alice", english); run.status != http.StatusOK || run.final.Path != "/board" {
		t.Errorf("sign-on with the role back: %d at %s", run.status, run.final)
	}
}

// ID tokens the provider did not make for trots, or not for this sign-on,
// are refused: another issuer, another audience, expired, signed with
// another key, another nonce. A token re-signed unchanged with the
// provider's key is accepted, so each refusal is the change's doing.
func TestSignOnRefusesBadIDTokens(t *testing.T) {
	e := newSignOnEnv(t, storetest.SQLiteDSN(t), server.Config{})
	e.op.SetPerson(oidctest.Person{Username: "erin", Password: "pw-erin", Email: "erin@example.org", Groups: []string{"trots-admins"}})
	key, kid := e.op.SigningKey()
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		key    any
		edit   func(map[string]any)
		reason string // in the audit log's detail; "" accepts
	}{
		{"unchanged", key, func(map[string]any) {}, ""},
		{"other issuer", key, func(c map[string]any) { c["iss"] = "https://evil.example.org" }, "different provider"},
		{"other audience", key, func(c map[string]any) { c["aud"] = []string{"another-client"}; c["azp"] = "another-client" }, "audience"},
		{"expired", key, func(c map[string]any) {
			c["iat"] = time.Now().Add(-2 * time.Hour).Unix()
			c["exp"] = time.Now().Add(-time.Hour).Unix()
		}, "expired"},
		{"forged signature", other, func(map[string]any) {}, "signature"},
		{"other nonce", key, func(c map[string]any) { c["nonce"] = "replayed-from-another-sign-on" }, "nonce"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.tamper.Key, e.tamper.Kid, e.tamper.Edit = tc.key, kid, tc.edit
			defer func() { e.tamper.Edit = nil }()
			before := len(e.audit(t, "login.signon_refused"))
			run := e.signOn(t, nil, "/login/signon", "erin", "pw-erin", english)
			if tc.reason == "" {
				if run.status != http.StatusOK || run.final.Path != "/board" {
					t.Fatalf("unchanged token: %d at %s: %s", run.status, run.final, run.body)
				}
				return
			}
			if run.status != http.StatusUnauthorized || !strings.Contains(run.body, "did not work") {
				t.Errorf("status %d at %s, want 401 with the login page's refusal", run.status, run.final)
			}
			if p := run.browser(t, e).get("/board"); p.status != http.StatusSeeOther {
				t.Errorf("/board after the refusal: %d, want a redirect to the login", p.status)
			}
			refused := e.audit(t, "login.signon_refused")
			if len(refused) != before+1 || !strings.Contains(refused[0].Detail, tc.reason) {
				t.Errorf("audit log: %+v, want a refusal naming %q", refused[0], tc.reason)
			}
		})
	}
}

// The callback without the browser's sign-on in progress, or with a state
// of its own, is refused before any code is exchanged.
func TestSignOnCallbackNeedsItsOwnState(t *testing.T) {
	e := newSignOnEnv(t, storetest.SQLiteDSN(t), server.Config{})
	b := e.browser()
	if p := b.get("/login/signon/callback?code=x&state=y"); p.status != http.StatusUnauthorized {
		t.Errorf("callback without a sign-on in progress: %d", p.status)
	}
	// A sign-on started in this browser, answered with another state.
	if p := b.get("/login/signon"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), e.op.Issuer) {
		t.Fatalf("start: %d to %q", p.status, p.header.Get("Location"))
	}
	cb, _ := url.Parse(e.srv.URL + "/login/signon/callback")
	if cs := b.jar.Cookies(cb); len(cs) != 1 || cs[0].Name != "trots_signon_flow" {
		t.Fatal("no flow cookie")
	}
	if p := b.get("/login/signon/callback?code=x&state=forged"); p.status != http.StatusUnauthorized {
		t.Errorf("callback with another state: %d", p.status)
	}
	// The state mismatch is audited; a callback without any sign-on in
	// progress names nobody and is only logged (else anyone could flood
	// the audit log).
	refused := e.audit(t, "login.signon_refused")
	if len(refused) != 1 || !strings.Contains(refused[0].Detail, "state does not match") {
		t.Errorf("audit log: %+v", refused)
	}
}

// With password sign-in off, the login page offers the provider only and
// refuses a password.
func TestPasswordSignInCanBeSwitchedOff(t *testing.T) {
	e := newSignOnEnv(t, storetest.SQLiteDSN(t), server.Config{PasswordLoginOff: true})
	b := e.browser()
	p := b.get("/login")
	d := parseHTML(t, p.body)
	if d.has(tag("input", "id", "password")) || !strings.Contains(text(d.byID("signon-button")), "Testprovider") {
		t.Errorf("login page with password sign-in off: a password field, or no sign-on button")
	}
	if p := b.post("/login", url.Values{"email": {"admin@example.org"}, "password": {testPassword}}); p.status != http.StatusForbidden {
		t.Errorf("password login while off: %d, want 403", p.status)
	}
	if b.cookie("trots_session") != nil {
		t.Error("a session cookie after a refused password login")
	}
}

func TestParseSignOnRoles(t *testing.T) {
	got, err := server.ParseSignOnRoles(" admin=trots-admins, viewer=trots-viewers|board ,lead=leads,viewer=mgmt")
	if err != nil {
		t.Fatal(err)
	}
	want := map[accounts.Role][]string{accounts.RoleAdmin: {"trots-admins"}, accounts.RoleViewer: {"trots-viewers", "board", "mgmt"}, accounts.RoleLead: {"leads"}}
	for r, g := range want {
		if strings.Join(got[r], ",") != strings.Join(g, ",") {
			t.Errorf("%s: %v, want %v", r, got[r], g)
		}
	}
	for _, bad := range []string{"", "boss=ceo", "admin", ","} {
		if _, err := server.ParseSignOnRoles(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// Staff sign-ons are limited per address like password logins: each
// refusal writes to the audit log, and the limit keeps one address from
// filling it.
func TestSignOnCallbacksAreRateLimitedPerAddress(t *testing.T) {
	e := newSignOnEnv(t, storetest.SQLiteDSN(t), server.Config{LoginRate: 0.001, LoginBurst: 2})
	e.op.SetPerson(oidctest.Person{Username: "bob", Password: "pw-bob", Email: "bob@example.org", Groups: []string{"staff"}})
	for i, want := range []int{http.StatusForbidden, http.StatusForbidden, http.StatusTooManyRequests} {
		if run := e.signOn(t, nil, "/login/signon", "bob", "pw-bob", english); run.status != want {
			t.Errorf("sign-on %d: status %d, want %d", i+1, run.status, want)
		}
	}
	if n := len(e.audit(t, "login.signon_refused")); n != 2 {
		t.Errorf("%d refusals in the audit log, want 2", n)
	}
}

// A provider that cannot be reached gets a page that says so, not an
// internal error.
func TestSignOnSaysWhenTheProviderIsUnreachable(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{SignOn: &server.SignOnConfig{Issuer: "http://127.0.0.1:1/nowhere",
		ClientID: "trots", ClientSecret: "s", Roles: map[accounts.Role][]string{accounts.RoleAdmin: {"a"}}}})
	b := e.browser()
	p := b.get("/login/signon?lang=en")
	if p.status != http.StatusServiceUnavailable || !strings.Contains(p.body, "cannot be reached now") {
		t.Errorf("unreachable provider: %d", p.status)
	}
}

// Over TLS the flow cookie is __Host- prefixed (Secure, Path=/, no
// Domain), so that no sibling host can plant a flow of its own making;
// without TLS it keeps its narrow path.
func TestSignOnFlowCookieIsHostPrefixedOverTLS(t *testing.T) {
	for _, tc := range []struct {
		tls        bool
		name, path string
	}{{true, "__Host-trots_signon_flow", "/"}, {false, "trots_signon_flow", "/login/signon"}} {
		e := newSignOnEnv(t, storetest.SQLiteDSN(t), server.Config{TLS: tc.tls})
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.Get(e.srv.URL + "/login/signon")
		must(t, err)
		resp.Body.Close()
		var got *http.Cookie
		for _, ck := range resp.Cookies() {
			if strings.HasSuffix(ck.Name, "trots_signon_flow") {
				got = ck
			}
		}
		if resp.StatusCode != http.StatusSeeOther || got == nil || got.Name != tc.name || got.Path != tc.path || got.Secure != tc.tls ||
			got.Domain != "" || !got.HttpOnly {
			t.Errorf("TLS %v: %d, flow cookie %+v; want %s on path %s", tc.tls, resp.StatusCode, got, tc.name, tc.path)
		}
	}
}
