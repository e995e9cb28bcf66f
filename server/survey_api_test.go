package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"trots/questionnaires"
	"trots/server"
	"trots/server/i18n"
	"trots/survey"
	"trots/survey/storetest"
)

// apiAnswers answers every item of q as the JSON API takes them.
func apiAnswers(q *questionnaires.Questionnaire) map[string]any {
	out := map[string]any{}
	for i, it := range q.Items {
		switch it.Scale.Type {
		case questionnaires.Likert, questionnaires.NPS:
			lo, hi := it.Scale.Points()
			out[it.ID] = lo + i%(hi-lo+1)
		case questionnaires.Choice:
			if it.Scale.Multiple {
				out[it.ID] = []string{it.Scale.Options[0].ID}
			} else {
				out[it.ID] = it.Scale.Options[0].ID
			}
		case questionnaires.FreeText:
			out[it.ID] = "mail me at jan@example.nl"
		}
	}
	return out
}

func apiBody(t *testing.T, key string, answers map[string]any, extra ...string) string {
	t.Helper()
	m := map[string]any{"submission_key": key, "answers": answers}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	b, err := json.Marshal(m)
	must(t, err)
	return string(b)
}

type apiErrorBody struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

func decodeAPIError(t *testing.T, r reply) apiErrorBody {
	t.Helper()
	var b apiErrorBody
	if err := json.Unmarshal([]byte(r.body), &b); err != nil {
		t.Fatalf("error body %q: %v", r.body, err)
	}
	return b
}

func TestAPISubmit(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newSurveyEnv(t, dsn, "advocacy-readiness", server.Config{})
		url := "/api/v1/surveys/" + e.link.Code + "/responses"
		key := survey.NewID()
		body := apiBody(t, key, apiAnswers(e.q))

		r := e.postJSON(url, body, nil)
		if r.status != http.StatusCreated || strings.TrimSpace(r.body) != `{"status":"stored"}` {
			t.Fatalf("submit: %d %s", r.status, r.body)
		}
		r = e.postJSON(url, body, nil)
		if r.status != http.StatusOK || strings.TrimSpace(r.body) != `{"status":"stored","replay":true}` {
			t.Fatalf("replay: %d %s", r.status, r.body)
		}
		if n := e.responses(); n != 1 {
			t.Fatalf("%d responses, want 1", n)
		}
		comments, err := e.store.Comments(ctx, e.pulse.ID)
		must(t, err)
		if len(comments) != 1 || strings.Contains(comments[0].Body, "@") {
			t.Fatalf("comments %+v: want one, scrubbed", comments)
		}

		likert := firstItem(t, e.q, questionnaires.Likert)
		nps := firstItem(t, e.q, questionnaires.NPS)
		with := func(change func(a map[string]any)) map[string]any {
			a := apiAnswers(e.q)
			change(a)
			return a
		}
		for _, tc := range []struct {
			name        string
			contentType string
			body        string
			header      map[string]string
			status      int
			code        string
			fields      map[string]string
		}{
			{name: "missing and out of range", body: apiBody(t, survey.NewID(), with(func(a map[string]any) { delete(a, likert.ID); a[nps.ID] = 11 })),
				status: 422, code: "answers_invalid", fields: map[string]string{nps.ID: survey.AnswerOutOfRange}},
			{name: "don't know on a choice", body: apiBody(t, survey.NewID(), with(func(a map[string]any) { a["profile"] = survey.DontKnow })),
				status: 422, code: "answers_invalid", fields: map[string]string{"profile": survey.AnswerUnknownOption}},
			{name: "unknown item", body: apiBody(t, survey.NewID(), with(func(a map[string]any) { a["salary_secret"] = 5 })),
				status: 422, code: "answers_invalid", fields: map[string]string{"salary_secret": survey.AnswerUnknownItem}},
			{name: "wrong type", body: apiBody(t, survey.NewID(), with(func(a map[string]any) { a[likert.ID] = true })),
				status: 422, code: "answers_invalid", fields: map[string]string{likert.ID: survey.AnswerWrongType}},
			{name: "no key", body: apiBody(t, "", apiAnswers(e.q)), status: 422, code: "submission_key"},
			{name: "unknown token", body: apiBody(t, survey.NewID(), apiAnswers(e.q), "token", survey.NewID()), status: 404, code: "token_unknown"},
			{name: "not JSON", body: "answers=1", status: 400, code: "bad_request"},
			{name: "unknown top-level field", body: `{"submission_key":"` + survey.NewID() + `","answers":{},"ip":"1.2.3.4"}`, status: 400, code: "bad_request"},
			{name: "trailing data", body: apiBody(t, survey.NewID(), apiAnswers(e.q)) + "{}", status: 400, code: "bad_request"},
			{name: "form content type", contentType: "application/x-www-form-urlencoded", body: body, status: 415, code: "unsupported_media_type"},
			{name: "too large", body: apiBody(t, survey.NewID(), with(func(a map[string]any) { a["x"] = strings.Repeat("x", 70<<10) })), status: 413, code: "too_large"},
			{name: "over the server's limit", body: apiBody(t, survey.NewID(), with(func(a map[string]any) { a["x"] = strings.Repeat("x", 2<<20) })), status: 413, code: "too_large"},
			{name: "cross-origin browser", body: apiBody(t, survey.NewID(), apiAnswers(e.q)), header: map[string]string{"Sec-Fetch-Site": "cross-site"}, status: 403, code: "cross_origin"},
		} {
			for _, lang := range i18n.Languages {
				t.Run(tc.name+"/"+lang, func(t *testing.T) {
					before := e.responses()
					h := map[string]string{"Accept-Language": lang}
					if tc.contentType != "" {
						h["Content-Type"] = tc.contentType
					}
					for k, v := range tc.header {
						h[k] = v
					}
					r := e.postJSON(url, tc.body, h)
					if r.status != tc.status {
						t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
					}
					b := decodeAPIError(t, r)
					if b.Error.Code != tc.code || b.Error.Message != i18n.T(lang, tc.code) {
						t.Fatalf("error %+v, want code %s in %s", b.Error, tc.code, lang)
					}
					if tc.fields != nil && fmt.Sprint(b.Error.Fields) != fmt.Sprint(tc.fields) {
						t.Fatalf("fields %v, want %v", b.Error.Fields, tc.fields)
					}
					if n := e.responses(); n != before {
						t.Fatalf("responses %d -> %d", before, n)
					}
				})
			}
		}

		if r := e.postJSON("/api/v1/surveys/"+survey.NewID()+"/responses", body, nil); r.status != 404 || decodeAPIError(t, r).Error.Code != "link_unknown" {
			t.Fatalf("unknown link: %d %s", r.status, r.body)
		}
		// Invitation tokens work through the API too, once.
		tokens, err := e.store.CreateInvitations(ctx, e.pulse.ID, e.dept.ID, 1)
		must(t, err)
		if r := e.postJSON(url, apiBody(t, survey.NewID(), apiAnswers(e.q), "token", tokens[0]), nil); r.status != http.StatusCreated {
			t.Fatalf("with token: %d %s", r.status, r.body)
		}
		if r := e.postJSON(url, apiBody(t, survey.NewID(), apiAnswers(e.q), "token", tokens[0]), nil); r.status != http.StatusConflict || decodeAPIError(t, r).Error.Code != "token_used" {
			t.Fatalf("used token: %d %s", r.status, r.body)
		}
		must(t, e.store.ClosePulse(ctx, e.pulse.ID))
		if r := e.postJSON(url, apiBody(t, survey.NewID(), apiAnswers(e.q)), nil); r.status != http.StatusConflict || decodeAPIError(t, r).Error.Code != "pulse_closed" {
			t.Fatalf("closed pulse: %d %s", r.status, r.body)
		}
		if n := e.responses(); n != 2 {
			t.Fatalf("%d responses, want 2", n)
		}
	})
}

func TestAPISurvey(t *testing.T) {
	e := newSurveyEnv(t, storetest.SQLiteDSN(t), "advocacy-readiness", server.Config{})
	for _, lang := range i18n.Languages {
		r := e.get("/api/v1/surveys/"+e.link.Code+"?lang="+lang, nil)
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d", lang, r.status)
		}
		var doc struct {
			Language      string `json:"language"`
			Title         string `json:"title"`
			Department    string `json:"department"`
			Accepting     bool   `json:"accepting"`
			SubmissionKey string `json:"submission_key"`
			Submit        string `json:"submit"`
			Thresholds    struct {
				MinGroup    int `json:"min_group"`
				MinComments int `json:"min_comments"`
			} `json:"thresholds"`
			Sections []struct {
				Name  string `json:"name"`
				Items []struct {
					ID       string   `json:"id"`
					Text     string   `json:"text"`
					Type     string   `json:"type"`
					Required bool     `json:"required"`
					Labels   []string `json:"labels"`
					Min      *int     `json:"min"`
					Max      *int     `json:"max"`
				} `json:"items"`
			} `json:"sections"`
		}
		must(t, json.Unmarshal([]byte(r.body), &doc))
		if doc.Language != lang || doc.Title != e.q.Title.Get(lang) || doc.Department != e.dept.Name || !doc.Accepting {
			t.Fatalf("%s: %+v", lang, doc)
		}
		if doc.Thresholds.MinGroup != e.pulse.MinGroup || doc.Thresholds.MinComments != e.pulse.MinComments {
			t.Fatalf("thresholds %+v", doc.Thresholds)
		}
		if !survey.ValidID(doc.SubmissionKey) || doc.Submit != "/api/v1/surveys/"+e.link.Code+"/responses" {
			t.Fatalf("key %q submit %q", doc.SubmissionKey, doc.Submit)
		}
		n := 0
		for _, s := range doc.Sections {
			for _, it := range s.Items {
				n++
				qi, ok := e.q.Item(it.ID)
				if !ok || it.Text != qi.Text.Get(lang) || it.Type != string(qi.Scale.Type) || it.Required != qi.Required {
					t.Fatalf("item %+v", it)
				}
				if qi.Scale.Numeric() && (it.Min == nil || it.Max == nil) {
					t.Fatalf("item %s without range", it.ID)
				}
			}
		}
		if n != len(e.q.Items) {
			t.Fatalf("%d items, want %d", n, len(e.q.Items))
		}
	}
	if r := e.get("/api/v1/surveys/"+survey.NewID(), nil); r.status != 404 || decodeAPIError(t, r).Error.Code != "link_unknown" {
		t.Fatalf("unknown: %d %s", r.status, r.body)
	}
	must(t, e.store.ClosePulse(ctx, e.pulse.ID))
	r := e.get("/api/v1/surveys/"+e.link.Code, nil)
	if r.status != 200 || !strings.Contains(r.body, `"status":"closed"`) || !strings.Contains(r.body, `"accepting":false`) {
		t.Fatalf("closed: %d %s", r.status, r.body)
	}
}

func TestOpenAPIDocument(t *testing.T) {
	e := newSurveyEnv(t, storetest.SQLiteDSN(t), "pulse", server.Config{})
	r := e.get("/api/openapi.json", nil)
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("%d %q", r.status, r.header.Get("Content-Type"))
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
		Comps   struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	must(t, json.Unmarshal([]byte(r.body), &doc))
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	for path, method := range map[string]string{
		"/api/v1/surveys/{code}":           "get",
		"/api/v1/surveys/{code}/responses": "post",
		"/api/openapi.json":                "get",
	} {
		if _, ok := doc.Paths[path][method]; !ok {
			t.Errorf("no %s %s in the document", method, path)
		}
	}
	// Every $ref points at something that exists.
	for _, ref := range refsIn(r.body) {
		name, ok := strings.CutPrefix(ref, "#/components/schemas/")
		if ok {
			if _, found := doc.Comps.Schemas[name]; !found {
				t.Errorf("dangling $ref %s", ref)
			}
		}
	}
	// The error codes the API uses are documented.
	for _, code := range []string{"answers_invalid", "link_unknown", "token_used", "pulse_closed", "too_large", survey.AnswerMissing, survey.AnswerWrongType} {
		if !strings.Contains(r.body, `"`+code+`"`) {
			t.Errorf("code %s is not documented", code)
		}
	}
}

func refsIn(s string) []string {
	var out []string
	for {
		i := strings.Index(s, `"$ref": "`)
		if i < 0 {
			return out
		}
		s = s[i+len(`"$ref": "`):]
		j := strings.IndexByte(s, '"')
		out = append(out, s[:j])
		s = s[j:]
	}
}
