package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"

	"trots/accounts"
	"trots/server"
	"trots/survey/storetest"
)

// signInAs fills in and sends the login form the tab shows, then waits
// for the console's navigation.
func signInAs(email, password string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.WaitVisible(chromedp.ID("password")),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Tap(chromedp.CSS("form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("nav.nav")),
	)
}

// choosePassword fills in the form of a one-time link the tab shows (with
// the address for a setup link) and waits for the page that says it worked.
func choosePassword(email, password string) chromedp.Action[chromedp.Void] {
	steps := []chromedp.Action[chromedp.Void]{chromedp.WaitVisible(chromedp.ID("account-form"))}
	if email != "" {
		steps = append(steps, chromedp.SendKeys(chromedp.ID("email"), email))
	}
	return chromedp.Steps(append(steps,
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.SendKeys(chromedp.ID("password2"), password),
		chromedp.Tap(chromedp.CSS("#account-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("to-login")),
	)...)
}

// toLogin follows the link to the login page that a used link's page
// shows (by navigating: a tap starts a navigation the next step would race).
func toLogin(base string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.WaitVisible(chromedp.CSS(`#to-login[href="/login"]`)),
		chromedp.Navigate(base+"/login"),
	)
}

// issuedLink reads the one-time link from the page that shows it.
func issuedLink(t *testing.T, tab context.Context) string {
	t.Helper()
	must(t, chromedp.Do(tab, chromedp.WaitVisible(chromedp.ID("account-link"))))
	link, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.querySelector('#account-link').value`))
	must(t, err)
	return link
}

// A fresh install on phones (390 px): the first administrator signs in
// through the setup link, invites a viewer and a lead, who each accept
// their link and sign in; the viewer forgets the password and gets back in
// through a reset link from the administrator; the administrator disables
// the lead, whose open session ends at once. Every page passes axe-core
// and fits the screen, the account pages also at 320 px.
func TestBrowserAccountsFromSetupToDisable(t *testing.T) {
	axe := mustAxe(t)
	st := storetest.Open(t, storetest.SQLiteDSN(t))
	dept := storetest.MustDepartment(t, st, "Klantcontact", 20)
	srv := httptest.NewServer(server.New(server.Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)), st, accounts.New(st)).Handler())
	t.Cleanup(srv.Close)
	// What `trots serve` prints while there is no account (serve.go).
	setup, _, err := accounts.New(st).NewSetupLink(ctx, accounts.DefaultAccountLinkLifetime)
	must(t, err)

	const width = 390
	browser := newBrowser(t)
	const (
		adminPW  = "the people team keeps the keys"
		viewerPW = "management reads the board weekly"
		leadPW   = "the call centre keeps its promises"
		newPW    = "a fresh start after the holidays"
	)

	admin, shot := phoneTab(t, browser, width, "accounts-")
	must(t, chromedp.Do(admin, chromedp.Navigate(srv.URL+"/account/"+setup+"?lang=en"), chromedp.WaitVisible(chromedp.ID("account-form"))))
	assertPage(t, admin, "en", width, axe, "setup link")
	shot("setup-390")
	must(t, chromedp.Do(admin, choosePassword("hr@example.org", adminPW)))
	assertPage(t, admin, "en", width, axe, "password saved")
	must(t, chromedp.Do(admin, toLogin(srv.URL), signInAs("hr@example.org", adminPW)))

	invite := func(email, role, department string) string {
		t.Helper()
		steps := []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(srv.URL + "/users"),
			chromedp.WaitVisible(chromedp.ID("invite-form")),
			chromedp.SendKeys(chromedp.ID("invite-email"), email),
			chromedp.SetValue(chromedp.ID("invite-role"), role),
		}
		if department != "" {
			steps = append(steps, chromedp.SetValue(chromedp.ID("invite-department"), department))
		}
		must(t, chromedp.Do(admin, append(steps, chromedp.Tap(chromedp.CSS("#invite-form button[type=submit]")))...))
		return issuedLink(t, admin)
	}
	must(t, chromedp.Do(admin, chromedp.Navigate(srv.URL+"/users"), chromedp.WaitVisible(chromedp.ID("invite-form"))))
	assertPage(t, admin, "en", width, axe, "accounts")
	shot("users-390")
	viewerLink := invite("viewer@example.org", "viewer", "")
	assertPage(t, admin, "en", width, axe, "invitation link")
	shot("invited-390")
	leadLink := invite("lead@example.org", "lead", dept.ID)

	// Each accepts the link on a phone of their own, in Dutch, and signs in.
	viewer, _ := phoneTab(t, browser, width, "accounts-viewer-")
	must(t, chromedp.Do(viewer, chromedp.Navigate(viewerLink+"?lang=nl"), chromedp.WaitVisible(chromedp.ID("account-form"))))
	assertPage(t, viewer, "nl", width, axe, "invitation")
	must(t, chromedp.Do(viewer, choosePassword("", viewerPW), toLogin(srv.URL), signInAs("viewer@example.org", viewerPW)))
	lead, _ := phoneTab(t, browser, width, "accounts-lead-")
	must(t, chromedp.Do(lead, chromedp.Navigate(leadLink+"?lang=nl"), choosePassword("", leadPW),
		toLogin(srv.URL), signInAs("lead@example.org", leadPW)))

	// A used link says so.
	must(t, chromedp.Do(lead, chromedp.Navigate(leadLink), chromedp.WaitVisible(chromedp.ID("message-heading"))))
	assertPage(t, lead, "nl", width, axe, "used link")
	must(t, chromedp.Do(lead, chromedp.Navigate(srv.URL+"/board"), chromedp.WaitVisible(chromedp.CSS("nav.nav"))))

	// The viewer forgets the password: the administrator issues a reset.
	v, err := accounts.New(st).UserByEmail(ctx, "viewer@example.org")
	must(t, err)
	must(t, chromedp.Do(admin, chromedp.Navigate(srv.URL+"/users/"+v.ID), chromedp.WaitVisible(chromedp.ID("reset-form"))))
	assertPage(t, admin, "en", width, axe, "account")
	shot("user-390")
	must(t, chromedp.Do(admin, chromedp.Tap(chromedp.CSS("#reset-form button"))))
	resetLink := issuedLink(t, admin)
	forgetful, _ := phoneTab(t, browser, width, "accounts-reset-")
	must(t, chromedp.Do(forgetful, chromedp.Navigate(resetLink+"?lang=nl"), chromedp.WaitVisible(chromedp.ID("account-form"))))
	assertPage(t, forgetful, "nl", width, axe, "reset link")
	must(t, chromedp.Do(forgetful, choosePassword("", newPW), toLogin(srv.URL), signInAs("viewer@example.org", newPW)))

	// The administrator disables the lead; the lead's open session ends.
	l, err := accounts.New(st).UserByEmail(ctx, "lead@example.org")
	must(t, err)
	must(t, chromedp.Do(admin,
		chromedp.Navigate(srv.URL+"/users/"+l.ID),
		chromedp.WaitVisible(chromedp.ID("disable-form")),
		chromedp.Tap(chromedp.CSS("#disable-form button")),
		chromedp.WaitVisible(chromedp.ID("account-done")),
		chromedp.WaitVisible(chromedp.ID("enable-form")),
	))
	assertPage(t, admin, "en", width, axe, "account disabled")
	must(t, chromedp.Do(lead, chromedp.Navigate(srv.URL+"/board"), chromedp.WaitVisible(chromedp.ID("password"))))
	if sessions, err := accounts.New(st).UserSessions(ctx, l.ID); err != nil || len(sessions) != 0 {
		t.Fatalf("the disabled lead keeps sessions: %+v, %v", sessions, err)
	}
	here, err := chromedp.Run(lead, chromedp.Evaluate[string](`location.pathname`))
	must(t, err)
	if here != "/login" {
		t.Fatalf("the disabled lead is at %s, want the login page", here)
	}

	// The same pages fit a 320 px screen.
	const narrow = 320
	small, _ := phoneTab(t, browser, narrow, "accounts-320-")
	must(t, chromedp.Do(small, chromedp.Navigate(srv.URL+"/login?lang=nl"), signInAs("hr@example.org", adminPW)))
	for _, path := range []string{"/users", "/users/" + l.ID, "/users/" + v.ID} {
		must(t, chromedp.Do(small, chromedp.Navigate(srv.URL+path), chromedp.WaitVisible(chromedp.CSS("h1"))))
		assertPage(t, small, "nl", narrow, axe, path+" at 320 px")
	}
	must(t, chromedp.Do(small, chromedp.Navigate(srv.URL+"/account/"+setup), chromedp.WaitVisible(chromedp.ID("message-heading"))))
	assertPage(t, small, "nl", narrow, axe, "used setup link at 320 px")
}
