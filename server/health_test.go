package server_test

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx", to switch the database to read-only

	"trots/accounts"
	"trots/server"
	"trots/survey/storetest"
)

func TestReadyzFollowsTheDatabase(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		st := storetest.Open(t, dsn)
		var logs bytes.Buffer
		srv := httptest.NewServer(server.New(server.Config{}, slog.New(slog.NewTextHandler(&logs, nil)), st, accounts.New(st)).Handler())
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
	srv := httptest.NewServer(server.New(server.Config{BodyLimit: "1K"}, slog.New(slog.DiscardHandler), st, accounts.New(st)).Handler())
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

// readyClock is a clock the test moves while the server reads it.
type readyClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *readyClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *readyClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Finding "/readyz says ready on a database that cannot be written": it
// only pinged. Now it proves a write, at most once a second however often
// it is polled, and answers 503 when the database (here a PostgreSQL
// switched to read-only) refuses writes.
func TestReadyzProvesTheDatabaseTakesAWrite(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	st := storetest.Open(t, dsn)
	clock := &readyClock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	srv := httptest.NewServer(server.New(server.Config{Now: clock.Now}, slog.New(slog.DiscardHandler), st, accounts.New(st)).Handler())
	defer srv.Close()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	probes := func() int {
		var n int
		if err := admin.QueryRow("SELECT counter FROM write_probe").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	before := probes()
	for range 10 {
		if code := get(t, srv.URL+"/readyz"); code != http.StatusOK {
			t.Fatalf("readyz = %d", code)
		}
	}
	if n := probes() - before; n != 1 {
		t.Fatalf("10 polls within a second wrote %d times, want 1", n)
	}

	// The database turns read-only: new sessions refuse writes, and the
	// store's sessions are ended so that it gets new ones.
	db := strings.TrimPrefix(mustParseURL(t, dsn).Path, "/")
	if _, err := admin.Exec("ALTER DATABASE " + db + " SET default_transaction_read_only = on"); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", db); err != nil {
		t.Fatal(err)
	}
	drainDeadConnections(t, st)
	if code := get(t, srv.URL+"/readyz"); code != http.StatusOK {
		t.Fatalf("readyz within the second of the last probe = %d; want the remembered 200", code)
	}
	clock.add(2 * time.Second)
	res, err := http.Get(srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "not writable") {
		t.Fatalf("readyz on a read-only database = %d %s, want 503 not writable", res.StatusCode, body)
	}
	if err := st.ProbeWrite(context.Background()); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("probe on a read-only database: %v", err)
	}

	// Back to normal: ready again once the next probe runs.
	if _, err := admin.Exec("ALTER DATABASE " + db + " SET default_transaction_read_only = off"); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", db); err != nil {
		t.Fatal(err)
	}
	drainDeadConnections(t, st)
	clock.add(2 * time.Second)
	if code := get(t, srv.URL+"/readyz"); code != http.StatusOK {
		t.Fatalf("readyz after the database is writable again = %d", code)
	}
}

// drainDeadConnections pings until the store's pool has let go of the
// connections PostgreSQL ended (each fails once, then is replaced).
func drainDeadConnections(t *testing.T, st interface{ Ping(context.Context) error }) {
	t.Helper()
	ok := 0
	for i := 0; i < 100 && ok < 20; i++ {
		if st.Ping(context.Background()) == nil {
			ok++
		}
	}
	if ok < 20 {
		t.Fatal("the store does not reconnect")
	}
}

func mustParseURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
