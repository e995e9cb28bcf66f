package survey_test

import (
	"time"

	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"trots/survey"
	"trots/survey/storetest"
)

type storedInvitation struct {
	TokenHash string
	Used      bool
}

// invitationsAsStored reads the invitations table as whoever holds a copy
// of the database sees it, in the order the engine keeps the rows.
func invitationsAsStored(t *testing.T, s *survey.Store) []storedInvitation {
	t.Helper()
	var rows []storedInvitation
	must(t, survey.WriterDB(s).Raw("SELECT token_hash, used FROM invitations").Scan(&rows).Error)
	return rows
}

func sha256Hex(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Finding "Who answered": the invitations table kept an unsalted SHA-256
// of each token with a used flag, so a copy of the database plus the mail
// merge told who answered. Now the stored hash is keyed with a key kept
// outside the database: hashing the tokens of the mail merge matches no
// row, and the rows are not in the order of the mail merge either.
func TestADatabaseCopyAndTheMailMergeDoNotTellWhoAnswered(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		d := storetest.MustDepartment(t, s, "Douane", 40)
		p := storetest.MustOpenPulse(t, s, "pulse", 1)
		mailMerge, err := s.CreateInvitations(ctx, p.ID, d.ID, 50)
		must(t, err)
		link, err := s.LinkByToken(ctx, mailMerge[7])
		must(t, err)
		if _, err := s.Submit(ctx, survey.Submission{Link: link, Key: survey.NewID(), Token: mailMerge[7]}); err != nil {
			t.Fatal(err)
		}

		rows := invitationsAsStored(t, s)
		if len(rows) != 50 {
			t.Fatalf("%d invitations stored, want 50", len(rows))
		}
		stored := map[string]bool{}
		used := 0
		for _, r := range rows {
			stored[r.TokenHash] = r.Used
			if r.Used {
				used++
			}
		}
		if used != 1 {
			t.Fatalf("%d invitations used, want 1", used)
		}
		for i, tok := range mailMerge {
			for _, guess := range []string{sha256Hex(tok), tok, sha256Hex(sha256Hex(tok))} {
				if _, ok := stored[guess]; ok {
					t.Fatalf("line %d of the mail merge is found in the database by hashing its token without the key", i+1)
				}
			}
		}
		// The rows are kept in the order of their keyed hashes, not of the
		// mail merge, so their position says nothing either. (On
		// PostgreSQL the used row's new version lies elsewhere: it is the
		// used one, which its flag says anyway.)
		var hashes []string
		for _, r := range rows {
			if !r.Used {
				hashes = append(hashes, r.TokenHash)
			}
		}
		if !slices.IsSorted(hashes) {
			t.Fatalf("invitations are not kept in the order of their keyed hashes")
		}
		if s.Dialect() == survey.SQLite {
			// No hidden rowid that follows the order of insertion.
			if err := survey.WriterDB(s).Exec("SELECT rowid FROM invitations").Error; err == nil {
				t.Fatal("the invitations table has a rowid")
			}
		}
	})
}

// Closing a pulse deletes its invitations in the same transaction: after
// that, no copy of the database holds a used flag for anyone.
func TestClosingAPulseDeletesItsInvitations(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		d := storetest.MustDepartment(t, s, "Douane", 40)
		p := storetest.MustOpenPulse(t, s, "pulse", 1)
		other := storetest.MustOpenPulse(t, s, "pulse", 1)
		tokens, err := s.CreateInvitations(ctx, p.ID, d.ID, 3)
		must(t, err)
		kept, err := s.CreateInvitations(ctx, other.ID, d.ID, 2)
		must(t, err)
		link, err := s.LinkByToken(ctx, tokens[0])
		must(t, err)
		if _, err := s.Submit(ctx, survey.Submission{Link: link, Key: survey.NewID(), Token: tokens[0]}); err != nil {
			t.Fatal(err)
		}
		must(t, s.ClosePulse(ctx, p.ID))
		if rows := invitationsAsStored(t, s); len(rows) != 2 {
			t.Fatalf("%d invitations left after closing, want the other pulse's 2", len(rows))
		}
		if _, err := s.LinkByToken(ctx, tokens[0]); survey.ErrorKey(err) != "token_unknown" {
			t.Fatalf("a token of a closed pulse: %v", err)
		}
		if _, err := s.LinkByToken(ctx, kept[0]); err != nil {
			t.Fatalf("the open pulse's invitation: %v", err)
		}
	})
}

// The key file is created beside a SQLite database at first start,
// readable by its owner only; a database holding invitations refuses to
// open without it or with another key, naming the file.
func TestTheTokenKeyFileIsCheckedAtStart(t *testing.T) {
	dir := t.TempDir()
	dsn := filepath.Join(dir, "trots.db")
	keyFile := dsn + ".key"
	s, err := survey.Open(ctx, dsn, survey.Options{})
	must(t, err)
	fi, err := os.Stat(keyFile)
	if err != nil {
		t.Fatalf("no key file beside the database: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	key, err := os.ReadFile(keyFile)
	must(t, err)
	var fp string
	must(t, survey.WriterDB(s).Raw("SELECT fingerprint FROM token_key").Scan(&fp).Error)
	if fp == "" || strings.Contains(fp, strings.TrimSpace(string(key))) {
		t.Fatalf("fingerprint %q", fp)
	}
	d := storetest.MustDepartment(t, s, "Douane", 40)
	p := storetest.MustOpenPulse(t, s, "pulse", 1)
	tokens, err := s.CreateInvitations(ctx, p.ID, d.ID, 2)
	must(t, err)
	must(t, s.Close())

	// Missing.
	must(t, os.Rename(keyFile, keyFile+".saved"))
	if _, err := survey.Open(ctx, dsn, survey.Options{}); err == nil || !strings.Contains(err.Error(), keyFile) || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("open without the key file: %v", err)
	}
	if _, err := os.Stat(keyFile); err == nil {
		t.Fatal("a new key file was made although invitations need the old one")
	}
	// Another key.
	other := filepath.Join(dir, "other.key")
	must(t, os.WriteFile(other, []byte(strings.Repeat("ab", 32)+"\n"), 0o600))
	if _, err := survey.Open(ctx, dsn, survey.Options{KeyFile: other}); err == nil || !strings.Contains(err.Error(), other) {
		t.Fatalf("open with another key: %v", err)
	}
	// Put back, everything works as before.
	must(t, os.Rename(keyFile+".saved", keyFile))
	s, err = survey.Open(ctx, dsn, survey.Options{})
	must(t, err)
	defer s.Close()
	if _, err := s.LinkByToken(ctx, tokens[1]); err != nil {
		t.Fatalf("token after reopening: %v", err)
	}
	// Once the pulse is closed no invitation needs the key: a lost key
	// file is then replaced by a new one.
	must(t, s.ClosePulse(ctx, p.ID))
	must(t, s.Close())
	must(t, os.Remove(keyFile))
	s, err = survey.Open(ctx, dsn, survey.Options{})
	must(t, err)
	must(t, s.Close())
	if _, err := os.Stat(keyFile); err != nil {
		t.Fatalf("no new key file: %v", err)
	}
}

// Migration 8 re-keys the unsalted hashes of schema 5 without the tokens
// (the keyed hash is an HMAC of the SHA-256): invitations handed out
// before the upgrade keep working, a used one stays used, and the stored
// hashes are no longer the SHA-256 of the tokens.
func TestMigration8RekeysInvitations(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		old, err := survey.OpenAtVersion(ctx, dsn, 5)
		must(t, err)
		// Rows as schema 5 holds them, in its own columns: today's code
		// writes columns later steps added.
		db := survey.WriterDB(old)
		d, p := survey.Department{ID: survey.NewID()}, survey.Pulse{ID: survey.NewID()}
		must(t, db.Exec("INSERT INTO departments (id, name, headcount, externally_visible) VALUES (?, ?, ?, TRUE)", d.ID, "Douane", 40).Error)
		must(t, db.Exec("INSERT INTO pulses (id, name, questionnaire_id, questionnaire_version, status, min_group, min_comments, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			p.ID, "Oud", "pulse", 1, "open", 5, 10, time.Now().UTC()).Error)
		fresh, used := survey.NewID(), survey.NewID()
		must(t, db.Exec("INSERT INTO invitations (token_hash, pulse_id, department_id, used) VALUES (?, ?, ?, FALSE)", sha256Hex(fresh), p.ID, d.ID).Error)
		must(t, db.Exec("INSERT INTO invitations (token_hash, pulse_id, department_id, used) VALUES (?, ?, ?, TRUE)", sha256Hex(used), p.ID, d.ID).Error)
		must(t, old.Close())

		s := storetest.Open(t, dsn)
		if _, err := s.LinkByToken(ctx, fresh); err != nil {
			t.Fatalf("an invitation of before the upgrade: %v", err)
		}
		if _, err := s.LinkByToken(ctx, used); survey.ErrorKey(err) != "token_used" {
			t.Fatalf("a used invitation of before the upgrade: %v", err)
		}
		for _, r := range invitationsAsStored(t, s) {
			if r.TokenHash == sha256Hex(fresh) || r.TokenHash == sha256Hex(used) {
				t.Fatal("an unsalted hash survived the upgrade")
			}
		}
	})
}
