package server_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"trots/survey"
	"trots/survey/storetest"
)

// A manager on a phone asks for the organisation report; the job page
// refreshes itself (a meta refresh, no script) until the download link
// appears. The form, a job in progress (with the refresh turned off, see
// below) and the finished job fit 320 px and pass axe-core.
//
// axe-core flags every timed meta refresh (WCAG 2.2.1, "timing
// adjustable"); the page meets 2.2.1 by letting the user turn the refresh
// off before meeting it (the checkbox on the form) and on the page itself
// (a link), which axe cannot see. So the refreshing page is checked for
// refreshing, and axe runs on the same page without the refresh.
func TestBrowserReportOnAPhone(t *testing.T) {
	axe := mustAxe(t)
	shots := screenshotDir(t)
	e := newReportsEnv(t, storetest.SQLiteDSN(t))
	browser := newBrowser(t)
	tab, cancel := chromedp.NewContext(browser)
	defer cancel()
	ctx, stop := context.WithTimeout(tab, browserTimeout)
	defer stop()
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		must(t, err)
		must(t, os.WriteFile(filepath.Join(shots, "console-"+name+".png"), png, 0o644))
	}
	const width = 320
	must(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(width, 640, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(e.srv.URL+"/reports?lang=en"),
		chromedp.WaitVisible(chromedp.ID("password")),
		chromedp.SendKeys(chromedp.ID("email"), "viewer@example.org"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Tap(chromedp.CSS("form button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("report-form")),
	))
	assertPage(t, ctx, "en", width, axe, "reports form")
	shot("reports-320")

	// A job in progress, made in the store so that it stays there.
	viewer := e.user("viewer@example.org")
	j, err := e.store.CreateReportJob(ctx, survey.ReportJob{UserID: viewer.ID, PulseID: e.demo.Baseline.ID, Lang: "en"}, 3)
	must(t, err)
	must(t, e.store.StartReportJob(ctx, j.ID))
	must(t, e.store.ReportJobProgress(ctx, j.ID, 12, 40))
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(e.srv.URL+"/reports/"+j.ID+"?refresh=off"),
		chromedp.WaitVisible(chromedp.ID("job-progress")),
	))
	assertPage(t, ctx, "en", width, axe, "report in progress")
	shot("report-progress-320")
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(p => [p.value, p.max])(document.getElementById('job-progress'))`))
	must(t, err)
	if len(got) != 2 || got[0] != 12 || got[1] != 40 {
		t.Errorf("progress element value/max = %v, want [12 40]", got)
	}

	// The real thing: the form's defaults are the organisation, English
	// (the console's language) and automatic refresh.
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(e.srv.URL+"/reports"),
		chromedp.WaitVisible(chromedp.ID("report-form")),
		scrollTo("#report-form button[type=submit]"),
		chromedp.Tap(chromedp.CSS("#report-form button[type=submit]")),
		// Only the meta refresh brings the finished state into the page.
		chromedp.WaitVisible(chromedp.ID("download")),
	))
	assertPage(t, ctx, "en", width, axe, "report ready")
	shot("report-ready-320")
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('download').getAttribute('href')`))
	must(t, err)
	if !strings.HasPrefix(href, "/reports/") || !strings.HasSuffix(href, "/pdf") {
		t.Fatalf("download link %q", href)
	}

	// That job may have finished before its page first loaded; this one
	// finishes only after its page is shown, so the download link can
	// only appear through the refresh.
	k, err := e.store.CreateReportJob(ctx, survey.ReportJob{UserID: viewer.ID, PulseID: e.demo.Baseline.ID, Lang: "en"}, 3)
	must(t, err)
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(e.srv.URL+"/reports/"+k.ID),
		chromedp.WaitVisible(chromedp.ID("job-progress")),
	))
	done, pdf, err := e.store.ReportJobPDF(ctx, strings.TrimSuffix(strings.TrimPrefix(href, "/reports/"), "/pdf"), viewer.ID)
	must(t, err)
	must(t, e.store.StartReportJob(ctx, k.ID))
	must(t, e.store.ReportJobProgress(ctx, k.ID, done.Total, done.Total))
	must(t, e.store.FinishReportJob(ctx, k.ID, pdf))
	must(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("download"))))
}
