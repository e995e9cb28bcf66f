package survey_test

import (
	"bytes"
	"os"
	"testing"

	"trots/survey"
	"trots/survey/storetest"
)

// Attack (DBA with the database file and its key, e.g. a file-system
// snapshot or a shell on the server): after a pulse closes its invitations
// are deleted, but SQLite leaves deleted rows in free pages and free
// blocks. If the keyed hash of a used invitation can still be read from the
// file, hashing the mail merge with the key tells who answered a closed
// pulse, which the README says cannot be learnt.
func TestClosedPulsesInvitationsDoNotLingerInTheFile(t *testing.T) {
	dsn := storetest.SQLiteDSN(t)
	s := storetest.Open(t, dsn)
	d := storetest.MustDepartment(t, s, "Douane", 40)
	p := storetest.MustOpenPulse(t, s, "pulse", 1)
	tokens, err := s.CreateInvitations(ctx, p.ID, d.ID, 200)
	must(t, err)
	link, err := s.LinkByToken(ctx, tokens[3])
	must(t, err)
	if _, err := s.Submit(ctx, survey.Submission{Link: link, Key: survey.NewID(), Token: tokens[3]}); err != nil {
		t.Fatal(err)
	}
	var hashes []string
	for _, r := range invitationsAsStored(t, s) {
		hashes = append(hashes, r.TokenHash)
	}
	must(t, s.ClosePulse(ctx, p.ID))
	must(t, s.Close())
	for _, f := range []string{dsn, dsn + "-wal"} {
		raw, err := os.ReadFile(f)
		if os.IsNotExist(err) {
			continue
		}
		must(t, err)
		for _, h := range hashes {
			if bytes.Contains(raw, []byte(h)) {
				t.Fatalf("%s still holds the keyed hash of a deleted invitation of the closed pulse", f)
			}
		}
	}
}
