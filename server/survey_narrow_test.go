package server_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"trots/server"
	"trots/survey"
	"trots/survey/storetest"
)

// On the narrowest phone (320 CSS pixels) the survey pages never scroll
// sideways, not even for an organisation with a long name (one long Dutch
// compound word in it) and a department whose name is 100 characters
// without a space: the header wraps and long words break.
func TestBrowserNarrowSurveyWithLongNames(t *testing.T) {
	const width = 320
	e := newSurveyEnv(t, storetest.SQLiteDSN(t), "pulse", server.Config{})
	settings := survey.DefaultSettings()
	settings.Name = "Stichting Samenwerkende Zorgverzekeringsmaatschappijenoverkoepelingsorganisatie Noord- en Oost-Nederland"
	must(t, e.store.SaveSettings(ctx, settings))
	dept := e.dept
	dept.Name = strings.Repeat("Klantcontactcentrum", 6)[:100]
	must(t, e.store.UpdateDepartment(ctx, dept))
	browser := newBrowser(t)

	for _, lang := range []string{"nl", "en"} {
		t.Run(lang, func(t *testing.T) {
			tab, shot := phoneTab(t, browser, width, "narrow-"+lang+"-")
			fits := func(what string) {
				t.Helper()
				sw, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
				must(t, err)
				t.Logf("%s: scrollWidth %d", what, sw)
				if sw > width {
					t.Errorf("%s (%s): scrollWidth %d > %d: the page scrolls sideways", what, lang, sw, width)
				}
				assertNoSideways(t, tab, width, what+" ("+lang+")")
			}

			must(t, chromedp.Do(tab,
				chromedp.Navigate(e.formURL()+"?lang="+lang),
				chromedp.WaitVisible(chromedp.CSS("[data-progress]")),
			))
			for sel, want := range map[string]string{".brand": settings.Name, "p.department": dept.Name} {
				got, err := chromedp.Run(tab, chromedp.Text(chromedp.CSS(sel)))
				must(t, err)
				if !strings.Contains(got, want) {
					t.Fatalf("%s = %q, want it to hold %q", sel, got, want)
				}
			}
			fits("survey page")
			shot("1-survey")

			// The empty form comes back asking whether to send it so.
			must(t, chromedp.Do(tab,
				chromedp.Tap(chromedp.CSS("[data-submit]")),
				chromedp.WaitVisible(chromedp.ID("open-notice")),
			))
			fits("open questions page")

			tapEveryAnswer(t, tab, e.q)
			fits("answered survey")
			must(t, chromedp.Do(tab,
				chromedp.Tap(chromedp.CSS("[data-submit]")),
				chromedp.WaitVisible(chromedp.CSS("[data-sent]")),
			))
			fits("thank-you page")
			shot("2-thanks")
		})
	}
}

// The console at 320 px with the same long names: the header, the board
// and the departments list do not scroll sideways either.
func TestBrowserNarrowConsoleWithLongNames(t *testing.T) {
	const width = 320
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	settings, err := e.store.Settings(ctx)
	must(t, err)
	settings.Name = "Stichting Samenwerkende Zorgverzekeringsmaatschappijenoverkoepelingsorganisatie Noord- en Oost-Nederland"
	must(t, e.store.SaveSettings(ctx, settings))
	dept := e.demo.Departments[0].Department
	dept.Name = strings.Repeat("Klantcontactcentrum", 6)[:100]
	must(t, e.store.UpdateDepartment(ctx, dept))

	tab, shot := phoneTab(t, newBrowser(t), width, "narrow-console-")
	must(t, chromedp.Do(tab,
		chromedp.Navigate(e.srv.URL+"/board?lang=nl"),
		signIn("admin@example.org"),
		chromedp.WaitVisible(chromedp.CSS("main")),
	))
	for _, path := range []string{"/board?lang=nl", "/departments?lang=nl", "/participation?lang=nl", "/board/departments/" + dept.ID + "?lang=nl"} {
		must(t, chromedp.Do(tab, chromedp.Navigate(e.srv.URL+path), chromedp.WaitVisible(chromedp.CSS("main"))))
		sw, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		must(t, err)
		if sw > width {
			shot(strings.NewReplacer("/", "-", "?", "-", "=", "-").Replace(path))
			t.Errorf("%s: scrollWidth %d > %d: the page scrolls sideways", path, sw, width)
		}
		assertNoSideways(t, tab, width, path)
	}
}
