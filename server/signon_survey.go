package server

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"trots/server/i18n"
	"trots/survey"
)

// Respondents of a pulse answered with sign-on (survey.Pulse.SignOn) sign
// on at the organisation's provider before the form is shown. What proves
// it to their link is a cookie sealed by trots (signOnProof): the pulse,
// the person's keyed hash (survey.Store.PersonHash) and an expiry - in the
// person's own browser, nowhere else. The store records the hash with the
// answer, in its transaction, and refuses a second answer of the same
// person; nothing links the hash to the answer. No respondent's sign-on
// goes into the audit log or the request log: it would tell when each
// person answered.

const (
	signOnProofCookie = "trots_signon"
	// signOnProofTTL is how long a sign-on holds for answering: the form
	// keeps unsent answers in the browser as long.
	signOnProofTTL = 2 * time.Hour
)

// signOnProof is the content of the proof cookie. It holds for the
// department of the link signed on through: the cookie's path keeps a
// browser to that link, but a copied cookie must not answer for another
// department of the pulse (with a department claim, the provider's
// department was checked against this one).
type signOnProof struct {
	Pulse      string `json:"p"`
	Department string `json:"d"`
	Person     string `json:"h"`
	Expires    int64  `json:"e"`
}

// signOnPage asks a respondent to sign on, or says that they have answered.
type signOnPage struct {
	page
	Heading, Body, Start, ButtonKey, Provider string
}

// surveySignOn is GET /s/:code/signon: a respondent signs on at the
// provider to answer through this link.
func (s *Server) surveySignOn(c echo.Context) error {
	link, err := s.store.LinkByCode(c.Request().Context(), c.Param("code"))
	if err != nil {
		return s.refuse(c, s.langOf(c), err)
	}
	v, err := s.surveyFor(c, link)
	if err != nil {
		return s.refuse(c, s.langOf(c), err)
	}
	if !v.pulse.SignOn {
		return c.Redirect(http.StatusSeeOther, withQuery(v.here, "lang", v.lang))
	}
	if s.signon == nil {
		return s.renderMessage(c, http.StatusServiceUnavailable, v.lang, "signon_unavailable", "")
	}
	if err := s.startSignOn(c, signOnFlow{Code: link.Code, Lang: v.lang}); err != nil {
		return s.renderMessage(c, http.StatusServiceUnavailable, v.lang, "signon_unavailable", "")
	}
	return nil
}

// respondentSignedOn finishes a respondent's sign-on (the callback, with
// what finishSignOn found): the proof cookie for the link, then the form.
func (s *Server) respondentSignedOn(c echo.Context, flow signOnFlow, claims signOnClaims, err error) error {
	ctx := c.Request().Context()
	lang := flow.Lang
	if !i18n.Has(lang, "signon_failed") {
		lang = s.langOf(c)
	}
	here := "/s/" + flow.Code
	var refused errSignOn
	if errors.As(err, &refused) {
		// The reason goes to the log without the person.
		s.log.Info("respondent sign-on refused", "reason", refused.reason)
		return s.renderMessage(c, http.StatusUnauthorized, lang, "signon_respondent_failed", here)
	}
	if err != nil {
		return s.renderMessage(c, http.StatusServiceUnavailable, lang, "signon_unavailable", here)
	}
	link, err := s.store.LinkByCode(ctx, flow.Code)
	if err != nil {
		return s.refuse(c, lang, err)
	}
	p, err := s.store.Pulse(ctx, link.PulseID)
	if err != nil {
		return s.refuse(c, lang, err)
	}
	if d, ok, err := s.signon.department(ctx, claims.raw); err != nil {
		return err
	} else if s.signon.cfg.DepartmentClaim != "" && (!ok || d.ID != link.DepartmentID) {
		// The provider says which department the person belongs to:
		// an answer counts for that one only.
		return s.renderMessage(c, http.StatusForbidden, lang, "signon_other_department", "")
	}
	proof := signOnProof{Pulse: p.ID, Department: link.DepartmentID, Person: s.signon.store.PersonHash(p.ID, claims.Issuer, claims.Subject),
		Expires: s.cfg.Now().Add(signOnProofTTL).Unix()}
	sealed, err := s.signon.seal(signOnProofCookie, proof)
	if err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: signOnProofCookie, Value: sealed, Path: here, MaxAge: int(signOnProofTTL.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.TLS})
	return c.Redirect(http.StatusSeeOther, withQuery(here, "lang", lang))
}

// signedOnPerson is the person hash the request's proof cookie holds for
// the pulse and department, "" without a valid one.
func (s *Server) signedOnPerson(c echo.Context, pulseID, departmentID string) string {
	ck, err := c.Cookie(signOnProofCookie)
	if err != nil || s.signon == nil {
		return ""
	}
	var proof signOnProof
	if s.signon.open(signOnProofCookie, ck.Value, &proof) != nil || proof.Pulse != pulseID || proof.Department != departmentID ||
		s.cfg.Now().Unix() > proof.Expires {
		return ""
	}
	return proof.Person
}

// signOnGate lets a request to a sign-on pulse's form through when the
// respondent has signed on and not answered yet (v.person is then set);
// otherwise it answers the request itself (done): a page asking to sign
// on, or one saying that this person has answered.
func (s *Server) signOnGate(c echo.Context, v *surveyView) (done bool, err error) {
	if !v.pulse.SignOn {
		return false, nil
	}
	if s.signon == nil {
		return true, s.renderMessage(c, http.StatusServiceUnavailable, v.lang, "signon_unavailable", "")
	}
	person := s.signedOnPerson(c, v.pulse.ID, v.dept.ID)
	if person == "" {
		status := http.StatusOK
		if c.Request().Method != http.MethodGet {
			status = http.StatusUnauthorized
		}
		return true, s.renderSignOn(c, *v, status, "signon_needed")
	}
	answered, err := s.signon.store.HasAnswered(c.Request().Context(), v.pulse.ID, person)
	if err != nil {
		return true, err
	}
	if answered {
		return true, s.renderSignOn(c, *v, http.StatusConflict, "signon_answered")
	}
	v.person = person
	return false, nil
}

// renderSignOn shows the sign-on page of a link: key is signon_needed or
// signon_answered (then the button lets a colleague on the same device
// sign on as themselves).
func (s *Server) renderSignOn(c echo.Context, v surveyView, status int, key string) error {
	p := newPage(v.lang, v.org, v.here, v.q.Languages)
	p.Title = i18n.T(v.lang, key+"_title")
	button := "signon_button"
	if key == "signon_answered" {
		button = "signon_button_other"
	}
	return s.render(c, status, "signon", signOnPage{page: p, Heading: p.Title, Body: i18n.T(v.lang, key, s.signon.cfg.Name),
		Start: v.here + "/signon?lang=" + v.lang, ButtonKey: button, Provider: s.signon.cfg.Name})
}

// signOnRefusal turns the store's refusal of a second answer into its
// page.
func (s *Server) signOnRefusal(c echo.Context, v surveyView, err error) error {
	if survey.ErrorKey(err) == "signon_answered" {
		return s.renderSignOn(c, v, http.StatusConflict, "signon_answered")
	}
	return s.refuse(c, v.lang, err)
}
