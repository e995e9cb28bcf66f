package server_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"trots/accounts"
	"trots/server"
	"trots/server/i18n"
	"trots/survey"
	"trots/survey/storetest"
)

// Findings of the HR review (walking the console as HR does, in Dutch and
// English), each with the test that keeps it fixed.

// The audit log names every action in the reader's language; the code
// (what the CSV export and the API carry) stays beside it. Before, a
// Dutch page listed "user.role" and "department.headcount".
func TestAuditLogNamesActionsInTheReadersLanguage(t *testing.T) {
	for _, a := range survey.AuditActions {
		key := "audit_label_" + strings.ReplaceAll(a, ".", "_")
		for _, lang := range i18n.Languages {
			if !i18n.Has(lang, key) {
				t.Errorf("audit action %s has no %s text (%s)", a, lang, key)
			}
		}
	}
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	admin := e.browser()
	admin.login("admin@example.org")
	for lang, want := range map[string]string{"nl": "Aangemeld", "en": "Signed in"} {
		d := parseHTML(t, admin.get("/audit?action=login.success&lang="+lang).body)
		rows := d.all(tag("tr", "data-action", "login.success"))
		if len(rows) == 0 {
			t.Fatalf("%s: no login.success entry in the log", lang)
		}
		cell := within(rows[0], tag("td", "data-label", i18n.T(lang, "audit_action")))
		if len(cell) != 1 || !strings.HasPrefix(text(cell[0]), want) {
			t.Fatalf("%s: the action cell reads %q, want it to start with %q", lang, text(cell[0]), want)
		}
		// The filter's menu: words, not codes.
		for _, o := range within(d.byID("audit-action"), tag("option")) {
			if v := attr(o, "value"); v != "" && text(o) == v {
				t.Errorf("%s: the filter offers the bare code %q", lang, v)
			}
		}
	}
}

// On the first administrator's setup page, a refused address marks the
// address field as wrong, not the password (which was fine); the typed
// address stays.
func TestSetupLinkMarksTheFieldThatIsWrong(t *testing.T) {
	st := storetest.Open(t, storetest.SQLiteDSN(t))
	e := &consoleEnv{t: t, store: st}
	e.srv = httptest.NewServer(server.New(server.Config{}, slog.New(slog.DiscardHandler), st, accounts.New(st)).Handler())
	t.Cleanup(e.srv.Close)
	token, _, err := accounts.New(st).NewSetupLink(ctx, accounts.DefaultAccountLinkLifetime)
	must(t, err)
	b := e.browser()
	p := b.post("/account?lang=nl", url.Values{"token": {token}, "email": {"hr at example"},
		"password": {"a long enough passphrase"}, "password2": {"a long enough passphrase"}})
	if p.status != http.StatusBadRequest {
		t.Fatalf("bad address: status %d", p.status)
	}
	d := parseHTML(t, p.body)
	if got := text(d.byID("account-error")); got != "Dit is geen e-mailadres." {
		t.Fatalf("error %q", got)
	}
	email, password := d.byID("email"), d.byID("password")
	if attr(email, "value") != "hr at example" {
		t.Errorf("the typed address is gone: %q", attr(email, "value"))
	}
	if attr(email, "aria-invalid") != "true" || !strings.Contains(attr(email, "aria-describedby"), "account-error") {
		t.Errorf("the address field is not marked as wrong: %s", outer(email))
	}
	if hasAttr(password, "aria-invalid") {
		t.Errorf("the password field is marked as wrong for a bad address: %s", outer(password))
	}
	// A password that is too short marks the password, not the address.
	d = parseHTML(t, b.post("/account?lang=nl", url.Values{"token": {token}, "email": {"hr@example.org"},
		"password": {"short"}, "password2": {"short"}}).body)
	if attr(d.byID("password"), "aria-invalid") != "true" || hasAttr(d.byID("email"), "aria-invalid") {
		t.Errorf("short password: address %s, password %s", outer(d.byID("email")), outer(d.byID("password")))
	}
}

// The department of a lead is chosen by its path in the tree, as on the
// departments and reports pages: the lead sees that whole branch, and a
// team's bare name does not say where it sits.
func TestLeadDepartmentIsChosenByItsPath(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	top, err := e.store.CreateDepartment(ctx, survey.Department{Name: "Directie Zuid", Headcount: 40})
	must(t, err)
	team, err := e.store.CreateDepartment(ctx, survey.Department{Name: "Team Balie", Headcount: 12, ParentID: top.ID})
	must(t, err)
	deps, err := e.store.Departments(ctx)
	must(t, err)
	tree := survey.NewTree(deps)
	want := tree.Path(team.ID)
	admin := e.browser()
	admin.login("admin@example.org")
	d := parseHTML(t, admin.get("/users?lang=en").body)
	var got string
	for _, o := range within(d.byID("invite-department"), tag("option")) {
		if attr(o, "value") == team.ID {
			got = text(o)
		}
	}
	if got != want {
		t.Fatalf("invitation form: %s is offered as %q, want its path %q", team.Name, got, want)
	}
	// The accounts list says the same for a lead of that department.
	csrf := admin.csrf("/users")
	lead := e.userID("lead@example.org")
	if p := admin.post("/users/"+lead+"/role", url.Values{"_csrf": {csrf}, "role": {"lead"}, "department": {team.ID}}); p.status != http.StatusSeeOther {
		t.Fatalf("change the lead's department: %d", p.status)
	}
	if body := admin.get("/users?lang=en").body; !strings.Contains(html.UnescapeString(body), want) {
		t.Fatalf("the accounts list does not show the lead's department as %q", want)
	}
}

func outer(n *html.Node) string {
	var b strings.Builder
	_ = html.Render(&b, n)
	return b.String()
}

// A refused invitation or role change marks the field the refusal is
// about, and the role page keeps the role that was chosen. Before, a lead
// without a department marked the address as wrong, and on an account's
// page the menu jumped back to the stored role, so the message ("a lead
// needs a department") contradicted the form.
func TestAccountFormsMarkTheFieldAndKeepTheChoice(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	admin := e.browser()
	admin.login("admin@example.org")
	csrf := admin.csrf("/users")

	p := admin.post("/users/invite?lang=nl", url.Values{"_csrf": {csrf}, "email": {"teamlead@example.org"}, "role": {"lead"}, "department": {""}})
	if p.status != http.StatusBadRequest {
		t.Fatalf("lead without department: %d", p.status)
	}
	d := parseHTML(t, p.body)
	if got, want := text(d.byID("invite-error")), i18n.T("nl", "user_department_missing"); got != want {
		t.Fatalf("error %q, want %q", got, want)
	}
	email, dept := d.byID("invite-email"), d.byID("invite-department")
	if attr(email, "value") != "teamlead@example.org" || hasAttr(email, "aria-invalid") {
		t.Errorf("the address is kept and not marked: %s", outer(email))
	}
	if attr(dept, "aria-invalid") != "true" || !strings.Contains(attr(dept, "aria-describedby"), "invite-error") {
		t.Errorf("the department menu is not marked: %s", outer(dept))
	}
	if got := attr(d.one(func(n *html.Node) bool {
		return n.Data == "option" && hasAttr(n, "selected") && attr(n.Parent, "id") == "invite-role"
	}, "chosen role"), "value"); got != "lead" {
		t.Errorf("the invitation form forgot the role: %q", got)
	}

	viewer := e.userID("viewer@example.org")
	p = admin.post("/users/"+viewer+"/role?lang=nl", url.Values{"_csrf": {csrf}, "role": {"lead"}, "department": {""}})
	if p.status != http.StatusBadRequest {
		t.Fatalf("role change to lead without department: %d", p.status)
	}
	d = parseHTML(t, p.body)
	if got := text(d.byID("account-error")); got != i18n.T("nl", "user_department_missing") {
		t.Fatalf("error %q", got)
	}
	chosen := d.all(func(n *html.Node) bool {
		return n.Data == "option" && hasAttr(n, "selected") && attr(n.Parent, "id") == "role"
	})
	if len(chosen) != 1 || attr(chosen[0], "value") != "lead" {
		t.Errorf("the role menu went back to the stored role after the refusal")
	}
	if dept := d.byID("department"); attr(dept, "aria-invalid") != "true" {
		t.Errorf("the department menu is not marked: %s", outer(dept))
	}
	if u, err := accounts.New(e.store).UserByID(ctx, viewer); err != nil || u.Role != accounts.RoleViewer {
		t.Fatalf("the refused change changed the account: %+v %v", u, err)
	}
}

// The CSV import's example is in the page's language and shows the parent
// column: before, the English page showed a Dutch header, and neither
// showed how to build the tree the import is for. Each example imports
// as shown.
func TestImportExampleIsInTheReadersLanguageAndImports(t *testing.T) {
	for _, lang := range i18n.Languages {
		t.Run(lang, func(t *testing.T) {
			st := storetest.Open(t, storetest.SQLiteDSN(t))
			_, err := accounts.New(st).CreateUser(ctx, accounts.User{Email: "hr@example.org", Role: accounts.RoleAdmin}, testPassword)
			must(t, err)
			e := &consoleEnv{t: t, store: st}
			e.srv = httptest.NewServer(server.New(server.Config{}, slog.New(slog.DiscardHandler), st, accounts.New(st)).Handler())
			t.Cleanup(e.srv.Close)
			admin := e.browser()
			admin.login("hr@example.org")
			d := parseHTML(t, admin.get("/departments?lang="+lang).body)
			sample := rawText(d.byID("import-sample"))
			header := strings.Split(sample, "\n")[0]
			want := map[string]string{"nl": "naam;aantal_medewerkers;extern_zichtbaar;valt_onder", "en": "name;headcount;externally_visible;parent"}[lang]
			if header != want {
				t.Fatalf("the example's header is %q, want %q", header, want)
			}
			csrf := attr(d.all(tag("input", "name", "_csrf"))[0], "value")
			if p := admin.post("/departments/import?lang="+lang, url.Values{"_csrf": {csrf}, "csv": {sample}}); p.status != http.StatusOK && p.status != http.StatusSeeOther {
				t.Fatalf("importing the example: status %d", p.status)
			}
			deps, err := st.Departments(ctx)
			must(t, err)
			if len(deps) != 3 {
				t.Fatalf("the example made %d departments, want 3", len(deps))
			}
			tree := survey.NewTree(deps)
			below := 0
			for _, dep := range deps {
				if tree.Depth(dep.ID) == 2 {
					below++
				}
			}
			if below != 1 {
				t.Fatalf("the example put %d departments below another, want 1", below)
			}
		})
	}
}

// rawText is the text under n as it is, white space kept.
func rawText(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// The links page of a closed pulse says when it closed; it said "Closes:
// when you close the pulse" beside "this pulse takes no more answers".
func TestLinksPageOfAClosedPulseSaysWhenItClosed(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	admin := e.browser()
	admin.login("admin@example.org")
	p, err := e.store.Pulse(ctx, e.demo.Baseline.ID)
	must(t, err)
	if p.Status != survey.PulseClosed || p.Closed.IsZero() {
		t.Fatalf("the demo's baseline is not closed: %+v", p)
	}
	for _, lang := range i18n.Languages {
		page := admin.get("/pulses/" + p.ID + "/links?lang=" + lang)
		if page.status != http.StatusOK {
			t.Fatalf("%s: status %d", lang, page.status)
		}
		dd := parseHTML(t, page.body).byID("links-closes")
		want := p.Closed.In(time.Local).Format("2006-01-02 15:04 MST")
		if text(dd) != want {
			t.Errorf("%s: the closed pulse's links page says %q under %q, want %q", lang, text(dd), text(prevElement(dd)), want)
		}
		if got := text(prevElement(dd)); got != i18n.T(lang, "pulses_closed_at") {
			t.Errorf("%s: the label is %q", lang, got)
		}
	}
}

// prevElement is the element before n among its siblings.
func prevElement(n *html.Node) *html.Node {
	for p := n.PrevSibling; p != nil; p = p.PrevSibling {
		if p.Type == html.ElementNode {
			return p
		}
	}
	return n
}

// Times on the account pages and in the audit log name their zone, as the
// pulse pages do ("2026-12-10 02:49 UTC"): an invitation "valid until
// 02:49" reads as the reader's own time.
func TestAccountAndAuditTimesNameTheirZone(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	admin := e.browser()
	admin.login("admin@example.org")
	zone := time.Now().In(time.Local).Format("MST")
	d := parseHTML(t, admin.get("/users/"+e.userID("admin@example.org")+"?lang=nl").body)
	last := d.all(tag("dd", "class", "last-login"))
	if len(last) != 1 || !strings.HasSuffix(text(last[0]), " "+zone) {
		t.Errorf("last sign-in without its zone %s: %v", zone, texts(last))
	}
	csrf := admin.csrf("/users")
	p := admin.post("/users/invite?lang=nl", url.Values{"_csrf": {csrf}, "email": {"nieuw@example.org"}, "role": {"viewer"}})
	if once := text(parseHTML(t, p.body).byID("link-once")); !strings.Contains(once, " "+zone) {
		t.Errorf("the invitation's expiry names no zone: %q", once)
	}
	d = parseHTML(t, admin.get("/audit?lang=nl").body)
	at := d.all(tag("span", "class", "num"))
	if len(at) == 0 || !strings.HasSuffix(text(at[0]), " "+zone) {
		t.Errorf("audit time without its zone %s: %v", zone, texts(at))
	}
}

// The audit log's export opens as columns in Excel with Dutch settings
// (semicolons, byte order mark), as the board's does: HR opening the
// comma-separated file in Dutch Excel saw every entry in one column.
func TestAuditCSVForDutchExcel(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	admin := e.browser()
	admin.login("admin@example.org")
	d := parseHTML(t, admin.get("/audit?lang=nl&action=login").body)
	href := attr(d.byID("audit-csv-nl"), "href")
	if !strings.Contains(href, "variant=nl") || !strings.Contains(href, "action=login") {
		t.Fatalf("the Dutch Excel link %q does not keep the filter", href)
	}
	p := admin.get(href)
	if p.status != http.StatusOK {
		t.Fatalf("status %d", p.status)
	}
	body, ok := strings.CutPrefix(p.body, "\ufeff")
	if !ok {
		t.Fatal("no byte order mark: Excel reads the file as ANSI")
	}
	lines := strings.Split(strings.TrimSpace(body), "\n")
	if got := strings.Split(strings.TrimSpace(lines[0]), ";"); len(got) != 7 || got[3] != "action" {
		t.Fatalf("header %q is not split by semicolons", lines[0])
	}
	if len(lines) < 2 || !strings.Contains(lines[1], ";login.success;") {
		t.Fatalf("no login entry in %q", body)
	}
	// The plain CSV is unchanged.
	if plain := admin.get("/audit.csv?action=login").body; strings.HasPrefix(plain, "\ufeff") || !strings.HasPrefix(plain, "id,time_utc,actor,action,") {
		t.Fatalf("plain CSV changed: %.60q", plain)
	}
}
