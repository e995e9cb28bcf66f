package server_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"trots/server"
	"trots/server/i18n"
	"trots/survey"
	"trots/survey/storetest"
)

// noticeOf is the art. 13 block of a survey or thank-you page: the compact
// part outside <details>, and the facts inside it by id.
func noticeOf(t *testing.T, body string) (compact string, facts map[string]string, d doc) {
	t.Helper()
	d = parseHTML(t, body)
	block := d.byID("privacy")
	details := d.byID("privacy-details")
	if block == nil || details == nil || details.Data != "details" || details.Parent != block {
		t.Fatalf("no art. 13 block with a <details> element:\n%s", body)
	}
	compact = text(d.byID("privacy-summary")) + " " + text(d.byID("privacy-browser"))
	facts = map[string]string{}
	for _, id := range []string{"privacy-controller", "privacy-dpo", "privacy-purpose", "privacy-basis", "privacy-voluntary", "privacy-stored",
		"privacy-storage", "privacy-cookie", "privacy-who", "privacy-retention", "privacy-rights", "privacy-complaint", "privacy-statement"} {
		found := d.all(func(n *html.Node) bool { return n.Type == html.ElementNode && attr(n, "id") == id })
		if len(found) == 1 {
			n := found[0]
			facts[id] = text(n)
			if id == "privacy-statement" {
				facts["href"] = attr(n, "href")
			}
		}
	}
	return compact, facts, d
}

func wantIn(t *testing.T, lang, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s %s: %q does not say %q", lang, what, got, w)
		}
	}
}

// The survey page's art. 13 notice says, in Dutch and in English, what the
// settings and the pulse say - and changes when they change: controller
// and contact, DPO, purpose, lawful basis, voluntariness, what is and is
// not stored, the browser storage and the cookie as the script and the
// server actually use them, who sees what with the pulse's thresholds,
// the retention period, the rights and the complaint to the Autoriteit
// Persoonsgegevens, and the privacy statement's link once set.
func TestPrivacyNoticeFollowsTheSettings(t *testing.T) {
	e := newSurveyEnv(t, filepath.Join(t.TempDir(), "notice.db"), "pulse", server.Config{})
	form := "/s/" + e.link.Code

	// What the script keeps, read from the script itself: the notice's
	// "two hours" must be its KEEP_MS.
	page := e.get(form, nil)
	src := regexp.MustCompile(`<script src="([^"]+survey[^"]*\.js)"`).FindStringSubmatch(page.body)
	if src == nil {
		t.Fatal("no survey script on the page")
	}
	js := e.get(src[1], nil).body
	keep := regexp.MustCompile(`KEEP_MS = (\d+) \* 60 \* 60 \* 1000;`).FindStringSubmatch(js)
	if keep == nil || keep[1] != "2" || !strings.Contains(js, "localStorage") || !strings.Contains(js, "sessionStorage") {
		t.Fatalf("the script no longer keeps answers for 2 hours in localStorage: the notice must change with it (%v)", keep)
	}
	hours := map[string]string{"nl": "twee uur", "en": "two hours"}

	for _, lang := range i18n.Languages {
		compact, facts, _ := noticeOf(t, e.get(form+"?lang="+lang, nil).body)
		wantIn(t, lang, "compact block", compact, i18n.T(lang, "art13_summary", "Organisation", survey.DefaultPurpose[lang]), hours[lang])
		wantIn(t, lang, "controller", facts["privacy-controller"], i18n.T(lang, "art13_contact_hr", "Organisation"))
		wantIn(t, lang, "DPO", facts["privacy-dpo"], i18n.T(lang, "art13_dpo_ask"))
		wantIn(t, lang, "basis", facts["privacy-basis"], map[string]string{"nl": "artikel 6 lid 1 sub f", "en": "article 6(1)(f)"}[lang])
		wantIn(t, lang, "storage", facts["privacy-storage"], "localStorage", "sessionStorage", hours[lang])
		wantIn(t, lang, "cookie", facts["privacy-cookie"], "trots_answered", "1", "60")
		wantIn(t, lang, "who", facts["privacy-who"], i18n.T(lang, "art13_who_groups", e.pulse.MinGroup, e.pulse.MinComments),
			i18n.T(lang, "art13_who_no_lead_comments"))
		wantIn(t, lang, "retention", facts["privacy-retention"], i18n.T(lang, "art13_retention", e.pulse.RetentionMonths))
		wantIn(t, lang, "complaint", facts["privacy-complaint"], "Autoriteit Persoonsgegevens")
		wantIn(t, lang, "rights", facts["privacy-rights"], map[string]string{"nl": "niet los worden ingezien", "en": "cannot be shown, corrected or erased one by one"}[lang])
		if _, ok := facts["privacy-statement"]; ok {
			t.Errorf("%s: a privacy statement link without one set", lang)
		}
	}

	st, err := e.store.Settings(ctx)
	must(t, err)
	st.Name, st.Controller, st.ControllerContact = "Gemeente Oost", "College van B&W van Oost", "privacy@oost.example"
	st.DPOContact, st.PrivacyURL = "fg@oost.example, 010 123 4567", "https://oost.example/privacy?x=1&y=2"
	st.PurposeNL, st.PurposeEN = "Weten of Oost klaar is voor ambassadeurs.", "Knowing whether Oost is ready for ambassadors."
	st.LawfulBasis = survey.BasisPublicTask
	must(t, e.store.SaveSettings(ctx, st))
	for _, lang := range i18n.Languages {
		compact, facts, _ := noticeOf(t, e.get(form+"?lang="+lang, nil).body)
		purpose := st.Purpose(lang)
		wantIn(t, lang, "compact block", compact, i18n.T(lang, "art13_summary", "College van B&W van Oost", purpose))
		if strings.Contains(compact+facts["privacy-purpose"], survey.DefaultPurpose[lang]) {
			t.Errorf("%s: the default purpose is still shown", lang)
		}
		wantIn(t, lang, "controller", facts["privacy-controller"], i18n.T(lang, "art13_contact", "College van B&W van Oost", "privacy@oost.example"))
		wantIn(t, lang, "DPO", facts["privacy-dpo"], "fg@oost.example, 010 123 4567")
		wantIn(t, lang, "purpose", facts["privacy-purpose"], purpose)
		wantIn(t, lang, "basis", facts["privacy-basis"], i18n.T(lang, "art13_basis_public_task"))
		if facts["href"] != st.PrivacyURL {
			t.Errorf("%s: privacy statement link %q, want %q", lang, facts["href"], st.PrivacyURL)
		}
	}

	// The cookie is what the notice says: trots_answered = 1, for this
	// link only, at most 60 days; the thank-you page repeats the notice.
	r := e.post(form, fullForm(e.q), nil)
	if r.status != http.StatusSeeOther {
		t.Fatalf("submit: %d", r.status)
	}
	var answered *http.Cookie
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name != "trots_answered" {
			t.Errorf("an unannounced cookie %q", c.Name)
			continue
		}
		answered = c
	}
	// It expires at an absolute moment (the pulse's close, or a UTC
	// midnight), never counted from the moment of answering.
	now := time.Now()
	if answered == nil || answered.Value != "1" || answered.Path != form || answered.MaxAge != 0 ||
		!answered.Expires.After(now) || answered.Expires.After(now.Add(60*24*time.Hour)) {
		t.Fatalf("the answered cookie is not what the notice says: %+v", answered)
	}
	_, facts, _ := noticeOf(t, e.get(form+"/thanks?lang=en", nil).body)
	wantIn(t, "en", "thank-you page", facts["privacy-dpo"]+facts["privacy-retention"]+facts["privacy-cookie"],
		"fg@oost.example", i18n.T("en", "art13_retention", e.pulse.RetentionMonths), "trots_answered")

	// An invitation sets no cookie, and its notice says so.
	tokens, err := e.store.CreateInvitations(ctx, e.pulse.ID, e.dept.ID, 1)
	must(t, err)
	_, facts, _ = noticeOf(t, e.get("/i/"+tokens[0]+"?lang=nl", nil).body)
	if facts["privacy-cookie"] != i18n.T("nl", "art13_cookie_none") {
		t.Errorf("invitation cookie text %q", facts["privacy-cookie"])
	}
	inv := fullForm(e.q)
	inv.Set("token", tokens[0])
	if r := e.post("/i", inv, nil); r.status != http.StatusSeeOther || r.header.Get("Set-Cookie") != "" {
		t.Fatalf("invitation: %d, cookie %q", r.status, r.header.Get("Set-Cookie"))
	}
}

// The console's settings page (admins): a valid form is saved and each
// change audited with old -> new; a refused form says what is wrong at
// each field in the console's language and changes nothing, not even the
// valid fields beside the wrong ones. New pulses start from the settings,
// and the survey page says the new DPO at once.
func TestSettingsPageSavesAuditsAndRefuses(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newConsoleEnv(t, dsn, server.Config{})
		// Without the demo's contacts, which the page asks for.
		demoSettings, err := e.store.Settings(ctx)
		must(t, err)
		demoSettings.ControllerContact, demoSettings.DPOContact = "", ""
		must(t, e.store.SaveSettings(ctx, demoSettings))
		admin := e.browser()
		admin.login("admin@example.org")
		p := admin.get("/settings?lang=en")
		if p.status != http.StatusOK {
			t.Fatalf("settings page: %d", p.status)
		}
		d := parseHTML(t, p.body)
		if !d.has(func(n *html.Node) bool { return attr(n, "id") == "settings-missing" }) || fieldValue(d, "k") != "5" || d.byID("purpose_nl") == nil {
			t.Fatal("the page does not show the settings or the missing contacts")
		}
		before, err := e.store.Settings(ctx)
		must(t, err)
		logged := func() int {
			log, err := e.store.ListAudit(ctx, survey.AuditFilter{Action: "settings.change"})
			must(t, err)
			return len(log)
		}
		form := func(changes map[string]string) url.Values {
			f := url.Values{"_csrf": {admin.csrf("/settings")}}
			for _, n := range survey.SettingNames {
				v, _ := before.Value(n)
				if n == "lead_comments" {
					if v == "true" {
						f.Set(n, "yes")
					}
					continue
				}
				f.Set(n, v)
			}
			for k, v := range changes {
				if v == "" && k == "lead_comments" {
					f.Del(k)
					continue
				}
				f.Set(k, v)
			}
			return f
		}

		// Refused, in Dutch and in English: nothing changes.
		bad := map[string]string{"k": "4", "privacy_url": "ftp://oost.example", "retention_months": "0", "dpo_contact": "fg@oost.example"}
		for _, lang := range i18n.Languages {
			admin.get("/settings?lang=" + lang)
			p = admin.post("/settings", form(bad))
			if p.status != http.StatusBadRequest {
				t.Fatalf("%s: refused form: %d", lang, p.status)
			}
			d = parseHTML(t, p.body)
			for field, want := range map[string]string{
				"k":                i18n.T(lang, "settings_min_group", survey.MinAllowedGroup),
				"privacy_url":      i18n.T(lang, "settings_privacy_url"),
				"retention_months": i18n.T(lang, "settings_retention", survey.MaxRetentionMonths),
			} {
				if got := text(d.byID(field + "-error")); got != want {
					t.Errorf("%s %s: error %q, want %q", lang, field, got, want)
				}
				if attr(d.byID(field), "aria-invalid") != "true" {
					t.Errorf("%s %s: not marked invalid", lang, field)
				}
			}
			if !d.has(func(n *html.Node) bool { return attr(n, "id") == "form-error" }) || fieldValue(d, "dpo_contact") != "fg@oost.example" {
				t.Errorf("%s: no summary, or the typed values are lost", lang)
			}
		}
		if now, _ := e.store.Settings(ctx); !now.Equal(before) || logged() != 0 {
			t.Fatalf("a refused form changed something: %+v, %d audit entries", now, logged())
		}

		// Saved: each change its own audit entry, by the admin.
		p = admin.post("/settings", form(map[string]string{"dpo_contact": "fg@oost.example", "k": "6", "comment_k": "12",
			"retention_months": "24", "lead_comments": "yes", "lawful_basis": "public_task"}))
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/settings?done=saved" {
			t.Fatalf("save: %d %s", p.status, p.header.Get("Location"))
		}
		after, err := e.store.Settings(ctx)
		must(t, err)
		if after.DPOContact != "fg@oost.example" || after.MinGroup != 6 || after.MinComments != 12 || after.RetentionMonths != 24 ||
			!after.LeadComments || after.LawfulBasis != survey.BasisPublicTask {
			t.Fatalf("saved: %+v", after)
		}
		log, err := e.store.ListAudit(ctx, survey.AuditFilter{Action: "settings.change"})
		must(t, err)
		details := map[string]bool{}
		for _, en := range log {
			if en.Actor != "admin@example.org" {
				t.Errorf("audit actor %q", en.Actor)
			}
			details[en.Detail] = true
		}
		for _, want := range []string{"k 5 -> 6", "comment_k 10 -> 12", "retention_months 12 -> 24", "lead_comments false -> true",
			"lawful_basis legitimate_interest -> public_task", `dpo_contact "" -> "fg@oost.example"`} {
			if !details[want] {
				t.Errorf("no audit entry %q: %v", want, details)
			}
		}
		if len(log) != 6 {
			t.Errorf("%d audit entries, want 6", len(log))
		}
		// The same form again changes nothing and records nothing.
		p = admin.post("/settings", form(map[string]string{"dpo_contact": "fg@oost.example", "k": "6", "comment_k": "12",
			"retention_months": "24", "lead_comments": "yes", "lawful_basis": "public_task"}))
		if p.header.Get("Location") != "/settings?done=unchanged" || logged() != 6 {
			t.Fatalf("unchanged form: %s, %d entries", p.header.Get("Location"), logged())
		}

		// A new pulse starts from the settings; the survey page says the DPO.
		d = parseHTML(t, admin.get("/pulses?lang=en").body)
		if fieldValue(d, "retention_months") != "24" || !hasAttr(d.byID("lead_comments"), "checked") {
			t.Errorf("the new pulse form does not start from the settings")
		}
		resp, err := http.Get(e.srv.URL + "/s/" + e.demo.Departments[0].Link.Code + "?lang=en")
		must(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		_, facts, _ := noticeOf(t, string(body))
		if facts["privacy-dpo"] != "fg@oost.example" || !strings.Contains(facts["privacy-basis"], "6(1)(e)") {
			t.Errorf("survey page after the change: %v", facts)
		}
	})
}

// The poster downloaded from the console prints the art. 13 essentials
// from the settings and the pulse, in Dutch and English, read back with
// pdftotext; a changed setting changes the poster.
func TestPosterPrintsThePrivacyNoticeFromTheSettings(t *testing.T) {
	e := newLinksEnv(t, storetest.SQLiteDSN(t), server.Config{PublicURL: linksPublicURL})
	open := e.demo.Open
	dept := e.demo.Departments[1].Department
	poster := func(lang string) string {
		p := e.admin.get(e.deptPath(open.ID, dept.ID, "poster.pdf?lang="+lang))
		if p.status != http.StatusOK {
			t.Fatalf("poster (%s): %d", lang, p.status)
		}
		return linksPDFText(t, []byte(p.body))
	}
	st, err := e.store.Settings(ctx)
	must(t, err)
	if st.DPOContact != "fg@voorbeeld.example" {
		t.Errorf("the demo names no DPO: %+v", st)
	}
	st.ControllerContact, st.DPOContact = "", ""
	must(t, e.store.SaveSettings(ctx, st))
	for lang, want := range map[string][]string{
		"nl": {"Verantwoordelijk: " + st.Name + " (vragen: HR)", "Functionaris gegevensbescherming: vraag HR", "gerechtvaardigd belang (art. 6 lid 1 sub f AVG)",
			"Meedoen is vrijwillig", fmt.Sprintf("%d maanden na sluiten gewist", open.RetentionMonths), "Autoriteit Persoonsgegevens", "Doel: Per afdeling bepalen"},
		"en": {"Responsible: " + st.Name + " (questions: HR)", "Data protection officer: ask HR", "legitimate interest (art. 6(1)(f) GDPR)",
			"Taking part is voluntary", fmt.Sprintf("deleted %d months after closing", open.RetentionMonths), "Autoriteit Persoonsgegevens", "Purpose: Deciding per department"},
	} {
		text := poster(lang)
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s poster lacks %q:\n%s", lang, w, text)
			}
		}
	}
	st.ControllerContact, st.DPOContact, st.LawfulBasis = "privacy@oost.example", "fg@oost.example", survey.BasisPublicTask
	st.PrivacyURL, st.PurposeEN = "https://oost.example/privacy", "Knowing whether Oost is ready."
	must(t, e.store.SaveSettings(ctx, st))
	text := poster("en")
	for _, w := range []string{"(privacy@oost.example)", "Data protection officer: fg@oost.example", "public task (art. 6(1)(e) GDPR)",
		"Purpose: Knowing whether Oost is ready.", "Privacy statement: https://oost.example/privacy"} {
		if !strings.Contains(text, w) {
			t.Errorf("poster after the change lacks %q:\n%s", w, text)
		}
	}
}
