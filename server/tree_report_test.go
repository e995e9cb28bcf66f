package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"trots/accounts"
	"trots/survey/demo"
)

// A lead of a node asks for reports of the own branch only: the own node
// (its report compares its teams) and a team below it are made; the
// parent, a sibling and a cousin are refused, through the API and the
// console's form, and leave no job.
func TestLeadReportsOnTheOwnBranchOnly(t *testing.T) {
	e := newTreeEnv(t)
	pulse := e.demo.Baseline.ID
	tok := e.token("lead@example.org")
	start := func(deptID string) (int, string) {
		return e.api("POST", "/api/v1/pulses/"+pulse+"/reports", tok, `{"department_id": "`+deptID+`", "lang": "en"}`)
	}
	pdfOf := func(deptID string) string {
		t.Helper()
		code, body := start(deptID)
		var j struct {
			ID string `json:"id"`
		}
		if code != http.StatusAccepted || json.Unmarshal([]byte(body), &j) != nil {
			t.Fatalf("lead asks the report of %s: %d %s", deptID, code, body)
		}
		e.waitReport(j.ID, "lead@example.org")
		code, pdf := e.api("GET", "/api/v1/reports/"+j.ID+"/pdf", tok, "")
		if code != http.StatusOK {
			t.Fatalf("the PDF of job %s: %d", j.ID, code)
		}
		return strings.Join(strings.Fields(reportPDFText(t, []byte(pdf))), " ")
	}

	own := pdfOf(e.lead.ID)
	for _, want := range []string{"Klantcontact", "Its parts", "Of its 4 parts:", "Team Balie Noord", "Team Chat"} {
		if !strings.Contains(own, want) {
			t.Errorf("the lead's report of the own node lacks %q", want)
		}
	}
	if strings.Contains(own, "Burgerzaken") {
		t.Error("the lead's report names a sibling")
	}
	team := pdfOf(e.byName[demo.StoryTeam].ID)
	if !strings.Contains(team, demo.StoryTeam) || !strings.Contains(team, "FIX FIRST") || strings.Contains(team, "Its parts") {
		t.Errorf("the report of %s (a team, no parts) is wrong: %.300s", demo.StoryTeam, team)
	}

	lead, err := accounts.New(e.store).UserByEmail(ctx, "lead@example.org")
	if err != nil {
		t.Fatal(err)
	}
	jobs := func() int {
		js, err := e.store.ReportJobs(ctx, lead.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		return len(js)
	}
	before := jobs()
	b := e.browser()
	b.login("lead@example.org")
	for _, name := range []string{demo.StoryDirectorate, "Burgerzaken", "Burgerzaken Paspoorten", "ICT Werkplek"} {
		id := e.byName[name].ID
		if code, body := start(id); code != http.StatusForbidden || !strings.Contains(body, "reports_lead_own_only") {
			t.Errorf("lead asks the report of %s through the API: %d %s", name, code, body)
		}
		form := url.Values{"pulse": {pulse}, "department": {id}, "report_lang": {"en"}}
		if p := b.postReport(form); p.status != http.StatusForbidden {
			t.Errorf("lead asks the report of %s in the console: %d", name, p.status)
		}
	}
	if after := jobs(); after != before {
		t.Errorf("refused requests left jobs: %d before, %d after", before, after)
	}
}
