package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"trots/accounts"
	"trots/server"
	"trots/survey"
	"trots/survey/storetest"
)

func (e *consoleEnv) api(method, path, token, body string) (int, string) {
	e.t.Helper()
	contentType := ""
	if body != "" {
		contentType = "application/json"
	}
	return e.apiSend(method, path, token, contentType, "", body)
}

// apiSend sends body to the API with, when given, a bearer token, a
// content type and an Accept-Language; it returns status and answer.
func (e *consoleEnv) apiSend(method, path, token, contentType, lang, body string) (int, string) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (e *consoleEnv) token(email string) string {
	e.t.Helper()
	tok, err := accounts.New(e.store).NewAPIToken(ctx, email, "test")
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

type apiResultsDoc struct {
	MinGroup    int `json:"min_group"`
	Departments []struct {
		DepartmentID string          `json:"department_id"`
		Name         string          `json:"name"`
		Verdict      string          `json:"verdict"`
		Suppressed   bool            `json:"suppressed"`
		N            *int            `json:"n"`
		Figures      json.RawMessage `json:"figures"`
		Gap          json.RawMessage `json:"gap"`
		Decision     *struct {
			Choice    string `json:"choice"`
			DecidedBy string `json:"decided_by"`
		} `json:"decision"`
	} `json:"departments"`
}

func TestAPIResultsAndDecisions(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		e := newConsoleEnv(t, dsn, server.Config{})
		viewer, lead := e.token("viewer@example.org"), e.token("lead@example.org")
		pulse := "/api/v1/pulses/" + e.demo.Baseline.ID

		// A browser session does not open the API: only a token does.
		b := e.browser()
		b.login("viewer@example.org")
		if p := b.get(pulse + "/results"); p.status != http.StatusUnauthorized || p.header.Get("WWW-Authenticate") == "" {
			t.Fatalf("API with a session cookie: %d", p.status)
		}
		if code, body := e.api("GET", pulse+"/results", "trots_not-a-token", ""); code != http.StatusUnauthorized ||
			!strings.Contains(body, `"code":"api_unauthorized"`) {
			t.Fatalf("bad token: %d %s", code, body)
		}

		code, body := e.api("GET", pulse+"/results", viewer, "")
		var doc apiResultsDoc
		if code != http.StatusOK || json.Unmarshal([]byte(body), &doc) != nil {
			t.Fatalf("results: %d %s", code, body)
		}
		out := e.outcome()
		if len(doc.Departments) != len(out.Result.Departments) || doc.MinGroup != 5 {
			t.Fatalf("%d departments, k %d", len(doc.Departments), doc.MinGroup)
		}
		for i, g := range out.Result.Departments {
			d := doc.Departments[i]
			if d.Name != g.Name || d.Suppressed != g.Suppressed {
				t.Fatalf("department %d: %+v vs %s", i, d, g.Name)
			}
			if g.Suppressed && (d.N != nil || d.Figures != nil || d.Gap != nil || d.Verdict != "NOT_MEASURABLE") {
				t.Errorf("%s (suppressed) carries figures: %+v", g.Name, d)
			}
			if !g.Suppressed && (d.N == nil || *d.N != g.N || d.Verdict != string(g.Decision)) {
				t.Errorf("%s: %+v", g.Name, d)
			}
		}

		// Decisions: a lead may not record one; a viewer may.
		dept := e.lead.ID
		req := `{"department_id":"` + dept + `","choice":"no_go","note":"Fix the onboarding first."}`
		if code, _ := e.api("POST", pulse+"/decisions", lead, req); code != http.StatusForbidden {
			t.Fatalf("lead records a decision: %d", code)
		}
		if code, body := e.api("POST", pulse+"/decisions", viewer, `{"department_id":"`+dept+`","choice":"no_go","note":""}`); code != http.StatusBadRequest ||
			!strings.Contains(body, `"code":"decision_note_missing"`) {
			t.Fatalf("no note: %d %s", code, body)
		}
		if code, _ := e.api("POST", pulse+"/decisions", viewer, `{"department_id":"`+dept+`","choice":"go","note":"x","extra":1}`); code != http.StatusBadRequest {
			t.Fatalf("unknown field: %d", code)
		}
		if code, body := e.api("POST", pulse+"/decisions", viewer, req); code != http.StatusCreated || !strings.Contains(body, `"decided_by":"viewer@example.org"`) {
			t.Fatalf("record: %d %s", code, body)
		}

		// The lead sees the own department only, with the decision.
		code, body = e.api("GET", pulse+"/results", lead, "")
		doc = apiResultsDoc{}
		if code != http.StatusOK || json.Unmarshal([]byte(body), &doc) != nil || len(doc.Departments) != 1 ||
			doc.Departments[0].DepartmentID != dept || doc.Departments[0].Decision == nil || doc.Departments[0].Decision.Choice != "no_go" {
			t.Fatalf("lead's results: %d %s", code, body)
		}
		for path, want := range map[string]int{"/api/v1/departments": 1, pulse + "/decisions": 1} {
			code, body := e.api("GET", path, lead, "")
			var list []json.RawMessage
			if code != http.StatusOK || json.Unmarshal([]byte(body), &list) != nil || len(list) != want {
				t.Errorf("lead %s: %d %s", path, code, body)
			}
		}
		code, body = e.api("GET", "/api/v1/departments", viewer, "")
		var deps []json.RawMessage
		if code != http.StatusOK || json.Unmarshal([]byte(body), &deps) != nil || len(deps) != len(e.demo.Departments) {
			t.Errorf("viewer's departments: %d %s", code, body)
		}
		if code, body := e.api("GET", "/api/v1/pulses", viewer, ""); code != http.StatusOK || !strings.Contains(body, e.demo.Baseline.ID) {
			t.Errorf("pulses: %d %s", code, body)
		}
		if code, _ := e.api("GET", "/api/v1/pulses/"+survey.NewID()+"/results", viewer, ""); code != http.StatusNotFound {
			t.Errorf("unknown pulse: %d", code)
		}

		// Disabling the account ends its tokens.
		if err := accounts.New(e.store).DisableUser(ctx, "viewer@example.org"); err != nil {
			t.Fatal(err)
		}
		if code, _ := e.api("GET", "/api/v1/pulses", viewer, ""); code != http.StatusUnauthorized {
			t.Fatalf("token of a disabled account: %d", code)
		}
	})
}
