package server

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"trots/server/i18n"
	"trots/survey"
)

// Personal codes (survey.CreateCodes) are single-use invitations printed
// on slips for people without company e-mail. Someone types the code on
// /c, or scans the slip's QR code (/c/<code>); both show the survey form,
// which is sent to /i like an invitation's: the code is an invitation
// token of another format, used when a complete form is stored.
//
// As with invitations, a used code shows the same form as an unused one:
// HR handed out the slips, possibly by name, and a page that said "already
// used" would tell whoever holds the list who has answered. Looking codes
// up is rate limited like sending an invitation (allowInvitation): codes
// that do not exist share one bucket, so guessing costs something and
// blocks nobody holding a real code.

// codePage is the start page where a code is typed.
type codePage struct {
	page
	Value  string // what was typed, on a refusal
	Error  string
	Notice string // why this page is shown instead of a survey
	// NoticeTitle heads the notice.
	NoticeTitle string
}

// codeEntry shows the start page: GET /c.
func (s *Server) codeEntry(c echo.Context) error {
	return s.renderCodeEntry(c, http.StatusOK, s.langOf(c), "", "")
}

// codeLookup finds the typed code: POST /c. A code that exists, used or
// not, gets its survey form; anything else the start page again with what
// was wrong.
func (s *Server) codeLookup(c echo.Context) error {
	form, err := readPostForm(c)
	lang := s.langOf(c)
	if errors.Is(err, errTooLarge) {
		return s.renderMessage(c, http.StatusRequestEntityTooLarge, lang, "too_large", "")
	}
	if err != nil {
		return s.renderMessage(c, http.StatusBadRequest, lang, "bad_request", "")
	}
	typed := form.Get("code")
	return s.showCode(c, lang, typed)
}

// codeForm shows the survey of a scanned slip: GET /c/:code.
func (s *Server) codeForm(c echo.Context) error {
	return s.showCode(c, s.langOf(c), c.Param("code"))
}

// showCode resolves a typed or scanned code and shows its survey, or the
// start page with the reason it could not.
func (s *Server) showCode(c echo.Context, lang, typed string) error {
	if strings.TrimSpace(typed) == "" {
		return s.renderCodeEntry(c, http.StatusUnprocessableEntity, lang, typed, "code_empty")
	}
	code, ok := survey.NormalizeCode(typed)
	if !ok {
		return s.renderCodeEntry(c, http.StatusUnprocessableEntity, lang, typed, "code_malformed")
	}
	link, err := s.store.LinkByToken(c.Request().Context(), code)
	known := err == nil || survey.ErrorKey(err) == "token_used" && link.Code != ""
	if wait := s.allowInvitation(code, known); wait > 0 {
		setRetryAfter(c, wait)
		return s.renderCodeEntry(c, http.StatusTooManyRequests, lang, typed, "code_rate_limited")
	}
	if !known {
		if survey.ErrorCode(err) == survey.ENotFound {
			return s.renderCodeEntry(c, http.StatusNotFound, lang, typed, "code_unknown")
		}
		return s.refuse(c, lang, err)
	}
	v, err := s.surveyFor(c, link)
	if err != nil {
		return s.refuse(c, lang, err)
	}
	v.personalCode(code)
	if err := v.pulse.CheckOpen(s.cfg.Now()); err != nil {
		return s.refuse(c, v.lang, err)
	}
	if err := v.pulse.CheckWay(true); err != nil {
		return s.refuseWay(c, v.lang, err)
	}
	return s.render(c, http.StatusOK, "survey", v.form(survey.NewID(), nil, nil, ""))
}

// renderCodeEntry renders the start page; errKey names what was wrong
// with typed ("" on a fresh page).
func (s *Server) renderCodeEntry(c echo.Context, status int, lang, typed, errKey string) error {
	return s.renderCodeEntryWith(c, status, lang, typed, errKey, "")
}

// renderCodeEntryWith is renderCodeEntry with a notice: the text key of
// why someone who came for a survey is asked for a code.
func (s *Server) renderCodeEntryWith(c echo.Context, status int, lang, typed, errKey, notice string) error {
	p := newPage(lang, s.orgName(c), "/c", nil)
	p.Title = i18n.T(lang, "code_title")
	cp := codePage{page: p}
	if notice != "" {
		cp.NoticeTitle, cp.Notice = i18n.T(lang, notice+"_title"), i18n.T(lang, notice)
		p.Title = cp.NoticeTitle
		cp.page = p
	}
	if errKey != "" {
		cp.Error = i18n.T(lang, errKey)
		if r := []rune(strings.TrimSpace(typed)); len(r) <= 40 {
			cp.Value = string(r)
		}
	}
	if status == http.StatusTooManyRequests {
		c.Response().Header().Set("Retry-After", "60")
	}
	return s.render(c, status, "code", cp)
}

// orgName is the organisation's name for a page's header, "" for the
// default one.
func (s *Server) orgName(c echo.Context) string {
	set, err := s.store.Settings(c.Request().Context())
	if err != nil || set.Name == survey.DefaultSettings().Name {
		return ""
	}
	return set.Name
}

// personalCode points a survey view at the invitation routes with a
// personal code as its token. The form's language switch leads to the
// slip's own address.
func (v *surveyView) personalCode(code string) {
	v.invitation(code)
	v.here = "/c/" + survey.FormatCode(code)
	v.storeKey = "c." + code
}

// tokenRefusal names a refused invitation token in the words of a personal
// code when it is one ("this code has already been used"), so that someone
// holding a slip is not told about an invitation.
func tokenRefusal(token string, err error) error {
	if !survey.ValidCode(token) {
		return err
	}
	switch survey.ErrorKey(err) {
	case "token_used":
		return &survey.Error{Code: survey.EConflict, Key: "code_used", Message: "this personal code has already been used", Err: err}
	case "token_unknown":
		return &survey.Error{Code: survey.ENotFound, Key: "code_unknown", Message: "unknown personal code", Err: err}
	}
	return err
}
