package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"trots/server"
	"trots/server/i18n"
	"trots/survey"
	"trots/survey/storetest"
)

// newModeEnv is newSurveyEnv with the survey's pulse answered in mode.
func newModeEnv(t *testing.T, dsn string, mode survey.AnswerMode) *surveyEnv {
	t.Helper()
	e := newSurveyEnv(t, dsn, "pulse", server.Config{})
	p, err := e.store.CreatePulse(ctx, survey.Pulse{Name: "Pulse " + string(mode), QuestionnaireID: e.q.ID, QuestionnaireVersion: e.q.Version, Mode: mode})
	must(t, err)
	p, err = e.store.OpenPulse(ctx, p.ID)
	must(t, err)
	e.pulse, e.link = p, mustLink(t, e.store, p.ID, e.dept.ID)
	return e
}

func TestCodesOnlyPulseRefusesItsDepartmentLink(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newModeEnv(t, dsn, survey.ModeCodes)
		path := "/s/" + e.link.Code
		for _, lang := range i18n.Languages {
			// The link's page explains, and asks for a code instead.
			r := e.get(path+"?lang="+lang, nil)
			d := parseHTML(t, r.body)
			if r.status != http.StatusConflict || text(d.one(tag("h1"), "h1")) != i18n.T(lang, "mode_codes_only_title") ||
				text(d.byID("notice")) != i18n.T(lang, "mode_codes_only") || attr(d.one(tag("form", "class~", "code-form"), "code form"), "action") != "/c?lang="+lang {
				t.Fatalf("the link of a codes-only pulse (%s): %d\n%s", lang, r.status, r.body)
			}
			if r := e.post(path+"?lang="+lang, fullForm(e.q), nil); r.status != http.StatusConflict {
				t.Fatalf("a form sent through the link: %d", r.status)
			}
		}
		body, err := json.Marshal(map[string]any{"submission_key": survey.NewID(), "answers": map[string]any{}})
		must(t, err)
		if r := e.postJSON("/api/v1/surveys/"+e.link.Code+"/responses", string(body), nil); r.status != http.StatusConflict ||
			!strings.Contains(r.body, `"mode_codes_only"`) {
			t.Fatalf("JSON through the link: %d %s", r.status, r.body)
		}
		if r := e.get("/api/v1/surveys/"+e.link.Code, nil); !strings.Contains(r.body, `"status":"codes_only"`) || !strings.Contains(r.body, `"accepting":false`) {
			t.Fatalf("the JSON survey of the link: %s", r.body)
		}
		if n := e.responses(); n != 0 {
			t.Fatalf("%d responses through a codes-only link", n)
		}
		// A personal code answers, and the page says how the pulse is answered.
		codes, err := e.store.CreateCodes(ctx, e.pulse.ID, e.dept.ID, 1)
		must(t, err)
		r := e.post("/c?lang=en", url.Values{"code": {codes[0]}}, nil)
		if r.status != http.StatusOK || text(parseHTML(t, r.body).byID("answer-mode")) != i18n.T("en", "mode_survey", i18n.T("en", "mode_codes")) {
			t.Fatalf("a code of a codes-only pulse: %d", r.status)
		}
		f := fullForm(e.q)
		f.Set("token", codes[0])
		if r := e.post("/i?lang=en", f, nil); r.status != http.StatusSeeOther {
			t.Fatalf("answer with the code: %d", r.status)
		}
		if n := e.responses(); n != 1 {
			t.Fatalf("%d responses, want 1", n)
		}
	})
}

func TestOpenLinksPulseRefusesCodesAndInvitations(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newModeEnv(t, dsn, survey.ModeOpenLinks)
		codes, err := e.store.CreateCodes(ctx, e.pulse.ID, e.dept.ID, 1)
		must(t, err)
		tokens, err := e.store.CreateInvitations(ctx, e.pulse.ID, e.dept.ID, 1)
		must(t, err)
		for _, lang := range i18n.Languages {
			withCode, withToken := fullForm(e.q), fullForm(e.q)
			withCode.Set("token", codes[0])
			withToken.Set("token", tokens[0])
			for name, r := range map[string]reply{
				"typed code":       e.post("/c?lang="+lang, url.Values{"code": {codes[0]}}, nil),
				"scanned code":     e.get("/c/"+survey.FormatCode(codes[0])+"?lang="+lang, nil),
				"invitation page":  e.get("/i/"+tokens[0]+"?lang="+lang, nil),
				"form with a code": e.post("/i?lang="+lang, withCode, nil),
				"invitation form":  e.post("/i?lang="+lang, withToken, nil),
			} {
				if r.status != http.StatusConflict || text(parseHTML(t, r.body).one(tag("h1"), "h1")) != i18n.T(lang, "mode_links_only_title") {
					t.Fatalf("%s (%s): %d\n%s", name, lang, r.status, r.body)
				}
			}
		}
		if n := e.responses(); n != 0 {
			t.Fatalf("%d responses with codes of an open-links pulse", n)
		}
		r := e.get("/s/"+e.link.Code+"?lang=nl", nil)
		if r.status != http.StatusOK || text(parseHTML(t, r.body).byID("answer-mode")) != i18n.T("nl", "mode_survey", i18n.T("nl", "mode_open_links")) {
			t.Fatalf("the link of an open-links pulse: %d", r.status)
		}
		if r := e.post("/s/"+e.link.Code, fullForm(e.q), nil); r.status != http.StatusSeeOther {
			t.Fatalf("answer through the link: %d", r.status)
		}
	})
}

func TestPulseFormAndAPIFixTheAnswerMode(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newConsoleEnv(t, dsn, server.Config{})
		b := e.browser()
		b.login("admin@example.org")
		csrf := b.csrf("/pulses")
		before, err := e.store.Pulses(ctx)
		must(t, err)

		form := parseHTML(t, b.get("/pulses?lang=en").body)
		radios := form.all(tag("input", "name", "answer_mode"))
		var checked []string
		for _, r := range radios {
			if hasAttr(r, "checked") {
				checked = append(checked, attr(r, "value"))
			}
		}
		if len(radios) != 3 || len(checked) != 1 || checked[0] != "both" {
			t.Fatalf("the form offers %d modes, checked %v; want 3, both", len(radios), checked)
		}
		for _, bad := range []string{"paper", "CODES", "both "} {
			r := b.post("/pulses?lang=en", url.Values{"_csrf": {csrf}, "name": {"Paper"}, "questionnaire": {"pulse"}, "answer_mode": {bad}})
			if r.status != http.StatusBadRequest || text(parseHTML(t, r.body).byID("mode-error")) != i18n.T("en", "pulses_err_mode") {
				t.Fatalf("mode %q: %d", bad, r.status)
			}
		}
		id := pulseIDFrom(t, b.post("/pulses", url.Values{"_csrf": {csrf}, "name": {"Care pulse"}, "questionnaire": {"pulse"}, "answer_mode": {"codes"}}))
		if p := e.pulse(id); p.Mode != survey.ModeCodes {
			t.Fatalf("created with mode %q", p.Mode)
		}
		if got := text(parseHTML(t, b.get("/pulses/"+id+"?lang=en").body).byID("answer-mode")); !strings.Contains(got, i18n.T("en", "mode_codes")) {
			t.Fatalf("pulse page: %q", got)
		}

		token := e.token("admin@example.org")
		code, body := e.api("POST", "/api/v1/pulses", token, `{"name":"Line pulse","questionnaire":"pulse","answer_mode":"open_links"}`)
		if code != http.StatusCreated || !strings.Contains(body, `"answer_mode":"open_links"`) {
			t.Fatalf("API create: %d %s", code, body)
		}
		code, body = e.api("POST", "/api/v1/pulses", token, `{"name":"Bad","questionnaire":"pulse","answer_mode":"paper"}`)
		if code != http.StatusBadRequest || !strings.Contains(body, `"mode":"pulse_mode"`) {
			t.Fatalf("API with a bad mode: %d %s", code, body)
		}
		code, body = e.api("POST", "/api/v1/pulses", token, `{"name":"Default","questionnaire":"pulse"}`)
		if code != http.StatusCreated || !strings.Contains(body, `"answer_mode":"both"`) {
			t.Fatalf("API without a mode: %d %s", code, body)
		}
		after, err := e.store.Pulses(ctx)
		must(t, err)
		if len(after) != len(before)+3 {
			t.Fatalf("%d pulses created, want 3 (refused forms create nothing)", len(after)-len(before))
		}
	})
}

func TestLinksPageOffersWhatTheModeAllows(t *testing.T) {
	e := newLinksEnv(t, storetest.SQLiteDSN(t), server.Config{PublicURL: linksPublicURL})
	csrf := e.admin.csrf("/pulses")
	dept := e.demo.Departments[0].Department
	open := func(mode survey.AnswerMode) survey.Pulse {
		p, err := e.store.CreatePulse(ctx, survey.Pulse{Name: "Mode " + string(mode), QuestionnaireID: "pulse", QuestionnaireVersion: 1, Mode: mode})
		must(t, err)
		p, err = e.store.OpenPulse(ctx, p.ID)
		must(t, err)
		return p
	}
	codes := open(survey.ModeCodes)
	d := parseHTML(t, e.admin.get(e.linksPath(codes.ID)+"?lang=en").body)
	if d.has(tag("code", "class~", "link-url")) || d.has(tag("a", "class~", "poster-nl")) || !d.has(tag("form", "class~", "links-codes")) ||
		text(d.byID("links-mode-note")) != i18n.T("en", "links_mode_codes") || text(d.byID("links-mode")) != i18n.T("en", "mode_codes") {
		t.Fatal("the links page of a codes-only pulse shows links, or no codes form")
	}
	if p := e.admin.get(e.deptPath(codes.ID, dept.ID, "poster.pdf?lang=nl")); p.status != http.StatusConflict ||
		!strings.Contains(text(parseHTML(t, p.body).byID("links-error")), i18n.T("en", "links_error_mode_codes")) {
		t.Fatalf("a poster of a codes-only pulse: %d", p.status)
	}
	if p := e.admin.get(e.deptPath(codes.ID, dept.ID, "qr.png")); p.status != http.StatusConflict {
		t.Fatalf("a QR code of a codes-only pulse: %d", p.status)
	}

	links := open(survey.ModeOpenLinks)
	d = parseHTML(t, e.admin.get(e.linksPath(links.ID)+"?lang=en").body)
	if !d.has(tag("code", "class~", "link-url")) || d.has(tag("form", "class~", "links-codes")) || d.has(tag("form", "class~", "links-invite")) {
		t.Fatal("the links page of an open-links pulse lacks links, or offers codes")
	}
	for _, what := range []string{"codes", "invitations"} {
		if p := e.admin.post(e.deptPath(links.ID, dept.ID, what), url.Values{"_csrf": {csrf}, "count": {"3"}}); p.status != http.StatusConflict {
			t.Fatalf("%s of an open-links pulse: %d", what, p.status)
		}
	}
	if n := e.invitations(t); n != 0 {
		t.Fatalf("%d invitations or codes made for an open-links pulse", n)
	}
}

// The board, a department's page and every recorded decision say how the
// pulse was answered; so do the API's decisions.
func TestBoardAndDecisionsShowTheAnswerMode(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	viewer := e.browser()
	viewer.login("viewer@example.org")
	want := i18n.T("en", "mode_label") + ": " + i18n.T("en", "mode_both")
	if got := text(parseHTML(t, viewer.get("/board?lang=en").body).byID("board-mode")); got != want {
		t.Fatalf("board: %q, want %q", got, want)
	}
	dept := e.demo.Departments[0].Department
	path := "/board/departments/" + dept.ID
	form := url.Values{"pulse": {e.demo.Baseline.ID}, "choice": {"go"}, "note": {"Pilot."}, "_csrf": {viewer.csrf(path)}}
	if p := viewer.post(path+"/decisions", form); p.status != http.StatusSeeOther {
		t.Fatalf("record: %d", p.status)
	}
	d := parseHTML(t, viewer.get(path+"?pulse="+e.demo.Baseline.ID+"&lang=en").body)
	if got := text(d.byID("department-mode")); got != want {
		t.Fatalf("department page: %q", got)
	}
	if got := d.all(tag("span", "class~", "decision-mode")); len(got) != 1 || text(got[0]) != want {
		t.Fatalf("decision log: %d modes", len(got))
	}
	code, body := e.api("GET", "/api/v1/pulses/"+e.demo.Baseline.ID+"/decisions", e.token("viewer@example.org"), "")
	if code != http.StatusOK || !strings.Contains(body, `"answer_mode":"both"`) {
		t.Fatalf("API decisions: %d %s", code, body)
	}
}
