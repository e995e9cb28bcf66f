package results_test

import (
	"context"
	"strings"
	"testing"

	"trots/analysis"
	"trots/questionnaires"
	"trots/survey"
	"trots/survey/demo"
	"trots/survey/results"
	"trots/survey/storetest"
)

var ctx = context.Background()

// A stored demo organisation analysed through results gives every
// department the verdict it was designed for, on both engines, and a second
// pulse gets a trend against the first.
func TestAnalyzeStoredPulse(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		q, err := questionnaires.Load("advocacy-readiness")
		if err != nil {
			t.Fatal(err)
		}
		org := demo.Generate(q, 7)
		seeded, err := demo.Seed(ctx, s, q, org)
		if err != nil {
			t.Fatal(err)
		}
		out, err := results.Analyze(ctx, s, seeded.Baseline.ID, analysis.DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		if out.Previous != nil || out.Result.Trend != nil {
			t.Fatalf("first pulse has a trend: %+v", out.Previous)
		}
		byName := map[string]analysis.GroupResult{}
		for _, g := range out.Result.Departments {
			byName[g.Name] = g
		}
		for _, d := range seeded.Departments {
			g, ok := byName[d.Department.Name]
			if !ok {
				t.Fatalf("department %s missing from the result", d.Department.Name)
			}
			if g.Verdict == nil || string(g.Decision) != string(d.Expect) {
				t.Errorf("%s: verdict %+v, designed %s", d.Department.Name, g.Verdict, d.Expect)
			}
			if d.Responses < seeded.Baseline.MinGroup && !g.Suppressed {
				t.Errorf("%s: %d responses but not suppressed", d.Department.Name, d.Responses)
			}
		}

		// Measure again with the baseline (the demo's open pulse is the
		// short pulse, a questionnaire of its own without a trend against
		// the baseline): no results until it closes, and then a trend.
		second := storetest.MustOpenPulse(t, s, q.ID, q.Version)
		answer := func(p survey.Pulse) {
			t.Helper()
			links, err := s.Links(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range links {
				for _, r := range org.Departments[0].Responses {
					dec := survey.DecodeAnswers(q, r.Values())
					if len(dec.Errors) > 0 {
						t.Fatalf("demo answers invalid: %v", dec.Errors)
					}
					if _, err := s.Submit(ctx, survey.Submission{Link: l, Key: survey.NewID(), Answers: dec.Answers, Comments: dec.Comments}); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		answer(second)
		if _, err := results.Analyze(ctx, s, second.ID, analysis.DefaultConfig()); survey.ErrorCode(err) != survey.EConflict || survey.ErrorKey(err) != results.KeyAfterClose {
			t.Fatalf("open pulse analysed: %v", err)
		}
		// A newer pulse closed while the second is still open compares
		// with the closed baseline, never with the open pulse in between.
		third := storetest.MustOpenPulse(t, s, q.ID, q.Version)
		answer(third)
		out3, err := results.Close(ctx, s, third.ID, analysis.DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		if out3.Previous == nil || out3.Previous.ID != seeded.Baseline.ID || out3.Result.Trend == nil {
			t.Fatalf("third pulse compares with %+v, want the closed baseline", out3.Previous)
		}
		if _, err := results.Close(ctx, s, second.ID, analysis.DefaultConfig()); err != nil {
			t.Fatal(err)
		}
		out2, err := results.Analyze(ctx, s, second.ID, analysis.DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		if out2.Previous == nil || out2.Previous.ID != seeded.Baseline.ID || out2.Result.Trend == nil {
			t.Fatalf("second pulse: previous %+v, trend %v", out2.Previous, out2.Result.Trend != nil)
		}
	})
}

func TestAnalyzeRefusesDraftAndUnknown(t *testing.T) {
	s := storetest.Open(t, storetest.SQLiteDSN(t))
	p, err := s.CreatePulse(ctx, survey.Pulse{Name: "Concept", QuestionnaireID: "pulse", QuestionnaireVersion: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := results.Analyze(ctx, s, p.ID, analysis.DefaultConfig()); err == nil {
		t.Fatal("draft pulse analysed")
	}
	if _, err := results.Analyze(ctx, s, survey.NewID(), analysis.DefaultConfig()); survey.ErrorCode(err) != survey.ENotFound {
		t.Fatalf("unknown pulse: %v", err)
	}
	old, err := s.CreatePulse(ctx, survey.Pulse{Name: "Oud", QuestionnaireID: "pulse", QuestionnaireVersion: 99})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.OpenPulse(ctx, old.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.ClosePulse(ctx, old.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := results.Analyze(ctx, s, old.ID, analysis.DefaultConfig()); err == nil {
		t.Fatal("pulse on an unshipped questionnaire version analysed")
	}
}

// An open pulse has no results: figures that change with every answer give
// away the newest answer to whoever looks twice (11*m2 - 10*m1). Analyze
// refuses it with a conflict whatever it holds; its raw answers can still
// be analysed by analysis.Analyze on Input, as the tests do.
func TestAnalyzeRefusesOpenPulse(t *testing.T) {
	s := storetest.Open(t, storetest.SQLiteDSN(t))
	q, err := questionnaires.Load("advocacy-readiness")
	if err != nil {
		t.Fatal(err)
	}
	org := demo.Generate(q, 7)
	seeded, err := demo.Seed(ctx, s, q, org)
	if err != nil {
		t.Fatal(err)
	}
	// The demo's open pulse is the short pulse: answered as such.
	p := seeded.Open
	oq, err := demo.OpenQuestionnaire(q)
	if err != nil || p.QuestionnaireID != oq.ID || oq.ID != "pulse" {
		t.Fatalf("open pulse on %s, OpenQuestionnaire %v %v", p.QuestionnaireID, oq, err)
	}
	short := demo.Generate(oq, 7)
	for i, d := range seeded.Departments {
		for _, r := range short.Departments[i].Responses {
			dec := survey.DecodeAnswers(oq, r.Values())
			if !dec.Valid() {
				t.Fatalf("short pulse answers refused: %v", dec.Errors)
			}
			if _, err := s.Submit(ctx, survey.Submission{Link: d.Link, Key: survey.NewID(), Answers: dec.Answers, Comments: dec.Comments}); err != nil {
				t.Fatal(err)
			}
		}
	}
	_, err = results.Analyze(ctx, s, p.ID, analysis.DefaultConfig())
	if survey.ErrorCode(err) != survey.EConflict || survey.ErrorKey(err) != results.KeyAfterClose ||
		!strings.Contains(err.Error(), "closed") || !strings.Contains(err.Error(), "comparing figures over time") {
		t.Fatalf("open pulse: %v, want a conflict %s", err, results.KeyAfterClose)
	}
	in, err := results.Input(ctx, s, p, oq, analysis.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if res, err := analysis.Analyze(in); err != nil || len(res.Departments) != len(seeded.Departments) {
		t.Fatalf("raw analysis of the open pulse for tests: %v", err)
	}
}
