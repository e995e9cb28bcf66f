package server

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/unicode/norm"

	"trots/accounts"
	"trots/server/i18n"
	"trots/survey"
)

// The reports room of the console: /reports asks for a PDF report of a
// closed pulse (the organisation, or one department), /reports/:job shows
// its progress - refreshing itself without JavaScript - until the PDF can
// be downloaded from /reports/:job/pdf. A lead gets the own department's
// report only, like the board shows only the own department. Reports show
// what the analysis shows; these pages add no figure of their own.

// reportAsk is a request for a report, from the form or the API.
type reportAsk struct {
	PulseID, DepartmentID, Lang string
}

// reportRefusal is a request for a report that is refused: an HTTP status
// and the translation key of the reason.
type reportRefusal struct {
	status int
	key    string
	// retryAfter is when to come back, for a 429 or 503.
	retryAfter time.Duration
}

func (e *reportRefusal) Error() string { return "server: report refused: " + e.key }

// errNoReports answers every report route of a server whose store cannot
// keep report jobs.
var errNoReports = echo.NewHTTPError(http.StatusNotFound)

// asRefusal turns the errors a request for a report can meet into a
// refusal the user can read; ok is false for internal errors.
func asRefusal(err error) (*reportRefusal, bool) {
	var r *reportRefusal
	switch {
	case errors.As(err, &r):
		return r, true
	case errors.Is(err, errReportBusy):
		return &reportRefusal{status: http.StatusServiceUnavailable, key: keyReportBusy, retryAfter: time.Minute}, true
	case survey.ErrorKey(err) == survey.KeyReportTooMany:
		return &reportRefusal{status: http.StatusTooManyRequests, key: survey.KeyReportTooMany, retryAfter: time.Minute}, true
	case survey.ErrorKey(err) == survey.KeyReportDailyQuota:
		return &reportRefusal{status: http.StatusTooManyRequests, key: survey.KeyReportDailyQuota, retryAfter: survey.RetryAfterOf(err)}, true
	case strings.HasPrefix(survey.ErrorKey(err), "reports_"):
		return &reportRefusal{status: surveyStatus(err), key: survey.ErrorKey(err)}, true
	}
	return nil, false
}

// startReport checks a request for a report against the user's role and
// starts the job. Every refusal comes before anything is stored.
func (s *Server) startReport(ctx context.Context, u accounts.User, ask reportAsk, defaultLang string) (survey.ReportJob, error) {
	if s.reports == nil {
		return survey.ReportJob{}, errNoReports
	}
	if ask.PulseID == "" {
		return survey.ReportJob{}, &reportRefusal{status: http.StatusBadRequest, key: keyReportPulseMissing}
	}
	p, err := s.data.Pulse(ctx, ask.PulseID)
	if survey.ErrorCode(err) == survey.ENotFound {
		return survey.ReportJob{}, &reportRefusal{status: http.StatusNotFound, key: "reports_pulse_not_found"}
	}
	if err != nil {
		return survey.ReportJob{}, err
	}
	if p.Status != survey.PulseClosed {
		// No interim reports: figures of a pulse still taking answers,
		// compared over time, give away who answered in between.
		return survey.ReportJob{}, &reportRefusal{status: http.StatusConflict, key: survey.KeyReportPulseNotClosed}
	}
	if u.Role == accounts.RoleLead {
		if ask.DepartmentID == "" {
			ask.DepartmentID = u.DepartmentID
		}
		// A lead reports on the own branch: the own department or one
		// below it, in the tree the pulse closed with.
		sc, err := s.scopeFor(ctx, u, &p)
		if err != nil {
			return survey.ReportJob{}, err
		}
		if !sc.sees(ask.DepartmentID) {
			return survey.ReportJob{}, &reportRefusal{status: http.StatusForbidden, key: keyReportLeadOwnOnly}
		}
	}
	if ask.DepartmentID != "" {
		if _, err := s.data.Department(ctx, ask.DepartmentID); survey.ErrorCode(err) == survey.ENotFound {
			return survey.ReportJob{}, &reportRefusal{status: http.StatusBadRequest, key: survey.KeyReportDepartmentNotFound}
		} else if err != nil {
			return survey.ReportJob{}, err
		}
	}
	if ask.Lang == "" {
		ask.Lang = defaultLang
	}
	if !i18n.Supported(ask.Lang) {
		return survey.ReportJob{}, &reportRefusal{status: http.StatusBadRequest, key: survey.KeyReportLangInvalid}
	}
	j, err := s.reports.create(ctx, survey.ReportJob{UserID: u.ID, PulseID: p.ID, DepartmentID: ask.DepartmentID, Lang: ask.Lang})
	if err != nil {
		return survey.ReportJob{}, err
	}
	s.log.Info("report job started", "job", j.ID, "user", u.ID, "pulse", p.ID, "organisation", ask.DepartmentID == "")
	return j, nil
}

// reportNames are the names of pulses and departments, for showing jobs.
type reportNames struct {
	pulses, departments map[string]string
}

func (s *Server) loadReportNames(ctx context.Context) (reportNames, error) {
	n := reportNames{pulses: map[string]string{}, departments: map[string]string{}}
	ps, err := s.data.Pulses(ctx)
	if err != nil {
		return n, err
	}
	for _, p := range ps {
		n.pulses[p.ID] = p.Name
	}
	ds, err := s.data.Departments(ctx)
	if err != nil {
		return n, err
	}
	for _, d := range ds {
		n.departments[d.ID] = d.Name
	}
	return n, nil
}

// reportJobView is a job as the pages show it.
type reportJobView struct {
	ID, Href, PDFHref, Again string
	// HTMLHref is the accessible HTML page of the same report.
	HTMLHref                string
	Pulse, Target, LangName string
	LangCode                string
	Status                  string
	StatusText              string
	Active                  bool
	Done, Total             int
	// Indeterminate: the number of departments is not known yet.
	Indeterminate bool
	ProgressText  string
	Error         string
	Size          string
	Created       string
	FileName      string
}

func newReportJobView(j survey.ReportJob, names reportNames, lang string) reportJobView {
	v := reportJobView{ID: j.ID, Href: "/reports/" + j.ID, Pulse: names.pulses[j.PulseID], Status: string(j.Status),
		Active: j.Active(), Done: j.Done, Total: j.Total, LangName: i18n.Names[j.Lang], LangCode: j.Lang,
		Created:  j.CreatedAt.UTC().Format("2006-01-02 15:04") + " UTC",
		FileName: reportFileName(names.pulses[j.PulseID], names.departments[j.DepartmentID], j.Lang)}
	v.Target = i18n.T(lang, "reports_organisation")
	if j.DepartmentID != "" {
		v.Target = names.departments[j.DepartmentID]
	}
	q := url.Values{"pulse": {j.PulseID}, "department": {j.DepartmentID}, "report_lang": {j.Lang}}
	v.Again = "/reports?" + q.Encode()
	switch {
	case j.Status == survey.ReportQueued:
		v.StatusText, v.Indeterminate = i18n.T(lang, "reports_status_queued"), true
		v.ProgressText = v.StatusText
	case j.Status == survey.ReportRunning && j.Total == 0:
		v.StatusText, v.Indeterminate = i18n.T(lang, "reports_status_analysing"), true
		v.ProgressText = v.StatusText
	case j.Status == survey.ReportRunning:
		v.StatusText = i18n.T(lang, "reports_status_rendering")
		if j.Done >= j.Total {
			v.StatusText = i18n.T(lang, "reports_status_finishing")
		}
		v.ProgressText = i18n.T(lang, "reports_progress", j.Done, j.Total)
		if j.DepartmentID != "" {
			v.ProgressText = i18n.T(lang, "reports_progress_one", v.Target)
		}
	case j.Status == survey.ReportDone:
		v.StatusText = i18n.T(lang, "reports_status_done")
		v.PDFHref = v.Href + "/pdf"
		v.HTMLHref = v.Href + "/html"
		v.Size = fmt.Sprintf("%d KB", (j.Size+1023)/1024)
	default:
		v.StatusText = i18n.T(lang, "reports_status_failed")
		key := j.ErrorKey
		if !strings.HasPrefix(key, "reports_") {
			key = keyReportFailed
		}
		v.Error = i18n.T(lang, key)
	}
	return v
}

// reportFileName is the download's name: trots-<pulse>-<department or
// organisation>-<lang>.pdf, in plain ASCII so that every system keeps it.
func reportFileName(pulse, department, lang string) string {
	if department == "" {
		department = map[string]string{"nl": "organisatie", "en": "organisation"}[lang]
	}
	parts := []string{"trots"}
	for _, p := range []string{slug(pulse), slug(department), lang} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "-") + ".pdf"
}

// slug lowers s to ASCII letters and digits joined by single hyphens:
// accents are dropped ("Één" -> "een"), anything else separates.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(s) {
		if b.Len() >= 60 {
			break
		}
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		default:
			dash = true
		}
	}
	return b.String()
}

// reportsPage is /reports: the form and the user's recent jobs.
type reportsPage struct {
	consolePage
	Pulses      []pulseOption
	Targets     []reportTarget
	ReportLangs []reportLangOption
	Refresh     bool
	Lead        bool
	Error       string
	Jobs        []reportJobView
}

type reportTarget struct {
	Value, Name string
	Selected    bool
}

type reportLangOption struct {
	Code, Name string
	Checked    bool
}

// newReportsPage builds /reports with ask preselected.
func (s *Server) newReportsPage(c echo.Context, ask reportAsk, refresh bool) (reportsPage, error) {
	ctx := c.Request().Context()
	if s.reports == nil {
		return reportsPage{}, errNoReports
	}
	u := sessionOf(c).User
	p := reportsPage{consolePage: s.newConsolePage(c, "reports_title", "reports"), Refresh: refresh, Lead: u.Role == accounts.RoleLead}
	ps, err := s.data.Pulses(ctx)
	if err != nil {
		return p, err
	}
	for _, o := range ps { // newest first
		if o.Status == survey.PulseClosed {
			p.Pulses = append(p.Pulses, pulseOption{ID: o.ID, Name: o.Name, Selected: o.ID == ask.PulseID})
		}
	}
	if !p.Lead {
		p.Targets = append(p.Targets, reportTarget{Value: "", Name: p.T("reports_organisation"), Selected: ask.DepartmentID == ""})
	}
	sc, err := s.scopeFor(ctx, u, nil)
	if err != nil {
		return p, err
	}
	ds, err := s.data.Departments(ctx)
	if err != nil {
		return p, err
	}
	var targets []reportTarget
	for _, d := range ds {
		if !sc.sees(d.ID) {
			continue
		}
		targets = append(targets, reportTarget{Value: d.ID, Name: sc.tree.Path(d.ID), Selected: d.ID == ask.DepartmentID})
	}
	slices.SortStableFunc(targets, func(a, b reportTarget) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	p.Targets = append(p.Targets, targets...)
	lang := ask.Lang
	if !i18n.Supported(lang) {
		lang = p.Lang
	}
	for _, l := range i18n.Languages {
		p.ReportLangs = append(p.ReportLangs, reportLangOption{Code: l, Name: i18n.Names[l], Checked: l == lang})
	}
	names, err := s.loadReportNames(ctx)
	if err != nil {
		return p, err
	}
	jobs, err := s.reports.store.ReportJobs(ctx, u.ID, 10)
	if err != nil {
		return p, err
	}
	for _, j := range jobs {
		p.Jobs = append(p.Jobs, newReportJobView(j, names, p.Lang))
	}
	return p, nil
}

func (s *Server) reportsForm(c echo.Context) error {
	ask := reportAsk{PulseID: c.QueryParam("pulse"), DepartmentID: c.QueryParam("department"), Lang: c.QueryParam("report_lang")}
	p, err := s.newReportsPage(c, ask, true)
	if err != nil {
		return err
	}
	return s.renderConsole(c, http.StatusOK, "reports", p)
}

// reportsStart is POST /reports: start a job and show its page, or show
// the form again with the reason it was refused.
func (s *Server) reportsStart(c echo.Context) error {
	r := c.Request()
	ask := reportAsk{PulseID: r.PostFormValue("pulse"), DepartmentID: r.PostFormValue("department"), Lang: r.PostFormValue("report_lang")}
	refresh := r.PostFormValue("refresh") == "on"
	j, err := s.startReport(r.Context(), sessionOf(c).User, ask, s.consoleLang(c))
	if err != nil {
		refused, ok := asRefusal(err)
		if !ok {
			return err
		}
		p, perr := s.newReportsPage(c, ask, refresh)
		if perr != nil {
			return perr
		}
		p.Error = p.T(refused.key)
		if refused.status == http.StatusServiceUnavailable || refused.status == http.StatusTooManyRequests {
			setRetryAfter(c, refused.retryAfter)
		}
		return s.renderConsole(c, refused.status, "reports", p)
	}
	if err := s.auditReport(c, "report.request", j); err != nil {
		return err
	}
	target := "/reports/" + j.ID
	if !refresh {
		target += "?refresh=off"
	}
	return c.Redirect(http.StatusSeeOther, target)
}

// reportJobPage is /reports/:job.
type reportJobPage struct {
	consolePage
	Job reportJobView
	// Refresh reloads the page every second while the job is unfinished
	// (a meta refresh: no script), unless the user turned it off.
	Refresh bool
}

// userReportJob reads the job of the URL, if it is the user's.
func (s *Server) userReportJob(c echo.Context) (survey.ReportJob, error) {
	id := c.Param("job")
	if s.reports == nil {
		return survey.ReportJob{}, errNoReports
	}
	if !survey.ValidID(id) {
		return survey.ReportJob{}, &reportRefusal{status: http.StatusNotFound, key: survey.KeyReportJobNotFound}
	}
	ctx := c.Request().Context()
	u := sessionOf(c).User
	notFound := &reportRefusal{status: http.StatusNotFound, key: survey.KeyReportJobNotFound}
	j, err := s.reports.store.ReportJob(ctx, id, u.ID)
	if survey.ErrorCode(err) == survey.ENotFound {
		return survey.ReportJob{}, notFound
	}
	if err != nil || u.Role != accounts.RoleLead {
		return j, err
	}
	// A lead's job lies in the lead's branch as it is now. A change of
	// role or department ends the account's jobs (accounts.Store.
	// SetUserRole); this holds for one asked for in the same instant.
	p, err := s.data.Pulse(ctx, j.PulseID)
	if err != nil {
		return survey.ReportJob{}, err
	}
	sc, err := s.scopeFor(ctx, u, &p)
	if err != nil {
		return survey.ReportJob{}, err
	}
	if !sc.sees(j.DepartmentID) {
		return survey.ReportJob{}, notFound
	}
	return j, nil
}

func (s *Server) reportJob(c echo.Context) error {
	j, err := s.userReportJob(c)
	if r, ok := asRefusal(err); ok {
		return echo.NewHTTPError(r.status)
	}
	if err != nil {
		return err
	}
	names, err := s.loadReportNames(c.Request().Context())
	if err != nil {
		return err
	}
	p := reportJobPage{consolePage: s.newConsolePage(c, "reports_job_title", "reports")}
	p.Job = newReportJobView(j, names, p.Lang)
	p.Title = p.Job.Target + " · " + p.Title
	p.Refresh = j.Active() && c.QueryParam("refresh") != "off"
	return s.renderConsole(c, http.StatusOK, "report_job", p)
}

// reportJobPDF is /reports/:job/pdf: the finished PDF as a download. Asked
// for too early, it leads back to the job's page.
func (s *Server) reportJobPDF(c echo.Context) error {
	return s.serveReport(c, formatPDF, func(r *reportRefusal) error {
		return echo.NewHTTPError(r.status)
	}, func(j survey.ReportJob) error {
		return c.Redirect(http.StatusSeeOther, "/reports/"+j.ID)
	})
}

// serveReport sends the PDF or the HTML page of the job in the URL, or
// calls refused (another user's or an unknown job, or a job without an
// HTML page) or notReady (a job not done).
func (s *Server) serveReport(c echo.Context, format string, refused func(*reportRefusal) error, notReady func(survey.ReportJob) error) error {
	j, err := s.userReportJob(c)
	if r, ok := asRefusal(err); ok {
		return refused(r)
	}
	if err != nil {
		return err
	}
	if j.Status != survey.ReportDone {
		return notReady(j)
	}
	ctx := c.Request().Context()
	read := s.reports.store.ReportJobPDF
	if format == formatHTML {
		read = s.reports.store.ReportJobHTML
	}
	j, body, err := read(ctx, j.ID, sessionOf(c).User.ID)
	if survey.ErrorCode(err) == survey.EConflict {
		return notReady(j)
	}
	if survey.ErrorKey(err) == survey.KeyReportNoHTML {
		return refused(&reportRefusal{status: http.StatusNotFound, key: survey.KeyReportNoHTML})
	}
	if err != nil {
		return err
	}
	names, err := s.loadReportNames(ctx)
	if err != nil {
		return err
	}
	name := reportFileName(names.pulses[j.PulseID], names.departments[j.DepartmentID], j.Lang)
	if err := s.auditReportAs(c, "report.download", j, format); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	if format == formatHTML {
		return serveReportHTML(c, name, body)
	}
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	return c.Blob(http.StatusOK, "application/pdf", body)
}
