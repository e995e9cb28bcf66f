package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"trots/accounts"
	"trots/questionnaires"
	"trots/server"
	"trots/survey"
	"trots/survey/storetest"
)

// The department tree end to end on a phone (390 px), in a real browser:
//
//  1. HR imports a three-level tree (directorates, a department, teams)
//     from CSV on the departments page;
//  2. a pulse runs: employees of three teams answer through their survey
//     links, HR closes it in the console;
//  3. a director drills from the top level to a team with the board's
//     links, climbs back by the breadcrumbs and records a decision for
//     the directorate (a division);
//  4. the lead of the department Wijkzorg sees that branch only.
//
// Every page on the way passes axe-core and fits the phone.
func TestBrowserTreeOnAPhone(t *testing.T) {
	axe := mustAxe(t)
	st := storetest.Open(t, storetest.SQLiteDSN(t))
	for _, u := range []accounts.User{
		{Email: "hr@example.org", Role: accounts.RoleAdmin},
		{Email: "directeur@example.org", Role: accounts.RoleViewer},
	} {
		if _, err := accounts.New(st).CreateUser(ctx, u, testPassword); err != nil {
			t.Fatal(err)
		}
	}
	app := server.New(server.Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)), st, accounts.New(st))
	srv := httptest.NewServer(app.Handler())
	t.Cleanup(func() { srv.Close(); app.Close() })
	q, err := questionnaires.Load("pulse")
	must(t, err)

	browser := newBrowser(t)
	window := func() (context.Context, func()) {
		win, cancelWin := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
		must(t, chromedp.Do(win))
		c, cancelTimeout := context.WithTimeout(win, 2*browserTimeout)
		return c, func() { cancelTimeout(); cancelWin() }
	}
	login := func(c context.Context, email string) {
		t.Helper()
		step, cancel := context.WithTimeout(c, 20*time.Second)
		defer cancel()
		must(t, chromedp.Do(step,
			chromedp.EmulateViewport(390, 844, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch),
			chromedp.Navigate(srv.URL+"/login?lang=en"),
			chromedp.WaitVisible(chromedp.ID("password")),
			chromedp.SendKeys(chromedp.ID("email"), email),
			chromedp.SendKeys(chromedp.ID("password"), testPassword),
			chromedp.Tap(chromedp.CSS("form button[type=submit]")),
			chromedp.WaitReady(chromedp.CSS(".who")),
		))
	}
	rows := func(c context.Context) []string {
		t.Helper()
		ids, err := chromedp.Run(c, chromedp.Evaluate[[]string](
			`Array.from(document.querySelectorAll('#board tr[data-department]')).map(tr => tr.dataset.department)`))
		must(t, err)
		return ids
	}

	// 1. HR imports the tree on a phone; the teams come before their
	// department in the file.
	hr, closeHR := window()
	defer closeHR()
	login(hr, "hr@example.org")
	const file = "naam;aantal_medewerkers;extern_zichtbaar;valt_onder\n" +
		"Team Noord;9;ja;Wijkzorg\nTeam Zuid;9;ja;Wijkzorg\nWijkzorg;2;ja;Directie Zorg\nDirectie Zorg;3;ja;\n" +
		"Directie Bedrijf;3;ja;\nFinanciën;9;ja;Directie Bedrijf\n"
	must(t, chromedp.Do(hr,
		chromedp.Navigate(srv.URL+"/departments?lang=en"),
		chromedp.WaitVisible(chromedp.ID("import-form")),
		chromedp.SetValue(chromedp.ID("csv"), file),
		scrollTo("#import-form button[type=submit]"),
		chromedp.Tap(chromedp.CSS("#import-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("import-summary")),
	))
	assertPage(t, hr, "en", 390, axe, "departments page with the tree on a phone")
	deps, err := st.Departments(ctx)
	must(t, err)
	tree := survey.NewTree(deps)
	id := map[string]string{}
	for _, d := range deps {
		id[d.Name] = d.ID
	}
	if len(deps) != 6 || tree.Path(id["Team Noord"]) != "Directie Zorg / Wijkzorg / Team Noord" || tree.TotalHeadcount(id["Directie Zorg"]) != 23 {
		t.Fatalf("after the import: %d departments, %q, headcount %d", len(deps), tree.Path(id["Team Noord"]), tree.TotalHeadcount(id["Directie Zorg"]))
	}

	// 2. The pulse runs: six answers in each team and in Financiën,
	// through the survey form, then HR closes it.
	p, err := st.CreatePulse(ctx, survey.Pulse{Name: "Tree pulse", QuestionnaireID: q.ID, QuestionnaireVersion: q.Version})
	must(t, err)
	p, err = st.OpenPulse(ctx, p.ID)
	must(t, err)
	for _, team := range []string{"Team Noord", "Team Zuid", "Financiën"} {
		link := mustLink(t, st, p.ID, id[team])
		for range 6 {
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/s/"+link.Code, strings.NewReader(fullForm(q).Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			resp, err := http.DefaultClient.Do(req)
			must(t, err)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("answer in %s: %d", team, resp.StatusCode)
			}
		}
	}
	must(t, chromedp.Do(hr,
		chromedp.Navigate(srv.URL+"/pulses/"+p.ID),
		chromedp.WaitVisible(chromedp.ID("close-heading")),
		scrollTo("#close-confirm"),
		chromedp.Tap(chromedp.ID("close-confirm")),
		chromedp.Tap(chromedp.CSS("#close-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("done")),
	))
	if got, err := st.Pulse(ctx, p.ID); err != nil || got.Status != survey.PulseClosed {
		t.Fatalf("pulse after closing: %+v %v", got, err)
	}

	// 3. The director drills down from the top to a team.
	boss, closeBoss := window()
	defer closeBoss()
	login(boss, "directeur@example.org")
	must(t, chromedp.Do(boss, chromedp.Navigate(srv.URL+"/board?lang=en"), chromedp.WaitVisible(chromedp.ID("board"))))
	if got := rows(boss); len(got) != 2 {
		t.Fatalf("the top level shows %v, want the two directorates", got)
	}
	assertPage(t, boss, "en", 390, axe, "board's top level on a phone")
	parts := func(name string) string { return `tr[data-department="` + id[name] + `"] a.parts` }
	must(t, chromedp.Do(boss,
		scrollTo(parts("Directie Zorg")),
		chromedp.Tap(chromedp.CSS(parts("Directie Zorg"))),
		chromedp.WaitVisible(chromedp.CSS(parts("Wijkzorg"))),
		scrollTo(parts("Wijkzorg")),
		chromedp.Tap(chromedp.CSS(parts("Wijkzorg"))),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-department="`+id["Team Noord"]+`"]`)),
	))
	if got := rows(boss); len(got) != 3 || got[0] != id["Wijkzorg"] {
		t.Fatalf("Wijkzorg's level shows %v, want Wijkzorg and its two teams", got)
	}
	assertPage(t, boss, "en", 390, axe, "board at the level of a department on a phone")
	team := `tr[data-department="` + id["Team Noord"] + `"] th a`
	must(t, chromedp.Do(boss,
		scrollTo(team),
		chromedp.Tap(chromedp.CSS(team)),
		chromedp.WaitVisible(chromedp.ID("breadcrumbs")),
	))
	crumbs, err := chromedp.Run(boss, chromedp.Evaluate[string](`Array.from(document.querySelectorAll('#breadcrumbs a')).map(a => a.textContent).join(' > ')`))
	must(t, err)
	if crumbs != "Whole organisation > Directie Zorg > Wijkzorg > Team Noord" {
		t.Fatalf("breadcrumbs on the team's page: %q", crumbs)
	}
	assertPage(t, boss, "en", 390, axe, "a team's page on a phone")
	// Back up to the directorate by the breadcrumbs, and decide there.
	must(t, chromedp.Do(boss,
		chromedp.Tap(chromedp.CSS(`#breadcrumbs li:nth-child(2) a`)),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-department="`+id["Directie Zorg"]+`"][data-current]`)),
		chromedp.Tap(chromedp.CSS(`tr[data-department="`+id["Directie Zorg"]+`"] th a`)),
		chromedp.WaitVisible(chromedp.ID("decision-form")),
		scrollTo("#decision-form"),
		chromedp.Tap(chromedp.CSS(`input[name=choice][value=no_go]`)),
		chromedp.SendKeys(chromedp.ID("note"), "Eerst met de wijkteams praten."),
		chromedp.Tap(chromedp.CSS("#decision-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("saved")),
	))
	assertPage(t, boss, "en", 390, axe, "a directorate's page with its decision on a phone")
	decisions, err := st.Decisions(ctx, p.ID, id["Directie Zorg"])
	must(t, err)
	if len(decisions) != 1 || decisions[0].UserEmail != "directeur@example.org" {
		t.Fatalf("decisions for the directorate: %+v", decisions)
	}

	// 4. The lead of Wijkzorg sees Wijkzorg and its teams only.
	if _, err := accounts.New(st).CreateUser(ctx, accounts.User{Email: "wijkzorg@example.org", Role: accounts.RoleLead, DepartmentID: id["Wijkzorg"]}, testPassword); err != nil {
		t.Fatal(err)
	}
	lead, closeLead := window()
	defer closeLead()
	login(lead, "wijkzorg@example.org")
	must(t, chromedp.Do(lead, chromedp.Navigate(srv.URL+"/board?lang=en"), chromedp.WaitVisible(chromedp.ID("board"))))
	shown := rows(lead)
	if len(shown) != 3 || shown[0] != id["Wijkzorg"] {
		t.Fatalf("the lead's board shows %v", shown)
	}
	for _, d := range shown {
		if d != id["Wijkzorg"] && d != id["Team Noord"] && d != id["Team Zuid"] {
			t.Fatalf("the lead's board shows %s", d)
		}
	}
	assertPage(t, lead, "en", 390, axe, "a lead's branch on a phone")
	status, err := chromedp.Run(lead, chromedp.Evaluate[int](`fetch('/board/departments/`+id["Directie Zorg"]+`').then(r => r.status)`, chromedp.EvalAwaitPromise))
	must(t, err)
	if status != http.StatusForbidden {
		t.Fatalf("the lead opens the directorate above: %d", status)
	}
}
