package server_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"trots/server"
	"trots/server/i18n"
	"trots/survey"
	"trots/survey/storetest"
)

// A respondent on a 320 px phone reads the art. 13 block of the survey
// page: the compact part at once, the rest after tapping the <details>
// summary, in Dutch and English, with the organisation's contacts (long
// ones wrap, the page never scrolls sideways) and axe-core content. The
// script wipes unsent answers older than two hours, as the block says.
func TestBrowserReadsThePrivacyNoticeAt320(t *testing.T) {
	axe := mustAxe(t)
	e := newSurveyEnv(t, storetest.SQLiteDSN(t), "pulse", server.Config{})
	st, err := e.store.Settings(ctx)
	must(t, err)
	st.Name, st.ControllerContact = "Gemeente Oost", "privacy@gemeenschappelijke-regeling-zuidwest-oost.example.nl"
	st.DPOContact = "fg.functionarisgegevensbescherming@gemeenschappelijke-regeling-zuidwest-oost.example.nl"
	st.PrivacyURL = "https://www.gemeenschappelijke-regeling-zuidwest-oost.example.nl/over-ons/privacy/privacyverklaring-medewerkers"
	must(t, e.store.SaveSettings(ctx, st))
	const width = 320
	tab, shot := phoneTab(t, newBrowser(t), width, "privacy-notice-")

	for _, lang := range i18n.Languages {
		must(t, chromedp.Do(tab,
			chromedp.Navigate(e.formURL()+"?lang="+lang),
			chromedp.WaitVisible(chromedp.ID("privacy")),
			scrollTo("#privacy"),
		))
		summary, err := chromedp.Run(tab, chromedp.Text(chromedp.ID("privacy-summary")))
		must(t, err)
		if want := i18n.T(lang, "art13_summary", "Gemeente Oost", st.Purpose(lang)); summary != want {
			t.Errorf("%s: compact block %q, want %q", lang, summary, want)
		}
		open, err := chromedp.Run(tab, chromedp.Evaluate[bool](`document.getElementById('privacy-details').open`))
		must(t, err)
		if open {
			t.Errorf("%s: the details are open before they are asked for", lang)
		}
		assertPage(t, tab, lang, width, axe, "survey page, privacy closed")
		must(t, chromedp.Do(tab,
			chromedp.Tap(chromedp.CSS("#privacy-details summary")),
			chromedp.WaitVisible(chromedp.ID("privacy-rights")),
		))
		for id, want := range map[string]string{
			"privacy-dpo":        st.DPOContact,
			"privacy-controller": i18n.T(lang, "art13_contact", "Gemeente Oost", st.ControllerContact),
			"privacy-retention":  i18n.T(lang, "art13_retention", e.pulse.RetentionMonths),
			"privacy-complaint":  i18n.T(lang, "art13_complaint"),
			"privacy-rights":     i18n.T(lang, "art13_rights"),
		} {
			got, err := chromedp.Run(tab, chromedp.Text(chromedp.ID(id)))
			must(t, err)
			if strings.TrimSpace(got) != want {
				t.Errorf("%s %s: %q, want %q", lang, id, got, want)
			}
		}
		href, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.getElementById('privacy-statement').href`))
		must(t, err)
		if href != st.PrivacyURL {
			t.Errorf("%s: statement link %q", lang, href)
		}
		must(t, chromedp.Do(tab, scrollTo("#privacy-details")))
		assertPage(t, tab, lang, width, axe, "survey page, privacy open")
		shot(lang + "-320")
	}

	// Two sets of unsent answers: one changed three hours ago (another
	// link's), one a minute ago (this link's). Opening the page wipes the
	// old one and puts the recent one back.
	must(t, chromedp.Do(tab, chromedp.Evaluate[chromedp.Void](`
		localStorage.setItem('trots:answers:oldlinkcode', JSON.stringify({key: '', saved: Date.now() - 3*3600*1000, answers: {'a.x': ['3']}}));
		localStorage.setItem('trots:answers:`+e.link.Code+`', JSON.stringify({key: '', saved: Date.now() - 60*1000, answers: {}}));`),
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.ID("privacy")),
	))
	kept, err := chromedp.Run(tab, chromedp.Evaluate[[]string](`Object.keys(localStorage).filter(k => k.startsWith('trots:answers:')).sort()`))
	must(t, err)
	if len(kept) != 1 || kept[0] != "trots:answers:"+e.link.Code {
		t.Errorf("kept after opening the page: %v, want only this link's recent answers", kept)
	}
}

// HR on a 320 px phone changes a setting on the console's settings page:
// a refused value is said at its field, the page fits and passes axe-core.
func TestBrowserAdminChangesSettingsOnAPhone(t *testing.T) {
	axe := mustAxe(t)
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	const width = 320
	tab, shot := phoneTab(t, newBrowser(t), width, "console-settings-")
	must(t, chromedp.Do(tab,
		chromedp.Navigate(e.srv.URL+"/settings?lang=nl"),
		signIn("admin@example.org"),
		chromedp.WaitVisible(chromedp.ID("settings-form")),
	))
	assertPage(t, tab, "nl", width, axe, "settings")
	shot("320")
	must(t, chromedp.Do(tab,
		chromedp.SetValue(chromedp.ID("k"), "3"),
		chromedp.SetValue(chromedp.ID("dpo_contact"), "fg@oost.example"),
		scrollTo("#settings-form button[type=submit]"),
		chromedp.Tap(chromedp.CSS("#settings-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("k-error")),
	))
	msg, err := chromedp.Run(tab, chromedp.Text(chromedp.ID("k-error")))
	must(t, err)
	if msg != i18n.T("nl", "settings_min_group", survey.MinAllowedGroup) {
		t.Errorf("k error %q", msg)
	}
	assertPage(t, tab, "nl", width, axe, "settings with an error")
	must(t, chromedp.Do(tab,
		chromedp.SetValue(chromedp.ID("k"), "6"),
		scrollTo("#settings-form button[type=submit]"),
		chromedp.Tap(chromedp.CSS("#settings-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("settings-notice")),
	))
	if got, _ := e.store.Settings(ctx); got.MinGroup != 6 || got.DPOContact != "fg@oost.example" {
		t.Errorf("saved %+v", got)
	}
}
