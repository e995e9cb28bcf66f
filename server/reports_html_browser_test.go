package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"trots/survey"
	"trots/survey/storetest"
)

// Every kind of report page passes axe-core's WCAG 2.1 A and AA rules (all
// impacts, not only the serious ones) in real Chromium, at 320 px without
// sideways scrolling and at 1280 px: the organisation report in Dutch and
// English, a shown department's, a FIX FIRST department's and a hidden
// department's. Printed by Chromium on A4, the organisation report keeps
// its verdicts and starts each section on a new page.
func TestBrowserHTMLReportsPassAxe(t *testing.T) {
	axe := mustAxe(t)
	e := newReportsEnv(t, storetest.SQLiteDSN(t))
	b := e.browser()
	b.login("viewer@example.org")
	viewer := e.user("viewer@example.org")
	shown, _ := e.shownDepartment()
	var fix survey.Department
	out := e.outcome()
	for _, d := range e.demo.Departments {
		for _, g := range out.Result.Departments {
			if g.Name == d.Department.Name && g.Verdict != nil && g.Decision == "FIX_FIRST" {
				fix = d.Department
			}
		}
	}
	if fix.ID == "" {
		t.Fatal("the demo has no FIX FIRST department")
	}
	type report struct{ name, department, lang string }
	var jobs []struct {
		report
		id string
	}
	for _, r := range []report{
		{"organisation-nl", "", "nl"},
		{"organisation-en", "", "en"},
		{"shown-en", shown.ID, "en"},
		{"fix-first-nl", fix.ID, "nl"},
		{"hidden-en", e.suppressedDepartment().ID, "en"},
	} {
		id := jobID(t, b.postReport(url.Values{"pulse": {e.demo.Baseline.ID}, "department": {r.department}, "report_lang": {r.lang}}))
		if j := e.waitJob(id, viewer); j.Status != survey.ReportDone {
			t.Fatalf("%s: job = %+v", r.name, j)
		}
		jobs = append(jobs, struct {
			report
			id string
		}{r, id})
	}

	browser := newBrowser(t)
	shots := screenshotDir(t)
	for _, width := range []int64{320, 1280} {
		// A tab of its own, each page's steps with a timeout of their own
		// (axe-core on the organisation page takes a while on a loaded
		// machine).
		tab, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
		t.Cleanup(cancel)
		must(t, chromedp.Do(tab))
		step := func() context.Context {
			ctx, stop := context.WithTimeout(tab, browserTimeout)
			t.Cleanup(stop)
			return ctx
		}
		must(t, chromedp.Do(step(), chromedp.EmulateViewport(width, 640, chromedp.EmulatePortrait),
			chromedp.Navigate(e.srv.URL+"/reports?lang=en"),
			signIn("viewer@example.org"),
		))
		for _, j := range jobs {
			what := j.name
			ctx := step()
			must(t, chromedp.Do(ctx,
				chromedp.Navigate(e.srv.URL+"/reports/"+j.id+"/html"),
				chromedp.WaitVisible(chromedp.CSS("main h1")),
			))
			got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
			must(t, err)
			if got != j.lang {
				t.Errorf("%s: <html lang=%q>", what, got)
			}
			assertNoSideways(t, ctx, int(width), what)
			for _, v := range runAxeWCAG(t, ctx, axe) {
				t.Errorf("%s: axe %s violation %s: %s (%v)", what, v.Impact, v.ID, v.Help, v.Targets)
			}
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			must(t, err)
			must(t, os.WriteFile(filepath.Join(shots, "report-html-"+j.name+"-"+itoa(width)+".png"), png, 0o644))
		}
		if width != 1280 {
			continue
		}
		// Printed: the PDF Chromium makes of the page.
		ctx := step()
		must(t, chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+"/reports/"+jobs[1].id+"/html"), chromedp.WaitVisible(chromedp.CSS("main h1"))))
		pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4)))
		must(t, err)
		pages := printedPages(t, pdf)
		if len(pages) < 5 {
			t.Fatalf("the printed organisation report has %d pages", len(pages))
		}
		for _, h := range []string{"Executive summary", "Departments and themes", "Appendix: how the method works"} {
			found := false
			for _, p := range pages {
				if first := strings.TrimSpace(strings.SplitN(strings.TrimSpace(p), "\n", 2)[0]); first == h {
					found = true
				}
			}
			if !found {
				t.Errorf("no printed page starts with %q", h)
			}
		}
		all := strings.Join(pages, "\n")
		for _, w := range []string{"FIX FIRST", "NOT YET MEASURABLE", "GO", "not shown (anonymity threshold 5)"} {
			if !strings.Contains(all, w) {
				t.Errorf("the printed page lacks %q", w)
			}
		}
	}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// printedPages reads a PDF back with pdftotext, one string per page.
func printedPages(t *testing.T, pdf []byte) []string {
	t.Helper()
	cmd := exec.Command("pdftotext", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Split(strings.TrimRight(string(out), "\f"), "\f")
}

// runAxeWCAG runs axe-core with the WCAG 2.0 and 2.1 A and AA rules and
// returns every violation, whatever its impact.
func runAxeWCAG(t *testing.T, ctx context.Context, axe string) []axeViolation {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](axe)); err != nil {
		t.Fatalf("inject axe-core: %v", err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](`
		axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})
			.then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' '))})))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe-core: %v", err)
	}
	var vs []axeViolation
	if err := json.Unmarshal(raw, &vs); err != nil {
		t.Fatalf("axe-core result: %v", err)
	}
	return vs
}
