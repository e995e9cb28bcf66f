package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"trots/reports"
	"trots/survey"
	"trots/survey/storetest"
)

// htmlText is the text of a report page without its stylesheet,
// whitespace collapsed.
func htmlText(t *testing.T, body string) string {
	t.Helper()
	body = regexp.MustCompile(`(?s)<style>.*</style>`).ReplaceAllString(body, "")
	return strings.Join(strings.Fields(text(parseHTML(t, body).root)), " ")
}

// Beside every finished report's PDF the console offers the same report as
// an accessible HTML page, on both engines: shown inline or downloaded
// with ?download=1, named like the PDF, served under a policy that allows
// its own stylesheet and no script, with the PDF's department and verdict,
// and each download audited like the PDF's with its format.
func TestHTMLReportBesideThePDF(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newReportsEnv(t, dsn)
		b := e.browser()
		b.login("viewer@example.org")
		dept, verdict := e.shownDepartment()
		id := jobID(t, b.postReport(url.Values{"pulse": {e.demo.Baseline.ID}, "department": {dept.ID}, "report_lang": {"en"}}))
		viewer := e.user("viewer@example.org")
		if j := e.waitJob(id, viewer); j.Status != survey.ReportDone {
			t.Fatalf("job = %+v", j)
		}
		done := parseHTML(t, b.get("/reports/"+id+"?lang=en").body)
		view, download := done.byID("html-view"), done.byID("html-download")
		if attr(view, "href") != "/reports/"+id+"/html" || attr(download, "href") != "/reports/"+id+"/html?download=1" {
			t.Fatalf("HTML links %q and %q", attr(view, "href"), attr(download, "href"))
		}
		list := parseHTML(t, b.get("/reports?lang=en").body)
		if !list.has(tag("a", "href", "/reports/"+id+"/html")) {
			t.Error("the list of jobs has no link to the HTML page")
		}

		p := b.get(attr(view, "href"))
		if p.status != http.StatusOK || p.header.Get("Content-Type") != "text/html; charset=UTF-8" {
			t.Fatalf("HTML: %d %s", p.status, p.header.Get("Content-Type"))
		}
		if got, want := p.header.Get("Content-Disposition"), "inline; filename=trots-nulmeting-trots-en-delen-demo-"+slugOf(dept.Name)+"-en.html"; got != want {
			t.Errorf("Content-Disposition %q, want %q", got, want)
		}
		csp := p.header.Get("Content-Security-Policy")
		if csp != reports.HTMLContentSecurityPolicy() || !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe") || strings.Contains(csp, "script") {
			t.Errorf("Content-Security-Policy %q", csp)
		}
		if p.header.Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control %q", p.header.Get("Cache-Control"))
		}
		page := htmlText(t, p.body)
		pdf := reportPDFText(t, []byte(b.get("/reports/"+id+"/pdf").body))
		for _, want := range []string{dept.Name, reportVerdictWords["en"][verdict], "Themes against the organisation", "Promise and reality"} {
			if !strings.Contains(page, want) || !strings.Contains(pdf, want) {
				t.Errorf("%q is not in both the page and the PDF", want)
			}
		}
		if got := e.newestAudit("report.download"); !strings.Contains(got.Object, id) || !strings.Contains(got.Detail, "(en, pdf)") {
			t.Errorf("PDF download audited as %+v", got)
		}

		p = b.get(attr(download, "href"))
		if p.status != http.StatusOK || !strings.HasPrefix(p.header.Get("Content-Disposition"), "attachment; filename=") ||
			!strings.HasSuffix(p.header.Get("Content-Disposition"), "-en.html") {
			t.Errorf("download: %d %q", p.status, p.header.Get("Content-Disposition"))
		}
		if got := e.newestAudit("report.download"); got.Actor != "viewer@example.org" || !strings.Contains(got.Object, id) || !strings.Contains(got.Detail, "(en, html)") {
			t.Errorf("HTML download audited as %+v", got)
		}

		// Through the API: the job names its page, which reads as the
		// console's; a job not done has none yet.
		tok := e.token("viewer@example.org")
		code, body := e.api("GET", "/api/v1/reports/"+id, tok, "")
		var job struct{ PDF, HTML string }
		if code != http.StatusOK || json.Unmarshal([]byte(body), &job) != nil || job.HTML != "/api/v1/reports/"+id+"/html" {
			t.Fatalf("API job: %d %s", code, body)
		}
		if code, body := e.api("GET", job.HTML, tok, ""); code != http.StatusOK || !strings.Contains(body, `<html lang="en">`) {
			t.Errorf("API HTML: %d %.80s", code, body)
		}
		q, err := e.store.CreateReportJob(ctx, survey.ReportJob{UserID: viewer.ID, PulseID: e.demo.Baseline.ID, Lang: "nl"}, survey.ReportLimits{MaxActive: 3})
		if err != nil {
			t.Fatal(err)
		}
		if code, body := e.api("GET", "/api/v1/reports/"+q.ID+"/html", tok, ""); code != http.StatusConflict || !strings.Contains(body, `"code":"reports_not_ready"`) {
			t.Errorf("HTML of a queued job: %d %s", code, body)
		}
		if p := b.get("/reports/" + q.ID + "/html"); p.status != http.StatusSeeOther || p.header.Get("Location") != "/reports/"+q.ID {
			t.Errorf("console HTML of a queued job: %d %q", p.status, p.header.Get("Location"))
		}
	})
}

func slugOf(name string) string {
	return strings.Trim(regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(strings.ToLower(name), "-"), "-")
}

// The HTML page follows the PDF's rules: another user's job is not found
// (console and API, nothing of the report in the answer); a lead's job is
// the own department's and its page names only that department's figures;
// a department below k gets a page without a figure or a table.
func TestHTMLReportFollowsThePDFsRules(t *testing.T) {
	e := newReportsEnv(t, storetest.SQLiteDSN(t))
	admin := e.browser()
	admin.login("admin@example.org")
	s := e.suppressedDepartment()
	id := jobID(t, admin.postReport(url.Values{"pulse": {e.demo.Baseline.ID}, "department": {s.ID}, "report_lang": {"en"}}))
	if j := e.waitJob(id, e.user("admin@example.org")); j.Status != survey.ReportDone {
		t.Fatalf("job = %+v", j)
	}
	p := admin.get("/reports/" + id + "/html")
	d := parseHTML(t, p.body)
	page := htmlText(t, p.body)
	if p.status != http.StatusOK || !strings.Contains(page, "Why this report contains no figures") || !strings.Contains(page, "NOT YET MEASURABLE") {
		t.Fatalf("suppressed department's page: %d %.300s", p.status, page)
	}
	if d.has(tag("table")) || d.has(tag("svg")) {
		t.Error("the page of a department below k has a table or a chart")
	}
	pdf := reportPDFText(t, []byte(admin.get("/reports/"+id+"/pdf").body))
	digits := regexp.MustCompile(`\d+`)
	if a, b := digits.FindAllString(page, -1), digits.FindAllString(regexp.MustCompile(`Page \d+ of \d+`).ReplaceAllString(pdf, ""), -1); strings.Join(a, " ") != strings.Join(b, " ") {
		t.Errorf("the numbers on the page %v differ from the PDF's %v", a, b)
	}

	viewer := e.browser()
	viewer.login("viewer@example.org")
	for _, path := range []string{"/reports/" + id + "/html", "/reports/" + id + "/html?download=1"} {
		if p := viewer.get(path); p.status != http.StatusNotFound || strings.Contains(p.body, s.Name) {
			t.Errorf("viewer on the admin's %s: %d", path, p.status)
		}
	}
	code, body := e.api("GET", "/api/v1/reports/"+id+"/html", e.token("viewer@example.org"), "")
	if code != http.StatusNotFound || !strings.Contains(body, `"code":"reports_job_not_found"`) {
		t.Errorf("viewer's token on the admin's HTML: %d %s", code, body)
	}

	lead := e.browser()
	lead.login("lead@example.org")
	lid := jobID(t, lead.postReport(url.Values{"pulse": {e.demo.Baseline.ID}, "report_lang": {"nl"}}))
	if j := e.waitJob(lid, e.user("lead@example.org")); j.Status != survey.ReportDone || j.DepartmentID != e.lead.ID {
		t.Fatalf("lead's job = %+v", j)
	}
	lp := htmlText(t, lead.get("/reports/"+lid+"/html").body)
	if !strings.Contains(lp, e.lead.Name) {
		t.Error("the lead's page does not name the department")
	}
	for _, other := range e.demo.Departments {
		if other.Department.ID != e.lead.ID && strings.Contains(lp, other.Department.Name) {
			t.Errorf("the lead's page names department %s", other.Department.Name)
		}
	}
	if p := lead.get("/reports/" + id + "/html"); p.status != http.StatusNotFound {
		t.Errorf("lead on the admin's page: %d", p.status)
	}
}
