package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"trots/accounts"
	"trots/survey"
)

// /account/:token is where an invitation, a password reset or the setup of
// the first administrator is opened: a form to choose a password, once,
// before the link expires. The form carries the token itself, which only
// the link's holder knows: another site can no more forge the post than it
// can guess the link (and cross-origin posts are refused besides). A used,
// expired or unknown link gets a page of its own that says what to do.

// accountLinkPage is the password form of a link.
type accountLinkPage struct {
	consolePage
	Token    string
	Kind     string
	Heading  string
	Body     string
	Email    string
	AskEmail bool
	Error    string
	// EmailInvalid says the error is about the address, not the
	// password: the page marks that field, so that a screen reader
	// takes the person to what must change.
	EmailInvalid bool
	PasswordMin  int
}

// accountLinkStatus is the page and status of a link that cannot be used.
func (s *Server) accountLinkRefused(c echo.Context, err error) error {
	key := survey.ErrorKey(err)
	status := http.StatusGone
	switch key {
	case "account_link_used", "account_link_expired":
	case "account_link_unknown":
		status = http.StatusNotFound
	default:
		return err
	}
	p := s.newConsolePage(c, key+"_title", "")
	return s.renderConsole(c, status, "message", consoleMessage{consolePage: p, Heading: p.Title, Body: p.T(key)})
}

func (s *Server) newAccountLinkPage(c echo.Context, token string, link accounts.AccountLink) accountLinkPage {
	p := accountLinkPage{Token: token, Kind: string(link.Kind), Email: link.Email, PasswordMin: accounts.MinPasswordLength}
	switch link.Kind {
	case accounts.LinkInvite:
		p.consolePage = s.newConsolePage(c, "account_invite_title", "")
		p.Body = p.T("account_invite_body", p.T("role_"+string(link.Role)), link.Email)
	case accounts.LinkReset:
		p.consolePage = s.newConsolePage(c, "account_reset_title", "")
		p.Body = p.T("account_reset_body", link.Email)
	default:
		p.consolePage = s.newConsolePage(c, "account_setup_title", "")
		p.Body = p.T("account_setup_body")
		p.AskEmail = true
	}
	p.Heading = p.Title
	return p
}

// accountLinkForm is GET /account/:token.
func (s *Server) accountLinkForm(c echo.Context) error {
	token := c.Param("token")
	link, err := s.accounts.AccountLinkByToken(c.Request().Context(), token)
	if err != nil {
		return s.accountLinkRefused(c, err)
	}
	return s.renderConsole(c, http.StatusOK, "account_link", s.newAccountLinkPage(c, token, link))
}

// useAccountLink is POST /account: the password chosen, and for a setup
// link the address.
func (s *Server) useAccountLink(c echo.Context) error {
	r := c.Request()
	ctx := r.Context()
	token := r.PostFormValue("token")
	link, err := s.accounts.AccountLinkByToken(ctx, token)
	if err != nil {
		return s.accountLinkRefused(c, err)
	}
	p := s.newAccountLinkPage(c, token, link)
	email := r.PostFormValue("email")
	if p.AskEmail {
		p.Email = email
	}
	password := r.PostFormValue("password")
	if password != r.PostFormValue("password2") {
		p.Error = p.T("account_password_mismatch")
		return s.renderConsole(c, http.StatusBadRequest, "account_link", p)
	}
	u, err := s.accounts.UseAccountLink(ctx, token, email, password)
	if err != nil {
		if k := survey.ErrorKey(err); k == "account_link_used" || k == "account_link_expired" {
			return s.accountLinkRefused(c, err)
		}
		status, text, ok := accountRefusal(p.consolePage, err)
		if !ok {
			return err
		}
		p.Error = text
		switch survey.ErrorKey(err) {
		case "user_email_invalid", "user_exists":
			p.EmailInvalid = p.AskEmail
		}
		return s.renderConsole(c, status, "account_link", p)
	}
	action, detail := "user.accept", accountRoleDetail(u.Role, u.DepartmentID)
	switch link.Kind {
	case accounts.LinkReset:
		action, detail = "user.password_reset", "password set through a reset link; sessions ended"
	case accounts.LinkSetup:
		detail += " (first administrator, setup link)"
	}
	if err := s.appendAudit(ctx, survey.AuditEntry{Actor: u.Email, Action: action, Object: "account " + u.Email, Detail: detail}); err != nil {
		return err
	}
	s.log.Info("account link used", "user", u.ID, "kind", string(link.Kind))
	done := s.newConsolePage(c, "account_done_title", "")
	return s.renderConsole(c, http.StatusOK, "account_link", accountLinkPage{consolePage: done, Heading: done.Title,
		Body: done.T("account_done_body", u.Email), Email: u.Email, Kind: "done"})
}
