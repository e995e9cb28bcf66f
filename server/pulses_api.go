package server

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"trots/analysis"
	"trots/questionnaires"
	"trots/survey"
	"trots/survey/lifecycle"
)

// The pulse lifecycle as JSON (admin API tokens; openapi.json): create a
// draft, open it, close it. Refusals carry the lifecycle's keys as their
// codes: 400 pulse_invalid with a code per field, 409 for a transition the
// pulse's status does not allow.

// apiPulseRequest is the body of POST /api/v1/pulses.
type apiPulseRequest struct {
	Name string `json:"name"`
	// Questionnaire is a shipped questionnaire's id, or id@version naming
	// its current version.
	Questionnaire string `json:"questionnaire"`
	// Opens and Closes are RFC 3339 times, or empty.
	Opens  string `json:"opens"`
	Closes string `json:"closes"`
	// AnswerMode is open_links, codes or both (the default); fixed once
	// created.
	AnswerMode string `json:"answer_mode"`
	// RetentionMonths after closing the raw answers are deleted (1-120;
	// absent or 0: the organisation's setting, 12 unless changed).
	// LeadComments lets the departments' leads read the open comments
	// (absent: the organisation's setting, no unless changed); both are
	// fixed once the pulse opens.
	RetentionMonths int   `json:"retention_months"`
	LeadComments    *bool `json:"lead_comments"`
	// SignOn: respondents sign on with the organisation's identity
	// provider before they answer, one answer per person; only when
	// trots has single sign-on. Fixed once created.
	SignOn bool `json:"sign_on"`
}

// pulseAPIError answers in the API's error shape with a lifecycle code,
// explained in lang.
func pulseAPIError(c echo.Context, status int, lang, code string, fields survey.FieldErrors) error {
	type body struct {
		Code    string             `json:"code"`
		Message string             `json:"message"`
		Fields  survey.FieldErrors `json:"fields,omitempty"`
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(status, map[string]body{"error": {Code: code, Message: pulseErrorText(lang, code), Fields: fields}})
}

// apiTime reads an RFC 3339 time; empty is none.
func apiTime(s string) (time.Time, bool) {
	if s = strings.TrimSpace(s); s == "" {
		return time.Time{}, true
	}
	t, err := time.Parse(time.RFC3339, s)
	return t.UTC(), err == nil
}

func (s *Server) apiCreatePulse(c echo.Context) error {
	lang := requestLang(c)
	var req apiPulseRequest
	if ok, err := readAPIBody(c, lang, &req); !ok {
		return err
	}
	st, err := s.lifecycleStore()
	if err != nil {
		return err
	}
	set, err := s.data.Settings(c.Request().Context())
	if err != nil {
		return err
	}
	fields := survey.FieldErrors{}
	d := lifecycle.Draft{Name: req.Name, Questionnaire: req.Questionnaire, Mode: survey.AnswerMode(req.AnswerMode),
		RetentionMonths: req.RetentionMonths, LeadComments: set.LeadComments, SignOn: req.SignOn}
	if d.RetentionMonths == 0 {
		d.RetentionMonths = set.RetentionMonths
	}
	if req.LeadComments != nil {
		d.LeadComments = *req.LeadComments
	}
	if m, ok := survey.ParseAnswerMode(req.AnswerMode); ok {
		d.Mode = m
	}
	if id, v, ok := strings.Cut(req.Questionnaire, "@"); ok {
		d.Questionnaire = id
		// Only a shipped id is loaded: Load reads a file for a path.
		n, err := strconv.Atoi(v)
		if err != nil || !slices.Contains(questionnaires.Shipped(), id) {
			fields["questionnaire"] = lifecycle.KeyQuestionnaire
		} else if q, err := questionnaires.Load(id); err != nil || q.Version != n {
			fields["questionnaire"] = lifecycle.KeyQuestionnaire
		}
	}
	if req.SignOn && s.signon == nil {
		// Asked plainly, refused plainly: the console only offers the
		// choice with a provider, but an API client must not get a pulse
		// that quietly takes anonymous answers instead.
		fields["sign_on"] = lifecycle.KeySignOn
	}
	var ok bool
	if d.Opens, ok = apiTime(req.Opens); !ok {
		fields["opens"] = "pulse_time_format"
	}
	if d.Closes, ok = apiTime(req.Closes); !ok {
		fields["closes"] = "pulse_time_format"
	}
	now := s.cfg.Now()
	for field, key := range lifecycle.Validate(d, now) {
		if _, ok := fields[field]; !ok {
			fields[field] = key
		}
	}
	if len(fields) > 0 {
		return pulseAPIError(c, http.StatusBadRequest, lang, lifecycle.KeyInvalid, fields)
	}
	p, err := lifecycle.Create(c.Request().Context(), st, d, now)
	var inv *lifecycle.Invalid
	if errors.As(err, &inv) {
		return pulseAPIError(c, http.StatusBadRequest, lang, lifecycle.KeyInvalid, inv.Fields)
	}
	if err != nil {
		return err
	}
	s.log.Info("pulse created", "user", sessionOf(c).User.ID, "pulse", p.ID, "questionnaire", p.QuestionnaireID, "via", "api")
	if err := s.audit(c, "pulse.create", auditPulse(p), "questionnaire "+p.QuestionnaireID); err != nil {
		return err
	}
	c.Response().Header().Set("Location", "/api/v1/pulses/"+p.ID)
	return apiJSON(c, http.StatusCreated, newAPIPulse(p))
}

// apiTransition is POST /api/v1/pulses/:id/open and /close. There is no
// confirmation step: the API client asked for exactly this.
func (s *Server) apiTransition(action string) echo.HandlerFunc {
	return func(c echo.Context) error {
		lang := requestLang(c)
		ctx := c.Request().Context()
		st, err := s.lifecycleStore()
		if err != nil {
			return err
		}
		id := c.Param("id")
		if !survey.ValidID(id) {
			return pulseAPIError(c, http.StatusNotFound, lang, "pulse_not_found", nil)
		}
		var p survey.Pulse
		if action == "open" {
			p, err = lifecycle.Open(ctx, st, id, s.cfg.Now())
		} else {
			p, err = lifecycle.Close(ctx, st, id, analysis.DefaultConfig())
		}
		switch survey.ErrorCode(err) {
		case survey.ENotFound:
			return pulseAPIError(c, http.StatusNotFound, lang, "pulse_not_found", nil)
		case survey.EConflict:
			return pulseAPIError(c, http.StatusConflict, lang, survey.ErrorKey(err), nil)
		}
		if err != nil {
			return err
		}
		s.log.Info("pulse "+string(p.Status), "user", sessionOf(c).User.ID, "pulse", p.ID, "via", "api")
		if err := s.audit(c, "pulse."+action, auditPulse(p), ""); err != nil {
			return err
		}
		return apiJSON(c, http.StatusOK, newAPIPulse(p))
	}
}
