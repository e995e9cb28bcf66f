package cli

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"trots/accounts"
	"trots/survey"
	"trots/survey/storetest"
)

func runUserCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"user"}, args...), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func mustAuthenticate(t *testing.T, dsn, email, password string) accounts.User {
	t.Helper()
	s := storetest.Open(t, dsn)
	defer s.Close()
	u, err := accounts.New(s).Authenticate(context.Background(), email, password, "127.0.0.1")
	if err != nil {
		t.Fatalf("log in as %s: %v", email, err)
	}
	return u
}

var generatedPassword = regexp.MustCompile(`Password \(shown only now; keep it somewhere safe\): (\S{20})\n`)

func TestUserAddListDisable(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		st := storetest.Open(t, dsn)
		d := storetest.MustDepartment(t, st, "Klantcontact", 20)
		st.Close()

		code, out, errOut := runUserCmd(t, "list", "--db", dsn)
		if code != 0 || !strings.Contains(out, "trots user add --email you@example.org --role admin") {
			t.Fatalf("list of none: %d %q %q", code, out, errOut)
		}

		// A generated password is printed once and works.
		t.Setenv("TROTS_PASSWORD", "")
		code, out, errOut = runUserCmd(t, "add", "--db", dsn, "--email", "HR@example.org", "--role", "admin")
		m := generatedPassword.FindStringSubmatch(out)
		if code != 0 || m == nil {
			t.Fatalf("add admin: %d %q %q", code, out, errOut)
		}
		mustAuthenticate(t, dsn, "hr@example.org", m[1])

		// From the environment; a lead by department name.
		t.Setenv("TROTS_PASSWORD", "a long enough secret")
		code, out, errOut = runUserCmd(t, "add", "--db", dsn, "--email", "lead@example.org", "--role", "lead", "--department", "klantcontact")
		if code != 0 || strings.Contains(out, "Password") {
			t.Fatalf("add lead: %d %q %q", code, out, errOut)
		}
		if u := mustAuthenticate(t, dsn, "lead@example.org", "a long enough secret"); u.DepartmentID != d.ID {
			t.Fatalf("lead = %+v", u)
		}

		// From stdin.
		var stdout, stderr bytes.Buffer
		if err := runUserAdd(context.Background(), []string{"--db", dsn, "--email", "board@example.org", "--role", "viewer", "--password-stdin"},
			strings.NewReader("from standard input\n"), &stdout, &stderr); err != nil {
			t.Fatalf("add from stdin: %v %s", err, stderr.String())
		}
		mustAuthenticate(t, dsn, "board@example.org", "from standard input")

		for _, bad := range [][]string{
			{"add", "--db", dsn, "--email", "x@example.org", "--role", "lead"},
			{"add", "--db", dsn, "--email", "x@example.org", "--role", "lead", "--department", "Nowhere"},
			{"add", "--db", dsn, "--email", "x@example.org", "--role", "root"},
			{"add", "--db", dsn, "--email", "hr@example.org", "--role", "admin"},
		} {
			if code, _, _ := runUserCmd(t, bad...); code != 1 {
				t.Errorf("%v: exit %d, want 1", bad, code)
			}
		}
		if code, _, _ := runUserCmd(t, "add", "--db", dsn, "--role", "admin"); code != 2 {
			t.Errorf("add without --email: exit %d, want 2", code)
		}
		if code, _, _ := runUserCmd(t, "frobnicate"); code != 2 {
			t.Errorf("unknown subcommand: exit %d, want 2", code)
		}

		code, out, _ = runUserCmd(t, "token", "--db", dsn, "--email", "lead@example.org", "--name", "power-bi")
		token := regexp.MustCompile(`(?m)^(trots_\S{43})$`).FindString(out)
		if code != 0 || token == "" {
			t.Fatalf("token: %d %q", code, out)
		}
		st = storetest.Open(t, dsn)
		if u, err := accounts.New(st).UserByAPIToken(context.Background(), token); err != nil || u.Email != "lead@example.org" {
			t.Fatalf("token user: %+v, %v", u, err)
		}
		st.Close()
		code, out, _ = runUserCmd(t, "disable", "--db", dsn, "--email", "Lead@example.org")
		if code != 0 {
			t.Fatalf("disable: %d %q", code, out)
		}
		st = storetest.Open(t, dsn)
		if _, err := accounts.New(st).UserByAPIToken(context.Background(), token); survey.ErrorCode(err) != survey.EUnauthorized {
			t.Fatalf("token of a disabled account: %v", err)
		}
		st.Close()
		code, out, _ = runUserCmd(t, "list", "--db", dsn)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if code != 0 || len(lines) != 4 || !strings.Contains(lines[3], "lead@example.org") || !strings.Contains(lines[3], "Klantcontact") ||
			!strings.Contains(lines[3], "disabled") || !strings.Contains(lines[1], "active") {
			t.Fatalf("list: %d\n%s", code, out)
		}
	})
}

func TestDemoPrintsAWorkingLoginOnce(t *testing.T) {
	dsn := storetest.SQLiteDSN(t)
	code, out, errOut := runDemoCmd(t, "--db", dsn)
	m := regexp.MustCompile(`e-mail:\s+(\S+)\n\s+password:\s+(\S+)`).FindStringSubmatch(out)
	if code != 0 || m == nil || !strings.Contains(out, "/login") {
		t.Fatalf("demo: %d %q %q", code, out, errOut)
	}
	if u := mustAuthenticate(t, dsn, m[1], m[2]); u.Role != accounts.RoleAdmin {
		t.Fatalf("demo account = %+v", u)
	}
}

// API tokens are listed by name and revoked by name, on both engines: a
// revoked token is refused at once, the account's other tokens go on.
func TestUserTokensListAndRevoke(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		if code, _, errOut := runUserCmd(t, "add", "--db", dsn, "--email", "bi@example.org", "--role", "viewer"); code != 0 {
			t.Fatalf("add: %d %s", code, errOut)
		}
		token := func(name string) string {
			t.Helper()
			code, out, errOut := runUserCmd(t, "token", "--db", dsn, "--email", "bi@example.org", "--name", name)
			tok := regexp.MustCompile(accounts.APITokenPrefix + `\S+`).FindString(out)
			if code != 0 || tok == "" {
				t.Fatalf("token %s: %d %q %q", name, code, out, errOut)
			}
			return tok
		}
		leaked, kept := token("power-bi"), token("excel")
		code, out, _ := runUserCmd(t, "tokens", "--db", dsn, "--email", "BI@example.org")
		if code != 0 || !strings.Contains(out, "power-bi") || !strings.Contains(out, "excel") || strings.Contains(out, accounts.APITokenPrefix) {
			t.Fatalf("tokens: %d %q", code, out)
		}
		if code, out, errOut := runUserCmd(t, "revoke", "--db", dsn, "--email", "bi@example.org", "--name", "power-bi"); code != 0 || !strings.Contains(out, "1 API token") {
			t.Fatalf("revoke: %d %q %q", code, out, errOut)
		}
		st := storetest.Open(t, dsn)
		if _, err := accounts.New(st).UserByAPIToken(context.Background(), leaked); survey.ErrorCode(err) != survey.EUnauthorized {
			t.Errorf("the revoked token: %v, want unauthorized", err)
		}
		if u, err := accounts.New(st).UserByAPIToken(context.Background(), kept); err != nil || u.Email != "bi@example.org" {
			t.Errorf("the other token: %+v, %v", u, err)
		}
		st.Close()
		if code, _, errOut := runUserCmd(t, "revoke", "--db", dsn, "--email", "bi@example.org", "--name", "power-bi"); code != 1 || !strings.Contains(errOut, "power-bi") {
			t.Errorf("revoking it again: %d %q, want 1 and the name", code, errOut)
		}
		if code, _, _ := runUserCmd(t, "tokens", "--db", dsn); code != 2 {
			t.Errorf("tokens without --email: %d, want 2", code)
		}
	})
}
