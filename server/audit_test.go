package server_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"trots/accounts"
	"trots/server"
	"trots/survey"
	"trots/survey/storetest"
)

// newest returns the newest entry of action, failing the test without one.
func (e *consoleEnv) newestAudit(action string) survey.AuditEntry {
	e.t.Helper()
	got, err := e.store.ListAudit(ctx, survey.AuditFilter{Action: action, Limit: 1})
	if err != nil {
		e.t.Fatal(err)
	}
	if len(got) == 0 {
		e.t.Fatalf("no %s entry in the audit log", action)
	}
	return got[0]
}

// waitReport polls the store until the report job has finished.
func (e *consoleEnv) waitReport(id, email string) {
	e.t.Helper()
	u, err := accounts.New(e.store).UserByEmail(ctx, email)
	if err != nil {
		e.t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	wait := 5 * time.Millisecond
	for {
		j, err := e.store.ReportJob(ctx, id, u.ID)
		if err != nil {
			e.t.Fatal(err)
		}
		if !j.Active() {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("report %s unfinished after 60 s", id)
		}
		time.Sleep(wait)
		wait = min(2*wait, 200*time.Millisecond)
	}
}

// Every administrative action, in the console, through the API and at
// sign-in, leaves an entry naming who did what to which object - and
// nothing a respondent or a password could be recovered from.
func TestEveryAdministrativeActionIsAudited(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newConsoleEnv(t, dsn, server.Config{LoginBurst: 1000})
		baseline, open := e.demo.Baseline, e.demo.Open
		own := e.lead
		token := e.token("admin@example.org")
		admin, viewer := e.browser(), e.browser()
		secrets := []string{testPassword, "wrong password 123", "a secret typed by mistake", "K. Jansen eerst aanspreken", token}
		for _, d := range e.demo.Departments {
			secrets = append(secrets, d.Link.Code)
		}
		var jobID string
		var newDept string
		steps := []struct {
			name      string
			do        func()
			actor     string
			action    string
			object    string // a part of the object
			detail    string // a part of the detail
			sensitive *bool
		}{
			{name: "sign-in", do: func() { admin.login("admin@example.org") },
				actor: "admin@example.org", action: "login.success", object: "account admin@example.org"},
			{name: "failed sign-in of an account", do: func() {
				p := e.browser().post("/login", url.Values{"email": {"admin@example.org"}, "password": {"wrong password 123"}})
				if p.status != http.StatusUnauthorized {
					t.Fatalf("wrong password: %d", p.status)
				}
			}, actor: "anonymous", action: "login.failed", object: "account admin@example.org", detail: "wrong password"},
			{name: "failed sign-in of nobody", do: func() {
				e.browser().post("/login", url.Values{"email": {"nobody@example.org"}, "password": {"a secret typed by mistake"}})
			}, actor: "anonymous", action: "login.failed", object: "unknown account", detail: "no such account"},
			{name: "department created", do: func() {
				p := admin.post("/departments", url.Values{"_csrf": {admin.csrf("/departments")}, "name": {"Audit Room"}, "headcount": {"7"}, "externally_visible": {"on"}})
				if p.status != http.StatusSeeOther {
					t.Fatalf("create: %d", p.status)
				}
				deps, _ := e.store.Departments(ctx)
				for _, d := range deps {
					if d.Name == "Audit Room" {
						newDept = d.ID
					}
				}
			}, actor: "admin@example.org", action: "department.create", object: "(Audit Room)", detail: "headcount 7", sensitive: new(false)},
			{name: "department renamed after a pulse opened", do: func() {
				p := admin.post("/departments/"+own.ID, url.Values{"_csrf": {admin.csrf("/departments/" + own.ID)}, "name": {own.Name + " Noord"},
					"headcount": {strconv.Itoa(own.Headcount)}, "externally_visible": {"on"}})
				if p.status != http.StatusSeeOther {
					t.Fatalf("rename: %d", p.status)
				}
			}, actor: "admin@example.org", action: "department.rename", object: own.ID, detail: own.Name + " Noord", sensitive: new(true)},
			{name: "headcount changed", do: func() {
				admin.post("/departments/"+own.ID, url.Values{"_csrf": {admin.csrf("/departments/" + own.ID)}, "name": {own.Name + " Noord"},
					"headcount": {strconv.Itoa(own.Headcount + 3)}, "externally_visible": {"on"}})
			}, actor: "admin@example.org", action: "department.headcount", object: own.ID,
				detail: "headcount " + strconv.Itoa(own.Headcount) + " -> " + strconv.Itoa(own.Headcount+3), sensitive: new(true)},
			{name: "department deleted", do: func() {
				p := admin.post("/departments/"+newDept+"/delete", url.Values{"_csrf": {admin.csrf("/departments/" + newDept)}, "confirm": {"yes"}})
				if p.status != http.StatusSeeOther {
					t.Fatalf("delete: %d", p.status)
				}
			}, actor: "admin@example.org", action: "department.delete", object: "(Audit Room)", sensitive: new(true)},
			{name: "departments imported", do: func() {
				p := admin.post("/departments/import", url.Values{"_csrf": {admin.csrf("/departments")}, "csv": {"name,headcount,externally_visible\nImported Room,9,yes\n"}})
				if p.status != http.StatusSeeOther {
					t.Fatalf("import: %d %s", p.status, p.body)
				}
			}, actor: "admin@example.org", action: "department.import", detail: "1 created", sensitive: new(false)},
			{name: "department through the API", do: func() {
				if code, body := e.api("POST", "/api/v1/departments", token, `{"name":"API Room","headcount":4,"externally_visible":true}`); code != http.StatusCreated {
					t.Fatalf("API create: %d %s", code, body)
				}
			}, actor: "admin@example.org", action: "department.create", object: "(API Room)", detail: "(API)"},
			{name: "pulse created", do: func() {
				if code, body := e.api("POST", "/api/v1/pulses", token, `{"name":"Audit pulse","questionnaire":"pulse"}`); code != http.StatusCreated {
					t.Fatalf("pulse: %d %s", code, body)
				}
			}, actor: "admin@example.org", action: "pulse.create", object: "(Audit pulse)"},
			{name: "survey links shown", do: func() {
				if p := admin.get("/pulses/" + open.ID + "/links"); p.status != http.StatusOK {
					t.Fatalf("links: %d", p.status)
				}
			}, actor: "admin@example.org", action: "links.view", object: open.ID, sensitive: new(true)},
			{name: "QR code downloaded", do: func() {
				if p := admin.get("/pulses/" + open.ID + "/links/" + own.ID + "/qr.svg"); p.status != http.StatusOK {
					t.Fatalf("qr: %d", p.status)
				}
			}, actor: "admin@example.org", action: "links.download", object: own.ID, detail: "QR code (svg)", sensitive: new(true)},
			{name: "poster downloaded", do: func() {
				if p := admin.get("/pulses/" + open.ID + "/links/" + own.ID + "/poster.pdf?lang=en"); p.status != http.StatusOK {
					t.Fatalf("poster: %d", p.status)
				}
			}, actor: "admin@example.org", action: "links.download", object: own.ID, detail: "poster (en)", sensitive: new(true)},
			{name: "invitations issued", do: func() {
				p := admin.post("/pulses/"+open.ID+"/links/"+own.ID+"/invitations", url.Values{"_csrf": {admin.csrf("/pulses/" + open.ID + "/links")}, "count": {"3"}})
				if p.status != http.StatusOK {
					t.Fatalf("invitations: %d", p.status)
				}
				for _, line := range strings.Split(p.body, "\n") {
					if i := strings.Index(line, "/i/"); i >= 0 {
						secrets = append(secrets, strings.TrimSpace(line[i+3:]))
					}
				}
			}, actor: "admin@example.org", action: "invitations.issue", object: own.ID, detail: "3 single-use invitations", sensitive: new(true)},
			{name: "board exported", do: func() {
				viewer.login("viewer@example.org")
				if p := viewer.get("/board.csv?pulse=" + baseline.ID); p.status != http.StatusOK {
					t.Fatalf("csv: %d", p.status)
				}
			}, actor: "viewer@example.org", action: "export.board_csv", object: baseline.ID},
			{name: "decision recorded", do: func() {
				path := "/board/departments/" + own.ID + "?pulse=" + baseline.ID
				p := viewer.post("/board/departments/"+own.ID+"/decisions", url.Values{"_csrf": {viewer.csrf(path)}, "pulse": {baseline.ID},
					"choice": {"no_go"}, "note": {"K. Jansen eerst aanspreken"}})
				if p.status != http.StatusSeeOther {
					t.Fatalf("decision: %d", p.status)
				}
			}, actor: "viewer@example.org", action: "decision.record", object: own.ID, detail: "choice no_go"},
			{name: "report requested", do: func() {
				p := admin.post("/reports", url.Values{"_csrf": {admin.csrf("/reports")}, "pulse": {baseline.ID}, "department": {own.ID}, "report_lang": {"en"}})
				if p.status != http.StatusSeeOther {
					t.Fatalf("report: %d %s", p.status, p.body)
				}
				loc := strings.TrimPrefix(p.header.Get("Location"), "/reports/")
				jobID, _, _ = strings.Cut(loc, "?")
			}, actor: "admin@example.org", action: "report.request", object: own.ID, detail: "department report (en)"},
			{name: "report downloaded", do: func() {
				e.waitReport(jobID, "admin@example.org")
				if p := admin.get("/reports/" + jobID + "/pdf"); p.status != http.StatusOK {
					t.Fatalf("pdf: %d", p.status)
				}
			}, actor: "admin@example.org", action: "report.download", object: jobID},
			{name: "audit log exported", do: func() {
				if p := admin.get("/audit.csv"); p.status != http.StatusOK || !strings.Contains(p.body, "department.rename") {
					t.Fatalf("audit csv: %d", p.status)
				}
			}, actor: "admin@example.org", action: "audit.export", detail: "csv"},
		}
		for _, st := range steps {
			st.do()
			got := e.newestAudit(st.action)
			if got.Actor != st.actor || !strings.Contains(got.Object, st.object) || !strings.Contains(got.Detail, st.detail) ||
				st.sensitive != nil && got.Sensitive != *st.sensitive {
				t.Errorf("%s: got %+v, want actor %s, object with %q, detail with %q, sensitive %v", st.name, got, st.actor, st.object, st.detail, st.sensitive)
			}
			if time.Since(got.At) > time.Minute {
				t.Errorf("%s: recorded at %v", st.name, got.At)
			}
		}
		all, err := e.store.ListAudit(ctx, survey.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range all {
			line := a.Actor + " " + a.Object + " " + a.Detail
			for _, s := range secrets {
				if s != "" && strings.Contains(line, s) {
					t.Errorf("the audit log holds %q: %+v", s, a)
				}
			}
			if strings.Contains(line, "nobody@example.org") {
				t.Errorf("an unknown address tried at sign-in is in the log: %+v", a)
			}
		}
	})
}

// The works council reads the audit log and the board's verdicts, and
// nothing an administrator's or manager's view adds.
func TestCouncilSeesTheAuditLogAndVerdictsOnly(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	if _, err := accounts.New(e.store).CreateUser(ctx, accounts.User{Email: "or@example.org", Role: accounts.RoleCouncil}, testPassword); err != nil {
		t.Fatal(err)
	}
	own, baseline := e.lead, e.demo.Baseline
	viewer := e.browser()
	viewer.login("viewer@example.org")
	path := "/board/departments/" + own.ID + "?pulse=" + baseline.ID
	note := "Teamleider K. Jansen eerst aanspreken"
	if p := viewer.post("/board/departments/"+own.ID+"/decisions", url.Values{"_csrf": {viewer.csrf(path)}, "pulse": {baseline.ID},
		"choice": {"go"}, "note": {note}}); p.status != http.StatusSeeOther {
		t.Fatalf("decision: %d", p.status)
	}
	council := e.browser()
	council.login("or@example.org")

	board := council.get("/board?pulse=" + baseline.ID)
	if board.status != http.StatusOK || !strings.Contains(board.body, own.Name) {
		t.Fatalf("board: %d", board.status)
	}
	d := parseHTML(t, board.body)
	if len(d.all(tag("a", "href", "/audit"))) != 1 || len(d.all(tag("a", "href", "/reports"))) != 0 {
		t.Error("the council's navigation should offer the audit log and no reports")
	}
	for _, a := range d.all(tag("a")) {
		if strings.HasPrefix(attr(a, "href"), "/board.csv") {
			t.Error("the council's board offers the CSV (with decision notes)")
		}
	}
	dept := council.get(path)
	if dept.status != http.StatusOK || strings.Contains(dept.body, note) || strings.Contains(dept.body, `id="decision-form"`) {
		t.Errorf("department page for the council: status %d, note or decision form shown", dept.status)
	}
	if !strings.Contains(dept.body, `id="decision-log"`) {
		t.Error("the council should see that a decision was recorded")
	}
	if vp := viewer.get(path); !strings.Contains(vp.body, note) {
		t.Error("the viewer should see the note (test premise)")
	}
	audit := council.get("/audit")
	if audit.status != http.StatusOK || !strings.Contains(audit.body, "decision.record") {
		t.Fatalf("audit page: %d", audit.status)
	}
	for _, forbidden := range []string{"/reports", "/board.csv?pulse=" + baseline.ID, "/departments", "/departments/" + own.ID,
		"/pulses", "/pulses/" + e.demo.Open.ID + "/links", "/pulses/" + e.demo.Open.ID + "/links/" + own.ID + "/qr.svg",
		"/participation", "/users"} {
		if p := council.get(forbidden); p.status != http.StatusForbidden {
			t.Errorf("council GET %s: %d, want 403", forbidden, p.status)
		}
	}
	tok := e.token("or@example.org")
	if code, body := e.api("GET", "/api/v1/audit", tok, ""); code != http.StatusOK || !strings.Contains(body, "decision.record") {
		t.Errorf("council API audit: %d %s", code, body)
	}
	for _, p := range []string{"/api/v1/pulses/" + baseline.ID + "/decisions", "/api/v1/departments", "/api/v1/pulses/" + baseline.ID + "/results"} {
		if code, _ := e.api("GET", p, tok, ""); code != http.StatusForbidden {
			t.Errorf("council API %s: %d, want 403", p, code)
		}
	}
	// A lead and a viewer do not read the audit log.
	if p := viewer.get("/audit"); p.status != http.StatusForbidden {
		t.Errorf("viewer /audit: %d", p.status)
	}
}

// /audit filters by action and period, pages without JavaScript, and
// says what is wrong with a bad date; the API pages the same way.
func TestAuditPageFiltersAndPages(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	for i := 0; i < 60; i++ {
		if err := e.store.AppendAudit(ctx, survey.AuditEntry{Actor: "cli:hr", Action: "user.add", Object: "account u" + strconv.Itoa(i) + "@example.org"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.store.AppendAudit(ctx, survey.AuditEntry{Actor: "hr@example.org", Action: "department.headcount", Object: "department x (ICT)", Detail: "headcount 12 -> 4", Sensitive: true}); err != nil {
		t.Fatal(err)
	}
	admin := e.browser()
	admin.login("admin@example.org")
	first := admin.get("/audit?lang=en")
	d := parseHTML(t, first.body)
	rows := d.all(tag("tr", "class~", "audit-entry"))
	if first.status != http.StatusOK || len(rows) != 50 {
		t.Fatalf("first page: %d, %d rows", first.status, len(rows))
	}
	next := d.all(tag("a", "id", "audit-next"))
	if len(next) != 1 {
		t.Fatal("no link to older entries")
	}
	second := parseHTML(t, admin.get(attr(next[0], "href")).body)
	if n := len(second.all(tag("tr", "class~", "audit-entry"))); n != 12 { // 61 + the login - 50
		t.Errorf("second page: %d rows, want 12", n)
	}
	marked := parseHTML(t, admin.get("/audit?action=department&sensitive=1").body).all(tag("tr", "class~", "sensitive"))
	if len(marked) != 1 || !strings.Contains(text(marked[0]), "headcount 12 -> 4") {
		t.Errorf("filtered: %d rows", len(marked))
	}
	today := time.Now().Format(time.DateOnly)
	if n := len(parseHTML(t, admin.get("/audit?action=user.add&from="+today+"&to="+today).body).all(tag("tr", "class~", "audit-entry"))); n != 50 {
		t.Errorf("today's user.add: %d rows, want a full page", n)
	}
	bad := admin.get("/audit?lang=en&from=31-12-2026")
	if bad.status != http.StatusBadRequest || !strings.Contains(bad.body, "yyyy-mm-dd") {
		t.Errorf("bad date: %d", bad.status)
	}
	tok := e.token("admin@example.org")
	code, body := e.api("GET", "/api/v1/audit?limit=40&action=user", tok, "")
	var page struct {
		Entries []struct {
			ID     int64  `json:"id"`
			Action string `json:"action"`
		} `json:"entries"`
		Next *int64 `json:"next"`
	}
	if err := json.Unmarshal([]byte(body), &page); err != nil || code != http.StatusOK || len(page.Entries) != 40 || page.Next == nil {
		t.Fatalf("API page: %d %s", code, body)
	}
	code, body = e.api("GET", "/api/v1/audit?limit=40&action=user&before="+strconv.FormatInt(*page.Next, 10), tok, "")
	page.Next = nil
	if err := json.Unmarshal([]byte(body), &page); err != nil || code != http.StatusOK || len(page.Entries) != 20 || page.Next != nil {
		t.Fatalf("API second page: %d %d entries", code, len(page.Entries))
	}
	if code, body := e.api("GET", "/api/v1/audit?limit=0", tok, ""); code != http.StatusBadRequest || !strings.Contains(body, "audit_bad_limit") {
		t.Errorf("bad limit: %d %s", code, body)
	}
}

// The Users page shows each account's last sign-in and each API token's
// expiry and last use, for the access review.
func TestUsersPageShowsTheLastSignIn(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	tok := e.token("viewer@example.org")
	if code, _ := e.api("GET", "/api/v1/pulses", tok, ""); code != http.StatusOK {
		t.Fatalf("token use: %d", code)
	}
	admin := e.browser()
	admin.login("admin@example.org")
	d := parseHTML(t, admin.get("/users?lang=en").body)
	tokens := d.all(tag("table", "id", "tokens"))
	if len(tokens) != 1 {
		t.Fatal("no table of API tokens")
	}
	row := text(tokens[0])
	now := time.Now()
	if !strings.Contains(row, "viewer@example.org") || !strings.Contains(row, now.AddDate(0, 0, 90).Format("2006-01-02")) ||
		!strings.Contains(row, now.UTC().Format("2006-01-02")) {
		t.Errorf("API tokens: %q, want the viewer's token expiring in 90 days and used today", row)
	}
	seen := 0
	accounts := d.all(tag("table", "id", "users"))
	if len(accounts) != 1 {
		t.Fatal("no table of accounts")
	}
	for _, row := range (doc{t: t, root: accounts[0]}).all(tag("tr")) {
		cells := doc{t: t, root: row}.all(tag("td"))
		if len(cells) < 5 {
			continue
		}
		email, last := text(cells[0]), text(cells[4])
		switch email {
		case "admin@example.org":
			seen++
			if _, err := time.ParseInLocation("2006-01-02 15:04 MST", last, time.Local); err != nil {
				t.Errorf("admin's last sign-in %q", last)
			}
		case "viewer@example.org":
			seen++
			if last != "never" {
				t.Errorf("viewer's last sign-in %q, want never", last)
			}
		}
	}
	if seen != 2 {
		t.Fatalf("found %d of the accounts", seen)
	}
}

// An API token past its expiry is refused with its own code.
func TestExpiredAPITokenIsRefusedWithItsOwnCode(t *testing.T) {
	clock := time.Now()
	st, err := survey.Open(ctx, storetest.SQLiteDSN(t), survey.Options{Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := accounts.New(st).CreateUser(ctx, accounts.User{Email: "bi@example.org", Role: accounts.RoleAdmin}, testPassword); err != nil {
		t.Fatal(err)
	}
	tok, err := accounts.New(st).NewAPITokenFor(ctx, "bi@example.org", "bi", 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(server.Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)), st, accounts.New(st)).Handler())
	t.Cleanup(srv.Close)
	get := func() (int, string) {
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/audit?lang=en", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(); code != http.StatusOK {
		t.Fatalf("fresh token: %d %s", code, body)
	}
	clock = clock.Add(25 * time.Hour)
	if code, body := get(); code != http.StatusUnauthorized || !strings.Contains(body, `"api_token_expired"`) || !strings.Contains(body, "expired") {
		t.Fatalf("expired token: %d %s", code, body)
	}
}
