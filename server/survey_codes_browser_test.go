package server_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"trots/questionnaires"
	"trots/server"
	"trots/server/i18n"
	"trots/survey"
	"trots/survey/storetest"
)

// personTab opens a browser context of its own (a person with own cookies
// and storage) at a phone's size; its steps share browserTimeout.
func personTab(t *testing.T, browser context.Context, width int64) context.Context {
	t.Helper()
	win, cancelWin := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancelWin)
	// Open the tab on a context without a deadline: the context of a
	// tab's first run is its lifetime.
	must(t, chromedp.Do(win))
	ctx, stop := context.WithTimeout(win, browserTimeout)
	t.Cleanup(stop)
	must(t, chromedp.Do(ctx, chromedp.EmulateViewport(width, 640, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)))
	return ctx
}

func pageText(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	must(t, err)
	return strings.TrimSpace(s)
}

// A phone that answered through the department link is told so on its
// next visit, without JavaScript's help; a colleague on the same phone
// gets the form through the button, and both answers are stored.
func TestBrowserAnsweredOnThisDeviceWithAWayThrough(t *testing.T) {
	axe := mustAxe(t)
	e := newSurveyEnv(t, storetest.SQLiteDSN(t), "pulse", server.Config{})
	browser := newBrowser(t)
	for _, c := range []struct {
		width int64
		lang  string
	}{{390, "nl"}, {320, "en"}} {
		ctx := personTab(t, browser, c.width)
		before := e.responses()
		must(t, chromedp.Do(ctx,
			chromedp.Navigate(e.formURL()+"?lang="+c.lang),
			chromedp.WaitVisible(chromedp.CSS("[data-submit]")),
		))
		tapEveryAnswer(t, ctx, e.q)
		must(t, chromedp.Do(ctx, chromedp.Tap(chromedp.CSS("[data-submit]")), chromedp.WaitVisible(chromedp.CSS("[data-sent]"))))

		// The next visit says it was answered here.
		must(t, chromedp.Do(ctx, chromedp.Navigate(e.formURL()+"?lang="+c.lang), chromedp.WaitVisible(chromedp.ID("answered"))))
		if got := pageText(t, ctx, "h1"); got != i18n.T(c.lang, "answered_title") {
			t.Fatalf("second visit at %d px: h1 %q", c.width, got)
		}
		assertPage(t, ctx, c.lang, int(c.width), axe, "answered on this device")
		// The colleague taps through and answers too.
		must(t, chromedp.Do(ctx, chromedp.Tap(chromedp.ID("answer-again")), chromedp.WaitVisible(chromedp.CSS("[data-submit]"))))
		tapEveryAnswer(t, ctx, e.q)
		must(t, chromedp.Do(ctx, chromedp.Tap(chromedp.CSS("[data-submit]")), chromedp.WaitVisible(chromedp.CSS("[data-sent]"))))
		if n := e.responses(); n != before+2 {
			t.Fatalf("at %d px: %d responses, want %d", c.width, n, before+2)
		}
	}
}

// Slips from the codes PDF let one person answer once: a slip's QR code
// (decoded from the rendered PDF) opens its survey on a 390 px phone, a
// code typed on the start page at 320 px opens another's; answering a
// second time with either is refused, in a code's words, after a complete
// form. The department link of the codes-only pulse sends people to the
// start page.
func TestBrowserSlipCodesAnswerOnce(t *testing.T) {
	axe := mustAxe(t)
	e := newLinksEnv(t, storetest.SQLiteDSN(t), server.Config{})
	dept := e.demo.Departments[1].Department
	q, err := questionnaires.Load("pulse")
	must(t, err)
	p, err := e.store.CreatePulse(ctx, survey.Pulse{Name: "Zorg", QuestionnaireID: q.ID, QuestionnaireVersion: q.Version, Mode: survey.ModeCodes})
	must(t, err)
	p, err = e.store.OpenPulse(ctx, p.ID)
	must(t, err)
	slips := e.admin.post(e.deptPath(p.ID, dept.ID, "codes"), url.Values{"_csrf": {e.admin.csrf(e.linksPath(p.ID))}, "count": {"2"}, "slip_lang": {"en"}})
	if slips.status != 200 {
		t.Fatalf("slips: %d", slips.status)
	}
	printed := regexp.MustCompile(`[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}`).FindAllString(linksPDFText(t, []byte(slips.body)), -1)
	if len(printed) != 2 {
		t.Fatalf("%d codes on the slips", len(printed))
	}
	scanned := scanSlip(t, slipPages(t, []byte(slips.body), "300")[0], 0, 300)
	if scanned != e.srv.URL+"/c/"+printed[0] {
		t.Fatalf("slip 0 scans as %q", scanned)
	}
	browser := newBrowser(t)
	answers := func() int { return e.deptResponses(t, p.ID, dept.ID) }

	// 390 px: the scanned address.
	phone := personTab(t, browser, 390)
	// answer opens the survey with the steps of open, answers every
	// question and sends; the caller waits for what comes next.
	answer := func(ctx context.Context, open ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		must(t, chromedp.Do(ctx, append(open, chromedp.WaitVisible(chromedp.CSS("[data-submit]")))...))
		tapEveryAnswer(t, ctx, q)
		must(t, chromedp.Do(ctx, chromedp.Tap(chromedp.CSS("[data-submit]"))))
	}
	answer(phone, chromedp.Navigate(scanned+"?lang=en"))
	must(t, chromedp.Do(phone, chromedp.WaitVisible(chromedp.CSS("[data-sent]"))))
	if n := answers(); n != 1 {
		t.Fatalf("%d answers after the scanned slip", n)
	}
	// Scanned again: the same form (a used code looks unused), refused once complete.
	answer(phone, chromedp.Navigate(scanned+"?lang=en"))
	must(t, chromedp.Do(phone, chromedp.WaitVisible(chromedp.ID("message-heading"))))
	if got := pageText(t, phone, "h1"); got != i18n.T("en", "code_used_title") {
		t.Fatalf("the second answer with a slip: %q", got)
	}
	assertPage(t, phone, "en", 390, axe, "used code")

	// 320 px: the code typed, sloppily, on the start page.
	small := personTab(t, browser, 320)
	typeCode := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(e.srv.URL + "/c?lang=nl"),
		chromedp.WaitVisible(chromedp.ID("code")),
		chromedp.SendKeys(chromedp.ID("code"), strings.ToLower(strings.ReplaceAll(printed[1], "-", " "))),
		chromedp.Tap(chromedp.CSS("form.code-form button")),
	}
	must(t, chromedp.Do(small, chromedp.Navigate(e.srv.URL+"/c?lang=nl"), chromedp.WaitVisible(chromedp.ID("code"))))
	assertPage(t, small, "nl", 320, axe, "code start page")
	// A mistyped code first: the page says what is wrong and keeps it.
	must(t, chromedp.Do(small,
		chromedp.SendKeys(chromedp.ID("code"), "7KQ2-M9XD"),
		chromedp.Tap(chromedp.CSS("form.code-form button")),
		chromedp.WaitVisible(chromedp.ID("code-error")),
	))
	if got := pageText(t, small, "#code-error"); got != i18n.T("nl", "code_malformed") {
		t.Fatalf("mistyped code: %q", got)
	}
	assertPage(t, small, "nl", 320, axe, "mistyped code")
	answer(small, typeCode...)
	must(t, chromedp.Do(small, chromedp.WaitVisible(chromedp.CSS("[data-sent]"))))
	if n := answers(); n != 2 {
		t.Fatalf("%d answers after the typed code", n)
	}
	answer(small, typeCode...)
	must(t, chromedp.Do(small, chromedp.WaitVisible(chromedp.ID("message-heading"))))
	if got := pageText(t, small, "h1"); got != i18n.T("nl", "code_used_title") {
		t.Fatalf("the second answer with a typed code: %q", got)
	}
	if n := answers(); n != 2 {
		t.Fatalf("%d answers after codes were used again, want 2", n)
	}

	// The pulse's department link asks for a code.
	links, err := e.store.Links(ctx, p.ID)
	must(t, err)
	for _, l := range links {
		if l.DepartmentID != dept.ID {
			continue
		}
		must(t, chromedp.Do(small, chromedp.Navigate(e.srv.URL+"/s/"+l.Code+"?lang=en"), chromedp.WaitVisible(chromedp.ID("notice"))))
		assertPage(t, small, "en", 320, axe, "department link of a codes-only pulse")
	}
}
