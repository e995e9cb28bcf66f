package survey_test

import (
	"testing"
	"time"

	"trots/accounts"
	"trots/survey"
	"trots/survey/storetest"
)

func mustAppend(t *testing.T, s *survey.Store, e survey.AuditEntry) {
	t.Helper()
	if err := s.AppendAudit(ctx, e); err != nil {
		t.Fatalf("append %s: %v", e.Action, err)
	}
}

func TestAuditLogAppendsAndFilters(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		clock := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		s, err := survey.Open(ctx, dsn, survey.Options{Now: func() time.Time { return clock }})
		must(t, err)
		defer s.Close()
		mustAppend(t, s, survey.AuditEntry{Actor: "hr@example.org", Action: "department.rename", Object: "department d1 (ICT)", Detail: "name ICT -> IT", Sensitive: true})
		clock = clock.Add(time.Hour)
		mustAppend(t, s, survey.AuditEntry{Actor: "cli:root", Action: "user.add", Object: "account cfo@example.org", Detail: "role viewer\nsecond line"})
		clock = clock.Add(time.Hour)
		mustAppend(t, s, survey.AuditEntry{Actor: "hr@example.org", Action: "department.headcount", Object: "department d1 (IT)", Detail: "headcount 12 -> 4", Sensitive: true})

		all, err := s.ListAudit(ctx, survey.AuditFilter{})
		must(t, err)
		if len(all) != 3 || all[0].Action != "department.headcount" || all[2].Action != "department.rename" {
			t.Fatalf("want newest first, got %+v", all)
		}
		if all[0].ID <= all[1].ID || all[1].ID <= all[2].ID {
			t.Errorf("ids do not grow: %d %d %d", all[2].ID, all[1].ID, all[0].ID)
		}
		if got := all[1]; got.Actor != "cli:root" || got.Detail != "role viewer second line" || !got.At.Equal(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)) || got.Sensitive {
			t.Errorf("entry read back as %+v", got)
		}
		dept, err := s.ListAudit(ctx, survey.AuditFilter{Action: "department"})
		must(t, err)
		if len(dept) != 2 {
			t.Errorf("filter department.*: %d entries, want 2", len(dept))
		}
		exact, err := s.ListAudit(ctx, survey.AuditFilter{Action: "department.rename"})
		must(t, err)
		if len(exact) != 1 || exact[0].Detail != "name ICT -> IT" {
			t.Errorf("filter department.rename: %+v", exact)
		}
		period, err := s.ListAudit(ctx, survey.AuditFilter{From: time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC), To: time.Date(2026, 3, 1, 10, 30, 0, 0, time.UTC)})
		must(t, err)
		if len(period) != 1 || period[0].Action != "user.add" {
			t.Errorf("filter by period: %+v", period)
		}
		sens, err := s.ListAudit(ctx, survey.AuditFilter{SensitiveOnly: true})
		must(t, err)
		if len(sens) != 2 {
			t.Errorf("sensitive only: %d entries, want 2", len(sens))
		}
		page, err := s.ListAudit(ctx, survey.AuditFilter{Limit: 2})
		must(t, err)
		next, err := s.ListAudit(ctx, survey.AuditFilter{Limit: 2, Before: page[1].ID})
		must(t, err)
		if len(page) != 2 || len(next) != 1 || next[0].Action != "department.rename" {
			t.Errorf("pages: %+v then %+v", page, next)
		}
		for _, bad := range []survey.AuditEntry{{Actor: "x", Action: "Rename"}, {Actor: " ", Action: "user.add"}, {Actor: "x", Action: "user"}} {
			if err := s.AppendAudit(ctx, bad); survey.ErrorCode(err) != survey.EInvalid {
				t.Errorf("append %+v: %v, want EInvalid", bad, err)
			}
		}
	})
}

// The log cannot be changed through SQL: UPDATE and DELETE are refused by
// the database itself, except the retention's DELETE of entries before its
// cut-off, and the cut-off cannot be moved into the last 27 days.
func TestAuditLogRefusesUpdateAndDeleteThroughSQL(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		old := time.Now().UTC().AddDate(0, -14, 0)
		clock := old
		s, err := survey.Open(ctx, dsn, survey.Options{Now: func() time.Time { return clock }})
		must(t, err)
		defer s.Close()
		mustAppend(t, s, survey.AuditEntry{Actor: "hr@example.org", Action: "links.download", Object: "pulse p1", Sensitive: true})
		clock = time.Now().UTC()
		mustAppend(t, s, survey.AuditEntry{Actor: "hr@example.org", Action: "department.headcount", Object: "department d1", Detail: "headcount 12 -> 4", Sensitive: true})
		db := survey.WriterDB(s)

		for _, stmt := range []string{
			"UPDATE audit_log SET actor = 'someone else'",
			"UPDATE audit_log SET sensitive = FALSE WHERE action = 'department.headcount'",
			"DELETE FROM audit_log",
			"DELETE FROM audit_log WHERE action = 'department.headcount'",
			"DELETE FROM audit_log WHERE action = 'links.download'", // old, but the cut-off is still 1970
			"DELETE FROM audit_retention",
		} {
			if err := db.Exec(stmt).Error; err == nil {
				t.Errorf("%s: accepted", stmt)
			}
		}
		if s.Dialect() == survey.Postgres {
			for _, stmt := range []string{"TRUNCATE audit_log", "TRUNCATE audit_retention"} {
				if err := db.Exec(stmt).Error; err == nil {
					t.Errorf("%s: accepted", stmt)
				}
			}
		}
		// Moving the cut-off close to now, to then delete recent entries,
		// is refused by the database.
		if err := db.Exec("UPDATE audit_retention SET cutoff = ?", time.Now().UTC().Add(time.Hour)).Error; err == nil {
			t.Error("a cut-off in the future was accepted")
		}
		if _, err := s.ExpireAudit(ctx, time.Now().UTC().AddDate(0, 0, -3)); err == nil {
			t.Error("ExpireAudit 3 days back was accepted")
		}
		left, err := s.ListAudit(ctx, survey.AuditFilter{})
		must(t, err)
		if len(left) != 2 || left[0].Actor != "hr@example.org" || !left[0].Sensitive {
			t.Fatalf("after the refused statements: %+v", left)
		}
		// The retention deletes what is older than its period.
		n, err := s.ExpireAudit(ctx, time.Now().UTC().AddDate(0, -12, 0))
		must(t, err)
		left, err = s.ListAudit(ctx, survey.AuditFilter{})
		must(t, err)
		if n != 1 || len(left) != 1 || left[0].Action != "department.headcount" {
			t.Fatalf("retention deleted %d, left %+v", n, left)
		}
		// Even after it, the recent entry cannot be deleted.
		if err := db.Exec("DELETE FROM audit_log").Error; err == nil {
			t.Error("DELETE after retention accepted")
		}
	})
}

// Migration 6 rebuilds the users table on SQLite (a new role in its CHECK):
// accounts, their sessions, API tokens and decisions survive it, and
// tokens made before it get an expiry.
func TestMigration6KeepsAccountsSessionsAndTokens(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		old, err := survey.OpenAtVersion(ctx, dsn, 5)
		must(t, err)
		db := survey.WriterDB(old)
		now := time.Now().UTC()
		must(t, db.Exec("INSERT INTO users (id, email, password_hash, role, disabled, created_at, lang) VALUES ('u1', 'hr@example.org', 'x', 'admin', FALSE, ?, 'nl')", now).Error)
		must(t, db.Exec("INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at) VALUES ('s1', 'u1', ?, ?, ?)", now, now, now.Add(time.Hour)).Error)
		must(t, db.Exec("INSERT INTO api_tokens (token_hash, user_id, name, created_at) VALUES ('t1', 'u1', 'bi', ?)", now).Error)
		must(t, old.Close())

		s := storetest.Open(t, dsn)
		u, err := accounts.New(s).UserByEmail(ctx, "hr@example.org")
		must(t, err)
		if u.Role != accounts.RoleAdmin || u.Lang != "nl" || !u.LastLogin.IsZero() {
			t.Errorf("account after migration: %+v", u)
		}
		var sessions, fkProblems int64
		must(t, survey.WriterDB(s).Raw("SELECT COUNT(*) FROM sessions WHERE user_id = 'u1'").Scan(&sessions).Error)
		if sessions != 1 {
			t.Errorf("%d sessions after migration, want 1", sessions)
		}
		if s.Dialect() == survey.SQLite {
			rows, err := survey.WriterDB(s).Raw("PRAGMA foreign_key_check").Rows()
			must(t, err)
			for rows.Next() {
				fkProblems++
			}
			rows.Close()
			var fk int
			must(t, survey.WriterDB(s).Raw("PRAGMA foreign_keys").Scan(&fk).Error)
			if fkProblems != 0 || fk != 1 {
				t.Errorf("foreign keys: %d problems, enforcement %d", fkProblems, fk)
			}
		}
		tokens, err := accounts.New(s).APITokens(ctx, "hr@example.org")
		must(t, err)
		if len(tokens) != 1 || tokens[0].Expires.Before(now.AddDate(0, 0, 89)) || tokens[0].Expires.After(now.AddDate(0, 0, 91)) {
			t.Errorf("token after migration: %+v", tokens)
		}
		if _, err := accounts.New(s).CreateUser(ctx, accounts.User{Email: "or@example.org", Role: accounts.RoleCouncil}, "correct horse battery"); err != nil {
			t.Errorf("council account: %v", err)
		}
		// The rebuilt table keeps its rules.
		if err := survey.WriterDB(s).Exec("UPDATE users SET role = 'owner' WHERE id = 'u1'").Error; err == nil {
			t.Error("an unknown role was accepted")
		}
	})
}
