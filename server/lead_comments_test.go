package server_test

import (
	"database/sql"
	"net/url"
	"strings"
	"testing"

	"trots/survey"
	"trots/survey/storetest"
)

// A department's lead gets its report without the open comments, unless
// the pulse lets leads read them; HR gets them either way. Through the
// console, over real HTTP, PDFs read back with pdftotext.
func TestLeadReportHasCommentsOnlyWhenThePulseAllowsIt(t *testing.T) {
	dsn := storetest.SQLiteDSN(t)
	e := newReportsEnv(t, dsn)
	var shown bool
	for _, g := range e.outcome().Result.Departments {
		if g.Name == e.lead.Name && len(g.Comments) > 0 {
			shown = true
		}
	}
	if !shown {
		t.Fatalf("the demo shows no comments of %s: nothing to test", e.lead.Name)
	}
	report := func(email string) string {
		t.Helper()
		b := e.browser()
		b.login(email)
		id := jobID(t, b.postReport(url.Values{"pulse": {e.demo.Baseline.ID}, "department": {e.lead.ID}, "report_lang": {"en"}}))
		if j := e.waitJob(id, e.user(email)); j.Status != survey.ReportDone {
			t.Fatalf("%s's job: %+v", email, j)
		}
		return reportPDFText(t, []byte(b.get("/reports/"+id+"/pdf").body))
	}
	const heading = "In their own words"
	if txt := report("lead@example.org"); strings.Contains(txt, heading) || !strings.Contains(txt, e.lead.Name) {
		t.Error("the lead's report shows comments although the pulse does not allow it")
	}
	if txt := report("admin@example.org"); !strings.Contains(txt, heading) {
		t.Error("HR's report of the department shows no comments")
	}
	if p, err := e.store.Pulse(ctx, e.demo.Baseline.ID); err != nil || p.LeadComments {
		t.Fatalf("lead comments on by default: %+v, %v", p, err)
	}
	db, err := sql.Open("sqlite3", "file:"+dsn)
	must(t, err)
	defer db.Close()
	if _, err := db.Exec("UPDATE pulses SET lead_comments = TRUE WHERE id = ?", e.demo.Baseline.ID); err != nil {
		t.Fatal(err)
	}
	// The setting is fixed once a pulse opens, so an identical finished
	// report is handed out again rather than made anew (issue 20); this
	// test changed it behind trots' back, so the old report goes.
	if _, err := db.Exec("DELETE FROM report_jobs"); err != nil {
		t.Fatal(err)
	}
	if txt := report("lead@example.org"); !strings.Contains(txt, heading) {
		t.Error("the lead's report shows no comments although the pulse allows it")
	}
}
