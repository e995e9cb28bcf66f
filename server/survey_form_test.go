package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"trots/questionnaires"
	"trots/server"
	"trots/server/i18n"
	"trots/survey"
	"trots/survey/storetest"
)

func TestSurveyPageInTheRespondentsLanguage(t *testing.T) {
	e := newSurveyEnv(t, storetest.SQLiteDSN(t), "advocacy-readiness", server.Config{})
	for _, tc := range []struct {
		query, accept, want string
	}{
		{"", "en-GB,en;q=0.9", "en"},
		{"", "nl-BE", "nl"},
		{"", "", "nl"}, // the organisation's default language
		{"?lang=en", "nl", "en"},
		{"?lang=nl", "en", "nl"},
		{"?lang=fr", "en", "en"},
	} {
		r := e.get("/s/"+e.link.Code+tc.query, map[string]string{"Accept-Language": tc.accept})
		if r.status != http.StatusOK {
			t.Fatalf("%s %q: status %d", tc.query, tc.accept, r.status)
		}
		d := parseHTML(t, r.body)
		if got := attr(d.one(tag("html"), "html"), "lang"); got != tc.want {
			t.Errorf("%s %q: lang %q, want %q", tc.query, tc.accept, got, tc.want)
		}
		if got := text(d.one(tag("h1"), "h1")); got != e.q.Title.Get(tc.want) {
			t.Errorf("%s %q: h1 %q", tc.query, tc.accept, got)
		}
		// The visible switch links to the other language.
		other := map[string]string{"nl": "en", "en": "nl"}[tc.want]
		link := d.one(tag("a", "hreflang", other), "language switch")
		if attr(link, "href") != "/s/"+e.link.Code+"?lang="+other {
			t.Errorf("switch href = %q", attr(link, "href"))
		}
		if strings.Contains(r.body, "[[") {
			t.Errorf("%s: a text is missing from the catalogue", tc.want)
		}
	}
}

func TestSurveyPageStructure(t *testing.T) {
	for _, qid := range questionnaires.Shipped() {
		t.Run(qid, func(t *testing.T) {
			e := newSurveyEnv(t, storetest.SQLiteDSN(t), qid, server.Config{})
			for _, lang := range i18n.Languages {
				r := e.get("/s/"+e.link.Code+"?lang="+lang, nil)
				if r.status != http.StatusOK {
					t.Fatalf("status %d", r.status)
				}
				d := parseHTML(t, r.body)
				// The intro names the thresholds of this pulse.
				intro := text(d.byID("intro-heading").Parent)
				for _, want := range []string{i18n.T(lang, "intro_min_group", e.pulse.MinGroup), i18n.T(lang, "intro_min_comments", e.pulse.MinComments), i18n.T(lang, "intro_not_ip")} {
					if !strings.Contains(intro, want) {
						t.Errorf("%s intro lacks %q", lang, want)
					}
				}
				// One section per dimension, one block per item, a legend or
				// label for every question, a label for every answer.
				sections := d.all(tag("section", "class~", "section"))
				if len(sections) != len(e.q.Dimensions) {
					t.Errorf("%d sections, want %d", len(sections), len(e.q.Dimensions))
				}
				for _, it := range e.q.Items {
					block := d.byID("q-" + it.ID)
					switch it.Scale.Type {
					case questionnaires.FreeText:
						label := within(block, tag("label", "for", "a-"+it.ID))
						if len(label) != 1 || text(label[0]) == "" {
							t.Errorf("%s: text question without its label", it.ID)
						}
					default:
						legend := within(block, tag("legend"))
						if len(legend) != 1 || !strings.HasPrefix(text(legend[0]), it.Text.Get(lang)) {
							t.Errorf("%s: legend %v", it.ID, legend)
						}
						inputs := within(block, tag("input", "name", "a."+it.ID))
						if len(inputs) < 2 {
							t.Errorf("%s: %d inputs", it.ID, len(inputs))
						}
						for _, in := range inputs {
							if len(within(block, tag("label", "for", attr(in, "id")))) != 1 {
								t.Errorf("%s: input %s has no label", it.ID, attr(in, "id"))
							}
						}
					}
				}
				form := d.one(tag("form", "class~", "survey"), "survey form")
				if attr(form, "method") != "post" || attr(form, "action") != "/s/"+e.link.Code+"?lang="+lang {
					t.Errorf("form method %q action %q", attr(form, "method"), attr(form, "action"))
				}
				key := d.one(tag("input", "name", "submission_key"), "submission key")
				if !survey.ValidID(attr(key, "value")) {
					t.Errorf("submission key %q", attr(key, "value"))
				}
				// Assets are content-hashed, and there is no inline script or style.
				for _, s := range d.all(tag("script")) {
					if attr(s, "src") == "" || strings.TrimSpace(text(s)) != "" {
						t.Errorf("inline script: %v", s.Attr)
					}
				}
				if d.has(func(n *html.Node) bool { return hasAttr(n, "style") || n.Data == "style" }) {
					t.Error("inline style: the CSP forbids it")
				}
			}
		})
	}
}

// TestSurveyPagesSetNoCookieAndAreNotCached: the one cookie of the survey
// is the "answered on this device" marker a stored form gets
// (survey_device.go); no other page sets one.
func TestSurveyPagesSetNoCookieAndAreNotCached(t *testing.T) {
	e := newSurveyEnv(t, storetest.SQLiteDSN(t), "pulse", server.Config{})
	form := fullForm(e.q)
	stored := e.post("/s/"+e.link.Code, form, nil)
	if c := stored.header.Values("Set-Cookie"); len(c) != 1 || !strings.HasPrefix(c[0], "trots_answered=1; Path=/s/"+e.link.Code+";") {
		t.Errorf("a stored form sets %v, want only the marker", c)
	}
	for _, r := range []reply{
		e.get("/s/"+e.link.Code, nil),
		e.post("/s/"+e.link.Code, url.Values{"submission_key": {survey.NewID()}}, nil),
		stored,
		e.get("/s/"+e.link.Code+"/thanks", nil),
		e.get("/s/"+survey.NewID(), nil),
		e.get("/c", nil),
		e.post("/c", url.Values{"code": {"nonsense"}}, nil),
	} {
		if c := r.header.Values("Set-Cookie"); len(c) > 0 && r.status != http.StatusSeeOther {
			t.Errorf("status %d sets a cookie: %v", r.status, c)
		}
		if r.status != http.StatusSeeOther && r.header.Get("Cache-Control") != "no-store" {
			t.Errorf("status %d: Cache-Control %q, want no-store", r.status, r.header.Get("Cache-Control"))
		}
		if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("CSP %q", csp)
		}
	}
}

func TestSurveySubmitStoresOnceAndRedirects(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newSurveyEnv(t, dsn, "advocacy-readiness", server.Config{})
		form := fullForm(e.q)
		first := e.post("/s/"+e.link.Code+"?lang=en", form, nil)
		thanks := "/s/" + e.link.Code + "/thanks?lang=en"
		if first.status != http.StatusSeeOther || first.header.Get("Location") != thanks {
			t.Fatalf("first post: %d %q", first.status, first.header.Get("Location"))
		}
		// A double tap, a retry, a browser re-post: the same answer, stored once.
		for i := 0; i < 3; i++ {
			again := e.post("/s/"+e.link.Code+"?lang=en", form, nil)
			if again.status != http.StatusSeeOther || again.header.Get("Location") != thanks {
				t.Fatalf("replay %d: %d %q", i, again.status, again.header.Get("Location"))
			}
		}
		if n := e.responses(); n != 1 {
			t.Fatalf("%d responses after four posts of one form, want 1", n)
		}
		// The thank-you page can be reloaded; it stores nothing.
		for i := 0; i < 2; i++ {
			r := e.get(thanks, nil)
			if r.status != http.StatusOK || text(parseHTML(t, r.body).one(tag("h1"), "h1")) != i18n.T("en", "thanks_title") {
				t.Fatalf("thank-you page: %d", r.status)
			}
		}
		if n := e.responses(); n != 1 {
			t.Fatalf("%d responses after reloading the thank-you page", n)
		}
		// The comment is stored apart, scrubbed.
		comments, err := e.store.Comments(ctx, e.pulse.ID)
		if err != nil || len(comments) != 1 {
			t.Fatalf("comments %v, %v", comments, err)
		}
		if strings.Contains(comments[0].Body, "12345678") || !strings.Contains(comments[0].Body, survey.ScrubbedPhone) {
			t.Fatalf("stored comment %q is not scrubbed", comments[0].Body)
		}
		// Another form (another key) is another response.
		if r := e.post("/s/"+e.link.Code, fullForm(e.q), nil); r.status != http.StatusSeeOther {
			t.Fatalf("second respondent: %d", r.status)
		}
		if n := e.responses(); n != 2 {
			t.Fatalf("%d responses, want 2", n)
		}
	})
}

// Every bad submission comes back as a 4xx page in the respondent's
// language, the problem next to the question, the answers kept, and
// nothing stored.
func TestSurveySubmitRefusesBadInput(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newSurveyEnv(t, dsn, "advocacy-readiness", server.Config{})
		likert := firstItem(t, e.q, questionnaires.Likert)
		nps := firstItem(t, e.q, questionnaires.NPS)
		comment := firstItem(t, e.q, questionnaires.FreeText)
		choice := firstItem(t, e.q, questionnaires.Choice)
		for _, tc := range []struct {
			name   string
			change func(f url.Values)
			query  string // added to the action, which the form never does for answers
			field  string // the question the error must stand next to ("" for the form)
			key    string
		}{
			{name: "out of range", change: func(f url.Values) { f.Set("a."+nps.ID, "11") }, field: nps.ID, key: survey.AnswerOutOfRange},
			{name: "out of range, sending anyway", change: func(f url.Values) { f.Set("a."+nps.ID, "-1"); f.Set("send_open", "1") }, field: nps.ID, key: survey.AnswerOutOfRange},
			{name: "don't know on a choice", change: func(f url.Values) { f.Set("a."+choice.ID, survey.DontKnow) }, field: choice.ID, key: survey.AnswerUnknownOption},
			{name: "answer in the query, a bad one in the body", change: func(f url.Values) { f.Set("a."+nps.ID, "x") }, query: "&a." + nps.ID + "=5", field: nps.ID, key: survey.AnswerNotANumber},
			{name: "not a number", change: func(f url.Values) { f.Set("a."+likert.ID, "veel") }, field: likert.ID, key: survey.AnswerNotANumber},
			{name: "unknown option", change: func(f url.Values) { f.Set("a."+choice.ID, "influencer") }, field: choice.ID, key: survey.AnswerUnknownOption},
			{name: "two answers", change: func(f url.Values) { f.Add("a."+likert.ID, "2") }, field: likert.ID, key: survey.AnswerTooMany},
			{name: "text too long", change: func(f url.Values) { f.Set("a."+comment.ID, strings.Repeat("x", comment.Scale.MaxLength+1)) }, field: comment.ID, key: survey.AnswerTooLong},
			{name: "unknown item", change: func(f url.Values) { f.Set("a.pride_secret", "5") }, key: survey.AnswerUnknownItem},
			{name: "unknown field", change: func(f url.Values) { f.Set("department", "Directie") }, key: "field_unknown"},
			{name: "no submission key", change: func(f url.Values) { f.Del("submission_key") }, key: "submission_key"},
			{name: "bad submission key", change: func(f url.Values) { f.Set("submission_key", "1") }, key: "submission_key"},
		} {
			for _, lang := range i18n.Languages {
				t.Run(tc.name+"/"+lang, func(t *testing.T) {
					before := e.responses()
					f := fullForm(e.q)
					tc.change(f)
					r := e.post("/s/"+e.link.Code+"?lang="+lang+tc.query, f, nil)
					if r.status != http.StatusUnprocessableEntity {
						t.Fatalf("status %d, want 422", r.status)
					}
					if n := e.responses(); n != before {
						t.Fatalf("%d responses after a refused post, want %d", n, before)
					}
					d := parseHTML(t, r.body)
					if got := attr(d.one(tag("html"), "html"), "lang"); got != lang {
						t.Fatalf("page in %q, want %q", got, lang)
					}
					summary := d.byID("error-summary")
					msg := i18n.T(lang, tc.key)
					if tc.field != "" {
						// Next to the question, and linked from the summary.
						block := d.byID("q-" + tc.field)
						errs := within(block, tag("p", "class", "field-error"))
						if len(errs) != 1 || text(errs[0]) != msg {
							t.Fatalf("message next to %s: %v, want %q", tc.field, errs, msg)
						}
						if len(within(summary, tag("a", "href", "#q-"+tc.field))) != 1 {
							t.Fatalf("the summary does not link to #q-%s", tc.field)
						}
					} else if !strings.Contains(text(summary), msg) {
						t.Fatalf("summary %q lacks %q", text(summary), msg)
					}
					// The answers already given are kept.
					kept := d.all(func(n *html.Node) bool { return n.Data == "input" && hasAttr(n, "checked") })
					if want := len(e.q.Items) - 3; len(kept) < want {
						t.Fatalf("%d answers kept on the page, want at least %d", len(kept), want)
					}
					key := attr(d.one(tag("input", "name", "submission_key"), "key"), "value")
					if !survey.ValidID(key) {
						t.Fatalf("re-rendered form has submission key %q", key)
					}
				})
			}
		}
		// The kept text of a comment comes back as typed.
		f := fullForm(e.q)
		f.Del("a." + likert.ID)
		f.Set("a."+comment.ID, "<b>vet</b> & zo")
		d := parseHTML(t, e.post("/s/"+e.link.Code, f, nil).body)
		if got := text(d.byID("a-" + comment.ID)); got != "<b>vet</b> & zo" {
			t.Fatalf("kept comment %q", got)
		}
	})
}

func TestSurveyRefusesClosedAndUnknown(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newSurveyEnv(t, dsn, "pulse", server.Config{})
		// A pulse that opens tomorrow, for another department.
		later := storetest.MustDepartment(t, e.store, "Later", 5)
		p, err := e.store.CreatePulse(ctx, survey.Pulse{Name: "Later", QuestionnaireID: "pulse", QuestionnaireVersion: 1, Opens: time.Now().Add(24 * time.Hour)})
		must(t, err)
		_, err = e.store.OpenPulse(ctx, p.ID)
		must(t, err)
		notYet := mustLink(t, e.store, p.ID, later.ID)

		check := func(t *testing.T, r reply, status int, lang, key string) {
			t.Helper()
			if r.status != status {
				t.Fatalf("status %d, want %d", r.status, status)
			}
			d := parseHTML(t, r.body)
			if got := attr(d.one(tag("html"), "html"), "lang"); got != lang {
				t.Fatalf("page in %q, want %q", got, lang)
			}
			if got := text(d.one(tag("h1"), "h1")); got != i18n.T(lang, key+"_title") {
				t.Fatalf("heading %q, want %q", got, i18n.T(lang, key+"_title"))
			}
		}
		for _, lang := range i18n.Languages {
			en := map[string]string{"Accept-Language": lang}
			t.Run("unknown link/"+lang, func(t *testing.T) {
				for _, code := range []string{survey.NewID(), "nope", strings.Repeat("a", 26)} {
					check(t, e.get("/s/"+code, en), http.StatusNotFound, lang, "link_unknown")
					check(t, e.post("/s/"+code, fullForm(e.q), en), http.StatusNotFound, lang, "link_unknown")
					check(t, e.get("/s/"+code+"/thanks", en), http.StatusNotFound, lang, "link_unknown")
				}
			})
			t.Run("not open yet/"+lang, func(t *testing.T) {
				check(t, e.get("/s/"+notYet.Code, en), http.StatusConflict, lang, "pulse_not_open")
				check(t, e.post("/s/"+notYet.Code, fullForm(e.q), en), http.StatusConflict, lang, "pulse_not_open")
			})
		}
		before := e.responses()
		must(t, e.store.ClosePulse(ctx, e.pulse.ID))
		for _, lang := range i18n.Languages {
			t.Run("closed/"+lang, func(t *testing.T) {
				check(t, e.get("/s/"+e.link.Code+"?lang="+lang, nil), http.StatusConflict, lang, "pulse_closed")
				check(t, e.post("/s/"+e.link.Code+"?lang="+lang, fullForm(e.q), nil), http.StatusConflict, lang, "pulse_closed")
			})
		}
		if n := e.responses(); n != before {
			t.Fatalf("responses changed: %d -> %d", before, n)
		}
	})
}

func TestSurveyRefusesOversizedBody(t *testing.T) {
	e := newSurveyEnv(t, storetest.SQLiteDSN(t), "advocacy-readiness", server.Config{})
	for _, size := range []int{70 << 10, 2 << 20} { // over the survey limit, and over the server's
		for _, lang := range i18n.Languages {
			f := fullForm(e.q)
			f.Set("a.padding", strings.Repeat("x", size))
			r := e.post("/s/"+e.link.Code+"?lang="+lang, f, nil)
			if r.status != http.StatusRequestEntityTooLarge {
				t.Fatalf("%d bytes: status %d, want 413", size, r.status)
			}
			d := parseHTML(t, r.body)
			if got := attr(d.one(tag("html"), "html"), "lang"); got != lang {
				t.Fatalf("%d bytes: page in %q, want %q", size, got, lang)
			}
			if !strings.Contains(text(d.root), i18n.T(lang, "too_large")) {
				t.Fatalf("%d bytes: the page does not say the answers were too large", size)
			}
		}
	}
	if n := e.responses(); n != 0 {
		t.Fatalf("%d responses stored", n)
	}
}

func TestSurveyRefusesCrossOriginPosts(t *testing.T) {
	e := newSurveyEnv(t, storetest.SQLiteDSN(t), "pulse", server.Config{})
	for _, h := range []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Sec-Fetch-Site": "same-site"},
		{"Sec-Fetch-Site": "", "Origin": "https://evil.example"},
	} {
		h["Accept-Language"] = "en"
		r := e.post("/s/"+e.link.Code, fullForm(e.q), h)
		if r.status != http.StatusForbidden {
			t.Fatalf("%v: status %d, want 403", h, r.status)
		}
		if !strings.Contains(r.body, i18n.T("en", "cross_origin_title")) {
			t.Fatalf("%v: page does not explain the refusal", h)
		}
	}
	if n := e.responses(); n != 0 {
		t.Fatalf("%d responses stored from other sites", n)
	}
	// The same site, and clients that send no browser headers, pass.
	for _, h := range []map[string]string{{"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "", "Origin": e.srv.URL}} {
		if r := e.post("/s/"+e.link.Code, fullForm(e.q), h); r.status != http.StatusSeeOther {
			t.Fatalf("%v: status %d", h, r.status)
		}
	}
}

func TestSurveyRateLimitIsPerLink(t *testing.T) {
	// One source may spend the whole budget here (its share is set to all
	// of it): this test is about links; ratelimit_test.go about shares.
	e := newSurveyEnv(t, storetest.SQLiteDSN(t), "pulse", server.Config{SurveyRate: 0.001, SurveyBurst: 3,
		SurveySourceRate: 0.001, SurveySourceBurst: 3})
	other := storetest.MustDepartment(t, e.store, "Andere afdeling", 10)
	otherLink := mustLink(t, e.store, e.pulse.ID, other.ID)
	for i := 0; i < 3; i++ {
		if r := e.post("/s/"+e.link.Code, fullForm(e.q), nil); r.status != http.StatusSeeOther {
			t.Fatalf("post %d: %d", i, r.status)
		}
	}
	r := e.post("/s/"+e.link.Code+"?lang=en", fullForm(e.q), nil)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Fatalf("fourth post: %d (Retry-After %q), want 429", r.status, r.header.Get("Retry-After"))
	}
	if !strings.Contains(r.body, i18n.T("en", "rate_limited_title")) {
		t.Fatal("the 429 page does not explain itself")
	}
	// Another department's link (same office, same address) is not affected.
	if r := e.post("/s/"+otherLink.Code, fullForm(e.q), nil); r.status != http.StatusSeeOther {
		t.Fatalf("other link: %d", r.status)
	}
	if n := e.responses(); n != 4 {
		t.Fatalf("%d responses, want 4", n)
	}
}

func TestStaticAssetsAreHashedAndCached(t *testing.T) {
	e := newSurveyEnv(t, storetest.SQLiteDSN(t), "pulse", server.Config{})
	d := parseHTML(t, e.get("/s/"+e.link.Code, nil).body)
	css := attr(d.one(tag("link", "rel", "stylesheet"), "stylesheet"), "href")
	js := attr(d.one(tag("script"), "script"), "src")
	for _, u := range []string{css, js} {
		if !strings.HasPrefix(u, "/static/survey.") || strings.Count(u, ".") != 2 {
			t.Fatalf("asset URL %q is not content-hashed", u)
		}
		r := e.get(u, nil)
		if r.status != http.StatusOK || !strings.Contains(r.header.Get("Cache-Control"), "immutable") || len(r.body) < 100 {
			t.Fatalf("%s: %d %q", u, r.status, r.header.Get("Cache-Control"))
		}
	}
	if r := e.get("/static/survey.css", nil); r.status != http.StatusNotFound {
		t.Fatalf("unhashed name: %d", r.status)
	}
}

// Invitations are limited per token: made-up tokens, however many, share
// a bucket of their own and block nobody holding a real one; a real
// token's retries share its bucket.
func TestInvitationRateLimitIsPerToken(t *testing.T) {
	e := newSurveyEnv(t, storetest.SQLiteDSN(t), "pulse", server.Config{SurveyRate: 0.001, SurveyBurst: 3})
	tokens, err := e.store.CreateInvitations(ctx, e.pulse.ID, e.dept.ID, 2)
	must(t, err)
	form := func(token string) url.Values {
		f := fullForm(e.q)
		f.Set("token", token)
		return f
	}
	statuses := map[int]int{}
	for range 10 {
		statuses[e.post("/i?lang=en", form(survey.NewID()), nil).status]++
	}
	if statuses[http.StatusNotFound] != 3 || statuses[http.StatusTooManyRequests] != 7 {
		t.Fatalf("made-up tokens: %v, want 3 refused as unknown and then 7 as too many", statuses)
	}
	for _, tok := range tokens {
		if r := e.post("/i?lang=en", form(tok), nil); r.status != http.StatusSeeOther {
			t.Fatalf("a real invitation after the made-up ones: %d, want 303", r.status)
		}
	}
	// One token's retries: its bucket, not the others'.
	again := form(tokens[0])
	for i := range 3 {
		want := http.StatusConflict // a new form with a used token
		if i == 2 {
			want = http.StatusTooManyRequests
		}
		if r := e.post("/i?lang=en", again, nil); r.status != want {
			t.Fatalf("retry %d of a used token: %d, want %d", i+1, r.status, want)
		}
	}
	if n := e.responses(); n != 2 {
		t.Fatalf("%d responses, want 2", n)
	}
}

// The thank-you page names the organisation and says when and where the
// results are shared: after the close (on its date, when the pulse has
// one), per department in trots, from groups of k.
func TestThanksPageSaysWhenResultsAreShared(t *testing.T) {
	e := newSurveyEnv(t, storetest.SQLiteDSN(t), "advocacy-readiness", server.Config{})
	must(t, e.store.SaveSettings(ctx, survey.Settings{Name: "Gemeente Voorbeeld", DefaultLanguage: "nl", MinGroup: 5, MinComments: 10}))
	for _, lang := range []string{"nl", "en"} {
		r := e.get("/s/"+e.link.Code+"/thanks?lang="+lang, nil)
		d := parseHTML(t, r.body)
		lead := text(d.one(tag("p", "class", "lead"), "lead"))
		if !strings.Contains(lead, "Gemeente Voorbeeld") {
			t.Errorf("%s: the thank-you page does not name the organisation: %q", lang, lead)
		}
		when := text(d.one(func(n *html.Node) bool { return hasAttr(n, "data-results") }, "results paragraph"))
		if want := i18n.T(lang, "thanks_results_after", e.pulse.MinGroup); when != want {
			t.Errorf("%s: results paragraph %q, want %q", lang, when, want)
		}
	}
}
