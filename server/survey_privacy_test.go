package server_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"trots/server"
	"trots/survey"
)

// Nothing that identifies a respondent reaches a log line or the database:
// not the address, not the user agent, not the survey code or invitation
// token (they would tie a log line to a department or a person).
func TestNoAddressOrUserAgentInLogsOrDatabase(t *testing.T) {
	const (
		agent     = "TrotsPrivacyProbe/7.3 (Pixel 9; unique-agent-5521)"
		forwarded = "203.0.113.77"
	)
	dsn := filepath.Join(t.TempDir(), "privacy.db")
	e := newSurveyEnv(t, dsn, "advocacy-readiness", server.Config{})
	tokens, err := e.store.CreateInvitations(ctx, e.pulse.ID, e.dept.ID, 1)
	must(t, err)
	h := map[string]string{"User-Agent": agent, "X-Forwarded-For": forwarded, "X-Real-IP": forwarded, "Forwarded": "for=" + forwarded}

	// Every survey route, the good and the refused paths.
	e.get("/s/"+e.link.Code, h)
	bad := fullForm(e.q)
	bad.Del("a.enps")
	e.post("/s/"+e.link.Code, bad, h)
	if r := e.post("/s/"+e.link.Code, fullForm(e.q), h); r.status != http.StatusSeeOther {
		t.Fatalf("form: %d", r.status)
	}
	e.get("/s/"+e.link.Code+"/thanks", h)
	e.get("/i/"+tokens[0], h)
	inv := fullForm(e.q)
	inv.Set("token", tokens[0])
	if r := e.post("/i", inv, h); r.status != http.StatusSeeOther {
		t.Fatalf("invitation: %d", r.status)
	}
	e.get("/i/"+tokens[0], h)
	e.get("/api/v1/surveys/"+e.link.Code, h)
	if r := e.postJSON("/api/v1/surveys/"+e.link.Code+"/responses", apiBody(t, survey.NewID(), apiAnswers(e.q)), h); r.status != http.StatusCreated {
		t.Fatalf("api: %d", r.status)
	}
	e.get("/s/"+survey.NewID(), h)
	e.post("/s/"+e.link.Code, fullForm(e.q), map[string]string{"User-Agent": agent, "X-Forwarded-For": forwarded, "Sec-Fetch-Site": "cross-site"})
	if n := e.responses(); n != 3 {
		t.Fatalf("%d responses, want 3", n)
	}

	logs := e.logs.String()
	if !strings.Contains(logs, "route=/s/:code") || !strings.Contains(logs, "route=/i/:token") {
		t.Fatalf("the request log does not name the routes:\n%s", logs)
	}
	for what, secret := range map[string]string{
		"user agent":        agent,
		"unique agent part": "unique-agent-5521",
		"forwarded address": forwarded,
		"client address":    "127.0.0.1",
		"survey code":       e.link.Code,
		"invitation token":  tokens[0],
	} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log holds the %s:\n%s", what, logs)
		}
	}

	// The database files, with their write-ahead log, byte for byte.
	e.store.Close()
	files, err := filepath.Glob(dsn + "*")
	must(t, err)
	if len(files) == 0 {
		t.Fatal("no database files")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		must(t, err)
		for what, secret := range map[string]string{"user agent": "unique-agent-5521", "forwarded address": forwarded, "client address": "127.0.0.1", "invitation token": tokens[0]} {
			if strings.Contains(string(b), secret) {
				t.Errorf("%s holds the %s", filepath.Base(f), what)
			}
		}
	}
}
