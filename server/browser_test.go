package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"trots/questionnaires"
	"trots/server"
	"trots/survey"
	"trots/survey/storetest"
)

// The browser tests drive a real headless Chromium like a respondent with a
// phone: open the department link, tap an answer to every question, send,
// and see the thank-you page; axe-core checks the pages on the way.
//
// Environment:
//
//	TROTS_AXE_JS       path of axe.min.js (make test installs axe-core and sets it)
//	TROTS_SCREENSHOTS  folder for the screenshots (default: a temporary folder)
//	TROTS_CHROMIUM     the browser (default /usr/bin/chromium)

const browserTimeout = 90 * time.Second

func TestBrowserAnswersTheSurveyOnAPhone(t *testing.T) {
	axe := mustAxe(t)
	shots := screenshotDir(t)
	e := newSurveyEnv(t, storetest.SQLiteDSN(t), "advocacy-readiness", server.Config{})
	browser := newBrowser(t)

	for _, tc := range []struct {
		name          string
		width, height int64
		lang          string
		// tryEmpty sends the empty form first, to see and check the
		// page that asks whether to send it with every question open.
		tryEmpty bool
	}{
		{name: "390-nl", width: 390, height: 844, lang: "nl", tryEmpty: true},
		{name: "320-en", width: 320, height: 640, lang: "en"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Each phone is a person of its own: own cookies, so that the
			// second does not find the first's "answered on this device".
			tab, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
			defer cancel()
			ctx, stop := context.WithTimeout(tab, browserTimeout)
			defer stop()
			shot := func(step string) {
				t.Helper()
				png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
				if err != nil {
					t.Fatalf("screenshot %s: %v", step, err)
				}
				name := filepath.Join(shots, fmt.Sprintf("%s-%s.png", tc.name, step))
				if err := os.WriteFile(name, png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			before := e.responses()

			must(t, chromedp.Do(ctx,
				chromedp.EmulateViewport(tc.width, tc.height, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch),
				chromedp.Navigate(e.formURL()+"?lang="+tc.lang),
				// The script shows the progress bar: it ran under the CSP.
				chromedp.WaitVisible(chromedp.CSS("[data-progress]")),
			))
			assertPage(t, ctx, tc.lang, int(tc.width), axe, "survey page")
			shot("1-intro")

			if tc.tryEmpty {
				must(t, chromedp.Do(ctx,
					chromedp.Tap(chromedp.CSS("[data-submit]")),
					chromedp.WaitVisible(chromedp.ID("open-notice")),
				))
				assertPage(t, ctx, tc.lang, int(tc.width), axe, "open questions page")
				shot("2-open")
				if e.responses() != before {
					t.Fatal("the empty form stored a response")
				}
			}

			want := tapEveryAnswer(t, ctx, e.q)
			must(t, chromedp.Do(ctx, scrollTo("#s-pride")))
			progress, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("[data-progress-text]")))
			must(t, err)
			total := len(e.q.Items)
			if !strings.HasPrefix(progress, fmt.Sprintf("%d ", total)) {
				t.Errorf("progress after answering everything: %q", progress)
			}
			assertNoSideways(t, ctx, int(tc.width), "answered survey")
			shot("3-questions")
			must(t, chromedp.Do(ctx, scrollTo("#s-enps")))
			shot("4-enps")
			if last := e.q.Dimensions[len(e.q.Dimensions)-2]; len(e.q.ItemsOf(last.ID)) > 0 {
				must(t, chromedp.Do(ctx, scrollTo("#s-"+last.ID)))
				shot("5-choices")
			}

			must(t, chromedp.Do(ctx,
				chromedp.Tap(chromedp.CSS("[data-submit]")),
				chromedp.WaitVisible(chromedp.CSS("[data-sent]")),
			))
			assertPage(t, ctx, tc.lang, int(tc.width), axe, "thank-you page")
			shot("6-thanks")

			if got := e.responses(); got != before+1 {
				t.Fatalf("%d responses after sending, want %d", got, before+1)
			}
			if !e.hasResponse(want) {
				t.Fatalf("no stored response with the tapped answers %+v", want)
			}
			kept, err := chromedp.Run(ctx, chromedp.Evaluate[int](
				`Object.keys(localStorage).filter(k => k.startsWith('trots:answers')).length`))
			must(t, err)
			if kept != 0 {
				t.Errorf("%d sets of answers still kept in the browser after the thank-you page", kept)
			}

			// Reloading the thank-you page stores nothing.
			must(t, chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("[data-sent]"))))
			if got := e.responses(); got != before+1 {
				t.Fatalf("reloading the thank-you page: %d responses, want %d", got, before+1)
			}
		})
	}
	t.Logf("screenshots in %s", shots)
}

// The language switch is a plain link and keeps the respondent on the form.
func TestBrowserLanguageSwitch(t *testing.T) {
	e := newSurveyEnv(t, storetest.SQLiteDSN(t), "pulse", server.Config{})
	browser := newBrowser(t)
	tab, cancel := chromedp.NewContext(browser)
	defer cancel()
	ctx, stop := context.WithTimeout(tab, browserTimeout)
	defer stop()
	must(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(320, 640, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(e.formURL()+"?lang=nl"),
		chromedp.WaitVisible(chromedp.CSS("[data-progress]")),
	))
	lang, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
	must(t, err)
	if lang != "nl" {
		t.Fatalf("lang = %q", lang)
	}
	must(t, chromedp.Do(ctx,
		chromedp.Tap(chromedp.CSS(`nav.lang a[hreflang="en"]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav.lang [aria-current][lang="en"]`)),
	))
	title, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	must(t, err)
	if title != e.q.Title.Get("en") {
		t.Fatalf("after switching, h1 = %q", title)
	}
}

// tapEveryAnswer taps one answer for every question (and types the open
// comment) and returns the answers that should be stored.
func tapEveryAnswer(t *testing.T, ctx context.Context, q *questionnaires.Questionnaire) survey.Answers {
	t.Helper()
	return tapAnswers(t, ctx, q, nil, nil)
}

// tapAnswers is tapEveryAnswer that leaves the questions in skip alone and
// taps "don't know / rather not say" for those in dontKnow.
func tapAnswers(t *testing.T, ctx context.Context, q *questionnaires.Questionnaire, skip, dontKnow map[string]bool) survey.Answers {
	t.Helper()
	want := survey.Answers{Numbers: map[string]int{}, Choices: map[string][]string{}}
	var steps []chromedp.Action[chromedp.Void]
	for i, it := range q.Items {
		s := it.Scale
		switch {
		case skip[it.ID]:
			continue
		case dontKnow[it.ID]:
			steps = append(steps, chromedp.Tap(chromedp.CSS(fmt.Sprintf(`label[for="a-%s-%s"]`, it.ID, survey.DontKnow))))
			continue
		}
		switch s.Type {
		case questionnaires.Likert, questionnaires.NPS:
			lo, hi := s.Points()
			n := lo + (i*3)%(hi-lo+1)
			want.Numbers[it.ID] = n
			steps = append(steps, chromedp.Tap(chromedp.CSS(fmt.Sprintf(`label[for="a-%s-%d"]`, it.ID, n))))
		case questionnaires.Choice:
			picks := []string{s.Options[i%len(s.Options)].ID}
			if s.Multiple {
				picks = []string{s.Options[0].ID, s.Options[1].ID}
			}
			for _, p := range picks {
				steps = append(steps, chromedp.Tap(chromedp.CSS(fmt.Sprintf(`label[for="a-%s-%s"]`, it.ID, p))))
			}
			want.Choices[it.ID] = picks
		case questionnaires.FreeText:
			steps = append(steps,
				chromedp.Tap(chromedp.ID("a-"+it.ID)),
				chromedp.SendKeys(chromedp.ID("a-"+it.ID), "Meer tijd om te delen zou helpen."),
			)
		}
	}
	must(t, chromedp.Do(ctx, steps...))
	// Every tap took: each question has its answer checked.
	for id, n := range want.Numbers {
		checked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`document.getElementById("a-%s-%d").checked`, id, n)))
		must(t, err)
		if !checked {
			t.Fatalf("tapping the answer %d of %s did not check it", n, id)
		}
	}
	return want
}

// hasResponse reports whether a stored response has exactly these answers.
func (e *surveyEnv) hasResponse(want survey.Answers) bool {
	found := false
	err := e.store.EachResponse(ctx, e.pulse.ID, func(r survey.Response) error {
		if reflect.DeepEqual(r.Answers.Numbers, want.Numbers) && reflect.DeepEqual(r.Answers.Choices, want.Choices) {
			found = true
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return found
}

// assertPage checks what every page must be at a phone's width: in the
// right language, no sideways scrolling, large touch targets, and no
// serious or critical axe-core violation.
func assertPage(t *testing.T, ctx context.Context, lang string, width int, axe, what string) {
	t.Helper()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
	must(t, err)
	if got != lang {
		t.Errorf("%s: <html lang=%q>, want %q", what, got, lang)
	}
	assertNoSideways(t, ctx, width, what)
	small, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`
		Array.from(document.querySelectorAll('label.opt, button, a.button, nav.lang a, textarea'))
			.filter(el => el.offsetParent !== null)
			.map(el => [el, el.getBoundingClientRect()])
			.filter(([el, r]) => r.height < 44 || r.width < 44)
			.map(([el, r]) => el.outerHTML.slice(0, 80) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height))`))
	must(t, err)
	if len(small) > 0 {
		t.Errorf("%s: touch targets under 44 px: %v", what, small)
	}
	violations := runAxe(t, ctx, axe)
	for _, v := range violations {
		t.Errorf("%s (%s): axe %s violation %s: %s (%v)", what, lang, v.Impact, v.ID, v.Help, v.Targets)
	}
}

func assertNoSideways(t *testing.T, ctx context.Context, width int, what string) {
	t.Helper()
	w, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, window.innerWidth]`))
	must(t, err)
	if w[0] > w[1] {
		t.Errorf("%s at %d px: scrollWidth %d > innerWidth %d: the page scrolls sideways", what, width, w[0], w[1])
	}
	// An element may stick out without the page scrolling (the viewport of
	// an emulated phone can grow instead): none may end beyond the edge,
	// unless it sits in a box of its own that scrolls sideways and itself
	// fits (a wide table such as the board's heatmap).
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`
		Array.from(document.querySelectorAll('body *'))
			.filter(el => {
				const edge = document.documentElement.clientWidth + 1;
				for (let p = el.parentElement; p; p = p.parentElement) {
					const o = getComputedStyle(p).overflowX;
					if ((o === 'auto' || o === 'scroll') && p.getBoundingClientRect().right <= edge) return false;
				}
				return true;
			})
			.filter(el => el.offsetParent !== null && el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
			.map(el => el.outerHTML.slice(0, 80) + ' ends at ' + Math.round(el.getBoundingClientRect().right))`))
	must(t, err)
	if len(out) > 0 {
		t.Errorf("%s at %d px: elements beyond the right edge: %v", what, width, out)
	}
}

type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

// runAxe injects axe-core and returns its serious and critical violations.
func runAxe(t *testing.T, ctx context.Context, axe string) []axeViolation {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](axe)); err != nil {
		t.Fatalf("inject axe-core: %v", err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](`
		axe.run(document, {resultTypes: ['violations']}).then(r => r.violations
			.filter(v => v.impact === 'serious' || v.impact === 'critical')
			.map(v => ({id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' '))})))`,
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

func scrollTo(selector string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
		`document.querySelector(%q).scrollIntoView({block: 'start', behavior: 'instant'})`, selector))
}

// phoneTab opens a tab of browser at a phone's size (width x 640 CSS
// pixels, touch), whose steps share browserTimeout, and returns it with
// shot, which saves the tab as a full-page PNG named prefix+name in the
// screenshot folder.
func phoneTab(t *testing.T, browser context.Context, width int64, prefix string) (context.Context, func(name string)) {
	t.Helper()
	shots := screenshotDir(t)
	// A browser context of its own: own cookies, as on another person's
	// phone (a tab that answered the survey is told so on its next visit).
	tab, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	ctx, stop := context.WithTimeout(tab, browserTimeout)
	t.Cleanup(stop)
	must(t, chromedp.Do(ctx, chromedp.EmulateViewport(width, 640, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)))
	return ctx, func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		must(t, err)
		must(t, os.WriteFile(filepath.Join(shots, prefix+name+".png"), png, 0o644))
	}
}

// signIn fills in and sends the console's login form, which the tab is
// showing or about to show, as email (a tap: the tab has a touch screen).
func signIn(email string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.WaitVisible(chromedp.ID("password")),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Tap(chromedp.CSS("form button[type=submit]")),
		// Until the next page has replaced the login form: a navigation
		// started before the login's redirect lands would be aborted by it.
		chromedp.WaitNotPresent(chromedp.ID("password")),
	)
}

// mustAxe reads axe-core, which `make test` installs.
func mustAxe(t *testing.T) string {
	t.Helper()
	path := os.Getenv("TROTS_AXE_JS")
	if path == "" {
		t.Fatal("TROTS_AXE_JS is not set: run the tests with `make test`, which installs axe-core and points TROTS_AXE_JS at axe.min.js")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("TROTS_AXE_JS: %v (run `make test` to install axe-core)", err)
	}
	return string(b)
}

func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("TROTS_SCREENSHOTS")
	if dir == "" {
		return t.TempDir()
	}
	abs := dir
	if !filepath.IsAbs(dir) {
		// Relative to the repository, not to this package's folder, so
		// that TROTS_SCREENSHOTS=docs/screenshots means what it says.
		abs = filepath.Join(moduleRoot(t), dir)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		t.Fatal(err)
	}
	return abs
}

// moduleRoot is the folder that holds go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	must(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's folder")
		}
		dir = parent
	}
}

// newBrowser starts a headless Chromium for the test and returns its
// context; the browser stops when the test ends.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	exe := os.Getenv("TROTS_CHROMIUM")
	if exe == "" {
		exe = "/usr/bin/chromium"
	}
	if _, err := os.Stat(exe); err != nil {
		t.Fatalf("no Chromium at %s (run `make test`, which installs it, or set TROTS_CHROMIUM): %v", exe, err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
	})
	// Start the browser now, on a context without a deadline: the first
	// run's context is the browser's lifetime.
	must(t, chromedp.Do(browser))
	return browser
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
