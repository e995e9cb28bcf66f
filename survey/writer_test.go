package survey_test

import (
	"testing"

	"trots/survey"
	"trots/survey/storetest"
)

// One group holds a good submission, its replay, a used token and a
// submission to a closed pulse: the refusals leave nothing behind and do
// not take the good one down with them.
func TestGroupCommitIsolatesRefusals(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		d := storetest.MustDepartment(t, s, "Zorg", 30)
		open := storetest.MustOpenPulse(t, s, "pulse", 1)
		closed := storetest.MustOpenPulse(t, s, "pulse", 1)
		if err := s.ClosePulse(ctx, closed.ID); err != nil {
			t.Fatal(err)
		}
		link := survey.Link{PulseID: open.ID, DepartmentID: d.ID}
		tokens, err := s.CreateInvitations(ctx, open.ID, d.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		good := survey.Submission{Link: link, Key: survey.NewID(), Token: tokens[0], Comments: map[string]string{"comment": "goed"}}
		errs := survey.CommitGroup(s, []survey.Submission{
			good,
			good, // the same form again, in the same transaction
			{Link: link, Key: survey.NewID(), Token: tokens[0], Comments: map[string]string{"comment": "weg"}},
			{Link: survey.Link{PulseID: closed.ID, DepartmentID: d.ID}, Key: survey.NewID()},
		})
		wantKeys := []string{"", "replay", "token_used", "pulse_closed"}
		for i, want := range wantKeys {
			if got := survey.ErrorKey(errs[i]); got != want || (want == "" && errs[i] != nil) {
				t.Errorf("submission %d: %v (key %q), want key %q", i, errs[i], got, want)
			}
		}
		if n := countResponses(t, s, open.ID); n != 1 {
			t.Fatalf("%d responses in the open pulse, want 1", n)
		}
		if n := countResponses(t, s, closed.ID); n != 0 {
			t.Fatalf("%d responses in the closed pulse, want 0", n)
		}
		comments, _ := s.Comments(ctx, open.ID)
		if len(comments) != 1 || comments[0].Body != "goed" {
			t.Fatalf("comments = %+v; the refused submission's comment must be rolled back", comments)
		}
	})
}

func TestSubmitAfterCloseFails(t *testing.T) {
	s := storetest.Open(t, storetest.SQLiteDSN(t))
	d := storetest.MustDepartment(t, s, "Zorg", 30)
	p := storetest.MustOpenPulse(t, s, "pulse", 1)
	s.Close()
	if _, err := s.Submit(ctx, survey.Submission{Link: survey.Link{PulseID: p.ID, DepartmentID: d.ID}, Key: survey.NewID()}); err == nil {
		t.Fatal("submit on a closed store succeeded")
	}
}

// A group of plain submissions is stored as one batch without savepoints:
// a key stored before is a replay, a key twice in the group is stored
// once, and a submission that cannot be stored (its department is gone)
// fails alone - the group runs again with one savepoint per submission.
func TestGroupCommitBatch(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		d := storetest.MustDepartment(t, s, "Zorg", 30)
		p := storetest.MustOpenPulse(t, s, "pulse", 1)
		link := survey.Link{PulseID: p.ID, DepartmentID: d.ID}
		earlier := survey.Submission{Link: link, Key: survey.NewID()}
		if errs := survey.CommitGroup(s, []survey.Submission{earlier}); errs[0] != nil {
			t.Fatal(errs[0])
		}
		fresh := survey.Submission{Link: link, Key: survey.NewID(), Comments: map[string]string{"comment": "goed"}}
		other := survey.Submission{Link: link, Key: survey.NewID()}
		gone := survey.Submission{Link: survey.Link{PulseID: p.ID, DepartmentID: survey.NewID()}, Key: survey.NewID()}
		for _, tc := range []struct {
			name  string
			group []survey.Submission
			want  []string
			rows  int
		}{
			{"batch", []survey.Submission{fresh, earlier, fresh, other}, []string{"", "replay", "replay", ""}, 3},
			{"fallback", []survey.Submission{{Link: link, Key: survey.NewID()}, gone, {Link: link, Key: survey.NewID()}}, []string{"", "link_unknown", ""}, 5},
		} {
			errs := survey.CommitGroup(s, tc.group)
			for i, want := range tc.want {
				if got := survey.ErrorKey(errs[i]); got != want || (want == "" && errs[i] != nil) {
					t.Errorf("%s: submission %d: %v (key %q), want key %q", tc.name, i, errs[i], got, want)
				}
			}
			if n := countResponses(t, s, p.ID); n != tc.rows {
				t.Fatalf("%s: %d responses, want %d", tc.name, n, tc.rows)
			}
		}
		comments, _ := s.Comments(ctx, p.ID)
		if len(comments) != 1 || comments[0].Body != "goed" {
			t.Fatalf("comments = %+v, want the one of the fresh submission, once", comments)
		}
	})
}
