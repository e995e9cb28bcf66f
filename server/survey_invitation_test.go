package server_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"trots/server"
	"trots/server/i18n"
	"trots/survey"
	"trots/survey/storetest"
)

func TestInvitationAnswersOnceAndHidesTheLink(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newSurveyEnv(t, dsn, "pulse", server.Config{})
		tokens, err := e.store.CreateInvitations(ctx, e.pulse.ID, e.dept.ID, 2)
		must(t, err)
		token := tokens[0]

		r := e.get("/i/"+token+"?lang=en", nil)
		if r.status != http.StatusOK {
			t.Fatalf("invitation page: %d", r.status)
		}
		if strings.Contains(r.body, e.link.Code) {
			t.Fatal("the invitation page reveals the department's open link")
		}
		d := parseHTML(t, r.body)
		form := d.one(tag("form", "class~", "survey"), "form")
		if attr(form, "action") != "/i?lang=en" {
			t.Fatalf("form action %q", attr(form, "action"))
		}
		if attr(d.one(tag("input", "name", "token"), "token field"), "value") != token {
			t.Fatal("the token is not in the form")
		}
		if !strings.Contains(text(d.byID("intro-heading").Parent), i18n.T("en", "intro_not_invitation")) {
			t.Fatal("the intro does not say the invitation is not linked to the answers")
		}

		f := fullForm(e.q)
		f.Set("token", token)
		first := e.post("/i?lang=en", f, nil)
		if first.status != http.StatusSeeOther || first.header.Get("Location") != "/i/thanks?pulse="+e.pulse.ID+"&lang=en" {
			t.Fatalf("submit: %d %q", first.status, first.header.Get("Location"))
		}
		// A retry of the same form is answered like the first.
		if again := e.post("/i?lang=en", f, nil); again.status != http.StatusSeeOther {
			t.Fatalf("replay: %d", again.status)
		}
		if r := e.get(first.header.Get("Location"), nil); r.status != http.StatusOK || !strings.Contains(r.body, i18n.T("en", "thanks_results_after", e.pulse.MinGroup)) {
			t.Fatalf("thank-you page: %d, without when results come:\n%s", r.status, r.body)
		}
		if n := e.responses(); n != 1 {
			t.Fatalf("%d responses, want 1", n)
		}

		// The token is used. Its page is the page of an unused one (who
		// holds the list of who got which link learns nothing from opening
		// it), but a new form with it is refused.
		page := func(tok string) string {
			r := e.get("/i/"+tok+"?lang=en", nil)
			if r.status != http.StatusOK {
				t.Fatalf("invitation page: %d", r.status)
			}
			body := strings.ReplaceAll(r.body, tok, "TOKEN")
			return regexp.MustCompile(`name="submission_key" value="[^"]*"`).ReplaceAllString(body, "KEY")
		}
		if used, unused := page(token), page(tokens[1]); used != unused {
			t.Fatalf("the page of a used invitation differs from an unused one's:\n%s", firstDifference(used, unused))
		}
		for _, lang := range i18n.Languages {
			f2 := fullForm(e.q)
			f2.Set("token", token)
			r = e.post("/i?lang="+lang, f2, nil)
			if r.status != http.StatusConflict || text(parseHTML(t, r.body).one(tag("h1"), "h1")) != i18n.T(lang, "token_used_title") {
				t.Fatalf("second answer with a used token (%s): %d", lang, r.status)
			}
			// A form with a question open is asked about, used token or
			// not: answering it "used" would tell who answered for the
			// price of an empty form.
			f2.Del("a.enps")
			if r := e.post("/i?lang="+lang, f2, nil); r.status != http.StatusOK || !parseHTML(t, r.body).has(tag("div", "id", "open-notice")) {
				t.Fatalf("incomplete answer with a used token (%s): %d, want 200 asking, as for an unused one", lang, r.status)
			}
			f3 := fullForm(e.q)
			f3.Set("token", tokens[1])
			f3.Del("a.enps")
			if r := e.post("/i?lang="+lang, f3, nil); r.status != http.StatusOK || !parseHTML(t, r.body).has(tag("div", "id", "open-notice")) {
				t.Fatalf("incomplete answer with an unused token (%s): %d, want 200 asking", lang, r.status)
			}
			// Sent anyway, the used one is refused as a complete one is.
			f2.Set("send_open", "1")
			if r := e.post("/i?lang="+lang, f2, nil); r.status != http.StatusConflict {
				t.Fatalf("used token sent anyway (%s): %d, want 409", lang, r.status)
			}
		}
		// Unknown tokens.
		for _, bad := range []string{survey.NewID(), "x", ""} {
			f3 := fullForm(e.q)
			f3.Set("token", bad)
			if r := e.post("/i?lang=nl", f3, nil); r.status != http.StatusNotFound || !strings.Contains(r.body, i18n.T("nl", "token_unknown_title")) {
				t.Fatalf("post with token %q: %d", bad, r.status)
			}
			if bad != "" {
				if r := e.get("/i/"+bad, nil); r.status != http.StatusNotFound {
					t.Fatalf("page of token %q: %d", bad, r.status)
				}
			}
		}
		// A refused form (and one asked about) keeps the token, so that it
		// can be sent again.
		f4 := fullForm(e.q)
		f4.Set("token", tokens[1])
		f4.Del("a.enps")
		r = e.post("/i?lang=nl", f4, nil)
		if r.status != http.StatusOK || attr(parseHTML(t, r.body).one(tag("input", "name", "token"), "token"), "value") != tokens[1] {
			t.Fatalf("invitation form asked about: %d", r.status)
		}
		f4.Set("a.enps", "11")
		r = e.post("/i?lang=nl", f4, nil)
		if r.status != http.StatusUnprocessableEntity || attr(parseHTML(t, r.body).one(tag("input", "name", "token"), "token"), "value") != tokens[1] {
			t.Fatalf("refused invitation form: %d", r.status)
		}
		if n := e.responses(); n != 1 {
			t.Fatalf("%d responses, want 1", n)
		}
		// A token field on the open link is not part of that form.
		f5 := fullForm(e.q)
		f5.Set("token", tokens[1])
		if r := e.post("/s/"+e.link.Code, f5, nil); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("token on the open link: %d", r.status)
		}
	})
}

// firstDifference shows where two texts part.
func firstDifference(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(i-80, 0)
	return "... " + a[lo:min(i+80, len(a))] + "\n--- vs ---\n... " + b[lo:min(i+80, len(b))]
}
