package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"trots/server"
	"trots/server/i18n"
	"trots/survey"
	"trots/survey/storetest"
)

// typedLike writes a canonical code the sloppy way people type it: small
// letters, spaces instead of dashes, O for 0 and I or L for 1.
func typedLike(code string) string {
	s := strings.ToLower(survey.FormatCode(code))
	s = strings.ReplaceAll(s, "-", " ")
	s = strings.ReplaceAll(s, "0", "o")
	return strings.ReplaceAll(s, "1", "l")
}

func TestPersonalCodeTypedAnswersOnce(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newSurveyEnv(t, dsn, "pulse", server.Config{})
		codes, err := e.store.CreateCodes(ctx, e.pulse.ID, e.dept.ID, 2)
		must(t, err)
		code := codes[0]

		start := e.get("/c?lang=en", nil)
		if start.status != http.StatusOK {
			t.Fatalf("start page: %d", start.status)
		}
		d := parseHTML(t, start.body)
		if text(d.one(tag("h1"), "h1")) != i18n.T("en", "code_heading") ||
			attr(d.one(tag("form", "class~", "code-form"), "code form"), "action") != "/c?lang=en" {
			t.Fatal("the start page does not ask for the code")
		}
		if in := d.byID("code"); attr(in, "name") != "code" || len(d.all(tag("label", "for", "code"))) != 1 {
			t.Fatal("the code field has no label")
		}

		// Typed sloppily, the code opens the survey for its department.
		r := e.post("/c?lang=en", url.Values{"code": {typedLike(code)}}, nil)
		if r.status != http.StatusOK {
			t.Fatalf("typed code: %d\n%s", r.status, r.body)
		}
		if strings.Contains(r.body, e.link.Code) {
			t.Fatal("the survey of a personal code reveals the department's open link")
		}
		d = parseHTML(t, r.body)
		form := d.one(tag("form", "class~", "survey"), "survey form")
		if attr(form, "action") != "/i?lang=en" || attr(d.one(tag("input", "name", "token"), "token"), "value") != code {
			t.Fatalf("form action %q", attr(form, "action"))
		}
		if !strings.Contains(text(d.byID("intro-heading").Parent), i18n.T("en", "intro_not_code")) {
			t.Fatal("the intro does not say the code is not kept with the answers")
		}
		if !strings.Contains(r.body, i18n.T("en", "intro_counts_for", e.dept.Name)) {
			t.Fatal("the survey does not name the code's department")
		}

		f := fullForm(e.q)
		f.Set("token", code)
		if first := e.post("/i?lang=en", f, nil); first.status != http.StatusSeeOther || first.header.Get("Location") != "/i/thanks?pulse="+e.pulse.ID+"&lang=en" {
			t.Fatalf("submit: %d %q", first.status, first.header.Get("Location"))
		} else if c := first.header.Values("Set-Cookie"); len(c) > 0 {
			t.Fatalf("a personal code's answer sets a cookie: %v", c)
		}
		if n := e.responses(); n != 1 {
			t.Fatalf("%d responses, want 1", n)
		}

		// The used code shows the page an unused one shows: whoever handed
		// out the slips learns nothing from trying them.
		page := func(c string, scanned bool) string {
			var r reply
			if scanned {
				r = e.get("/c/"+survey.FormatCode(c)+"?lang=en", nil)
			} else {
				r = e.post("/c?lang=en", url.Values{"code": {survey.FormatCode(c)}}, nil)
			}
			if r.status != http.StatusOK {
				t.Fatalf("code page: %d", r.status)
			}
			body := strings.ReplaceAll(strings.ReplaceAll(r.body, survey.FormatCode(c), "CODE"), c, "CODE")
			return regexp.MustCompile(`name="submission_key" value="[^"]*"`).ReplaceAllString(body, "KEY")
		}
		for _, scanned := range []bool{false, true} {
			if used, unused := page(code, scanned), page(codes[1], scanned); used != unused {
				t.Fatalf("the page of a used code differs from an unused one's (scanned %v):\n%s", scanned, firstDifference(used, unused))
			}
		}
		// A second complete form with it is refused in the words of a code.
		for _, lang := range i18n.Languages {
			f2 := fullForm(e.q)
			f2.Set("token", code)
			r := e.post("/i?lang="+lang, f2, nil)
			if r.status != http.StatusConflict || text(parseHTML(t, r.body).one(tag("h1"), "h1")) != i18n.T(lang, "code_used_title") {
				t.Fatalf("second answer with a used code (%s): %d %s", lang, r.status, r.body)
			}
		}
		if n := e.responses(); n != 1 {
			t.Fatalf("%d responses after a used code was sent again, want 1", n)
		}
	})
}

func TestPersonalCodeBadInputIsRefusedClearly(t *testing.T) {
	e := newSurveyEnv(t, storetest.SQLiteDSN(t), "pulse", server.Config{})
	for _, lang := range i18n.Languages {
		for typed, want := range map[string]struct {
			status int
			key    string
		}{
			"":                                  {http.StatusUnprocessableEntity, "code_empty"},
			"   ":                               {http.StatusUnprocessableEntity, "code_malformed"},
			"7KQ2-M9XD":                         {http.StatusUnprocessableEntity, "code_malformed"},
			"7KQ2-M9XD-4RTU":                    {http.StatusUnprocessableEntity, "code_malformed"}, // U is not in the alphabet
			"7KQ2-M9XD-4RTB-X":                  {http.StatusUnprocessableEntity, "code_malformed"},
			"7KQ2-M9XD-4RTé":                    {http.StatusUnprocessableEntity, "code_malformed"},
			strings.Repeat("7KQ2-", 40):         {http.StatusUnprocessableEntity, "code_malformed"},
			"<script>alert(1)</script>":         {http.StatusUnprocessableEntity, "code_malformed"},
			survey.FormatCode(survey.NewCode()): {http.StatusNotFound, "code_unknown"},
		} {
			if strings.TrimSpace(typed) == "" && typed != "" {
				want.key = "code_empty"
			}
			r := e.post("/c?lang="+lang, url.Values{"code": {typed}}, nil)
			if r.status != want.status {
				t.Fatalf("%q (%s): %d, want %d", typed, lang, r.status, want.status)
			}
			d := parseHTML(t, r.body)
			if got := text(d.byID("code-error")); got != i18n.T(lang, want.key) {
				t.Fatalf("%q (%s): error %q, want %q", typed, lang, got, i18n.T(lang, want.key))
			}
			if attr(d.byID("code"), "aria-invalid") != "true" || !strings.Contains(attr(d.byID("code"), "aria-describedby"), "code-error") {
				t.Fatalf("%q: the field does not carry its error", typed)
			}
			if a := within(d.byID("error-summary"), tag("a")); len(a) != 1 || attr(a[0], "href") != "#code" {
				t.Fatalf("%q: the summary does not lead to the field", typed)
			}
		}
		// A scanned slip whose code is unknown or garbled says so too.
		if r := e.get("/c/"+survey.FormatCode(survey.NewCode())+"?lang="+lang, nil); r.status != http.StatusNotFound ||
			text(parseHTML(t, r.body).byID("code-error")) != i18n.T(lang, "code_unknown") {
			t.Fatalf("unknown scanned code: %d", r.status)
		}
		if r := e.get("/c/nonsense?lang="+lang, nil); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("garbled scanned code: %d", r.status)
		}
		// A complete form with a code nobody made is refused as a code.
		f := fullForm(e.q)
		f.Set("token", survey.NewCode())
		if r := e.post("/i?lang="+lang, f, nil); r.status != http.StatusNotFound ||
			text(parseHTML(t, r.body).one(tag("h1"), "h1")) != i18n.T(lang, "code_unknown_title") {
			t.Fatalf("form with an unknown code: %d", r.status)
		}
	}
	if n := e.responses(); n != 0 {
		t.Fatalf("%d responses stored by refused codes", n)
	}
}

// TestPersonalCodeGuessingIsLimitedAndNeverBlocksRealCodes: unknown codes
// share one bucket, so guessing soon has to wait; a real code has a bucket
// of its own and still opens its survey.
func TestPersonalCodeGuessingIsLimitedAndNeverBlocksRealCodes(t *testing.T) {
	e := newSurveyEnv(t, storetest.SQLiteDSN(t), "pulse", server.Config{SurveyRate: 0.001, SurveyBurst: 3})
	codes, err := e.store.CreateCodes(ctx, e.pulse.ID, e.dept.ID, 1)
	must(t, err)
	limited := false
	for i := 0; i < 5; i++ {
		r := e.post("/c?lang=en", url.Values{"code": {survey.FormatCode(survey.NewCode())}}, nil)
		switch r.status {
		case http.StatusNotFound:
		case http.StatusTooManyRequests:
			limited = true
			if text(parseHTML(t, r.body).byID("code-error")) != i18n.T("en", "code_rate_limited") || r.header.Get("Retry-After") == "" {
				t.Fatalf("rate-limited page: %s", r.body)
			}
		default:
			t.Fatalf("guess %d: %d", i, r.status)
		}
	}
	if !limited {
		t.Fatal("five guesses in a row against a burst of 3 were not limited")
	}
	if r := e.get("/c/"+survey.FormatCode(survey.NewCode()), nil); r.status != http.StatusTooManyRequests {
		t.Fatalf("a scanned guess after the limit: %d", r.status)
	}
	for _, r := range []reply{
		e.post("/c?lang=en", url.Values{"code": {codes[0]}}, nil),
		e.get("/c/"+survey.FormatCode(codes[0])+"?lang=en", nil),
	} {
		if r.status != http.StatusOK || !strings.Contains(r.body, `name="token" value="`+codes[0]+`"`) {
			t.Fatalf("a real code while guessing is limited: %d", r.status)
		}
	}
}

func TestSurveyRemembersOnThisDeviceOnly(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newSurveyEnv(t, dsn, "pulse", server.Config{})
		path := "/s/" + e.link.Code
		first := e.post(path+"?lang=en", fullForm(e.q), nil)
		if first.status != http.StatusSeeOther {
			t.Fatalf("submit: %d", first.status)
		}
		cookies := (&http.Response{Header: first.header}).Cookies()
		if len(cookies) != 1 {
			t.Fatalf("cookies after answering: %v", first.header.Values("Set-Cookie"))
		}
		ck := cookies[0]
		if ck.Name != "trots_answered" || ck.Value != "1" || ck.Path != path || !ck.HttpOnly ||
			ck.SameSite != http.SameSiteLaxMode || ck.MaxAge != 0 || time.Until(ck.Expires) <= 0 || time.Until(ck.Expires) > 61*24*time.Hour {
			t.Fatalf("marker %+v", ck)
		}
		// Attack (whoever reads the device's cookies): an expiry counted
		// from the moment of answering gave that moment away. Without a
		// closing time it is a midnight, which says at most the day.
		if e := ck.Expires.UTC(); e.Hour() != 0 || e.Minute() != 0 || e.Second() != 0 {
			t.Fatalf("the marker expires at %s: that tells when the form was sent", e)
		}
		withMarker := map[string]string{"Cookie": "trots_answered=1"}
		for _, lang := range i18n.Languages {
			r := e.get(path+"?lang="+lang, withMarker)
			if r.status != http.StatusOK {
				t.Fatalf("second visit: %d", r.status)
			}
			d := parseHTML(t, r.body)
			if text(d.one(tag("h1"), "h1")) != i18n.T(lang, "answered_title") || d.has(tag("form", "class~", "survey")) {
				t.Fatalf("second visit (%s) does not say it was answered here:\n%s", lang, r.body)
			}
			again := attr(d.byID("answer-again"), "href")
			if again != path+"?again=1&lang="+lang || text(d.byID("answer-again")) != i18n.T(lang, "answered_again") {
				t.Fatalf("the way through: %q", again)
			}
			// The colleague gets the form, marker or not.
			r = e.get(again, withMarker)
			if r.status != http.StatusOK || !parseHTML(t, r.body).has(tag("form", "class~", "survey")) {
				t.Fatalf("someone else on this device: %d", r.status)
			}
		}
		// A fresh browser gets the form, and the page says what the cookie is.
		r := e.get(path+"?lang=en", nil)
		fresh := parseHTML(t, r.body)
		if !strings.Contains(text(fresh.byID("intro-heading").Parent), i18n.T("en", "intro_device_cookie")) || !fresh.has(tag("form", "class~", "survey")) {
			t.Fatal("a fresh visit: no form, or no word about the cookie")
		}
		// The colleague's answer is stored like any other.
		if second := e.post(path+"?lang=en", fullForm(e.q), withMarker); second.status != http.StatusSeeOther {
			t.Fatalf("second person: %d", second.status)
		}
		if n := e.responses(); n != 2 {
			t.Fatalf("%d responses, want 2", n)
		}
	})
}
