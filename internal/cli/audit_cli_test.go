package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"trots/survey"
	"trots/survey/storetest"
)

// Every change `trots user` makes is in the audit log under cli:<os user>,
// and the access review sees last sign-in, token expiry and last use.
func TestUserCommandsAreAuditedAndReviewable(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		t.Setenv("TROTS_PASSWORD", "a long enough secret")
		t.Setenv("SUDO_USER", "jdevries")
		steps := [][]string{
			{"add", "--db", dsn, "--email", "or@example.org", "--role", "council"},
			{"token", "--db", dsn, "--email", "or@example.org", "--name", "export", "--expires", "30d"},
			{"tokens", "--db", dsn, "--email", "or@example.org"},
			{"revoke", "--db", dsn, "--email", "or@example.org", "--name", "export"},
			{"disable", "--db", dsn, "--email", "or@example.org"},
		}
		outs := make([]string, len(steps))
		for i, args := range steps {
			code, out, errOut := runUserCmd(t, args...)
			if code != 0 {
				t.Fatalf("user %s: %d %q %q", args[0], code, out, errOut)
			}
			outs[i] = out
		}
		if !strings.Contains(outs[1], "valid for 30 days until "+time.Now().AddDate(0, 0, 30).UTC().Format("2006-01-02")) {
			t.Errorf("token output: %q", outs[1])
		}
		if !strings.Contains(outs[2], "EXPIRES (UTC)") || !strings.Contains(outs[2], "LAST USED") || !strings.Contains(outs[2], "never") {
			t.Errorf("tokens output: %q", outs[2])
		}
		if code, _, errOut := runUserCmd(t, "token", "--db", dsn, "--email", "x@example.org", "--name", "n", "--expires", "400d"); code == 0 || !strings.Contains(errOut, "366d") {
			t.Errorf("a 400-day token: %d %q", code, errOut)
		}
		st := storetest.Open(t, dsn)
		log, err := st.ListAudit(context.Background(), survey.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for i := len(log) - 1; i >= 0; i-- {
			e := log[i]
			if e.Actor != "cli:jdevries" || !strings.Contains(e.Object, "or@example.org") {
				t.Errorf("entry %+v: want actor cli:jdevries on the account", e)
			}
			if strings.Contains(e.Detail, "trots_") || strings.Contains(e.Detail, "a long enough secret") {
				t.Errorf("a secret in the log: %+v", e)
			}
			got = append(got, e.Action)
		}
		if strings.Join(got, " ") != "user.add token.create token.revoke user.disable" {
			t.Errorf("actions %v", got)
		}
		if d := log[2].Detail; !strings.Contains(d, `"export"`) || !strings.Contains(d, "30 days") {
			t.Errorf("token.create detail %q", d)
		}
		st.Close()

		// The access review: the last sign-in per account.
		if code, _, errOut := runUserCmd(t, "add", "--db", dsn, "--email", "hr@example.org", "--role", "admin"); code != 0 {
			t.Fatalf("add: %q", errOut)
		}
		u := mustAuthenticate(t, dsn, "hr@example.org", "a long enough secret")
		_, out, _ := runUserCmd(t, "list", "--db", dsn)
		for _, line := range strings.Split(out, "\n") {
			switch {
			case strings.HasPrefix(line, "hr@example.org"):
				if !strings.HasSuffix(strings.TrimSpace(line), u.LastLogin.Format("2006-01-02 15:04")) {
					t.Errorf("list, hr: %q, want the last sign-in %v", line, u.LastLogin)
				}
			case strings.HasPrefix(line, "or@example.org"):
				if !strings.Contains(line, "council") || !strings.HasSuffix(strings.TrimSpace(line), "never") {
					t.Errorf("list, council: %q", line)
				}
			}
		}
		if !strings.Contains(out, "LAST SIGN-IN") {
			t.Errorf("list: %q", out)
		}
	})
}

// trots retention applies the same period to the audit log, and records
// its run there.
func TestRetentionExpiresTheAuditLog(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		long := time.Now().AddDate(0, -14, 0)
		st, err := survey.Open(ctx, dsn, survey.Options{Now: func() time.Time { return long }})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.AppendAudit(ctx, survey.AuditEntry{Actor: "cli:hr", Action: "user.add", Object: "account old@example.org"}); err != nil {
			t.Fatal(err)
		}
		st.Close()
		st = storetest.Open(t, dsn)
		if err := st.AppendAudit(ctx, survey.AuditEntry{Actor: "cli:hr", Action: "user.add", Object: "account new@example.org"}); err != nil {
			t.Fatal(err)
		}
		st.Close()
		code, out, errOut := runCmd(t, "retention", "--db", dsn, "--months", "12")
		if code != 0 || !strings.Contains(out, "Deleted 1 audit log entries older than 12 months") {
			t.Fatalf("retention: %d %q %q", code, out, errOut)
		}
		st = storetest.Open(t, dsn)
		log, err := st.ListAudit(ctx, survey.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(log) != 2 || log[0].Action != "retention.run" || !strings.Contains(log[0].Detail, "1 audit entries") || log[1].Object != "account new@example.org" {
			t.Fatalf("log after retention: %+v", log)
		}
	})
}
