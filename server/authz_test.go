package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"trots/accounts"
	"trots/questionnaires"
	"trots/server/oidctest"
	"trots/survey"
	"trots/survey/demo"
	"trots/survey/storetest"
)

// access is who may use a route. public routes are open to all; the
// others admit the roles listed. want, for a public route, is the exact
// status every identity gets (0: anything but 401/403).
type access struct {
	public bool
	roles  []accounts.Role
	want   int
}

// routeAccess is the authorization table: every route the server
// registers must be here, so that a new route without an entry fails
// TestEveryRouteRefusesAnonymousAndWrongRoles.
var routeAccess = map[string]access{
	"GET /healthz":                         {public: true},
	"GET /readyz":                          {public: true},
	"GET /metrics":                         {public: true},
	"GET /static/:file":                    {public: true},
	"GET /s/:code":                         {public: true},
	"POST /s/:code":                        {public: true},
	"GET /s/:code/thanks":                  {public: true},
	"GET /i/:token":                        {public: true},
	"POST /i":                              {public: true},
	"GET /i/thanks":                        {public: true},
	"GET /c":                               {public: true},
	"POST /c":                              {public: true},
	"GET /c/:code":                         {public: true},
	"GET /api/v1/surveys/:code":            {public: true},
	"POST /api/v1/surveys/:code/responses": {public: true},
	"GET /api/openapi.json":                {public: true},
	"GET /login":                           {public: true},
	// Single sign-on (signon.go): the callback without a sign-on in
	// progress in the browser is refused.
	"GET /login/signon":                     {public: true, want: http.StatusSeeOther}, // to the provider
	"GET /login/signon/callback":            {public: true, want: http.StatusUnauthorized},
	"GET /s/:code/signon":                   {public: true},
	"POST /login":                           {public: true, want: http.StatusUnauthorized}, // no credentials sent
	"POST /logout":                          {roles: everyRole},
	"GET /board":                            {roles: boardReaders},
	"GET /board.csv":                        {roles: anyRole},
	"GET /board.xlsx":                       {roles: anyRole},
	"GET /results.xlsx":                     {roles: anyRole},
	"GET /decisions.csv":                    {roles: anyRole},
	"GET /decisions.xlsx":                   {roles: anyRole},
	"GET /board/departments/:id":            {roles: boardReaders},
	"POST /board/departments/:id/decisions": {roles: deciders},
	"GET /reports":                          {roles: anyRole},
	"POST /reports":                         {roles: anyRole},
	"GET /reports/:job":                     {roles: anyRole},
	"GET /reports/:job/pdf":                 {roles: anyRole},
	"GET /reports/:job/html":                {roles: anyRole},
	"GET /users":                            {roles: adminsOnly},
	// Accounts (accounts.go, accounts_api.go) and their one-time links
	// (account_link.go), whose token is the credential.
	"GET /account/:token":                        {public: true, want: http.StatusNotFound}, // an unknown link
	"POST /account":                              {public: true, want: http.StatusNotFound},
	"POST /users/invite":                         {roles: adminsOnly},
	"GET /users/:id":                             {roles: adminsOnly},
	"POST /users/:id/role":                       {roles: adminsOnly},
	"POST /users/:id/disable":                    {roles: adminsOnly},
	"POST /users/:id/enable":                     {roles: adminsOnly},
	"POST /users/:id/reset":                      {roles: adminsOnly},
	"POST /users/:id/sessions/:session/end":      {roles: adminsOnly},
	"POST /users/:id/tokens/:token/revoke":       {roles: adminsOnly},
	"GET /api/v1/users":                          {roles: adminsOnly},
	"POST /api/v1/users/invitations":             {roles: adminsOnly},
	"GET /api/v1/users/:id":                      {roles: adminsOnly},
	"PATCH /api/v1/users/:id":                    {roles: adminsOnly},
	"POST /api/v1/users/:id/reset":               {roles: adminsOnly},
	"DELETE /api/v1/users/:id/sessions/:session": {roles: adminsOnly},
	"DELETE /api/v1/users/:id/tokens/:token":     {roles: adminsOnly},
	"GET /audit":                                 {roles: auditReaders},
	"GET /audit.csv":                             {roles: auditReaders},
	"GET /api/v1/audit":                          {roles: auditReaders},
	"GET /participation":                         {roles: adminsOnly},
	"GET /settings":                              {roles: adminsOnly},
	"GET /api/v1/settings":                       {roles: adminsOnly},
	"PUT /api/v1/settings":                       {roles: adminsOnly},
	"POST /settings":                             {roles: adminsOnly},
	"GET /departments":                           {roles: adminsOnly},
	"POST /departments":                          {roles: adminsOnly},
	"POST /departments/import":                   {roles: adminsOnly},
	"GET /departments/:id":                       {roles: adminsOnly},
	"POST /departments/:id":                      {roles: adminsOnly},
	"POST /departments/:id/delete":               {roles: adminsOnly},
	"GET /pulses":                                {roles: adminsOnly},
	"POST /pulses":                               {roles: adminsOnly},
	"GET /pulses/:id":                            {roles: adminsOnly},
	"GET /pulses/:id/next":                       {roles: adminsOnly},
	"POST /pulses/:id/open":                      {roles: adminsOnly},
	"POST /pulses/:id/close":                     {roles: adminsOnly},
	"GET /api/v1/departments":                    {roles: anyRole},
	"POST /api/v1/departments":                   {roles: adminsOnly},
	"POST /api/v1/departments/import":            {roles: adminsOnly},
	"PUT /api/v1/departments/:id":                {roles: adminsOnly},
	"DELETE /api/v1/departments/:id":             {roles: adminsOnly},
	"GET /api/v1/pulses":                         {roles: anyRole},
	"POST /api/v1/pulses":                        {roles: adminsOnly},
	"POST /api/v1/pulses/:id/open":               {roles: adminsOnly},
	"POST /api/v1/pulses/:id/close":              {roles: adminsOnly},
	"GET /api/v1/pulses/:id/results":             {roles: anyRole},
	"GET /api/v1/pulses/:id/decisions":           {roles: anyRole},
	"POST /api/v1/pulses/:id/decisions":          {roles: deciders},
	"POST /api/v1/pulses/:id/reports":            {roles: anyRole},

	// Action plans (action_plan.go).
	"POST /board/departments/:id/actions":                            {roles: planners},
	"POST /board/departments/:id/actions/:action":                    {roles: planners},
	"GET /api/v1/pulses/:id/departments/:department/actions":         {roles: anyRole},
	"POST /api/v1/pulses/:id/departments/:department/actions":        {roles: planners},
	"PUT /api/v1/pulses/:id/departments/:department/actions/:action": {roles: planners},
	"GET /api/v1/reports/:job":                                       {roles: anyRole},
	"GET /api/v1/reports/:job/pdf":                                   {roles: anyRole},
	"GET /api/v1/reports/:job/html":                                  {roles: anyRole},

	// A pulse's survey links, QR codes, posters and invitations (pulse_links.go).
	"GET /pulses/:id/links":                          {roles: adminsOnly},
	"GET /pulses/:id/links/:department/qr.svg":       {roles: adminsOnly},
	"GET /pulses/:id/links/:department/qr.png":       {roles: adminsOnly},
	"GET /pulses/:id/links/:department/poster.pdf":   {roles: adminsOnly},
	"POST /pulses/:id/links/:department/invitations": {roles: adminsOnly},
	"POST /pulses/:id/links/:department/codes":       {roles: adminsOnly},
}

type authzEnv struct {
	srv     *Server
	http    *httptest.Server
	params  map[string]string
	pulseID string
	tokens  map[string]string // API token per e-mail address
}

func newAuthzEnv(t *testing.T, dsn string) *authzEnv {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t, dsn)
	q, err := questionnaires.Load("advocacy-readiness")
	if err != nil {
		t.Fatal(err)
	}
	res, err := demo.Seed(ctx, st, q, demo.Generate(q, 1))
	if err != nil {
		t.Fatal(err)
	}
	own := res.Departments[0]
	for _, u := range []accounts.User{
		{Email: "admin@example.org", Role: accounts.RoleAdmin},
		{Email: "viewer@example.org", Role: accounts.RoleViewer},
		{Email: "lead@example.org", Role: accounts.RoleLead, DepartmentID: own.Department.ID},
		{Email: "council@example.org", Role: accounts.RoleCouncil},
	} {
		if _, err := accounts.New(st).CreateUser(ctx, u, "correct horse battery"); err != nil {
			t.Fatal(err)
		}
	}
	// Every request logs in afresh: the login rate must allow that.
	// With single sign-on at a real provider, so that its routes exist.
	op := oidctest.Start(t)
	srv := New(Config{LoginBurst: 10000, SignOn: &SignOnConfig{Issuer: op.Issuer, ClientID: "trots", ClientSecret: "secret",
		Roles: map[accounts.Role][]string{accounts.RoleAdmin: {"admins"}}}}, slog.New(slog.NewTextHandler(io.Discard, nil)), st, accounts.New(st))
	e := &authzEnv{srv: srv, http: httptest.NewServer(srv.Handler()), pulseID: res.Baseline.ID, tokens: map[string]string{}}
	for _, email := range []string{"admin@example.org", "viewer@example.org", "lead@example.org", "council@example.org"} {
		if e.tokens[email], err = accounts.New(st).NewAPIToken(ctx, email, "authz test"); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(e.http.Close)
	t.Cleanup(srv.Close) // report jobs started by the requests end before the store closes
	file := ""
	for name := range srv.pages.files {
		file = name
	}
	e.params = map[string]string{":id": own.Department.ID, ":code": own.Link.Code, ":token": survey.NewID(), ":file": file, ":department": own.Department.ID,
		":session": "0123456789abcdef"}
	return e
}

// client returns an HTTP client that does not follow redirects, logged in
// as email ("" for anonymous), and the CSRF token of its session.
func (e *authzEnv) client(t *testing.T, email string) (*http.Client, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if email == "" {
		return c, ""
	}
	resp, err := c.PostForm(e.http.URL+"/login", url.Values{"email": {email}, "password": {"correct horse battery"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: status %d", email, resp.StatusCode)
	}
	u, _ := url.Parse(e.http.URL)
	for _, ck := range jar.Cookies(u) {
		if ck.Name == e.srv.sessionCookieName() {
			return c, consoleSession{token: ck.Value}.maskedCSRF()
		}
	}
	t.Fatalf("login %s: no session cookie", email)
	return nil, ""
}

func TestEveryRouteRefusesAnonymousAndWrongRoles(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newAuthzEnv(t, dsn)
		identities := []struct {
			name  string
			email string
			role  accounts.Role
		}{
			{"anonymous", "", ""},
			{"lead", "lead@example.org", accounts.RoleLead},
			{"viewer", "viewer@example.org", accounts.RoleViewer},
			{"admin", "admin@example.org", accounts.RoleAdmin},
			{"council", "council@example.org", accounts.RoleCouncil},
		}
		seen := map[string]bool{}
		for _, r := range e.srv.e.Routes() {
			key := r.Method + " " + r.Path
			seen[key] = true
			acc, ok := routeAccess[key]
			if !ok {
				t.Errorf("route %s has no entry in the authorization table (routeAccess)", key)
				continue
			}
			path := r.Path
			api := strings.HasPrefix(r.Path, "/api/v1/") && !strings.HasPrefix(r.Path, "/api/v1/surveys/")
			if strings.HasPrefix(r.Path, "/api/v1/pulses/") {
				path = strings.ReplaceAll(path, ":id", e.pulseID)
			}
			for p, v := range e.params {
				path = strings.ReplaceAll(path, p, v)
			}
			for _, id := range identities {
				// A fresh login per request: POST /logout ends the session.
				// The console's API takes API tokens instead of a session.
				c, csrf := e.client(t, id.email)
				if api {
					c, csrf = e.client(t, "")
				}
				var req *http.Request
				if r.Method == http.MethodGet {
					req, _ = http.NewRequest(r.Method, e.http.URL+path, nil)
				} else {
					form := url.Values{}
					if csrf != "" {
						form.Set(csrfField, csrf)
					}
					req, _ = http.NewRequest(r.Method, e.http.URL+path, strings.NewReader(form.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				}
				if api && id.email != "" {
					req.Header.Set("Authorization", "Bearer "+e.tokens[id.email])
				}
				resp, err := c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				got, loc := resp.StatusCode, resp.Header.Get("Location")
				// An anonymous request is sent to the login page with ?next=
				// or ?expired=1; only logging out leads to the bare page.
				toLogin := got == http.StatusSeeOther && strings.HasPrefix(loc, "/login?")
				where := key + " as " + id.name
				switch {
				case acc.public && acc.want != 0:
					if got != acc.want {
						t.Errorf("%s: status %d, want %d", where, got, acc.want)
					}
				case acc.public:
					if got == http.StatusUnauthorized || got == http.StatusForbidden || toLogin || got >= 500 {
						t.Errorf("%s (public): status %d %s", where, got, loc)
					}
				case id.email == "":
					if api && got != http.StatusUnauthorized || !api && !toLogin {
						t.Errorf("%s: status %d %s, want 401 or a redirect to the login page", where, got, loc)
					}
				case !containsRole(acc.roles, id.role):
					if got != http.StatusForbidden {
						t.Errorf("%s: status %d, want 403", where, got)
					}
				default:
					if got == http.StatusUnauthorized || got == http.StatusForbidden || toLogin || got >= 500 {
						t.Errorf("%s (allowed): status %d %s", where, got, loc)
					}
				}
			}
		}
		for key, acc := range routeAccess {
			if !seen[key] && !(key == "GET /metrics" && acc.public) {
				t.Errorf("the authorization table lists %s, which is not registered", key)
			}
		}
	})
}

func containsRole(roles []accounts.Role, r accounts.Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}

// Every API route is documented in openapi.json, with its method.
func TestOpenAPIDocumentsEveryAPIRoute(t *testing.T) {
	e := newAuthzEnv(t, storetest.SQLiteDSN(t))
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range e.srv.e.Routes() {
		if !strings.HasPrefix(r.Path, "/api/") {
			continue
		}
		n++
		parts := strings.Split(r.Path, "/")
		for i, p := range parts {
			if name, ok := strings.CutPrefix(p, ":"); ok {
				parts[i] = "{" + name + "}"
			}
		}
		path := strings.Join(parts, "/")
		if _, ok := doc.Paths[path][strings.ToLower(r.Method)]; !ok {
			t.Errorf("%s %s is not in openapi.json", r.Method, path)
		}
	}
	if n < 8 {
		t.Fatalf("only %d API routes", n)
	}
}

func TestSafeNextStaysOnTheSite(t *testing.T) {
	for in, want := range map[string]string{
		"":                  "/board",
		"/board?pulse=x":    "/board?pulse=x",
		"/users":            "/users",
		"//evil.example":    "/board",
		"/\\evil.example":   "/board",
		"/\t/evil.example":  "/board",
		"/\n/evil.example":  "/board",
		"https://evil.test": "/board",
		"board":             "/board",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// Every console form post (every route with an unsafe method behind a
// login, outside the bearer-token API) is refused with 403 for a role it
// admits when the CSRF token is missing, made up, or another session's of
// the same account: the token is bound to the session, not to the user.
func TestEveryConsolePostNeedsItsSessionsCSRFToken(t *testing.T) {
	e := newAuthzEnv(t, storetest.SQLiteDSN(t))
	checked := 0
	for _, r := range e.srv.e.Routes() {
		key := r.Method + " " + r.Path
		acc := routeAccess[key]
		if acc.public || r.Method == http.MethodGet || strings.HasPrefix(r.Path, "/api/") || len(acc.roles) == 0 {
			continue
		}
		path := r.Path
		for p, v := range e.params {
			path = strings.ReplaceAll(path, p, v)
		}
		email := map[accounts.Role]string{accounts.RoleAdmin: "admin@example.org", accounts.RoleViewer: "viewer@example.org",
			accounts.RoleLead: "lead@example.org", accounts.RoleCouncil: "council@example.org"}[acc.roles[0]]
		_, other := e.client(t, email) // a second session of the same account
		for name, token := range map[string]string{"no token": "", "made up": strings.Repeat("A", 86), "another session's": other} {
			c, _ := e.client(t, email)
			form := url.Values{}
			if token != "" {
				form.Set(csrfField, token)
			}
			req, _ := http.NewRequest(r.Method, e.http.URL+path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s as %s with %s CSRF token: status %d, want 403", key, email, name, resp.StatusCode)
			}
		}
		checked++
	}
	if checked < 20 {
		t.Fatalf("only %d console posts checked", checked)
	}
}
