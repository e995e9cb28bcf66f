package server_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"trots/server"
	"trots/survey/storetest"
)

// Unsent answers kept in the browser come back after a reload with a
// notice and a way to start again (on a shared device they may be
// someone else's); starting again forgets them and takes the new form's
// own key. Answers last changed more than two hours ago are not put back
// at all, and are forgotten.
func TestBrowserKeptAnswersCanBeStartedAgainAndExpire(t *testing.T) {
	axe := mustAxe(t)
	e := newSurveyEnv(t, storetest.SQLiteDSN(t), "pulse", server.Config{})
	ctx, shot := phoneTab(t, newBrowser(t), 320, "restore-")
	key := func() string {
		t.Helper()
		k, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[data-key]').value`))
		must(t, err)
		return k
	}
	evalInt := func(js string) int {
		t.Helper()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](js))
		must(t, err)
		return n
	}
	const (
		checked  = `document.querySelectorAll('form.survey input:checked').length`
		kept     = `Object.keys(localStorage).filter(k => k.startsWith('trots:answers')).length`
		noticeOn = `document.getElementById('restored').hidden ? 0 : 1`
	)

	must(t, chromedp.Do(ctx,
		chromedp.Navigate(e.formURL()+"?lang=en"),
		chromedp.WaitVisible(chromedp.CSS("[data-progress]")),
	))
	if evalInt(noticeOn) != 0 {
		t.Fatal("a fresh form in a fresh browser says answers were put back")
	}
	first := key()
	tapEveryAnswer(t, ctx, e.q)
	answered := evalInt(checked)

	// A reload puts them back, under the key of the form they were given in.
	must(t, chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("restored"))))
	if n := evalInt(checked); n != answered {
		t.Fatalf("%d answers put back, want %d", n, answered)
	}
	if key() != first {
		t.Fatal("the answers put back do not carry the key of their form")
	}
	assertPage(t, ctx, "en", 320, axe, "survey with answers put back")
	shot("put-back")

	// Starting again: nothing checked, nothing kept, the new form's key.
	must(t, chromedp.Do(ctx, chromedp.Tap(chromedp.CSS("[data-start-over]")), chromedp.WaitNotVisible(chromedp.ID("restored"))))
	if n := evalInt(checked); n != 0 {
		t.Errorf("%d answers still checked after starting again", n)
	}
	if n := evalInt(kept); n != 0 {
		t.Errorf("%d sets of answers still kept after starting again", n)
	}
	if k := key(); k == first || k == "" {
		t.Errorf("after starting again the key is %q (the first form's was %q)", k, first)
	}

	// Answers older than two hours are not put back, and are forgotten.
	tapEveryAnswer(t, ctx, e.q)
	must(t, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`
		for (const k of Object.keys(localStorage).filter(k => k.startsWith('trots:answers'))) {
			const d = JSON.parse(localStorage.getItem(k));
			d.saved = Date.now() - 2 * 60 * 60 * 1000 - 60 * 1000;
			localStorage.setItem(k, JSON.stringify(d));
		}`)))
	must(t, chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("[data-progress]"))))
	if n := evalInt(checked); n != 0 || evalInt(noticeOn) != 0 {
		t.Errorf("answers of more than two hours ago: %d put back, notice %d", n, evalInt(noticeOn))
	}
	if n := evalInt(kept); n != 0 {
		t.Errorf("answers of more than two hours ago still kept: %d", n)
	}
}
