package server

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"trots/server/i18n"
	"trots/survey"
)

// "Already answered on this device": after a form sent through an open
// department link is stored, the browser gets a cookie saying only that
// (value "1"), scoped to that link's path, so that its next visit says so
// instead of offering a fresh form - the easiest repeat answer is the
// accidental one. A colleague sharing the device gets the form with one
// tap. The server never stores the cookie, and it carries nothing that
// could be joined to the answers: not the response, not the time, not who.
// It is a nudge, not a lock; a determined person clears cookies, which is
// what personal codes (survey_codes.go) are for.

// answeredCookie names the marker.
const answeredCookie = "trots_answered"

// answeredFor is how long the marker lasts when the pulse has no closing
// time (otherwise until it closes, at most this long).
const answeredFor = 60 * 24 * time.Hour

// markAnswered gives the browser the marker for the link at path. It
// expires at an absolute moment that does not keep the moment of
// answering: the pulse's closing time, or - without one, or beyond
// answeredFor - a midnight (UTC) about answeredFor ahead. A Max-Age
// counted from now would let whoever reads the device's cookies work out
// when the form was sent, to the second.
func (s *Server) markAnswered(c echo.Context, p survey.Pulse, path string) {
	now := s.cfg.Now()
	expires := now.Add(answeredFor).UTC().Truncate(24 * time.Hour)
	if !p.Closes.IsZero() && p.Closes.After(now) && p.Closes.Before(expires) {
		expires = p.Closes
	}
	c.SetCookie(&http.Cookie{Name: answeredCookie, Value: "1", Path: path, Expires: expires,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.TLS})
}

// answeredHere reports whether this browser sent a form through the link
// of this request before (the cookie's path makes it this link's only).
func answeredHere(c echo.Context) bool {
	ck, err := c.Cookie(answeredCookie)
	return err == nil && ck.Value == "1"
}

// answeredPage tells that this device has answered, with the way to the
// form for someone else.
type answeredPage struct {
	page
	Again string // the form's address for another person
}

func (s *Server) renderAnswered(c echo.Context, v surveyView) error {
	p := newPage(v.lang, v.org, v.here, v.q.Languages)
	p.Title = i18n.T(v.lang, "answered_title")
	return s.render(c, http.StatusOK, "answered", answeredPage{page: p, Again: v.here + "?again=1&lang=" + v.lang})
}
