package server_test

import (
	"net/http"
	"strings"
	"testing"

	"trots/questionnaires"
	"trots/server"
	"trots/server/i18n"
	"trots/survey"
	"trots/survey/storetest"
)

// storedAnswers returns the answers of every stored response of the pulse.
func (e *surveyEnv) storedAnswers() []survey.Answers {
	e.t.Helper()
	var out []survey.Answers
	if err := e.store.EachResponse(ctx, e.pulse.ID, func(r survey.Response) error {
		out = append(out, r.Answers)
		return nil
	}); err != nil {
		e.t.Fatal(err)
	}
	return out
}

// TestSurveyAsksOnceAboutOpenQuestions: a form sent with questions left
// open is not refused and not stored at once: the page asks "You left N
// questions open. Send anyway?", with every answer kept and the open
// questions marked; sending again stores it, the open questions missing.
// An answer in the query string never fills a gap.
func TestSurveyAsksOnceAboutOpenQuestions(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newSurveyEnv(t, dsn, "advocacy-readiness", server.Config{})
		likert := firstItem(t, e.q, questionnaires.Likert)
		nps := firstItem(t, e.q, questionnaires.NPS)
		for _, lang := range i18n.Languages {
			t.Run(lang, func(t *testing.T) {
				before := e.responses()
				f := fullForm(e.q)
				f.Del("a." + likert.ID)
				f.Set("a."+nps.ID, " ")
				kept := f.Get("a." + e.q.Items[2].ID)
				r := e.post("/s/"+e.link.Code+"?lang="+lang+"&a."+nps.ID+"=9", f, nil)
				if r.status != http.StatusOK {
					t.Fatalf("status %d, want 200 (asked, not refused)", r.status)
				}
				if n := e.responses(); n != before {
					t.Fatalf("stored before the second send: %d responses, want %d", n, before)
				}
				d := parseHTML(t, r.body)
				notice := d.byID("open-notice")
				if got, want := text(d.byID("open-notice-title")), i18n.T(lang, "open_notice_heading", 2); got != want {
					t.Errorf("notice %q, want %q", got, want)
				}
				if lang == "en" && !strings.Contains(text(notice), "You left 2 questions open. Send anyway?") {
					t.Errorf("notice reads %q", text(notice))
				}
				if d.has(tag("div", "id", "error-summary")) {
					t.Error("a gap is shown as an error")
				}
				send := within(notice, tag("button", "name", "send_open"))
				if len(send) != 1 || attr(send[0], "form") != "questions" || attr(send[0], "value") != "1" {
					t.Fatalf("no send-anyway button for the form in the notice")
				}
				for _, id := range []string{likert.ID, nps.ID} {
					item := d.byID("q-" + id)
					if !containsWord(attr(item, "class"), "is-open") || len(within(item, tag("p", "id", "open-"+id))) != 1 {
						t.Errorf("open question %s not marked", id)
					}
				}
				if n := len(d.all(tag("p", "class", "field-open"))); n != 2 {
					t.Errorf("%d questions marked open, want 2", n)
				}
				form := d.byID("questions")
				if len(within(form, tag("input", "name", "send_open", "value", "1"))) != 1 {
					t.Fatal("the form does not carry send_open")
				}
				if k := within(form, tag("input", "name", "submission_key")); len(k) != 1 || attr(k[0], "value") != f.Get("submission_key") {
					t.Error("the submission key changed")
				}
				if c := within(form, tag("input", "name", "a."+e.q.Items[2].ID, "value", kept)); len(c) != 1 || !hasAttr(c[0], "checked") {
					t.Error("an answer was not kept")
				}

				// Send again, as the button or the notice does.
				f.Set("send_open", "1")
				r = e.post("/s/"+e.link.Code+"?lang="+lang+"&a."+nps.ID+"=9", f, nil)
				if r.status != http.StatusSeeOther {
					t.Fatalf("second send: status %d, want 303", r.status)
				}
				if n := e.responses(); n != before+1 {
					t.Fatalf("%d responses, want %d", n, before+1)
				}
			})
		}
		for _, a := range e.storedAnswers() {
			for _, id := range []string{likert.ID, nps.ID} {
				if n, ok := a.Numbers[id]; ok {
					t.Errorf("open question %s stored as %d", id, n)
				}
			}
			if len(a.Numbers) != countNumeric(e.q)-2 {
				t.Errorf("stored %d numbers, want %d", len(a.Numbers), countNumeric(e.q)-2)
			}
		}
	})
}

// TestSurveyDontKnowIsStoredAsMissing: every likert and nps question
// offers "don't know / rather not say"; choosing it is an answer (the
// page does not ask about it) and is stored as no answer at all.
func TestSurveyDontKnowIsStoredAsMissing(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newSurveyEnv(t, dsn, "advocacy-readiness", server.Config{})
		d := parseHTML(t, e.get("/s/"+e.link.Code+"?lang=en", nil).body)
		numeric := 0
		for _, it := range e.q.Items {
			dk := d.all(tag("input", "id", "a-"+it.ID+"-dk"))
			if !it.Scale.Numeric() {
				if len(dk) != 0 {
					t.Errorf("%s (%s) offers don't know", it.ID, it.Scale.Type)
				}
				continue
			}
			numeric++
			if len(dk) != 1 || attr(dk[0], "name") != "a."+it.ID || attr(dk[0], "value") != survey.DontKnow || attr(dk[0], "type") != "radio" {
				t.Fatalf("%s: no don't-know radio", it.ID)
			}
			if got := text(d.one(tag("label", "for", "a-"+it.ID+"-dk"), "label")); got != "Don't know / rather not say" {
				t.Errorf("%s: label %q", it.ID, got)
			}
		}
		if !strings.Contains(text(d.one(tag("p", "class", "note"), "note")), "You may skip any question") {
			t.Error("the page does not say up front that questions may be skipped")
		}
		if numeric != countNumeric(e.q) {
			t.Fatalf("%d numeric items", numeric)
		}

		f := fullForm(e.q)
		var dk []string
		for _, it := range e.q.Items {
			if it.Scale.Numeric() && len(dk) < 3 {
				f.Set("a."+it.ID, survey.DontKnow)
				dk = append(dk, it.ID)
			}
		}
		if r := e.post("/s/"+e.link.Code+"?lang=nl", f, nil); r.status != http.StatusSeeOther {
			t.Fatalf("status %d, want 303 at once (don't know is an answer)", r.status)
		}
		stored := e.storedAnswers()
		if len(stored) != 1 {
			t.Fatalf("%d responses", len(stored))
		}
		for _, id := range dk {
			if n, ok := stored[0].Numbers[id]; ok {
				t.Errorf("don't know on %s stored as %d", id, n)
			}
		}
		if len(stored[0].Numbers) != numeric-len(dk) {
			t.Errorf("stored %d numbers, want %d", len(stored[0].Numbers), numeric-len(dk))
		}
	})
}

// TestAPIAcceptsOpenQuestionsAndDontKnow: the JSON API stores a
// submission with questions left out, null or "dk" at once (it has no page
// to ask on), each as no answer; what is wrong is still refused.
func TestAPIAcceptsOpenQuestionsAndDontKnow(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newSurveyEnv(t, dsn, "pulse", server.Config{})
		likert := firstItem(t, e.q, questionnaires.Likert)
		nps := firstItem(t, e.q, questionnaires.NPS)
		target := "/api/v1/surveys/" + e.link.Code + "/responses"
		a := apiAnswers(e.q)
		delete(a, likert.ID)
		a[nps.ID] = survey.DontKnow
		a[e.q.Items[3].ID] = nil
		if r := e.postJSON(target, apiBody(t, survey.NewID(), a), nil); r.status != http.StatusCreated {
			t.Fatalf("status %d %s, want 201", r.status, r.body)
		}
		if r := e.postJSON(target, apiBody(t, survey.NewID(), map[string]any{}), nil); r.status != http.StatusCreated {
			t.Fatalf("empty answers: status %d %s, want 201", r.status, r.body)
		}
		r := e.postJSON(target, apiBody(t, survey.NewID(), map[string]any{likert.ID: 6, nps.ID: "weet niet"}), map[string]string{"Accept-Language": "nl"})
		if b := decodeAPIError(t, r); r.status != http.StatusUnprocessableEntity || b.Error.Fields[likert.ID] != survey.AnswerOutOfRange || b.Error.Fields[nps.ID] != survey.AnswerNotANumber {
			t.Fatalf("bad answers: %d %+v", r.status, b)
		}
		stored := e.storedAnswers()
		if len(stored) != 2 {
			t.Fatalf("%d responses, want 2", len(stored))
		}
		sizes := []int{len(stored[0].Numbers), len(stored[1].Numbers)}
		want := countNumeric(e.q) - 3
		if !(sizes[0] == 0 && sizes[1] == want || sizes[1] == 0 && sizes[0] == want) {
			t.Errorf("stored numbers %v, want 0 and %d", sizes, want)
		}
		for _, s := range stored {
			for _, id := range []string{likert.ID, nps.ID, e.q.Items[3].ID} {
				if _, ok := s.Numbers[id]; ok {
					t.Errorf("%s stored", id)
				}
			}
		}
	})
}

func countNumeric(q *questionnaires.Questionnaire) int {
	n := 0
	for _, it := range q.Items {
		if it.Scale.Numeric() {
			n++
		}
	}
	return n
}
