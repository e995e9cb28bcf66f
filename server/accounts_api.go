package server

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"trots/accounts"
	"trots/survey"
)

// Accounts as JSON (/api/v1/users), for administrators' tools: the same
// changes as the console's pages (accounts.go), with the same rules and
// the same audit entries (marked "(API)").

type apiSession struct {
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"created_at"`
	LastSeen  time.Time `json:"last_seen_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

type apiTokenInfo struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Scope     string     `json:"scope"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at"`
	LastUsed  *time.Time `json:"last_used_on"`
}

type apiAccount struct {
	ID           string     `json:"id"`
	Email        string     `json:"email"`
	Role         string     `json:"role"`
	DepartmentID *string    `json:"department_id"`
	Disabled     bool       `json:"disabled"`
	CreatedAt    time.Time  `json:"created_at"`
	LastLogin    *time.Time `json:"last_login_at"`
	// Sessions and Tokens are given for one account (GET /users/{id}).
	Sessions []apiSession   `json:"sessions,omitempty"`
	Tokens   []apiTokenInfo `json:"tokens,omitempty"`
}

func newAPIAccount(u accounts.User) apiAccount {
	a := apiAccount{ID: u.ID, Email: u.Email, Role: string(u.Role), Disabled: u.Disabled, CreatedAt: u.CreatedAt}
	if u.DepartmentID != "" {
		d := u.DepartmentID
		a.DepartmentID = &d
	}
	if !u.LastLogin.IsZero() {
		t := u.LastLogin
		a.LastLogin = &t
	}
	return a
}

// apiAccountRefusal answers a refused change with the store's code.
func apiAccountRefusal(c echo.Context, err error) error {
	switch survey.ErrorCode(err) {
	case survey.EInvalid, survey.ENotFound, survey.EConflict:
		key := survey.ErrorKey(err)
		if key == "" {
			key = "conflict"
		}
		return apiError(c, surveyStatus(err), requestLang(c), key, nil)
	}
	return err
}

func (s *Server) apiUsers(c echo.Context) error {
	list, err := s.accounts.Users(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]apiAccount, 0, len(list))
	for _, u := range list {
		out = append(out, newAPIAccount(u))
	}
	return apiJSON(c, http.StatusOK, out)
}

// apiUserDetail is an account with its live sessions and API tokens.
func (s *Server) apiUserDetail(c echo.Context, u accounts.User) (apiAccount, error) {
	ctx := c.Request().Context()
	a := newAPIAccount(u)
	a.Sessions, a.Tokens = []apiSession{}, []apiTokenInfo{}
	sessions, err := s.accounts.UserSessions(ctx, u.ID)
	if err != nil {
		return a, err
	}
	for _, x := range sessions {
		a.Sessions = append(a.Sessions, apiSession{ID: x.Handle, CreatedAt: x.Created, LastSeen: x.LastSeen, ExpiresAt: x.ExpiresAt})
	}
	tokens, err := s.accounts.APITokens(ctx, u.Email)
	if err != nil {
		return a, err
	}
	for _, t := range tokens {
		v := apiTokenInfo{ID: t.Handle, Name: t.Name, Scope: string(t.Scope), CreatedAt: t.Created}
		if !t.Expires.IsZero() {
			e := t.Expires
			v.ExpiresAt = &e
		}
		if !t.LastUsed.IsZero() {
			l := t.LastUsed
			v.LastUsed = &l
		}
		a.Tokens = append(a.Tokens, v)
	}
	return a, nil
}

func (s *Server) apiUser(c echo.Context) error {
	u, err := s.accounts.UserByID(c.Request().Context(), c.Param("id"))
	if err != nil {
		return apiAccountRefusal(c, err)
	}
	a, err := s.apiUserDetail(c, u)
	if err != nil {
		return err
	}
	return apiJSON(c, http.StatusOK, a)
}

// apiInvitationRequest is the body of POST /api/v1/users/invitations.
type apiInvitationRequest struct {
	Email        string `json:"email"`
	Role         string `json:"role"`
	DepartmentID string `json:"department_id"`
}

// apiAccountLink is a one-time link, shown once.
type apiAccountLink struct {
	Kind         string    `json:"kind"`
	Email        string    `json:"email"`
	Role         string    `json:"role"`
	DepartmentID *string   `json:"department_id"`
	URL          string    `json:"url"`
	ExpiresAt    time.Time `json:"expires_at"`
}

func (s *Server) newAPIAccountLink(c echo.Context, l accounts.AccountLink, token string) apiAccountLink {
	out := apiAccountLink{Kind: string(l.Kind), Email: l.Email, Role: string(l.Role), URL: s.accountLinkURL(c, token), ExpiresAt: l.ExpiresAt}
	if l.DepartmentID != "" {
		d := l.DepartmentID
		out.DepartmentID = &d
	}
	return out
}

func (s *Server) apiInviteUser(c echo.Context) error {
	var req apiInvitationRequest
	if ok, err := readAPIBody(c, requestLang(c), &req); !ok {
		return err
	}
	u := accounts.User{Email: req.Email, Role: accounts.Role(req.Role), DepartmentID: req.DepartmentID}
	token, link, err := s.accounts.InviteUser(c.Request().Context(), u, sessionOf(c).User.Email, accountLinkLifetime)
	if err != nil {
		return apiAccountRefusal(c, err)
	}
	if err := s.audit(c, "user.invite", "account "+link.Email, accountRoleDetail(link.Role, link.DepartmentID)+
		", link expires "+link.ExpiresAt.Format(time.RFC3339)); err != nil {
		return err
	}
	return apiJSON(c, http.StatusCreated, s.newAPIAccountLink(c, link, token))
}

// apiUserUpdate is the body of PATCH /api/v1/users/{id}: what is left out
// stays as it is.
type apiUserUpdate struct {
	Role         *string `json:"role"`
	DepartmentID *string `json:"department_id"`
	Disabled     *bool   `json:"disabled"`
}

func (s *Server) apiUpdateUser(c echo.Context) error {
	ctx := c.Request().Context()
	var req apiUserUpdate
	if ok, err := readAPIBody(c, requestLang(c), &req); !ok {
		return err
	}
	u, err := s.accounts.UserByID(ctx, c.Param("id"))
	if err != nil {
		return apiAccountRefusal(c, err)
	}
	if req.Role != nil || req.DepartmentID != nil {
		role, dept := u.Role, u.DepartmentID
		if req.Role != nil {
			role = accounts.Role(*req.Role)
			if role != accounts.RoleLead {
				dept = ""
			}
		}
		if req.DepartmentID != nil {
			dept = *req.DepartmentID
		}
		before, after, err := s.accounts.SetUserRole(ctx, u.ID, role, dept)
		if err != nil {
			return apiAccountRefusal(c, err)
		}
		if before.Role != after.Role || before.DepartmentID != after.DepartmentID {
			if err := s.audit(c, "user.role", "account "+after.Email,
				accountRoleDetail(before.Role, before.DepartmentID)+" -> "+accountRoleDetail(after.Role, after.DepartmentID)); err != nil {
				return err
			}
		}
		u = after
	}
	if req.Disabled != nil && *req.Disabled != u.Disabled {
		if u, err = s.accounts.SetUserDisabled(ctx, u.ID, *req.Disabled); err != nil {
			return apiAccountRefusal(c, err)
		}
		action, detail := "user.enable", ""
		if u.Disabled {
			action, detail = "user.disable", "sessions and API tokens ended"
		}
		if err := s.audit(c, action, "account "+u.Email, detail); err != nil {
			return err
		}
	}
	a, err := s.apiUserDetail(c, u)
	if err != nil {
		return err
	}
	return apiJSON(c, http.StatusOK, a)
}

func (s *Server) apiResetUser(c echo.Context) error {
	token, link, err := s.accounts.NewResetLink(c.Request().Context(), c.Param("id"), sessionOf(c).User.Email, accountLinkLifetime)
	if err != nil {
		return apiAccountRefusal(c, err)
	}
	if err := s.audit(c, "user.reset", "account "+link.Email, "reset link expires "+link.ExpiresAt.Format(time.RFC3339)); err != nil {
		return err
	}
	return apiJSON(c, http.StatusCreated, s.newAPIAccountLink(c, link, token))
}

func (s *Server) apiEndUserSession(c echo.Context) error {
	ctx := c.Request().Context()
	u, err := s.accounts.UserByID(ctx, c.Param("id"))
	if err != nil {
		return apiAccountRefusal(c, err)
	}
	if err := s.accounts.EndUserSession(ctx, u.ID, c.Param("session")); err != nil {
		return apiAccountRefusal(c, err)
	}
	if err := s.audit(c, "session.end", "account "+u.Email, "session "+c.Param("session")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiRevokeUserToken(c echo.Context) error {
	ctx := c.Request().Context()
	u, err := s.accounts.UserByID(ctx, c.Param("id"))
	if err != nil {
		return apiAccountRefusal(c, err)
	}
	name, err := s.accounts.RevokeAPIToken(ctx, u.ID, c.Param("token"))
	if err != nil {
		return apiAccountRefusal(c, err)
	}
	if err := s.audit(c, "token.revoke", "account "+u.Email, "token "+name); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
