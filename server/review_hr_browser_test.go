package server_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"trots/server"
	"trots/survey/storetest"
)

// HR's rooms of the console, walked as HR does on a phone without
// JavaScript, in Dutch at 320 px and in English at 390 px: every page is
// in the chosen language, fits the screen, has touch targets of at least
// 44 px (menus and text fields too, not only buttons) and passes axe-core.
// Menus (select) were 42 px high on every console page.
func TestBrowserHRWalksTheConsoleWithoutJavaScript(t *testing.T) {
	axe := mustAxe(t)
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	closed, open := e.demo.Baseline.ID, e.demo.Open.ID
	dept := e.demo.Departments[0].Department.ID
	admin := e.userID("admin@example.org")
	pages := []string{
		"/board?pulse=" + closed,
		"/board/departments/" + dept + "?pulse=" + closed,
		"/users",
		"/users/" + admin,
		"/departments",
		"/departments/" + dept,
		"/pulses",
		"/pulses/" + open,
		"/pulses/" + open + "/links",
		"/pulses/" + closed + "/next",
		"/reports",
		"/participation?pulse=" + open,
		"/audit",
		"/settings",
	}
	browser := newBrowser(t)
	for _, tc := range []struct {
		lang  string
		width int64
	}{{"nl", 320}, {"en", 390}} {
		t.Run(fmt.Sprintf("%s-%d", tc.lang, tc.width), func(t *testing.T) {
			tab, shot := phoneTab(t, browser, tc.width, "hr-walk-"+tc.lang+"-")
			must(t, chromedp.Do(tab, scripts(false), chromedp.Navigate(e.srv.URL+"/login?lang="+tc.lang), signIn("admin@example.org")))
			for i, path := range pages {
				must(t, chromedp.Do(tab, scripts(false), chromedp.Navigate(e.srv.URL+path), chromedp.WaitReady(chromedp.CSS("main"))))
				// The page was loaded and drawn without scripts; axe-core
				// needs them to look at it.
				must(t, chromedp.Do(tab, scripts(true)))
				assertPage(t, tab, tc.lang, int(tc.width), axe, path)
				assertFieldsTouchable(t, tab, path)
				shot(fmt.Sprintf("%02d", i))
			}
			// The pages that answer a form: an invitation's link, a
			// refused CSV import (what was pasted stays), a pulse
			// without a name (what was chosen stays). A refusal is in
			// view when the page comes back: at 320 px the forms sit
			// below long lists, and a message at the top of their card
			// went unseen (the pulse form, the invitation).
			type submission struct {
				name, path     string
				fill           []chromedp.Action[chromedp.Void]
				submit, inView string
			}
			keys := func(id, s string) []chromedp.Action[chromedp.Void] {
				return []chromedp.Action[chromedp.Void]{chromedp.SendKeys(chromedp.ID(id), s)}
			}
			for _, step := range []submission{
				{"invite-refused", "/users", keys("invite-email", "directie"), "#invite-form button[type=submit]", "#invite-error"},
				{"invite", "/users", keys("invite-email", "directie-"+tc.lang+"@example.org"), "#invite-form button[type=submit]", "#account-link"},
				{"import", "/departments", keys("csv", "naam;aantal_medewerkers;extern_zichtbaar\nTeam X;twaalf;ja"), "#import-form button[type=submit]", "#import-errors"},
				{"pulse", "/pulses", nil, "#pulse-form button[type=submit]", "#form-error"},
			} {
				must(t, chromedp.Do(tab, scripts(false), chromedp.Navigate(e.srv.URL+step.path), chromedp.WaitReady(chromedp.CSS("main"))))
				must(t, chromedp.Do(tab, step.fill...))
				must(t, chromedp.Do(tab, chromedp.Tap(chromedp.CSS(step.submit)), chromedp.WaitVisible(chromedp.CSS(step.inView))))
				must(t, chromedp.Do(tab, scripts(true)))
				top, err := chromedp.Run(tab, chromedp.Evaluate[[]float64](fmt.Sprintf(
					`[document.querySelector(%q).getBoundingClientRect().top, window.innerHeight]`, step.inView)))
				must(t, err)
				if top[0] < 0 || top[0] >= top[1] {
					t.Errorf("%s: %s is out of view when the page comes back (at %.0f px; the screen is %.0f px high)", step.name, step.inView, top[0], top[1])
				}
				assertPage(t, tab, tc.lang, int(tc.width), axe, step.name+" answered")
				assertFieldsTouchable(t, tab, step.name+" answered")
				shot("form-" + step.name)
			}
			kept, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.getElementById('name').form.querySelector('input[name=questionnaire]:checked') ? 'yes' : 'no'`))
			must(t, err)
			if kept != "yes" {
				t.Errorf("the refused pulse form forgot the chosen questionnaire")
			}
		})
	}
}

// scripts switches the page's JavaScript on or off (the test's own
// evaluations run either way).
func scripts(on bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
		return err
	})
}

// assertFieldsTouchable checks that the menus and text fields of the page
// are at least 44 px high, as buttons are (assertPage).
func assertFieldsTouchable(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	small, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`
		Array.from(document.querySelectorAll('select, input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=file])'))
			.filter(el => el.offsetParent !== null)
			.map(el => [el, el.getBoundingClientRect()])
			.filter(([el, r]) => r.height < 44)
			.map(([el, r]) => el.outerHTML.slice(0, 80) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height))`))
	must(t, err)
	if len(small) > 0 {
		t.Errorf("%s: fields under 44 px high: %v", what, small)
	}
}
