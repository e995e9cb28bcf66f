package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"trots/accounts"
	"trots/survey"
)

// Accounts in the console (admins): /users lists them with an invitation
// form and the pending invitations; /users/:id changes one account's role,
// disables or enables it, issues a password-reset link and ends its
// sessions and API tokens. Invitation and reset links are shown once, on
// the page that made them, for the administrator to send on; the store
// keeps only their keyed hash (accounts/link.go). Every change is
// recorded in the audit log.

// accountStore is what managing accounts needs of the store.
type accountStore interface {
	CountUsers(ctx context.Context) (int, error)
	Users(ctx context.Context) ([]accounts.User, error)
	UserByID(ctx context.Context, id string) (accounts.User, error)
	UserByEmail(ctx context.Context, email string) (accounts.User, error)
	Authenticate(ctx context.Context, email, password, ip string) (accounts.User, error)
	SignOnUser(ctx context.Context, u accounts.User) (accounts.User, bool, error)
	EndSignOnAccess(ctx context.Context, email string) (int, error)
	SetUserLanguage(ctx context.Context, userID, lang string) error
	NewSession(ctx context.Context, userID, replaced string) (string, error)
	SessionByToken(ctx context.Context, token string) (accounts.Session, error)
	EndSession(ctx context.Context, token string) error
	APITokenAccess(ctx context.Context, token string) (accounts.User, accounts.TokenScope, error)
	APITokens(ctx context.Context, email string) ([]accounts.APIToken, error)
	InviteUser(ctx context.Context, u accounts.User, by string, lifetime time.Duration) (string, accounts.AccountLink, error)
	NewResetLink(ctx context.Context, userID, by string, lifetime time.Duration) (string, accounts.AccountLink, error)
	AccountLinkByToken(ctx context.Context, token string) (accounts.AccountLink, error)
	UseAccountLink(ctx context.Context, token, email, password string) (accounts.User, error)
	PendingInvitations(ctx context.Context) ([]accounts.AccountLink, error)
	SetUserRole(ctx context.Context, id string, role accounts.Role, departmentID string) (before, after accounts.User, err error)
	SetUserDisabled(ctx context.Context, id string, disabled bool) (accounts.User, error)
	UserSessions(ctx context.Context, id string) ([]accounts.SessionInfo, error)
	EndUserSession(ctx context.Context, id, handle string) error
	RevokeAPIToken(ctx context.Context, id, handle string) (string, error)
}

var _ accountStore = (*accounts.Store)(nil)

// accountLinkLifetime is how long the links made in the console work.
const accountLinkLifetime = accounts.DefaultAccountLinkLifetime

// consoleTime shows a time to the minute in the server's zone, named as
// the pulse pages name it: "02:49" alone reads as the reader's own time,
// an hour or two off for a server that runs on UTC.
func consoleTime(t time.Time) string { return t.In(pulseLocation()).Format("2006-01-02 15:04 MST") }

// accountLinkURL is the link a token is opened with.
func (s *Server) accountLinkURL(c echo.Context, token string) string {
	base, _ := s.publicBase(c)
	return strings.TrimRight(base, "/") + "/account/" + token
}

// roleOption is a choice of the role menu.
type roleOption struct {
	Value, Label string
	Selected     bool
}

// departmentOption is a choice of the department menu.
type departmentOption struct {
	ID, Name string
	Selected bool
}

// accountForm is the invitation or role form as sent.
type accountForm struct {
	Email, Role, Department string
	// Error is the text of what was refused, in the page's language;
	// Field names the field it is about ("email", "role",
	// "department"), which the page marks as invalid.
	Error, Field string
}

// accountErrorField is the form field a refusal of an account is about,
// or "" when it is about none in particular.
func accountErrorField(err error) string {
	switch survey.ErrorKey(err) {
	case "user_email_invalid", "user_exists":
		return "email"
	case "user_role_invalid":
		return "role"
	case "user_department_missing", "user_department_not_lead":
		return "department"
	}
	return ""
}

func bindAccountForm(r *http.Request) accountForm {
	f := accountForm{Email: strings.TrimSpace(r.PostFormValue("email")), Role: r.PostFormValue("role"), Department: r.PostFormValue("department")}
	if f.Role != string(accounts.RoleLead) {
		f.Department = "" // the menu is there for every role; only a lead has one
	}
	return f
}

func (f accountForm) user() accounts.User {
	return accounts.User{Email: f.Email, Role: accounts.Role(f.Role), DepartmentID: f.Department}
}

// usersPage is /users.
type usersPage struct {
	consolePage
	Users       []userView
	Tokens      []tokenView
	Pending     []pendingView
	Form        accountForm
	Roles       []roleOption
	Departments []departmentOption
	LinkHours   int
}

// tokenView is an API token in the access review: whose, its name, scope,
// when it expires and the last day it was used.
type tokenView struct {
	Email, Name, Scope, Expires, LastUsed, Handle string
	Expired                                       bool
}

type userView struct {
	ID, Email, Role, Department string
	Disabled                    bool
	// LastLogin is the last sign-in to the minute, or "never".
	LastLogin string
}

type pendingView struct {
	Email, Role, Department, Expires, By string
}

func (s *Server) roleOptions(p consolePage, selected string) []roleOption {
	out := make([]roleOption, 0, len(accounts.Roles))
	for _, r := range accounts.Roles {
		out = append(out, roleOption{Value: string(r), Label: p.T("role_" + string(r)), Selected: string(r) == selected})
	}
	return out
}

func (s *Server) departmentOptions(ctx context.Context, selected string) ([]departmentOption, map[string]string, error) {
	deps, err := s.data.Departments(ctx)
	if err != nil {
		return nil, nil, err
	}
	// A lead sees the branch below the department chosen here, so the
	// choice shows each department's path: two teams of the same name
	// under different parents must not look alike.
	tree := survey.NewTree(deps)
	names := map[string]string{}
	out := make([]departmentOption, 0, len(deps))
	for _, d := range deps {
		names[d.ID] = tree.Path(d.ID)
		out = append(out, departmentOption{ID: d.ID, Name: names[d.ID], Selected: d.ID == selected})
	}
	slices.SortStableFunc(out, func(a, b departmentOption) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	return out, names, nil
}

func (s *Server) tokenViews(ctx context.Context, p consolePage, u accounts.User) ([]tokenView, error) {
	tokens, err := s.accounts.APITokens(ctx, u.Email)
	if err != nil {
		return nil, err
	}
	var out []tokenView
	for _, t := range tokens {
		v := tokenView{Email: u.Email, Name: t.Name, Scope: p.T("accounts_scope_" + string(t.Scope)), Handle: t.Handle,
			Expires: p.T("users_never"), LastUsed: p.T("users_never"), Expired: t.Expired(s.cfg.Now())}
		if !t.Expires.IsZero() {
			v.Expires = t.Expires.In(pulseLocation()).Format("2006-01-02")
		}
		if !t.LastUsed.IsZero() {
			v.LastUsed = t.LastUsed.Format("2006-01-02")
		}
		out = append(out, v)
	}
	return out, nil
}

func (s *Server) newUsersPage(c echo.Context, form accountForm) (usersPage, error) {
	ctx := c.Request().Context()
	p := usersPage{consolePage: s.newConsolePage(c, "users_title", "users"), Form: form, LinkHours: int(accountLinkLifetime.Hours())}
	if p.Form.Role == "" {
		p.Form.Role = string(accounts.RoleViewer)
	}
	p.Roles = s.roleOptions(p.consolePage, p.Form.Role)
	deps, names, err := s.departmentOptions(ctx, form.Department)
	if err != nil {
		return p, err
	}
	p.Departments = deps
	list, err := s.accounts.Users(ctx)
	if err != nil {
		return p, err
	}
	for _, u := range list {
		last := p.T("users_never")
		if !u.LastLogin.IsZero() {
			last = consoleTime(u.LastLogin)
		}
		p.Users = append(p.Users, userView{ID: u.ID, Email: u.Email, Role: p.T("role_" + string(u.Role)), Department: names[u.DepartmentID],
			Disabled: u.Disabled, LastLogin: last})
		if u.Disabled {
			continue // a disabled account's tokens no longer work
		}
		tokens, err := s.tokenViews(ctx, p.consolePage, u)
		if err != nil {
			return p, err
		}
		p.Tokens = append(p.Tokens, tokens...)
	}
	pending, err := s.accounts.PendingInvitations(ctx)
	if err != nil {
		return p, err
	}
	for _, l := range pending {
		p.Pending = append(p.Pending, pendingView{Email: l.Email, Role: p.T("role_" + string(l.Role)), Department: names[l.DepartmentID],
			Expires: consoleTime(l.ExpiresAt), By: l.CreatedBy})
	}
	return p, nil
}

func (s *Server) users(c echo.Context) error {
	p, err := s.newUsersPage(c, accountForm{})
	if err != nil {
		return err
	}
	return s.renderConsole(c, http.StatusOK, "users", p)
}

// accountRefusal is the status and text of a refused account change, or
// ok=false for an error that is not the user's to fix.
func accountRefusal(p consolePage, err error) (status int, text string, ok bool) {
	switch survey.ErrorCode(err) {
	case survey.EInvalid, survey.ENotFound, survey.EConflict:
		key := survey.ErrorKey(err)
		if key == "" {
			key = "console_conflict"
		}
		args := []any{}
		if key == "password_short" {
			args = append(args, accounts.MinPasswordLength)
		}
		return surveyStatus(err), p.T(key, args...), true
	}
	return 0, "", false
}

// inviteUser makes an invitation link and shows it once.
func (s *Server) inviteUser(c echo.Context) error {
	form := bindAccountForm(c.Request())
	actor := sessionOf(c).User.Email
	token, link, err := s.accounts.InviteUser(c.Request().Context(), form.user(), actor, accountLinkLifetime)
	if err != nil {
		p, perr := s.newUsersPage(c, form)
		if perr != nil {
			return perr
		}
		status, text, ok := accountRefusal(p.consolePage, err)
		if !ok {
			return err
		}
		p.Form.Error, p.Form.Field = text, accountErrorField(err)
		return s.renderConsole(c, status, "users", p)
	}
	if err := s.audit(c, "user.invite", "account "+link.Email, accountRoleDetail(link.Role, link.DepartmentID)+
		", link expires "+link.ExpiresAt.Format(time.RFC3339)); err != nil {
		return err
	}
	return s.showAccountLink(c, "accounts_invite_issued", link, token)
}

func accountRoleDetail(r accounts.Role, dept string) string {
	d := "role " + string(r)
	if dept != "" {
		d += ", department " + dept
	}
	return d
}

// accountLinkIssued is the page that shows a new link once.
type accountLinkIssued struct {
	consolePage
	Heading, Body, URL, BackHref string
}

func (s *Server) showAccountLink(c echo.Context, headingKey string, link accounts.AccountLink, token string) error {
	p := s.newConsolePage(c, "users_title", "users")
	page := accountLinkIssued{consolePage: p, Heading: p.T(headingKey, link.Email),
		Body: p.T("accounts_link_once", link.Email, consoleTime(link.ExpiresAt)), URL: s.accountLinkURL(c, token), BackHref: "/users"}
	if link.UserID != "" {
		page.BackHref = "/users/" + link.UserID
	}
	return s.renderConsole(c, http.StatusCreated, "account_link_issued", page)
}

// userPage is /users/:id.
type userPage struct {
	consolePage
	Account     accounts.User
	Department  string
	Created     string
	LastLogin   string
	Roles       []roleOption
	Departments []departmentOption
	Sessions    []sessionView
	Tokens      []tokenView
	Done        string
	Error       string
	// Field is the field of the role form that Error is about.
	Field     string
	LinkHours int
}

type sessionView struct {
	Handle, Started, LastSeen, Expires string
	Yours                              bool
}

// accountDone are the notices after a change (?done=).
var accountDone = map[string]string{"role": "accounts_done_role", "disabled": "accounts_done_disabled", "enabled": "accounts_done_enabled",
	"session": "accounts_done_session", "token": "accounts_done_token"}

func (s *Server) newUserPage(c echo.Context) (userPage, error) {
	ctx := c.Request().Context()
	p := userPage{consolePage: s.newConsolePage(c, "users_title", "users"), LinkHours: int(accountLinkLifetime.Hours())}
	u, err := s.accounts.UserByID(ctx, c.Param("id"))
	if err != nil {
		return p, err
	}
	p.Account = u
	p.Title = u.Email
	p.Created = consoleTime(u.CreatedAt)
	p.LastLogin = p.T("users_never")
	if !u.LastLogin.IsZero() {
		p.LastLogin = consoleTime(u.LastLogin)
	}
	p.Roles = s.roleOptions(p.consolePage, string(u.Role))
	deps, names, err := s.departmentOptions(ctx, u.DepartmentID)
	if err != nil {
		return p, err
	}
	p.Departments, p.Department = deps, names[u.DepartmentID]
	sessions, err := s.accounts.UserSessions(ctx, u.ID)
	if err != nil {
		return p, err
	}
	mine := ""
	if cs := sessionOf(c); cs.token != "" {
		mine = accounts.SessionHandle(cs.token)
	}
	for _, x := range sessions {
		p.Sessions = append(p.Sessions, sessionView{Handle: x.Handle, Started: consoleTime(x.Created), LastSeen: consoleTime(x.LastSeen),
			Expires: consoleTime(x.ExpiresAt), Yours: x.Handle == mine})
	}
	if !u.Disabled {
		if p.Tokens, err = s.tokenViews(ctx, p.consolePage, u); err != nil {
			return p, err
		}
	}
	if key, ok := accountDone[c.QueryParam("done")]; ok {
		p.Done = p.T(key)
	}
	return p, nil
}

func (s *Server) user(c echo.Context) error {
	p, err := s.newUserPage(c)
	if err != nil {
		return consoleNotFound(err)
	}
	return s.renderConsole(c, http.StatusOK, "user", p)
}

// userRefused shows the account's page again with what was refused; an
// unknown account is the console's 404.
func (s *Server) userRefused(c echo.Context, cause error) error {
	return s.userRoleRefused(c, cause, nil)
}

// userRoleRefused is userRefused for the role form: the page keeps the
// role and department that were chosen (not the stored ones), and marks
// the field the refusal is about.
func (s *Server) userRoleRefused(c echo.Context, cause error, form *accountForm) error {
	p, err := s.newUserPage(c)
	if err != nil {
		return consoleNotFound(err)
	}
	status, text, ok := accountRefusal(p.consolePage, cause)
	if !ok {
		return cause
	}
	p.Error = text
	if form != nil {
		p.Field = accountErrorField(cause)
		p.Roles = s.roleOptions(p.consolePage, form.Role)
		if p.Departments, _, err = s.departmentOptions(c.Request().Context(), form.Department); err != nil {
			return err
		}
	}
	return s.renderConsole(c, status, "user", p)
}

func (s *Server) doneRedirect(c echo.Context, id, done string) error {
	return c.Redirect(http.StatusSeeOther, "/users/"+id+"?done="+done)
}

// consoleNotFound answers an unknown account as the console's 404.
func consoleNotFound(err error) error {
	if survey.ErrorCode(err) == survey.ENotFound {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	return err
}

func (s *Server) changeUserRole(c echo.Context) error {
	form := bindAccountForm(c.Request())
	before, after, err := s.accounts.SetUserRole(c.Request().Context(), c.Param("id"), accounts.Role(form.Role), form.Department)
	if err != nil {
		if survey.ErrorKey(err) == "user_not_found" {
			return consoleNotFound(err)
		}
		return s.userRoleRefused(c, err, &form)
	}
	if err := s.audit(c, "user.role", "account "+after.Email,
		accountRoleDetail(before.Role, before.DepartmentID)+" -> "+accountRoleDetail(after.Role, after.DepartmentID)); err != nil {
		return err
	}
	return s.doneRedirect(c, after.ID, "role")
}

// setUserDisabled is POST /users/:id/disable and /enable.
func (s *Server) setUserDisabled(disabled bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		u, err := s.accounts.SetUserDisabled(c.Request().Context(), c.Param("id"), disabled)
		if err != nil {
			if survey.ErrorKey(err) == "user_not_found" {
				return consoleNotFound(err)
			}
			return s.userRefused(c, err)
		}
		action, detail, done := "user.enable", "", "enabled"
		if disabled {
			action, detail, done = "user.disable", "sessions and API tokens ended", "disabled"
		}
		if err := s.audit(c, action, "account "+u.Email, detail); err != nil {
			return err
		}
		return s.doneRedirect(c, u.ID, done)
	}
}

func (s *Server) resetUser(c echo.Context) error {
	token, link, err := s.accounts.NewResetLink(c.Request().Context(), c.Param("id"), sessionOf(c).User.Email, accountLinkLifetime)
	if err != nil {
		if survey.ErrorKey(err) == "user_not_found" {
			return consoleNotFound(err)
		}
		return s.userRefused(c, err)
	}
	if err := s.audit(c, "user.reset", "account "+link.Email, "reset link expires "+link.ExpiresAt.Format(time.RFC3339)); err != nil {
		return err
	}
	return s.showAccountLink(c, "accounts_reset_issued", link, token)
}

func (s *Server) endUserSession(c echo.Context) error {
	ctx := c.Request().Context()
	u, err := s.accounts.UserByID(ctx, c.Param("id"))
	if err != nil {
		return consoleNotFound(err)
	}
	if err := s.accounts.EndUserSession(ctx, u.ID, c.Param("session")); err != nil {
		return s.userRefused(c, err)
	}
	if err := s.audit(c, "session.end", "account "+u.Email, "session "+c.Param("session")); err != nil {
		return err
	}
	return s.doneRedirect(c, u.ID, "session")
}

func (s *Server) revokeUserToken(c echo.Context) error {
	ctx := c.Request().Context()
	u, err := s.accounts.UserByID(ctx, c.Param("id"))
	if err != nil {
		return consoleNotFound(err)
	}
	name, err := s.accounts.RevokeAPIToken(ctx, u.ID, c.Param("token"))
	if err != nil {
		return s.userRefused(c, err)
	}
	if err := s.audit(c, "token.revoke", "account "+u.Email, fmt.Sprintf("token %s", strconv.Quote(name))); err != nil {
		return err
	}
	return s.doneRedirect(c, u.ID, "token")
}
