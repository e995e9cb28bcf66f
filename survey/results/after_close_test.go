package results_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"trots/analysis"
	"trots/questionnaires"
	"trots/survey"
	"trots/survey/demo"
	"trots/survey/results"
	"trots/survey/storetest"
)

// Random organisations in a real database, closed with results.Close,
// then random sequences of console actions (renames, headcount edits,
// deleting departments that have no responses): what every output reads
// of the closed pulse - results.Analyze (board, department pages, CSV,
// API, PDFs, trots report), results.StoredRespondents (pulse list) and
// results.Published (trots audit) - is the same after each action as
// before, and passes the audit.
func TestClosedPulseOutputsSurviveConsoleActions(t *testing.T) {
	q, err := questionnaires.Load("advocacy-readiness")
	if err != nil {
		t.Fatal(err)
	}
	answers := demo.Generate(q, 1).Departments[0].Responses
	for run := range 12 {
		rng := rand.New(rand.NewPCG(uint64(run), 15))
		s := storetest.Open(t, storetest.SQLiteDSN(t))
		nd := 2 + rng.IntN(6)
		sizes := map[string]int{}
		var ids []string
		for d := range nd {
			size := rng.IntN(12)
			if rng.IntN(3) == 0 {
				size = rng.IntN(5)
			}
			dep := storetest.MustDepartment(t, s, fmt.Sprintf("Afdeling %c", 'A'+d), size+rng.IntN(5))
			sizes[dep.ID] = size
			ids = append(ids, dep.ID)
		}
		p := storetest.MustOpenPulse(t, s, q.ID, q.Version)
		links, err := s.Links(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		i := rng.IntN(len(answers))
		for _, l := range links {
			for range sizes[l.DepartmentID] {
				mustSubmit(t, s, q, l, answers[i%len(answers)].Values())
				i++
			}
		}
		if _, err := results.Close(ctx, s, p.ID, analysis.DefaultConfig()); err != nil {
			t.Fatal(err)
		}
		before := outputs(t, s, p.ID)
		for step := range 6 {
			id := ids[rng.IntN(len(ids))]
			d, err := s.Department(ctx, id)
			if survey.ErrorCode(err) == survey.ENotFound {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			switch rng.IntN(3) {
			case 0: // a rename that changes the order
				d.Name = fmt.Sprintf("%c renamed %d-%d", 'Z'-rng.IntN(26), run, step)
				err = s.UpdateDepartment(ctx, d)
			case 1:
				d.Headcount = rng.IntN(30)
				err = s.UpdateDepartment(ctx, d)
			case 2:
				err = s.DeleteDepartment(ctx, id)
				if survey.ErrorKey(err) == "department_has_responses" {
					err = nil // it takes part in the pulse, whose answers are kept
				}
			}
			if err != nil {
				t.Fatalf("run %d step %d: %v", run, step, err)
			}
			if after := outputs(t, s, p.ID); after != before {
				t.Fatalf("run %d step %d: the outputs of the closed pulse changed:\nbefore %s\nafter  %s", run, step, before, after)
			}
		}
	}
}

// outputs is what the outputs of a closed pulse read, as one string.
func outputs(t *testing.T, s *survey.Store, pulseID string) string {
	t.Helper()
	out, err := results.Analyze(ctx, s, pulseID, analysis.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if out.Result.Audit == nil || len(out.Result.Audit.Disclosed) > 0 {
		t.Fatalf("the stored result is not audited or not safe: %+v", out.Result.Audit)
	}
	p, _ := s.Pulse(ctx, pulseID)
	n, shown, stored, err := results.StoredRespondents(ctx, s, p)
	if err != nil || !stored {
		t.Fatalf("stored respondents: %v %v", stored, err)
	}
	_, pub, err := results.Published(ctx, s, pulseID)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(out.Result)
	b, _ := json.Marshal(pub)
	return fmt.Sprintf("%s|%d %v|%s", a, n, shown, b)
}
