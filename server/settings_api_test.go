package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"trots/server"
	"trots/survey"
	"trots/survey/storetest"
)

// GET and PUT /api/v1/settings with an admin's token: a PUT changes the
// settings it names and audits each (marked as through the API); a wrong
// one changes nothing and names every refused setting, in the request's
// language.
func TestSettingsAPI(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	tok := e.token("admin@example.org")
	call := func(method, body, lang string) (int, map[string]any) {
		t.Helper()
		req, err := http.NewRequest(method, e.srv.URL+"/api/v1/settings", strings.NewReader(body))
		must(t, err)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept-Language", lang)
		resp, err := http.DefaultClient.Do(req)
		must(t, err)
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var doc map[string]any
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("%s: %s", method, raw)
		}
		return resp.StatusCode, doc
	}
	status, doc := call(http.MethodGet, "", "en")
	if status != http.StatusOK || doc["k"] != float64(5) || doc["lawful_basis"] != "legitimate_interest" || doc["retention_months"] != float64(12) {
		t.Fatalf("get: %d %v", status, doc)
	}
	status, doc = call(http.MethodPut, `{"k": 7, "comment_k": "14", "dpo_contact": "fg@oost.example", "lead_comments": true}`, "en")
	if status != http.StatusOK || doc["k"] != float64(7) || doc["comment_k"] != float64(14) || doc["lead_comments"] != true {
		t.Fatalf("put: %d %v", status, doc)
	}
	log, err := e.store.ListAudit(ctx, survey.AuditFilter{Action: "settings.change"})
	must(t, err)
	if len(log) != 4 || !strings.HasSuffix(log[0].Detail, "(API)") {
		t.Fatalf("audit: %+v", log)
	}
	before, err := e.store.Settings(ctx)
	must(t, err)
	status, doc = call(http.MethodPut, `{"k": 4, "colour": "red", "lead_comments": [1], "organisation": "Oost"}`, "nl")
	errDoc, _ := doc["error"].(map[string]any)
	fields, _ := errDoc["fields"].(map[string]any)
	if status != http.StatusUnprocessableEntity || errDoc["code"] != "settings_invalid" || fields["k"] != "settings_min_group" ||
		fields["colour"] != "settings_unknown" || fields["lead_comments"] != "settings_api_value" || len(fields) != 3 ||
		!strings.Contains(errDoc["message"].(string), "minstens 5") {
		t.Fatalf("refused put: %d %v", status, doc)
	}
	if after, _ := e.store.Settings(ctx); !after.Equal(before) {
		t.Fatalf("a refused put changed the settings: %+v", after)
	}
}
