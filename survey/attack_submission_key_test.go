package survey_test

import (
	"bytes"
	"encoding/base32"
	"os"
	"strings"
	"testing"

	"trots/survey"
	"trots/survey/storetest"
)

// Attack (an operator who builds its own answer form on the survey API,
// e.g. an intranet page that knows who is signed in): the submission key is
// the client's choice, and it was stored verbatim with the answers. A key
// that spells the employee number is a valid key, so the responses table
// said whose answers each row held. The stored key is now a keyed hash of
// the client's (a retry is still recognised), and closing the pulse
// replaces every stored key by a fresh random one, so that not even the key
// file turns a row back into the client's key.
func TestAClientsSubmissionKeyIsNotStoredWithTheAnswers(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		d := storetest.MustDepartment(t, s, "Douane", 40)
		p := storetest.MustOpenPulse(t, s, "pulse", 1)
		links, err := s.Links(ctx, p.ID)
		must(t, err)
		var link survey.Link
		for _, l := range links {
			if l.DepartmentID == d.ID {
				link = l
			}
		}
		enc := base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)
		var chosen []string
		for _, who := range []string{"employee-0042!!!", "employee-0043!!!"} {
			key := enc.EncodeToString([]byte(who)) // 16 bytes: a valid key
			chosen = append(chosen, key)
			if rc, err := s.Submit(ctx, survey.Submission{Link: link, Key: key}); err != nil || rc.Replay {
				t.Fatalf("submit %s: %v %+v", who, err, rc)
			}
		}
		// A retry with the same key is still a replay.
		if rc, err := s.Submit(ctx, survey.Submission{Link: link, Key: chosen[0]}); err != nil || !rc.Replay {
			t.Fatalf("a retry with the same key: %v %+v", err, rc)
		}
		stored := func() []string {
			var keys []string
			must(t, survey.WriterDB(s).Raw("SELECT submission_key FROM responses WHERE pulse_id = ?", p.ID).Scan(&keys).Error)
			if len(keys) != 2 {
				t.Fatalf("%d responses stored, want 2", len(keys))
			}
			return keys
		}
		open := stored()
		for _, k := range open {
			for _, c := range chosen {
				if strings.Contains(k, c) || strings.Contains(c, k) {
					t.Fatalf("the client's key %s is stored with the answers", c)
				}
			}
		}
		must(t, s.ClosePulse(ctx, p.ID))
		for _, k := range stored() {
			for _, o := range open {
				if k == o {
					t.Fatalf("after closing, a response keeps the key it was stored under while the pulse was open (%s)", k)
				}
			}
		}
	})
}

// Keys that earlier versions stored verbatim are not left behind by an
// upgrade: at start, those of closed pulses get random values, those of
// open pulses their keyed hash (TestMigration5KeepsResponsesAndComments
// checks that a retry is still a replay).
func TestStartReplacesClientKeysOfEarlierVersions(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		d := storetest.MustDepartment(t, s, "Douane", 40)
		p := storetest.MustOpenPulse(t, s, "pulse", 1)
		verbatim := survey.NewID()
		must(t, survey.WriterDB(s).Exec("INSERT INTO responses (pulse_id, department_id, submission_key, answers) VALUES (?, ?, ?, ?)",
			p.ID, d.ID, verbatim, `{}`).Error)
		must(t, s.ClosePulse(ctx, p.ID))
		must(t, survey.WriterDB(s).Exec("UPDATE responses SET submission_key = ? WHERE pulse_id = ?", verbatim, p.ID).Error)
		checkpoint := func(s *survey.Store) {
			if s.Dialect() == survey.SQLite {
				must(t, survey.WriterDB(s).Exec("PRAGMA wal_checkpoint(TRUNCATE)").Error)
			}
		}
		checkpoint(s)                // the verbatim key is in the file itself now
		s2 := storetest.Open(t, dsn) // a start of the new version
		var keys []string
		must(t, survey.WriterDB(s2).Raw("SELECT submission_key FROM responses WHERE pulse_id = ?", p.ID).Scan(&keys).Error)
		if len(keys) != 1 || keys[0] == verbatim || keys[0] == survey.StoredKey(s2, verbatim) {
			t.Fatalf("a closed pulse's response keeps the key a client sent: %v", keys)
		}
		if s2.Dialect() == survey.SQLite {
			checkpoint(s2)
			for _, f := range []string{dsn, dsn + "-wal"} {
				raw, err := os.ReadFile(f)
				if os.IsNotExist(err) {
					continue
				}
				must(t, err)
				if bytes.Contains(raw, []byte(verbatim)) {
					t.Fatalf("%s still holds the key a client sent, in free space", f)
				}
			}
		}
	})
}
