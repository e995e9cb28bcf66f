package server

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"trots/survey"
)

// invitationForm shows the survey for a single-use invitation: GET
// /i/:token. The form posts to /i with the token in a hidden field, so the
// department's open link is never revealed to someone holding an
// invitation (in an organisation that mails invitations, that link would
// allow answers without one).
//
// A used invitation shows the same form as an unused one; only sending it
// is refused. HR knows which invitation went to whom (the mail merge):
// were the page to say "already used", opening each link would tell who
// answered, and polling them when.
func (s *Server) invitationForm(c echo.Context) error {
	token := c.Param("token")
	link, err := s.store.LinkByToken(c.Request().Context(), token)
	if err != nil && !(survey.ErrorKey(err) == "token_used" && link.Code != "") {
		return s.refuse(c, s.langOf(c), err)
	}
	v, err := s.surveyFor(c, link)
	if err != nil {
		return s.refuse(c, s.langOf(c), err)
	}
	v.invitation(token)
	if err := v.pulse.CheckOpen(s.cfg.Now()); err != nil {
		return s.refuse(c, v.lang, err)
	}
	if err := v.pulse.CheckWay(true); err != nil {
		return s.refuseWay(c, v.lang, err)
	}
	return s.render(c, http.StatusOK, "survey", v.form(survey.NewID(), nil, nil, ""))
}

// invitationSubmit stores the answers sent with an invitation: POST /i.
// Marking the token used and storing the response are one transaction
// (survey.Store.Submit); the response never records the token.
func (s *Server) invitationSubmit(c echo.Context) error {
	form, err := readPostForm(c)
	if errors.Is(err, errTooLarge) {
		return s.renderMessage(c, http.StatusRequestEntityTooLarge, s.langOf(c), "too_large", "")
	}
	if err != nil {
		return s.renderMessage(c, http.StatusBadRequest, s.langOf(c), "bad_request", "")
	}
	token := form.Get("token")
	link, used := s.store.LinkByToken(c.Request().Context(), token)
	known := used == nil || survey.ErrorKey(used) == "token_used" && link.Code != ""
	if wait := s.allowInvitation(token, known); wait > 0 {
		return s.denyRatePage(c, wait)
	}
	if !known {
		return s.refuse(c, s.langOf(c), tokenRefusal(token, used))
	}
	// A used token goes on to Submit: a retry of the submission that used
	// it is recognised by its key and answered like the first; any other
	// form is refused there.
	v, err := s.surveyFor(c, link)
	if err != nil {
		return s.refuse(c, s.langOf(c), err)
	}
	v.invitation(token)
	if err := v.pulse.CheckOpen(s.cfg.Now()); err != nil {
		return s.refuse(c, v.lang, err)
	}
	if err := v.pulse.CheckWay(true); err != nil {
		return s.refuseWay(c, v.lang, err)
	}
	return s.submit(c, v, link, form)
}

// invitationThanks is the thank-you page after an invitation: GET
// /i/thanks.
func (s *Server) invitationThanks(c echo.Context) error {
	return s.renderThanks(c, c.QueryParam("pulse"), false)
}

// invitation points a survey view at the invitation routes.
func (v *surveyView) invitation(token string) {
	v.token = token
	// The thank-you page names the pulse (not the token): its closing
	// time says when results come.
	v.action, v.here, v.thanks = "/i", "/i/"+token, withQuery("/i/thanks", "pulse", v.pulse.ID)
	v.storeKey = "i." + token
}
