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

// The board at a glance at desktop and phone width: the heatmap's cells are
// coloured by judgement (one colour per judgement, all different), the
// page passes axe-core and fits, and a count filters the board by a plain
// link. Screenshots go to TROTS_SCREENSHOTS.
func TestBrowserBoardAtAGlance(t *testing.T) {
	axe := mustAxe(t)
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	for _, width := range []int{1280, 390, 320} {
		ctx, shot := phoneTab(t, newBrowser(t), int64(width), "board-glance-")
		must(t, chromedp.Do(ctx,
			chromedp.Navigate(e.srv.URL+"/board?lang=en"),
			signIn("viewer@example.org"),
			chromedp.WaitVisible(chromedp.ID("heatmap")),
		))
		assertPage(t, ctx, "en", width, axe, fmt.Sprintf("board at %d px", width))
		shot(fmt.Sprint(width))
		colours, err := chromedp.Run(ctx, chromedp.Evaluate[map[string][]string](`
			Array.from(document.querySelectorAll('#heatmap td[data-judgement]')).reduce((m, td) => {
				const c = getComputedStyle(td).backgroundColor, k = td.dataset.judgement;
				m[k] = m[k] || [];
				if (!m[k].includes(c)) m[k].push(c);
				return m;
			}, {})`))
		must(t, err)
		seen := map[string]string{}
		for _, j := range []string{"ok", "bad", "unsure"} {
			if len(colours[j]) != 1 {
				t.Fatalf("%d px: %q cells have colours %v, want one", width, j, colours[j])
			}
			if other, dup := seen[colours[j][0]]; dup {
				t.Fatalf("%d px: %q and %q cells share the colour %s", width, j, other, colours[j][0])
			}
			seen[colours[j][0]] = j
		}
		must(t, chromedp.Do(ctx,
			scrollTo(`#verdict-counts a[data-verdict=fix]`),
			chromedp.Tap(chromedp.CSS(`#verdict-counts a[data-verdict=fix]`)),
			chromedp.WaitVisible(chromedp.CSS(`#verdict-counts a[data-verdict=fix][aria-current]`)),
		))
		verdicts, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
			`Array.from(document.querySelectorAll('#heatmap tbody tr .verdict')).map(v => v.className)`))
		must(t, err)
		if len(verdicts) == 0 {
			t.Fatalf("%d px: the FIX FIRST filter left no row", width)
		}
		for _, v := range verdicts {
			if !strings.Contains(v, "verdict-fix") {
				t.Fatalf("%d px: filtered by FIX FIRST, a row shows %q", width, v)
			}
		}
		assertPage(t, ctx, "en", width, axe, fmt.Sprintf("filtered board at %d px", width))
	}
}
