package server_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"trots/questionnaires"
	"trots/server"
	"trots/server/i18n"
	"trots/survey"
	"trots/survey/storetest"
)

// A respondent on a phone (390 and 320 px, no help from the test but taps)
// skips a question and answers another with "don't know": sending asks
// once, with the skipped question marked and every answer kept; "Send
// anyway" stores the response, both questions missing. Every page passes
// axe-core and fits the phone.
func TestBrowserSkippedQuestionIsAccepted(t *testing.T) {
	axe := mustAxe(t)
	e := newSurveyEnv(t, storetest.SQLiteDSN(t), "advocacy-readiness", server.Config{})
	browser := newBrowser(t)
	skipped := firstItem(t, e.q, questionnaires.Likert)
	unsure := firstItem(t, e.q, questionnaires.NPS)
	for _, tc := range []struct {
		width int64
		lang  string
	}{{390, "nl"}, {320, "en"}} {
		t.Run(fmt.Sprintf("%d-%s", tc.width, tc.lang), func(t *testing.T) {
			tab, shot := phoneTab(t, browser, tc.width, fmt.Sprintf("skip-%d-%s-", tc.width, tc.lang))
			before := e.responses()
			must(t, chromedp.Do(tab,
				chromedp.Navigate(e.formURL()+"?lang="+tc.lang),
				chromedp.WaitVisible(chromedp.CSS("[data-progress]")),
			))
			note, err := chromedp.Run(tab, chromedp.Text(chromedp.CSS(".intro p.note")))
			must(t, err)
			if note != i18n.T(tc.lang, "intro_required") {
				t.Errorf("the page does not say up front that questions may be skipped: %q", note)
			}
			want := tapAnswers(t, tab, e.q, map[string]bool{skipped.ID: true}, map[string]bool{unsure.ID: true})
			must(t, chromedp.Do(tab,
				chromedp.Tap(chromedp.CSS("[data-submit]")),
				chromedp.WaitVisible(chromedp.ID("open-notice")),
			))
			assertPage(t, tab, tc.lang, int(tc.width), axe, "asked about the open question")
			shot("1-asked")
			if got := e.responses(); got != before {
				t.Fatalf("stored before being asked: %d responses, want %d", got, before)
			}
			heading, err := chromedp.Run(tab, chromedp.Text(chromedp.ID("open-notice-title")))
			must(t, err)
			if heading != i18n.T(tc.lang, "open_notice_heading_one") {
				t.Errorf("notice %q", heading)
			}
			state, err := chromedp.Run(tab, chromedp.Evaluate[[]bool](fmt.Sprintf(`[
				document.getElementById(%q).classList.contains('is-open'),
				document.getElementById(%q).checked,
				document.activeElement === document.getElementById('open-notice')]`,
				"q-"+skipped.ID, "a-"+unsure.ID+"-"+survey.DontKnow)))
			must(t, err)
			if !state[0] || !state[1] || !state[2] {
				t.Errorf("skipped marked %v, don't know kept %v, notice focused %v", state[0], state[1], state[2])
			}

			must(t, chromedp.Do(tab,
				chromedp.Tap(chromedp.CSS(`#open-notice button[name="send_open"]`)),
				chromedp.WaitVisible(chromedp.CSS("[data-sent]")),
			))
			assertPage(t, tab, tc.lang, int(tc.width), axe, "thank-you page")
			if got := e.responses(); got != before+1 {
				t.Fatalf("%d responses after sending anyway, want %d", got, before+1)
			}
			if _, ok := want.Numbers[skipped.ID]; ok {
				t.Fatal("the skipped question was tapped")
			}
			if !e.hasResponse(want) {
				t.Fatalf("no stored response with %+v (skipped %s and don't know on %s missing)", want, skipped.ID, unsure.ID)
			}
		})
	}
}

// TestBrowserSurveyScreens measures how long each shipped questionnaire is
// on a phone: the survey page's document height divided by the viewport
// height, at 390x844 and 320x640, with the script running as a respondent
// sees it. The figures are the README's ("screens at 390 px"); run with -v
// to see them. Version 2 of the baseline (25 questions against 40) must
// take under three quarters of version 1's screens at both sizes.
func TestBrowserSurveyScreens(t *testing.T) {
	browser := newBrowser(t)
	screens := map[string][2]float64{}
	refs := []string{"advocacy-readiness@1", "advocacy-readiness@2", "pulse@1", "pulse@2"}
	for _, ref := range refs {
		e := newSurveyEnv(t, storetest.SQLiteDSN(t), ref, server.Config{})
		for i, size := range [][2]int64{{390, 844}, {320, 640}} {
			tab, stop := chromedp.NewContext(browser)
			err := chromedp.Do(tab,
				chromedp.EmulateViewport(size[0], size[1], chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch),
				chromedp.Navigate(e.formURL()+"?lang=nl"),
				chromedp.WaitVisible(chromedp.CSS("[data-progress]")),
			)
			must(t, err)
			h, err := chromedp.Run(tab, chromedp.Evaluate[[]int](
				`[document.documentElement.scrollHeight, window.innerHeight, document.querySelectorAll('[data-item]').length]`))
			stop()
			must(t, err)
			if h[2] != len(e.q.Items) {
				t.Fatalf("%s: %d questions on the page, want %d", ref, h[2], len(e.q.Items))
			}
			s := screens[ref]
			s[i] = float64(h[0]) / float64(h[1])
			screens[ref] = s
		}
	}
	var table strings.Builder
	for _, ref := range refs {
		q, err := questionnaires.Load(ref)
		must(t, err)
		fmt.Fprintf(&table, "\n%-22s %2d questions  %4.1f screens at 390x844  %4.1f at 320x640  about %s",
			ref, len(q.Items), screens[ref][0], screens[ref][1], fmt.Sprintf("%.1f min", math.Round(float64(q.AnswerSeconds())/6)/10))
	}
	t.Logf("survey length on a phone:%s", table.String())
	for i, size := range []string{"390", "320"} {
		if v1, v2 := screens["advocacy-readiness@1"][i], screens["advocacy-readiness@2"][i]; v2 >= v1*3/4 {
			t.Errorf("at %s px the new baseline takes %.1f screens, the old %.1f: want under three quarters", size, v2, v1)
		}
	}
}
