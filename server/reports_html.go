package server

import (
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"trots/reports"
	"trots/survey"
)

// The accessible HTML page of a report, beside its PDF: made in the same
// rendering (reports/html.go), kept with the job, and served under the
// same rules - only the user who asked for the job gets it, a lead's job
// is the own department's, and each download is audited like the PDF's.

// The formats a finished report job is downloaded in.
const (
	formatPDF  = "pdf"
	formatHTML = "html"
)

// reportJobHTML is /reports/:job/html: the page shown in the browser, or
// with ?download=1 saved as a file. Asked for too early, it leads back to
// the job's page.
func (s *Server) reportJobHTML(c echo.Context) error {
	return s.serveReport(c, formatHTML, func(r *reportRefusal) error {
		return echo.NewHTTPError(r.status)
	}, func(j survey.ReportJob) error {
		return c.Redirect(http.StatusSeeOther, "/reports/"+j.ID)
	})
}

// apiReportJobHTML is GET /api/v1/reports/:job/html.
func (s *Server) apiReportJobHTML(c echo.Context) error {
	lang := requestLang(c)
	return s.serveReport(c, formatHTML, func(r *reportRefusal) error {
		return apiError(c, r.status, lang, r.key, nil)
	}, func(survey.ReportJob) error {
		return apiError(c, http.StatusConflict, lang, survey.KeyReportNotReady, nil)
	})
}

// serveReportHTML sends the page: inline unless ?download=1, under a
// policy that allows its own stylesheet and nothing else (the console's
// policy allows no inline style).
func serveReportHTML(c echo.Context, pdfName string, page []byte) error {
	h := c.Response().Header()
	disposition := "inline"
	if c.QueryParam("download") == "1" {
		disposition = "attachment"
	}
	name := strings.TrimSuffix(pdfName, ".pdf") + ".html"
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": name}))
	h.Set("Content-Security-Policy", reports.HTMLContentSecurityPolicy())
	return c.HTMLBlob(http.StatusOK, page)
}
