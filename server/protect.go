package server

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"trots/server/i18n"
	"trots/survey"
)

// crossOrigin refuses state-changing requests that a browser sends from
// another site (Fetch Metadata, or else the Origin header), without any
// cookie or token: net/http's CrossOriginProtection. Requests without those
// headers (curl, servers calling the API) pass.
func crossOrigin(deny echo.HandlerFunc) echo.MiddlewareFunc {
	cop := http.NewCrossOriginProtection()
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if err := cop.Check(c.Request()); err != nil {
				return deny(c)
			}
			return next(c)
		}
	}
}

// perLink limits submissions per survey link: a whole office may share one
// IP address, so the address is no key; the link is. Invitations have
// limits of their own (allowInvitation).
func (s *Server) perLink(deny echo.HandlerFunc) echo.MiddlewareFunc {
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store: s.limits,
		IdentifierExtractor: func(c echo.Context) (string, error) {
			if code := c.Param("code"); survey.ValidID(code) {
				return "link:" + code, nil
			}
			return "link:invalid", nil
		},
		ErrorHandler: func(c echo.Context, err error) error { return deny(c) },
		DenyHandler:  func(c echo.Context, _ string, _ error) error { return deny(c) },
	})
}

// Pages for refused form posts.

// They pick the language without the database: the form's address
// carries ?lang=, and a refusal should cost nothing.

func (s *Server) denyCrossOriginPage(c echo.Context) error {
	return s.renderMessage(c, http.StatusForbidden, requestLang(c), "cross_origin", "")
}

func (s *Server) denyRatePage(c echo.Context) error {
	return s.renderMessage(c, http.StatusTooManyRequests, requestLang(c), "rate_limited", "")
}

func (s *Server) denyCrossOriginAPI(c echo.Context) error {
	return apiError(c, http.StatusForbidden, requestLang(c), "cross_origin", nil)
}

func (s *Server) denyRateAPI(c echo.Context) error {
	c.Response().Header().Set("Retry-After", "60")
	return apiError(c, http.StatusTooManyRequests, requestLang(c), "rate_limited", nil)
}

// requestLang is the language asked for by ?lang= or Accept-Language.
func requestLang(c echo.Context) string {
	return i18n.Negotiate(c.QueryParam("lang"), c.Request().Header.Get("Accept-Language"), "", nil)
}

// allowInvitation tells whether a post with this invitation token may go
// on. A token that exists has a bucket of its own: it can be used once, so
// only its retries share it. Tokens that do not exist share one bucket, so
// that guessing costs something - and blocks nobody with a real one.
func (s *Server) allowInvitation(token string, known bool) bool {
	key := "invitations:unknown"
	if known {
		sum := sha256.Sum256([]byte(token)) // the token itself stays out of memory's keys
		key = "invitation:" + hex.EncodeToString(sum[:])
	}
	ok, err := s.limits.Allow(key)
	return ok && err == nil
}
