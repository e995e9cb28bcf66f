package server_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"trots/server"
	"trots/server/i18n"
	"trots/server/oidctest"
	"trots/survey/storetest"
)

// providerLogin signs in on the test provider's login page, which the tab
// is showing or about to show.
func providerLogin(p oidctest.Person) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), p.Username),
		chromedp.SendKeys(chromedp.ID("password"), p.Password),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
		chromedp.WaitNotPresent(chromedp.ID("username")),
	)
}

// In Chromium, with respondent sign-on: a person signs on at the provider
// (a 320 px phone), answers once, and is told politely on the next visit
// that they have answered; the same person on another phone (390 px) is
// refused after signing on; the database holds one response and nothing
// that links it to the person. Every page passes axe-core, the console's
// sign-on button and the pulse form's setting too.
func TestBrowserRespondentSignsOnAndAnswersOnce(t *testing.T) {
	axe := mustAxe(t)
	dsn := storetest.SQLiteDSN(t)
	e := newSignOnEnv(t, dsn, server.Config{})
	pulse, link, q := e.signOnPulse(t)
	ivo := oidctest.Person{Username: "ivo", Password: "pw-ivo", Email: "ivo@example.org", Department: e.lead.Name}
	e.op.SetPerson(ivo)
	browser := newBrowser(t)
	form := e.srv.URL + "/s/" + link.Code

	phone, shot := phoneTab(t, browser, 320, "signon-320-nl-")
	must(t, chromedp.Do(phone, chromedp.Navigate(form+"?lang=nl"), chromedp.WaitVisible(chromedp.ID("signon-button"))))
	if got := pageText(t, phone, "h1"); got != i18n.T("nl", "signon_needed_title") {
		t.Fatalf("sign-on page: h1 %q", got)
	}
	assertPage(t, phone, "nl", 320, axe, "sign-on page")
	shot("1-signon")
	must(t, chromedp.Do(phone, chromedp.Tap(chromedp.ID("signon-button")), providerLogin(ivo), chromedp.WaitVisible(chromedp.CSS("[data-submit]"))))
	if got := pageText(t, phone, "#signon-stored"); got != i18n.T("nl", "signon_stored") {
		t.Errorf("the form's privacy list says %q about the sign-on", got)
	}
	assertPage(t, phone, "nl", 320, axe, "survey after signing on")
	tapEveryAnswer(t, phone, q)
	must(t, chromedp.Do(phone, chromedp.Tap(chromedp.CSS("[data-submit]")), chromedp.WaitVisible(chromedp.CSS("[data-sent]"))))
	shot("2-thanks")
	if n := e.responses(t, pulse.ID); n != 1 {
		t.Fatalf("%d responses after answering, want 1", n)
	}
	// The next visit: answered, with a way in for a colleague.
	must(t, chromedp.Do(phone, chromedp.Navigate(form+"?lang=nl"), chromedp.WaitVisible(chromedp.ID("signon"))))
	if got := pageText(t, phone, "h1"); got != i18n.T("nl", "signon_answered_title") {
		t.Errorf("second visit: h1 %q", got)
	}
	assertPage(t, phone, "nl", 320, axe, "answered page")
	shot("3-answered")

	// Ivo on another phone signs on again and is refused politely.
	other, shot2 := phoneTab(t, browser, 390, "signon-390-en-")
	must(t, chromedp.Do(other, chromedp.Navigate(form+"?lang=en"), chromedp.WaitVisible(chromedp.ID("signon-button")),
		chromedp.Tap(chromedp.ID("signon-button")), providerLogin(ivo), chromedp.WaitVisible(chromedp.ID("signon"))))
	if got := pageText(t, other, "h1"); got != "You have already answered this survey" {
		t.Errorf("another phone: h1 %q", got)
	}
	assertPage(t, other, "en", 390, axe, "answered page on another phone")
	shot2("1-refused")
	if n := e.responses(t, pulse.ID); n != 1 {
		t.Fatalf("%d responses after the second attempt, want 1", n)
	}
	hash := e.store.PersonHash(pulse.ID, e.op.Issuer, ivo.Subject())
	assertNothingLinksPeople(t, e.db(t), e.store.Dialect(), pulse.ID, map[string]bool{hash: true}, []string{ivo.Email, ivo.Subject()})

	// The console: the sign-on button on the login page, and the setting
	// on the pulse form.
	console, shot3 := phoneTab(t, browser, 390, "signon-console-")
	must(t, chromedp.Do(console, chromedp.Navigate(e.srv.URL+"/login?lang=en"), chromedp.WaitVisible(chromedp.ID("signon-button"))))
	if got := pageText(t, console, "#signon-button"); got != "Sign in with Testprovider" {
		t.Errorf("login page button: %q", got)
	}
	assertPage(t, console, "en", 390, axe, "login page with single sign-on")
	shot3("1-login")
	must(t, chromedp.Do(console, signIn("admin@example.org"), chromedp.Navigate(e.srv.URL+"/pulses"), chromedp.WaitVisible(chromedp.ID("sign_on"))))
	if got := pageText(t, console, "label:has(#sign_on)"); !strings.Contains(got, "Testprovider") {
		t.Errorf("pulse form's sign-on setting: %q", got)
	}
	assertNoSideways(t, console, 390, "pulses page")
	for _, v := range runAxe(t, console, axe) {
		t.Errorf("pulses page: axe %s violation %s: %s (%v)", v.Impact, v.ID, v.Help, v.Targets)
	}
	shot3("2-pulses")
}
