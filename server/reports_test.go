package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"trots/accounts"
	"trots/analysis"
	"trots/questionnaires"
	"trots/server"
	"trots/survey"
	"trots/survey/demo"
	"trots/survey/storetest"
)

// reportsEnv is the console environment (demo organisation, an admin, a
// viewer and a lead) with the server kept, so that its report jobs end
// before the store closes, and the store's clock settable.
type reportsEnv struct {
	*consoleEnv
	server *server.Server
	clock  *reportClock
}

type reportClock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *reportClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return time.Now().Add(c.off) }
func (c *reportClock) advance(d time.Duration) {
	c.mu.Lock()
	c.off += d
	c.mu.Unlock()
}

func newReportsEnv(t *testing.T, dsn string) *reportsEnv {
	t.Helper()
	return newReportsEnvWith(t, dsn, server.Config{})
}

func newReportsEnvWith(t *testing.T, dsn string, cfg server.Config) *reportsEnv {
	t.Helper()
	clock := &reportClock{}
	st, err := survey.Open(ctx, dsn, survey.Options{Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	q, err := questionnaires.Load("advocacy-readiness")
	if err != nil {
		t.Fatal(err)
	}
	res, err := demo.Seed(ctx, st, q, demo.Generate(q, 1))
	if err != nil {
		t.Fatal(err)
	}
	e := &consoleEnv{t: t, store: st, demo: res, lead: res.Departments[0].Department}
	for _, u := range []accounts.User{
		{Email: "admin@example.org", Role: accounts.RoleAdmin},
		{Email: "viewer@example.org", Role: accounts.RoleViewer},
		{Email: "lead@example.org", Role: accounts.RoleLead, DepartmentID: e.lead.ID},
	} {
		if _, err := accounts.New(st).CreateUser(ctx, u, testPassword); err != nil {
			t.Fatal(err)
		}
	}
	srv := server.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), st, accounts.New(st))
	e.srv = httptest.NewServer(srv.Handler())
	t.Cleanup(srv.Close) // runs after the HTTP server's close, before the store's
	t.Cleanup(e.srv.Close)
	return &reportsEnv{consoleEnv: e, server: srv, clock: clock}
}

func (e *reportsEnv) user(email string) accounts.User {
	e.t.Helper()
	u, err := accounts.New(e.store).UserByEmail(ctx, email)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// shownDepartment is a demo department whose figures the analysis shows,
// with its verdict; suppressedDepartment one whose figures it hides.
func (e *reportsEnv) shownDepartment() (survey.Department, analysis.Decision) {
	e.t.Helper()
	out := e.outcome()
	for _, d := range e.demo.Departments {
		for _, g := range out.Result.Departments {
			if g.Name == d.Department.Name && !g.Suppressed && g.Figures != nil && g.Verdict != nil {
				return d.Department, g.Decision
			}
		}
	}
	e.t.Fatal("the demo has no department with figures")
	return survey.Department{}, ""
}

func (e *reportsEnv) suppressedDepartment() survey.Department {
	e.t.Helper()
	for _, g := range e.outcome().Result.Departments {
		if g.Suppressed {
			for _, d := range e.demo.Departments {
				if d.Department.Name == g.Name {
					return d.Department
				}
			}
		}
	}
	e.t.Fatal("the demo has no suppressed department")
	return survey.Department{}
}

// waitJob polls the job in the store, with a short backoff, until it is
// finished or the deadline passes.
func (e *reportsEnv) waitJob(id string, u accounts.User) survey.ReportJob {
	e.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	wait := 5 * time.Millisecond
	for {
		j, err := e.store.ReportJob(ctx, id, u.ID)
		if err != nil {
			e.t.Fatalf("read job %s: %v", id, err)
		}
		if !j.Active() {
			return j
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("job %s still %s (%d of %d) after 60 s", id, j.Status, j.Done, j.Total)
		}
		time.Sleep(wait)
		wait = min(2*wait, 200*time.Millisecond)
	}
}

// postReport sends the report form as b and returns the response.
func (b *browser) postReport(form url.Values) page {
	b.t.Helper()
	form.Set("_csrf", b.csrf("/reports"))
	return b.post("/reports", form)
}

// jobID is the job a redirect from POST /reports leads to.
func jobID(t *testing.T, p page) string {
	t.Helper()
	loc := p.header.Get("Location")
	id, ok := strings.CutPrefix(strings.TrimSuffix(loc, "?refresh=off"), "/reports/")
	if p.status != http.StatusSeeOther || !ok || !survey.ValidID(id) {
		t.Fatalf("POST /reports: status %d, Location %q; body %.300s", p.status, loc, p.body)
	}
	return id
}

// reportPDFText reads a PDF back with pdftotext.
func reportPDFText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext (poppler-utils) is not installed: run the tests with `make test`, which installs what they need")
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.20q", pdf)
	}
	cmd := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

var reportVerdictWords = map[string]map[analysis.Decision]string{
	"nl": {analysis.Go: "GO", analysis.FixFirst: "EERST VERBETEREN", analysis.NotMeasurable: "NOG NIET MEETBAAR"},
	"en": {analysis.Go: "GO", analysis.FixFirst: "FIX FIRST", analysis.NotMeasurable: "NOT YET MEASURABLE"},
}

// The whole road in the console, on both engines: the form lists closed
// pulses only; the job page shows a progress element and refreshes itself
// without script until the job is done; then the PDF downloads with a
// sensible name and reads back with the department and its verdict.
func TestReportJobLifecycleInTheConsole(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newReportsEnv(t, dsn)
		b := e.browser()
		b.login("viewer@example.org")
		form := parseHTML(t, b.get("/reports?lang=en").body)
		var pulses []string
		for _, o := range within(form.byID("pulse"), tag("option")) {
			pulses = append(pulses, attr(o, "value"))
		}
		if len(pulses) != 1 || pulses[0] != e.demo.Baseline.ID {
			t.Fatalf("pulses offered %v, want only the closed baseline %s (not the open %s)", pulses, e.demo.Baseline.ID, e.demo.Open.ID)
		}
		targets := within(form.byID("department"), tag("option"))
		if len(targets) != len(e.demo.Departments)+1 || text(targets[0]) != "Whole organisation" || attr(targets[0], "value") != "" {
			t.Fatalf("%d report targets, first %q", len(targets), text(targets[0]))
		}
		if form.has(tag("script")) {
			t.Error("the reports page has a script; it must work without one")
		}
		if !form.has(tag("a", "href", "/reports", "aria-current", "page")) {
			t.Error("no current Reports item in the navigation")
		}

		// The organisation report, in English.
		id := jobID(t, b.postReport(url.Values{"pulse": {e.demo.Baseline.ID}, "department": {""}, "report_lang": {"en"}, "refresh": {"on"}}))
		viewer := e.user("viewer@example.org")
		j := e.waitJob(id, viewer)
		if j.Status != survey.ReportDone || j.Lang != "en" || j.DepartmentID != "" {
			t.Fatalf("job = %+v", j)
		}
		if n := len(e.outcome().Result.Departments); j.Done != n || j.Total != n {
			t.Errorf("job progress %d of %d, want %d of %d", j.Done, j.Total, n, n)
		}
		done := parseHTML(t, b.get("/reports/"+id).body)
		if done.has(tag("meta", "http-equiv", "refresh")) || done.has(tag("progress")) {
			t.Error("a finished job's page still refreshes or shows progress")
		}
		link := done.byID("download")
		p := b.get(attr(link, "href"))
		if p.status != http.StatusOK || p.header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("PDF: %d %s", p.status, p.header.Get("Content-Type"))
		}
		// "Nulmeting trots en delen (demo)"
		if got, want := p.header.Get("Content-Disposition"), "attachment; filename=trots-nulmeting-trots-en-delen-demo-organisation-en.pdf"; got != want {
			t.Errorf("Content-Disposition %q, want %q", got, want)
		}
		org := reportPDFText(t, []byte(p.body))
		dept, verdict := e.shownDepartment()
		if !strings.Contains(org, dept.Name) || !strings.Contains(org, reportVerdictWords["en"][verdict]) {
			t.Errorf("organisation report lacks %s or its verdict %s", dept.Name, reportVerdictWords["en"][verdict])
		}

		// One department's report, in Dutch, without automatic refresh.
		id = jobID(t, b.postReport(url.Values{"pulse": {e.demo.Baseline.ID}, "department": {dept.ID}, "report_lang": {"nl"}}))
		if j := e.waitJob(id, viewer); j.Status != survey.ReportDone || j.Done != 1 || j.Total != 1 {
			t.Fatalf("department job = %+v", j)
		}
		p = b.get("/reports/" + id + "/pdf")
		if p.status != http.StatusOK || !strings.HasSuffix(p.header.Get("Content-Disposition"), "-nl.pdf") {
			t.Fatalf("department PDF: %d %q", p.status, p.header.Get("Content-Disposition"))
		}
		own := reportPDFText(t, []byte(p.body))
		if !strings.Contains(own, dept.Name) || !strings.Contains(own, reportVerdictWords["nl"][verdict]) {
			t.Errorf("department report lacks %s or its verdict %s: %.400s", dept.Name, reportVerdictWords["nl"][verdict], own)
		}

		// Both jobs are listed, newest first, with their download links.
		list := parseHTML(t, b.get("/reports?lang=en").body)
		rows := list.all(tag("tr", "class", "job"))
		if len(rows) != 2 || attr(rows[0], "data-job") != id || attr(rows[0], "data-status") != "done" {
			t.Fatalf("%d jobs listed", len(rows))
		}
		if n := len(within(rows[1], tag("a", "href", "/reports/"+j.ID+"/pdf"))); n != 1 {
			t.Errorf("the organisation job has %d download links", n)
		}
	})
}

// The job page of an unfinished job has a <progress> with the count and a
// meta refresh (no script); the user can turn the refresh off.
func TestReportJobPageShowsProgress(t *testing.T) {
	e := newReportsEnv(t, storetest.SQLiteDSN(t))
	viewer := e.user("viewer@example.org")
	// Made in the store, so no worker runs it: it stays where it is put.
	j, err := e.store.CreateReportJob(ctx, survey.ReportJob{UserID: viewer.ID, PulseID: e.demo.Baseline.ID, Lang: "en"}, survey.ReportLimits{MaxActive: 3})
	if err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.login("viewer@example.org")
	p := b.get("/reports/" + j.ID + "?lang=en")
	d := parseHTML(t, p.body)
	if p.status != http.StatusOK || attr(d.byID("job"), "data-status") != "queued" {
		t.Fatalf("queued job page: %d", p.status)
	}
	meta := d.one(tag("meta", "http-equiv", "refresh"), "meta refresh")
	if attr(meta, "content") != "1" {
		t.Errorf("meta refresh content %q", attr(meta, "content"))
	}
	if prog := d.byID("job-progress"); prog.Data != "progress" || hasAttr(prog, "value") {
		t.Errorf("queued: want an indeterminate <progress>, got <%s value=%q>", prog.Data, attr(prog, "value"))
	}
	if csp := p.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || d.has(tag("script")) {
		t.Errorf("CSP %q; the page must refresh without script", csp)
	}

	if err := e.store.StartReportJob(ctx, j.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.store.ReportJobProgress(ctx, j.ID, 12, 40); err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{"en": "12 of 40 departments", "nl": "12 van 40 afdelingen"} {
		d := parseHTML(t, b.get("/reports/"+j.ID+"?lang="+lang).body)
		prog := d.byID("job-progress")
		if attr(prog, "max") != "40" || attr(prog, "value") != "12" {
			t.Errorf("%s: <progress max=%q value=%q>, want 40 and 12", lang, attr(prog, "max"), attr(prog, "value"))
		}
		if got := text(d.byID("job-progress-text")); got != want {
			t.Errorf("%s: progress text %q, want %q", lang, got, want)
		}
		if !d.has(tag("meta", "http-equiv", "refresh")) {
			t.Errorf("%s: the running job's page does not refresh", lang)
		}
	}
	off := parseHTML(t, b.get("/reports/"+j.ID+"?refresh=off&lang=en").body)
	if off.has(tag("meta", "http-equiv", "refresh")) || !off.has(tag("progress")) {
		t.Error("with refresh=off: still a meta refresh, or no progress")
	}
	if got := attr(off.byID("refresh-auto"), "href"); got != "/reports/"+j.ID {
		t.Errorf("link back to automatic refresh: %q", got)
	}
	// Asked for too early, the PDF leads back to the job page.
	if p := b.get("/reports/" + j.ID + "/pdf"); p.status != http.StatusSeeOther || p.header.Get("Location") != "/reports/"+j.ID {
		t.Errorf("early PDF: %d %s", p.status, p.header.Get("Location"))
	}
}

// A job belongs to the user who asked for it: anyone else gets 404, on the
// page, the PDF and the API alike, and does not see it listed.
func TestReportJobOfAnotherUserIsNotFound(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newReportsEnv(t, dsn)
		admin := e.browser()
		admin.login("admin@example.org")
		dept, _ := e.shownDepartment()
		id := jobID(t, admin.postReport(url.Values{"pulse": {e.demo.Baseline.ID}, "department": {dept.ID}, "report_lang": {"en"}}))
		if j := e.waitJob(id, e.user("admin@example.org")); j.Status != survey.ReportDone {
			t.Fatalf("admin's job = %+v", j)
		}
		viewer := e.browser()
		viewer.login("viewer@example.org")
		for _, path := range []string{"/reports/" + id, "/reports/" + id + "/pdf"} {
			if p := viewer.get(path); p.status != http.StatusNotFound || strings.Contains(p.body, "%PDF") {
				t.Errorf("viewer on %s: %d", path, p.status)
			}
		}
		if d := parseHTML(t, viewer.get("/reports").body); d.has(tag("tr", "class", "job")) {
			t.Error("the viewer's list shows the admin's job")
		}
		tok := e.token("viewer@example.org")
		for _, path := range []string{"/api/v1/reports/" + id, "/api/v1/reports/" + id + "/pdf"} {
			code, body := e.api("GET", path, tok, "")
			if code != http.StatusNotFound || !strings.Contains(body, `"code":"reports_job_not_found"`) {
				t.Errorf("viewer's token on %s: %d %s", path, code, body)
			}
		}
		if code, _ := e.api("GET", "/api/v1/reports/"+id, e.token("admin@example.org"), ""); code != http.StatusOK {
			t.Errorf("the admin's own token: %d", code)
		}
	})
}

// Bad requests are refused with a clear message in the user's language
// and start nothing: an open pulse, an unknown department, a language
// other than nl or en, no pulse; and a user with three unfinished jobs
// must wait.
func TestReportRequestsAreRefusedClearly(t *testing.T) {
	e := newReportsEnv(t, storetest.SQLiteDSN(t))
	b := e.browser()
	b.login("admin@example.org")
	admin := e.user("admin@example.org")
	base := e.demo.Baseline.ID
	for _, c := range []struct {
		name   string
		form   url.Values
		status int
		want   string
	}{
		{"open pulse", url.Values{"pulse": {e.demo.Open.ID}, "report_lang": {"en"}}, http.StatusConflict, "This pulse has not closed yet."},
		{"unknown pulse", url.Values{"pulse": {survey.NewID()}, "report_lang": {"en"}}, http.StatusNotFound, "This pulse does not exist."},
		{"no pulse", url.Values{"report_lang": {"en"}}, http.StatusBadRequest, "Please choose a pulse."},
		{"unknown department", url.Values{"pulse": {base}, "department": {survey.NewID()}, "report_lang": {"en"}}, http.StatusBadRequest, "This department does not exist."},
		{"german", url.Values{"pulse": {base}, "report_lang": {"de"}}, http.StatusBadRequest, "Please choose Dutch (nl) or English (en)"},
	} {
		form := c.form
		form.Set("_csrf", b.csrf("/reports"))
		p := b.post("/reports?lang=en", form)
		if p.status != c.status {
			t.Errorf("%s: status %d, want %d", c.name, p.status, c.status)
			continue
		}
		if got := text(parseHTML(t, p.body).byID("report-error")); !strings.Contains(got, c.want) {
			t.Errorf("%s: message %q, want %q", c.name, got, c.want)
		}
	}
	// The same in Dutch.
	form := url.Values{"pulse": {e.demo.Open.ID}, "report_lang": {"nl"}, "_csrf": {b.csrf("/reports")}}
	if got := text(parseHTML(t, b.post("/reports?lang=nl", form).body).byID("report-error")); !strings.Contains(got, "Deze peiling is nog niet gesloten.") {
		t.Errorf("Dutch message %q", got)
	}
	tok := e.token("admin@example.org")
	for _, c := range []struct {
		path, body string
		status     int
		code       string
	}{
		{"/api/v1/pulses/" + e.demo.Open.ID + "/reports", "", http.StatusConflict, "reports_pulse_not_closed"},
		{"/api/v1/pulses/" + base + "/reports?lang=de", "", http.StatusBadRequest, "reports_lang_invalid"},
		{"/api/v1/pulses/" + base + "/reports", `{"lang": "fr"}`, http.StatusBadRequest, "reports_lang_invalid"},
		{"/api/v1/pulses/" + base + "/reports", `{"department_id": "` + survey.NewID() + `"}`, http.StatusBadRequest, "reports_department_not_found"},
		{"/api/v1/pulses/" + base + "/reports", `{"departement": "x"}`, http.StatusBadRequest, "bad_request"},
		{"/api/v1/pulses/" + survey.NewID() + "/reports", "", http.StatusNotFound, "reports_pulse_not_found"},
	} {
		code, body := e.api("POST", c.path, tok, c.body)
		if code != c.status || !strings.Contains(body, `"code":"`+c.code+`"`) {
			t.Errorf("POST %s %s: %d %s, want %d %s", c.path, c.body, code, body, c.status, c.code)
		}
	}
	if jobs, err := e.store.ReportJobs(ctx, admin.ID, 10); err != nil || len(jobs) != 0 {
		t.Fatalf("refused requests left %d jobs (%v)", len(jobs), err)
	}

	// Three unfinished jobs (made in the store: no worker runs them).
	d0, d1 := e.demo.Departments[0].Department.ID, e.demo.Departments[1].Department.ID
	var first survey.ReportJob
	for i, j := range []survey.ReportJob{{Lang: "en"}, {Lang: "nl"}, {DepartmentID: d0, Lang: "en"}} {
		j.UserID, j.PulseID = admin.ID, base
		made, err := e.store.CreateReportJob(ctx, j, survey.ReportLimits{MaxActive: 3})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = made
		}
	}
	// One of them asked for again (a double click): its page, no new job.
	form = url.Values{"pulse": {base}, "report_lang": {"en"}, "_csrf": {b.csrf("/reports")}}
	if p := b.post("/reports?lang=en", form); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/reports/"+first.ID+"?") {
		t.Errorf("the same report again: %d to %q, want 303 to its job %s", p.status, p.header.Get("Location"), first.ID)
	}
	if code, body := e.api("POST", "/api/v1/pulses/"+base+"/reports?lang=en", tok, ""); code != http.StatusAccepted || !strings.Contains(body, first.ID) {
		t.Errorf("the same report again through the API: %d %s", code, body)
	}
	// A fourth report is refused.
	form = url.Values{"pulse": {base}, "department": {d1}, "report_lang": {"en"}, "_csrf": {b.csrf("/reports")}}
	p := b.post("/reports?lang=en", form)
	if p.status != http.StatusTooManyRequests || !strings.Contains(text(parseHTML(t, p.body).byID("report-error")), "You already have three reports in the making") {
		t.Errorf("fourth job: %d", p.status)
	}
	if code, body := e.api("POST", "/api/v1/pulses/"+base+"/reports?lang=en&department="+d1, tok, ""); code != http.StatusTooManyRequests || !strings.Contains(body, "reports_too_many") {
		t.Errorf("fourth job through the API: %d %s", code, body)
	}
	if jobs, _ := e.store.ReportJobs(ctx, admin.ID, 10); len(jobs) != 3 {
		t.Errorf("%d jobs after the refusal, want 3", len(jobs))
	}
}

// A lead gets the own department's report only: the form offers nothing
// else, and asking for the organisation or another department is 403.
func TestLeadGetsTheOwnDepartmentsReportOnly(t *testing.T) {
	e := newReportsEnv(t, storetest.SQLiteDSN(t))
	b := e.browser()
	b.login("lead@example.org")
	d := parseHTML(t, b.get("/reports?lang=en").body)
	targets := within(d.byID("department"), tag("option"))
	if len(targets) != 1 || attr(targets[0], "value") != e.lead.ID {
		t.Fatalf("the lead's form offers %d targets", len(targets))
	}
	var other survey.Department
	for _, s := range e.demo.Departments {
		if s.Department.ID != e.lead.ID {
			other = s.Department
		}
	}
	// For a lead no department means the own one, so the organisation
	// cannot even be asked for; another department is refused.
	form := url.Values{"pulse": {e.demo.Baseline.ID}, "department": {other.ID}, "report_lang": {"en"}, "_csrf": {b.csrf("/reports")}}
	p := b.post("/reports?lang=en", form)
	if p.status != http.StatusForbidden || !strings.Contains(text(parseHTML(t, p.body).byID("report-error")), "only make the report of your own department") {
		t.Errorf("lead asks for another department: %d", p.status)
	}
	tok := e.token("lead@example.org")
	if code, body := e.api("POST", "/api/v1/pulses/"+e.demo.Baseline.ID+"/reports", tok, `{"department_id": "`+other.ID+`"}`); code != http.StatusForbidden || !strings.Contains(body, "reports_lead_own_only") {
		t.Errorf("lead asks another department through the API: %d %s", code, body)
	}
	// Without a department a lead gets the own one.
	id := jobID(t, b.postReport(url.Values{"pulse": {e.demo.Baseline.ID}, "report_lang": {"en"}}))
	lead := e.user("lead@example.org")
	j := e.waitJob(id, lead)
	if j.Status != survey.ReportDone || j.DepartmentID != e.lead.ID {
		t.Fatalf("lead's job = %+v", j)
	}
	if !strings.Contains(reportPDFText(t, []byte(b.get("/reports/"+id+"/pdf").body)), e.lead.Name) {
		t.Error("the lead's report does not name the department")
	}
}

// The report of a department below the anonymity threshold is made, and
// shows no figure of it; its job page says nothing but its name.
func TestSuppressedDepartmentReportHasNoFigures(t *testing.T) {
	e := newReportsEnv(t, storetest.SQLiteDSN(t))
	b := e.browser()
	b.login("admin@example.org")
	s := e.suppressedDepartment()
	id := jobID(t, b.postReport(url.Values{"pulse": {e.demo.Baseline.ID}, "department": {s.ID}, "report_lang": {"en"}}))
	if j := e.waitJob(id, e.user("admin@example.org")); j.Status != survey.ReportDone {
		t.Fatalf("job = %+v", j)
	}
	page := parseHTML(t, b.get("/reports/"+id+"?lang=en").body)
	if got := text(page.one(tag("h1"), "heading")); got != s.Name {
		t.Errorf("heading %q", got)
	}
	if strings.Contains(text(page.byID("job")), "n =") {
		t.Error("the job page of a suppressed department shows a count")
	}
	pdf := reportPDFText(t, []byte(b.get("/reports/"+id+"/pdf").body))
	if !strings.Contains(pdf, "Why this report contains no figures") || !strings.Contains(pdf, "NOT YET MEASURABLE") {
		t.Errorf("suppressed department's report: %.500s", pdf)
	}
}

// A job whose process died while running is shown as failed with "please
// try again" once its heartbeat is overdue, on the page and in the API.
func TestCrashedReportJobShowsFailed(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newReportsEnv(t, dsn)
		viewer := e.user("viewer@example.org")
		// A job some other process took and then lost: made and started in
		// the store, never touched again.
		j, err := e.store.CreateReportJob(ctx, survey.ReportJob{UserID: viewer.ID, PulseID: e.demo.Baseline.ID, Lang: "en"}, survey.ReportLimits{MaxActive: 3})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.store.StartReportJob(ctx, j.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.store.ReportJobProgress(ctx, j.ID, 3, 10); err != nil {
			t.Fatal(err)
		}
		b := e.browser()
		b.login("viewer@example.org")
		if d := parseHTML(t, b.get("/reports/"+j.ID+"?lang=en").body); attr(d.byID("job"), "data-status") != "running" {
			t.Fatal("the fresh job is not running")
		}
		e.clock.advance(survey.ReportJobStale + time.Second)
		d := parseHTML(t, b.get("/reports/"+j.ID+"?lang=en").body)
		if attr(d.byID("job"), "data-status") != "failed" || d.has(tag("meta", "http-equiv", "refresh")) || d.has(tag("progress")) {
			t.Fatalf("lost job: status %q", attr(d.byID("job"), "data-status"))
		}
		if got := text(d.byID("job-error")); !strings.Contains(got, "interrupted") || !strings.Contains(got, "Please try again") {
			t.Errorf("lost job message %q", got)
		}
		again, _ := url.Parse(attr(d.byID("try-again"), "href"))
		if again.Path != "/reports" || again.Query().Get("pulse") != e.demo.Baseline.ID || again.Query().Get("report_lang") != "en" {
			t.Errorf("try again link %q", again)
		}
		code, body := e.api("GET", "/api/v1/reports/"+j.ID, e.token("viewer@example.org"), "")
		var got struct {
			Status  string `json:"status"`
			Failure struct {
				Code string `json:"code"`
			} `json:"failure"`
		}
		if err := json.Unmarshal([]byte(body), &got); err != nil || code != http.StatusOK || got.Status != "failed" || got.Failure.Code != survey.KeyReportJobLost {
			t.Errorf("API on the lost job: %d %s", code, body)
		}
		// The lost job no longer counts against the user's limit.
		id := jobID(t, b.postReport(url.Values{"pulse": {e.demo.Baseline.ID}, "report_lang": {"en"}}))
		if j := e.waitJob(id, viewer); j.Status != survey.ReportDone {
			t.Errorf("new job after the lost one: %+v", j)
		}
	})
}

// The API: 202 with the job and a Location, the status with progress, 409
// for the PDF until it is done, then the PDF; the language defaults to the
// one the user chose in the console.
func TestReportJobThroughTheAPI(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newReportsEnv(t, dsn)
		viewer := e.user("viewer@example.org")
		if err := accounts.New(e.store).SetUserLanguage(ctx, viewer.ID, "en"); err != nil {
			t.Fatal(err)
		}
		tok := e.token("viewer@example.org")
		dept, verdict := e.shownDepartment()
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/pulses/"+e.demo.Baseline.ID+"/reports?department="+dept.ID, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var started struct {
			ID, Status, Lang string
			DepartmentID     string `json:"department_id"`
		}
		err = json.NewDecoder(resp.Body).Decode(&started)
		resp.Body.Close()
		loc := resp.Header.Get("Location")
		if err != nil || resp.StatusCode != http.StatusAccepted || loc != "/api/v1/reports/"+started.ID || started.Lang != "en" || started.DepartmentID != dept.ID {
			t.Fatalf("start: %d %s %+v %v", resp.StatusCode, loc, started, err)
		}
		deadline := time.Now().Add(60 * time.Second)
		var job struct {
			Status      string
			Done, Total int
			PDF         string
		}
		for wait := 5 * time.Millisecond; ; wait = min(2*wait, 200*time.Millisecond) {
			code, body := e.api("GET", loc, tok, "")
			if code != http.StatusOK || json.Unmarshal([]byte(body), &job) != nil {
				t.Fatalf("status: %d %s", code, body)
			}
			if job.Status == "done" || job.Status == "failed" {
				break
			}
			if job.Done > job.Total {
				t.Fatalf("progress %d of %d", job.Done, job.Total)
			}
			if time.Now().After(deadline) {
				t.Fatalf("still %s after 60 s", job.Status)
			}
			time.Sleep(wait)
		}
		if job.Status != "done" || job.Done != 1 || job.Total != 1 || job.PDF != loc+"/pdf" {
			t.Fatalf("job = %+v", job)
		}
		code, pdf := e.api("GET", job.PDF, tok, "")
		if code != http.StatusOK {
			t.Fatalf("PDF: %d", code)
		}
		if txt := reportPDFText(t, []byte(pdf)); !strings.Contains(txt, dept.Name) || !strings.Contains(txt, reportVerdictWords["en"][verdict]) {
			t.Errorf("API PDF lacks %s / %s", dept.Name, reportVerdictWords["en"][verdict])
		}
		// A job not done has no PDF yet.
		q, err := e.store.CreateReportJob(ctx, survey.ReportJob{UserID: viewer.ID, PulseID: e.demo.Baseline.ID, Lang: "nl"}, survey.ReportLimits{MaxActive: 3})
		if err != nil {
			t.Fatal(err)
		}
		if code, body := e.api("GET", "/api/v1/reports/"+q.ID+"/pdf", tok, ""); code != http.StatusConflict || !strings.Contains(body, `"code":"reports_not_ready"`) {
			t.Errorf("PDF of a queued job: %d %s", code, body)
		}
		if code, body := e.api("GET", "/api/v1/reports/"+q.ID, tok, ""); code != http.StatusOK || !strings.Contains(body, `"status":"queued"`) {
			t.Errorf("queued job: %d %s", code, body)
		}
	})
}

// The console language a user picks is remembered in the account: a login
// from a fresh browser (no cookie) shows the console in that language, and
// the report form preselects it.
func TestConsoleLanguageIsRememberedPerUser(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newReportsEnv(t, dsn)
		lang := func(p page) string {
			t.Helper()
			return attr(parseHTML(t, p.body).one(tag("html"), "html"), "lang")
		}
		first := e.browser()
		if got := lang(first.get("/login")); got != "nl" {
			t.Fatalf("login page without a choice is in %q, want nl (the default)", got)
		}
		first.login("viewer@example.org")
		if got := lang(first.get("/board?lang=en")); got != "en" {
			t.Fatalf("board after switching: %q", got)
		}
		if u := e.user("viewer@example.org"); u.Lang != "en" {
			t.Fatalf("stored language %q, want en", u.Lang)
		}

		other := e.browser() // another device: no cookie
		other.login("viewer@example.org")
		p := other.get("/board")
		if got := lang(p); got != "en" {
			t.Fatalf("board on a fresh device: %q, want en", got)
		}
		form := parseHTML(t, other.get("/reports").body)
		if r := form.one(func(n *html.Node) bool {
			return n.Data == "input" && attr(n, "name") == "report_lang" && hasAttr(n, "checked")
		}, "checked report language"); attr(r, "value") != "en" {
			t.Errorf("report language preselected %q, want en", attr(r, "value"))
		}
		// The cookie now follows the account, so the login page after a
		// logout speaks it too.
		if ck := other.cookie("trots_lang"); ck == nil || ck.Value != "en" {
			t.Errorf("language cookie %v, want en", ck)
		}
		// Another user is not affected.
		admin := e.browser()
		admin.login("admin@example.org")
		if got := lang(admin.get("/board")); got != "nl" {
			t.Errorf("another user's board is in %q", got)
		}
		// Switching back is remembered too.
		other.get("/reports?lang=nl")
		if u := e.user("viewer@example.org"); u.Lang != "nl" {
			t.Errorf("stored language after switching back: %q", u.Lang)
		}
		if got := lang(first.get("/board")); got != "nl" {
			t.Errorf("the first device after the switch elsewhere: %q, want nl", got)
		}
	})
}

func TestReportFileNames(t *testing.T) {
	for _, c := range []struct{ pulse, dept, lang, want string }{
		{"Meting 1", "", "en", "trots-meting-1-organisation-en.pdf"},
		{"Meting 1", "", "nl", "trots-meting-1-organisatie-nl.pdf"},
		{"Voorjaar 2026", "Één & Zorg/ICT", "nl", "trots-voorjaar-2026-een-zorg-ict-nl.pdf"},
		{"", "ICT", "en", "trots-ict-en.pdf"},
		{"\"quoted\"; rm -rf", "日本", "en", "trots-quoted-rm-rf-en.pdf"},
	} {
		if got := server.ReportFileName(c.pulse, c.dept, c.lang); got != c.want {
			t.Errorf("ReportFileName(%q, %q, %q) = %q, want %q", c.pulse, c.dept, c.lang, got, c.want)
		}
	}
}
