package server

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"trots/server/i18n"
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

// Pages for refused form posts.

// They pick the language without the database: the form's address
// carries ?lang=, and a refusal should cost nothing.

func (s *Server) denyCrossOriginPage(c echo.Context) error {
	return s.renderMessage(c, http.StatusForbidden, requestLang(c), "cross_origin", "")
}

func (s *Server) denyRatePage(c echo.Context, wait time.Duration) error {
	setRetryAfter(c, wait)
	return s.renderMessage(c, http.StatusTooManyRequests, requestLang(c), "rate_limited", "")
}

func (s *Server) denyCrossOriginAPI(c echo.Context) error {
	return apiError(c, http.StatusForbidden, requestLang(c), "cross_origin", nil)
}

func (s *Server) denyRateAPI(c echo.Context, wait time.Duration) error {
	setRetryAfter(c, wait)
	return apiError(c, http.StatusTooManyRequests, requestLang(c), "rate_limited", nil)
}

// requestLang is the language asked for by ?lang= or Accept-Language.
func requestLang(c echo.Context) string {
	return i18n.Negotiate(c.QueryParam("lang"), c.Request().Header.Get("Accept-Language"), "", nil)
}

// allowInvitation tells how long a post with this invitation token must
// wait (0: it may go on). A token that exists has a bucket of its own: it
// can be used once, so only its retries share it. Tokens that do not
// exist share the one bucket of unknown keys (unknownGate), so that
// guessing costs something - and blocks nobody with a real one.
func (s *Server) allowInvitation(token string, known bool) time.Duration {
	if known {
		return s.limits.allowInvitation(token, time.Now())
	}
	return s.limits.allowUnknown(time.Now())
}
