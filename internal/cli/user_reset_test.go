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

var accountLinkLine = regexp.MustCompile(`(https?://\S+)/account/([A-Za-z0-9_-]{43})\n`)

// useLink chooses password through the one-time link printed in out.
func useLink(t *testing.T, dsn, out, email, password string) {
	t.Helper()
	m := accountLinkLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no one-time link in %q", out)
	}
	st := storetest.Open(t, dsn)
	defer st.Close()
	if _, err := accounts.New(st).UseAccountLink(context.Background(), m[2], email, password); err != nil {
		t.Fatalf("use the printed link: %v", err)
	}
}

// trots user reset prints a link with which the owner chooses a new
// password; the change is in the audit log; an unknown address is refused.
func TestUserResetPrintsAOneTimeLink(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		t.Setenv("TROTS_PASSWORD", "the first long password")
		if code, out, errOut := runUserCmd(t, "add", "--db", dsn, "--email", "v@example.org", "--role", "viewer"); code != 0 {
			t.Fatalf("add: %d %q %q", code, out, errOut)
		}
		code, out, errOut := runUserCmd(t, "reset", "--db", dsn, "--email", "V@example.org", "--base-url", "https://trots.example.org/")
		if code != 0 || !strings.Contains(out, "https://trots.example.org/account/") {
			t.Fatalf("reset: %d %q %q", code, out, errOut)
		}
		useLink(t, dsn, out, "", "a brand new passphrase here")
		mustAuthenticate(t, dsn, "v@example.org", "a brand new passphrase here")
		st := storetest.Open(t, dsn)
		entries, err := st.ListAudit(context.Background(), survey.AuditFilter{Action: "user.reset"})
		st.Close()
		if err != nil || len(entries) != 1 || !strings.HasPrefix(entries[0].Actor, "cli:") || entries[0].Object != "account v@example.org" {
			t.Fatalf("audit = %+v, %v", entries, err)
		}
		if code, out, errOut := runUserCmd(t, "reset", "--db", dsn, "--email", "nobody@example.org"); code == 0 || !strings.Contains(errOut, "no account nobody@example.org") {
			t.Fatalf("reset of nobody: %d %q %q", code, out, errOut)
		}
	})
}

// With no account, serve prints a setup link for the first administrator;
// once there is one, it prints none.
func TestServePrintsASetupLinkWhileThereIsNoAccount(t *testing.T) {
	dsn := storetest.SQLiteDSN(t)
	st := storetest.Open(t, dsn)
	defer st.Close()
	ctx := context.Background()
	var out bytes.Buffer
	if err := printSetupLink(ctx, st, &out, "", "127.0.0.1:8080"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "http://127.0.0.1:8080/account/") {
		t.Fatalf("setup link: %q", out.String())
	}
	m := accountLinkLine.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no link in %q", out.String())
	}
	u, err := accounts.New(st).UseAccountLink(ctx, m[2], "hr@example.org", "the person who runs trots here")
	if err != nil || u.Role != accounts.RoleAdmin {
		t.Fatalf("setup: %+v, %v", u, err)
	}
	out.Reset()
	if err := printSetupLink(ctx, st, &out, "https://trots.example.org", "127.0.0.1:8080"); err != nil || out.Len() != 0 {
		t.Fatalf("with an account: %q, %v", out.String(), err)
	}
}

// make run starts the demo again on the demo database: it says how to sign
// in, with a link to choose a new password, every time.
func TestDemoAgainShowsTheLogin(t *testing.T) {
	dsn := storetest.SQLiteDSN(t)
	if code, out, errOut := runDemoCmd(t, "--db", dsn); code != 0 {
		t.Fatalf("demo: %d %q %q", code, out, errOut)
	}
	for range 2 {
		code, out, errOut := runDemoCmd(t, "--db", dsn, "--if-empty", "--base-url", "http://127.0.0.1:8080")
		if code != 0 || !strings.Contains(out, "e-mail:   "+demoAdminEmail) || !strings.Contains(out, "http://127.0.0.1:8080/login") {
			t.Fatalf("demo again: %d %q %q", code, out, errOut)
		}
		useLink(t, dsn, out, "", "the demo passphrase again")
		mustAuthenticate(t, dsn, demoAdminEmail, "the demo passphrase again")
	}
}

// trots user token --read-only makes a token of the read scope.
func TestUserTokenReadOnly(t *testing.T) {
	dsn := storetest.SQLiteDSN(t)
	t.Setenv("TROTS_PASSWORD", "the first long password")
	if code, out, errOut := runUserCmd(t, "add", "--db", dsn, "--email", "v@example.org", "--role", "viewer"); code != 0 {
		t.Fatalf("add: %d %q %q", code, out, errOut)
	}
	code, out, errOut := runUserCmd(t, "token", "--db", dsn, "--email", "v@example.org", "--name", "dashboard", "--read-only")
	token := regexp.MustCompile(`trots_\S+`).FindString(out)
	if code != 0 || token == "" {
		t.Fatalf("token: %d %q %q", code, out, errOut)
	}
	st := storetest.Open(t, dsn)
	defer st.Close()
	if _, scope, err := accounts.New(st).APITokenAccess(context.Background(), token); err != nil || scope != accounts.ScopeRead {
		t.Fatalf("scope %q, %v", scope, err)
	}
}
