package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"trots/server/i18n"
)

// The console's language is remembered per user (users.lang) as well as in
// a cookie: the cookie serves before login, the account on every device
// after it.

func (s *Server) setLangCookie(c echo.Context, lang string) {
	c.SetCookie(&http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.cfg.TLS})
}

// rememberUserLang stores a language the logged-in user switched to. A
// failure costs only the memory of the choice, not the page: it is logged.
//
// The switch is a link (a GET), so it is stored only when the browser says
// the link was followed on this site (Sec-Fetch-Site same-origin, or none
// for a typed address): a link on another site must not change what the
// account remembers. The page itself is still shown in the asked language.
func (s *Server) rememberUserLang(c echo.Context, lang string) {
	cs := sessionOf(c)
	if cs.token == "" || cs.User.Lang == lang {
		return
	}
	switch c.Request().Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return
	}
	if err := s.accounts.SetUserLanguage(c.Request().Context(), cs.User.ID, lang); err != nil {
		s.log.Error("remember console language", "user", cs.User.ID, "error", err.Error())
		return
	}
	cs.User.Lang = lang
	c.Set(sessionContextKey, cs)
}

// userLang is the language the logged-in user chose, if any. The cookie
// follows it, so that the login page after a logout speaks it too.
func (s *Server) userLang(c echo.Context) (string, bool) {
	cs := sessionOf(c)
	if cs.token == "" || !i18n.Supported(cs.User.Lang) {
		return "", false
	}
	if ck, err := c.Cookie(langCookie); err != nil || ck.Value != cs.User.Lang {
		s.setLangCookie(c, cs.User.Lang)
	}
	return cs.User.Lang, true
}
