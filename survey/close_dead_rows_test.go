package survey_test

import (
	"fmt"
	"slices"
	"testing"

	"trots/survey"
	"trots/survey/storetest"
)

// deadTuples counts the row versions of table that PostgreSQL still keeps
// in its heap pages (live or dead, but not yet removed by a vacuum) whose
// bytes hold needle: what whoever copies the data directory reads with
// pageinspect, transaction id (xmin) included.
func deadTuples(t *testing.T, s *survey.Store, table, needle string) int {
	t.Helper()
	db := survey.WriterDB(s)
	if err := db.Exec("CREATE EXTENSION IF NOT EXISTS pageinspect").Error; err != nil {
		t.Fatal(err)
	}
	var n int
	err := db.Raw(fmt.Sprintf(`SELECT count(*) FROM generate_series(0, pg_relation_size('%[1]s') / current_setting('block_size')::int - 1) AS b,
		LATERAL heap_page_items(get_raw_page('%[1]s', b::int)) AS i
		WHERE i.t_data IS NOT NULL AND position(convert_to(?, 'UTF8') IN i.t_data) > 0`, table), needle).Scan(&n).Error
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// The attack: a sign-on pulse without comments closes; whoever copies the
// PostgreSQL data directory before an autovacuum happens to run reads the
// row versions the close deleted or replaced. The deleted pulse_signons
// rows keep each person hash with the transaction id of its response,
// and the replaced response versions keep that same transaction id with
// the answers: with the key file and the provider's list of subjects,
// person -> answers. (Seal would vacuum, but it leaves a pulse alone whose
// rows now all carry one transaction id: the close's.) The close must
// leave no such row version behind.
func TestClosePulseLeavesNoOldRowVersionsOnPostgres(t *testing.T) {
	s := storetest.Open(t, storetest.PostgresDSN(t))
	// The attacker's moment: before any autovacuum.
	for _, table := range []string{"responses", "pulse_signons", "invitations", "comments"} {
		if err := survey.WriterDB(s).Exec("ALTER TABLE " + table + " SET (autovacuum_enabled = false)").Error; err != nil {
			t.Fatal(err)
		}
	}
	d := storetest.MustDepartment(t, s, "ICT", 8)
	p, err := s.CreatePulse(ctx, survey.Pulse{Name: "Sign-on", QuestionnaireID: "pulse", QuestionnaireVersion: 2, SignOn: true})
	must(t, err)
	p, err = s.OpenPulse(ctx, p.ID)
	must(t, err)
	links, err := s.Links(ctx, p.ID)
	must(t, err)
	var link survey.Link
	for _, l := range links {
		if l.DepartmentID == d.ID {
			link = l
		}
	}
	var hashes []string
	for i := range 6 {
		h := s.PersonHash(p.ID, "https://idp.example.org", fmt.Sprintf("sub-%d", i))
		hashes = append(hashes, h)
		if _, err := s.Submit(ctx, survey.Submission{Link: link, Key: survey.NewID(), Person: h,
			Answers: survey.Answers{Numbers: map[string]int{"pride_work": 1 + i%5}}}); err != nil {
			t.Fatal(err)
		}
	}
	before := deadTuples(t, s, "responses", p.ID)
	if before != 6 {
		t.Fatalf("%d response rows in the heap before the close, want 6", before)
	}
	must(t, s.ClosePulse(ctx, p.ID))
	for _, h := range hashes {
		if n := deadTuples(t, s, "pulse_signons", h); n > 0 {
			t.Errorf("person hash %s… still in %d row version(s) of pulse_signons after the close", h[:8], n)
		}
	}
	if n := deadTuples(t, s, "responses", p.ID); n != 6 {
		t.Errorf("%d row versions of the pulse's responses after the close, want the 6 live ones (old versions keep their arrival's transaction id)", n)
	}
}

// The attack: answers arrive one at a time, each with a comment, and the
// pulse closes before the next seal. The close gave the responses new keys
// by an UPDATE, which writes the new versions in the order of the old
// ones - the order of arrival - and left the comments as they were, in
// the order of arrival with their own transaction ids. The n-th response
// in the heap and the n-th comment were then one person's, and whoever
// saw the last person answer knew which row was theirs. After the close
// every row of the pulse carries the close's transaction and lies in the
// order of its random key.
func TestClosePulseSealsOnPostgres(t *testing.T) {
	s := storetest.Open(t, storetest.PostgresDSN(t))
	d := storetest.MustDepartment(t, s, "Techniek", 40)
	p := storetest.MustOpenPulse(t, s, "pulse", 1)
	for i := range 12 {
		if _, err := s.Submit(ctx, survey.Submission{Link: survey.Link{PulseID: p.ID, DepartmentID: d.ID}, Key: survey.NewID(),
			Answers:  survey.Answers{Numbers: map[string]int{"pride_work": 1 + i%5}},
			Comments: map[string]string{"comment": fmt.Sprintf("opmerking %d", i)}}); err != nil {
			t.Fatal(err)
		}
	}
	before := sealRows(t, s, "responses", p.ID)
	if xmins := distinctXmin(before); len(xmins) != 12 {
		t.Fatalf("before the close: %d transactions, want 12: the test proves nothing", len(xmins))
	}
	must(t, s.ClosePulse(ctx, p.ID))
	resp, comm := sealRows(t, s, "responses", p.ID), sealRows(t, s, "comments", p.ID)
	if len(resp) != 12 || len(comm) != 12 {
		t.Fatalf("%d responses and %d comments after the close, want 12 each", len(resp), len(comm))
	}
	if xmins := distinctXmin(resp, comm); len(xmins) != 1 {
		t.Errorf("after the close the pulse's rows carry %d transactions, want 1", len(xmins))
	}
	for table, rows := range map[string][]sealRow{"responses": resp, "comments": comm} {
		if got, want := keysOf(rows), keyOrder(t, s, table, p.ID); !slices.Equal(got, want) {
			t.Errorf("after the close the %s lie in the order of arrival, not of their keys:\n got %v\nwant %v", table, got, want)
		}
	}
	var bodies []string
	for _, r := range before {
		bodies = append(bodies, r.Body)
	}
	for _, r := range resp {
		if !slices.Contains(bodies, r.Body) {
			t.Errorf("answers %s after the close were not stored before", r.Body)
		}
	}
}
