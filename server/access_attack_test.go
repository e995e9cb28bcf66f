package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"trots/accounts"
	"trots/server"
	"trots/server/oidctest"
	"trots/survey"
	"trots/survey/storetest"
)

// Access control attacked as an outsider would, over real HTTP on
// loopback: every test here first failed against the code it guards.

// A lead reads the open comments only when the pulse lets leads read them
// (results.CommentsVisible): the reports keep to it, and so must the JSON
// API, whose figures are the analysis' own.
func TestAttackLeadReadsCommentsThroughTheAPI(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	comments := func(email string) int {
		t.Helper()
		code, body := e.api("GET", "/api/v1/pulses/"+e.demo.Baseline.ID+"/results", e.token(email), "")
		if code != http.StatusOK {
			t.Fatalf("%s: results %d %s", email, code, body)
		}
		var doc struct {
			Departments []struct {
				DepartmentID string `json:"department_id"`
				Figures      *struct {
					Comments []string `json:"comments"`
				} `json:"figures"`
			} `json:"departments"`
		}
		if err := json.Unmarshal([]byte(body), &doc); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, d := range doc.Departments {
			if d.DepartmentID == e.lead.ID && d.Figures != nil {
				n += len(d.Figures.Comments)
			}
		}
		return n
	}
	if p, err := e.store.Pulse(ctx, e.demo.Baseline.ID); err != nil || p.LeadComments {
		t.Fatalf("the demo pulse lets leads read comments: %+v, %v", p, err)
	}
	if comments("admin@example.org") == 0 {
		t.Fatalf("HR sees no comments of %s: nothing to test", e.lead.Name)
	}
	if n := comments("lead@example.org"); n != 0 {
		t.Fatalf("the lead read %d open comments through the API of a pulse that does not let leads read them", n)
	}
}

// A finished report was made for the role its maker had then. Once an
// administrator changes the role or the department, the job is gone: a
// viewer made lead no longer downloads the organisation's report (PDF,
// HTML page or API), nor gets a department's report with the comments a
// lead may not read handed out again; a lead moved to another department
// no longer downloads the old branch's report.
func TestAttackReportOutlivesTheRoleItWasMadeFor(t *testing.T) {
	e := newReportsEnv(t, storetest.SQLiteDSN(t))
	admin := e.browser()
	admin.login("admin@example.org")
	setRole := func(email, role, dept string) {
		t.Helper()
		id := e.userID(email)
		p := admin.post("/users/"+id+"/role", url.Values{"_csrf": {admin.csrf("/users/" + id)}, "role": {role}, "department": {dept}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("role of %s: %d", email, p.status)
		}
	}
	done := func(b *browser, email string, form url.Values) string {
		t.Helper()
		id := jobID(t, b.postReport(form))
		if j := e.waitJob(id, e.user(email)); j.Status != survey.ReportDone {
			t.Fatalf("%s's job: %+v", email, j)
		}
		return id
	}
	const heading = "In their own words"

	viewer := e.browser()
	viewer.login("viewer@example.org")
	viewerToken := e.token("viewer@example.org")
	org := done(viewer, "viewer@example.org", url.Values{"pulse": {e.demo.Baseline.ID}, "report_lang": {"en"}})
	dept := done(viewer, "viewer@example.org", url.Values{"pulse": {e.demo.Baseline.ID}, "department": {e.lead.ID}, "report_lang": {"en"}})
	if p := viewer.get("/reports/" + org + "/pdf"); p.status != http.StatusOK {
		t.Fatalf("the viewer's own organisation report: %d", p.status)
	}
	if txt := reportPDFText(t, []byte(viewer.get("/reports/"+dept+"/pdf").body)); !strings.Contains(txt, heading) {
		t.Fatal("the viewer's department report has no comments: nothing to test")
	}

	setRole("viewer@example.org", "lead", e.lead.ID)
	for _, path := range []string{"/reports/" + org, "/reports/" + org + "/pdf", "/reports/" + org + "/html", "/reports/" + dept + "/pdf"} {
		if p := viewer.get(path); p.status != http.StatusNotFound {
			t.Errorf("after becoming a lead, GET %s: %d, want 404", path, p.status)
		}
	}
	for _, path := range []string{"/api/v1/reports/" + org, "/api/v1/reports/" + org + "/pdf"} {
		if code, _ := e.api("GET", path, viewerToken, ""); code != http.StatusNotFound {
			t.Errorf("after becoming a lead, API GET %s: %d, want 404", path, code)
		}
	}
	// Asked again as a lead, the department's report is made anew,
	// without the comments.
	again := done(viewer, "viewer@example.org", url.Values{"pulse": {e.demo.Baseline.ID}, "department": {e.lead.ID}, "report_lang": {"en"}})
	if again == dept {
		t.Error("the report made for the viewer was handed out again to the lead")
	}
	if txt := reportPDFText(t, []byte(viewer.get("/reports/"+again+"/pdf").body)); strings.Contains(txt, heading) {
		t.Error("the lead's report shows the comments the viewer's had")
	}

	// A lead moved to another department loses the old branch's report.
	lead := e.browser()
	lead.login("lead@example.org")
	own := done(lead, "lead@example.org", url.Values{"pulse": {e.demo.Baseline.ID}, "report_lang": {"en"}})
	other := e.demo.Departments[len(e.demo.Departments)-1].Department
	if other.ID == e.lead.ID {
		t.Fatal("the demo has one department")
	}
	setRole("lead@example.org", "lead", other.ID)
	if p := lead.get("/reports/" + own + "/pdf"); p.status != http.StatusNotFound {
		t.Errorf("a lead moved elsewhere downloads the old department's report: %d", p.status)
	}
}

// Disabling an account ends its API tokens, as the audit log says ("sessions
// and API tokens ended"): enabling it again does not bring them back, so an
// administrator who disables an account over a leaked token is done.
func TestAttackReenablingRevivesAPITokens(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	admin := e.token("admin@example.org")
	leaked := e.token("viewer@example.org")
	vid := e.userID("viewer@example.org")
	if code, _ := e.api("GET", "/api/v1/pulses", leaked, ""); code != http.StatusOK {
		t.Fatalf("the viewer's token before: %d", code)
	}
	if code, body := e.api("PATCH", "/api/v1/users/"+vid, admin, `{"disabled":true}`); code != http.StatusOK {
		t.Fatalf("disable: %d %s", code, body)
	}
	if code, _ := e.api("GET", "/api/v1/pulses", leaked, ""); code != http.StatusUnauthorized {
		t.Fatalf("a disabled account's token: %d", code)
	}
	if code, body := e.api("PATCH", "/api/v1/users/"+vid, admin, `{"disabled":false}`); code != http.StatusOK {
		t.Fatalf("enable: %d %s", code, body)
	}
	if code, _ := e.api("GET", "/api/v1/pulses", leaked, ""); code != http.StatusUnauthorized {
		t.Errorf("the token ended by disabling works again after enabling: %d", code)
	}
	if toks, err := accounts.New(e.store).APITokens(ctx, "viewer@example.org"); err != nil || len(toks) != 0 {
		t.Errorf("tokens kept after disabling: %+v, %v", toks, err)
	}
}

// One-time links do not outlive the grant they were made under. A reset
// link made before the account was disabled does not work once it is
// enabled again; one made before its role changed does not work after.
// Links an administrator made (an invitation, a reset) die when that
// administrator is disabled or loses the role: otherwise an administrator
// about to be removed could leave an admin invitation to an address of
// their own, or a reset link to another administrator's account, and come
// back after being disabled.
func TestAttackAccountLinksOutliveTheirGrant(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newConsoleEnv(t, dsn, server.Config{})
		tok := e.token("admin@example.org")
		vid := e.userID("viewer@example.org")
		patch := func(id, body string) {
			t.Helper()
			if code, out := e.api("PATCH", "/api/v1/users/"+id, tok, body); code != http.StatusOK {
				t.Fatalf("PATCH %s: %d %s", body, code, out)
			}
		}
		linkPath := func(code int, body string) string {
			t.Helper()
			var l struct{ URL string }
			if code != http.StatusCreated || json.Unmarshal([]byte(body), &l) != nil {
				t.Fatalf("link: %d %s", code, body)
			}
			u, err := url.Parse(l.URL)
			if err != nil {
				t.Fatal(err)
			}
			return u.Path
		}
		reset := func(token, id string) string {
			t.Helper()
			code, body := e.api("POST", "/api/v1/users/"+id+"/reset", token, "")
			return linkPath(code, body)
		}
		dead := func(what, path string) {
			t.Helper()
			if p := e.browser().get(path + "?lang=en"); p.status != http.StatusNotFound && p.status != http.StatusGone {
				t.Errorf("%s: the link still opens (%d)", what, p.status)
			}
		}

		// Disabled and enabled again.
		link := reset(tok, vid)
		patch(vid, `{"disabled":true}`)
		patch(vid, `{"disabled":false}`)
		dead("reset link made before the account was disabled", link)

		// The role changed: a viewer's reset link is not an administrator's.
		link = reset(tok, vid)
		patch(vid, `{"role":"admin"}`)
		dead("reset link made before the account became an administrator", link)
		patch(vid, `{"role":"viewer"}`)

		// A second administrator leaves links behind, then is disabled.
		if code, body := e.api("POST", "/api/v1/users/invitations", tok, `{"email":"rogue@example.org","role":"admin"}`); code != http.StatusCreated {
			t.Fatalf("invite: %d %s", code, body)
		}
		rogueInvite := func() string {
			t.Helper()
			code, body := e.api("POST", "/api/v1/users/invitations", tok, `{"email":"rogue2@example.org","role":"admin"}`)
			return linkPath(code, body)
		}
		if p := e.acceptLink(rogueInvite(), "", "a quiet lighthouse keeper"); p.status != http.StatusOK {
			t.Fatalf("accept: %d", p.status)
		}
		rid := e.userID("rogue2@example.org")
		rogue, err := accounts.New(e.store).NewAPIToken(ctx, "rogue2@example.org", "x")
		if err != nil {
			t.Fatal(err)
		}
		code, body := e.api("POST", "/api/v1/users/invitations", rogue, `{"email":"backdoor@example.org","role":"admin"}`)
		invite := linkPath(code, body)
		takeover := reset(rogue, e.userID("admin@example.org"))
		patch(rid, `{"disabled":true}`)
		dead("admin invitation made by an administrator since disabled", invite)
		dead("reset link of another administrator made by an administrator since disabled", takeover)
		if pending, _ := accounts.New(e.store).PendingInvitations(ctx); len(pending) != 1 || pending[0].Email != "rogue@example.org" {
			t.Errorf("pending invitations: %+v, want only the enabled administrator's", pending)
		}

		// The same when the administrator is made a viewer instead.
		patch(rid, `{"disabled":false}`)
		rogue, err = accounts.New(e.store).NewAPIToken(ctx, "rogue2@example.org", "y")
		if err != nil {
			t.Fatal(err)
		}
		code, body = e.api("POST", "/api/v1/users/invitations", rogue, `{"email":"backdoor@example.org","role":"admin"}`)
		invite = linkPath(code, body)
		patch(rid, `{"role":"viewer"}`)
		dead("admin invitation made by an administrator since made a viewer", invite)
		// The links of the administrator who stays work.
		if p := e.acceptLink(linkPath(e.api("POST", "/api/v1/users/invitations", tok, `{"email":"fine@example.org","role":"viewer"}`)), "",
			"a quiet lighthouse keeper"); p.status != http.StatusOK {
			t.Errorf("an invitation of an enabled administrator: %d", p.status)
		}
	})
}

// The last active administrator stays one also when single sign-on would
// take the role away: the provider's groups no longer name them an
// administrator, so the sign-on is refused (and recorded) rather than
// leaving trots without anyone who can manage it.
func TestAttackSignOnRemovesTheLastAdministrator(t *testing.T) {
	e := newSignOnEnv(t, storetest.SQLiteDSN(t), server.Config{})
	e.op.SetPerson(oidctest.Person{Username: "hr", Password: "pw", Email: "admin@example.org", Groups: []string{"board"}})
	run := e.signOn(t, nil, "/login/signon", "hr", "pw", english)
	if run.status != http.StatusForbidden || !strings.Contains(run.body, "last active HR administrator") {
		t.Errorf("sign-on that demotes the last administrator: %d", run.status)
	}
	if u, err := accounts.New(e.store).UserByEmail(ctx, "admin@example.org"); err != nil || u.Role != accounts.RoleAdmin {
		t.Fatalf("the last administrator after the sign-on: %+v, %v", u, err)
	}
	if refused := e.audit(t, "login.signon_refused"); len(refused) != 1 || !strings.Contains(refused[0].Detail, "last active administrator") {
		t.Errorf("audit log: %+v", refused)
	}
	// With a second administrator the provider's word holds.
	if _, err := accounts.New(e.store).CreateUser(ctx, accounts.User{Email: "hr2@example.org", Role: accounts.RoleAdmin}, testPassword); err != nil {
		t.Fatal(err)
	}
	if run := e.signOn(t, nil, "/login/signon", "hr", "pw", english); run.status != http.StatusOK {
		t.Errorf("sign-on with another administrator left: %d", run.status)
	}
	if u, _ := accounts.New(e.store).UserByEmail(ctx, "admin@example.org"); u.Role != accounts.RoleViewer {
		t.Errorf("role after the sign-on: %s, want viewer", u.Role)
	}
}

// An IPv6 client owns a whole /64 (every home line and server gets one)
// and can send each guess from a new address. The login limits count an
// IPv6 client by its /64, as the survey's limits do (sourceOf): after
// LoginFreeFailures wrong passwords from addresses of one /64, the next
// from yet another address of it is locked out too, the right password
// included; another network is not.
func TestAttackLoginGuessesFromRotatingIPv6Addresses(t *testing.T) {
	proxies, err := server.ParseTrustedProxies("127.0.0.1, ::1")
	must(t, err)
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{TrustedProxies: proxies})
	login := func(client, password string) int {
		t.Helper()
		form := url.Values{"email": {"admin@example.org"}, "password": {password}}
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", client)
		resp, err := e.browser().c.Do(req)
		must(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	for i := range accounts.LoginFreeFailures {
		if s := login("2001:db8:7:9::"+strconv.Itoa(i+1), "wrong password!"); s != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i+1, s)
		}
	}
	if s := login("2001:db8:7:9:ffff::42", testPassword); s != http.StatusTooManyRequests {
		t.Errorf("a further guess from a new address of the same /64: %d, want 429", s)
	}
	if s := login("2001:db8:7:a::1", testPassword); s != http.StatusSeeOther {
		t.Errorf("the right password from another /64: %d, want a login", s)
	}
}

// Guesses sent all at once must not each pass the back-off's check before
// any of them is counted: of many wrong passwords posted in parallel from
// one address, only LoginFreeFailures are checked (401), the rest are
// locked out (429).
func TestAttackParallelGuessesOutrunTheBackOff(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	const n = 20
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.PostForm(e.srv.URL+"/login", url.Values{"email": {"admin@example.org"}, "password": {"wrong password!"}})
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	wg.Wait()
	close(statuses)
	counts := map[int]int{}
	for s := range statuses {
		counts[s]++
	}
	if counts[http.StatusUnauthorized] != accounts.LoginFreeFailures || counts[http.StatusTooManyRequests] != n-accounts.LoginFreeFailures {
		t.Errorf("%d parallel guesses: %v, want %d checked (401) and the rest locked out (429)", n, counts, accounts.LoginFreeFailures)
	}
}

// A lead whose department claim now names another department becomes that
// department's lead at the next sign-on (the provider's word), sees that
// branch and not the old one, and keeps no report job made for the old
// branch; a sign-on that names the same department changes nothing.
func TestAttackSignOnLeadMovedByTheDepartmentClaim(t *testing.T) {
	e := newSignOnEnv(t, storetest.SQLiteDSN(t), server.Config{})
	other := e.demo.Departments[len(e.demo.Departments)-1].Department
	person := oidctest.Person{Username: "lea", Password: "pw", Email: "lea@example.org", Groups: []string{"trots-leads"}, Department: e.lead.Name}
	e.op.SetPerson(person)
	if run := e.signOn(t, nil, "/login/signon", "lea", "pw", english); run.status != http.StatusOK {
		t.Fatalf("first sign-on: %d", run.status)
	}
	u, err := accounts.New(e.store).UserByEmail(ctx, "lea@example.org")
	if err != nil || u.DepartmentID != e.lead.ID {
		t.Fatalf("lead account: %+v, %v", u, err)
	}
	job, err := e.store.CreateReportJob(ctx, survey.ReportJob{UserID: u.ID, PulseID: e.demo.Baseline.ID, DepartmentID: e.lead.ID, Lang: "en"},
		survey.ReportLimits{MaxActive: 5})
	if err != nil {
		t.Fatal(err)
	}
	// The same department again: the job stays.
	if run := e.signOn(t, nil, "/login/signon", "lea", "pw", english); run.status != http.StatusOK {
		t.Fatalf("second sign-on: %d", run.status)
	}
	if _, err := e.store.ReportJob(ctx, job.ID, u.ID); err != nil {
		t.Fatalf("a sign-on that changed nothing ended the report job: %v", err)
	}
	person.Department = other.Name
	e.op.SetPerson(person)
	run := e.signOn(t, nil, "/login/signon", "lea", "pw", english)
	if run.status != http.StatusOK {
		t.Fatalf("sign-on with another department: %d", run.status)
	}
	b := run.browser(t, e)
	if p := b.get("/board/departments/" + e.lead.ID + "?pulse=" + e.demo.Baseline.ID); p.status != http.StatusForbidden {
		t.Errorf("the moved lead on the old department: %d, want 403", p.status)
	}
	if p := b.get("/board/departments/" + other.ID + "?pulse=" + e.demo.Baseline.ID); p.status != http.StatusOK {
		t.Errorf("the moved lead on the new department: %d", p.status)
	}
	if _, err := e.store.ReportJob(ctx, job.ID, u.ID); survey.ErrorCode(err) != survey.ENotFound {
		t.Errorf("the old branch's report job outlived the move: %v", err)
	}
}

// A lead is served only report jobs that lie in the own branch as it is
// now, whatever the store holds: a job of the organisation or of another
// department under the lead's account (one asked for in the instant the
// role changed) is not found, on the console and the API.
func TestAttackLeadJobOutsideTheBranchIsNotServed(t *testing.T) {
	e := newReportsEnv(t, storetest.SQLiteDSN(t))
	lead := e.user("lead@example.org")
	other := e.demo.Departments[len(e.demo.Departments)-1].Department
	b := e.browser()
	b.login("lead@example.org")
	tok := e.token("lead@example.org")
	for name, dept := range map[string]string{"the organisation": "", "another department": other.ID, "the own department": e.lead.ID} {
		j, err := e.store.CreateReportJob(ctx, survey.ReportJob{UserID: lead.ID, PulseID: e.demo.Baseline.ID, DepartmentID: dept, Lang: "en"},
			survey.ReportLimits{MaxActive: 5})
		if err != nil {
			t.Fatal(err)
		}
		want := http.StatusNotFound
		if dept == e.lead.ID {
			want = http.StatusOK
		}
		if p := b.get("/reports/" + j.ID); p.status != want {
			t.Errorf("the lead's job of %s: %d, want %d", name, p.status, want)
		}
		if code, _ := e.api("GET", "/api/v1/reports/"+j.ID, tok, ""); code != want {
			t.Errorf("the lead's job of %s by API: %d, want %d", name, code, want)
		}
	}
}

// A respondent's sign-on proof is for the link the person signed on
// through: with a department claim, the provider's department must be the
// link's, and the proof must not be carried to another department's link
// of the same pulse (by copying the cookie, whose path the browser keeps
// to the first link) to answer for that department - padding a small
// department is what respondent sign-on is there to stop.
func TestAttackRespondentProofCarriedToAnotherDepartment(t *testing.T) {
	e := newSignOnEnv(t, storetest.SQLiteDSN(t), server.Config{})
	pulse, link, q := e.signOnPulse(t)
	other := e.demo.Departments[len(e.demo.Departments)-1].Department
	otherLink := mustLink(t, e.store, pulse.ID, other.ID)
	e.op.SetPerson(oidctest.Person{Username: "frank", Password: "pw-frank", Email: "frank@example.org", Department: e.lead.Name})
	run := e.signOn(t, nil, "/s/"+link.Code+"/signon?lang=en", "frank", "pw-frank", english)
	if run.status != http.StatusOK || run.final.Path != "/s/"+link.Code {
		t.Fatalf("sign-on: %d at %s", run.status, run.final)
	}
	u, _ := url.Parse(e.srv.URL + "/s/" + link.Code)
	var proof *http.Cookie
	for _, ck := range run.c.Jar.Cookies(u) {
		if ck.Name == "trots_signon" {
			proof = ck
		}
	}
	if proof == nil {
		t.Fatal("no proof cookie after signing on")
	}
	// Frank's proof, copied onto a post to the other department's link.
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/s/"+otherLink.Code, strings.NewReader(fullForm(q).Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.AddCookie(&http.Cookie{Name: proof.Name, Value: proof.Value})
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	must(t, err)
	resp.Body.Close()
	counts, err := e.store.ResponseCounts(ctx, pulse.ID)
	must(t, err)
	if resp.StatusCode == http.StatusSeeOther || counts[other.ID] != 0 {
		t.Errorf("frank's proof answered for %s: status %d, %d answers stored there", other.Name, resp.StatusCode, counts[other.ID])
	}
	// Through his own link he still answers, once.
	if st, _ := e.postSurvey(t, run.c, "/s/"+link.Code, fullForm(q)); st != http.StatusSeeOther {
		t.Errorf("frank through his own link: %d", st)
	}
}
