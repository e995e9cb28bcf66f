package server_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"trots/accounts"
	"trots/server"
	"trots/survey"
	"trots/survey/storetest"
)

// The works council on a phone (390 px) signs in, opens the audit log from
// the navigation, filters on marked department actions and pages back;
// every page passes axe-core and fits the screen, also at 320 px.
func TestBrowserCouncilReadsTheAuditLogOnAPhone(t *testing.T) {
	axe := mustAxe(t)
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	if _, err := accounts.New(e.store).CreateUser(ctx, accounts.User{Email: "or@example.org", Role: accounts.RoleCouncil}, testPassword); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 55; i++ {
		must(t, e.store.AppendAudit(ctx, survey.AuditEntry{Actor: "cli:hr", Action: "user.add", Object: "account user" + strconv.Itoa(i) + "@example.org", Detail: "role viewer"}))
	}
	must(t, e.store.AppendAudit(ctx, survey.AuditEntry{Actor: "hr@example.org", Action: "department.headcount",
		Object: "department " + e.lead.ID + " (" + e.lead.Name + ")", Detail: "headcount 12 -> 4", Sensitive: true}))

	const width = 390
	tab, shot := phoneTab(t, newBrowser(t), width, "audit-")
	must(t, chromedp.Do(tab,
		chromedp.Navigate(e.srv.URL+"/board?lang=nl"),
		signIn("or@example.org"),
		chromedp.WaitVisible(chromedp.ID("board")),
		chromedp.Tap(chromedp.CSS(`nav.nav a[href="/audit"]`)),
		chromedp.WaitVisible(chromedp.ID("audit-log")),
	))
	assertPage(t, tab, "nl", width, axe, "audit log")
	shot("log-390")
	rows, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.querySelectorAll('#audit-log tr.audit-entry').length`))
	must(t, err)
	if rows != 50 {
		t.Errorf("first page: %d rows, want 50", rows)
	}
	must(t, chromedp.Do(tab,
		scrollTo("#audit-next"),
	))
	// Follow the link by navigating to it: a tap starts a navigation the
	// test cannot wait for, and the next step would race it.
	next, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.querySelector('#audit-next').href`))
	must(t, err)
	must(t, chromedp.Do(tab,
		chromedp.Navigate(next),
		chromedp.WaitVisible(chromedp.ID("audit-first")),
	))
	assertPage(t, tab, "nl", width, axe, "audit log, older entries")

	must(t, chromedp.Do(tab,
		chromedp.Navigate(e.srv.URL+"/audit"),
		chromedp.WaitVisible(chromedp.ID("audit-filter")),
		chromedp.SetValue(chromedp.ID("audit-action"), "department.headcount"),
		chromedp.Tap(chromedp.CSS(`input[name=sensitive]`)),
	))
	// Send the form as the browser would (a GET of its fields), by
	// navigating: the unfiltered page has marked rows too, so waiting
	// for them after a tap would race the navigation.
	query, err := chromedp.Run(tab, chromedp.Evaluate[string](`new URLSearchParams(new FormData(document.querySelector('#audit-filter'))).toString()`))
	must(t, err)
	if document := "action=department.headcount"; !strings.Contains(query, document) || !strings.Contains(query, "sensitive=") {
		t.Fatalf("the filter form sends %q", query)
	}
	must(t, chromedp.Do(tab,
		chromedp.Navigate(e.srv.URL+"/audit?"+query),
		chromedp.WaitVisible(chromedp.CSS(`#audit-log tr.sensitive`)),
	))
	got, err := chromedp.Run(tab, chromedp.Text(chromedp.ID("audit-log")))
	must(t, err)
	if !strings.Contains(got, "headcount 12 -> 4") || !strings.Contains(got, "gemarkeerd") || strings.Contains(got, "user.add") {
		t.Errorf("filtered log: %q", got)
	}
	assertPage(t, tab, "nl", width, axe, "audit log, filtered")
	shot("filtered-390")

	must(t, chromedp.Do(tab,
		chromedp.EmulateViewport(320, 640, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(e.srv.URL+"/audit?lang=en&from=2026-13-01"),
		chromedp.WaitVisible(chromedp.ID("audit-error")),
	))
	assertPage(t, tab, "en", 320, axe, "audit log with a bad date")
}
