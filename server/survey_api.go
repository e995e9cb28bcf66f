package server

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/labstack/echo/v4"

	"trots/questionnaires"
	"trots/server/i18n"
	"trots/survey"
)

// The JSON API lets an organisation show the survey in its own pages and
// send the answers here. The rules are those of the HTML form: the same
// validator, the same idempotent store, the same refusals.

// apiSubmission is the body of POST /api/v1/surveys/:code/responses.
type apiSubmission struct {
	SubmissionKey string                     `json:"submission_key"`
	Token         string                     `json:"token"`
	Answers       map[string]json.RawMessage `json:"answers"`
}

// apiSubmitted is the answer to a stored submission.
type apiSubmitted struct {
	Status string `json:"status"`
	Replay bool   `json:"replay,omitempty"`
}

// apiSubmit stores a response: 201 when stored, 200 with replay=true when
// the same submission_key was stored before through this link.
func (s *Server) apiSubmit(c echo.Context) error {
	link, v, err := s.submissionSurvey(c, c.Param("code"))
	if err = s.unknownGate(err); err != nil {
		if limited, ok := err.(*errRateLimited); ok {
			return s.denyRateAPI(c, limited.RetryAfter)
		}
		return s.apiRefuse(c, requestLang(c), err)
	}
	if err := v.pulse.CheckOpen(s.cfg.Now()); err != nil {
		return s.apiRefuse(c, v.lang, err)
	}
	// Every refusal below spends the link's budget of refused posts, never
	// that of valid answers (ratelimit.go).
	ct, _, _ := mime.ParseMediaType(c.Request().Header.Get("Content-Type"))
	if ct != "application/json" {
		if wait := s.spendAnswer(c, link, false); wait > 0 {
			return s.denyRateAPI(c, wait)
		}
		return apiError(c, http.StatusUnsupportedMediaType, v.lang, "unsupported_media_type", nil)
	}
	var body apiSubmission
	r := c.Request()
	dec := json.NewDecoder(http.MaxBytesReader(c.Response(), r.Body, surveyBodyLimit))
	dec.DisallowUnknownFields()
	err = dec.Decode(&body)
	if err == nil && dec.Decode(&struct{}{}) != io.EOF {
		err = errors.New("trailing data after the JSON object")
	}
	if err != nil {
		var tooLarge *http.MaxBytesError
		var he *echo.HTTPError
		if errors.As(err, &tooLarge) || errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge {
			if wait := s.spendAnswer(c, link, false); wait > 0 {
				return s.denyRateAPI(c, wait)
			}
			return apiError(c, http.StatusRequestEntityTooLarge, v.lang, "too_large", nil)
		}
		if wait := s.spendAnswer(c, link, false); wait > 0 {
			return s.denyRateAPI(c, wait)
		}
		return apiError(c, http.StatusBadRequest, v.lang, "bad_request", nil)
	}
	if err := v.pulse.CheckWay(body.Token != ""); err != nil {
		// Said before the answers are checked: no form would be taken.
		return s.apiRefuse(c, v.lang, err)
	}
	answers := survey.DecodeJSONAnswers(v.q, body.Answers)
	if wait := s.spendAnswer(c, link, answers.Valid()); wait > 0 {
		return s.denyRateAPI(c, wait)
	}
	if !answers.Valid() {
		return apiError(c, http.StatusUnprocessableEntity, v.lang, "answers_invalid", answers.Errors)
	}
	rc, err := s.store.Submit(r.Context(), survey.Submission{
		Link: link, Key: body.SubmissionKey, Token: body.Token, Answers: answers.Answers, Comments: answers.Comments,
	})
	if err != nil {
		return s.apiRefuse(c, v.lang, err)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	if rc.Replay {
		return c.JSON(http.StatusOK, apiSubmitted{Status: "stored", Replay: true})
	}
	return c.JSON(http.StatusCreated, apiSubmitted{Status: "stored"})
}

// apiSurveyDoc is the questionnaire of a link, in one language, for
// rendering elsewhere.
type apiSurveyDoc struct {
	Code          string       `json:"code"`
	Language      string       `json:"language"`
	Languages     []string     `json:"languages"`
	Questionnaire apiRef       `json:"questionnaire"`
	Title         string       `json:"title"`
	Description   string       `json:"description,omitempty"`
	Department    string       `json:"department"`
	Status        string       `json:"status"`
	Accepting     bool         `json:"accepting"`
	Thresholds    apiThreshold `json:"thresholds"`
	SubmissionKey string       `json:"submission_key"`
	Submit        string       `json:"submit"`
	Sections      []apiSection `json:"sections"`
}

type apiRef struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
}

type apiThreshold struct {
	MinGroup    int `json:"min_group"`
	MinComments int `json:"min_comments"`
}

type apiSection struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	Items       []apiItem `json:"items"`
}

type apiItem struct {
	ID        string      `json:"id"`
	Text      string      `json:"text"`
	Type      string      `json:"type"`
	Required  bool        `json:"required"`
	Min       *int        `json:"min,omitempty"`
	Max       *int        `json:"max,omitempty"`
	Labels    []string    `json:"labels,omitempty"`
	Anchors   []string    `json:"anchors,omitempty"`
	Options   []apiOption `json:"options,omitempty"`
	Multiple  bool        `json:"multiple,omitempty"`
	MaxLength int         `json:"max_length,omitempty"`
}

type apiOption struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// apiSurvey returns the questionnaire of a link: GET /api/v1/surveys/:code.
// A closed or not yet open survey is still described, with accepting=false.
func (s *Server) apiSurvey(c echo.Context) error {
	link, err := s.store.LinkByCode(c.Request().Context(), c.Param("code"))
	if err != nil {
		return s.apiRefuse(c, requestLang(c), err)
	}
	v, err := s.surveyFor(c, link)
	if err != nil {
		return s.apiRefuse(c, requestLang(c), err)
	}
	lang, q := v.lang, v.q
	doc := apiSurveyDoc{
		Code: link.Code, Language: lang, Languages: q.Languages,
		Questionnaire: apiRef{ID: q.ID, Version: q.Version},
		Title:         q.Title.Get(lang), Description: q.Description.Get(lang), Department: v.dept.Name,
		Status: "open", Accepting: true,
		Thresholds:    apiThreshold{MinGroup: v.pulse.MinGroup, MinComments: v.pulse.MinComments},
		SubmissionKey: survey.NewID(),
		Submit:        "/api/v1/surveys/" + link.Code + "/responses",
	}
	if err := v.pulse.CheckOpen(s.cfg.Now()); err != nil {
		doc.Accepting, doc.Status = false, survey.ErrorKey(err)
		if doc.Status == "pulse_closed" {
			doc.Status = "closed"
		} else {
			doc.Status = "not_open"
		}
	} else if v.pulse.CheckWay(false) != nil {
		// Answered with personal codes and invitations only: this link
		// takes no answers.
		doc.Accepting, doc.Status = false, "codes_only"
	} else if v.pulse.SignOn {
		// Respondents sign on in the browser first (signon_survey.go);
		// the API has no way to.
		doc.Accepting, doc.Status = false, "signon"
	}
	for _, d := range q.Dimensions {
		items := q.ItemsOf(d.ID)
		if len(items) == 0 {
			continue
		}
		sec := apiSection{ID: d.ID, Name: d.Name.Get(lang), Description: d.Description.Get(lang)}
		for _, it := range items {
			sec.Items = append(sec.Items, apiItemOf(q, it, lang))
		}
		doc.Sections = append(doc.Sections, sec)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, doc)
}

func apiItemOf(q *questionnaires.Questionnaire, it *questionnaires.Item, lang string) apiItem {
	s := it.Scale
	out := apiItem{ID: it.ID, Text: it.Text.Get(lang), Type: string(s.Type), Required: it.Required}
	switch s.Type {
	case questionnaires.Likert, questionnaires.NPS:
		lo, hi := s.Points()
		out.Min, out.Max = &lo, &hi
		labels := s.Labels[lang]
		if len(labels) == 0 {
			labels = s.Labels[q.Languages[0]]
		}
		if len(labels) == hi-lo+1 && s.Type == questionnaires.Likert {
			out.Labels = labels
		} else {
			out.Anchors = labels
		}
	case questionnaires.Choice:
		out.Multiple = s.Multiple
		for _, o := range s.Options {
			out.Options = append(out.Options, apiOption{ID: o.ID, Text: o.Text.Get(lang)})
		}
	case questionnaires.FreeText:
		out.MaxLength = s.MaxLength
	}
	return out
}

// apiRefuse answers a domain error with the API's error body.
func (s *Server) apiRefuse(c echo.Context, lang string, err error) error {
	status := statusOf(err)
	key := survey.ErrorKey(err)
	if status == http.StatusServiceUnavailable {
		return s.unavailable(c, err)
	}
	if status >= 500 || key == "" || !i18n.Has(lang, key) {
		if status < 500 {
			status = http.StatusInternalServerError
		}
		s.log.Error("survey API request failed", "route", c.Path(), "error", err.Error())
		key = "internal"
	}
	return apiError(c, status, lang, key, nil)
}

// apiError writes {"error": {"code", "message", "fields"}}: code is a
// stable key, message its text in the caller's language, fields the codes
// of the refused answers by item id.
func apiError(c echo.Context, status int, lang, key string, fields survey.FieldErrors) error {
	return apiErrorMessage(c, status, key, i18n.T(lang, key), fields)
}

// apiErrorMessage is apiError with a message already made (a text with
// arguments).
func apiErrorMessage(c echo.Context, status int, key, message string, fields survey.FieldErrors) error {
	type body struct {
		Code    string             `json:"code"`
		Message string             `json:"message"`
		Fields  survey.FieldErrors `json:"fields,omitempty"`
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(status, map[string]body{"error": {Code: key, Message: message, Fields: fields}})
}
