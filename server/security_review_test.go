package server_test

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"trots/accounts"
	"trots/server"
	"trots/survey"
	"trots/survey/storetest"
)

// Drafts are admin business: the console shows them on the admin's pulse
// pages only, and the API lists them to administrators only.
func TestAPIListsDraftsToAdministratorsOnly(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	draft, err := e.store.CreatePulse(ctx, survey.Pulse{Name: "Reorganisatie 2027", QuestionnaireID: "pulse", QuestionnaireVersion: 1})
	must(t, err)
	for email, want := range map[string]bool{"admin@example.org": true, "viewer@example.org": false, "lead@example.org": false} {
		status, body := e.api(http.MethodGet, "/api/v1/pulses", e.token(email), "")
		var list []struct{ ID, Name string }
		if status != http.StatusOK || json.Unmarshal([]byte(body), &list) != nil || len(list) == 0 {
			t.Fatalf("%s: GET /api/v1/pulses: %d %.200s", email, status, body)
		}
		got := strings.Contains(body, draft.ID) || strings.Contains(body, draft.Name)
		if got != want {
			t.Errorf("%s: draft listed %v, want %v", email, got, want)
		}
	}
}

// A language switch link followed from another site shows the page in
// that language but does not change what the account remembers; followed
// on this site, it does.
func TestLanguageSwitchFromAnotherSiteIsNotRemembered(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	b := e.browser()
	b.login("viewer@example.org")
	lang := func() string {
		t.Helper()
		u, err := accounts.New(e.store).UserByEmail(ctx, "viewer@example.org")
		must(t, err)
		return u.Lang
	}
	before := lang()
	visit := func(site, to string) string {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/board?lang="+to, nil)
		req.Header.Set("Sec-Fetch-Site", site)
		resp, err := b.c.Do(req)
		must(t, err)
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return string(body)
	}
	other := "en"
	if before == "en" {
		other = "nl"
	}
	if body := visit("cross-site", other); !strings.Contains(body, `<html lang="`+other+`"`) {
		t.Errorf("the page from another site's link is not in %s", other)
	}
	if got := lang(); got != before {
		t.Errorf("a link from another site changed the remembered language from %q to %q", before, got)
	}
	visit("same-origin", other)
	if got := lang(); got != other {
		t.Errorf("the switch on this site: remembered %q, want %q", got, other)
	}
}

// A page not found at an address that starts with two slashes offers no
// language link to another host ("//evil.example/x" is another site to a
// browser).
func TestNotFoundPageLinksStayOnThisSite(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	for _, path := range []string{"//evil.example/trots", "/%5Cevil.example/trots", "/board//evil.example"} {
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
		resp, err := http.DefaultClient.Do(req)
		must(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(body), `href="//`) || strings.Contains(string(body), `href="/\`) {
			t.Errorf("%s: %d, a link off the site: %.300s", path, resp.StatusCode, body)
		}
	}
}

// Behind a trusted reverse proxy each client keeps its own address: one
// person's failed logins lock the account for that address only. Without
// the setting, X-Forwarded-For is not believed (anyone could send it).
func TestTrustedProxyKeepsClientsApartForLoginLimits(t *testing.T) {
	proxies, err := server.ParseTrustedProxies("127.0.0.1, ::1")
	must(t, err)
	login := func(e *consoleEnv, client, password string) int {
		t.Helper()
		form := url.Values{"email": {"admin@example.org"}, "password": {password}}
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", client)
		resp, err := e.browser().c.Do(req)
		must(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, tc := range []struct {
		name    string
		proxies []*net.IPNet
		want    int // the right password from another client after the failures
	}{
		{"trusted proxy", proxies, http.StatusSeeOther},
		{"no trusted proxy", nil, http.StatusTooManyRequests},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{TrustedProxies: tc.proxies})
			for range accounts.LoginFreeFailures {
				if s := login(e, "203.0.113.7", "wrong password!"); s != http.StatusUnauthorized {
					t.Fatalf("failed login: %d", s)
				}
			}
			if s := login(e, "198.51.100.9", testPassword); s != tc.want {
				t.Errorf("the right password from another client: %d, want %d", s, tc.want)
			}
		})
	}
	for _, bad := range []string{"10.0.0.300", "10.0.0.0/33", "proxy.example"} {
		if _, err := server.ParseTrustedProxies(bad); err == nil {
			t.Errorf("%q accepted as a proxy", bad)
		}
	}
}

// The promise/reality topics are named in the page's language on a
// department's page, in the table and in the verdict's reasons - never by
// their ids in the questionnaire file.
func TestDepartmentPageNamesTopicsInItsLanguage(t *testing.T) {
	e := newConsoleEnv(t, storetest.SQLiteDSN(t), server.Config{})
	b := e.browser()
	b.login("viewer@example.org")
	named, barriers := 0, 0
	for _, s := range e.demo.Departments {
		if s.Responses < 5 {
			continue
		}
		body := b.get("/board/departments/" + s.Department.ID + "?lang=nl&pulse=" + e.demo.Baseline.ID).body
		for _, id := range []string{"innovation", "autonomy", "balance", "development"} {
			if strings.Contains(body, ">"+id+"<") || strings.Contains(body, "Op "+id+" ") {
				t.Errorf("%s: topic id %q on the Dutch page", s.Department.Name, id)
			}
		}
		if strings.Contains(body, "Vernieuwing") {
			named++
		}
		if strings.Contains(body, "Drempels (hoger = meer drempels)") {
			barriers++
		} else if strings.Contains(body, ">Drempels<") {
			t.Errorf("%s: the barriers theme without saying that higher is worse", s.Department.Name)
		}
	}
	if named == 0 || barriers == 0 {
		t.Fatalf("pages naming Vernieuwing: %d, with the barriers theme: %d; the test proves nothing", named, barriers)
	}
}
