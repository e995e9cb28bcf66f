package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"trots/accounts"
	"trots/analysis"
	"trots/questionnaires"
	"trots/server"
	"trots/survey"
	"trots/survey/demo"
	"trots/survey/results"
	"trots/survey/storetest"
)

// fixFirstDepartment is a demo department the baseline judges FIX FIRST,
// with a lead account of its own (lead.fix@example.org).
func (e *consoleEnv) fixFirstDepartment() survey.Department {
	e.t.Helper()
	out := e.outcome()
	for _, s := range e.demo.Departments {
		for _, g := range out.Result.Departments {
			if g.ID == s.Department.ID && g.Verdict != nil && g.Decision == analysis.FixFirst && s.Expect == demo.ExpectFixFirst {
				if _, err := accounts.New(e.store).CreateUser(ctx, accounts.User{Email: "lead.fix@example.org", Role: accounts.RoleLead,
					DepartmentID: s.Department.ID}, testPassword); err != nil {
					e.t.Fatal(err)
				}
				return s.Department
			}
		}
	}
	e.t.Fatal("the demo baseline has no FIX FIRST department")
	return survey.Department{}
}

// addAction posts the department page's add form as b.
func (b *browser) addAction(deptID, pulseID string, f url.Values) page {
	b.t.Helper()
	path := "/board/departments/" + deptID + "?lang=en&pulse=" + pulseID
	f.Set("_csrf", b.csrf(path))
	f.Set("pulse", pulseID)
	return b.post("/board/departments/"+deptID+"/actions?lang=en", f)
}

// followUp answers the demo's open pulse as secondPulse does, except that
// the improved department answers as a department that is ready to go
// (the demo's "Onderzoek & Data" design, two draws), and closes it.
func (e *consoleEnv) followUp(improved survey.Department) survey.Pulse {
	e.t.Helper()
	q, err := questionnaires.Load("advocacy-readiness")
	if err != nil {
		e.t.Fatal(err)
	}
	// A pulse of the baseline's questionnaire (the demo's open pulse is
	// the short pulse, which has no trend against the baseline).
	p := storetest.MustOpenPulse(e.t, e.store, q.ID, q.Version)
	var ready []demo.Response
	for _, seed := range []uint64{2, 3} {
		for _, d := range demo.Generate(q, seed).Departments {
			if d.Name == "Onderzoek & Data" {
				ready = append(ready, d.Responses...)
			}
		}
	}
	for i, d := range demo.Generate(q, 2).Departments {
		dept := e.demo.Departments[i].Department
		rs := d.Responses
		if dept.ID == improved.ID {
			rs = ready
		}
		link := mustLink(e.t, e.store, p.ID, dept.ID)
		for _, r := range rs {
			dec := survey.DecodeAnswers(q, r.Values())
			if _, err := e.store.Submit(ctx, survey.Submission{Link: link, Key: survey.NewID(), Answers: dec.Answers, Comments: dec.Comments}); err != nil {
				e.t.Fatal(err)
			}
		}
	}
	out, err := results.Close(ctx, e.store, p.ID, analysis.DefaultConfig())
	if err != nil {
		e.t.Fatal(err)
	}
	return out.Pulse
}

// Done-when of issue 18's follow-through, end to end over HTTP: a FIX
// FIRST department's lead records two actions (with CSRF) and moves one on;
// the follow-up pulse, where those themes improved, shows each theme's
// change beyond the minimal detectable difference, the department at GO,
// and the plan with its progress in the department PDF read back with
// pdftotext.
func TestActionPlanFromFixFirstToGo(t *testing.T) {
	e := newReportsEnv(t, storetest.SQLiteDSN(t))
	dept := e.fixFirstDepartment()
	base := e.demo.Baseline.ID
	lead := e.browser()
	lead.login("lead.fix@example.org")
	for _, f := range []url.Values{
		{"title": {"Workload down: one extra colleague per shift"}, "theme": {"pride"}, "owner": {"teamleider"}, "due": {"2027-03-31"}},
		{"title": {"Career paths for agents"}, "theme": {"content"}, "owner": {"HR-adviseur"}, "due": {"2027-05-01"}},
	} {
		if p := lead.addAction(dept.ID, base, f); p.status != http.StatusSeeOther || !strings.HasSuffix(p.header.Get("Location"), "&planned=1#plan") {
			t.Fatalf("add action: %d %s %.300s", p.status, p.header.Get("Location"), p.body)
		}
	}
	d := parseHTML(t, lead.get("/board/departments/"+dept.ID+"?lang=en&pulse="+base).body)
	items := within(d.byID("current-plan"), func(n *html.Node) bool {
		return n.Data == "li" && n.Parent != nil && attr(n.Parent, "id") == "current-plan"
	})
	if len(items) != 2 || !strings.Contains(text(items[0]), "Workload down") || !strings.Contains(text(items[0]), "owner: teamleider") &&
		!strings.Contains(text(items[0]), "Owner: teamleider") {
		t.Fatalf("plan on the page: %d items, first %q", len(items), text(items[0]))
	}
	// Move the first action on: the log says who changed what.
	var first string
	for _, f := range d.all(tag("form")) {
		if a := attr(f, "action"); strings.HasPrefix(a, "/board/departments/"+dept.ID+"/actions/") && first == "" {
			first = a
		}
	}
	if first == "" {
		t.Fatal("no change form for the actions")
	}
	upd := url.Values{"_csrf": {lead.csrf("/board/departments/" + dept.ID + "?pulse=" + base)}, "pulse": {base},
		"title": {"Workload down: one extra colleague per shift"}, "theme": {"pride"}, "owner": {"teamleider"}, "due": {"2027-03-31"}, "status": {"in_progress"}}
	if p := lead.post(first, upd); p.status != http.StatusSeeOther {
		t.Fatalf("status change: %d %.300s", p.status, p.body)
	}
	d = parseHTML(t, lead.get("/board/departments/"+dept.ID+"?lang=en&pulse="+base).body)
	log := within(d.byID("action-log"), tag("li"))
	if len(log) != 3 || !strings.Contains(text(log[0]), "lead.fix@example.org") || !strings.Contains(text(log[0]), "planned → in progress") {
		t.Fatalf("plan log: %d entries, newest %q", len(log), text(log[0]))
	}

	next := e.followUp(dept)
	out, err := results.Analyze(ctx, e.store, next.ID, analysis.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	trend := map[string]analysis.DimensionTrend{}
	for _, g := range out.Result.Trend.Groups {
		if g.ID == dept.ID {
			for _, dt := range g.Dimensions {
				trend[dt.Dimension] = dt
			}
		}
	}
	for _, dim := range []string{"pride", "content"} {
		if dt, ok := trend[dim]; !ok || dt.CILow <= 0 || dt.Diff <= dt.MDD {
			t.Fatalf("%s did not move beyond the detectable difference: %+v", dim, dt)
		}
	}
	d = parseHTML(t, lead.get("/board/departments/"+dept.ID+"?lang=en&pulse="+next.ID).body)
	if v := text(d.byID("verdict-heading")); !strings.HasSuffix(v, "GO") {
		t.Fatalf("the department after the plan: %q, want GO", v)
	}
	if h := text(d.byID("progress-heading")); h != "Action plan after "+e.demo.Baseline.Name+" and what this pulse shows" {
		t.Fatalf("progress heading %q", h)
	}
	rows := within(d.byID("plan-progress"), tag("tr", "class", "progress-up"))
	if len(rows) != 2 {
		t.Fatalf("%d themes demonstrably higher, want 2", len(rows))
	}
	for i, dim := range []string{"pride", "content"} {
		cells := within(rows[i], tag("td"))
		dt := trend[dim]
		wantMDD := strings.TrimSpace(fmtEN(dt.MDD))
		if !strings.HasPrefix(text(cells[0]), "+"+fmtEN(dt.Diff)+" (") || text(cells[1]) != wantMDD || text(cells[2]) != "demonstrably higher" {
			t.Errorf("%s: %q %q %q, want +%s, MDD %s", dim, text(cells[0]), text(cells[1]), text(cells[2]), fmtEN(dt.Diff), wantMDD)
		}
	}
	// The baseline's plan is read-only now; a GO department gets no plan.
	if p := lead.addAction(dept.ID, base, url.Values{"title": {"late"}, "theme": {"pride"}, "owner": {"hr"}, "due": {"2027-01-01"}}); p.status != http.StatusConflict {
		t.Errorf("adding to the plan of an older pulse: %d", p.status)
	}
	if p := lead.addAction(dept.ID, next.ID, url.Values{"title": {"x"}, "theme": {"pride"}, "owner": {"hr"}, "due": {"2027-01-01"}}); p.status != http.StatusConflict ||
		!strings.Contains(p.body, "This department is GO") {
		t.Errorf("adding a plan for a GO department: %d", p.status)
	}

	// The department PDF of the follow-up shows the plan and the change.
	id := jobID(t, lead.postReport(url.Values{"pulse": {next.ID}, "report_lang": {"en"}}))
	if j := e.waitJob(id, e.user("lead.fix@example.org")); j.Status != survey.ReportDone {
		t.Fatalf("report job %+v", j)
	}
	pdf := reportPDFText(t, []byte(lead.get("/reports/"+id+"/pdf").body))
	for _, want := range []string{
		"Action plan after " + e.demo.Baseline.Name, "Career paths for agents", "teamleider", "HR-adviseur", "2027-03-31", "in progress",
		"Change per theme of the plan since " + e.demo.Baseline.Name,
		"+" + fmtEN(trend["pride"].Diff), "+" + fmtEN(trend["content"].Diff), fmtEN(trend["pride"].MDD),
	} {
		if !strings.Contains(pdf, want) {
			t.Errorf("the department PDF lacks %q", want)
		}
	}
}

// fmtEN is a figure as the English console and report print it.
func fmtEN(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }

// Bad input gets a clear error in the user's language and changes
// nothing: an unknown theme, a bad date, too long a text, a sixth action,
// a lead of another department, a GO department; the API refuses the same
// with the same keys, and a viewer reads the plan but cannot change it.
func TestActionPlanRefusesBadInputAndChangesNothing(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newConsoleEnv(t, dsn, server.Config{})
		dept := e.fixFirstDepartment()
		base := e.demo.Baseline.ID
		admin := e.browser()
		admin.login("admin@example.org")
		good := func() url.Values {
			return url.Values{"title": {"Werkdruk omlaag"}, "theme": {"pride"}, "owner": {"teamleider"}, "due": {"2027-03-31"}}
		}
		for _, c := range []struct {
			field, value, en, nl string
		}{
			{"theme", "salary", "Choose a theme of the questionnaire.", "Kies een thema van de vragenlijst."},
			{"due", "31-03-2027", "Give a date such as 2027-03-31.", "Geef een datum als 2027-03-31."},
			{"title", strings.Repeat("x", 301), "An action has at most 300 characters.", "Een actie heeft hoogstens 300 tekens."},
			{"owner", "", "Give an owner: a role, such as team lead.", "Geef een eigenaar: een rol, zoals teamleider."},
		} {
			for lang, want := range map[string]string{"en": c.en, "nl": c.nl} {
				f := good()
				f.Set(c.field, c.value)
				f.Set("_csrf", admin.csrf("/board/departments/"+dept.ID+"?pulse="+base))
				f.Set("pulse", base)
				p := admin.post("/board/departments/"+dept.ID+"/actions?lang="+lang, f)
				if p.status != http.StatusBadRequest {
					t.Fatalf("%s=%.20q (%s): status %d", c.field, c.value, lang, p.status)
				}
				d := parseHTML(t, p.body)
				if got := text(d.byID("action-error")); got != want {
					t.Errorf("%s (%s): error %q, want %q", c.field, lang, got, want)
				}
				if c.field != "title" && attr(d.byID("action-title"), "value") != "Werkdruk omlaag" {
					t.Errorf("%s (%s): the form lost what was typed", c.field, lang)
				}
			}
		}
		if acts, err := e.store.Actions(ctx, base, dept.ID); err != nil || len(acts) != 0 {
			t.Fatalf("bad input stored %d actions (%v)", len(acts), err)
		}
		// Five actions through the API, then the sixth is refused.
		tok := e.token("admin@example.org")
		path := "/api/v1/pulses/" + base + "/departments/" + dept.ID + "/actions"
		var created struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		}
		for i := range survey.MaxActions {
			code, body := e.api("POST", path, tok, `{"theme":"topic:`+firstTopic(t)+`","title":"actie `+strconv.Itoa(i)+`","owner":"HR","due":"2027-01-0`+strconv.Itoa(i+1)+`"}`)
			if code != http.StatusCreated {
				t.Fatalf("API action %d: %d %s", i, code, body)
			}
			if i == 0 {
				if err := json.Unmarshal([]byte(body), &created); err != nil || created.Status != "planned" {
					t.Fatalf("created %s", body)
				}
			}
		}
		if code, body := e.api("POST", path, tok, `{"theme":"pride","title":"zesde","owner":"HR","due":"2027-02-01"}`); code != http.StatusBadRequest ||
			!strings.Contains(body, `"code":"action_too_many"`) {
			t.Fatalf("sixth action: %d %s", code, body)
		}
		if p := admin.addAction(dept.ID, base, good()); p.status != http.StatusBadRequest ||
			text(parseHTML(t, p.body).byID("action-error")) != "An action plan has at most five actions: finish or drop one before adding another." {
			t.Fatalf("sixth action in the form: %d", p.status)
		}
		if code, body := e.api("PUT", path+"/"+created.ID, tok, `{"theme":"topic:`+firstTopic(t)+`","title":"actie 0","owner":"HR","due":"2027-01-01","status":"done"}`); code != http.StatusOK ||
			!strings.Contains(body, `"status":"done"`) {
			t.Fatalf("API status change: %d %s", code, body)
		}
		if code, body := e.api("PUT", path+"/"+created.ID, tok, `{"theme":"pride","title":"actie 0","owner":"HR","due":"2027-01-01","status":"later"}`); code != http.StatusBadRequest ||
			!strings.Contains(body, `"code":"action_status_invalid"`) {
			t.Fatalf("API bad status: %d %s", code, body)
		}
		// A lead of another department, and a GO department.
		other := e.token("lead@example.org")
		if code, body := e.api("POST", path, other, `{"theme":"pride","title":"x","owner":"HR","due":"2027-02-01"}`); code != http.StatusForbidden ||
			!strings.Contains(body, "action_lead_other") {
			t.Fatalf("lead of another department: %d %s", code, body)
		}
		if code, _ := e.api("GET", path, other, ""); code != http.StatusForbidden {
			t.Fatalf("lead of another department reads the plan: %d", code)
		}
		otherLead := e.browser()
		otherLead.login("lead@example.org")
		f := good()
		f.Set("_csrf", otherLead.csrf("/board"))
		f.Set("pulse", base)
		if p := otherLead.post("/board/departments/"+dept.ID+"/actions", f); p.status != http.StatusForbidden {
			t.Fatalf("lead of another department through the form: %d", p.status)
		}
		goPath := "/api/v1/pulses/" + base + "/departments/" + e.lead.ID + "/actions"
		if code, body := e.api("POST", goPath, tok, `{"theme":"pride","title":"x","owner":"HR","due":"2027-02-01"}`); code != http.StatusConflict ||
			!strings.Contains(body, `"code":"action_department_go"`) {
			t.Fatalf("GO department: %d %s", code, body)
		}
		viewer := e.token("viewer@example.org")
		code, body := e.api("GET", path, viewer, "")
		var plan struct {
			Actions []struct{ Status string } `json:"actions"`
			Log     []struct {
				Kind       string `json:"kind"`
				FromStatus string `json:"from_status"`
				By         string `json:"by"`
			} `json:"log"`
		}
		if code != http.StatusOK || json.Unmarshal([]byte(body), &plan) != nil || len(plan.Actions) != survey.MaxActions ||
			len(plan.Log) != survey.MaxActions+1 || plan.Log[0].Kind != "status" || plan.Log[0].FromStatus != "planned" || plan.Log[0].By != "admin@example.org" {
			t.Fatalf("plan as the viewer reads it: %d %s", code, body)
		}
		if code, _ := e.api("POST", path, viewer, `{"theme":"pride","title":"x","owner":"HR","due":"2027-02-01"}`); code != http.StatusForbidden {
			t.Fatalf("viewer changes a plan: %d", code)
		}
	})
}

// firstTopic is a promise/reality topic of the demo's questionnaire.
func firstTopic(t *testing.T) string {
	t.Helper()
	q, err := questionnaires.Load("advocacy-readiness")
	if err != nil {
		t.Fatal(err)
	}
	return q.Pairs()[0].Topic
}
