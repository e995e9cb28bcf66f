package server_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
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

// The whole road through trots in a real browser, from an empty
// organisation to a decision:
//
//  1. HR (admin, desktop) creates a department by hand and two more by
//     importing a CSV file, creates a pulse and opens it;
//  2. employees answer through the department's survey link on a phone;
//  3. HR sees participation rise, closes the pulse and downloads the PDF
//     report through the report job's progress page;
//  4. management (viewer, phone) records a go/no-go decision on the board;
//  5. the department's lead sees the own department only.
//
// Every console page on the way passes axe-core and fits its viewport.
// Screenshots go to TROTS_SCREENSHOTS (docs/screenshots in the README).
func TestBrowserEndToEndFromEmptyOrganisationToDecision(t *testing.T) {
	axe := mustAxe(t)
	shots := screenshotDir(t)
	st := storetest.Open(t, storetest.SQLiteDSN(t))
	settings := survey.DefaultSettings()
	settings.Name = "Bakkerij De Korenbloem"
	must(t, st.SaveSettings(ctx, settings))
	for _, u := range []accounts.User{
		{Email: "hr@example.org", Role: accounts.RoleAdmin},
		{Email: "directie@example.org", Role: accounts.RoleViewer},
	} {
		if _, err := accounts.New(st).CreateUser(ctx, u, testPassword); err != nil {
			t.Fatal(err)
		}
	}
	// HR looks at the participation before and after the answers within
	// a minute: counted live here (a real day counts once,
	// TestOpenParticipationIsCountedOnceADay).
	app := server.New(server.Config{ParticipationEvery: -1}, slog.New(slog.NewTextHandler(io.Discard, nil)), st, accounts.New(st))
	srv := httptest.NewServer(app.Handler())
	t.Cleanup(func() { srv.Close(); app.Close() })
	q, err := questionnaires.Load("pulse")
	must(t, err)

	browser := newBrowser(t)
	// Each person gets their own browser context: own cookies, own storage.
	window := func() (context.Context, func()) {
		win, cancelWin := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
		// Open the tab now, on a context without a deadline: the context
		// of a tab's first run is its lifetime.
		must(t, chromedp.Do(win))
		c, cancelTimeout := context.WithTimeout(win, 2*browserTimeout)
		return c, func() { cancelTimeout(); cancelWin() }
	}
	shot := func(c context.Context, name string) {
		t.Helper()
		png, err := chromedp.Run(c, chromedp.FullScreenshot(100))
		must(t, err)
		must(t, os.WriteFile(filepath.Join(shots, "e2e-"+name+".png"), png, 0o644))
	}
	text := func(c context.Context, sel string) string {
		t.Helper()
		s, err := chromedp.Run(c, chromedp.Text(chromedp.CSS(sel)))
		must(t, err)
		return s
	}
	login := func(c context.Context, email string, width, height int64, mobile bool) {
		t.Helper()
		vp := []chromedp.EmulateViewportOption{}
		if mobile {
			vp = append(vp, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
		}
		step, cancel := context.WithTimeout(c, 20*time.Second)
		defer cancel()
		if err := chromedp.Do(step,
			chromedp.EmulateViewport(width, height, vp...),
			chromedp.Navigate(srv.URL+"/login?lang=en"),
			chromedp.WaitVisible(chromedp.ID("password")),
			chromedp.SendKeys(chromedp.ID("email"), email),
			chromedp.SendKeys(chromedp.ID("password"), testPassword),
			// A button on a touch screen is tapped, not clicked.
			press(mobile, chromedp.CSS("form button[type=submit]")),
			// Every console page names who is signed in; the login page
			// does not.
			chromedp.WaitReady(chromedp.CSS(".who")),
		); err != nil {
			where, _ := chromedp.Run(c, chromedp.Evaluate[string](`location.href + "\n" + document.querySelector("header").outerHTML`))
			t.Fatalf("log in as %s: %v; the browser shows %s", email, err, where)
		}
	}

	// 1. HR sets up the organisation on a laptop.
	hr, closeHR := window()
	defer closeHR()
	login(hr, "hr@example.org", 1280, 900, false)
	must(t, chromedp.Do(hr,
		chromedp.Navigate(srv.URL+"/departments"),
		chromedp.WaitVisible(chromedp.ID("create-form")),
	))
	// The shop's people may not (yet) be visible outside: HR unticks the
	// box, which is ticked for a new department.
	visibleByDefault, err := chromedp.Run(hr, chromedp.Evaluate[bool](`document.getElementById('externally_visible').checked`))
	must(t, err)
	must(t, chromedp.Do(hr,
		chromedp.SendKeys(chromedp.ID("name"), "Winkel Centrum"),
		chromedp.SendKeys(chromedp.ID("headcount"), "12"),
		chromedp.Click(chromedp.ID("externally_visible")),
		chromedp.Click(chromedp.CSS("#create-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("dept-notice")),
	))
	csv := filepath.Join(t.TempDir(), "afdelingen.csv")
	must(t, os.WriteFile(csv, []byte("\ufeffnaam;aantal_medewerkers;extern_zichtbaar\nBakkerij;25;ja\nBezorging;8;nee\n"), 0o644))
	must(t, chromedp.Do(hr,
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{csv}),
		chromedp.Click(chromedp.CSS("#import-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("import-summary")),
	))
	deps, err := st.Departments(ctx)
	must(t, err)
	if len(deps) != 3 {
		t.Fatalf("%d departments after creating one and importing two: %+v", len(deps), deps)
	}
	var shop survey.Department
	for _, d := range deps {
		if d.Name == "Winkel Centrum" {
			shop = d
		}
	}
	if shop.Headcount != 12 || shop.ExternallyVisible == visibleByDefault {
		t.Fatalf("the department made through the form: %+v", shop)
	}
	assertPage(t, hr, "en", 1280, axe, "departments page")
	shot(hr, "departments-1280")

	must(t, chromedp.Do(hr,
		chromedp.Navigate(srv.URL+"/pulses"),
		chromedp.WaitVisible(chromedp.ID("pulse-form")),
		chromedp.SendKeys(chromedp.CSS("#pulse-form #name"), "Spring pulse"),
		chromedp.Click(chromedp.CSS(`input[name=questionnaire][value="pulse"]`)),
		chromedp.Click(chromedp.CSS("#pulse-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("open-form")),
	))
	assertPage(t, hr, "en", 1280, axe, "draft pulse page")
	must(t, chromedp.Do(hr,
		chromedp.Click(chromedp.ID("open-confirm")),
		chromedp.Click(chromedp.CSS("#open-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("links")),
	))
	if got := text(hr, "#status"); !strings.Contains(strings.ToLower(got), "open") {
		t.Fatalf("pulse status after opening: %q", got)
	}
	shot(hr, "pulse-1280")
	pulses, err := st.Pulses(ctx)
	must(t, err)
	if len(pulses) != 1 || pulses[0].Status != survey.PulseOpen || pulses[0].QuestionnaireID != "pulse" {
		t.Fatalf("pulses after create and open: %+v", pulses)
	}
	pulse := pulses[0]

	must(t, chromedp.Do(hr,
		chromedp.Click(chromedp.ID("links")),
		chromedp.WaitVisible(chromedp.ID("dept-"+shop.ID)),
	))
	assertPage(t, hr, "en", 1280, axe, "survey links page")
	shot(hr, "links-1280")
	surveyURL := text(hr, "#dept-"+shop.ID+" .link-url")
	if !strings.HasPrefix(surveyURL, srv.URL+"/s/") {
		t.Fatalf("survey link shown for %s: %q", shop.Name, surveyURL)
	}
	// The shop's responses so far; -1 while they are hidden (fewer than 5).
	participation := func() int {
		t.Helper()
		must(t, chromedp.Do(hr,
			chromedp.Navigate(srv.URL+"/participation?pulse="+pulse.ID),
			chromedp.WaitVisible(chromedp.ID("participation")),
		))
		row := text(hr, fmt.Sprintf(`#participation tr.dept:nth-child(%d)`, indexOf(deps, shop.ID)+1))
		if !strings.Contains(row, shop.Name) {
			t.Fatalf("participation row %q is not %s's", row, shop.Name)
		}
		if (strings.Contains(row, "hidden") || strings.Contains(row, "not shown yet")) && !regexp.MustCompile(`\d+%`).MatchString(row) {
			return -1
		}
		m := regexp.MustCompile(`\s(\d+)\s+\d+%`).FindStringSubmatch(row)
		if m == nil {
			t.Fatalf("no count and rate in the participation row %q", row)
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	if n := participation(); n != -1 {
		t.Fatalf("participation before anyone answered: %d, want hidden (fewer than 5)", n)
	}

	// 2. Six employees answer on their phones through the link.
	const answered = 6
	for i := range answered {
		phone, closePhone := window()
		width := int64(390)
		if i%2 == 1 {
			width = 320
		}
		must(t, chromedp.Do(phone,
			chromedp.EmulateViewport(width, 780, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch),
			chromedp.Navigate(surveyURL),
			chromedp.WaitVisible(chromedp.CSS("[data-submit]")),
		))
		if i == 0 {
			assertPage(t, phone, "en", int(width), axe, "survey on a phone")
		}
		tapEveryAnswer(t, phone, q)
		must(t, chromedp.Do(phone,
			chromedp.Tap(chromedp.CSS("[data-submit]")),
			chromedp.WaitVisible(chromedp.CSS("[data-sent]")),
		))
		closePhone()
	}

	// 3. HR watches participation rise, closes the pulse and downloads the
	// organisation report.
	if n := participation(); n != answered {
		t.Fatalf("participation after %d answers: %d", answered, n)
	}
	assertPage(t, hr, "en", 1280, axe, "participation page")
	shot(hr, "participation-1280")
	must(t, chromedp.Do(hr,
		chromedp.Navigate(srv.URL+"/pulses/"+pulse.ID),
		chromedp.WaitVisible(chromedp.ID("close-heading")),
		chromedp.Click(chromedp.ID("close-confirm")),
		chromedp.Click(chromedp.CSS("#close-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("done")),
	))
	if p, err := st.Pulse(ctx, pulse.ID); err != nil || p.Status != survey.PulseClosed {
		t.Fatalf("pulse after closing in the console: %+v, %v", p, err)
	}
	if _, err := st.PulseResult(ctx, pulse.ID); err != nil {
		t.Fatalf("closing in the console stored no results: %v", err)
	}
	must(t, chromedp.Do(hr,
		chromedp.Navigate(srv.URL+"/reports"),
		chromedp.WaitVisible(chromedp.ID("report-form")),
	))
	assertPage(t, hr, "en", 1280, axe, "reports page")
	must(t, chromedp.Do(hr,
		chromedp.Click(chromedp.CSS(`input[name=report_lang][value=en]`)),
		chromedp.Click(chromedp.CSS("#report-form button[type=submit]")),
		// The job page refreshes itself until the PDF is ready.
		chromedp.WaitVisible(chromedp.ID("download")),
	))
	shot(hr, "report-ready-1280")
	href, err := chromedp.Run(hr, chromedp.Evaluate[string](`document.getElementById('download').href`))
	must(t, err)
	b64, err := chromedp.Run(hr, chromedp.Evaluate[string](fmt.Sprintf(`fetch(%q).then(r => {
		if (!r.ok || r.headers.get('Content-Type') !== 'application/pdf') throw new Error('download: ' + r.status + ' ' + r.headers.get('Content-Type'));
		return r.arrayBuffer();
	}).then(b => { let s = ''; new Uint8Array(b).forEach(c => s += String.fromCharCode(c)); return btoa(s); })`, href),
		chromedp.EvalAwaitPromise))
	must(t, err)
	pdf, err := base64.StdEncoding.DecodeString(b64)
	must(t, err)
	report := e2ePDFText(t, pdf)
	for _, want := range []string{"Bakkerij De Korenbloem", "Spring pulse", shop.Name} {
		if !strings.Contains(report, want) {
			t.Errorf("the downloaded report does not mention %q", want)
		}
	}

	// 4. Management decides on a phone.
	boss, closeBoss := window()
	defer closeBoss()
	login(boss, "directie@example.org", 390, 844, true)
	must(t, chromedp.Do(boss,
		chromedp.Navigate(srv.URL+"/board?pulse="+pulse.ID),
		chromedp.WaitVisible(chromedp.ID("board")),
	))
	assertPage(t, boss, "en", 390, axe, "board on a phone")
	shot(boss, "board-390")
	row := fmt.Sprintf(`tr[data-department=%q] a`, shop.ID)
	must(t, chromedp.Do(boss,
		scrollTo(row),
		chromedp.Tap(chromedp.CSS(row)),
		chromedp.WaitVisible(chromedp.ID("decision-form")),
		scrollTo("#decision-form"),
		chromedp.Tap(chromedp.CSS(`input[name=choice][value=no_go]`)),
		chromedp.SendKeys(chromedp.ID("note"), "Eerst de werkdruk in de winkel aanpakken."),
		chromedp.Tap(chromedp.CSS("#decision-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("saved")),
	))
	assertPage(t, boss, "en", 390, axe, "department page with the decision on a phone")
	shot(boss, "department-390")
	decisions, err := st.Decisions(ctx, pulse.ID, shop.ID)
	must(t, err)
	if len(decisions) != 1 || decisions[0].UserEmail != "directie@example.org" || decisions[0].Choice != survey.ChoiceNoGo {
		t.Fatalf("decisions after the viewer decided: %+v", decisions)
	}

	// 5. The lead of the shop sees the shop only.
	if _, err := accounts.New(st).CreateUser(ctx, accounts.User{Email: "winkel@example.org", Role: accounts.RoleLead, DepartmentID: shop.ID}, testPassword); err != nil {
		t.Fatal(err)
	}
	lead, closeLead := window()
	defer closeLead()
	login(lead, "winkel@example.org", 390, 844, true)
	must(t, chromedp.Do(lead,
		chromedp.Navigate(srv.URL+"/board?pulse="+pulse.ID),
		chromedp.WaitVisible(chromedp.ID("board")),
	))
	shown, err := chromedp.Run(lead, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('#board tr[data-department]')).map(tr => tr.dataset.department)`))
	must(t, err)
	if len(shown) != 1 || shown[0] != shop.ID {
		t.Fatalf("the lead's board shows departments %v, want only %s", shown, shop.ID)
	}
	assertPage(t, lead, "en", 390, axe, "lead's board")
	for _, d := range deps {
		if d.ID == shop.ID {
			continue
		}
		status, err := chromedp.Run(lead, chromedp.Evaluate[int](fmt.Sprintf(
			`fetch('/board/departments/%s?pulse=%s', {redirect: 'manual'}).then(r => r.status)`, d.ID, pulse.ID),
			chromedp.EvalAwaitPromise))
		must(t, err)
		if status != http.StatusForbidden && status != http.StatusNotFound {
			t.Errorf("the lead of %s opening %s: status %d, want 403 or 404", shop.Name, d.Name, status)
		}
	}
	t.Logf("screenshots in %s", shots)
}

func indexOf(deps []survey.Department, id string) int {
	for i, d := range deps {
		if d.ID == id {
			return i
		}
	}
	return -1
}

// e2ePDFText reads a downloaded PDF back as text with pdftotext.
func e2ePDFText(t *testing.T, pdf []byte) string {
	t.Helper()
	if len(pdf) < 5 || string(pdf[:5]) != "%PDF-" {
		t.Fatalf("the download is not a PDF (%d bytes)", len(pdf))
	}
	return linksPDFText(t, pdf)
}

func press[S chromedp.Selectable](touch bool, sel S) chromedp.Action[chromedp.Void] {
	if touch {
		return chromedp.Tap(sel)
	}
	return chromedp.Click(sel)
}
