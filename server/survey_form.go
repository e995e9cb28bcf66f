package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"trots/questionnaires"
	"trots/server/i18n"
	"trots/survey"
)

// surveyBodyLimit caps a submitted survey: 40 answers and a comment of a
// few thousand characters are well under 16 kB.
const surveyBodyLimit = 64 << 10

// errTooLarge is a body over surveyBodyLimit.
var errTooLarge = errors.New("server: request body too large")

// surveyForm shows the survey of a department link: GET /s/:code.
func (s *Server) surveyForm(c echo.Context) error {
	link, err := s.store.LinkByCode(c.Request().Context(), c.Param("code"))
	if err != nil {
		return s.refuse(c, s.langOf(c), err)
	}
	v, err := s.surveyFor(c, link)
	if err != nil {
		return s.refuse(c, s.langOf(c), err)
	}
	if err := v.pulse.CheckOpen(s.cfg.Now()); err != nil {
		return s.refuse(c, v.lang, err)
	}
	if err := v.pulse.CheckWay(false); err != nil {
		return s.refuseWay(c, v.lang, err)
	}
	if done, err := s.signOnGate(c, &v); done {
		return err
	}
	if !v.pulse.SignOn && answeredHere(c) && c.QueryParam("again") == "" {
		return s.renderAnswered(c, v)
	}
	return s.render(c, http.StatusOK, "survey", v.form(survey.NewID(), nil, nil, ""))
}

// surveySubmit stores the answers sent from a department link: POST
// /s/:code, then redirects to the thank-you page.
func (s *Server) surveySubmit(c echo.Context) error {
	link, v, err := s.submissionSurvey(c, c.Param("code"))
	if err = s.unknownGate(err); err != nil {
		if limited, ok := err.(*errRateLimited); ok {
			return s.denyRatePage(c, limited.RetryAfter)
		}
		return s.refuse(c, s.langOf(c), err)
	}
	if err := v.pulse.CheckOpen(s.cfg.Now()); err != nil {
		return s.refuse(c, v.lang, err)
	}
	if err := v.pulse.CheckWay(false); err != nil {
		return s.refuseWay(c, v.lang, err)
	}
	if done, err := s.signOnGate(c, &v); done {
		return err
	}
	form, err := readPostForm(c)
	if err != nil {
		if wait := s.spendAnswer(c, link, false); wait > 0 {
			return s.denyRatePage(c, wait)
		}
	}
	if errors.Is(err, errTooLarge) {
		// The answers cannot be read back; the script restores those it
		// kept in the browser.
		return s.render(c, http.StatusRequestEntityTooLarge, "survey", v.form(survey.NewID(), nil, nil, "too_large"))
	}
	if err != nil {
		return s.renderMessage(c, http.StatusBadRequest, v.lang, "bad_request", v.here)
	}
	return s.submit(c, v, link, form)
}

// surveyThanks is the thank-you page of a department link: GET
// /s/:code/thanks. It only shows; reloading it stores nothing.
func (s *Server) surveyThanks(c echo.Context) error {
	link, err := s.store.LinkByCode(c.Request().Context(), c.Param("code"))
	if err != nil {
		return s.refuse(c, s.langOf(c), err)
	}
	return s.renderThanks(c, link.PulseID, true)
}

// submit validates a parsed survey form and stores it. Whatever is wrong,
// nothing is stored and the respondent sees why, in their language, with
// their answers kept.
func (s *Server) submit(c echo.Context, v surveyView, link survey.Link, form url.Values) error {
	f := bindSurveyForm(form, v.token != "")
	dec := survey.DecodeAnswers(v.q, f.answers)
	formErr := ""
	if f.unknown {
		formErr = "field_unknown"
	}
	if !survey.ValidID(f.key) {
		// A form without a valid key cannot be made idempotent; give it a
		// fresh one and let the respondent send again.
		f.key, formErr = survey.NewID(), "submission_key"
	}
	// Posts to a link spend its budget of valid answers only when they
	// are; invitations have their own limit per token (allowInvitation).
	if v.token == "" {
		if wait := s.spendAnswer(c, link, dec.Valid() && formErr == ""); wait > 0 {
			return s.denyRatePage(c, wait)
		}
	}
	if !dec.Valid() || formErr != "" {
		// Also with a used invitation: refusing it here, before the
		// answers are complete, would tell whoever holds the list of who
		// got which invitation who has answered, for the price of an
		// empty form. Only a complete form is refused for a used token
		// (by Submit).
		return s.render(c, http.StatusUnprocessableEntity, "survey", v.formAsking(f.key, f.answers, dec.Errors, formErr, nil, f.sendOpen))
	}
	if len(dec.Open) > 0 && !f.sendOpen {
		// Ask once: a gap is allowed, but may be an oversight. The next
		// submission of this form carries send_open and is stored as it is.
		return s.render(c, http.StatusOK, "survey", v.formAsking(f.key, f.answers, nil, "", dec.Open, true))
	}
	_, err := s.store.Submit(c.Request().Context(), survey.Submission{
		Link: link, Key: f.key, Token: v.token, Person: v.person, Answers: dec.Answers, Comments: dec.Comments,
	})
	if survey.ErrorKey(err) == "submission_key" {
		return s.render(c, http.StatusUnprocessableEntity, "survey", v.form(survey.NewID(), f.answers, nil, "submission_key"))
	}
	if err != nil && v.person != "" {
		return s.signOnRefusal(c, v, err)
	}
	if err != nil {
		return s.refuse(c, v.lang, tokenRefusal(v.token, err))
	}
	if v.token == "" && v.person == "" {
		s.markAnswered(c, v.pulse, v.here)
	}
	// A replay (double tap, retry) lands on the same page as the first.
	return c.Redirect(http.StatusSeeOther, withQuery(v.thanks, "lang", v.lang))
}

// surveyFormFields are the fields of a posted survey form.
type surveyFormFields struct {
	key      string
	answers  url.Values // keyed by item id
	unknown  bool       // a field the form does not have
	sendOpen bool       // send even with questions left open
}

// bindSurveyForm splits a posted form into its own fields and the answers.
func bindSurveyForm(form url.Values, withToken bool) surveyFormFields {
	f := surveyFormFields{answers: url.Values{}}
	for name, vals := range form {
		switch {
		case name == "submission_key":
			if len(vals) > 0 {
				f.key = vals[0]
			}
		case name == "token" && withToken:
		case name == "send_open":
			f.sendOpen = len(vals) > 0 && vals[0] == "1"
		case strings.HasPrefix(name, answerPrefix):
			f.answers[strings.TrimPrefix(name, answerPrefix)] = vals
		default:
			f.unknown = true
		}
	}
	return f
}

// readPostForm reads the url-encoded body of a survey submission, and only
// the body: the query string never supplies answers.
func readPostForm(c echo.Context) (url.Values, error) {
	r := c.Request()
	r.Body = http.MaxBytesReader(c.Response(), r.Body, surveyBodyLimit)
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		var he *echo.HTTPError
		if errors.As(err, &tooLarge) || errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge {
			return nil, errTooLarge
		}
		return nil, err
	}
	return r.PostForm, nil
}

// surveyFor loads what a survey page needs for a link and picks the
// respondent's language.
func (s *Server) surveyFor(c echo.Context, link survey.Link) (surveyView, error) {
	d, err := s.loadSurvey(c.Request().Context(), link)
	if err != nil {
		return surveyView{}, err
	}
	return s.viewOf(c, link, d), nil
}

// surveyData is what the store says about a link's survey.
type surveyData struct {
	pulse    survey.Pulse
	dept     survey.Department
	q        *questionnaires.Questionnaire
	settings survey.Settings
}

func (s *Server) loadSurvey(ctx context.Context, link survey.Link) (surveyData, error) {
	p, err := s.store.Pulse(ctx, link.PulseID)
	if err != nil {
		return surveyData{}, err
	}
	d, err := s.store.Department(ctx, link.DepartmentID)
	if err != nil {
		return surveyData{}, err
	}
	q, err := s.cfg.Questionnaire(p.QuestionnaireID, p.QuestionnaireVersion)
	if err != nil {
		return surveyData{}, err
	}
	set, err := s.store.Settings(ctx)
	if err != nil {
		return surveyData{}, err
	}
	return surveyData{pulse: p, dept: d, q: q, settings: set}, nil
}

// viewOf builds the view of a link's survey for this request.
func (s *Server) viewOf(c echo.Context, link survey.Link, d surveyData) surveyView {
	v := surveyView{
		lang:  i18n.Negotiate(c.QueryParam("lang"), c.Request().Header.Get("Accept-Language"), d.settings.DefaultLanguage, d.q.Languages),
		q:     d.q,
		pulse: d.pulse,
		dept:  d.dept,
		// The link itself is the form's address and the key of the
		// answers the browser keeps while filling in.
		action: "/s/" + link.Code, here: "/s/" + link.Code, thanks: "/s/" + link.Code + "/thanks", storeKey: link.Code,
		settings: d.settings,
	}
	if d.settings.Name != survey.DefaultSettings().Name {
		v.org = d.settings.Name
	}
	return v
}

// langOf picks the language of a page shown before a survey is known.
func (s *Server) langOf(c echo.Context) string {
	def := ""
	if set, err := s.store.Settings(c.Request().Context()); err == nil {
		def = set.DefaultLanguage
	}
	return i18n.Negotiate(c.QueryParam("lang"), c.Request().Header.Get("Accept-Language"), def, nil)
}

// refuse answers a domain error with its page: an unknown link or token, a
// closed survey, a used invitation. Anything unexpected is logged (without
// the request's address or path) and shown as an internal error.
func (s *Server) refuse(c echo.Context, lang string, err error) error {
	status := statusOf(err)
	key := survey.ErrorKey(err)
	if status == http.StatusServiceUnavailable {
		return s.unavailable(c, err)
	}
	if status >= 500 || key == "" || !i18n.Has(lang, key+"_title") {
		if status < 500 {
			status = http.StatusInternalServerError
		}
		s.log.Error("survey request failed", "route", c.Path(), "error", err.Error())
		key = "internal"
	}
	return s.renderMessage(c, status, lang, key, "")
}

// statusOf is the one table from domain error codes to HTTP statuses.
func statusOf(err error) int {
	switch survey.ErrorCode(err) {
	case survey.EInvalid:
		return http.StatusUnprocessableEntity
	case survey.ENotFound:
		return http.StatusNotFound
	case survey.EConflict:
		return http.StatusConflict
	case survey.EUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// thanksPage thanks the respondent, names the organisation, and says when
// and where the results will be shared.
type thanksPage struct {
	page
	Organisation string
	Closes       string // the pulse's closing time; empty: closed by hand
	K            int    // the pulse's anonymity threshold (0: unknown)
	// Privacy is the art. 13 notice (privacy_notice.go).
	Privacy privacyNotice
}

// renderThanks shows the thank-you page of pulseID ("" or an unknown id:
// without the pulse's closing time, threshold and retention); viaLink:
// the answers came through an open department link.
func (s *Server) renderThanks(c echo.Context, pulseID string, viaLink bool) error {
	ctx := c.Request().Context()
	lang := s.langOf(c)
	p := newPage(lang, "", c.Request().URL.Path, nil)
	p.Title = i18n.T(lang, "thanks_title")
	page := thanksPage{page: p}
	var pl survey.Pulse
	if pulseID != "" {
		if got, err := s.store.Pulse(ctx, pulseID); err == nil {
			pl = got
			page.Closes = formatLocal(pl.Closes, pulseLocation())
			page.K = pl.MinGroup
		}
	}
	// The answers are stored already: without the settings (a database
	// out of reach) the page still thanks, without a notice it cannot
	// make accurate.
	if st, err := s.store.Settings(ctx); err == nil {
		page.Organisation = st.Name
		page.Privacy = newPrivacyNotice(lang, st, pl, viaLink)
	}
	return s.render(c, http.StatusOK, "thanks", page)
}

// withQuery adds key=value to target, which may have a query already.
func withQuery(target, key, value string) string {
	sep := "?"
	if strings.Contains(target, "?") {
		sep = "&"
	}
	return target + sep + url.QueryEscape(key) + "=" + url.QueryEscape(value)
}
