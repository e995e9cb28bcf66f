package cli

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"trots/accounts"
	"trots/survey"
	"trots/survey/storetest"
)

// Two `trots serve` processes on one PostgreSQL database behave as one
// service: started at the same moment on an empty database they migrate it
// once; an invitation sprayed at both at once is used exactly once (every
// other attempt gets 409); submissions to either are all stored, once; the
// same submission sent to both is stored once and answered as a replay by
// the other.
func TestTwoInstancesOnOnePostgres(t *testing.T) {
	// Every request of this test comes from one address (loopback), which
	// the survey's limits allow half a link's budget: this test is about
	// two instances, not about those limits (server/ratelimit_test.go).
	t.Setenv("TROTS_SURVEY_RATE", "100000")
	t.Setenv("TROTS_SURVEY_BURST", "100000")
	dsn := storetest.PostgresDSN(t)
	a, b := launchTrots(t, dsn), launchTrots(t, dsn)
	a.waitListening()
	b.waitListening()
	db := openAudit(t, dsn)
	checkMigratedOnce(t, db)

	ctx := context.Background()
	st, err := survey.Open(ctx, dsn, survey.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dept := storetest.MustDepartment(t, st, "Klantcontact", 400)
	pulse := storetest.MustOpenPulse(t, st, "advocacy-readiness", currentVersion(t, "advocacy-readiness"))
	links, err := st.Links(ctx, pulse.ID)
	if err != nil || len(links) != 1 {
		t.Fatalf("links %v, %v", links, err)
	}
	link := links[0]
	tokens, err := st.CreateInvitations(ctx, pulse.ID, dept.ID, 40)
	if err != nil {
		t.Fatal(err)
	}
	const email, password = "hr@example.org", "a long enough test password"
	if _, err := accounts.New(st).CreateUser(ctx, accounts.User{Email: email, Role: accounts.RoleAdmin}, password); err != nil {
		t.Fatal(err)
	}
	st.Close()
	r := newRespondent(t, 64)
	both := []*trotsProcess{a, b}
	stored := func() int {
		return db.count(t, "SELECT COUNT(*) FROM responses WHERE pulse_id = $1", pulse.ID)
	}

	t.Run("invitations are single-use across instances", func(t *testing.T) {
		const tries = 4 // per token: two at each instance, each its own form
		status := make([][]int, len(tokens))
		var wg sync.WaitGroup
		for i, tok := range tokens {
			status[i] = make([]int, tries)
			for k := range tries {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, code, err := r.submitForm(both[k%2].url, link, tok, i*tries+k)
					if err != nil {
						t.Error(err)
					}
					status[i][k] = code
				}()
			}
		}
		wg.Wait()
		for i, codes := range status {
			used, refused := 0, 0
			for _, c := range codes {
				switch c {
				case http.StatusSeeOther:
					used++
				case http.StatusConflict:
					refused++
				}
			}
			if used != 1 || refused != tries-1 {
				t.Errorf("token %d: statuses %v; want one 303 and %d times 409", i, codes, tries-1)
			}
		}
		if n := db.count(t, "SELECT COUNT(*) FROM invitations WHERE pulse_id = $1 AND used", pulse.ID); n != len(tokens) {
			t.Errorf("%d invitations used, want %d", n, len(tokens))
		}
		if n := stored(); n != len(tokens) {
			t.Errorf("%d responses stored for %d invitations", n, len(tokens))
		}
	})

	t.Run("submissions to either instance are stored once", func(t *testing.T) {
		before := stored()
		const workers, each = 16, 25
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					if _, code, err := r.submitAPI(both[(w+i)%2].url, link, w*each+i, ""); err != nil || code != http.StatusCreated {
						t.Errorf("status %d, %v", code, err)
					}
				}
			}()
		}
		wg.Wait()
		if n := stored() - before; n != workers*each {
			t.Errorf("%d responses stored for %d acknowledged", n, workers*each)
		}
	})

	t.Run("a replay at the other instance stores nothing", func(t *testing.T) {
		before := stored()
		const keys, tries = 40, 4
		status := make([][]int, keys)
		var wg sync.WaitGroup
		for i := range keys {
			key := survey.NewID()
			status[i] = make([]int, tries)
			for k := range tries {
				wg.Add(1)
				go func() {
					defer wg.Done()
					// The same form (same answers, same key) twice at each instance.
					_, code, err := r.submitAPI(both[k%2].url, link, i, key)
					if err != nil {
						t.Error(err)
					}
					status[i][k] = code
				}()
			}
		}
		wg.Wait()
		for i, codes := range status {
			created, replays := 0, 0
			for _, c := range codes {
				switch c {
				case http.StatusCreated:
					created++
				case http.StatusOK:
					replays++
				}
			}
			if created != 1 || replays != tries-1 {
				t.Errorf("key %d: statuses %v; want one 201 and %d times 200 (replay)", i, codes, tries-1)
			}
		}
		if n := stored() - before; n != keys {
			t.Errorf("%d responses stored for %d keys", n, keys)
		}
	})

	t.Run("a session works at either instance and ends at both", func(t *testing.T) {
		jar, _ := cookiejar.New(nil) // cookies ignore the port: both instances see it
		c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		get := func(base, path string) (int, string) {
			t.Helper()
			resp, err := c.Get(base + path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(body)
		}
		post := func(base, path string, form url.Values) int {
			t.Helper()
			resp, err := c.PostForm(base+path, form)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		if code := post(a.url, "/login", url.Values{"email": {email}, "password": {password}}); code != http.StatusSeeOther {
			t.Fatalf("login at the first instance: %d", code)
		}
		code, body := get(b.url, "/board")
		if code != http.StatusOK || !strings.Contains(body, email) {
			t.Fatalf("board at the second instance with the first one's session: %d", code)
		}
		csrf := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(body)
		if csrf == nil {
			t.Fatal("no CSRF token on the board")
		}
		old := sessionToken(jar, a.url)
		if old == "" {
			t.Fatal("no session cookie after login")
		}
		// The CSRF token of one instance is good at the other: it is
		// derived from the session, not kept in a process.
		if code := post(b.url, "/logout", url.Values{"_csrf": {csrf[1]}}); code != http.StatusSeeOther {
			t.Fatalf("logout at the second instance: %d", code)
		}
		// Even a browser that kept the old cookie is logged out at the
		// first instance: the session ended in the database.
		jar.SetCookies(mustURL(t, a.url), []*http.Cookie{{Name: "trots_session", Value: old, Path: "/"}})
		if code, _ := get(a.url, "/board"); code != http.StatusSeeOther {
			t.Errorf("board at the first instance after logging out at the second: %d, want 303 to the login", code)
		}
	})

	t.Run("the login back-off counts failures at both instances", func(t *testing.T) {
		// Failures at alternating instances add up: the second instance
		// does not start counting from zero.
		locked := -1
		for i := range 4 * accounts.LoginFreeFailures {
			resp, err := http.PostForm(both[i%2].url+"/login", url.Values{"email": {email}, "password": {"wrong password " + strconv.Itoa(i)}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusTooManyRequests {
				locked = i
				break
			}
		}
		// Counted per instance, neither would lock before it saw
		// LoginFreeFailures failures itself, i.e. twice as many in all.
		if locked < 0 || locked > accounts.LoginFreeFailures {
			t.Errorf("back-off after %d failed logins spread over two instances; want it after %d", locked, accounts.LoginFreeFailures)
		}
	})

	for _, p := range both {
		if t.Failed() {
			t.Logf("stderr of one instance:\n%s", p.stderr.String())
		}
		if code := p.stop(); code != 0 {
			t.Errorf("exit %d after SIGTERM; stderr:\n%s", code, p.stderr.String())
		}
	}
}

// Eight stores opening one empty PostgreSQL database at once migrate it
// once: the migration lock makes the others wait and find it done.
func TestSimultaneousStartMigratesOnce(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := survey.Open(context.Background(), dsn, survey.Options{})
			if err != nil {
				t.Error(err)
				return
			}
			st.Close()
		}()
	}
	wg.Wait()
	checkMigratedOnce(t, openAudit(t, dsn))
}

// checkMigratedOnce asserts one schema_migrations row per version, with no
// gap, up to the version this binary ships.
func checkMigratedOnce(t *testing.T, db auditDB) {
	t.Helper()
	var rows, versions, highest int
	if err := db.QueryRow("SELECT COUNT(*), COUNT(DISTINCT version), COALESCE(MAX(version), 0) FROM schema_migrations").
		Scan(&rows, &versions, &highest); err != nil {
		t.Fatal(err)
	}
	// What this binary ships: the version of a database it creates.
	st, err := survey.Open(context.Background(), filepath.Join(t.TempDir(), "shipped.db"), survey.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	shipped, err := st.SchemaVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rows != versions || versions != highest || highest != shipped || shipped == 0 {
		t.Fatalf("schema_migrations: %d rows, %d versions, highest %d; want one row for each of 1..%d", rows, versions, highest, shipped)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// sessionToken is the value of the session cookie jar holds for base.
func sessionToken(jar http.CookieJar, base string) string {
	u, _ := url.Parse(base)
	for _, c := range jar.Cookies(u) {
		if c.Name == "trots_session" {
			return c.Value
		}
	}
	return ""
}
