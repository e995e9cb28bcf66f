package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"trots/server/i18n"
	"trots/survey"
)

// The audit log (survey/audit.go) seen from the server: every handler that
// changes something, or hands out something that could serve to learn one
// person's answers, records it with s.audit after the fact (before the
// bytes, for downloads: what cannot be recorded is not handed out). The
// works council and the administrators read it on /audit, as CSV and as
// JSON (/api/v1/audit).

// auditStore is what recording and reading the log need of the store.
type auditStore interface {
	AppendAudit(ctx context.Context, e survey.AuditEntry) error
	ListAudit(ctx context.Context, f survey.AuditFilter) ([]survey.AuditEntry, error)
}

var _ auditStore = (*survey.Store)(nil)

// alwaysSensitive are the actions that could serve the n-1 attack (padding
// a small department with answers of one's own, through its link or
// invitations) or a differencing attempt (a headcount changed between two
// looks), whatever their object: the works council sees them highlighted.
// Other actions are sensitive in context (auditFlagged).
var alwaysSensitive = map[string]bool{
	"links.view": true, "links.download": true, "invitations.issue": true, "codes.issue": true, "department.headcount": true,
	// A move changes what a parent pools between two pulses: the
	// difference of its figures is about the people moved.
	"department.move": true,
}

// audit records an action of the request's account on object. detail is
// short structured text and never holds answers, comments, tokens, codes
// or passwords. Requests through the API say so in the detail.
func (s *Server) audit(c echo.Context, action, object, detail string) error {
	return s.auditFlagged(c, action, object, detail, false)
}

// auditFlagged is audit with the sensitive mark decided by the caller (a
// rename after a pulse opened, a report of a small department).
func (s *Server) auditFlagged(c echo.Context, action, object, detail string, sensitive bool) error {
	actor := sessionOf(c).User.Email
	if actor == "" {
		actor = "unknown account"
	}
	if isAPI(c) {
		detail = strings.TrimSpace(detail + " (API)")
	}
	return s.appendAudit(c.Request().Context(), survey.AuditEntry{Actor: actor, Action: action, Object: object, Detail: detail,
		Sensitive: sensitive || alwaysSensitive[action]})
}

func (s *Server) appendAudit(ctx context.Context, e survey.AuditEntry) error {
	if err := s.data.AppendAudit(ctx, e); err != nil {
		s.log.Error("audit log not written", "action", e.Action, "error", err.Error())
		return fmt.Errorf("server: audit %s: %w", e.Action, err)
	}
	return nil
}

// auditFailedLogin records a refused sign-in. The address tried is named
// only when it is an account's: a typo may be someone's password, and an
// unknown address is nobody's to record. No password ever goes in.
func (s *Server) auditFailedLogin(c echo.Context, email string, cause error) error {
	ctx := c.Request().Context()
	obj := "unknown account"
	if u, err := s.accounts.UserByEmail(ctx, email); err == nil {
		obj = "account " + u.Email
	}
	detail := "wrong password or disabled account"
	if survey.ErrorCode(cause) == survey.ELocked {
		detail = "refused: too many failed attempts"
	} else if obj == "unknown account" {
		detail = "no such account"
	}
	return s.appendAudit(ctx, survey.AuditEntry{Actor: "anonymous", Action: "login.failed", Object: obj, Detail: detail})
}

// auditDepartment names a department in the log: its id (stable) and its
// name at the time.
func auditDepartment(d survey.Department) string {
	return "department " + d.ID + " (" + d.Name + ")"
}

func auditPulse(p survey.Pulse) string { return "pulse " + p.ID + " (" + p.Name + ")" }

func auditLink(p survey.Pulse, d survey.Department) string {
	return auditPulse(p) + ", " + auditDepartment(d)
}

// pulsesStarted tells whether any pulse has opened: from then on a change
// to a department can be compared with figures from before it.
func (s *Server) pulsesStarted(ctx context.Context) (bool, error) {
	all, err := s.data.Pulses(ctx)
	if err != nil {
		return false, err
	}
	for _, p := range all {
		if p.Status != survey.PulseDraft {
			return true, nil
		}
	}
	return false, nil
}

// auditDepartmentChange records what changed between before and after:
// a rename, a headcount, the visibility, each as its own entry so that the
// council can filter on them. A rename or edit after a pulse opened is
// sensitive (a differencing attempt compares figures across it).
func (s *Server) auditDepartmentChange(c echo.Context, before, after survey.Department) error {
	started, err := s.pulsesStarted(c.Request().Context())
	if err != nil {
		return err
	}
	obj := auditDepartment(survey.Department{ID: before.ID, Name: before.Name})
	if before.Name != after.Name {
		if err := s.auditFlagged(c, "department.rename", obj, fmt.Sprintf("name %q -> %q", before.Name, after.Name), started); err != nil {
			return err
		}
	}
	if before.Headcount != after.Headcount {
		if err := s.audit(c, "department.headcount", obj, fmt.Sprintf("headcount %d -> %d", before.Headcount, after.Headcount)); err != nil {
			return err
		}
	}
	if before.ParentID != after.ParentID {
		if err := s.audit(c, "department.move", obj, fmt.Sprintf("parent %q -> %q", before.ParentID, after.ParentID)); err != nil {
			return err
		}
	}
	if before.ExternallyVisible != after.ExternallyVisible {
		detail := fmt.Sprintf("externally visible %t -> %t", before.ExternallyVisible, after.ExternallyVisible)
		if err := s.auditFlagged(c, "department.edit", obj, detail, started); err != nil {
			return err
		}
	}
	return nil
}

// auditDepartmentDelete records a deletion; after a pulse opened it is
// sensitive (the remaining departments' figures change with it).
func (s *Server) auditDepartmentDelete(c echo.Context, d survey.Department) error {
	started, err := s.pulsesStarted(c.Request().Context())
	if err != nil {
		return err
	}
	return s.auditFlagged(c, "department.delete", auditDepartment(d), fmt.Sprintf("headcount %d", d.Headcount), started)
}

// auditImport records a CSV import. Updated departments may have changed
// headcounts, so an import that updated any is sensitive.
func (s *Server) auditImport(c echo.Context, created, updated, rows int) error {
	detail := fmt.Sprintf("%d rows: %d created, %d updated, %d unchanged", rows, created, updated, rows-created-updated)
	return s.auditFlagged(c, "department.import", "departments (CSV)", detail, updated > 0)
}

// smallDepartment tells whether a report of the department is one the
// council should look at: fewer people than twice the anonymity threshold
// (or an unknown headcount), where a few answers of one's own weigh most.
func (s *Server) smallDepartment(ctx context.Context, deptID string) bool {
	if deptID == "" {
		return false
	}
	d, err := s.data.Department(ctx, deptID)
	if err != nil {
		return true
	}
	k := 5
	if st, err := s.store.Settings(ctx); err == nil && st.MinGroup > 0 {
		k = st.MinGroup
	}
	return d.Headcount < 2*k
}

// auditReport records a report asked for or downloaded: of the
// organisation, or of a department (sensitive when it is small).
func (s *Server) auditReport(c echo.Context, action string, j survey.ReportJob) error {
	return s.auditReportAs(c, action, j, "")
}

// auditReportAs is auditReport naming the format downloaded ("pdf" or
// "html").
func (s *Server) auditReportAs(c echo.Context, action string, j survey.ReportJob, format string) error {
	ctx := c.Request().Context()
	obj := "report " + j.ID + ", pulse " + j.PulseID
	scope := "organisation"
	if j.DepartmentID != "" {
		scope = "department"
		if d, err := s.data.Department(ctx, j.DepartmentID); err == nil {
			obj += ", " + auditDepartment(d)
		} else {
			obj += ", department " + j.DepartmentID
		}
	}
	detail := scope + " report (" + j.Lang + ")"
	if format != "" {
		detail = scope + " report (" + j.Lang + ", " + format + ")"
	}
	return s.auditFlagged(c, action, obj, detail, s.smallDepartment(ctx, j.DepartmentID))
}

// auditDecision records a go/no-go decision; the note stays out (it is in
// the decisions table, and may name people).
func (s *Server) auditDecision(c echo.Context, p survey.Pulse, deptID, choice, verdict string) error {
	obj := auditPulse(p) + ", department " + deptID
	if d, err := s.data.Department(c.Request().Context(), deptID); err == nil {
		obj = auditPulse(p) + ", " + auditDepartment(d)
	}
	return s.audit(c, "decision.record", obj, "choice "+choice+", verdict "+verdict)
}

// auditPageSize is the number of entries on a page of /audit.
const auditPageSize = 50

// auditQuery is the filter of /audit as asked for; it is echoed back into
// the form and the links to the next page and the CSV.
type auditQuery struct {
	Action, From, To string
	Sensitive        bool
	Before           int64
}

// bindAuditQuery reads the filter; a bad date is named in the user's
// language (key) and the filter is not applied.
func bindAuditQuery(c echo.Context) (auditQuery, survey.AuditFilter, string) {
	q := auditQuery{Action: strings.TrimSpace(c.QueryParam("action")), From: strings.TrimSpace(c.QueryParam("from")),
		To: strings.TrimSpace(c.QueryParam("to")), Sensitive: c.QueryParam("sensitive") == "1"}
	q.Before, _ = strconv.ParseInt(c.QueryParam("before"), 10, 64)
	f := survey.AuditFilter{Action: q.Action, SensitiveOnly: q.Sensitive, Before: max(q.Before, 0)}
	if q.Action != "" && !knownAuditAction(q.Action) {
		return q, f, "audit_bad_action"
	}
	if q.From != "" {
		t, err := time.ParseInLocation(time.DateOnly, q.From, pulseLocation())
		if err != nil {
			return q, f, "audit_bad_date"
		}
		f.From = t
	}
	if q.To != "" {
		t, err := time.ParseInLocation(time.DateOnly, q.To, pulseLocation())
		if err != nil {
			return q, f, "audit_bad_date"
		}
		f.To = t.AddDate(0, 0, 1) // the whole day named
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return q, f, "audit_bad_period"
	}
	return q, f, ""
}

// knownAuditAction accepts an action code or its first part. Codes not
// in survey.AuditActions (yet) are still found: the list only feeds the
// filter's menu.
func knownAuditAction(a string) bool { return auditActionFilter.MatchString(a) }

var auditActionFilter = regexp.MustCompile(`^[a-z][a-z_]*(\.[a-z][a-z_]*)*$`)

func (q auditQuery) values() url.Values {
	v := url.Values{}
	for k, x := range map[string]string{"action": q.Action, "from": q.From, "to": q.To} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if q.Sensitive {
		v.Set("sensitive", "1")
	}
	return v
}

// auditPage is /audit.
type auditPage struct {
	consolePage
	Query     auditQuery
	Actions   []auditOption
	Entries   []auditView
	Error     string
	NextHref  string
	FirstHref string
	CSVHref   string
	// CSVDutchHref is the same CSV for Excel with Dutch settings.
	CSVDutchHref string
}

type auditOption struct {
	Value, Label string
	Selected     bool
}

type auditView struct {
	ID                                int64
	At, Actor, Action, Object, Detail string
	// Label is the action in the page's language; Action, its code,
	// stays beside it as the CSV export and the API name it.
	Label     string
	Sensitive bool
}

// auditActionLabel is action in words an HR reader understands
// ("Rol gewijzigd" for user.role), or the code itself for an action
// without a text (yet).
func auditActionLabel(lang, action string) string {
	key := "audit_label_" + strings.ReplaceAll(action, ".", "_")
	if !i18n.Has(lang, key) {
		return action
	}
	return i18n.T(lang, key)
}

func (s *Server) auditLog(c echo.Context) error {
	p := auditPage{consolePage: s.newConsolePage(c, "audit_title", "audit")}
	q, f, bad := bindAuditQuery(c)
	p.Query = q
	p.Actions = []auditOption{{Value: "", Label: p.T("audit_all_actions"), Selected: q.Action == ""}}
	for _, a := range survey.AuditActions {
		p.Actions = append(p.Actions, auditOption{Value: a, Label: auditActionLabel(p.Lang, a), Selected: q.Action == a})
	}
	status := http.StatusOK
	if bad != "" {
		p.Error = p.T(bad)
		status = http.StatusBadRequest
		return s.renderConsole(c, status, "audit", p)
	}
	f.Limit = auditPageSize + 1
	entries, err := s.data.ListAudit(c.Request().Context(), f)
	if err != nil {
		return err
	}
	if len(entries) > auditPageSize {
		entries = entries[:auditPageSize]
		v := q.values()
		v.Set("before", strconv.FormatInt(entries[len(entries)-1].ID, 10))
		p.NextHref = "/audit?" + v.Encode()
	}
	if q.Before > 0 {
		p.FirstHref = "/audit?" + q.values().Encode()
	}
	p.CSVHref = "/audit.csv?" + q.values().Encode()
	nl := q.values()
	nl.Set("variant", "nl")
	p.CSVDutchHref = "/audit.csv?" + nl.Encode()
	loc := pulseLocation()
	for _, e := range entries {
		p.Entries = append(p.Entries, auditView{ID: e.ID, At: e.At.In(loc).Format("2006-01-02 15:04:05 MST"), Actor: e.Actor,
			Action: e.Action, Label: auditActionLabel(p.Lang, e.Action), Object: e.Object, Detail: e.Detail, Sensitive: e.Sensitive})
	}
	return s.renderConsole(c, status, "audit", p)
}

// auditCSV is the whole log the filter selects, as CSV (Excel-safe text).
// Reading the log out is itself recorded.
func (s *Server) auditCSV(c echo.Context) error {
	_, f, bad := bindAuditQuery(c)
	if bad != "" {
		return echo.NewHTTPError(http.StatusBadRequest, i18n.T(s.consoleLang(c), bad))
	}
	f.Before = 0
	entries, err := s.data.ListAudit(c.Request().Context(), f)
	if err != nil {
		return err
	}
	// ?variant=nl: semicolons and a byte order mark, so that Excel with
	// Dutch settings opens the columns (as the board's CSV for Dutch
	// Excel); the fields are the same.
	v := csvVariantOf(c)
	var buf bytes.Buffer
	if v == csvDutch {
		buf.WriteString("\ufeff")
	}
	w := csv.NewWriter(&buf)
	w.Comma = v.comma
	_ = w.Write([]string{"id", "time_utc", "actor", "action", "object", "detail", "sensitive"})
	for _, e := range entries {
		_ = w.Write([]string{strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339), csvSafe(e.Actor), e.Action,
			csvSafe(e.Object), csvSafe(e.Detail), strconv.FormatBool(e.Sensitive)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	kind := "csv"
	if v == csvDutch {
		kind = "csv for Dutch Excel"
	}
	if err := s.audit(c, "audit.export", "audit log", fmt.Sprintf("%s, %d entries", kind, len(entries))); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", `attachment; filename="trots-audit.csv"`)
	h.Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// apiAuditEntry is one entry of GET /api/v1/audit.
type apiAuditEntry struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	Actor     string    `json:"actor"`
	Action    string    `json:"action"`
	Object    string    `json:"object"`
	Detail    string    `json:"detail"`
	Sensitive bool      `json:"sensitive"`
}

type apiAuditPage struct {
	Entries []apiAuditEntry `json:"entries"`
	// Next is the value of ?before= for the following page; absent on the
	// last page.
	Next *int64 `json:"next,omitempty"`
}

// apiAudit is GET /api/v1/audit: the same filter as /audit (action, from,
// to, sensitive, before), newest first, at most ?limit= (default 100,
// at most 1000) entries a page.
func (s *Server) apiAudit(c echo.Context) error {
	lang := requestLang(c)
	_, f, bad := bindAuditQuery(c)
	if bad != "" {
		return apiError(c, http.StatusBadRequest, lang, bad, nil)
	}
	limit := 100
	if raw := c.QueryParam("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > 1000 {
			return apiError(c, http.StatusBadRequest, lang, "audit_bad_limit", nil)
		}
		limit = n
	}
	f.Limit = limit + 1
	entries, err := s.data.ListAudit(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out := apiAuditPage{Entries: []apiAuditEntry{}}
	if len(entries) > limit {
		entries = entries[:limit]
		next := entries[len(entries)-1].ID
		out.Next = &next
	}
	for _, e := range entries {
		out.Entries = append(out.Entries, apiAuditEntry{ID: e.ID, At: e.At, Actor: e.Actor, Action: e.Action, Object: e.Object,
			Detail: e.Detail, Sensitive: e.Sensitive})
	}
	if err := s.audit(c, "audit.export", "audit log", fmt.Sprintf("json, %d entries", len(out.Entries))); err != nil {
		return err
	}
	return apiJSON(c, http.StatusOK, out)
}
