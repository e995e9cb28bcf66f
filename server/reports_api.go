package server

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"trots/server/i18n"
	"trots/survey"
)

// Report jobs through the API (openapi.json): POST
// /api/v1/pulses/{id}/reports starts one (202 and a Location), GET
// /api/v1/reports/{job} tells its progress, GET /api/v1/reports/{job}/pdf
// gives the PDF once it is done (409 before). Same rules as the console:
// closed pulses only, a lead gets the own department's report only, and a
// job is visible to the user who asked for it alone.

type apiReportJob struct {
	ID           string `json:"id"`
	PulseID      string `json:"pulse_id"`
	DepartmentID string `json:"department_id,omitempty"`
	Lang         string `json:"lang"`
	// Status is queued, running, done or failed.
	Status string `json:"status"`
	Done   int    `json:"done"`
	Total  int    `json:"total"`
	// Failure says why a failed job failed.
	Failure    *apiReportFailure `json:"failure,omitempty"`
	Size       int               `json:"size,omitempty"`
	PDF        string            `json:"pdf,omitempty"`
	HTML       string            `json:"html,omitempty"`
	CreatedAt  time.Time         `json:"created_at"`
	FinishedAt *time.Time        `json:"finished_at,omitempty"`
}

type apiReportFailure struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func newAPIReportJob(j survey.ReportJob, lang string) apiReportJob {
	out := apiReportJob{ID: j.ID, PulseID: j.PulseID, DepartmentID: j.DepartmentID, Lang: j.Lang, Status: string(j.Status),
		Done: j.Done, Total: j.Total, CreatedAt: j.CreatedAt}
	if !j.FinishedAt.IsZero() {
		t := j.FinishedAt
		out.FinishedAt = &t
	}
	switch j.Status {
	case survey.ReportDone:
		out.Size = j.Size
		out.PDF = "/api/v1/reports/" + j.ID + "/pdf"
		out.HTML = "/api/v1/reports/" + j.ID + "/html"
	case survey.ReportFailed:
		v := newReportJobView(j, reportNames{}, lang)
		out.Failure = &apiReportFailure{Code: j.ErrorKey, Message: v.Error}
	}
	return out
}

// apiReportRequest is the optional body of POST /api/v1/pulses/{id}/reports;
// the query parameters department and lang do the same.
type apiReportRequest struct {
	DepartmentID string `json:"department_id"`
	Lang         string `json:"lang"`
}

func (s *Server) apiStartReport(c echo.Context) error {
	lang := requestLang(c)
	ctx := c.Request().Context()
	var body apiReportRequest
	if ok, err := readOptionalAPIBody(c, lang, &body); !ok {
		return err
	}
	req := apiReportRequest{DepartmentID: c.QueryParam("department"), Lang: c.QueryParam("lang")}
	if body.DepartmentID != "" {
		req.DepartmentID = body.DepartmentID
	}
	if body.Lang != "" {
		req.Lang = body.Lang
	}
	u := sessionOf(c).User
	def := u.Lang
	if !i18n.Supported(def) {
		st, err := s.data.Settings(ctx)
		if err != nil {
			return err
		}
		def = st.DefaultLanguage
	}
	j, err := s.startReport(ctx, u, reportAsk{PulseID: c.Param("id"), DepartmentID: req.DepartmentID, Lang: req.Lang}, def)
	if r, ok := asRefusal(err); ok {
		if r.status == http.StatusServiceUnavailable || r.status == http.StatusTooManyRequests {
			setRetryAfter(c, r.retryAfter)
		}
		return apiError(c, r.status, lang, r.key, nil)
	}
	if err != nil {
		return err
	}
	if err := s.auditReport(c, "report.request", j); err != nil {
		return err
	}
	c.Response().Header().Set("Location", "/api/v1/reports/"+j.ID)
	return apiJSON(c, http.StatusAccepted, newAPIReportJob(j, lang))
}

func (s *Server) apiReportJob(c echo.Context) error {
	lang := requestLang(c)
	j, err := s.userReportJob(c)
	if r, ok := asRefusal(err); ok {
		return apiError(c, r.status, lang, r.key, nil)
	}
	if err != nil {
		return err
	}
	return apiJSON(c, http.StatusOK, newAPIReportJob(j, lang))
}

func (s *Server) apiReportJobPDF(c echo.Context) error {
	lang := requestLang(c)
	return s.serveReport(c, formatPDF, func(r *reportRefusal) error {
		return apiError(c, r.status, lang, r.key, nil)
	}, func(survey.ReportJob) error {
		return apiError(c, http.StatusConflict, lang, survey.KeyReportNotReady, nil)
	})
}
