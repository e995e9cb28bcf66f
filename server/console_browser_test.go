package server_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"trots/server"
	"trots/survey/storetest"
)

// A manager on a phone logs in, reads the board, opens a department and
// records a decision; the pages fit 320 px and pass axe-core. Screenshots
// of the board at phone and desktop width go to TROTS_SCREENSHOTS.
func TestBrowserViewerRecordsADecisionOnAPhone(t *testing.T) {
	axe := mustAxe(t)
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	const width = 320
	ctx, shot := phoneTab(t, newBrowser(t), width, "console-")
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(e.srv.URL+"/board?lang=en"),
		chromedp.WaitVisible(chromedp.ID("password")),
	))
	assertPage(t, ctx, "en", width, axe, "login page")
	shot("login-320")
	must(t, chromedp.Do(ctx,
		signIn("viewer@example.org"),
		chromedp.WaitVisible(chromedp.ID("board")),
	))
	assertPage(t, ctx, "en", width, axe, "board")
	shot("board-320")

	dept := e.demo.Departments[0].Department
	must(t, chromedp.Do(ctx,
		scrollTo(fmt.Sprintf(`tr[data-department=%q] a`, dept.ID)),
		chromedp.Tap(chromedp.CSS(fmt.Sprintf(`tr[data-department=%q] a`, dept.ID))),
		chromedp.WaitVisible(chromedp.ID("decision-form")),
	))
	assertPage(t, ctx, "en", width, axe, "department page")
	shot("department-320")
	must(t, chromedp.Do(ctx,
		scrollTo("#decision-form"),
		chromedp.Tap(chromedp.CSS(`input[name=choice][value=go]`)),
		chromedp.SendKeys(chromedp.ID("note"), "Start a pilot with five volunteers."),
		chromedp.Tap(chromedp.CSS("#decision-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("saved")),
	))
	got, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("decision-log")))
	must(t, err)
	if !strings.Contains(got, "viewer@example.org") || !strings.Contains(got, "Start a pilot with five volunteers.") {
		t.Fatalf("decision log: %q", got)
	}
	log, err := e.store.Decisions(ctx, e.demo.Baseline.ID, dept.ID)
	if err != nil || len(log) != 1 {
		t.Fatalf("stored decisions: %v, %v", log, err)
	}
	assertPage(t, ctx, "en", width, axe, "department page after the decision")

	must(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(e.srv.URL+"/board?lang=nl"),
		chromedp.WaitVisible(chromedp.ID("board")),
	))
	assertPage(t, ctx, "nl", 1280, axe, "board (desktop)")
	shot("board-1280")
}
