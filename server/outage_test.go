package server_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"trots/accounts"
	"trots/questionnaires"
	"trots/server"
	"trots/server/i18n"
	"trots/survey"
	"trots/survey/storetest"
)

// During a database outage every route answered 500. It is now 503 with
// Retry-After, in each route's own form: a page for respondents and the
// console, JSON for the APIs and probes. SQLite: the store closed under
// the server. PostgreSQL: a server of the test's own, stopped mid-test.
func TestDatabaseOutageAnswers503(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		st, err := survey.Open(ctx, storetest.SQLiteDSN(t), survey.Options{})
		must(t, err)
		checkOutage(t, st, func() { st.Close() })
	})
	t.Run("postgres", func(t *testing.T) {
		dir := filepath.Join(os.TempDir(), "trots-pg-outage-"+survey.NewID()[:10])
		script := filepath.Join("..", ".ci", "postgres")
		out, err := exec.Command(script, "start", dir).Output()
		if err != nil {
			t.Fatalf("start PostgreSQL: %v", err)
		}
		stop := func() { exec.Command(script, "stop", dir).Run() }
		t.Cleanup(stop)
		st, err := survey.Open(ctx, strings.TrimSpace(string(out)), survey.Options{})
		must(t, err)
		t.Cleanup(func() { st.Close() })
		checkOutage(t, st, stop)
	})
}

// checkOutage sets up a survey and a console account on st, calls outage,
// and checks that every kind of route answers 503 with Retry-After.
func checkOutage(t *testing.T, st *survey.Store, outage func()) {
	q, err := questionnaires.Load("pulse")
	must(t, err)
	dept := storetest.MustDepartment(t, st, "Klantcontact", 25)
	pulse := storetest.MustOpenPulse(t, st, q.ID, q.Version)
	link := mustLink(t, st, pulse.ID, dept.ID)
	_, err = accounts.New(st).CreateUser(ctx, accounts.User{Email: "admin@example.org", Role: accounts.RoleAdmin}, testPassword)
	must(t, err)
	token, err := accounts.New(st).NewAPIToken(ctx, "admin@example.org", "test")
	must(t, err)
	srv := server.New(server.Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)), st, accounts.New(st))
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	t.Cleanup(srv.Close)
	e := &consoleEnv{t: t, store: st, srv: ts}
	b := e.browser()
	b.login("admin@example.org")

	outage()

	form := strings.NewReader(fullForm(q).Encode())
	for _, c := range []struct {
		name, method, path, ctype, body string
		json                            bool
		session                         bool
	}{
		{name: "survey page", method: "GET", path: "/s/" + link.Code + "?lang=en"},
		{name: "survey form post", method: "POST", path: "/s/" + link.Code + "?lang=en", ctype: "application/x-www-form-urlencoded"},
		{name: "survey API", method: "GET", path: "/api/v1/surveys/" + link.Code + "?lang=en", json: true},
		{name: "survey API post", method: "POST", path: "/api/v1/surveys/" + link.Code + "/responses?lang=en", ctype: "application/json",
			body: `{"answers":{}}`, json: true},
		{name: "console API", method: "GET", path: "/api/v1/pulses?lang=en", json: true},
		{name: "console page", method: "GET", path: "/board?lang=en", session: true},
		{name: "readiness", method: "GET", path: "/readyz"},
	} {
		var body io.Reader = strings.NewReader(c.body)
		if c.name == "survey form post" {
			body = form
		}
		req, err := http.NewRequest(c.method, ts.URL+c.path, body)
		must(t, err)
		if c.ctype != "" {
			req.Header.Set("Content-Type", c.ctype)
		}
		req.Header.Set("Accept-Language", "en")
		client := http.DefaultClient
		if c.session {
			client = b.c
		} else if strings.HasPrefix(c.path, "/api/v1/pulses") {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := client.Do(req)
		must(t, err)
		got, _ := io.ReadAll(res.Body)
		res.Body.Close()
		ra, _ := strconv.Atoi(res.Header.Get("Retry-After"))
		if res.StatusCode != http.StatusServiceUnavailable || ra < 1 {
			t.Errorf("%s during the outage: %d (Retry-After %q) %.300s", c.name, res.StatusCode, res.Header.Get("Retry-After"), got)
			continue
		}
		if c.json {
			var doc apiErrorBody
			if err := json.Unmarshal(got, &doc); err != nil || doc.Error.Code != survey.KeyUnavailable || doc.Error.Message != i18n.T("en", survey.KeyUnavailable) {
				t.Errorf("%s during the outage: %s", c.name, got)
			}
		} else if c.path != "/readyz" && !strings.Contains(string(got), i18n.T("en", "unavailable_title")) {
			t.Errorf("%s during the outage: the page does not say the database is unavailable: %.500s", c.name, got)
		}
	}
}
