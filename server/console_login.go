package server

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"trots/accounts"
	"trots/survey"
)

// loginPage is the login form; FirstRun explains how to create the first
// administrator when there is no account at all.
type loginPage struct {
	consolePage
	Next     string
	Email    string
	Error    string
	FirstRun bool
	Expired  bool
	// SignOn is the provider's name on the single sign-on button ("":
	// none); PasswordLogin shows the password form.
	SignOn        string
	PasswordLogin bool
}

func (s *Server) newLoginPage(c echo.Context) (loginPage, error) {
	n, err := s.accounts.CountUsers(c.Request().Context())
	if err != nil {
		return loginPage{}, err
	}
	p := loginPage{consolePage: s.newConsolePage(c, "login_title", "login"), FirstRun: n == 0 && !s.cfg.PasswordLoginOff,
		PasswordLogin: !s.cfg.PasswordLoginOff, Next: "/board"}
	if s.signon != nil {
		p.SignOn = s.signon.cfg.Name
	}
	return p, nil
}

// loginForm shows the login page, or the board to who is logged in.
func (s *Server) loginForm(c echo.Context) error {
	if _, err := s.accounts.SessionByToken(c.Request().Context(), s.sessionToken(c)); err == nil {
		return c.Redirect(http.StatusSeeOther, safeNext(c.QueryParam("next")))
	}
	p, err := s.newLoginPage(c)
	if err != nil {
		return err
	}
	p.Next = safeNext(c.QueryParam("next"))
	p.Expired = c.QueryParam("expired") == "1"
	return s.renderConsole(c, http.StatusOK, "login", p)
}

// login checks the credentials and starts a fresh session: the token the
// browser held before, if any, is revoked (no session fixation).
func (s *Server) login(c echo.Context) error {
	r := c.Request()
	if s.cfg.PasswordLoginOff {
		// Only the provider signs people in (single sign-on).
		p, err := s.newLoginPage(c)
		if err != nil {
			return err
		}
		p.Error = p.T("login_password_off")
		return s.renderConsole(c, http.StatusForbidden, "login", p)
	}
	email, password := r.PostFormValue("email"), r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	// Failures count per account and client, an IPv6 client by its /64
	// (sourceOf): otherwise each guess could come from a new address.
	u, err := s.accounts.Authenticate(r.Context(), email, password, sourceOf(c))
	if err != nil {
		if aerr := s.auditFailedLogin(c, email, err); aerr != nil {
			return aerr
		}
		p, perr := s.newLoginPage(c)
		if perr != nil {
			return perr
		}
		p.Email, p.Next = accounts.NormalizeEmail(email), next
		var locked *accounts.LockedError
		switch {
		case errors.As(err, &locked):
			minutes := int(math.Ceil(locked.RetryAfter.Minutes()))
			c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(locked.RetryAfter.Seconds()))))
			p.Error = p.T("login_locked", minutes)
			return s.renderConsole(c, http.StatusTooManyRequests, "login", p)
		case survey.ErrorCode(err) == survey.EUnauthorized:
			p.Error = p.T("login_failed")
			return s.renderConsole(c, http.StatusUnauthorized, "login", p)
		}
		return err
	}
	token, err := s.accounts.NewSession(r.Context(), u.ID, s.sessionToken(c))
	if err != nil {
		return err
	}
	s.setSessionCookie(c, token, s.cfg.Now().Add(accounts.SessionAbsolute))
	s.log.Info("login", "user", u.ID, "role", string(u.Role))
	if err := s.appendAudit(r.Context(), survey.AuditEntry{Actor: u.Email, Action: "login.success", Object: "account " + u.Email,
		Detail: "role " + string(u.Role)}); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, next)
}

// logout revokes the session on the server and forgets the cookie.
func (s *Server) logout(c echo.Context) error {
	cs := sessionOf(c)
	if err := s.accounts.EndSession(c.Request().Context(), cs.token); err != nil {
		return err
	}
	s.setSessionCookie(c, "", time.Time{})
	return c.Redirect(http.StatusSeeOther, "/login")
}

// loginRate bounds login attempts per client address in this process
// (Config.LoginRate, LoginBurst): a first brake on password spraying over
// many accounts, which the per-account back-off in the database does not
// see.
func (s *Server) loginRate() echo.MiddlewareFunc {
	r, burst := s.cfg.LoginRate, s.cfg.LoginBurst
	if r <= 0 {
		r = 1
	}
	if burst <= 0 {
		burst = 30
	}
	store := middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
		Rate: rate.Limit(r), Burst: burst, ExpiresIn: 10 * time.Minute,
	})
	deny := func(c echo.Context) error {
		p, err := s.newLoginPage(c)
		if err != nil {
			return err
		}
		p.Error = p.T("login_rate_limited")
		c.Response().Header().Set("Retry-After", "60")
		return s.renderConsole(c, http.StatusTooManyRequests, "login", p)
	}
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store:               store,
		IdentifierExtractor: func(c echo.Context) (string, error) { return sourceOf(c), nil },
		ErrorHandler:        func(c echo.Context, err error) error { return deny(c) },
		DenyHandler:         func(c echo.Context, _ string, _ error) error { return deny(c) },
	})
}
