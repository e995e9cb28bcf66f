package server_test

import (
	"database/sql"
	"net/url"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3" // database/sql driver "sqlite3", for a department trots would refuse

	"trots/accounts"
	"trots/survey"
	"trots/survey/storetest"
)

// The stored results of a closed pulse know departments by name. A
// department created after the close whose name differs from one in the
// results only in case ("hr" next to "HR") took no part in the pulse: its
// lead's report job must fail as "not in this pulse", never render the
// other department's figures. (reports.FindDepartment also matches names
// ignoring case, which is right for the command line but not for a lead.)
func TestLeadOfCaseVariantDepartmentGetsNoOtherReport(t *testing.T) {
	dsn := storetest.SQLiteDSN(t)
	e := newReportsEnv(t, dsn)
	shown, _ := e.shownDepartment()
	variant := strings.ToLower(shown.Name)
	if variant == shown.Name {
		variant = strings.ToUpper(shown.Name)
	}
	// trots now refuses such a look-alike name; a database from before
	// that may still hold one, so it is written beside the store.
	raw, err := sql.Open("sqlite3", dsn+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	deptID := survey.NewID()
	if _, err := raw.Exec("INSERT INTO departments (id, name, headcount, externally_visible) VALUES (?, ?, 12, 1)", deptID, variant); err != nil {
		t.Fatalf("create %q next to %q: %v", variant, shown.Name, err)
	}
	d, err := e.store.Department(ctx, deptID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := accounts.New(e.store).CreateUser(ctx, accounts.User{Email: "newlead@example.org", Role: accounts.RoleLead, DepartmentID: d.ID}, testPassword); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.login("newlead@example.org")
	id := jobID(t, b.postReport(url.Values{"pulse": {e.demo.Baseline.ID}, "report_lang": {"en"}}))
	j := e.waitJob(id, e.user("newlead@example.org"))
	if j.Status == survey.ReportDone {
		pdf := reportPDFText(t, []byte(b.get("/reports/"+id+"/pdf").body))
		t.Fatalf("the lead of %q (created after the close) got a report: %.300s", variant, pdf)
	}
	if j.ErrorKey != "reports_department_not_in_pulse" {
		t.Errorf("job failed with %q, want reports_department_not_in_pulse", j.ErrorKey)
	}
}

// Results know a department by its ID. Renamed after its pulse closed, a
// department keeps its row, figures and report under its new name; a new
// department that takes the old name took no part in the pulse and its
// lead gets neither a row on the board nor the report.
func TestRenamedDepartmentKeepsItsResultsAndItsOldNameGivesNothing(t *testing.T) {
	e := newReportsEnv(t, storetest.SQLiteDSN(t))
	shown, _ := e.shownDepartment()
	oldName := shown.Name
	renamed := shown
	renamed.Name = oldName + " (tot 2026)"
	if err := e.store.UpdateDepartment(ctx, renamed); err != nil {
		t.Fatal(err)
	}
	newcomer, err := e.store.CreateDepartment(ctx, survey.Department{Name: oldName, Headcount: 9})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []accounts.User{
		{Email: "oldlead@example.org", Role: accounts.RoleLead, DepartmentID: shown.ID},
		{Email: "newlead@example.org", Role: accounts.RoleLead, DepartmentID: newcomer.ID},
	} {
		if _, err := accounts.New(e.store).CreateUser(ctx, u, testPassword); err != nil {
			t.Fatal(err)
		}
	}
	board := "/board?pulse=" + e.demo.Baseline.ID

	old := e.browser()
	old.login("oldlead@example.org")
	p := old.get(board)
	if p.status != 200 || !strings.Contains(p.body, `data-department="`+shown.ID+`"`) || !strings.Contains(p.body, renamed.Name) {
		t.Fatalf("the renamed department's lead does not see its row (status %d)", p.status)
	}
	id := jobID(t, old.postReport(url.Values{"pulse": {e.demo.Baseline.ID}, "report_lang": {"en"}}))
	if j := e.waitJob(id, e.user("oldlead@example.org")); j.Status != survey.ReportDone {
		t.Fatalf("the renamed department's report: %+v", j)
	}

	nw := e.browser()
	nw.login("newlead@example.org")
	p = nw.get(board)
	if strings.Contains(p.body, `data-department="`+shown.ID+`"`) || strings.Contains(p.body, `data-department="`+newcomer.ID+`"`) {
		t.Fatal("the lead of the new department with the old name sees a row of the closed pulse")
	}
	if p := nw.get("/board/departments/" + newcomer.ID + "?pulse=" + e.demo.Baseline.ID); strings.Contains(p.body, "n = ") {
		t.Fatalf("the new department's page shows figures of the closed pulse (status %d)", p.status)
	}
	id = jobID(t, nw.postReport(url.Values{"pulse": {e.demo.Baseline.ID}, "report_lang": {"en"}}))
	j := e.waitJob(id, e.user("newlead@example.org"))
	if j.Status == survey.ReportDone || j.ErrorKey != "reports_department_not_in_pulse" {
		t.Fatalf("the new department with the old name got %+v, want reports_department_not_in_pulse", j)
	}
}
