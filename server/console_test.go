package server_test

import (
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
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

const testPassword = "correct horse battery"

// consoleEnv is a running trots with the demo organisation, an admin, a
// viewer and a lead of the demo's first department.
type consoleEnv struct {
	t     *testing.T
	store *survey.Store
	srv   *httptest.Server
	demo  demo.Result
	lead  survey.Department
}

func newConsoleEnv(t *testing.T, dsn string, cfg server.Config) *consoleEnv {
	t.Helper()
	st := storetest.Open(t, dsn)
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
	e.srv = httptest.NewServer(server.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), st, accounts.New(st)).Handler())
	t.Cleanup(e.srv.Close)
	return e
}

// browser is a cookie-keeping client that does not follow redirects.
type browser struct {
	t   *testing.T
	e   *consoleEnv
	jar *cookiejar.Jar
	c   *http.Client
}

func (e *consoleEnv) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: e.t, e: e, jar: jar, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type page struct {
	status int
	header http.Header
	body   string
}

func (b *browser) get(path string) page {
	b.t.Helper()
	resp, err := b.c.Get(b.e.srv.URL + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return page{resp.StatusCode, resp.Header, string(body)}
}

func (b *browser) post(path string, form url.Values) page {
	b.t.Helper()
	resp, err := b.c.PostForm(b.e.srv.URL+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return page{resp.StatusCode, resp.Header, string(body)}
}

// login logs in and fails the test unless it succeeds.
func (b *browser) login(email string) {
	b.t.Helper()
	if p := b.post("/login", url.Values{"email": {email}, "password": {testPassword}}); p.status != http.StatusSeeOther {
		b.t.Fatalf("login %s: status %d", email, p.status)
	}
}

// csrf is the CSRF token of the form on path.
func (b *browser) csrf(path string) string {
	b.t.Helper()
	p := b.get(path)
	d := parseHTML(b.t, p.body)
	inputs := d.all(tag("input", "name", "_csrf"))
	if len(inputs) == 0 {
		b.t.Fatalf("no CSRF field on %s (status %d)", path, p.status)
	}
	return attr(inputs[0], "value")
}

func (b *browser) cookie(name string) *http.Cookie {
	u, _ := url.Parse(b.e.srv.URL)
	for _, c := range b.jar.Cookies(u) {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestFirstRunLoginPageExplainsTheOneCommand(t *testing.T) {
	st := storetest.Open(t, storetest.SQLiteDSN(t))
	srv := httptest.NewServer(server.New(server.Config{}, slog.New(slog.DiscardHandler), st, accounts.New(st)).Handler())
	defer srv.Close()
	get := func() doc {
		resp, err := http.Get(srv.URL + "/login?lang=en")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return parseHTML(t, string(body))
	}
	d := get()
	if got := text(d.byID("first-run")); !strings.Contains(got, "trots user add --email you@example.org --role admin") ||
		!strings.Contains(got, "no default password") {
		t.Fatalf("first-run notice = %q", got)
	}
	if _, err := accounts.New(st).CreateUser(ctx, accounts.User{Email: "hr@example.org", Role: accounts.RoleAdmin}, testPassword); err != nil {
		t.Fatal(err)
	}
	if get().has(func(n *html.Node) bool { return attr(n, "id") == "first-run" }) {
		t.Fatal("first-run notice shown although an account exists")
	}
}

func TestSessionCookieIsHardenedAndRotatedAtLogin(t *testing.T) {
	for _, tc := range []struct {
		tls    bool
		name   string
		secure bool
	}{{false, "trots_session", false}, {true, "__Host-trots_session", true}} {
		e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{TLS: tc.tls})
		b := e.browser()
		p := b.post("/login", url.Values{"email": {"viewer@example.org"}, "password": {testPassword}, "next": {"/board?lang=en"}})
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/board?lang=en" {
			t.Fatalf("login: %d %s", p.status, p.header.Get("Location"))
		}
		resp := http.Response{Header: p.header}
		var ck *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Name == tc.name {
				ck = c
			}
		}
		if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure != tc.secure || ck.Path != "/" || ck.Domain != "" ||
			len(ck.Value) != 43 {
			t.Fatalf("TLS %v: session cookie %+v", tc.tls, ck)
		}
		if tc.tls {
			continue // the jar will not send a Secure cookie over http
		}
		old := ck.Value
		if p := b.get("/board"); p.status != http.StatusOK {
			t.Fatalf("board after login: %d", p.status)
		}
		// Logging in again (as another user even) replaces the session.
		b.login("admin@example.org")
		if now := b.cookie(tc.name); now == nil || now.Value == old {
			t.Fatal("the session id was not rotated at login")
		}
		stale := e.browser()
		u, _ := url.Parse(e.srv.URL)
		stale.jar.SetCookies(u, []*http.Cookie{{Name: tc.name, Value: old, Path: "/"}})
		if p := stale.get("/board"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/login?next=") {
			t.Fatalf("old session after rotation: %d %s", p.status, p.header.Get("Location"))
		}
		if _, err := accounts.New(e.store).SessionByToken(ctx, old); survey.ErrorCode(err) != survey.EUnauthorized {
			t.Fatalf("old session still live: %v", err)
		}
	}
}

func TestLoginBacksOffAfterRepeatedFailures(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	b := e.browser()
	for i := 0; i < accounts.LoginFreeFailures; i++ {
		p := b.post("/login?lang=en", url.Values{"email": {"viewer@example.org"}, "password": {"wrong password!"}})
		if p.status != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d", i+1, p.status)
		}
		if got := text(parseHTML(t, p.body).byID("login-error")); got != "That e-mail address or password is not right." {
			t.Fatalf("error = %q", got)
		}
	}
	p := b.post("/login?lang=en", url.Values{"email": {"viewer@example.org"}, "password": {testPassword}})
	if p.status != http.StatusTooManyRequests || p.header.Get("Retry-After") == "" {
		t.Fatalf("after %d failures: status %d, Retry-After %q", accounts.LoginFreeFailures, p.status, p.header.Get("Retry-After"))
	}
	if b.cookie("trots_session") != nil {
		t.Fatal("a locked login set a session cookie")
	}
	// Another account from the same address is not locked.
	e.browser().login("admin@example.org")
}

func TestLogoutRevokesTheSession(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	b := e.browser()
	b.login("viewer@example.org")
	token := b.cookie("trots_session").Value
	csrf := b.csrf("/board")
	if p := b.post("/logout", url.Values{"_csrf": {"wrong"}}); p.status != http.StatusForbidden {
		t.Fatalf("logout without the CSRF token: %d", p.status)
	}
	if p := b.post("/logout", url.Values{"_csrf": {csrf}}); p.status != http.StatusSeeOther || p.header.Get("Location") != "/login" {
		t.Fatalf("logout: %d %s", p.status, p.header.Get("Location"))
	}
	if _, err := accounts.New(e.store).SessionByToken(ctx, token); survey.ErrorCode(err) != survey.EUnauthorized {
		t.Fatalf("session after logout: %v", err)
	}
	if p := b.get("/board"); p.status != http.StatusSeeOther {
		t.Fatalf("board after logout: %d", p.status)
	}
}

// outcome is the analysis the board must show.
func (e *consoleEnv) outcome() *results.Outcome {
	e.t.Helper()
	out, err := results.Analyze(ctx, e.store, e.demo.Baseline.ID, analysis.DefaultConfig())
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

func TestBoardShowsVerdictsAndRespectsSuppression(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newConsoleEnv(t, dsn, server.Config{})
		b := e.browser()
		b.login("viewer@example.org")
		p := b.get("/board?lang=en")
		if p.status != http.StatusOK {
			t.Fatalf("board: %d", p.status)
		}
		d := parseHTML(t, p.body)
		rows := d.all(tag("tr", "class", "dept"))
		out := e.outcome()
		if len(rows) != len(out.Result.Departments) {
			t.Fatalf("%d rows, want %d", len(rows), len(out.Result.Departments))
		}
		suppressed := 0
		for i, g := range out.Result.Departments {
			row := rows[i]
			if got := text(within(row, tag("th"))[0]); got != g.Name {
				t.Fatalf("row %d is %q, want %q", i, got, g.Name)
			}
			verdict := text(within(row, tag("span", "class~", "verdict"))[0])
			if g.Suppressed {
				suppressed++
				cells := within(row, tag("td", "class", "suppressed"))
				if verdict != "NOT YET MEASURABLE" || len(cells) != 1 || text(cells[0]) != "Not yet measurable – no figures, to protect anonymity (threshold 5)." {
					t.Errorf("%s (suppressed): verdict %q, row %q", g.Name, verdict, text(row))
				}
				if n := len(within(row, tag("span", "class", "num"))); n != 0 || strings.Contains(text(row), "n =") {
					t.Errorf("%s (suppressed) shows figures: %q", g.Name, text(row))
				}
				continue
			}
			want := map[analysis.Decision]string{analysis.Go: "GO", analysis.FixFirst: "FIX FIRST", analysis.NotMeasurable: "NOT YET MEASURABLE"}[g.Decision]
			if verdict != want {
				t.Errorf("%s: verdict %q, want %q", g.Name, verdict, want)
			}
			if !strings.Contains(text(row), "n = ") {
				t.Errorf("%s: no respondent count in %q", g.Name, text(row))
			}
		}
		if suppressed == 0 {
			t.Fatal("the demo has no suppressed department: the test proves nothing")
		}
		// The department page of a suppressed department has no figures.
		for _, s := range e.demo.Departments {
			if s.Responses >= 5 {
				continue
			}
			dp := parseHTML(t, b.get("/board/departments/"+s.Department.ID+"?lang=en").body)
			if got := text(dp.byID("suppressed")); got != "Not yet measurable – no figures, to protect anonymity (threshold 5)." {
				t.Errorf("%s page: %q", s.Department.Name, got)
			}
			if dp.has(tag("table")) || dp.has(tag("dl")) {
				t.Errorf("%s page shows figures", s.Department.Name)
			}
		}
	})
}

func TestBoardCSVMatchesTheBoard(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	b := e.browser()
	b.login("admin@example.org")
	p := b.get("/board.csv")
	if p.status != http.StatusOK || !strings.HasPrefix(p.header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(p.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("csv: %d %v", p.status, p.header)
	}
	recs, err := csv.NewReader(strings.NewReader(p.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := e.outcome()
	if len(recs) != 1+len(out.Result.Departments) || recs[0][1] != "department" || recs[0][2] != "path" || recs[0][3] != "verdict" {
		t.Fatalf("csv has %d records, header %v", len(recs), recs[0])
	}
	for i, g := range out.Result.Departments {
		rec := recs[i+1]
		if rec[1] != g.Name || rec[2] != g.Name { // a flat organisation: the path is the name
			t.Fatalf("record %d is %s (%s), want %s", i, rec[1], rec[2], g.Name)
		}
		if g.Suppressed {
			for col := 5; col <= 16; col++ {
				if rec[col] != "" {
					t.Errorf("%s (suppressed): column %s = %q", g.Name, recs[0][col], rec[col])
				}
			}
			continue
		}
		if rec[3] != string(g.Decision) || rec[5] == "" {
			t.Errorf("%s: %v", g.Name, rec)
		}
	}
}

func TestLeadSeesOnlyTheOwnDepartment(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	b := e.browser()
	b.login("lead@example.org")
	d := parseHTML(t, b.get("/board").body)
	rows := d.all(tag("tr", "class", "dept"))
	if len(rows) != 1 || attr(rows[0], "data-department") != e.lead.ID {
		t.Fatalf("lead sees %d rows", len(rows))
	}
	other := e.demo.Departments[1].Department
	if p := b.get("/board/departments/" + other.ID); p.status != http.StatusForbidden {
		t.Fatalf("lead on another department: %d", p.status)
	}
	if p := b.get("/board/departments/" + e.lead.ID); p.status != http.StatusOK {
		t.Fatalf("lead on the own department: %d", p.status)
	} else if parseHTML(t, p.body).has(tag("form", "id", "decision-form")) {
		t.Fatal("a lead is offered the decision form")
	}
	recs, err := csv.NewReader(strings.NewReader(b.get("/board.csv").body)).ReadAll()
	if err != nil || len(recs) != 2 || recs[1][1] != e.lead.Name {
		t.Fatalf("lead's CSV: %v, %v", recs, err)
	}
}

func TestDecisionIsRecordedWithTheSessionsCSRFToken(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newConsoleEnv(t, dsn, server.Config{})
		dept := e.demo.Departments[0].Department
		path := "/board/departments/" + dept.ID
		viewer, admin := e.browser(), e.browser()
		viewer.login("viewer@example.org")
		admin.login("admin@example.org")
		form := url.Values{"pulse": {e.demo.Baseline.ID}, "choice": {"go"}, "note": {"Pilot with the quiet experts."}}
		if p := viewer.post(path+"/decisions", form); p.status != http.StatusForbidden {
			t.Fatalf("without a CSRF token: %d", p.status)
		}
		form.Set("_csrf", admin.csrf(path))
		if p := viewer.post(path+"/decisions", form); p.status != http.StatusForbidden {
			t.Fatalf("with another session's CSRF token: %d", p.status)
		}
		form.Set("_csrf", viewer.csrf(path))
		form.Set("note", " ")
		if p := viewer.post(path+"/decisions?lang=en", form); p.status != http.StatusBadRequest ||
			text(parseHTML(t, p.body).byID("decision-error")) != "Write a short note with the decision." {
			t.Fatalf("without a note: %d", p.status)
		}
		form.Set("note", "Pilot with the quiet experts.")
		p := viewer.post(path+"/decisions", form)
		if p.status != http.StatusSeeOther || !strings.HasSuffix(p.header.Get("Location"), "&saved=1") {
			t.Fatalf("record: %d %s", p.status, p.header.Get("Location"))
		}
		log, err := e.store.Decisions(ctx, e.demo.Baseline.ID, dept.ID)
		if err != nil || len(log) != 1 || log[0].UserEmail != "viewer@example.org" || log[0].Choice != survey.ChoiceGo ||
			log[0].Verdict == "" || log[0].Note != "Pilot with the quiet experts." {
			t.Fatalf("log = %+v, %v", log, err)
		}
		dp := parseHTML(t, viewer.get(p.header.Get("Location")+"&lang=en").body)
		if got := text(dp.byID("decision-log")); !strings.Contains(got, "viewer@example.org") || !strings.Contains(got, "Pilot with the quiet experts.") {
			t.Fatalf("log on the page: %q", got)
		}
		if !strings.Contains(text(dp.byID("saved")), "recorded") {
			t.Fatal("no confirmation")
		}
	})
}

// A go against the analysis takes a tick that says so: without it the
// decision is refused in the reader's language, nothing is recorded and
// the form keeps the note; with it the go is recorded with the verdict of
// the moment. A department that is GO needs no tick (above).
func TestGoAgainstTheVerdictNeedsATick(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	var dept survey.Department
	for _, d := range e.demo.Departments {
		if d.Expect == demo.ExpectFixFirst {
			dept = d.Department
			break
		}
	}
	if dept.ID == "" {
		t.Fatal("the demo has no FIX FIRST department")
	}
	path := "/board/departments/" + dept.ID
	viewer := e.browser()
	viewer.login("viewer@example.org")
	if box := parseHTML(t, viewer.get(path+"?lang=en").body).byID("against-verdict"); box == nil {
		t.Fatal("no tick for a go against the verdict on a FIX FIRST department")
	}
	form := url.Values{"pulse": {e.demo.Baseline.ID}, "choice": {"go"}, "note": {"Board wants a pilot anyway."}, "_csrf": {viewer.csrf(path)}}
	p := viewer.post(path+"/decisions?lang=nl", form)
	d := parseHTML(t, p.body)
	if p.status != http.StatusBadRequest || !strings.Contains(text(d.byID("decision-error")), "De analyse zegt geen GO") ||
		text(d.byID("note")) != "Board wants a pilot anyway." {
		t.Fatalf("go without the tick: %d %q", p.status, text(d.byID("decision-error")))
	}
	if log, err := e.store.Decisions(ctx, e.demo.Baseline.ID, dept.ID); err != nil || len(log) != 0 {
		t.Fatalf("a refused go was recorded: %+v, %v", log, err)
	}
	form.Set("against_verdict", "yes")
	if p := viewer.post(path+"/decisions", form); p.status != http.StatusSeeOther {
		t.Fatalf("go with the tick: %d", p.status)
	}
	log, err := e.store.Decisions(ctx, e.demo.Baseline.ID, dept.ID)
	if err != nil || len(log) != 1 || log[0].Choice != survey.ChoiceGo || log[0].Verdict != "FIX_FIRST" {
		t.Fatalf("log = %+v, %v", log, err)
	}
	// A no-go needs no tick.
	form.Del("against_verdict")
	form.Set("choice", "no_go")
	if p := viewer.post(path+"/decisions", form); p.status != http.StatusSeeOther {
		t.Fatalf("no-go: %d", p.status)
	}
}

// secondPulse opens a second pulse on the baseline (the demo's open pulse
// is the short pulse, which has no trend against the baseline), answers
// it with the demo organisation of another seed and closes it with its
// results.
func (e *consoleEnv) secondPulse() survey.Pulse {
	e.t.Helper()
	q, err := questionnaires.Load("advocacy-readiness")
	if err != nil {
		e.t.Fatal(err)
	}
	p := storetest.MustOpenPulse(e.t, e.store, q.ID, q.Version)
	org := demo.Generate(q, 2)
	for i, d := range org.Departments {
		link := mustLink(e.t, e.store, p.ID, e.demo.Departments[i].Department.ID)
		for _, r := range d.Responses {
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

func TestBoardShowsTheTrendAgainstThePreviousPulse(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	p := e.secondPulse()
	b := e.browser()
	b.login("viewer@example.org")
	d := parseHTML(t, b.get("/board?lang=en").body)
	if got := selectedPulse(t, d); got != p.ID {
		t.Fatalf("board shows pulse %s, want the newest %s", got, p.ID)
	}
	trends := d.all(tag("span", "class", "muted trend"))
	if len(trends) == 0 || !strings.HasPrefix(text(trends[0]), "since the previous pulse: ") {
		t.Fatalf("no trend on the board (%d)", len(trends))
	}
	dp := parseHTML(t, b.get("/board/departments/"+e.lead.ID+"?lang=en&pulse="+p.ID).body)
	if got := text(dp.byID("trend-heading")); got != "Change since "+e.demo.Baseline.Name {
		t.Fatalf("trend heading %q", got)
	}
	if rows := within(dp.byID("trend"), tag("tr")); len(rows) < 3 {
		t.Fatalf("trend table has %d rows", len(rows))
	}
	// The older pulse has no previous one: no trend.
	old := parseHTML(t, b.get("/board?lang=en&pulse="+e.demo.Baseline.ID).body)
	if n := len(old.all(tag("span", "class", "muted trend"))); n != 0 {
		t.Fatalf("%d trends on the first pulse", n)
	}
}

func TestLoginFromAnotherSiteIsRefused(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/login",
		strings.NewReader(url.Values{"email": {"viewer@example.org"}, "password": {testPassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || len(resp.Cookies()) != 0 {
		t.Fatalf("cross-site login: %d, cookies %v", resp.StatusCode, resp.Cookies())
	}
}

func TestLoginAttemptsAreRateLimitedPerAddress(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{LoginRate: 0.001, LoginBurst: 5})
	b := e.browser()
	// Many accounts, so that no account's back-off applies.
	for i := 0; i < 8; i++ {
		p := b.post("/login?lang=en", url.Values{"email": {fmt.Sprintf("nobody%d@example.org", i)}, "password": {"guess guess guess"}})
		want := http.StatusUnauthorized
		if i >= 5 {
			want = http.StatusTooManyRequests
		}
		if p.status != want {
			t.Fatalf("attempt %d: status %d, want %d", i+1, p.status, want)
		}
		if want == http.StatusTooManyRequests {
			if got := text(parseHTML(t, p.body).byID("login-error")); !strings.HasPrefix(got, "Too many login attempts from this address") {
				t.Fatalf("rate-limited page: %q", got)
			}
		}
	}
}

// Participation shows the responses so far per department, except any
// count of fewer than k people and any count from which such a count
// could be worked out: the hidden counts add up to 0 or at least k.
func TestParticipationShowsCountsPerDepartment(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	b := e.browser()
	b.login("admin@example.org")
	d := parseHTML(t, b.get("/participation?lang=en&pulse="+e.demo.Baseline.ID).body)
	rows := within(d.byID("participation"), tag("tr", "class", "dept"))
	if len(rows) != len(e.demo.Departments) {
		t.Fatalf("%d rows", len(rows))
	}
	want := map[string]int{}
	total := 0
	for _, s := range e.demo.Departments {
		want[s.Department.Name] = s.Responses
		total += s.Responses
	}
	const k = 5
	shownSum, hidden := 0, 0
	for _, r := range rows {
		cells := within(r, tag("td"))
		name, got := text(within(r, tag("th"))[0]), text(cells[1])
		switch {
		case got == "hidden":
			hidden++
			if text(cells[2]) != "–" {
				t.Errorf("%s: hidden count with the rate %q", name, text(cells[2]))
			}
		case got != fmt.Sprint(want[name]):
			t.Errorf("%s: %s responses, want %d", name, got, want[name])
		case want[name] < k:
			t.Errorf("%s: %d responses shown, fewer than %d", name, want[name], k)
		default:
			shownSum += want[name]
		}
	}
	if hidden == 0 {
		t.Fatal("the demo has no department with fewer than 5 responses: the test proves nothing")
	}
	if rest := total - shownSum; rest > 0 && rest < k {
		t.Errorf("the total minus the shown counts leaves %d, fewer than %d", rest, k)
	}
	if !strings.Contains(text(d.byID("participation-hidden")), "fewer than 5 people") {
		t.Errorf("no note on the hidden counts: %q", text(d.byID("participation-hidden")))
	}
	foot := within(d.one(tag("tr", "class", "total"), "total row"), tag("td"))
	if text(foot[1]) != fmt.Sprint(total) {
		t.Errorf("total %s, want %d", text(foot[1]), total)
	}
	viewer := e.browser()
	viewer.login("viewer@example.org")
	if p := viewer.get("/participation"); p.status != http.StatusForbidden {
		t.Fatalf("viewer on participation: %d", p.status)
	}
}

// An open pulse has no results, on the board, in its CSV, on a
// department's page and in the API: two looks at figures that change with
// every answer give away the newest one by subtraction.
func TestOpenPulseShowsNoResults(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	base, err := questionnaires.Load("advocacy-readiness")
	if err != nil {
		t.Fatal(err)
	}
	q, err := demo.OpenQuestionnaire(base) // the short pulse
	if err != nil {
		t.Fatal(err)
	}
	open := e.demo.Open
	org := demo.Generate(q, 2)
	for i, d := range org.Departments {
		link := mustLink(t, e.store, open.ID, e.demo.Departments[i].Department.ID)
		for _, r := range d.Responses {
			dec := survey.DecodeAnswers(q, r.Values())
			if _, err := e.store.Submit(ctx, survey.Submission{Link: link, Key: survey.NewID(), Answers: dec.Answers, Comments: dec.Comments}); err != nil {
				t.Fatal(err)
			}
		}
	}
	b := e.browser()
	b.login("viewer@example.org")
	// The default is the newest closed pulse, not the newer open one.
	def := parseHTML(t, b.get("/board?lang=en").body)
	if got := selectedPulse(t, def); got != e.demo.Baseline.ID {
		t.Fatalf("board defaults to pulse %s, want the closed baseline %s", got, e.demo.Baseline.ID)
	}
	for lang, want := range map[string]string{"en": "Results appear when this pulse closes", "nl": "De resultaten verschijnen zodra deze peiling sluit"} {
		p := b.get("/board?lang=" + lang + "&pulse=" + open.ID)
		if p.status != http.StatusOK {
			t.Fatalf("board of the open pulse (%s): %d", lang, p.status)
		}
		d := parseHTML(t, p.body)
		if got := text(d.byID("after-close")); !strings.Contains(got, want) {
			t.Errorf("%s: message %q, want %q", lang, got, want)
		}
		if n := len(d.all(tag("tr", "class", "dept"))); n != 0 || d.has(tag("table", "id", "board")) || strings.Contains(p.body, "n = ") {
			t.Errorf("%s: the open pulse shows figures (%d rows)", lang, n)
		}
		if strings.Contains(p.body, "/board.csv") {
			t.Errorf("%s: the open pulse offers a CSV", lang)
		}
	}
	if p := b.get("/board.csv?pulse=" + open.ID); p.status != http.StatusConflict {
		t.Errorf("CSV of the open pulse: %d", p.status)
	}
	if p := b.get("/board/departments/" + e.lead.ID + "?pulse=" + open.ID); p.status != http.StatusSeeOther ||
		p.header.Get("Location") != "/board?pulse="+open.ID {
		t.Errorf("department page of the open pulse: %d %s", p.status, p.header.Get("Location"))
	}
	admin := e.browser()
	admin.login("admin@example.org")
	d := parseHTML(t, admin.get("/board?lang=en&pulse="+open.ID).body)
	if !strings.Contains(text(d.byID("after-close")), "Participation so far: see Participation") {
		t.Errorf("admin: no pointer to the participation: %q", text(d.byID("after-close")))
	}

	viewer := e.token("viewer@example.org")
	pulse := "/api/v1/pulses/" + open.ID
	code, body := e.api("GET", pulse+"/results", viewer, "")
	if code != http.StatusConflict || !strings.Contains(body, `"code":"results_after_close"`) || strings.Contains(body, "departments") {
		t.Fatalf("API results of the open pulse: %d %s", code, body)
	}
	code, body = e.api("POST", pulse+"/decisions", viewer, `{"department_id":"`+e.lead.ID+`","choice":"go","note":"x"}`)
	if code != http.StatusConflict || !strings.Contains(body, `"code":"results_after_close"`) {
		t.Fatalf("API decision on the open pulse: %d %s", code, body)
	}
}

// Console pages are compressed, so the CSRF token is masked afresh in every
// response (BREACH): two looks at one page carry different tokens, both
// accepted; another session's token is not.
func TestCSRFTokenIsMaskedPerResponse(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	other := e.browser()
	other.login("admin@example.org")
	foreign := other.csrf("/board")

	b := e.browser()
	b.login("viewer@example.org")
	first, second := b.csrf("/board"), b.csrf("/board")
	if first == second {
		t.Fatalf("two responses carried the same CSRF token %q", first)
	}
	if p := b.post("/logout", url.Values{"_csrf": {foreign}}); p.status != http.StatusForbidden {
		t.Fatalf("logout with another session's token: %d", p.status)
	}
	if p := b.post("/logout", url.Values{"_csrf": {first}}); p.status != http.StatusSeeOther {
		t.Fatalf("logout with the first masked token: %d", p.status)
	}
	b.login("viewer@example.org")
	if p := b.post("/logout", url.Values{"_csrf": {b.csrf("/board")}}); p.status != http.StatusSeeOther {
		t.Fatalf("logout with a fresh masked token: %d", p.status)
	}
}

// selectedPulse is the pulse the board's pulse menu has selected.
func selectedPulse(t *testing.T, d doc) string {
	t.Helper()
	opts := within(d.byID("pulse"), func(n *html.Node) bool { return n.Data == "option" && hasAttr(n, "selected") })
	if len(opts) != 1 {
		t.Fatalf("%d selected pulses, want 1", len(opts))
	}
	return attr(opts[0], "value")
}

// Early in a pulse every count is hidden by the rule; the page says that
// this is the rule at work and when counts appear, and the total says it
// is still below k rather than "hidden".
func TestParticipationWhileOpenSaysWhenCountsAppear(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	b := e.browser()
	b.login("admin@example.org")
	for lang, want := range map[string][3]string{
		"en": {"not shown yet", "fewer than 5 so far", "from 5 answers"},
		"nl": {"nog niet getoond", "nog minder dan 5", "vanaf 5 antwoorden"},
	} {
		d := parseHTML(t, b.get("/participation?lang="+lang+"&pulse="+e.demo.Open.ID).body)
		for _, r := range within(d.byID("participation"), tag("tr", "class", "dept")) {
			if got := text(within(r, tag("td"))[1]); got != want[0] {
				t.Errorf("%s: a department of the open pulse without answers reads %q, want %q", lang, got, want[0])
			}
		}
		foot := within(d.one(tag("tr", "class", "total"), "total row"), tag("td"))
		if got := text(foot[1]); got != want[1] {
			t.Errorf("%s: total %q, want %q", lang, got, want[1])
		}
		if note := text(d.byID("participation-open")); !strings.Contains(note, want[2]) {
			t.Errorf("%s: the open pulse's note %q does not say counts appear %s", lang, note, want[2])
		}
	}
	// A closed pulse has no such note.
	if parseHTML(t, b.get("/participation?lang=en&pulse="+e.demo.Baseline.ID).body).has(tag("p", "id", "participation-open")) {
		t.Error("a closed pulse's participation says it is open")
	}
}
