package server

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"trots/server/i18n"
	"trots/survey"
)

// unavailableRetry is the Retry-After of a database outage: long enough
// for a restart or a fail-over, short enough that nobody gives up.
const unavailableRetry = 30 * time.Second

// unavailable answers a request that failed because the database is out
// of reach (survey.EUnavailable): 503 with Retry-After on every route,
// never 500 - nothing is wrong with the request, and nothing was stored.
// Each kind of route gets its own form, in the user's language; the
// details go to the log. It is the one place survey.EUnavailable becomes
// HTTP (handleError, refuse and apiRefuse come here).
func (s *Server) unavailable(c echo.Context, err error) error {
	s.log.Error("database unavailable", "route", c.Path(), "error", err.Error())
	status := http.StatusServiceUnavailable
	setRetryAfter(c, unavailableRetry)
	c.Response().Header().Set("Cache-Control", "no-store")
	lang := requestLang(c)
	switch {
	case c.Request().Method == http.MethodHead:
		return c.NoContent(status)
	case isProbe(c):
		return c.JSON(status, map[string]any{"error": map[string]string{"code": survey.KeyUnavailable, "message": i18n.T("en", survey.KeyUnavailable)}})
	case isConsolePage(c):
		p := s.newConsolePage(c, "unavailable_title", "")
		return s.renderConsole(c, status, "message", consoleMessage{consolePage: p, Heading: p.Title, Body: p.T(survey.KeyUnavailable)})
	case isAPI(c):
		return apiRefusal(c, status, lang, survey.KeyUnavailable, survey.KeyUnavailable)
	default:
		return s.renderMessage(c, status, lang, survey.KeyUnavailable, "")
	}
}
