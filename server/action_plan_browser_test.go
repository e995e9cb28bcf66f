package server_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"trots/server"
	"trots/survey/storetest"
)

// A lead records an action on a phone without script; the plan, its log
// and, after the follow-up pulse, the progress per theme fit 320 px and
// 1280 px and pass axe-core.
func TestBrowserLeadRecordsAnActionPlanOnAPhone(t *testing.T) {
	axe := mustAxe(t)
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	dept := e.fixFirstDepartment()
	base := e.demo.Baseline.ID
	const width = 320
	browser := newBrowser(t)
	ctx, shot := phoneTab(t, browser, width, "console-plan-")
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(e.srv.URL+"/board/departments/"+dept.ID+"?lang=en&pulse="+base),
		signIn("lead.fix@example.org"),
		chromedp.WaitVisible(chromedp.ID("action-form")),
	))
	assertPage(t, ctx, "en", width, axe, "department page with an empty plan")
	must(t, chromedp.Do(ctx,
		scrollTo("#action-form"),
		chromedp.SendKeys(chromedp.ID("action-title"), "Werkdruk omlaag: een extra collega per dienst"),
		chromedp.SetValue(chromedp.ID("action-theme"), "pride"),
		chromedp.SendKeys(chromedp.ID("action-owner"), "teamleider"),
		chromedp.SetValue(chromedp.ID("action-due"), "2027-03-31"),
		chromedp.Tap(chromedp.CSS("#action-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("plan-saved")),
	))
	assertPage(t, ctx, "en", width, axe, "department page with a plan")
	shot("320")
	got, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("current-plan")))
	must(t, err)
	if !strings.Contains(got, "Werkdruk omlaag") || !strings.Contains(got, "teamleider") || !strings.Contains(got, "2027-03-31") {
		t.Fatalf("plan after the form: %q", got)
	}
	// The second action over plain HTTP, then the follow-up pulse.
	b := e.browser()
	b.login("lead.fix@example.org")
	b.addAction(dept.ID, base, url.Values{"title": {"Doorgroeipaden"}, "theme": {"content"}, "owner": {"HR-adviseur"}, "due": {"2027-05-01"}})
	next := e.followUp(dept)
	for _, w := range []int64{width, 1280} {
		tab, shot := phoneTab(t, browser, w, "console-plan-progress-")
		must(t, chromedp.Do(tab,
			// Each tab is a browser context of its own (phoneTab): sign in
			// again; the login leads back to the page.
			chromedp.Navigate(e.srv.URL+"/board/departments/"+dept.ID+"?lang=nl&pulse="+next.ID),
			signIn("lead.fix@example.org"),
			chromedp.WaitVisible(chromedp.ID("plan-progress")),
		))
		assertPage(t, tab, "nl", int(w), axe, "department page with the plan's progress")
		shot(strconv.FormatInt(w, 10))
		got, err := chromedp.Run(tab, chromedp.Text(chromedp.ID("plan-progress")))
		must(t, err)
		if strings.Count(got, "aantoonbaar gestegen") != 2 {
			t.Errorf("%d px: progress %q", w, got)
		}
	}
}
