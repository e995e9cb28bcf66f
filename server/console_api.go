package server

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"trots/accounts"
	"trots/analysis"
	"trots/survey"
	"trots/survey/results"
)

// The console's JSON API (/api/v1, bearer API tokens, documented in
// openapi.json): the same departments, pulses, results and decisions as the
// board, with the same rules - suppressed departments carry no figures and
// a lead sees only the own department.

type apiDepartment struct {
	ID                string `json:"id"`
	Name              string `json:"name"`
	Headcount         int    `json:"headcount"`
	ExternallyVisible bool   `json:"externally_visible"`
	// ParentID is the department it belongs to ("" at the top level);
	// Path its name with those above it ("Directie A / Afdeling B /
	// Team C"); TotalHeadcount its headcount with everything below it.
	ParentID       string `json:"parent_id"`
	Path           string `json:"path"`
	TotalHeadcount int    `json:"total_headcount"`
}

// apiDepartmentIn is d as the API shows it, placed in tree.
func apiDepartmentIn(tree survey.Tree, d survey.Department) apiDepartment {
	return apiDepartment{ID: d.ID, Name: d.Name, Headcount: d.Headcount, ExternallyVisible: d.ExternallyVisible,
		ParentID: d.ParentID, Path: tree.Path(d.ID), TotalHeadcount: tree.TotalHeadcount(d.ID)}
}

// apiDepartments lists the departments by path; a lead's list holds the
// own department and what lies below it.
func (s *Server) apiDepartments(c echo.Context) error {
	ctx := c.Request().Context()
	sc, err := s.scopeFor(ctx, sessionOf(c).User, nil)
	if err != nil {
		return err
	}
	deps, err := s.data.Departments(ctx)
	if err != nil {
		return err
	}
	out := []apiDepartment{}
	for _, d := range deps {
		if sc.sees(d.ID) {
			a := apiDepartmentIn(sc.tree, d)
			if !sc.sees(a.ParentID) {
				a.ParentID = "" // a lead's own department: the top of what the lead sees
			}
			out = append(out, a)
		}
	}
	slices.SortStableFunc(out, func(a, b apiDepartment) int {
		return strings.Compare(strings.ToLower(a.Path), strings.ToLower(b.Path))
	})
	return apiJSON(c, http.StatusOK, out)
}

type apiPulse struct {
	ID            string     `json:"id"`
	Name          string     `json:"name"`
	Questionnaire string     `json:"questionnaire"`
	Status        string     `json:"status"`
	Opens         *time.Time `json:"opens,omitempty"`
	Closes        *time.Time `json:"closes,omitempty"`
	MinGroup      int        `json:"min_group,omitempty"`
	AnswerMode    string     `json:"answer_mode"`
	// RetentionMonths after closing the raw answers are deleted;
	// LeadComments: leads read the open comments.
	RetentionMonths int  `json:"retention_months"`
	LeadComments    bool `json:"lead_comments"`
	// SignOn: respondents sign on before they answer, one answer each.
	SignOn bool `json:"sign_on"`
}

func newAPIPulse(p survey.Pulse) apiPulse {
	out := apiPulse{ID: p.ID, Name: p.Name, Questionnaire: p.QuestionnaireID + "@" + strconv.Itoa(p.QuestionnaireVersion),
		Status: string(p.Status), MinGroup: p.MinGroup, AnswerMode: string(p.Mode), RetentionMonths: p.RetentionMonths, LeadComments: p.LeadComments, SignOn: p.SignOn}
	if !p.Opens.IsZero() {
		t := p.Opens
		out.Opens = &t
	}
	if !p.Closes.IsZero() {
		t := p.Closes
		out.Closes = &t
	}
	return out
}

// apiPulses lists the pulses; drafts only to administrators, as the
// console shows them only on the (admin) pulse pages: a draft's name may
// say more than its organisation wants leads to read yet.
func (s *Server) apiPulses(c echo.Context) error {
	all, err := s.data.Pulses(c.Request().Context())
	if err != nil {
		return err
	}
	admin := sessionOf(c).User.Role == accounts.RoleAdmin
	out := []apiPulse{}
	for _, p := range all {
		if p.Status == survey.PulseDraft && !admin {
			continue
		}
		out = append(out, newAPIPulse(p))
	}
	return apiJSON(c, http.StatusOK, out)
}

type apiInterval struct {
	Estimate float64  `json:"estimate"`
	Low      *float64 `json:"low,omitempty"`
	High     *float64 `json:"high,omitempty"`
}

type apiResultRow struct {
	DepartmentID      string            `json:"department_id"`
	Name              string            `json:"name"`
	ParentID          string            `json:"parent_id"`
	Path              string            `json:"path"`
	Verdict           analysis.Decision `json:"verdict"`
	Suppressed        bool              `json:"suppressed"`
	SuppressedBecause string            `json:"suppressed_because,omitempty"`
	N                 *int              `json:"n,omitempty"`
	ResponseRate      *apiInterval      `json:"response_rate,omitempty"`
	WeakestTheme      *apiWeakest       `json:"weakest_theme,omitempty"`
	Gap               *apiGap           `json:"gap,omitempty"`
	Reasons           []analysis.Reason `json:"reasons,omitempty"`
	Decision          *apiDecision      `json:"decision,omitempty"`
	Figures           *analysis.Figures `json:"figures,omitempty"`
	Bounds            []analysis.Bound  `json:"bounds,omitempty"`
}

type apiWeakest struct {
	Dimension string `json:"dimension"`
	apiInterval
}

type apiGap struct {
	Status string `json:"status"`
	apiInterval
}

type apiResults struct {
	Pulse       apiPulse       `json:"pulse"`
	MinGroup    int            `json:"min_group"`
	Departments []apiResultRow `json:"departments"`
}

func (s *Server) apiResults(c echo.Context) error {
	b, err := s.loadBoard(c, c.Param("id"), requestLang(c))
	if err != nil {
		return err
	}
	if b.withheld && b.pulse.ID == c.Param("id") {
		return apiError(c, http.StatusConflict, requestLang(c), results.KeyWithheld, nil)
	}
	if b.pending && b.pulse.ID == c.Param("id") {
		// An open pulse has no results: see results.ErrOpen.
		return apiError(c, http.StatusConflict, requestLang(c), results.KeyAfterClose, nil)
	}
	if b.outcome == nil || b.pulse.ID != c.Param("id") {
		return apiError(c, http.StatusNotFound, requestLang(c), "not_found", nil)
	}
	out := apiResults{Pulse: newAPIPulse(b.pulse), MinGroup: b.outcome.Result.Config.MinGroup, Departments: []apiResultRow{}}
	for _, r := range b.rows {
		row := apiResultRow{DepartmentID: r.ID, Name: r.Name, ParentID: r.ParentID, Path: r.Path, Verdict: r.Verdict, Suppressed: r.Suppressed,
			SuppressedBecause: r.group.SuppressedBecause}
		if r.group.Verdict != nil {
			row.Reasons = r.group.Reasons
		}
		if !r.Suppressed && r.group.Figures != nil {
			n := r.N
			row.N = &n
			if r.rate != nil {
				lo, hi := r.rate.CILow, r.rate.CIHigh
				row.ResponseRate = &apiInterval{Estimate: r.rate.Share, Low: &lo, High: &hi}
			}
			if w := r.weakest; w != nil {
				row.WeakestTheme = &apiWeakest{Dimension: w.ID, apiInterval: apiInterval{Estimate: w.Mean, Low: w.CILow, High: w.CIHigh}}
			}
			if g := r.group.Gap; g != nil && g.Overall.GapStats != nil {
				gs := g.Overall.GapStats
				row.Gap = &apiGap{Status: gs.Status, apiInterval: apiInterval{Estimate: gs.Mean, Low: gs.CILow, High: gs.CIHigh}}
			}
			row.Figures = r.group.Figures
			row.Bounds = r.group.Bounds
		}
		if d := r.Decision; d != nil {
			v := newAPIDecision(d.raw, b.pulse.Mode)
			row.Decision = &v
		}
		out.Departments = append(out.Departments, row)
	}
	return apiJSON(c, http.StatusOK, out)
}

type apiDecision struct {
	ID           string    `json:"id"`
	PulseID      string    `json:"pulse_id"`
	DepartmentID string    `json:"department_id"`
	Choice       string    `json:"choice"`
	Verdict      string    `json:"verdict"`
	Note         string    `json:"note"`
	DecidedBy    string    `json:"decided_by"`
	DecidedAt    time.Time `json:"decided_at"`
	// AnswerMode is how the pulse the decision rests on was answered.
	AnswerMode string `json:"answer_mode"`
}

func newAPIDecision(d survey.Decision, mode survey.AnswerMode) apiDecision {
	return apiDecision{ID: d.ID, PulseID: d.PulseID, DepartmentID: d.DepartmentID, Choice: string(d.Choice), Verdict: d.Verdict,
		Note: d.Note, DecidedBy: d.UserEmail, DecidedAt: d.DecidedAt, AnswerMode: string(mode)}
}

func (s *Server) apiDecisions(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.data.Pulse(ctx, c.Param("id"))
	if survey.ErrorCode(err) == survey.ENotFound {
		return apiError(c, http.StatusNotFound, requestLang(c), "not_found", nil)
	}
	if err != nil {
		// An outage is 503 unavailable, anything else 500 internal
		// (handleError): not a not_found under another status.
		return err
	}
	sc, err := s.scopeFor(ctx, sessionOf(c).User, &p)
	if err != nil {
		return err
	}
	log, err := s.data.Decisions(ctx, c.Param("id"), "")
	if err != nil {
		return err
	}
	out := []apiDecision{}
	for _, d := range log {
		if sc.sees(d.DepartmentID) {
			out = append(out, newAPIDecision(d, p.Mode))
		}
	}
	return apiJSON(c, http.StatusOK, out)
}

// apiDecisionRequest is the body of POST /api/v1/pulses/{id}/decisions.
type apiDecisionRequest struct {
	DepartmentID string `json:"department_id"`
	Choice       string `json:"choice"`
	Note         string `json:"note"`
}

func (s *Server) apiRecordDecision(c echo.Context) error {
	lang := requestLang(c)
	var req apiDecisionRequest
	if ok, err := readAPIBody(c, lang, &req); !ok {
		return err
	}
	b, err := s.loadBoard(c, c.Param("id"), lang)
	if err != nil {
		return err
	}
	if b.pending {
		return apiError(c, http.StatusConflict, lang, results.KeyAfterClose, nil)
	}
	if b.outcome == nil {
		return apiError(c, http.StatusNotFound, lang, "not_found", nil)
	}
	verdict := ""
	for _, r := range b.rows {
		if r.ID == req.DepartmentID {
			verdict = string(r.Verdict)
		}
	}
	if verdict == "" {
		return apiError(c, http.StatusNotFound, lang, "dept_not_found", nil)
	}
	u := sessionOf(c).User
	d, err := s.data.RecordDecision(c.Request().Context(), survey.Decision{PulseID: b.pulse.ID, DepartmentID: req.DepartmentID,
		Choice: survey.Choice(req.Choice), Verdict: verdict, Note: req.Note, UserID: u.ID, UserEmail: u.Email})
	if survey.ErrorCode(err) == survey.EInvalid || survey.ErrorCode(err) == survey.ENotFound {
		return apiError(c, surveyStatus(err), lang, survey.ErrorKey(err), nil)
	}
	if err != nil {
		return err
	}
	s.log.Info("decision recorded", "user", u.ID, "pulse", b.pulse.ID, "department", req.DepartmentID, "choice", req.Choice, "via", "api")
	if err := s.auditDecision(c, b.pulse, req.DepartmentID, req.Choice, verdict); err != nil {
		return err
	}
	return apiJSON(c, http.StatusCreated, newAPIDecision(d, b.pulse.Mode))
}

func apiJSON(c echo.Context, status int, v any) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(status, v)
}
