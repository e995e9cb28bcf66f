package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"trots/accounts"
	"trots/server/i18n"
	"trots/survey"
	"trots/survey/results"
)

// The console: HR and management log in here. Sessions live on the server
// (survey.Store); the browser holds only the session token, in a cookie
// that scripts cannot read. Every form carries a token derived from the
// session (a synchroniser token that needs no storage of its own).

// consoleStore is what the console needs of the survey store.
type consoleStore interface {
	results.Store
	Settings(ctx context.Context) (survey.Settings, error)
	Department(ctx context.Context, id string) (survey.Department, error)
	RecordDecision(ctx context.Context, d survey.Decision) (survey.Decision, error)
	Decisions(ctx context.Context, pulseID, departmentID string) ([]survey.Decision, error)
	PlanStore // action plans (action_plan.go)
	Participation(ctx context.Context, pulseID string, every time.Duration) (map[string]int, time.Time, error)
	auditStore
}

//go:embed templates/console/*.html
var consoleTemplateFiles embed.FS

// consolePageNames are the console's pages; each is parsed with
// templates/console/layout.html and partials.html.
var consolePageNames = []string{"login", "board", "department", "users", "participation", "message", "reports", "report_job", "pulses", "pulse", "pulse_links", "departments", "department_edit", "audit", "settings", "user", "account_link", "account_link_issued"}

type consolePages struct {
	templates map[string]*template.Template
}

func mustParseConsolePages(p *pages) *consolePages {
	cp := &consolePages{templates: map[string]*template.Template{}}
	funcs := template.FuncMap{
		"asset": func(name string) (string, error) {
			if u, ok := p.assets[name]; ok {
				return u, nil
			}
			return "", fmt.Errorf("no static file %q", name)
		},
	}
	for _, name := range consolePageNames {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(consoleTemplateFiles,
			"templates/console/layout.html", "templates/console/partials.html", "templates/console/"+name+".html")
		if err != nil {
			panic(fmt.Errorf("server: console template %s: %w", name, err))
		}
		cp.templates[name] = t
	}
	return cp
}

const (
	sessionContextKey = "trots.session"
	csrfField         = "_csrf"
	langCookie        = "trots_lang"
)

// sessionCookieName is __Host- prefixed over TLS: the browser then insists
// on Secure, Path=/ and no Domain, so no sibling host can plant one.
func (s *Server) sessionCookieName() string {
	if s.cfg.TLS {
		return "__Host-trots_session"
	}
	return "trots_session"
}

func (s *Server) setSessionCookie(c echo.Context, token string, expires time.Time) {
	ck := &http.Cookie{Name: s.sessionCookieName(), Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.cfg.TLS}
	if token == "" {
		ck.MaxAge = -1
	} else {
		ck.Expires = expires
	}
	c.SetCookie(ck)
}

func (s *Server) sessionToken(c echo.Context) string {
	ck, err := c.Cookie(s.sessionCookieName())
	if err != nil {
		return ""
	}
	return ck.Value
}

// consoleSession is the logged-in user of a request.
type consoleSession struct {
	accounts.Session
	token string
}

// csrfSecret is derived from the session token, which only the browser and
// the server know: another site can neither read nor compute it.
func (cs consoleSession) csrfSecret() [sha256.Size]byte {
	return sha256.Sum256([]byte("trots csrf\x00" + cs.token))
}

// maskedCSRF is the token as a page carries it: a fresh random mask and the
// secret XORed with it. Pages are compressed, and a secret that is the same
// in every response beside text an attacker can put there could be read off
// the compressed sizes (BREACH); masked, it differs in every response.
func (cs consoleSession) maskedCSRF() string {
	secret := cs.csrfSecret()
	out := make([]byte, 2*len(secret))
	if _, err := rand.Read(out[:len(secret)]); err != nil {
		panic("server: no randomness for a CSRF mask: " + err.Error())
	}
	for i, b := range secret {
		out[len(secret)+i] = out[i] ^ b
	}
	return base64.RawURLEncoding.EncodeToString(out)
}

// validCSRF says whether a form's token is the session's secret under
// any mask.
func (cs consoleSession) validCSRF(got string) bool {
	secret := cs.csrfSecret()
	raw, err := base64.RawURLEncoding.DecodeString(got)
	if err != nil || len(raw) != 2*len(secret) {
		return false
	}
	plain := make([]byte, len(secret))
	for i := range plain {
		plain[i] = raw[i] ^ raw[len(secret)+i]
	}
	return subtle.ConstantTimeCompare(plain, secret[:]) == 1
}

func sessionOf(c echo.Context) consoleSession {
	cs, _ := c.Get(sessionContextKey).(consoleSession)
	return cs
}

// Who may do what. Every console and API route names its roles in the
// route table through requireRole; routes without it are public. anyRole
// are the roles that work with results (HR, management, leads); the works
// council is not among them and is named where it may go.
var (
	anyRole    = []accounts.Role{accounts.RoleAdmin, accounts.RoleViewer, accounts.RoleLead}
	deciders   = []accounts.Role{accounts.RoleAdmin, accounts.RoleViewer}
	adminsOnly = []accounts.Role{accounts.RoleAdmin}
	// The works council reads the board's verdicts and the audit log, and
	// nothing else: no comments (reports), no links, no department admin.
	boardReaders = []accounts.Role{accounts.RoleAdmin, accounts.RoleViewer, accounts.RoleLead, accounts.RoleCouncil}
	auditReaders = []accounts.Role{accounts.RoleAdmin, accounts.RoleCouncil}
	everyRole    = boardReaders
	unsafeVerbs  = []string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}
)

// requireRole admits a request with a live session of one of roles. It
// answers an anonymous request with a redirect to the login page, a wrong
// role with 403, and a page form without the session's CSRF token with
// 403. API routes (/api/) take an API token instead (requireAPIRole).
func (s *Server) requireRole(roles ...accounts.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if isSurveyAPI(c) {
				return s.requireAPIRole(c, next, roles)
			}
			token := s.sessionToken(c)
			sess, err := s.accounts.SessionByToken(c.Request().Context(), token)
			if err != nil {
				if survey.ErrorCode(err) != survey.EUnauthorized {
					return err
				}
				if token != "" {
					s.setSessionCookie(c, "", time.Time{})
				}
				// Back to where the user was after logging in; a form post
				// cannot be replayed, so it only says the session ended.
				target := "/login?expired=1"
				if c.Request().Method == http.MethodGet {
					target = "/login?next=" + url.QueryEscape(c.Request().URL.RequestURI())
				}
				return c.Redirect(http.StatusSeeOther, target)
			}
			cs := consoleSession{Session: sess, token: token}
			if !slices.Contains(roles, sess.User.Role) {
				return echo.NewHTTPError(http.StatusForbidden, "Your role does not allow this.")
			}
			if slices.Contains(unsafeVerbs, c.Request().Method) {
				if !cs.validCSRF(c.Request().PostFormValue(csrfField)) {
					return echo.NewHTTPError(http.StatusForbidden, "The form has expired. Please try again.")
				}
			}
			c.Set(sessionContextKey, cs)
			return next(c)
		}
	}
}

// readOnlyAllows tells whether a read-only API token may make a request:
// it reads results, decisions, action plans and reports (GET), and the
// pulses and departments they are about; it changes nothing, and it reads
// neither accounts nor the audit log.
func readOnlyAllows(c echo.Context) bool {
	if m := c.Request().Method; m != http.MethodGet && m != http.MethodHead {
		return false
	}
	p := c.Path()
	return strings.HasPrefix(p, "/api/v1/pulses") || strings.HasPrefix(p, "/api/v1/reports/") || p == "/api/v1/departments"
}

// consoleLang picks the console's language: ?lang= (remembered in a
// cookie, and for a logged-in user in the account: console_lang.go), else
// the user's remembered choice, else the cookie's, else the browser's.
func (s *Server) consoleLang(c echo.Context) string {
	if l := strings.ToLower(c.QueryParam("lang")); i18n.Supported(l) {
		s.setLangCookie(c, l)
		s.rememberUserLang(c, l)
		return l
	}
	if l, ok := s.userLang(c); ok {
		return l
	}
	remembered := ""
	if ck, err := c.Cookie(langCookie); err == nil {
		remembered = ck.Value
	}
	return i18n.Negotiate(remembered, c.Request().Header.Get("Accept-Language"), "", nil)
}

// consolePage is what every console page shares.
type consolePage struct {
	page
	User    *accounts.User
	CSRF    string
	Section string // "board", "users": the current item of the navigation
	Admin   bool
	// Council is the works council's read-only view.
	Council bool
}

// newConsolePage builds the shared part; here is the path (with its query)
// the language switch links to.
func (s *Server) newConsolePage(c echo.Context, titleKey, section string) consolePage {
	lang := s.consoleLang(c)
	org := ""
	if st, err := s.store.Settings(c.Request().Context()); err == nil {
		org = st.Name
	}
	here := c.Request().URL.Path
	if !localPath(here) {
		here = "/board"
	}
	p := consolePage{page: newPage(lang, org, here, nil), Section: section}
	p.Title = i18n.T(lang, titleKey)
	if cs := sessionOf(c); cs.token != "" {
		u := cs.User
		p.User = &u
		p.CSRF = cs.maskedCSRF()
		p.Admin = u.Role == accounts.RoleAdmin
		p.Council = u.Role == accounts.RoleCouncil
	}
	return p
}

func (s *Server) renderConsole(c echo.Context, status int, name string, data any) error {
	t, ok := s.console.templates[name]
	if !ok {
		return fmt.Errorf("server: no console page %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", data); err != nil {
		return fmt.Errorf("server: render console %s: %w", name, err)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(status, buf.Bytes())
}

// isConsolePage tells whether a request is for a console page.
func isConsolePage(c echo.Context) bool {
	p := c.Request().URL.Path
	for _, prefix := range []string{"/login", "/logout", "/board", "/users", "/participation", "/reports", "/pulses", "/departments", "/audit", "/settings", "/account"} {
		if p == prefix || strings.HasPrefix(p, prefix+"/") || strings.HasPrefix(p, prefix+".") {
			return true
		}
	}
	return false
}

type consoleMessage struct {
	consolePage
	Heading, Body string
}

// consoleStatusKeys are the texts of the console's error pages.
var consoleStatusKeys = map[int]string{
	http.StatusBadRequest:       "console_bad_request",
	http.StatusForbidden:        "console_forbidden",
	http.StatusNotFound:         "console_not_found",
	http.StatusMethodNotAllowed: "page_method_not_allowed",
	http.StatusConflict:         "console_conflict",
	http.StatusUnauthorized:     "console_forbidden",
	// A post larger than the server's body limit; the CSV import says
	// what its files may be (consoleImportPath).
	http.StatusRequestEntityTooLarge: "request_too_large",
	http.StatusServiceUnavailable:    "request_timeout",
}

// consoleImportPath is the console's CSV import, whose refusal of a post
// over the body limit names the size a CSV file may have.
const consoleImportPath = "/departments/import"

// renderConsoleStatus is the error handler's page for console routes.
func (s *Server) renderConsoleStatus(c echo.Context, status int) {
	key, ok := consoleStatusKeys[status]
	if !ok {
		key = "console_internal"
	}
	if status == http.StatusRequestEntityTooLarge && c.Request().URL.Path == consoleImportPath {
		key = "dept_too_large"
	}
	p := s.newConsolePage(c, key+"_title", "")
	if err := s.renderConsole(c, status, "message", consoleMessage{consolePage: p, Heading: p.Title, Body: p.T(key)}); err != nil {
		s.log.Error("render console error page", "route", c.Path(), "error", err.Error())
	}
}

// apiStatus is the code and the text of an API error.
type apiStatus struct{ code, key string }

// consoleAPIStatuses are the errors of the console's API (/api/ outside
// the survey's) when nothing more specific is known: they speak to HR's
// programs and the people who write them, never to respondents.
var consoleAPIStatuses = map[int]apiStatus{
	http.StatusBadRequest:            {"bad_request", "bad_request"},
	http.StatusUnauthorized:          {"api_unauthorized", "api_unauthorized"},
	http.StatusForbidden:             {"api_forbidden", "api_forbidden"},
	http.StatusNotFound:              {"not_found", "api_not_found"},
	http.StatusMethodNotAllowed:      {"method_not_allowed", "method_not_allowed"},
	http.StatusConflict:              {"conflict", "console_conflict"},
	http.StatusRequestEntityTooLarge: {"too_large", "request_too_large"},
	http.StatusUnsupportedMediaType:  {"unsupported_media_type", "api_unsupported_media_type"},
	http.StatusServiceUnavailable:    {"timeout", "request_timeout"},
}

// consoleAPIStatus is the error handler's answer for the console's API, in
// the language of ?lang= or Accept-Language.
func (s *Server) consoleAPIStatus(c echo.Context, status int) {
	st, ok := consoleAPIStatuses[status]
	if !ok {
		st = apiStatus{"internal", "console_internal"}
	}
	_ = apiRefusal(c, status, requestLang(c), st.code, st.key)
}

// surveyStatus maps a domain error code to an HTTP status.
func surveyStatus(err error) int {
	switch survey.ErrorCode(err) {
	case survey.EInvalid:
		return http.StatusBadRequest
	case survey.ENotFound:
		return http.StatusNotFound
	case survey.EConflict:
		return http.StatusConflict
	case survey.EUnauthorized:
		return http.StatusUnauthorized
	case survey.ELocked:
		return http.StatusTooManyRequests
	case survey.EUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// safeNext keeps a post-login redirect on this site: a path, never
// "//host" or "/\host", and no control characters (browsers drop tabs and
// newlines, which would turn "/\t/host" into "//host").
func safeNext(next string) string {
	ok := strings.HasPrefix(next, "/") && !strings.HasPrefix(next, "//") && !strings.ContainsRune(next, '\\') &&
		strings.IndexFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f }) < 0
	if !ok {
		return "/board"
	}
	return next
}

func (s *Server) denyCrossOriginConsole(c echo.Context) error {
	return echo.NewHTTPError(http.StatusForbidden, "Cross-origin form refused.")
}

// requireAPIRole admits an API request whose bearer token belongs to an
// enabled account of one of roles: 401 without a valid token, 403 for a
// wrong role. Cookies are not looked at, so the API needs no CSRF token: a
// browser never adds the Authorization header on its own.
func (s *Server) requireAPIRole(c echo.Context, next echo.HandlerFunc, roles []accounts.Role) error {
	lang := requestLang(c)
	token, ok := strings.CutPrefix(c.Request().Header.Get("Authorization"), "Bearer ")
	if !ok {
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="trots"`)
		return apiError(c, http.StatusUnauthorized, lang, "api_unauthorized", nil)
	}
	u, scope, err := s.accounts.APITokenAccess(c.Request().Context(), strings.TrimSpace(token))
	if survey.ErrorKey(err) == "api_token_expired" {
		// Said plainly, so that whoever runs the integration knows to
		// make a new token rather than hunt for a typo.
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="trots", error="invalid_token", error_description="token expired"`)
		return apiError(c, http.StatusUnauthorized, lang, "api_token_expired", nil)
	}
	if survey.ErrorCode(err) == survey.EUnauthorized {
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="trots", error="invalid_token"`)
		return apiError(c, http.StatusUnauthorized, lang, "api_unauthorized", nil)
	}
	if err != nil {
		return err
	}
	if !slices.Contains(roles, u.Role) {
		return apiError(c, http.StatusForbidden, lang, "api_forbidden", nil)
	}
	if scope == accounts.ScopeRead && !readOnlyAllows(c) {
		return apiError(c, http.StatusForbidden, lang, "api_token_read_only", nil)
	}
	c.Set(sessionContextKey, consoleSession{Session: accounts.Session{User: u}})
	return next(c)
}
