package server_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"trots/server"
	"trots/survey/storetest"
)

func TestReadyzFollowsTheDatabase(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		st := storetest.Open(t, dsn)
		var logs bytes.Buffer
		srv := httptest.NewServer(server.New(server.Config{}, slog.New(slog.NewTextHandler(&logs, nil)), st).Handler())
		defer srv.Close()
		if code := get(t, srv.URL+"/readyz"); code != http.StatusOK {
			t.Fatalf("readyz with database = %d", code)
		}
		st.Close()
		if code := get(t, srv.URL+"/readyz"); code != http.StatusServiceUnavailable {
			t.Fatalf("readyz without database = %d, want 503", code)
		}
		if code := get(t, srv.URL+"/healthz"); code != http.StatusOK {
			t.Fatalf("healthz = %d; it must not depend on the database", code)
		}
		// Request logs name the route, never the client.
		if !strings.Contains(logs.String(), "route=/readyz") || strings.Contains(logs.String(), "127.0.0.1") {
			t.Fatalf("request log: %s", logs.String())
		}
	})
}

func TestBodyLimitAndUnknownRoute(t *testing.T) {
	st := storetest.Open(t, storetest.SQLiteDSN(t))
	srv := httptest.NewServer(server.New(server.Config{BodyLimit: "1K"}, slog.New(slog.DiscardHandler), st).Handler())
	defer srv.Close()
	res, err := http.Post(srv.URL+"/healthz", "text/plain", strings.NewReader(strings.Repeat("x", 4096)))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized body = %d, want 413", res.StatusCode)
	}
	if code := get(t, srv.URL+"/nope"); code != http.StatusNotFound {
		t.Fatalf("unknown route = %d", code)
	}
}

func get(t *testing.T, url string) int {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}
