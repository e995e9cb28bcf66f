package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"trots/server/i18n"
	"trots/survey"
)

// How a pulse is answered (survey.AnswerMode), in the console and on the
// survey: the pulse form offers the modes, every page about a pulse names
// its mode, and the links page offers only what the mode allows.

// modeText names a mode in lang: "open department links", "personal codes
// and invitations", or both.
func modeText(lang string, m survey.AnswerMode) string {
	if m == "" {
		m = survey.ModeBoth
	}
	return i18n.T(lang, "mode_"+string(m))
}

// pulseModeOption is one mode on the pulse form.
type pulseModeOption struct {
	Value, Label, Hint string
	Checked            bool
}

func (p *pulsesPage) setModes() {
	for _, m := range survey.AnswerModes {
		p.Modes = append(p.Modes, pulseModeOption{Value: string(m), Label: modeText(p.Lang, m),
			Hint: p.T("pulses_mode_" + string(m) + "_hint"), Checked: string(m) == p.Form.Mode})
	}
}

// refuseLinkWay refuses a links-page download the pulse's mode has no use
// for: QR codes and posters of links that take no answers (invited false),
// invitations and codes that would not work (invited true). The links page
// comes back with the reason, status 409, nothing made; refused tells the
// handler to stop there.
func (s *Server) refuseLinkWay(c echo.Context, p survey.Pulse, invited bool) (refused bool, err error) {
	if p.CheckWay(invited) == nil {
		return false, nil
	}
	key := "links_error_mode_codes"
	if invited {
		key = "links_error_mode_open_links"
	}
	return true, s.linksRefusal(c, http.StatusConflict, key, "", "")
}

// refuseWay answers a survey page reached the way its pulse is not
// answered: a department link of a pulse answered with codes gets the
// page for typing a code, with the reason; a code or invitation of a pulse
// answered through open links gets the reason alone.
func (s *Server) refuseWay(c echo.Context, lang string, err error) error {
	if survey.ErrorKey(err) == "mode_codes_only" {
		return s.renderCodeEntryWith(c, http.StatusConflict, lang, "", "", "mode_codes_only")
	}
	return s.refuse(c, lang, err)
}
